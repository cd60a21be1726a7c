"""The query store: the built graph laid out so that a query runs at the engine's own speed.

A query's default graph is the union of the asserted files (plus, when asked, the inferred
triples).  Handing Oxigraph that union as a list of a dozen named graphs makes it evaluate every
pattern as a union over the list: 2.7 to 3.6 times slower on whole-graph queries than over one
graph (issue 14's measurements).  So the graph is kept in two layouts:

- ``main``: the asserted triples once, in ``graph/asserted``, and the inferred ones in
  ``graph/inferred`` (``layout.py``).  A query without ``GRAPH``/``FROM`` runs here over one
  graph; with ``inferred`` over ``graph/asserted`` and ``graph/inferred``: as the union of every
  graph of the store (Oxigraph's single-index path) where ``main`` holds nothing else, as a
  two-graph list where it also holds the per-file graphs.
- ``store``: the complete build, every file in its own named graph (with ``graph/inferred``):
  queries that name graphs (``GRAPH``, ``FROM``, ``FROM NAMED``, ``SERVICE``, or a protocol
  request's ``default-graph-uri``/``named-graph-uri``), TriG and N-Quads exports and Graph Store
  reads see the files here.  Its default graph is ``graph/asserted`` too, which each
  backend's per-file store also holds: the list of file graphs, which it was before, is read
  by Oxigraph as a bag, a triple two files state counted twice.  A query's own list (two
  ``FROM``, or two ``default-graph-uri``) is made one that reads as their merge
  (``merged.py``).

Which store is which depends on the backend (``backends.py``): in memory, ``main`` is an
in-memory Oxigraph store and ``store`` the on-disk store of the same build in the cache folder
(so per-file graphs cost disk, not memory); for a directory store both are the one on-disk
store, which holds ``graph/asserted`` beside the files; for a remote store both are the remote
store, which is loaded with the same graphs (``remote.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS
from ..settings import Settings
from ..sparql import uses_dataset
from . import backends, merged
from .layout import ASSERTED, INFERRED, asserted_copy, file_graphs, main_quads


@dataclass
class KnowledgeGraph:
    """A loaded alliance-graph: the engine-speed ``main`` layout and the per-file ``store``."""

    main: object            # an ox.Store, or a store answering the same read calls
    store: object           # the complete build: one named graph per file, and graph/inferred
    asserted: list[ox.NamedNode] = field(default_factory=list)   # the files' graphs
    inferred: ox.NamedNode = INFERRED
    # True when ``main`` holds only the default graph and graph/inferred, so that the union of
    # its graphs is exactly "asserted plus inferred".
    main_is_split: bool = False
    # The input hash of the build opened (``backends.dataset_version``); None for a remote
    # store, whose content is anyone's to change, and for a graph made from a store handed in.
    version: str | None = None
    # Whether a triple is stated by two files (``merged.files_share_triples``), found when a
    # query first lists two file graphs; kept for a build's graph (``version``), asked again
    # of a remote store, which anyone may change.
    _files_share: bool | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_store(cls, store) -> KnowledgeGraph:
        """Return the graph of a store in the per-file layout, with an in-memory ``main``
        copied from it (for tests and notebooks that hand in a store of their own)."""
        asserted = file_graphs(store)
        main = ox.Store()
        main.bulk_extend(main_quads(store, asserted))
        # The per-file layout holds graph/asserted beside the files, as every backend's does
        # (``query``); a copy, so that the store handed in is not written to.
        files = ox.Store()
        files.bulk_extend(store)
        files.bulk_extend(asserted_copy(store, asserted))
        return cls(main, files, asserted, main_is_split=True)

    def default_graph(self, inferred: bool = False) -> list[ox.NamedNode]:
        """Return the file graphs (and graph/inferred) a per-file query's default graph joins."""
        return self.asserted + [self.inferred] if inferred else list(self.asserted)

    def query(self, sparql: str, *, inferred: bool = False,
              default_graph: list | None = None, named_graphs: list | None = None,
              per_file: bool | None = None, prefixes: dict | None = PREFIX_IRIS):
        """Run a SPARQL query and return Oxigraph's result (solutions, boolean or triples).

        ``per_file``: whether the query must see the files' named graphs; None decides from
        the query's text (does it write GRAPH, FROM or SERVICE?).  Explicit ``default_graph``
        or ``named_graphs`` lists always run over the per-file store.  Users may write the
        project prefixes undeclared; their own PREFIX lines win.
        """
        if default_graph is None and named_graphs is None:
            if per_file is None:
                per_file = uses_dataset(sparql)
            if not per_file:
                if not inferred:
                    return self.main.query(sparql, prefixes=prefixes, default_graph=ASSERTED)
                if self.main_is_split:
                    return self.main.query(sparql, prefixes=prefixes,
                                           use_default_graph_as_union=True)
                return self.main.query(sparql, prefixes=prefixes,
                                       default_graph=[ASSERTED, self.inferred])
            # The files' union as one graph, graph/asserted, which the per-file store holds
            # too: Oxigraph reads a list of graphs as a bag, so over the file graphs a triple
            # two files state came out twice (and a count moved when the query wrote GRAPH),
            # where SPARQL's default graph is their merge.
            default_graph = [ASSERTED, self.inferred] if inferred else [ASSERTED]
        if named_graphs is None:  # every graph a GRAPH pattern may see; never graph/asserted
            named_graphs = self.default_graph(True)
        store, default_graph, named_graphs = merged.dataset(
            self.store, default_graph, named_graphs, self._share_triples)
        return store.query(sparql, prefixes=prefixes,
                           default_graph=default_graph or ox.DefaultGraph(),
                           named_graphs=named_graphs)

    def _share_triples(self) -> bool:
        if self._files_share is not None:
            return self._files_share
        shared = merged.files_share_triples(self.store, self.asserted)
        if self.version is not None:
            self._files_share = shared
        return shared

    def quads(self, inferred: bool = False) -> list[ox.Quad]:
        """Return the quads of the file graphs (and of graph/inferred if asked)."""
        return self.graph_quads(self.default_graph(inferred))

    def graph_quads(self, graphs: list[ox.NamedNode]) -> list[ox.Quad]:
        """Return the quads of the named ``graphs`` of the per-file layout."""
        return [q for g in graphs for q in self.store.quads_for_pattern(None, None, None, g)]

    # ``with ag.load() as kg:`` and ``kg.close()``, as for ``ag.load(timeout=S)``'s graph: the
    # same code then runs on either (it was "does not support the context manager protocol").
    def close(self) -> None:
        """Do nothing: a graph in this process has no engine to stop, and its stores are
        freed when it is dropped (it keeps answering after a ``with`` block)."""

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __copy__(self) -> KnowledgeGraph:
        return replace(self)  # the same stores: a copy shares them, as before

    def __reduce_ex__(self, protocol):
        # pickle (a multiprocessing pool's arguments) said "cannot pickle 'pyoxigraph.Store'
        # object", and nothing of what to do instead.
        raise TypeError("a graph loaded with ag.load() holds stores opened by this process: "
                        "it cannot be pickled or deep-copied; in another process "
                        "(multiprocessing, say), load the graph there")


def load(settings: Settings | None = None) -> KnowledgeGraph:
    """Open the graph in the store ``settings.store`` names: in memory (from the build cache),
    a directory store (rebuilt only when the inputs changed), or a remote SPARQL store; raise
    ``backends.StoreError`` when the store cannot be used."""
    return backends.open_graph(settings or Settings())
