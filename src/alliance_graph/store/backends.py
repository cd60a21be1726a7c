"""Where the built graph lives: in memory, in an on-disk Oxigraph directory, or a remote store.

``Settings.store`` chooses: ``memory`` (built at start), a directory path, or the ``http(s)``
query URL of a SPARQL 1.1 store.  Every backend hands back a ``store.KnowledgeGraph``; for a
remote one its ``store`` is a ``RemoteStore``, which answers ``query``, ``named_graphs`` and
``quads_for_pattern`` like ``pyoxigraph.Store`` by speaking the SPARQL 1.1 Protocol, and parses
the answers with pyoxigraph, so results look the same whatever the backend.

A directory store keeps each build in a subfolder named by the inputs' hash and a ``CURRENT``
file naming the one in use.  A build is written to a temporary folder, renamed, and only then
named in ``CURRENT`` (replaced atomically), so an interrupted build never touches the store in
use and a half-built store is never opened.
"""

from __future__ import annotations

import gc
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from ..build import pipeline as build
from ..namespaces import GRAPH
from ..settings import Settings

CURRENT = "CURRENT"
_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
# Seconds a remote store may take to take in a whole build (`load`), however big.
LOAD_TIMEOUT = 3600.0


class StoreError(Exception):
    """The store could not be opened, reached, or filled, or it answered with an error."""


def kind(spec: str) -> str:
    """Return "memory", "remote" or "directory" for a ``--store`` value."""
    if spec == "memory":
        return "memory"
    if spec.startswith(("http://", "https://")):
        return "remote"
    return "directory"


# --- directory -----------------------------------------------------------------------------

def current_build(folder: Path) -> str | None:
    """Return the input hash of the build a directory store currently serves, if any."""
    try:
        name = (folder / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    return name if (folder / f"build-{name}").is_dir() else None


def build_directory(settings: Settings, folder: Path) -> str:
    """Build the graph into ``folder`` unless its current build has the same inputs; return
    the input hash it now serves."""
    digest = build.input_hash(settings)[:32]
    if current_build(folder) == digest:
        return digest
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"build-{digest}"
    if not target.is_dir():
        tmp = folder / f".tmp-{digest}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            _build_in(settings, tmp)
            gc.collect()  # drop the store so RocksDB closes its files before the rename
            os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    pointer = folder / f".{CURRENT}-{os.getpid()}"
    pointer.write_text(digest + "\n", encoding="ascii")
    os.replace(pointer, folder / CURRENT)
    _remove_old_builds(folder, keep=target.name)
    return digest


def _build_in(settings: Settings, folder: Path) -> None:
    # Above settings.disk_build_threshold the streaming route runs in the on-disk store
    # itself, every write through the bulk loader, so memory stays bounded however big the
    # graph (a million facts would take 5 GB in memory).  Below it, or when the N-Quads cache
    # of these inputs already exists (the memory backend made it), the build goes through
    # that cache and is bulk-loaded: several times faster.  The store is local, so it is
    # released when this returns.
    store = ox.Store(str(folder))
    if build.input_bytes(settings) > settings.disk_build_threshold \
            and not build.cache_path(settings).exists():
        build.stream_into(store, settings)
        _compact(store)
    else:
        _fill(store, build.cached_build(settings))


def _fill(store: ox.Store, nquads: Path) -> None:
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    _compact(store)


def _compact(store: ox.Store) -> None:
    store.flush()
    store.optimize()


def _remove_old_builds(folder: Path, keep: str) -> None:
    # Old builds may still be open read-only by a running server: POSIX keeps their files
    # alive until closed, so removing them here is safe.
    for entry in folder.glob("build-*"):
        if entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)
    for entry in folder.glob(".tmp-*"):
        pid = entry.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_directory(settings: Settings, folder: Path) -> ox.Store:
    """Return the directory store for the current inputs, building it first if needed."""
    digest = build_directory(settings, folder)
    try:
        # Read-only: several server workers can open it at once, and nothing writes to it.
        return ox.Store.read_only(str(folder / f"build-{digest}"))
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        raise StoreError(f"cannot open the store in {folder}: {exc}") from exc


# --- remote --------------------------------------------------------------------------------

def _sibling(url: str, name: str) -> str | None:
    # Oxigraph and Fuseki put update and graph store endpoints beside /query.
    head, sep, _ = url.rpartition("/query")
    return f"{head}/{name}" if sep and url.endswith("/query") else None


class RemoteStore:
    """A remote SPARQL 1.1 store read through the Protocol, shaped like ``pyoxigraph.Store``."""

    def __init__(self, query_url: str, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 60.0):
        self.query_url = query_url
        self.update_url = update_url or _sibling(query_url, "update") or query_url
        # None: derive it; "": the store has none, so load with SPARQL Update instead.
        self.graph_store_url = (_sibling(query_url, "store") if graph_store_url is None
                                else graph_store_url or None)
        self.timeout = timeout
        self._graphs: list[ox.NamedNode] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "RemoteStore":
        return cls(settings.store, settings.store_update_url, settings.store_graph_store_url,
                   settings.remote_timeout)

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
                self._send(request, timeout=max(self.timeout, LOAD_TIMEOUT))
        else:
            # No Graph Store endpoint: one INSERT DATA request, for the same reason.
            quads = ox.parse(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
            self.update(_insert_data(quads), timeout=max(self.timeout, LOAD_TIMEOUT))
        self._graphs = None


def _insert_data(quads) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())
    return f"INSERT DATA {{\n{blocks}\n}}"


# --- entry points --------------------------------------------------------------------------

def open_store(settings: Settings):
    """Return the store ``settings.store`` names, filled with the current build."""
    backend = kind(settings.store)
    if backend == "memory":
        store = ox.Store()
        store.bulk_load(path=str(build.cached_build(settings)), format=ox.RdfFormat.N_QUADS)
        return store
    if backend == "directory":
        return open_directory(settings, Path(settings.store))
    remote = RemoteStore.from_settings(settings)
    if not any(g.value.startswith(str(GRAPH)) for g in remote.named_graphs()):
        raise StoreError(f"{settings.store} holds no alliance-graph graphs; fill it with "
                         f"`alliance-graph --store {settings.store} load`")
    return remote


def load_into_store(settings: Settings) -> str:
    """Build the graph into the configured store (push it, for a remote); return a summary."""
    backend = kind(settings.store)
    if backend == "memory":
        return f"built {build.cached_build(settings)} (the memory store rebuilds from it at start)"
    if backend == "directory":
        digest = build_directory(settings, Path(settings.store))
        return f"directory store {settings.store} serves build {digest}"
    path = build.cached_build(settings)
    graphs = {q.graph_name for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}
    remote = RemoteStore.from_settings(settings)
    remote.replace_graphs(path, sorted(graphs, key=lambda g: g.value))
    return f"loaded {len(graphs)} named graphs into {settings.store}"

