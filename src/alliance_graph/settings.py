"""Every default in one place: paths, limits and server options.

A ``Settings`` value is passed to whatever needs it; nothing reads globals, and building one
reads nothing: ``Settings()`` is the defaults, whatever the environment holds.  The command line
reads the ``ALLIANCE_GRAPH_*`` environment variables once (``from_env``), so a library caller
or a test gets exactly the settings it builds.  Paths default to the checkout the package runs
from (``ontology/``, ``data/``, and ``../shared/sources`` beside it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Environment variables the command line reads, and the field each one sets.
ENVIRONMENT = {
    "ALLIANCE_GRAPH_ROOT": "root",
    "ALLIANCE_GRAPH_ONTOLOGY": "ontology_dir",
    "ALLIANCE_GRAPH_DATA": "data_dir",
    "ALLIANCE_GRAPH_SOURCES": "sources_dir",
    "ALLIANCE_GRAPH_CACHE": "cache_dir",
    "ALLIANCE_GRAPH_STORE": "store",
    "ALLIANCE_GRAPH_REMOTE_TIMEOUT": "remote_timeout",
}


def _typed(declared: str, value):
    """Return a JSON or environment value as the field's declared type."""
    if declared == "Path":
        return Path(value)
    if declared.startswith("tuple"):
        return tuple(value)
    if declared in ("int", "float") and isinstance(value, str):
        return int(value) if declared == "int" else float(value)
    return value


@dataclass(frozen=True)
class Settings:
    """Where the graph comes from and how it is served."""

    # Graph names are file paths relative to root (ontology/..., data/...); a project kept
    # elsewhere (a benchmark's generated one) sets ALLIANCE_GRAPH_ROOT beside the folders.
    root: Path = PROJECT_ROOT
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    data_dir: Path = PROJECT_ROOT / "data"
    sources_dir: Path = PROJECT_ROOT.parent / "shared" / "sources"
    cache_dir: Path = PROJECT_ROOT / ".cache"
    queries_dir: Path = PROJECT_ROOT / "queries"
    # Files in ontology/ that are published but not reasoned over (see DESIGN.md).
    unreasoned_files: tuple[str, ...] = ("alignments.ttl", "shapes.ttl")
    # The SHACL shapes (in ontology/), and the largest proposal `validate`/`add` will read.
    shapes_file: str = "shapes.ttl"
    max_proposal_bytes: int = 5_000_000
    # How deep a proposal may nest blank nodes ([ ... ] and lists), and lists inside lists;
    # deeper input is refused (exit 2) before any library walks it.  Validation itself is
    # linear in the depth (5,000 levels take seconds); no cited fact needs more than three.
    max_nesting: int = 10_000
    max_list_nesting: int = 32
    # Where the built graph lives: "memory" (built at start), a directory path (an on-disk
    # Oxigraph store, rebuilt only when the inputs change) or an http(s) SPARQL query URL.
    store: str = "memory"
    # A remote store's SPARQL Update and Graph Store Protocol URLs (None: derived from ``store``
    # the way Oxigraph and Fuseki name them, /update and /store beside /query; a graph store
    # URL of "" means there is none, and `load` sends SPARQL Update INSERT DATA instead).
    store_update_url: str | None = None
    store_graph_store_url: str | None = None
    # Seconds to wait for a remote store's answer (connect and read), and for it to take in a
    # whole build (`load`), however big.
    remote_timeout: float = 60.0
    remote_load_timeout: float = 3600.0
    # Above this many reasoned quads the build computes the OWL 2 RL closure with the SPARQL
    # rules in rules.py instead of owlrl: same triples on this ontology, minutes instead of hours.
    rules_threshold: int = 20_000
    # Above this many bytes of input files the build streams (streaming.py): the files are
    # bulk-loaded into the store and every step runs there as SPARQL, so memory no longer
    # grows with Python objects per quad (about 13 GB at a million facts).  About 20 k facts;
    # the shipped data (0.5 MB) keeps the default route, with owlrl as the reference closure.
    streaming_threshold: int = 5_000_000
    # Above this many bytes of input a directory store is built in place, on disk, where
    # memory grows slowly (0.7 GB at 100 k facts, 1.9 GB at a million) but a build is 3 to 5
    # times slower; below it the build runs in memory (about 20 bytes of RAM per input byte:
    # 0.5 GB at 100 k facts, 4.6 GB at a million) and is bulk-loaded into the directory.
    # About 200 k facts.
    disk_build_threshold: int = 50_000_000
    # Above this many bytes of input files `validate` and `add` judge a proposal against the
    # prebuilt graph, building it first if needed (the N-Quads cache and a directory store in
    # the cache folder, context.py): reading the files takes seconds per 10 k facts, the
    # store's neighbourhood of a proposal well under one.  Below (the shipped data is 0.5 MB)
    # the build cache is used when it exists, else the files are read.
    prebuilt_threshold: int = 1_000_000
    # Query limits: wall-clock seconds a query may run, and rows/triples a result may hold.
    query_timeout: float = 30.0
    max_results: int = 100_000
    # Bounds on a query's text, checked on its tokens before the engine reads it
    # (query/guard.py): pyoxigraph 0.5 parses and plans recursively and crashes the process
    # (SIGSEGV) on about 850 nested EXISTS, 950 nested function calls, 2,200 nested "{" or
    # 2,600 chained MINUS or BIND, so depth and chain length are kept far below those.
    # Size in bytes (UTF-8) and in tokens: bound the checks' own work and a query's parse.
    max_query_bytes: int = 100_000
    max_query_tokens: int = 20_000
    # Brackets ({ ( [ << <<( {|) open at once: 26 times below the lowest crash (848).
    max_query_depth: int = 32
    # Triple patterns (their separators . ; ,), groups, group keywords (FILTER, OPTIONAL,
    # UNION, ...), expression and path operators, collection members (two each) and DESCRIBE
    # targets: 26 times below the lowest crash (2,624 chained MINUS or DESCRIBE targets).
    # Planning time grows steeply with patterns too (126 on one subject: 3 to 7 s on a busy
    # machine); the catalogue's largest query has 27.
    max_query_elements: int = 100
    # Bytes of resident memory the query engine may grow by, over its size when it opened the
    # store, before the query running longest is stopped (engine/client.py).  Shared by the
    # queries running at once; the engine's size is read every engine_poll seconds.
    query_memory: int = 1 << 30
    engine_poll: float = 0.05
    # A second engine, started and idle, takes over at once when one is killed, so that the
    # queries in flight are sent again without waiting for a store to load.  It costs what
    # one engine holds, so it is kept only when that is at most these bytes (a store on disk
    # or remote keeps its pages in the page cache, not in the engine).  Above, a killed engine
    # makes the queries wait while the store loads again (about 4 s per 100 k facts).
    standby_engine_bytes: int = 256 * 2**20
    # Seconds the engine may take to open the store when it (re)starts (a directory store opens
    # in well under a second; the memory backend loads about 10 k facts a second).
    engine_start_timeout: float = 600.0
    # Bytes of finished /sparql answers the server keeps (response_cache.py): the store is
    # read-only while it serves, so an identical query, dataset and format gives identical
    # bytes.  0 disables the cache.
    response_cache_bytes: int = 32 * 2**20
    # SERVICE IRIs a query may call; empty, so the endpoint makes no outbound request at all.
    allowed_services: tuple[str, ...] = ()
    # Server (web/server.py).  ``workers``: queries evaluated at once, on the engine's threads
    # over its one store; more wait for a free one, up to their time limit.  ``http_threads``:
    # requests handled at once by the front (pages, errors, waiting for the engine); requests
    # are read whole before a thread takes them, so a slow client holds a connection, not a
    # thread.  A connection idle for ``channel_timeout`` seconds is closed; at most
    # ``connection_limit`` are open at once (more wait in the listen backlog).
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 4
    http_threads: int = 16
    connection_limit: int = 256
    channel_timeout: float = 15.0
    # Validations over HTTP (POST /validate) run at once, each in a process of its own
    # (pyshacl is pure Python: in the server's process it would hold everyone up), and the
    # seconds one may take.
    validations: int = 2
    validate_timeout: float = 120.0
    # Bytes a request's head and body may hold: the largest body is a proposal to validate
    # (max_proposal_bytes, and a form's boundaries around it); past these the server answers
    # 431/413 as soon as the head is read.
    max_request_header_bytes: int = 64 * 2**10
    max_request_bytes: int = 5 * 2**20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return the defaults with what the ``ALLIANCE_GRAPH_*`` variables set (``ENVIRONMENT``);
        raise ValueError naming a variable whose value is not of its field's type."""
        environ = os.environ if environ is None else environ
        types = {f.name: f.type for f in fields(cls)}
        changes = {}
        for var, name in ENVIRONMENT.items():
            if environ.get(var):
                try:
                    changes[name] = _typed(types[name], environ[var])
                except ValueError:
                    raise ValueError(f"{var}={environ[var]!r} is not a number") from None
        return replace(cls(), **changes)

    def to_json(self) -> dict:
        """Return the settings as JSON values (to hand them to another process)."""
        return {f.name: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple)
                         else v) for f in fields(self) for v in [getattr(self, f.name)]}

    @classmethod
    def from_json(cls, data: Mapping) -> Settings:
        """Return the defaults with the fields ``data`` gives, in their declared types."""
        types = {f.name: f.type for f in fields(cls)}
        return replace(cls(), **{name: _typed(types[name], value) for name, value in data.items()})

    def with_(self, **changes) -> Settings:
        """Return a copy with the given fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def input_files(self) -> list[Path]:
        """Return the Turtle files the graph is built from, ontology first, in stable order."""
        return sorted(self.ontology_dir.glob("*.ttl")) + sorted(self.data_dir.glob("*.ttl"))

    def graph_name(self, path: Path) -> str:
        """Return the name of a file's named graph (``rdf.graph_name``)."""
        from .rdf import graph_name  # imported here: settings stay free of RDF libraries

        return graph_name(self, path)
