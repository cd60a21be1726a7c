"""Virtuoso's silent cut of a graph answer: whether an answer of N triples is whole.

Virtuoso sends at most ``ResultSetMaxRows`` rows of an answer.  A SELECT cut so says it in a
header (``X-SPARQL-MaxRows``, which ``remote`` refuses); a CONSTRUCT or DESCRIBE cut so comes
as if whole, with one triple more than the limit (Virtuoso 7.2: 21 triples at a limit of 20,
whatever the template), and nothing in the answer tells it from a whole one.  So an answer of
N triples is taken as whole once the store has sent N + 1 triples to a query asking for that
many: a probe that reads no graph, its triples made from ``VALUES`` digits, ``LIMIT N + 1``.

Each answer is probed, and nothing a probe showed is kept for the next: the limit is the
running store's, and a Virtuoso restarted with a lower one cut an answer a probe had shown
whole before the restart (3,001 of 13,246 triples, a 200 from the endpoint), while one
restarted with a higher limit had its answers refused at the old one until the command ended.
The probe's triples are short (about 20 bytes each); it costs about half what the answer
did.  An empty answer needs none (a cut one holds a triple more than the limit).  An answer
of exactly one triple more than the limit is refused though it may be whole: nothing can tell.

Virtuoso 7.2 also answers a query with an ``OFFSET`` and no ``LIMIT`` wrongly: without
``ORDER BY`` it fails (``SR350: TOP parameter < 0``), and with one it sends the sorted rows up
to its sorting limit (``MaxSortedTopRows``, 10,000 by default, the offset included) as if
they were all (9,990 of 13,236 for ``ORDER BY ?s OFFSET 10``).  Given a ``LIMIT`` it answers
right, or refuses past its sorting limit (``SR353``).  So ``limited`` gives each such
``OFFSET`` one: as many rows as any answer holds, or, after an ``ORDER BY`` of the query
itself, the rows the default sorting limit leaves; an answer that reaches that many may have
been cut, and is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from ..sparql import tokenize

_DIGITS = " ".join(map(str, range(10)))


def probe(count: int) -> str:
    """Return a CONSTRUCT of exactly ``count`` distinct short triples, reading no graph."""
    places = len(str(count))  # 10 ** places > count
    values = " ".join(f"VALUES ?d{k} {{ {_DIGITS} }}" for k in range(places))
    number = " + ".join(f"{10 ** k} * ?d{k}" for k in range(places))
    return (f"CONSTRUCT {{ ?s <p:> <p:> }} WHERE {{ {values} "
            f"BIND (IRI(CONCAT(\"p:\", STR({number}))) AS ?s) }} LIMIT {count}")


def cut_at(count: int, send: Callable[[str], int]) -> int | None:
    """Return the most triples the store sends if an answer of ``count`` triples may have been
    cut at it, else None; ``send(query)`` runs a probe on the same store and returns its
    triples."""
    if count == 0:
        return None
    got = send(probe(count + 1))
    return None if got > count else got


# The LIMIT given to an OFFSET that has none: more rows than any answer holds.
UNLIMITED = 2**31 - 1
# Virtuoso's default MaxSortedTopRows: the most rows it sorts, OFFSET and LIMIT together.
SORTED_ROWS = 10_000


def limited(query: str) -> tuple[str, int | None]:
    """Return ``query`` with a LIMIT after each ``OFFSET n`` that has none beside it
    (SPARQL writes them in either order), and the rows from which the answer may have been
    cut (None: never)."""
    if "OFFSET" not in query.upper():
        return query, None
    tokens = tokenize(query)
    words = [t.text.upper() if t.kind == "NAME" else t.kind for t in tokens] + ["", ""]
    # Only a SELECT's rows are its solutions, to be counted against the rows sorted.
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), "")
    sorted_at, depth, cap, limits = [False], 0, None, []
    for i, word in enumerate(words[:len(tokens)]):
        if word in ("{", "}"):  # a group opens, or closes and modifiers may follow it
            depth += 1 if word == "{" else -1
            sorted_at[depth:] = [False]
        elif word == "ORDER":
            sorted_at[depth] = True
        elif word == "OFFSET" and words[i + 1] == "INTEGER" and "LIMIT" not in (
                words[i - 2] if i >= 2 else "", words[i + 2]):
            # In a subquery, or a graph answer, a cut could not be told (the answer is not
            # those rows): the store refuses its sort past the limit instead.
            rows = SORTED_ROWS - int(tokens[i + 1].text)
            most = (rows if sorted_at[depth] and depth == 0 and rows > 0 and form == "SELECT"
                    else UNLIMITED)
            cap = most if most != UNLIMITED else cap
            limits.append((tokens[i + 1].start + len(tokens[i + 1].text), most))
    for end, most in reversed(limits):
        query = f"{query[:end]} LIMIT {most}{query[end:]}"
    return query, cap
