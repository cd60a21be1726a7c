"""The default of every option in one place: paths, limits and server options (a page's
layout's constants, as how many neighbours an entity page lists, stay with that page).

A ``Settings`` value is passed to whatever needs it; nothing reads globals, and building one
reads nothing: ``Settings()`` is the defaults, whatever the environment holds.  The command line
reads the ``ALLIANCE_GRAPH_*`` environment variables once (``project.for_command_line``), so a
library caller or a test gets exactly the settings it builds.

Paths default to one project folder, the source checkout the package runs from, else the graph an
installed package carries (``project_files.py``, which also lists a project's Turtle files), whose
names (``project_paths``, ``NoGraphFound``, ``require_graph``, ...) are importable from here too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .project_files import (
    CHECKOUT,
    FOLDER_FIELDS,
    GRAPH_FOLDERS,
    PACKAGE_DIR,
    PROJECT_ROOT,
    SHIPPED,
    NoGraphFound,
    carried,
    input_files,
    is_project,
    meant_folders,
    project_paths,
    require_graph,
    turtle_files,
    where_sources_belong,
)
from .setting_values import check_values

__all__ = ["CHECKOUT", "ENVIRONMENT", "FOLDER_FIELDS", "GRAPH_FOLDERS", "MOST_PROBLEMS_SHOWN",
           "MOST_SECONDS", "MOST_SOURCE_BYTES", "PACKAGE_DIR", "PROJECT_ROOT", "SHIPPED",
           "NoGraphFound", "Settings", "carried", "from_environment", "is_project",
           "meant_folders", "project_paths", "require_graph", "turtle_files", "where_sources_belong"]

_DEFAULT_PATHS = project_paths(PROJECT_ROOT)

# The most seconds a time setting may hold, some 31 years: past about 9.2e9 s Python's socket
# and thread waits overflow (OverflowError: timestamp out of range for platform time_t).
MOST_SECONDS = 10**9

# What options' help quotes, held here rather than in the modules doing the work, which use
# them from here, so that a command's help imports none of those (`serve --help` imported
# waitress, `export --help` rdflib).
# The formats export writes (query/export_files.py): the RDF syntaxes, then the graph viewers'
# network formats (query/network.py); and the one it writes by default.
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml", "graphml", "nodes-csv", "edges-csv")
EXPORT_DEFAULT_FORMAT = "ttl"
# What each choice of ``trusted_proxy_headers`` trusts (waitress's names; web/client_share.py);
# the Forwarded header and the X-Forwarded-* family cannot be trusted together.
# X-Forwarded-Port is not trusted: nginx's usual headers do not set it, so a client's own
# would pass through the proxy and choose the port of every URL the server builds; the port is
# taken from X-Forwarded-Host, which carries it ($http_host).
PROXY_HEADERS = {"x-forwarded": ("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"),
                 "forwarded": ("forwarded",)}
# The levels of the costliest nesting measured (FILTER EXISTS) at which the query engine
# crashed on an 8 MiB stack (`bench/query_bounds.py crashes`; its query threads have more), and
# the most a query's depth and element bounds may add up to, half of them (query/bounds.py).
CRASH_LEVELS = 840
MOST_LEVELS = CRASH_LEVELS // 2

# How many problems a failed build's message lists, the rest told in a line (problem_list.py).
MOST_PROBLEMS_SHOWN = 20
# The most graphs (and bytes of names) read to find a GRAPH's meant (query/absent_graphs.py).
MOST_GRAPHS_LISTED, MOST_GRAPH_BYTES_LISTED = 1_000, 1_000_000
MOST_SOURCE_BYTES = 16 * 2**20  # the largest source text read, 1,000 shipped ones (reading.py)

# Environment variables the command line reads, and the field each one sets.  A project folder
# sets every path field not given on its own (``Settings.from_json``).
ENVIRONMENT = {
    "ALLIANCE_GRAPH_PROJECT": "root",
    "ALLIANCE_GRAPH_ONTOLOGY": "ontology_dir",
    "ALLIANCE_GRAPH_DATA": "data_dir",
    "ALLIANCE_GRAPH_SOURCES": "sources_dir",
    "ALLIANCE_GRAPH_CACHE": "cache_dir",
    "ALLIANCE_GRAPH_STORE": "store",
    "ALLIANCE_GRAPH_REMOTE_TIMEOUT": "remote_timeout",
    "ALLIANCE_GRAPH_REMOTE_MAX_ANSWER_BYTES": "remote_max_answer_bytes",
}


def _typed(declared: str, value):
    """Return a JSON or environment value as the field's declared type."""
    if declared.startswith("Path"):  # "Path", or "Path | None" for a root's folder
        return Path(value)
    if declared.startswith("tuple"):
        return tuple(value)
    if declared in ("int", "float") and isinstance(value, str):
        return int(value) if declared == "int" else float(value)
    return value


def _folder(name: str, given) -> Path:
    """Return a folder setting as a Path; TypeError naming the field for what is no path
    (Settings(root=None) said "expected str, bytes or os.PathLike object, not NoneType")."""
    if not isinstance(given, (str, bytes, os.PathLike)):
        raise TypeError(f"Settings({name}=...) takes a folder (a str or Path), not {given!r}")
    return Path(os.fsdecode(given))


@dataclass(frozen=True)
class Settings:
    """Where the graph comes from and how it is served."""

    # The project folder (``project_paths``): graph names are file paths relative to it
    # (ontology/..., data/...); a project kept elsewhere (a benchmark's generated one) sets
    # ALLIANCE_GRAPH_PROJECT, or --project, and its folders follow.
    # The folders left out are the root's own (``__post_init__``).
    root: Path = _DEFAULT_PATHS["root"]
    ontology_dir: Path | None = None
    data_dir: Path | None = None
    sources_dir: Path | None = None
    cache_dir: Path | None = None
    queries_dir: Path | None = None
    # Files in ontology/ that are published but not reasoned over: the SHACL shapes
    # (constraints, not axioms) and the alignments to schema.org and DBpedia, whose classes
    # model some things differently (alignments.ttl says how; a reasoner would mix them).
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
    # Bytes one answer of a remote store may take: past it the command fails rather than fill
    # this process's memory (an answer takes about twice its size once read).
    remote_max_answer_bytes: int = 2**30
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
    # Each change of the inputs makes a new build in the cache folder (500 MB at 100 k facts
    # for the N-Quads build and its main layout); once a newer one is written, older builds
    # and what a killed write left are removed when nothing has written them for these
    # seconds, so that a build another command has just made, or is reading, is spared.
    stale_cache_seconds: float = 600.0
    # Examples (the catalogue's queries, queries/) whose text the query page carries, and the
    # service description lists, the first by name: each carried them all, and with 20,000
    # queries the page was 30 MB written at every request (0.5 s), the description 28 MB.
    # The page names the others (each opens with /?example=NAME).
    example_texts: int = 200
    # Query limits: wall-clock seconds a query may run, and the bytes its answer may take in
    # the format asked for (about 100 k rows of a typical SELECT in JSON).
    query_timeout: float = 30.0
    max_result_bytes: int = 32 * 2**20
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
    # Seconds between looks at the local store for a newer build (``load`` made one): the
    # server then starts an engine on it and switches to it, queries under way finishing on
    # the old one (engine/client.py).  0: serve the build the server started with.
    follow_poll: float = 1.0
    # True for ag.load(timeout=S)'s engine: it names a remote store by URL and logs no retries.
    caller_engine: bool = False
    # glibc malloc arenas of the engine process (MALLOC_ARENA_MAX; an arena per thread by
    # default).  Its threads spend their time in Oxigraph, not in malloc, so two arenas cost
    # no measurable throughput and keep 9 MiB of freed query memory from staying resident at
    # 100 k facts (8 clients, bench/compare.py's mix).  A MALLOC_ARENA_MAX already set wins.
    engine_malloc_arenas: int = 2
    # Back the engine's heap with transparent huge pages (glibc 2.35+, THP "madvise" or
    # "always"; else a no-op): a whole-graph query walks the store's lists at random, and with
    # 4 KiB pages much of its time is TLB misses (the scan at 100 k facts: 181 -> 148 ms of
    # engine CPU, 3.5 MiB more RSS).  GLIBC_TUNABLES already naming glibc.malloc.hugetlb wins.
    engine_huge_pages: bool = True
    # Bytes of finished /sparql answers the server keeps (response_cache.py): the store is
    # read-only while it serves, so an identical query, dataset and format gives identical
    # bytes.  0 disables the cache.
    response_cache_bytes: int = 32 * 2**20
    # SERVICE IRIs a query may call; empty, so the endpoint makes no outbound request at all.
    # Only a remote store can call one: over a local store the engine's sandbox refuses
    # every internet socket whatever the checks let through (engine/sandbox.py).
    allowed_services: tuple[str, ...] = ()
    # Server (web/server.py).  ``workers``: queries evaluated at once, on the engine's threads over
    # its one store; more wait for a free one, up to their time limit.  ``http_threads``: requests
    # handled at once by the front (pages, errors, waiting for the engine); requests are read whole
    # before a thread takes them, so a slow client holds a connection, not a thread.  A connection
    # idle for ``channel_timeout`` seconds is closed; at most ``connection_limit`` are open at once
    # (a newcomer takes the place of the one that has waited longest for its client, or is answered
    # 503 when all are being answered or hold bytes not read yet: web/room.py).  A client sending
    # or reading a few bytes now and then is never idle, so a request must arrive whole within
    # ``request_timeout`` seconds of its first byte, or of the end of the answer before it on its
    # connection (408 past it; empty lines alone closed unanswered), an answer be read within
    # ``send_timeout`` of being found on its way (reset past it), and an address hold at most
    # ``connections_per_client`` connections (503 past it): otherwise one client could hold every
    # connection (web/connections.py).  Nor every thread:
    # one address has at most ``requests_per_client`` requests being answered (0: half of
    # ``http_threads``) and ``queries_per_client`` queries evaluated at once (0: all but one of
    # ``workers``), 429 past them (web/client_share.py).  Behind a reverse proxy every connection
    # comes from the proxy's address: name it in ``trusted_proxies`` and requests are counted for
    # the client its ``trusted_proxy_headers`` name ("x-forwarded": X-Forwarded-For, -Host, -Proto
    # and -Port; "forwarded": RFC 7239's Forwarded), its own connections not capped per address;
    # without one those headers are dropped unread.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 4
    http_threads: int = 16
    connection_limit: int = 256
    channel_timeout: float = 15.0
    request_timeout: float = 30.0
    send_timeout: float = 300.0
    connections_per_client: int = 32
    requests_per_client: int = 0
    queries_per_client: int = 0
    # The last free engine slot and front thread are kept for a light client, one whose recent
    # use of them (seconds from grant to end, halved every ``use_half_life``) is below
    # ``light_seconds`` (for the engine, half the time limit at most): a lookup is answered at
    # once while slow queries from many addresses hold the rest (web/fair_queue.py).  2 s and
    # 300 s: lookups and pages take milliseconds, a client is light below about 0.46% of a
    # slot on average (a 5 ms lookup every 1.1 s), and one query run to the 30 s limit makes an
    # address heavy for 20 minutes (to 4 s: 5), so about 40 addresses (75) must take turns
    # to keep the slot busy.  0: nothing kept.
    light_seconds: float = 2.0
    use_half_life: float = 300.0
    # The reverse proxies in front of the server, by address (its IPv4 and IPv6 one, or two
    # proxies in a chain of which the nearer appends the farther's peer).
    trusted_proxies: tuple[str, ...] = ()
    trusted_proxy_headers: str = "x-forwarded"
    # Validations over HTTP (POST /validate) run at once, each in a process of its own
    # (pyshacl is pure Python: in the server's process it would hold everyone up), the
    # seconds one may take, and the findings its report may list (the most severe first): a
    # proposal of 5 MB can have a finding per triple, which rendered in the front took 2 GB.
    validations: int = 2
    validate_timeout: float = 120.0
    validate_max_findings: int = 1000
    # Bytes of resident memory one such process may hold before it is stopped (413: the same
    # proposal would be stopped again; split it): nothing bounded it but the machine, and a
    # 4.9 MB proposal of 48,000 failing claims took 1.9 GB (the shipped graph's validations
    # take about 150 MB).
    validate_memory: int = 2 << 30
    # Bytes a request's head and body may hold: the largest body is a proposal to validate
    # (max_proposal_bytes, and a form's boundaries around it); past these the server answers
    # 431/413 as soon as the head is read.
    max_request_header_bytes: int = 64 * 2**10
    max_request_bytes: int = 5 * 2**20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return the defaults with what the ``ALLIANCE_GRAPH_*`` variables set (``ENVIRONMENT``);
        raise ValueError naming a variable whose value is not of its field's type."""
        return cls.from_json(from_environment(os.environ if environ is None else environ))

    def to_json(self) -> dict:
        """Return the settings as JSON values (to hand them to another process)."""
        return {f.name: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple)
                         else v) for f in fields(self) for v in [getattr(self, f.name)]}

    @classmethod
    def from_json(cls, data: Mapping) -> Settings:
        """Return the defaults with the fields ``data`` gives, in their declared types.

        A ``root`` sets the other path fields to that project's (``project_paths``), unless
        ``data`` gives them too.
        """
        types = {f.name: f.type for f in fields(cls)}
        given = {name: _typed(types[name], value) for name, value in data.items()}
        if "root" in given:
            given = {**project_paths(given["root"]), **given}
        return replace(cls(), **given)

    @property
    def client_requests(self) -> int:
        """Requests one client address may have answered at once (``requests_per_client``)."""
        return self.requests_per_client or max(1, self.http_threads // 2)

    @property
    def client_queries(self) -> int:
        """Queries one client address may have evaluated at once (``queries_per_client``)."""
        return self.queries_per_client or max(1, self.workers - 1)

    def __post_init__(self):
        # The folders not given are the root's (``Settings(root=X)`` kept the checkout's, and
        # ``ag.add`` merged into its data/); one given stays, as a Path (a str had no glob).
        for name, path in project_paths(_folder("root", self.root)).items():
            given = getattr(self, name)
            object.__setattr__(self, name, path if given is None else _folder(name, given))
        if isinstance(self.store, os.PathLike):  # a directory store's folder, as a Path
            object.__setattr__(self, "store", os.fspath(self.store))
        check_values(self)
        if not isinstance(self.store, str):  # store=3 was "'int' object has no attribute
            # 'startswith'", from the store's module, once a graph was loaded
            raise TypeError(f"Settings(store=...) takes \"memory\", a directory store's folder "
                            f"(a str or Path) or a store's http(s) URL, not {self.store!r}")
        # A URL's scheme is case-insensitive (RFC 3986): "HTTP://host/query", as some tools
        # print it, was refused as another scheme.  Written in lower case once, here, every
        # reader of ``store`` (backends.kind, the wording of errors) sees the one spelling.
        scheme, sep, rest = self.store.partition("://")
        if sep and scheme.lower() in ("http", "https") and scheme != scheme.lower():
            object.__setattr__(self, "store", f"{scheme.lower()}://{rest}")

    def with_(self, **changes) -> Settings:
        """Return a copy with the given fields changed (None values are ignored); a new
        ``root`` takes along the folders that were the old root's own (``project_paths``)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "root" in changes and Path(changes["root"]) != Path(self.root):
            old, new = project_paths(Path(self.root)), project_paths(Path(changes["root"]))
            for name, path in old.items():
                if name not in changes and getattr(self, name) == path:
                    changes[name] = new[name]
        return replace(self, **changes)

    def input_files(self) -> list[Path]:
        """Return the Turtle files the graph is built from, ontology first, in stable order
        (``project_files.input_files``)."""
        return input_files(self)

    def graph_name(self, path: Path) -> str:
        """Return the name of a file's named graph (``rdf.graph_name``)."""
        from .rdf import graph_name  # imported here: settings stay free of RDF libraries

        return graph_name(self, path)


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Return the fields the ``ALLIANCE_GRAPH_*`` variables set (empty ones set nothing); raise
    ValueError naming a variable whose value is not of its field's type."""
    types = {f.name: f.type for f in fields(Settings)}
    given = {}
    for var, name in ENVIRONMENT.items():
        if environ.get(var, "").strip():  # blank ones set nothing, as empty ones
            try:
                number = _typed(types[name], environ[var])
            except ValueError:
                raise ValueError(f"{var}={environ[var]!r} is not a number") from None
            # The numbers set this way are times and sizes: nan, inf, 0 and negative ones are
            # slips.
            if isinstance(number, float) and not 0 < number < math.inf:
                raise ValueError(f"{var}={environ[var]!r} is not a positive number of seconds")
            if isinstance(number, float) and number > MOST_SECONDS:
                raise ValueError(f"{var}={environ[var]!r} is more seconds than a time limit may "
                                 f"be ({MOST_SECONDS:,}, some 31 years)")
            if isinstance(number, int) and number <= 0:
                raise ValueError(f"{var}={environ[var]!r} is not a positive number of bytes")
            given[name] = environ[var]
    return given
