"""Callers wanting the same build at once share one (build/cache_lock.py): threads of one
process and processes alike, a failure on the inputs given to each, Ctrl-C ending a wait, and
a builder killed mid-build leaving its waiters to build.  Builds are counted, not timed."""

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from alliance_graph.build import loading
from alliance_graph.build import pipeline as build
from alliance_graph.store import graph as store
from alliance_graph.store import memory

BROKEN = "<urn:a> <urn:b> .\n"  # no object: a syntax error at line 1

# A process that counts its builds into a file (one line each, held ``pause`` seconds so that
# the others ask for the build meanwhile), says it is ready by making its own file, waits for
# the others' (a barrier), and asks for the build.
PROCESS = """
import json, os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # even where the tests ignore it
from alliance_graph.build import loading, pipeline
from alliance_graph.settings import Settings
settings = Settings.from_json(json.loads(sys.argv[1]))
count, pause, me, others = sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5:]
original = pipeline.build_quads
def counted(*args, **kwargs):
    with open(count, "a") as out:
        out.write(f"{os.getpid()}\\n")
    time.sleep(pause)
    return original(*args, **kwargs)
pipeline.build_quads = counted
open(me, "w").close()
while not all(os.path.exists(other) for other in others):
    time.sleep(0.01)
try:
    print(pipeline.cached_build(settings))
except loading.LoadError as exc:
    print(f"LoadError: {exc}")
"""


def _process(settings, folder, name, pause, others=(), cwd=None):
    return subprocess.Popen(
        [sys.executable, "-c", PROCESS, json.dumps(settings.to_json()), str(folder / "count"),
         str(pause), str(folder / name), *(str(folder / o) for o in others)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)


def _builds(folder) -> int:
    try:
        return len((folder / "count").read_text().splitlines())
    except FileNotFoundError:
        return 0


def _counted(monkeypatch, module, name, pause=0.3):
    """Count the calls of ``module.name``, each held ``pause`` seconds first."""
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(threading.get_ident())
        time.sleep(pause)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _at_once(work, n=4):
    """Run ``work`` on ``n`` threads started together; return what each returned or raised."""
    # Earlier tests' garbage collected here, in the thread that made it: collected by one of
    # these threads, a pyoxigraph answer left in a cycle is "unsendable, but is being dropped
    # on another thread", an error pytest gave this test (seen once after test_facade's).
    gc.collect()
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        barrier.wait()
        try:
            outcomes[i] = work()
        except Exception as exc:  # noqa: BLE001 - compared by the test
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_threads_loading_a_new_cache_at_once_share_one_build(mini, monkeypatch):
    # Four ag.load() at once in a notebook's threads, on an empty cache folder, each built the
    # N-Quads cache and its main layout themselves (19 s where one took 5).
    builds = _counted(monkeypatch, build, "build_quads")
    mains = _counted(monkeypatch, memory, "write_main", pause=0)
    graphs = _at_once(lambda: store.load(mini))
    assert all(isinstance(kg, store.KnowledgeGraph) for kg in graphs), graphs
    assert len(builds) == 1 and len(mains) == 1
    assert all(kg.query("ASK { id:IronDome ?p ?o }") for kg in graphs)
    assert [p.name for p in mini.cache_dir.iterdir() if p.name.startswith(".")] == []


def test_threads_waiting_for_a_build_that_fails_each_raise_its_error(mini, monkeypatch):
    (mini.data_dir / "broken.ttl").write_text(BROKEN)
    builds = _counted(monkeypatch, build, "build_quads")
    errors = _at_once(lambda: build.cached_build(mini))
    assert all(isinstance(e, loading.LoadError) for e in errors), errors
    assert len({str(e) for e in errors}) == 1 and "data/broken.ttl:1" in str(errors[0])
    assert len(builds) == 1
    # Those that come later build again: the inputs may have been mended since.
    with pytest.raises(loading.LoadError, match="data/broken.ttl:1"):
        build.cached_build(mini)
    assert len(builds) == 2


@pytest.mark.parametrize("broken", [False, True], ids=["builds", "fails"])
def test_two_processes_wanting_a_new_build_at_once_share_one(mini, tmp_path, broken):
    # serve and query started together on a new cache folder each built it.
    if broken:
        (mini.data_dir / "broken.ttl").write_text(BROKEN)
    folder = tmp_path / "run"
    folder.mkdir()
    processes = [_process(mini, folder, "a", 1.0, ["b"]), _process(mini, folder, "b", 1.0, ["a"])]
    said = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], said
    assert said[0][0] == said[1][0], said  # the same build, or the same error
    expected = f"LoadError: {mini.data_dir / 'broken.ttl'}:1" if broken else \
        str(build.cache_path(mini))  # the file as its reader opens it: elsewhere
    assert said[0][0].startswith(expected), said
    assert _builds(folder) == 1


def test_a_waiter_naming_the_files_otherwise_is_told_its_own_names(mini, tmp_path):
    # A failed build's problems name each file from the builder's current directory
    # (data/broken.ttl, run from the project): a waiter started elsewhere was told that name,
    # a path that is not there for it; it builds, and fails, itself, and names the file as
    # it opens it (its absolute path).
    (mini.data_dir / "broken.ttl").write_text(BROKEN)
    folder = tmp_path / "run"
    folder.mkdir()
    processes = [_process(mini, folder, "a", 1.0, ["b"], cwd=mini.root),
                 _process(mini, folder, "b", 1.0, ["a"], cwd=folder)]
    said = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], said
    assert said[0][0].startswith("LoadError: data/broken.ttl:1"), said
    assert said[1][0].startswith(f"LoadError: {mini.data_dir / 'broken.ttl'}:1"), said
    assert _builds(folder) == 2


def _stop(process) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()


def test_a_waiter_builds_once_the_builder_is_killed(mini, tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    builder = _process(mini, folder, "a", 60.0)
    made = []
    waiter = threading.Thread(target=lambda: made.append(build.cached_build(mini)))
    try:
        deadline = time.monotonic() + 60
        while not _builds(folder) and builder.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _builds(folder) == 1, "the builder did not start building"
        waiter.start()
        time.sleep(0.5)
        assert waiter.is_alive()  # waiting for the build under way
        builder.kill()
        waiter.join(60)
    finally:
        _stop(builder)
    assert made == [build.cache_path(mini)] and build.whole(made[0])
    assert [p.name for p in mini.cache_dir.iterdir() if p.name.startswith(".")] == []


def test_ctrl_c_ends_a_wait_for_another_build(mini, tmp_path):
    from alliance_graph.build import cache_lock
    folder = tmp_path / "run"
    folder.mkdir()
    mini.cache_dir.mkdir()
    with cache_lock.building(build.cache_path(mini)):  # a build under way
        waiter = _process(mini, folder, "a", 0.0)
        try:
            deadline = time.monotonic() + 60
            while not (folder / "a").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)  # in cached_build, waiting
            waiter.send_signal(signal.SIGINT)
            _, err = waiter.communicate(timeout=10)
        finally:
            _stop(waiter)
    assert waiter.returncode != 0 and "KeyboardInterrupt" in err, err
    assert _builds(folder) == 0  # it waited, and built nothing
    assert os.listdir(mini.cache_dir) == []


def test_a_caller_reading_the_data_folder_builds_alone_rather_than_wait(mini, tmp_path):
    # validate holds the data folder's readers' lock while it asks for the build; the build it
    # waited for reads that folder, which an add's commit queued meanwhile kept from it until
    # the commit, waiting for validate, gave up (120 s): the three waited on each other.
    from alliance_graph.build import data_folder
    folder = tmp_path / "run"
    folder.mkdir()
    builder = _process(mini, folder, "a", 60.0)  # holds the build's lock for a minute
    made = []

    def validate_like():
        with data_folder.reading(mini.data_dir):
            made.append(build.cached_build(mini))
    try:
        deadline = time.monotonic() + 60
        while not _builds(folder) and builder.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _builds(folder) == 1, "the builder did not start building"
        reader = threading.Thread(target=validate_like)
        reader.start()
        reader.join(45)
        assert made == [build.cache_path(mini)] and build.whole(made[0])
        assert builder.poll() is None  # built while the other build still held its lock
    finally:
        _stop(builder)


def _killed_mid_build(settings, folder, name) -> None:
    """Start a process building ``settings``' inputs and kill it (SIGKILL) once it builds."""
    before = _builds(folder)
    builder = _process(settings, folder, name, 60.0)
    try:
        deadline = time.monotonic() + 60
        while _builds(folder) == before and builder.poll() is None and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert _builds(folder) == before + 1, "the builder did not start building"
    finally:
        _stop(builder)


def test_a_killed_builders_lock_goes_with_the_next_command_of_any_inputs(mini, tmp_path):
    # A killed build's .build-<hash>.nq.lock was removed among the stale files, by its age:
    # it stayed until a build of other inputs ten minutes on.
    from alliance_graph.build import cache_lock
    folder = tmp_path / "run"
    folder.mkdir()
    build.cached_build(mini)  # these inputs' build is whole
    facts = mini.data_dir / "facts.ttl"
    before = facts.read_text()
    facts.write_text(before.replace('"Iron Dome"', '"Iron Dome system"'))
    lock = build.cache_path(mini).with_name(cache_lock.lock_glob(build.cache_path(mini).name))
    builder = _process(mini, folder, "a", 60.0)  # building the edited inputs, alive
    try:
        deadline = time.monotonic() + 60
        while not _builds(folder) and builder.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _builds(folder) == 1 and lock.exists()
        facts.write_text(before)  # the edit undone: a command finds its build whole
        build.cached_build(mini)
        assert lock.exists(), "a lock a build under way holds is spared"
    finally:
        _stop(builder)
    build.cached_build(mini)
    assert not lock.exists()
    facts.write_text(before.replace('"Iron Dome"', '"Iron Dome system"'))
    _killed_mid_build(mini, folder, "b")
    assert lock.exists()
    facts.write_text(before.replace('"Iron Dome"', '"Iron Dome air defence"'))
    build.cached_build(mini)  # a build of other inputs
    assert [p.name for p in mini.cache_dir.iterdir() if p.name.startswith(".")] == []


def test_a_caller_that_locks_a_lock_file_removed_meanwhile_takes_the_name_anew(mini):
    # A build ending removes its lock file while others wait on it (as the cleanup removes a
    # killed builder's while one has it open): the waiter then held a lock on a file no
    # longer named, and the next caller, making the name anew, built beside it.
    from alliance_graph.build import cache_lock
    mini.cache_dir.mkdir()
    path = mini.cache_dir / "build-0123.nq"
    inside = []

    def hold():
        with cache_lock.building(path):
            start = time.monotonic()
            time.sleep(0.3)
            inside.append((start, time.monotonic()))

    with cache_lock.building(path):
        waiter = threading.Thread(target=hold)
        waiter.start()
        time.sleep(0.5)  # waiting on the lock file this block holds, and removes as it ends
    hold()
    waiter.join(10)
    first, second = sorted(inside)
    assert first[1] <= second[0], "two callers held the build's lock at once"
    assert list(mini.cache_dir.iterdir()) == []
