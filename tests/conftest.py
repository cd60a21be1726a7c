"""Shared fixtures: settings pointing at the checkout, and the built knowledge graph."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

import servers  # tests/servers.py: start and stop real server processes
from alliance_graph.settings import ENVIRONMENT, Settings
from alliance_graph.store import graph as store
from helpers import results_in_garbage


@pytest.fixture(scope="session", autouse=True)
def clean_environment(tmp_path_factory):
    """Run every test, and every command and server a test starts, without the developer's
    ALLIANCE_GRAPH_* variables (the settings' and each of serve's options': ALLIANCE_GRAPH_PORT
    reached the tests' servers) and with a build cache of the session's own."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [*ENVIRONMENT, *(v for v in os.environ if v.startswith("ALLIANCE_GRAPH_"))]:
            patch.delenv(name, raising=False)
        patch.setenv("ALLIANCE_GRAPH_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module", autouse=True)
def garbage_collected_here():
    """Collect what a test file left in reference cycles, on the main thread that made it.

    A query result kept in a cycle (a refusal's frames in ``pytest.raises``, say) is freed by
    whichever thread next collects garbage, and pyoxigraph refuses to drop a result on another
    thread: the directory store's build collected on the CLI's worker thread, and a later
    file's test failed on 24 results an earlier file had left (the cycles' makers not found).
    The build no longer collects, but Python's own collections still run on whichever thread
    allocates when one is due, so a file leaving any fails here, where it is found.

    Work a file gave up at a time limit (``waiting.at_once``: the notes of ``ag.run`` under a
    timeout, over 400,000 typed nodes) goes on, on its own thread, for seconds: it is waited
    for here first, so that it ends within its file.  Left running, the next file's count
    found 41 results in cycles (CI, after test_facade; not found how they got there)."""
    yield
    for thread in threading.enumerate():
        if thread.name == "at-once":
            thread.join(120)
    left = results_in_garbage()
    assert left == 0, (f"this file's tests left {left} query result(s) in reference cycles "
                       "(a refusal or a frame keeping one): find them with "
                       "helpers.results_left_in_cycles")


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings for the shipped ontology and data, building into a cache of the test session's
    own (never the checkout's .cache/, and nothing from the developer's environment)."""
    return Settings(cache_dir=Path(os.environ["ALLIANCE_GRAPH_CACHE"]))


@pytest.fixture(scope="session")
def kg(settings):
    """The shipped graph, built once per test session."""
    return store.load(settings)


@pytest.fixture(scope="session")
def sources_dir(settings):
    """The source texts folder; tests that need it skip loudly when it is absent."""
    if not settings.sources_dir.is_dir():
        message = (f"source texts not found at {settings.sources_dir}: quotes cannot be "
                   "verified here (set ALLIANCE_GRAPH_SOURCES; CI has them)")
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must verify every quote: never pass by skipping there
        pytest.skip(message)
    return settings.sources_dir


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini(tmp_path, settings) -> Settings:
    """Settings for a small project copied to a temp folder: core ontology + tests/fixtures/mini."""
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    shutil.copy(settings.ontology_dir / "core.ttl", tmp_path / "ontology" / "core.ttl")
    return Settings(root=tmp_path, ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data",
                    cache_dir=tmp_path / "cache", sources_dir=tmp_path / "sources",
                    queries_dir=tmp_path / "queries")


@pytest.fixture(scope="session")
def pages_settings(tmp_path_factory, settings) -> Settings:
    """Settings for tests/fixtures/pages (cited facts, a dispute, dates, a label with markup)."""
    root = tmp_path_factory.mktemp("pages")
    shutil.copytree(FIXTURES / "pages", root, dirs_exist_ok=True)
    shutil.copy(settings.ontology_dir / "core.ttl", root / "ontology" / "core.ttl")
    (root / "queries").mkdir()
    return Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                    cache_dir=root / "cache", sources_dir=root / "sources",
                    queries_dir=root / "queries")


@pytest.fixture(scope="session")
def pages_kg(pages_settings):
    """The graph of tests/fixtures/pages, built once per session."""
    return store.load(pages_settings)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The base URL of a real Oxigraph server process, shared by the session's remote tests."""
    process, url = servers.start_oxigraph(tmp_path_factory.mktemp("oxigraph-server") / "db")
    yield url
    servers.stop(process)


@pytest.fixture
def empty_oxigraph(tmp_path):
    """The base URL of a fresh, empty Oxigraph server process for one test."""
    process, url = servers.start_oxigraph(tmp_path / "oxigraph")
    yield url
    servers.stop(process)


def virtuoso(folder, **options):
    """Start a real Virtuoso server in ``folder``; return (process, URL), or skip the test
    when Virtuoso is not installed (fail instead under CI, which installs it)."""
    try:
        return servers.start_virtuoso(folder, **options)
    except servers.NotInstalled as exc:
        message = f"{exc}: the Virtuoso tests cannot run here (CI installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must prove the Virtuoso route: never pass by skipping
        pytest.skip(message)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """The SPARQL URL of a real Virtuoso 7 server process (update granted to its SPARQL
    user), shared by the session's remote tests."""
    process, url = virtuoso(tmp_path_factory.mktemp("virtuoso-server"))
    yield url
    servers.stop(process)


@pytest.fixture
def empty_virtuoso(tmp_path):
    """The SPARQL URL of a fresh Virtuoso server process (update granted) for one test."""
    process, url = virtuoso(tmp_path / "virtuoso")
    yield url
    servers.stop(process)


# The remote stores the backend suite runs against: (server fixture, --store URL, load route).
REMOTES = {
    "oxigraph": ("oxigraph_server", "{}/query", {}),
    "virtuoso": ("virtuoso_server", "{}", {}),  # no /query: SPARQL Update to the same URL
}


@dataclass
class EmptyStore:
    """A fresh remote store server: its kind, ``--store`` URL, the `load` options it needs,
    and its process (a test may stop it)."""

    kind: str
    url: str
    load_options: list
    process: subprocess.Popen


@pytest.fixture(params=list(REMOTES))
def empty_store(request, tmp_path):
    """A fresh, empty remote store of each kind (a real Oxigraph or Virtuoso server)."""
    if request.param == "oxigraph":
        process, url = servers.start_oxigraph(tmp_path / "oxigraph")
        store = EmptyStore("oxigraph", f"{url}/query", [], process)
    else:
        process, url = virtuoso(tmp_path / "virtuoso")
        store = EmptyStore("virtuoso", url, [], process)
    yield store
    servers.stop(process)


_LOADED: dict = {}


def loaded_remote(request, settings, name: str):
    """The shipped graph loaded into the session's remote store ``name`` (once a session)."""
    from alliance_graph.store import backends

    if name not in _LOADED:
        fixture, shape, options = REMOTES[name]
        remote = settings.with_(store=shape.format(request.getfixturevalue(fixture)), **options)
        backends.load_into_store(remote)
        _LOADED[name] = store.load(remote)
    return _LOADED[name]


@pytest.fixture(scope="session", params=["memory", "directory", *REMOTES])
def backend_kg(request, settings, tmp_path_factory):
    """The shipped graph in each store backend: in memory, a directory store, and remote
    stores (a real Oxigraph server, a real Virtuoso server), each filled by `load`."""
    if request.param == "memory":
        return store.load(settings.with_(store="memory"))
    if request.param == "directory":
        folder = tmp_path_factory.mktemp("directory-store") / "store"
        return store.load(settings.with_(store=str(folder)))
    return loaded_remote(request, settings, request.param)


@pytest.fixture(scope="session", params=list(REMOTES))
def remote_kg(request, settings):
    """The shipped graph in each remote store (the same loaded stores as ``backend_kg``'s)."""
    return loaded_remote(request, settings, request.param)


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory):
    """The base URL of a real `alliance-graph serve` process on the shipped data.

    A short time limit (2 s) and result limit (500) so the limit tests run fast; three workers
    so one can be busy with a heavy query while the others answer.
    """
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(servers.BIN / "alliance-graph"), "serve", "--port", str(port),
               "--workers", "3", "--timeout", "2", "--max-result-bytes", "50000"]
    process = servers.start(command, f"{url}/sparql?query=ASK%7B%7D",
                            tmp_path_factory.mktemp("endpoint") / "serve.log")
    yield url
    servers.stop(process)


# Fixtures that start a real server process (Oxigraph, Virtuoso, alliance-graph serve), and
# test modules that start servers or engine processes of their own: their tests are marked
# `server`, the browser's `browser`, so that `pytest -m "not server and not browser"` is a
# quick local run; `make test` (and CI) runs everything.
SERVER_FIXTURES = {"endpoint", "oxigraph_server", "empty_oxigraph", "virtuoso_server",
                   "empty_virtuoso", "empty_store", "remote_kg", "server", "shipped_server",
                   "markup_server"}
SERVER_MODULES = {"test_connections", "test_engine_client", "test_fuzz", "test_server",
                  "test_install", "test_remote", "test_remote_endpoint", "test_remote_load",
                  "test_sandbox"}


# The files taking a worker longest (seconds of wall time in a profiled CI run of
# 2026-12-06: test_validation 316, test_cli 315, ... test_merge 95), run first: xdist's
# loadfile hands files out in collection order, so the longest, alphabetically last, ran on
# alone for minutes once the other workers had finished, one of two CPUs idle.  A file's
# place only orders the work: a file missing here runs after these, alphabetically.
LONGEST_FIRST = ("test_validation", "test_cli", "test_dry_run", "test_export", "test_remote",
                 "test_browser", "test_connections", "test_facade", "test_web",
                 "test_remote_load", "test_engine_client", "test_add", "test_catalogue",
                 "test_graph_store", "test_merge")


def pytest_collection_modifyitems(items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))  # stable: in a file
    for item in items:
        module = item.module.__name__
        fixtures = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if module == "test_browser" or "page" in fixtures:
            item.add_marker(pytest.mark.browser)
        if module in SERVER_MODULES or fixtures & SERVER_FIXTURES \
                or params.get("backend_kg") in REMOTES:
            item.add_marker(pytest.mark.server)
