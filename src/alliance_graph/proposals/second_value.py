"""Say where the other value is when a proposal gives a node of data/ a second one.

README's amendments add to a claim of data/ (a note, a link, a qualifier), and a contributor
reads them as a way to change one too: ``claim:X ag:rank ag:PreferredRank .`` to rank a claim
anew.  ``add`` only adds, so the claim then has two ranks, and the shapes say "A claim needs
exactly one ag:rank" of the proposal's line, the rank already there unnamed.  ``second_value``
names it and its file, and says how a value is replaced.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..rdf import file_of
from .report import Finding

_MAX_COUNT = "http://www.w3.org/ns/shacl#MaxCountConstraintComponent"


def second_value(finding: Finding, quads: list[ox.Quad], proposed: set[str],
                 shown=lambda name: name, short=lambda term: str(term)) -> str:
    """Return ``finding``'s message, with the values the rest of the graph gives its node for
    its property when it is a count past a maximum that a proposal made so by adding one
    (``shown`` names a file, ``short`` a term, as the report does)."""
    if finding.component != _MAX_COUNT or not finding.path or not finding.focus \
            or finding.focus.startswith(("_:", '"')):
        return finding.message
    node, path = ox.NamedNode(finding.focus), ox.NamedNode(finding.path)
    held, added = [], False
    for q in quads:
        if q.subject == node and q.predicate == path:
            if file_of(q.graph_name) in proposed:
                added = True
            else:
                held.append((shown(file_of(q.graph_name)), short(q.object)))
    if not added or not held:
        return finding.message
    there = "; ".join(f"{file} gives {value}" for file, value in sorted(set(held)))
    return (f"{finding.message} ({there} already: add only adds facts, so to replace a value "
            "there, edit that file)")
