"""A query's own default graph of several graphs (two ``FROM``, two ``default-graph-uri``),
read as their merge: each triple once, however many of the graphs state it.

Oxigraph (0.5) reads a list of default graphs as a bag, a triple two of them state matched once
per graph, so that a count over ``FROM <a.ttl> FROM <b.ttl>`` counted it twice (oxigraph#1919,
fixed after the 0.5 releases).  ``dataset`` hands the engine a list that is already a set
wherever it can, at no cost:

- ``graph/asserted`` holds every file's triples, so a file graph listed beside it adds nothing;
- ``graph/inferred`` holds none of them (the closure's new triples only);
- file graphs are disjoint when no triple is stated by two files, which a build says once: the
  files' statements, counted, equal ``graph/asserted``'s triples (``files_share_triples``).

Only when the build's files do share triples, and a query lists two of them or more, are the
graphs it names copied into a store of the query's own, the default graph's triples each once.
The copy is bounded as the query is (the engine's time and memory limits).
"""

from __future__ import annotations

import pyoxigraph as ox

from . import numbers
from .layout import ASSERTED, INFERRED

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def files_share_triples(store, files: list[ox.NamedNode]) -> bool:
    """Return whether a triple is stated by two of ``files`` (graphs of the per-file
    ``store``, which holds ``graph/asserted``, their merge, too)."""
    def count(graphs) -> int:
        rows = store.query(_COUNT, default_graph=ox.DefaultGraph(), named_graphs=graphs)
        return numbers.count(next(iter(rows))["n"])
    return bool(files) and count(files) != count([ASSERTED])


def dataset(store, default: list, named: list, shared) -> tuple[object, list, list]:
    """Return the store, default graph and named graphs to run a query over, for the
    ``default`` and ``named`` graphs it asks for: a list the engine reads as their merge.

    ``shared`` is called, only when it matters, for whether the build's files share triples.
    """
    default = list(dict.fromkeys(default))
    if ASSERTED in default:  # every file graph is part of it
        default = [g for g in default if g in (ASSERTED, INFERRED)]
    if len([g for g in default if g != INFERRED]) < 2 or not shared():
        return store, default, named
    return _copied(store, default, named), [ox.DefaultGraph()], named


def _copied(store, default: list, named: list):
    """Return a store holding the merge of ``default`` as its default graph, each triple once,
    and the ``named`` graphs as they are."""
    copy = ox.Store()
    base = ox.DefaultGraph()
    copy.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, base)
                     for g in default for q in store.quads_for_pattern(None, None, None, g))
    copy.bulk_extend(q for g in dict.fromkeys(named)
                     for q in store.quads_for_pattern(None, None, None, g))
    return copy
