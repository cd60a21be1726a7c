"""``KnowledgeGraph``'s read calls answered by the engine process, so the pages and the Graph
Store run unchanged whether the store is in this process or in the engine's; and
``isolated_graph``, such a graph with an engine of its own (``ag.load(timeout=S)``).

A large reply (over ``wire.SPOOL_BYTES``) comes into a temporary file, never whole into
memory: a query's is parsed from it (``wire.result_from``), a graph's quads too, and a dump
is handed on as the file (``wire.Spooled``) for the HTTP server to send from.  Under a
request, every read is held to the one end time its request was given (``request_time.py``)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS
from ..query.answer import Uncarried
from ..query.dataset import Dataset
from ..query.results import GRAPH_FORMATS
from ..settings import Settings
from ..store import backends
from ..store.errors import StoreError
from . import request_time, wire
from .wire import EngineError

if TYPE_CHECKING:
    from .client import ProcessEngine


def isolated_graph(settings: Settings) -> EngineGraph:
    """Return the graph read through an engine process of its own, as the server reads it:
    each query stopped past ``settings.query_timeout`` or ``settings.query_memory`` (raising
    ``EngineError``), or at Ctrl-C, the engine then restarted.  The build is made first, in
    this process, if it is not made yet; ``close()`` stops the engine, as does dropping the
    graph or the end of this process.  It reads the build it opened, as a graph loaded in
    this process does: a notebook's answers do not change under it when ``load`` makes
    another (a server's do: ``follow_poll``)."""
    from .client import ProcessEngine  # here: client imports this module
    backends.prepare(settings)
    engine = ProcessEngine(settings.with_(follow_poll=0, caller_engine=True))
    # A graph of its own, not ``engine.kg``: the engine's threads hold the engine, and so
    # whatever it holds, for ever.  A notebook loading the graph again in a cell run again
    # would otherwise leave one more engine process (two, with the standby) each time.
    graph = EngineGraph(engine)
    weakref.finalize(graph, engine.close)
    return graph


class EngineGraph:
    """``KnowledgeGraph``'s read calls, answered by the engine."""

    def __init__(self, engine: ProcessEngine):
        self.engine = engine

    @property
    def store(self) -> _PerFile:
        # Made on each use, not kept: kept, it and the graph held each other, so a graph
        # dropped (a notebook cell run again) lived, with its engines, until the garbage
        # collector's next pass found the pair.
        return _PerFile(self)

    @property
    def asserted(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(i) for i in self.engine.info["asserted"]]

    @property
    def inferred(self) -> ox.NamedNode:
        return ox.NamedNode(self.engine.info["inferred"])

    def default_graph(self, inferred: bool = False) -> list[ox.NamedNode]:
        return self.asserted + [self.inferred] if inferred else self.asserted

    def query(self, sparql: str, *, inferred: bool = False, default_graph=None,
              named_graphs=None, per_file: bool | None = None, prefixes=PREFIX_IRIS):
        """Run a query in the engine; return a pyoxigraph result, as ``KnowledgeGraph`` does."""
        if default_graph is None and named_graphs is None:
            dataset = Dataset(inferred, per_file)
        else:
            iris = lambda graphs: tuple(g.value for g in graphs or ())  # noqa: E731
            dataset = Dataset(default=iris(default_graph), named=iris(named_graphs)
                              if named_graphs is not None else None)
        header, body = self.engine.call({"op": "query", "dataset": dataset.to_json(),
                                         "prefixes": prefixes}, sparql.encode(), spool=True,
                                        **request_time.held())
        _raise_for(header)
        return wire.result_from(header["kind"], body)

    def dump(self, graphs: list[str], fmt: str, as_one: bool,
             max_bytes: int) -> bytes | wire.Spooled:
        """Return ``query.dump.dump``'s bytes, written by the engine (where the store is); a
        large dump in a temporary file (``wire.Spooled``), which the caller closes."""
        header, body = self.engine.call({"op": "dump", "graphs": graphs, "format": fmt,
                                         "as_one": as_one, "max_bytes": max_bytes}, spool=True,
                                        **request_time.held())
        if header["status"] == 406:  # this format cannot carry the graphs
            raise Uncarried(GRAPH_FORMATS[fmt], header["message"])
        _raise_for(header)
        return body

    def quads(self, inferred: bool = False) -> list[ox.Quad]:
        return self.graph_quads(self.default_graph(inferred))

    def graph_quads(self, graphs: list[ox.NamedNode]) -> list[ox.Quad]:
        return [q for g in graphs for q in self.store.quads_for_pattern(None, None, None, g)]

    def close(self) -> None:
        """Stop the engine: queries through this graph fail from now on."""
        self.engine.close()

    def __reduce_ex__(self, protocol):
        # pickle (multiprocessing's arguments) said "cannot pickle '_thread.RLock' object";
        # a copy shared the engine, stopped when the original was dropped.
        raise TypeError("a graph loaded with ag.load(timeout=S) is bound to its engine, in "
                        "this process: it cannot be pickled or copied; in another process "
                        "(multiprocessing, say), load the graph there")

    def __enter__(self) -> EngineGraph:
        return self

    def __exit__(self, *exc_info) -> None:
        """Stop the engine at the end of a ``with ag.load(timeout=S) as kg:`` block (answers
        read by then stay readable)."""
        self.close()


class _PerFile:
    """The per-file store's read calls (``KnowledgeGraph.store``), answered by the engine."""

    def __init__(self, graph: EngineGraph):
        self.graph = graph

    def named_graphs(self) -> list[ox.NamedNode]:
        return self.graph.default_graph(True)

    def query(self, sparql: str, *, prefixes=PREFIX_IRIS, default_graph=None, named_graphs=None):
        return self.graph.query(sparql, per_file=True, prefixes=prefixes,
                                default_graph=default_graph, named_graphs=named_graphs)

    def quads_for_pattern(self, subject, predicate, obj, graph_name):
        if (subject, predicate, obj) != (None, None, None) or graph_name is None:
            raise ValueError("the engine serves whole graphs only")
        header, body = self.graph.engine.call({"op": "quads", "graph": graph_name.value},
                                              spool=True, **request_time.held())
        _raise_for(header)
        return wire.quads_from(body)


def _raise_for(header: dict) -> None:
    """Raise for an engine reply that is not a success, as the store itself would have."""
    status = header["status"]
    if status == 200:
        return
    if status == 400:
        raise SyntaxError(header["message"])
    if status == 502:
        raise StoreError(header["message"])
    raise EngineError(status, header["message"])
