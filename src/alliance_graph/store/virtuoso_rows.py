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
"""

from __future__ import annotations

from collections.abc import Callable

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
