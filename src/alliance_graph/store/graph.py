"""The query store: the built graph in Oxigraph, with the asserted and inferred graphs apart.

Every file's triples sit in its own named graph.  A query's default graph is the union of the
asserted file graphs, or of those and ``graph/inferred`` when inferred triples are wanted; the
named graphs stay available to ``GRAPH`` patterns either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH, PREFIX_IRIS
from ..settings import Settings
from . import backends

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


@dataclass
class KnowledgeGraph:
    """A loaded alliance-graph: an Oxigraph store and the names of its graphs."""

    store: ox.Store  # or a backends.RemoteStore, which answers the same read calls
    asserted: list[ox.NamedNode] = field(default_factory=list)
    inferred: ox.NamedNode = INFERRED

    @classmethod
    def from_store(cls, store: ox.Store) -> KnowledgeGraph:
        """Wrap a store, taking every named graph but the inferred one as asserted."""
        names = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
                       key=lambda g: g.value)
        return cls(store, [g for g in names if g != INFERRED])

    def default_graph(self, inferred: bool = False) -> list[ox.NamedNode]:
        """Return the graphs that make up the default graph of a query."""
        return self.asserted + [self.inferred] if inferred else list(self.asserted)

    def query(self, sparql: str, *, inferred: bool = False,
              default_graph: list[ox.NamedNode] | None = None,
              named_graphs: list[ox.NamedNode] | None = None):
        """Run a SPARQL query and return Oxigraph's result (solutions, boolean or triples)."""
        if default_graph is None:
            default_graph = self.default_graph(inferred)
        # Users may write ag:, id:, rdfs:, ... undeclared; their own PREFIX lines win.
        return self.store.query(sparql, prefixes=PREFIX_IRIS,
                                default_graph=default_graph or ox.DefaultGraph(),
                                named_graphs=named_graphs)

    def quads(self, inferred: bool = False):
        """Return the quads of the asserted graphs (and of the inferred one if asked)."""
        return [q for g in self.default_graph(inferred)
                for q in self.store.quads_for_pattern(None, None, None, g)]


def load(settings: Settings | None = None) -> KnowledgeGraph:
    """Open the graph in the store ``settings.store`` names: built in memory (or taken from
    the build cache), a directory store (rebuilt only when the inputs changed), or a remote
    SPARQL store; raise ``backends.StoreError`` when the store cannot be used."""
    return KnowledgeGraph.from_store(backends.open_store(settings or Settings()))
