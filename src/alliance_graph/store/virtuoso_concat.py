"""A ``GROUP_CONCAT`` without a ``SEPARATOR``, given the default one before Virtuoso reads it.

SPARQL's ``GROUP_CONCAT(?x)`` joins the values with a space.  Virtuoso 7.2 fails on it as
soon as a group has a value ("SR183: Required argument DELIM (no 3) not supplied to
DB.DBA.GROUP_CONCAT_ACC", HTTP 500: exit 2, or a 502 from the endpoint), and answers the same
aggregate written with ``; SEPARATOR=" "`` as the other stores do.  So each one is sent so.
"""

from __future__ import annotations

from ..sparql import tokenize


def separated(query: str) -> str:
    """Return ``query`` with ``; SEPARATOR=" "`` in each ``GROUP_CONCAT(...)`` that has no
    separator of its own."""
    if "GROUP_CONCAT" not in query.upper():
        return query
    tokens = tokenize(query)
    ends = []
    for i, token in enumerate(tokens[:-1]):
        if token.kind != "NAME" or token.text.upper() != "GROUP_CONCAT" \
                or tokens[i + 1].kind != "(":
            continue
        depth, separator = 0, False
        for inner in tokens[i + 1:]:
            depth += {"(": 1, ")": -1}.get(inner.kind, 0)
            separator |= depth == 1 and inner.kind == ";"
            if depth == 0:
                if not separator:
                    ends.append(inner.start)
                break
    for end in reversed(ends):
        query = f'{query[:end]}; SEPARATOR=" "{query[end:]}'
    return query
