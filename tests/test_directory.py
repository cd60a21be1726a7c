"""The stores' folders as a careless user or an unlucky machine leaves them (the directory
store's, the build cache): what they hold damaged, the disk under them full, and their errors
said in one line."""

from __future__ import annotations

import dataclasses
import fcntl
import gc
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_graph.build import pipeline as build
from alliance_graph.store import backends, directory, graph, memory
from alliance_graph.store.errors import StoreError
from alliance_graph.store.layout import ASSERTED, Terms


@pytest.mark.parametrize("garbled", [b"\xff\xfe\n", b"\0" * 33, b"../../etc\n", b"",
                                     b"0123456789abcdef0123456789ABCDEF\n"])
def test_a_garbled_current_file_names_no_build_and_is_written_again(mini, garbled):
    # A CURRENT of bytes not ASCII (a crash, a disk error) was a UnicodeDecodeError: a
    # traceback from every command using the store.
    folder = mini.cache_dir / "store"
    digest = directory.build_directory(mini, folder)
    (folder / directory.CURRENT).write_bytes(garbled)
    assert directory.current_build(folder) is None
    assert directory.build_directory(mini, folder) == digest
    assert directory.current_build(folder) == digest


def _file_size_limit(limit: int):
    def limited():  # a full disk, as a write sees it (EFBIG rather than ENOSPC)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limited


@pytest.mark.parametrize("command", ["load", "stats"])
def test_a_full_disk_names_the_file_it_could_not_write_and_leaves_nothing(mini, command):
    # The cache's N-Quads could not be written: `load` said "cannot write memory: File too
    # large" (the store setting, whatever it was), and other commands named no file at all.
    done = subprocess.run(
        [sys.executable, "-m", "alliance_graph", "--ontology", mini.ontology_dir, "--data",
         mini.data_dir, "--cache", mini.cache_dir, command],
        capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(4096))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"{mini.cache_dir}/build-" in done.stderr and "File too large" in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert list(mini.cache_dir.iterdir()) == []


def test_a_full_disk_under_the_store_names_its_setting(mini, tmp_path):
    # The store engine's own error (RocksDB: "IO error: ... File too large") names no folder
    # as Python's do, so no setting was named either: the store folder and --store are now.
    build.cached_build(mini)  # the cache written: the store's files are what the disk refuses
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-m", "alliance_graph", "--ontology", mini.ontology_dir, "--data",
         mini.data_dir, "--cache", mini.cache_dir, "--store", store, "stats"],
        capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(4096))
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"error: a file or folder could not be used: {store}: ")
    assert done.stderr.rstrip().endswith(f"; {store} is the store folder (--store)")
    assert [p.name for p in store.iterdir()] == [directory.NAMING_LOCK]


def _built(kg) -> int:
    """Return the number of quads of the build a graph opened (its files and inferred)."""
    return sum(1 for quad in kg.store if quad.graph_name != ASSERTED)


def _cut_short(nquads: Path) -> None:
    nquads.write_bytes(nquads.read_bytes()[:-200])  # what an interrupted copy leaves


def _garbled(nquads: Path) -> None:
    lines = nquads.read_bytes().splitlines(keepends=True)
    nquads.write_bytes(b"".join(lines[:5] + [b"<garbled\n"] + lines[5:]))


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_build_cache_cut_short_is_built_again(mini, tmp_path, backend):
    # Taken for a build since it existed: its last quad was a SyntaxError, a traceback from
    # every command, until the file was removed by hand.
    settings = mini.with_(store="memory" if backend == "memory" else str(tmp_path / "store"))
    expected = sum(1 for _ in ox.parse(path=build.cached_build(mini), format=ox.RdfFormat.N_QUADS))
    _cut_short(build.cache_path(mini))
    assert _built(graph.load(settings)) == expected
    assert build.whole(build.cache_path(mini))


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_garbled_build_cache_is_said_removed_and_built_again_next(mini, tmp_path, backend):
    settings = mini.with_(store="memory" if backend == "memory" else str(tmp_path / "store"))
    cache = build.cached_build(mini)
    expected = sum(1 for _ in ox.parse(path=cache, format=ox.RdfFormat.N_QUADS))
    _garbled(cache)
    with pytest.raises(StoreError, match=f"the build cache {cache} was damaged"):
        graph.load(settings)
    assert not cache.exists()
    assert _built(graph.load(settings)) == expected


def test_a_main_layout_file_garbled_is_written_again_from_the_build(mini):
    main = memory.main_file(mini)
    _garbled(main)
    with pytest.raises(StoreError, match=f"the build cache {main} was damaged"):
        graph.load(mini)
    assert bool(graph.load(mini).query("ASK { ?c a ag:Claim }"))


def test_a_garbled_build_cache_writes_no_document_for_a_bulk_loader(mini, tmp_path):
    document = tmp_path / "remote.nq"
    _garbled(build.cached_build(mini))
    with pytest.raises(StoreError, match="was damaged"):
        backends.write_remote_document(mini, document)
    assert not document.exists() and not list(tmp_path.glob(".remote.nq.*"))
    assert backends.write_remote_document(mini, document) and document.stat().st_size > 0


def _leftover(folder: Path, pid: int) -> Path:
    """Make what a build killed in the middle leaves: its temporary folder, half written."""
    left = folder / f".tmp-{'0' * 32}-{pid}"
    left.mkdir(parents=True)
    (left / "000012.sst").write_bytes(b"x" * 1000)
    return left


def test_a_killed_build_s_folder_is_removed_before_the_next_build_writes(mini, monkeypatch):
    # Removed only once a build was made, and only if no process had its id since: a
    # container's first process (1) is always alive, so each killed build's folder stayed,
    # and builds killed again and again (the out-of-memory killer) filled the disk.
    folder = mini.cache_dir / "store"
    left = _leftover(folder, 1)
    seen = []
    real = directory._build_in
    monkeypatch.setattr(directory, "_build_in",
                        lambda settings, tmp: (seen.append(left.exists()), real(settings, tmp))[1])
    digest = directory.build_directory(mini, folder)
    assert seen == [False]
    assert sorted(p.name for p in folder.iterdir()) == [
        directory.NAMING_LOCK, "CURRENT", f"build-{digest}"]


def test_a_build_under_way_keeps_its_folder_while_another_is_made(mini):
    # Its folder is locked while it builds; the other command's clean-up spares it.
    folder = mini.cache_dir / "store"
    theirs = _leftover(folder, os.getpid() + 1)
    held = os.open(theirs, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        digest = directory.build_directory(mini, folder)
        assert theirs.is_dir() and (theirs / "000012.sst").exists()
    finally:
        os.close(held)
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# an edit: another build\n")
    assert directory.build_directory(mini, folder) != digest
    assert not theirs.exists()


def test_a_load_killed_then_undone_leaves_no_build_folder(mini, tmp_path):
    # A `load` of edited inputs killed (SIGKILL) as it built, the edit then undone: the next
    # `load` found its build current and left the killed one's .tmp-<hash>-<pid> folder
    # (gigabytes for a large graph) until a build of other inputs was made.
    store = tmp_path / "store"
    command = [sys.executable, "-m", "alliance_graph", *(str(o) for o in (
        "--ontology", mini.ontology_dir, "--data", mini.data_dir, "--cache", mini.cache_dir,
        "--store", store)), "load"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    facts = mini.data_dir / "facts.ttl"
    before = facts.read_text()
    facts.write_text(before + "\n# an edit: another build\n")
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while killed.poll() is None and not list(store.glob(".tmp-*/*")):
            time.sleep(0.001)
    finally:
        killed.kill()
        killed.wait()
    assert list(store.glob(".tmp-*")), "the load ended before it was killed"
    facts.write_text(before)
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in store.iterdir()) == [
        directory.NAMING_LOCK, "CURRENT", f"build-{directory.current_build(store)}"]


def test_a_build_this_process_cannot_open_is_kept(mini, tmp_path):
    # Too few file descriptors (ulimit -n) made RocksDB refuse to open it: taken for a
    # damaged build, it was removed to be built again, and that build failed the same way,
    # leaving an empty store.
    store = tmp_path / "store"
    digest = directory.build_directory(mini, store)

    def few_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    done = subprocess.run(
        [sys.executable, "-m", "alliance_graph", "--ontology", mini.ontology_dir, "--data",
         mini.data_dir, "--cache", mini.cache_dir, "--store", store, "stats"],
        capture_output=True, text=True, timeout=120, preexec_fn=few_files)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert f"cannot open the store in {store}: " in done.stderr and "ulimit" in done.stderr
    assert directory.current_build(store) == digest
    assert len(directory.open_build(store, digest)) > 0


def test_a_store_in_the_cache_folder_itself_is_refused_at_once(mini):
    # It built, and once the inputs changed was refused as "not an alliance-graph directory
    # store (it holds build-<hash>.nq)", the cache's own file.
    with pytest.raises(StoreError, match=r"is the cache folder too \(Settings.cache_dir\): "
                                         "give Settings.store a folder of its own"):
        directory.build_directory(mini, mini.cache_dir)
    (mini.cache_dir / "store").mkdir(parents=True)
    directory.build_directory(mini, mini.cache_dir / "store")  # the memory store's: its own


COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"


@pytest.mark.parametrize("name, text, held", [
    ("extra.ttl", f'<http://e/a> {COMMENT} "x, y" .\n', (False, False)),
    ("extra.ttl", f'<http://e/a,b> {COMMENT} "x" .\n', (True, False)),
    ("x,y.ttl", f'<http://e/a> {COMMENT} "x" .\n', (True, False))],  # its graph's name
    ids=["a literal's comma", "an IRI's comma", "a graph name's comma"])
@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_build_records_its_terms_and_opening_it_tells_them(mini, tmp_path, backend, name,
                                                             text, held):
    # Learnt before by a scan of every quad at the first CSV answer (1.6 s at 100 k facts in
    # memory, far more on disk), Python's slower writer used until then and on the command line.
    (mini.ontology_dir / name).write_text(text)
    kg = graph.load(mini.with_(store="memory" if backend == "memory" else str(tmp_path / "s")))
    terms = directory.recorded_terms(kg.version)
    assert (terms.iri_with_comma, terms.triple_term) == held


def test_the_streaming_build_on_disk_records_an_iri_with_a_comma(mini, tmp_path):
    # The route of large inputs, which makes no N-Quads file (a triple term it refuses, as the
    # default route does: test_streaming.py).
    (mini.ontology_dir / "extra.ttl").write_text(f'<http://e/a,b> {COMMENT} "x" .\n')
    settings = mini.with_(store=str(tmp_path / "s"), streaming_threshold=0,
                          disk_build_threshold=0)
    digest = directory.build_directory(settings, tmp_path / "s")
    assert not build.cache_path(settings).exists()  # streamed into the store, no N-Quads
    terms = Terms.recorded(tmp_path / "s" / f"build-{digest}")
    assert (terms.iri_with_comma, terms.triple_term) == (True, False)


def test_a_build_without_its_record_is_not_known(mini, tmp_path):
    # A build made before builds recorded their terms, or a record a crash left unreadable.
    folder = tmp_path / "s"
    digest = directory.build_directory(mini, folder)
    directory.open_build(folder, digest)
    assert directory.recorded_terms(digest) is not None
    (folder / f"build-{digest}" / Terms.FILE).write_bytes(b'{"iri_with_comma": fal')
    directory.open_build(folder, digest)
    assert directory.recorded_terms(digest) is None
    assert directory.recorded_terms(None) is None


def test_builds_started_by_threads_at_once_make_one_build(mini):
    # Threads share the process id that named the build's temporary folder: four ag.load()
    # at once on a new cache emptied each other's folder and failed ("IO error: lock hold by
    # current process", "No such file or directory: .../.tmp-<hash>-<pid>").
    import threading
    folder, made = mini.cache_dir / "store", []

    def build():
        try:
            made.append(directory.build_directory(mini, folder))
        except Exception as exc:  # noqa: BLE001 - said in the assertion below
            made.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 1 and isinstance(made[0], str), made
    assert sorted(p.name for p in folder.iterdir()) == [
        directory.NAMING_LOCK, "CURRENT", f"build-{made[0]}"]


@pytest.mark.parametrize("field", ["store", "cache_dir"])
def test_a_folder_whose_links_lead_round_in_a_loop_is_said_in_one_line(mini, tmp_path, field):
    # Settings(store=<a symlink loop>) stopped in Path.resolve with "RuntimeError: Symlink
    # loop", a traceback to a library caller; a directory store's cache folder so made too.
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    settings = dataclasses.replace(mini, **{"store": tmp_path / "store", field: loop})
    with pytest.raises(StoreError) as raised:
        graph.load(settings)
    assert str(raised.value) == (f"Settings({field}={str(loop)!r}): its symbolic links lead "
                                 "round in a loop (too many levels of symbolic links): give "
                                 "the folder's real path")


@pytest.mark.server
def test_two_servers_over_one_store_folder_both_follow_a_load_into_it(mini, tmp_path):
    # docs/stores.md: servers may share a directory store's folder, and a `load` beside them
    # is safe: builds are opened read-only and never written once named, and a build a
    # server holds open is removed only from the folder (POSIX keeps its files).
    import time
    import urllib.parse

    import servers
    from helpers import fetch

    store = tmp_path / "store"
    options = [str(o) for o in ("--ontology", mini.ontology_dir, "--data", mini.data_dir,
                                "--cache", mini.cache_dir, "--store", store)]
    ports, started = [servers.free_port(), servers.free_port()], []
    query = urllib.parse.quote("SELECT ?l WHERE { id:Atlantis rdfs:label ?l }")
    try:
        for n, port in enumerate(ports):
            started.append(servers.start(
                [str(servers.BIN / "alliance-graph"), *options, "serve", "--port", str(port),
                 "--response-cache", "0"], f"http://127.0.0.1:{port}/status",
                tmp_path / f"serve-{n}.log"))
        facts = mini.data_dir / "facts.ttl"
        facts.write_text(facts.read_text().replace('"Atlantis"', '"Atlantis the lost"'))
        done = subprocess.run([str(servers.BIN / "alliance-graph"), *options, "load"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        for port in ports:
            deadline = time.monotonic() + 60
            while b"Atlantis the lost" not in fetch(f"http://127.0.0.1:{port}/sparql?query="
                                                    f"{query}", headers={"Accept": "text/csv"})[2]:
                assert time.monotonic() < deadline, f"the server on {port} kept the old build"
                time.sleep(0.1)
        assert len(list(store.glob("build-*"))) == 1
        for n in range(2):
            assert "Traceback" not in (tmp_path / f"serve-{n}.log").read_text()
    finally:
        for process in started:
            servers.stop(process)


def test_a_build_on_another_thread_frees_none_of_this_thread_s_garbage(mini, tmp_path):
    # The build collected garbage to close its store, on whichever thread built: query results
    # a notebook or a test had left in reference cycles were freed there, and pyoxigraph
    # refuses to drop a result off its own thread ("unsendable, but is being dropped on
    # another thread"; a failed test in CI, twice).
    class Left:
        pass

    left = Left()
    left.itself = left
    alive = weakref.ref(left)
    del left
    gc.disable()  # only a collection the build asks for can free it
    try:
        building = threading.Thread(target=directory.build_directory,
                                    args=(mini, tmp_path / "store"))
        building.start()
        building.join()
        assert alive() is not None, "the build collected this thread's garbage"
    finally:
        gc.enable()
        gc.collect()
    store, _digest = directory.open_current(mini, tmp_path / "store")  # its store was closed
    assert len(store) > 0


_QUERIED = """
import runpy, sys
sys.argv = ["alliance-graph", "--project", sys.argv[1], "--store", sys.argv[2], "--cache",
            sys.argv[3], "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"]
runpy.run_module("alliance_graph", run_name="__main__")
"""


def test_a_directory_store_is_built_and_read_on_a_file_system_without_flock(mini, tmp_path):
    # Its naming lock was taken with a bare flock: there it failed every query and export,
    # "a file or folder could not be used: [Errno 37] No locks available", naming no file,
    # where every other writer goes on unheld.
    from flock_processes import without_flock
    done = without_flock(_QUERIED, str(mini.root), str(tmp_path / "store"), str(tmp_path / "c"))
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.splitlines()[0] == "n" and int(done.stdout.splitlines()[1]) > 0
    assert (tmp_path / "store" / "CURRENT").is_file()
