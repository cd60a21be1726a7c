"""A remote SPARQL 1.1 store, read through the Protocol and filled through Graph Store or Update.

``RemoteStore`` answers ``query``, ``named_graphs`` and ``quads_for_pattern`` like
``pyoxigraph.Store`` by speaking the SPARQL 1.1 Protocol, and parses the answers with
pyoxigraph, so results look the same whatever the backend.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..settings import Settings
from .errors import StoreError

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


def _sibling(url: str, name: str) -> str | None:
    # Oxigraph and Fuseki put update and graph store endpoints beside /query.
    head, sep, _ = url.rpartition("/query")
    return f"{head}/{name}" if sep and url.endswith("/query") else None


class RemoteStore:
    """A remote SPARQL 1.1 store read through the Protocol, shaped like ``pyoxigraph.Store``."""

    def __init__(self, query_url: str, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 60.0,
                 load_timeout: float = 3600.0):
        self.query_url = query_url
        self.update_url = update_url or _sibling(query_url, "update") or query_url
        # None: derive it; "": the store has none, so load with SPARQL Update instead.
        self.graph_store_url = (_sibling(query_url, "store") if graph_store_url is None
                                else graph_store_url or None)
        self.timeout = timeout
        self.load_timeout = load_timeout
        self._graphs: list[ox.NamedNode] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        return cls(settings.store, settings.store_update_url, settings.store_graph_store_url,
                   settings.remote_timeout, settings.remote_load_timeout)

    def _send(self, request: urllib.request.Request,
              timeout: float | None = None) -> tuple[str, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()[:500]
            if exc.code == 400:
                # The remote rejected the request itself: for a query, a syntax error.
                raise SyntaxError(f"the remote store rejected the request: {body}") from exc
            raise StoreError(f"{request.full_url} answered HTTP {exc.code} {exc.reason}: "
                             f"{body}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach {request.full_url}: {reason}") from exc

    def named_graphs(self) -> list[ox.NamedNode]:
        """Return the named graphs the remote store holds (asked once, then remembered)."""
        if self._graphs is None:
            # `GRAPH ?g {}` lists the graphs without reading them; some stores answer it with
            # nothing, so fall back to the scan every store understands.
            for query in ("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
                          "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
                self._graphs = sorted((r["g"] for r in self._query(query, [])
                                       if isinstance(r["g"], ox.NamedNode)), key=lambda g: g.value)
                if self._graphs:
                    break
        return list(self._graphs)

    def query(self, query: str, *, prefixes: dict | None = None, default_graph=None,
              named_graphs=None, use_default_graph_as_union: bool = False, base_iri=None):
        """Run a query remotely; return pyoxigraph solutions, a boolean, or a list of triples."""
        if prefixes:
            query = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items()) + query
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        params: list[tuple[str, str]] = []
        if use_default_graph_as_union:
            default_graph = self.named_graphs()
        if default_graph is not None and not isinstance(default_graph, ox.DefaultGraph):
            graphs = default_graph if isinstance(default_graph, (list, tuple)) else [default_graph]
            params += [("default-graph-uri", g.value) for g in graphs]
            # The Protocol leaves no named graphs when only default-graph-uri is given; keep
            # them all available to GRAPH patterns, as the local store does.
            if named_graphs is None:
                named_graphs = self.named_graphs()
        if named_graphs is not None:
            params += [("named-graph-uri", g.value) for g in named_graphs]
        return self._query(query, params)

    def _query(self, query: str, params: list[tuple[str, str]]):
        body = urllib.parse.urlencode([("query", query), *params]).encode()
        request = urllib.request.Request(self.query_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": f"{_JSON}, {_NTRIPLES};q=0.9"})
        media_type, data = self._send(request)
        if media_type == _JSON:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        if media_type in (_NTRIPLES, "text/plain"):
            return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        raise StoreError(f"{self.query_url} answered with unexpected media type {media_type}")

    def quads_for_pattern(self, subject, predicate, obj, graph_name=None):
        """Return the quads matching a pattern (None matches anything), like Oxigraph's."""
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph_name}
        values = "".join(f"BIND({term} AS ?{v}) " for v, term in terms.items()
                         if term is not None and not isinstance(term, ox.DefaultGraph))
        result = self._query(f"SELECT ?s ?p ?o ?g WHERE {{ {values}GRAPH ?g {{ ?s ?p ?o }} }}",
                             [])
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in result]

    def update(self, update: str, timeout: float | None = None) -> None:
        """Run a SPARQL Update on the remote store."""
        body = urllib.parse.urlencode({"update": update}).encode()
        self._send(urllib.request.Request(self.update_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded"}), timeout)
        self._graphs = None

    def replace_graphs(self, nquads_path: Path, graphs: list[ox.NamedNode]) -> None:
        """Drop this project's graphs from the remote store and load ``nquads_path`` instead."""
        stale = {g for g in self.named_graphs() if g.value.startswith(str(GRAPH))}
        drops = " ; ".join(f"DROP SILENT GRAPH <{g.value}>" for g in sorted(
            stale | set(graphs), key=lambda g: g.value))
        if drops:
            self.update(drops)
        if self.graph_store_url:
            # One N-Quads document for the whole dataset, so a blank node shared by two
            # graphs (a selector and what was inferred about it) stays one node.
            with open(nquads_path, "rb") as data:
                request = urllib.request.Request(
                    self.graph_store_url, data=data, method="POST",
                    headers={"Content-Type": "application/n-quads",
                             "Content-Length": str(nquads_path.stat().st_size)})
                # A big graph takes the store minutes to index: wait for it, within reason.
                self._send(request, timeout=max(self.timeout, self.load_timeout))
        else:
            # No Graph Store endpoint: one INSERT DATA request, for the same reason.
            quads = ox.parse(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
            self.update(_insert_data(quads), timeout=max(self.timeout, self.load_timeout))
        self._graphs = None


def _insert_data(quads) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())
    return f"INSERT DATA {{\n{blocks}\n}}"
