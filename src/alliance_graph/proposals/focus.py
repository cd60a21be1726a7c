"""Narrow what SHACL sees to what a proposal describes.

A proposal's findings can only be about the nodes it describes (and the entities its claims are
about): SHACL sees just those, with their full description from every file and the types of
what they point at, which keeps a proposal's check to a second or two however big the graph
grows.  (pyshacl's focus_nodes option cannot do this: it also filters nested shapes' values, so
``sh:or`` and qualified value shapes stop firing.)  Validating data files themselves checks
every node.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..rdf import file_of

_TYPE = ox.NamedNode(str(RDF.type))


def proposal_focus(new: set[str], quads) -> set | None:
    """Return the subjects of ``quads`` in the graphs named ``new`` (the new proposals, their
    derived triples included); None when there is no new proposal (validate everything)."""
    if not new:
        return None
    return {q.subject for q in quads if file_of(q.graph_name) in new}


def described(focus: set, quads) -> list[ox.Quad]:
    """Return the quads describing ``focus`` (grown with the blank nodes they reach) plus the
    rdf:type quads of every node they point at; ``focus`` is grown in place."""
    by_subject = defaultdict(list)
    for q in quads:
        by_subject[q.subject].append(q)
    frontier = list(focus)
    while frontier:
        node = frontier.pop()
        for q in by_subject.get(node, ()):
            if isinstance(q.object, ox.BlankNode) and q.object not in focus:
                focus.add(q.object)
                frontier.append(q.object)
    kept = [q for node in focus for q in by_subject.get(node, ())]
    pointed = {q.object for q in kept if not isinstance(q.object, ox.Literal)} - focus
    kept += [q for node in pointed for q in by_subject.get(node, ()) if q.predicate == _TYPE]
    return kept
