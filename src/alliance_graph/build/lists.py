"""Find the RDF lists whose ``rdf:rest`` leads back into themselves, before reasoning reads them.

A list is a chain of nodes ending at ``rdf:nil``; one written with a cycle (``_:l2 rdf:rest
_:l1`` where ``_:l1`` comes first, a slip of a file writing its lists out in full) never ends.
owlrl reads the lists of ``owl:intersectionOf``, ``owl:unionOf``, ``owl:oneOf``,
``owl:propertyChainAxiom``, ``owl:hasKey`` and ``owl:members`` and stopped the build on one
with a traceback ("ValueError: List contains a recursive rdf:rest reference"), a careless edit
of an ontology file being enough (no data check reads the ontology).  Each cycle is found
once, at the ``rdf:rest`` that closes it, over the store the checks run on (both routes).
"""

from __future__ import annotations

import pyoxigraph as ox

from ..clipping import bracketed, clipped
from ..namespaces import RDF
from ..rdf import file_of
from .loading import Problem, written_label
from .places import Places

_REST = ox.NamedNode(str(RDF.rest))


def _shown(node) -> str:
    """Return a list node as a message names it, ``clipped`` (a node named by 60,000
    characters was named whole, twice)."""
    label = written_label(node) if isinstance(node, ox.BlankNode) else None
    if label is not None:
        return clipped(f"_:{label}")
    return bracketed(node.value) if isinstance(node, ox.NamedNode) else "a list node"


def cycles(store: ox.Store, places: Places) -> list[Problem]:
    """Return a Problem for each ``rdf:rest`` that closes a cycle of list nodes."""
    following: dict[ox.Node, list[ox.Quad]] = {}
    for q in store.quads_for_pattern(None, _REST, None, None):
        following.setdefault(q.subject, []).append(q)
    problems = []
    # Depth first from each node in turn, iteratively (a list may be millions long): an
    # rdf:rest reaching a node still on the path closes a cycle.
    state: dict[ox.Node, int] = {}  # 1: on the path; 2: done
    for start in sorted(following, key=lambda n: (type(n).__name__, n.value)):
        if start in state:
            continue
        state[start] = 1
        path = [(start, iter(following[start]))]
        while path:
            node, edges = path[-1]
            q = next(edges, None)
            if q is None:
                state[node] = 2
                path.pop()
                continue
            if state.get(q.object) == 1:
                name = file_of(q.graph_name)
                problems.append(Problem(
                    name, places.triple_line(name, q.subject, _REST, q.object),
                    f"the rdf:rest of {_shown(q.subject)} leads back to {_shown(q.object)}, "
                    "earlier in its own list: a list is a chain ending at rdf:nil, which "
                    "reasoning cannot read round a cycle (write it with ( ... ))"))
            elif q.object not in state and q.object in following:
                state[q.object] = 1
                path.append((q.object, iter(following[q.object])))
    return problems
