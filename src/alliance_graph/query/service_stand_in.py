"""A query with each SERVICE call's target stood in for, so that Oxigraph reads it calling none.

Before a query goes to a remote store, Oxigraph reads it on a store holding nothing
(``dialect.read_as_oxigraph``), and would make the SERVICE calls it evaluates there (an
ASK's at once; an aggregate's), which the store then made again.  Skipping that reading for
a query calling an allowed SERVICE let its calls of functions no store should run reach the
store as written (Virtuoso looks an unknown function up among its SQL procedures).  So each
target is written as a variable the query does not use, bound to nothing: Oxigraph plans the
query as it would (a SERVICE's own pattern is the service's to read, unplanned here, as over
a local store), and evaluating the call fails at once (``UNCALLED``) with no request made.
The variable takes the target's place and length, so a parser's "error at 1:38" is the
place the user wrote.
"""

from __future__ import annotations

from ..keywords import declared, split_glued
from ..sparql import Token

# What Oxigraph says evaluating a SERVICE whose target variable is bound to nothing.
UNCALLED = "The variable encoding the service name is unbound"
_WANTED = frozenset(("SERVICE", "SILENT"))
_NAMES = frozenset(("NAME", "PNAME_LN", "PNAME_NS"))
_TARGETS = frozenset(("IRIREF", "PNAME_LN", "PNAME_NS"))
_FIRST = "_abcdefghijklmnopqrstuvwxyz"


def uncalled(text: str, tokens: list[Token], prefixes) -> str:
    """Return ``text`` (its ``tokens``) with the target of each SERVICE, as Oxigraph reads
    its keywords (glued ones too, ``SERVICEex:q``: ``split_glued``, where the prefix is
    declared neither by the query nor in ``prefixes``), a variable it does not use."""
    if not any("SERVICE" in t.text.upper() for t in tokens if t.kind in _NAMES):
        return text
    read = list(_as_read(tokens, prefixes))
    used = {t.text[1:] for t in read if t.kind == "VAR"}
    places = []
    for at, token in enumerate(read):
        if token.kind != "NAME" or token.text.upper() != "SERVICE":
            continue
        after = at + 1
        while after < len(read) and read[after].kind == "NAME" \
                and read[after].text.upper() == "SILENT":
            after += 1
        if after < len(read) and read[after].kind in _TARGETS:
            places.append(read[after])
    for target in reversed(places):
        start, end = target.start, target.start + len(target.text)
        if end - start < 2 and start > 0 and text[start - 1].isspace():
            start -= 1  # "SERVICE :": the space before the name gives its variable room
        name = _unused(end - start - 1, used)
        used.add(name)
        text = f"{text[:start]}?{name}{text[end:]}"
    return text


def _as_read(tokens: list[Token], prefixes):
    """Yield ``tokens`` as Oxigraph reads the SERVICE and SILENT keywords glued in them: a
    prefixed name whose prefix is declared is a name to it."""
    known = declared(tokens, prefixes or ())
    for token in tokens:
        if token.kind in _NAMES and token.text.partition(":")[0] not in known:
            pieces = split_glued(token, _WANTED)
            if pieces is not None:
                yield from pieces
                continue
        yield token


def _unused(length: int, used: set[str]) -> str:
    """Return a variable name of ``length`` characters (at least one) not in ``used``."""
    length = max(length, 1)
    for first in _FIRST:
        for number in range(10 ** (length - 1)):
            name = first + (str(number).zfill(length - 1) if length > 1 else "")
            if name not in used:
                return name
    return _unused(length + 1, used)  # every name of that length taken: one longer
