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
}


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
    # Bytes of finished /sparql answers each server worker keeps (response_cache.py): the
    # store is read-only while it serves, so an identical query, dataset and format gives
    # identical bytes.  0 disables the cache.
    response_cache_bytes: int = 32 * 2**20
    # SERVICE IRIs a query may call; empty, so the endpoint makes no outbound request at all.
    allowed_services: tuple[str, ...] = ()
    # Server.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return the defaults with what the ``ALLIANCE_GRAPH_*`` variables set (``ENVIRONMENT``)."""
        environ = os.environ if environ is None else environ
        types = {f.name: f.type for f in fields(cls)}
        changes = {name: (Path(environ[var]) if types[name] == "Path" else environ[var])
                   for var, name in ENVIRONMENT.items() if environ.get(var)}
        return replace(cls(), **changes)

    def with_(self, **changes) -> Settings:
        """Return a copy with the given fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def input_files(self) -> list[Path]:
        """Return the Turtle files the graph is built from, ontology first, in stable order."""
        return sorted(self.ontology_dir.glob("*.ttl")) + sorted(self.data_dir.glob("*.ttl"))

    def graph_name(self, path: Path) -> str:
        """Return the name of a file's named graph: ``ontology/<file>`` or ``data/<file>``.

        Named by the folder's role, not its location, so the checks and the reasoner find the
        ontology graphs wherever ``--ontology`` and ``--data`` point.
        """
        path = path.resolve()
        for role, folder in (("ontology", self.ontology_dir), ("data", self.data_dir)):
            if path.parent == folder.resolve():
                return f"{role}/{path.name}"
        try:
            return path.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.name
