"""Say the claims of one fact a proposal writes twice as one finding, naming every one of them.

``claim-duplicate`` reports every claim of a fact stated more than once, naming one other
claim of it and counting the rest: two claims of one fact in a proposal were two findings,
each naming the other, and beside a claim of ``data/`` each named that one and "1 more", the
proposal's other claim unnamed and neither told where the claim of ``data/`` is.  A contributor
read two mistakes where there is one, a fact written twice.  ``merged`` makes the findings of
one fact one finding, on the first of the proposal's claims of it, naming the fact, each of the
proposal's claims of it with its file and line, and each claim of the graph's files with its
file: the one to keep and cite more evidence on when the graph holds the fact already.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pyoxigraph as ox

from ..rdf import from_text, term_text
from .report import CHECK, Finding, term_said

_DUPLICATE = str(CHECK["claim-duplicate-violation"])
# The claims named with their lines in one finding; past it, how many more (a thousand copies
# of one fact are one finding, not a list a thousand lines long).
NAMED = 5


def merged(findings: list[Finding], fact_of: dict, claims_stating: Callable, proposals: list[str],
           shown: Callable[[str], str], line_of: Callable) -> list[Finding]:
    """Return ``findings`` with the claim-duplicate findings of each fact made one, on the
    first claim of the fact a proposal writes.

    ``fact_of`` maps a claim to its (subject, predicate, object); ``claims_stating(s, p, o)``
    lists (file, claim) of each claim of a fact in the inputs; ``proposals`` are the files
    proposed (graph names), ``shown`` the name a file is shown by and ``line_of(file, node)``
    the line a node is described on."""
    order = {shown(name): i for i, name in enumerate(proposals)}
    first: dict = {}  # fact -> its finding on the first claim a proposal writes
    for f in findings:
        fact = fact_of.get(from_text(f.focus)) if f.shape == _DUPLICATE else None
        if fact is not None and f.file in order:
            where = (order[f.file], f.line or 0, f.focus)
            if fact not in first or where < first[fact][0]:
                first[fact] = (where, f)
    kept: list[Finding] = []
    for f in findings:
        fact = fact_of.get(from_text(f.focus)) if f.shape == _DUPLICATE else None
        if fact is None or fact not in first:
            kept.append(f)
        elif first[fact][1] is f:
            kept.append(dataclasses.replace(f, message=_message(
                f, fact, claims_stating(*fact), proposals, shown, line_of)))
    return kept


def _message(finding: Finding, fact: tuple, claims: list, proposals: list[str],
             shown: Callable[[str], str], line_of: Callable) -> str:
    order = {name: i for i, name in enumerate(proposals)}
    own = sorted(((order[g], line_of(g, c) or 0, g, c) for g, c in claims
                  if g in order and term_text(c) != finding.focus),
                 key=lambda t: (t[0], t[1], term_text(t[3])))
    held = sorted({(shown(g), c) for g, c in claims if g not in order},
                  key=lambda t: (t[0], term_text(t[1])))
    # The graph's claims first: the check's message names one of them so ("claim states the
    # fact claim claim:X also states"), and the build's, of the same file, does still.
    others = [f"{_claim(c)} of {file}" for file, c in held]
    others += [f"{_claim(c)} ({shown(g)}:{line})" for _, line, g, c in own]
    if not others:  # (no other claim found: what the check said stands)
        return finding.message
    said = (f"claim states the fact {_listed(others)} also state{'s' if len(others) == 1 else ''}"
            f" ({' '.join(term_said(t) for t in fact)})")
    if not held:
        return (f"{said}: keep one claim per fact and cite all its evidence on it "
                "(prov:wasDerivedFrom takes several)")
    kept = held[0][1]
    kept = term_said(kept) if isinstance(kept, ox.NamedNode) else "that blank-node claim"
    return (f"{said}: the graph holds it already: leave this claim "
            f"{'and its copies ' if own else ''}out, and to cite more evidence for the fact "
            f"add a prov:wasDerivedFrom to {kept}")


def _listed(names: list[str]) -> str:
    named = names[:NAMED] + ([f"{len(names) - NAMED} more"] if len(names) > NAMED else [])
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def _claim(node) -> str:
    return f"claim {term_said(node)}" if isinstance(node, ox.NamedNode) else "a blank-node claim"
