"""SPARQL's keywords, and words the engine reads as several of them glued together.

Oxigraph matches keywords with no word boundary, and reads a prefixed name whose prefix is not
declared again from its start: ``trueOPTIONAL{`` is ``true OPTIONAL {`` to it, and
``false.serviceex:`` is ``false . SERVICE ex:``.  The query checks read a query's words as
the engine does with ``split_glued``: the guard (``query/guard.py``) to find the keywords
that call out or name graphs, the bounds (``query/bounds.py``) to count the keywords that
add to the engine's recursion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sparql import Token

# The built-in functions and aggregates Oxigraph 0.5 reads, by name: a "(" after one opens a
# call's arguments (``query/bounds.py``), and each is a keyword to the engine (``guard.py``).
BUILT_INS = frozenset("""
    STR LANG LANGMATCHES LANGDIR DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT
    STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH
    DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512
    COALESCE IF STRLANG STRLANGDIR STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX
    SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT TRIPLE SUBJECT PREDICATE OBJECT
    ISTRIPLE HASLANG HASLANGDIR ADJUST""".split())

# Every keyword and built-in function name of SPARQL 1.1 and of the 1.2 additions Oxigraph
# 0.5 reads: a run of them glued together is read by the engine one keyword at a time.
KEYWORDS = BUILT_INS | frozenset("""
    BASE PREFIX VERSION SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED
    GROUP BY HAVING ORDER ASC DESC LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD
    TO MOVE COPY INSERT DATA DELETE WITH USING DEFAULT GRAPH ALL OPTIONAL SERVICE BIND UNDEF
    MINUS UNION FILTER LATERAL A TRUE FALSE NOT IN EXISTS SEPARATOR""".split())


def _longest_first(words: Iterable[str]) -> str:
    """Return a pattern matching the longest of ``words`` that begins at a position: the
    words as a tree of their letters, where each letter's branches are tried before the word
    that may end at it (a plain alternation tries its words one by one, at every offset)."""
    tree: dict = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}

    def branches(node: dict) -> str:
        after = [re.escape(letter) + branches(rest) for letter, rest in sorted(node.items())
                 if letter]
        if not after:
            return ""
        return "(?:" + "|".join(after) + (")?" if "" in node else ")")
    return branches(tree)


# The longest keyword at a position, and the lengths of the keywords a keyword begins with
# (itself included), shortest first: the keywords at a position are those the longest
# begins with.
_LONGEST = re.compile(_longest_first(KEYWORDS))
_STARTING = {word: tuple(sorted(len(k) for k in KEYWORDS if word.startswith(k)))
             for word in KEYWORDS}
# Prefixes of prefixed names that begin with keywords the engine reads off them, making the
# name a function called in FILTER or the start of GROUP/ORDER BY or HAVING.
FILTER_GLUED = ("FILTER", "TRUEFILTER", "FALSEFILTER")
# A number within a word or a prefix (whose characters are letters, digits, "_", "-" and
# "."), as the engine reads one: an integer, a decimal or a double, with a minus sign or not.
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:E-?[0-9]+)?")
BY_GLUED = ("BY", "ORDERBY", "GROUPBY", "HAVING")


def glued(prefix: str, keywords: tuple[str, ...]) -> bool:
    """Return whether an upper-case prefix begins, or goes on after a dot, with one of
    ``keywords`` (an undeclared ``false.filterex:`` is ``false . FILTER ex:`` to the engine)."""
    return prefix.startswith(keywords) or ("." in prefix and any(
        part.startswith(keywords) for part in prefix.split(".")[1:]))


def split_glued(token: Token, wanted: frozenset[str]) -> list[Token] | None:
    """Return a word or a prefixed name as the keywords the engine reads at its start and
    the rest, if those keywords include one of ``wanted``; None if it stays whole.

    A prefix may hold dots, and where it is not declared the engine reads it again from
    the start: ``false.serviceex:`` is ``false . SERVICE ex:`` to it.  So the keywords are
    looked for after each dot as well.
    """
    text, make = token.text, type(token)  # a Token (sparql.py imports this module)
    name, colon, local = text.partition(":")
    upper = name.upper()
    if not colon and upper in KEYWORDS:
        return None  # a keyword as written
    if not any(w in upper for w in wanted if len(w) <= len(upper)):
        return None
    # No keyword holds a dot, so a run of keywords never crosses one: only a part between
    # dots that holds a wanted keyword can begin a run that matters (reading every part of
    # "a.a.a...service:" would cost time in the number of dots for nothing).
    begin = 0
    for part in name.split("."):
        begin, at_part = begin + len(part) + 1, begin
        if not any(w in part.upper() for w in wanted if len(w) <= len(part)):
            continue
        chain = [(word, at + at_part) for word, at in keyword_run(upper[at_part:begin - 1])]
        last = max((n for n, (word, _) in enumerate(chain) if word in wanted), default=None)
        if last is None:
            continue
        if not colon:
            last = len(chain) - 1  # a bare word is read as keywords as far as they go
        pieces = [] if at_part == 0 else [make("NAME", name[:at_part - 1], token.start),
                                          make(".", ".", token.start + at_part - 1)]
        pieces += [make(_kind(word), name[at:at + len(word)], token.start + at)
                   for word, at in chain[:last + 1]]
        rest_at = chain[last][1] + len(chain[last][0])
        rest = text[rest_at:]
        if rest:
            kind = ("NAME" if not colon else "PNAME_NS" if rest.endswith(":")
                    and rest.count(":") == 1 else "PNAME_LN")
            pieces.append(make(kind, rest, token.start + rest_at))
        return pieces
    return None


def _kind(word: str) -> str:
    """Return the kind of a token the engine reads in a word: a keyword, or a number."""
    if word[0].isalpha():
        return "NAME"
    kind = "DOUBLE" if "E" in word else "DECIMAL" if "." in word else "INTEGER"
    return kind + "_NEGATIVE" * (word[0] == "-")


def reads_filter(prefix: str) -> bool:
    """Return whether the engine may read FILTER in an upper-case prefix it does not know:
    where a run of keywords and numbers from its start reaches FILTER, each part before a
    dot read whole (``atruefilterx:`` is ``a true FILTER x:``, ``true.filterx:`` is ``true .
    FILTER x:``, a name in ``myfilter:``)."""
    for part in prefix.split("."):
        reached = _reached(part)
        if any(part.startswith("FILTER", at) for at in reached):
            return True
        if len(part) not in reached:
            return False
    return False


def separators_in(prefix: str) -> tuple[int, int]:
    """Return how many dots and FILTERs the engine may read as such in an upper-case prefix.

    Read again from its start (where it is not declared, or where no name can be), a prefix
    is the keywords its first part begins with, a dot only if they are the whole part
    (``true.x:`` is ``true . x:``), and so on: in ``dc.terms:`` or ``myfilter:``, whose first
    part is no keyword, the engine can read neither a dot nor a FILTER, only a name.
    """
    dots = filters = 0
    parts = prefix.split(".")
    for n, part in enumerate(parts):
        run = keyword_run(part)
        filters += sum(word == "FILTER" for word, _ in run)
        if n + 1 == len(parts) or sum(len(word) for word, _ in run) < len(part):
            break
        dots += 1
    return dots, filters


def read_glued(tokens: Iterable[Token], wanted: frozenset[str]) -> Iterator[Token]:
    """Yield ``tokens``, each word holding one of the ``wanted`` keywords glued to others as
    the keywords the engine reads in it (``split_glued``): ``trueOPTIONAL{`` is ``true
    OPTIONAL {`` to it, and read as one word (by the bounds, ``query/bounds.py``) its OPTIONAL
    went uncounted, half of what a chain of them costs the engine."""
    for token in tokens:
        if token.kind == "NAME" and token.text.upper() not in KEYWORDS:
            pieces = split_glued(token, wanted)
            if pieces is not None:
                yield from pieces
                continue
        yield token


def declared(tokens: list[Token], prefixes: Iterable[str] = ()) -> set[str]:
    """Return the prefixes known to a query of ``tokens``: those it declares (``PREFIX ex:
    <...>``, read on its tokens: one in a comment or a string declares nothing) and
    ``prefixes``, the engine's own."""
    return {*prefixes, *(b.text[:-1] for a, b in zip(tokens, tokens[1:]) if b.kind == "PNAME_NS"
                         and a.kind == "NAME" and a.text.upper() == "PREFIX")}


def terms_in(text: str, declared: set[str]) -> int:
    """Return how many terms the engine reads in a word or a prefixed name: a word is the
    keywords glued in it (``truefalse`` is two: true and false), and a name whose prefix is
    not ``declared`` the keywords its prefix begins with and the name after them
    (``truetrue:a`` is three, with ``:`` declared), or a blank node and a name after them
    (``true_:b:x`` is true, ``_:b`` and ``:x``); a declared name is one."""
    name, colon, _ = text.partition(":")
    if colon and name in declared:
        return 1
    run = keyword_run(name.upper())
    blank = bool(colon) and name[sum(len(word) for word, _ in run):] == "_"
    return max(1, len(run) + bool(colon) + blank)


def past(tokens: list[Token], most: int, prefixes: Iterable[str]) -> Token | None:
    """Return the word or prefixed name with which ``tokens`` hold more than ``most`` terms
    as the engine reads them (``terms_in``: ``truefalse`` is two; a name whose prefix neither
    the query nor ``prefixes`` declares is its prefix's keywords and the name); None if they
    hold no more.  One word of keywords glued together is as many tokens to the checks, which
    split it (``split_glued``): "ASKASK..." of 99 kB was 33,000 of them, read one by one."""
    count, known = len(tokens), declared(tokens, prefixes)
    terms: dict[str, int] = {}  # by text: a query repeats its names
    for token in tokens:
        if token.kind not in ("NAME", "PNAME_LN", "PNAME_NS") or token.text.upper() in KEYWORDS:
            continue
        colon = token.text.find(":")
        name = token.text if colon < 0 else token.text[:colon + 1]  # a prefix is read alone
        if name not in terms:
            terms[name] = terms_in(name, known) - 1
        count += terms[name]
        if count > most:
            return token
    return None


def keyword_run(word: str) -> list[tuple[str, int]]:
    """Return the longest run of keywords that ``word`` (upper case) begins with, as
    (keyword, offset) pairs; empty if it begins with none.

    Each offset a run can reach is visited once, remembering the keyword that first reached
    it, so the time is linear in the word ("ASASAS..." of 100 kB is 50,000 keywords; copying
    the run so far at each step took minutes).  The keywords at an offset are found by one
    match of ``_LONGEST`` (trying each keyword's length there cost 0.16 s for 99 kB of
    "AAA...", and the checks read a word several times).
    """
    came_from = _reached(word)
    furthest = max(came_from)
    chain = []
    while furthest:
        at = came_from[furthest]
        chain.append((word[at:furthest], at))
        furthest = at
    return chain[::-1]


def _reached(word: str) -> dict[int, int]:
    """Return the offsets a run of keywords from the start of ``word`` (upper case) can end
    at, 0 included, each with the offset of the keyword that first reached it.

    A number is read in the run as a keyword is (a word's letters and digits are one token
    here, two to the engine): ``true1true1`` is four members of a collection to it, and
    read as one, 10,000 of them in one word passed the bounds and crashed the engine, as
    did an undeclared prefix ``false-1-1...ex:`` (false, -1, -1, ... and ex:); ``LIMIT5``
    is LIMIT 5."""
    came_from: dict[int, int] = {0: 0}
    todo, longest = [0], _LONGEST.match
    while todo:
        at = todo.pop()
        found = longest(word, at)
        number = _NUMBER.match(word, at)
        lengths = (_STARTING[found.group()] if found else ()) + (
            (number.end() - at,) if number else ())
        for length in lengths:
            end = at + length
            if end not in came_from:
                came_from[end] = at
                todo.append(end)
    return came_from


def undeclared(tokens: list[Token], prefixes: Iterable[str]) -> Token | None:
    """Return the first prefixed name of ``tokens`` whose prefix neither the query nor the
    engine's ``prefixes`` declares, and that the engine cannot read as keywords glued to a
    declared one (``FILTER:(...)`` is ``FILTER :(...)`` to it); None if there is none."""
    known = declared(tokens, prefixes)
    for token in tokens:
        if token.kind in ("PNAME_LN", "PNAME_NS"):
            name = token.text[:token.text.index(":")]
            if name in known:
                continue
            # Read as far as the rest is a declared prefix, not as far as keywords go:
            # "aschema:x" is "a schema:x" to the engine, though "ASC" reaches further.  Each
            # prefix's end tried, not each reached offset's rest: keywords reach every offset
            # of "aaa...", and a copy of the rest at each made a 100 KB name 2 s of the front.
            reached = _reached(name.upper())
            if not any(name.endswith(k) and len(name) - len(k) in reached for k in known):
                return token
    return None
