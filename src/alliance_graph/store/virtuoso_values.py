"""A group of VALUES alone, sent to Virtuoso with a filter beside it, to keep its rows.

Virtuoso 7.2 drops the rows of a group whose only element is a ``VALUES`` block when the
group is a branch of a ``UNION``, nested or not: ``{ ?o ag:inDomain id:CyberDomain } UNION
{ VALUES ?o { id:CyberDomain } }`` came back with no row at all (the other stores: the
domain and the six areas in it), and with ``VALUES (?o ?x)`` without the block's row; a
pattern joined after the ``UNION`` then matched nothing, silently.  The same group with
anything else beside its ``VALUES`` (a pattern, a ``BIND``, ``FILTER(true)``) keeps them, so
each such group is sent with ``FILTER(true)``, which changes no answer, before its ``}``; its
lines stay the user's.
"""

from __future__ import annotations

from ..sparql import tokenize

_KEPT = " FILTER(true) "


def filled(query: str) -> str:
    """Return ``query`` with ``FILTER(true)`` added to each group holding a VALUES block
    alone (``{ VALUES ?o { ... } }``)."""
    if "VALUES" not in query.upper():
        return query
    tokens = tokenize(query)
    ends = []
    for at, token in enumerate(tokens[:-1]):
        if token.kind != "{" or tokens[at + 1].kind != "NAME" \
                or tokens[at + 1].text.upper() != "VALUES":
            continue
        # The block's rows hold no braces: the first "}" after its "{" closes it.
        data = next((n for n in range(at + 2, len(tokens)) if tokens[n].kind == "{"), None)
        close = next((n for n in range(data + 1, len(tokens)) if tokens[n].kind == "}"),
                     None) if data is not None else None
        if close is None:
            continue
        after = close + 1 + (tokens[close + 1:close + 2] != [] and tokens[close + 1].kind == ".")
        if after < len(tokens) and tokens[after].kind == "}":
            ends.append(tokens[after].start)
    # Joined once: a query of many such groups is not copied whole for each.
    return _KEPT.join(query[a:b] for a, b in zip([0, *ends], [*ends, len(query)]))
