"""The engine process, driven as the front drives it: answers, limits that stop one query and
spare the others, restarts, and the graph read through it."""

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import servers
from alliance_graph.engine import instance
from alliance_graph.engine.client import EngineError, ProcessEngine
from alliance_graph.engine.local import LocalEngine
from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.proc import stat_fields
from alliance_graph.query.dataset import Dataset
from alliance_graph.query.guard import Refused
from alliance_graph.query.results import GRAPH_FORMATS, RESULT_FORMATS
from alliance_graph.store.errors import StoreError
from helpers import CRASHER, status, until

LOOKUP = "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f LIMIT 1"
ASSERTED = Dataset()


@pytest.fixture(scope="module")
def engine_process(settings):
    # A time limit long enough for a query sent again after a restart on a busy machine.
    engine = ProcessEngine(settings.with_(workers=3, query_timeout=20, query_memory=200 << 20))
    yield engine
    engine.close()


@pytest.fixture
def engine(engine_process):
    """The module's engine, once any restart a previous test caused is over."""
    assert engine_process.wait_ready(60), "the engine did not restart"
    return engine_process


def answer(engine, text, fmt="json", dataset=ASSERTED):
    table = GRAPH_FORMATS if fmt in ("turtle", "nt", "nq", "trig") else RESULT_FORMATS
    return engine.answer(text, dataset, [table[fmt]], PREFIX_IRIS)


@pytest.mark.parametrize("text, fmt", [
    (LOOKUP, "json"), (LOOKUP, "csv"), ("ASK { ?c a ag:Claim }", "xml"),
    ("CONSTRUCT { id:IronDome ?p ?o } WHERE { id:IronDome ?p ?o }", "nt")])
def test_the_engine_answers_as_the_in_process_engine(engine, kg, settings, text, fmt):
    ours, local = answer(engine, text, fmt), answer(LocalEngine(kg, settings), text, fmt)
    assert ours[1] == local[1]
    if fmt == "nt":
        assert sorted(ours[0].splitlines()) == sorted(local[0].splitlines())
    else:
        assert ours[0] == local[0]


def test_a_query_past_the_time_limit_is_stopped_and_the_others_are_answered(settings):
    engine = ProcessEngine(settings.with_(workers=3, query_timeout=2))
    outcome = {}

    def heavy():
        try:
            answer(engine, SLOW)
        except Refused as exc:
            outcome["heavy"] = (exc.status, str(exc), time.monotonic())

    try:
        since = servers.cpu_seconds(engine.info["pid"])
        started = time.monotonic()
        thread = threading.Thread(target=heavy)
        thread.start()
        # Running there, not slept on (0.3 s was a guess a loaded machine outlasts).
        servers.working(engine.info["pid"], since)
        assert b"Iron Dome" in answer(engine, LOOKUP)[0]
        looked_up = time.monotonic()
        thread.join()
        status, message, ended = outcome["heavy"]
        assert looked_up < ended  # answered while the heavy one ran: the order, not a time
        # Stopped near its 2 s limit (10 s for a loaded machine; unstopped, it counts every
        # triple cubed).
        assert status == 503 and "2 s limit" in message and ended - started < 10
        assert engine.counters["time"] == 1
        assert engine.wait_ready(60)
        assert b"Iron Dome" in answer(engine, LOOKUP)[0]  # the restarted engine answers
    finally:
        engine.close()


def test_the_query_filling_memory_is_blamed_and_the_one_beside_it_is_sent_again(engine):
    before = engine.counters["memory"]
    outcome = {}

    def run(name, text):
        try:
            outcome[name] = answer(engine, text)[0]
        except Refused as exc:
            outcome[name] = (exc.status, str(exc))

    # A query that takes about a second, in flight when the engine is killed for the bomb.
    medium = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?b a ?c } "
    threads = [threading.Thread(target=run, args=("bomb", BOMB))]
    threads[0].start()
    time.sleep(0.2)
    threads.append(threading.Thread(target=run, args=("medium", medium)))
    threads[1].start()
    for thread in threads:
        thread.join()
    # Beside the other it is told the engine grew while both ran; alone (the medium one done
    # first, on a loaded machine) that it needed the memory: which, the timing decides here,
    # and the words beside a query that surely runs are the HTTP test's below.
    status, said = outcome["bomb"]
    assert status == 503 and "200 MiB" in said and "memory" in said, outcome
    assert isinstance(outcome["medium"], bytes) and b'"n"' in outcome["medium"]
    assert engine.counters["memory"] > before


def engine_environment(pid: int) -> dict:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_the_engine_runs_with_the_configured_malloc_arenas(engine, settings):
    assert engine_environment(engine.info["pid"])["MALLOC_ARENA_MAX"] == str(
        settings.engine_malloc_arenas)


def test_the_engine_asks_for_huge_pages(engine):
    assert engine_environment(engine.info["pid"])["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=1"


def test_malloc_tuning_set_by_the_user_wins(settings, monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "7")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0")
    engine = ProcessEngine(settings.with_(standby_engine_bytes=0))
    try:
        assert engine_environment(engine.info["pid"])["MALLOC_ARENA_MAX"] == "7"
        assert engine_environment(engine.info["pid"])["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=0"
    finally:
        engine.close()


@pytest.mark.parametrize(("inherited", "expected"), [
    ({}, "glibc.malloc.hugetlb=1"),
    ({"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"},
     "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1"),  # the user's other tunables kept
    ({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=2"}, "glibc.malloc.hugetlb=2"),
])
def test_huge_pages_join_the_users_tunables(settings, inherited, expected):
    assert instance.environment(settings, inherited)["GLIBC_TUNABLES"] == expected


def test_huge_pages_can_be_turned_off(settings):
    assert "GLIBC_TUNABLES" not in instance.environment(
        settings.with_(engine_huge_pages=False), {})


def test_an_engine_that_dies_is_restarted_and_the_query_in_flight_sent_again(engine):
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(
        r=answer(engine, "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?b a ?c }")[0]))
    thread.start()
    time.sleep(0.2)
    os.kill(engine.info["pid"], signal.SIGKILL)
    thread.join()
    assert b'"n"' in outcome["r"]
    assert engine.counters["crash"] >= 1


def test_a_query_that_crashes_the_engine_alone_twice_is_told_so_not_to_try_again(engine):
    crashes = engine.counters["crash"]
    with pytest.raises(EngineError) as caught:
        answer(engine, CRASHER)
    assert caught.value.status == 500
    assert "crashed twice" in str(caught.value) and "will not help" in str(caught.value)
    assert "try again" not in str(caught.value)
    assert engine.counters["crash"] == crashes + 2
    assert engine.wait_ready(60)
    # Sent again, it is refused unrun (it stopped two more engines, and the queries beside
    # them); the others are answered.
    with pytest.raises(EngineError, match="not run again") as again:
        answer(engine, CRASHER)
    assert again.value.status == 500 and engine.counters["crash"] == crashes + 2
    # Nor is it run asked in another format: the crash is in its evaluation (each format
    # crashed two engines more).
    for fmt in ("xml", "csv", "tsv"):
        with pytest.raises(EngineError, match="not run again"):
            answer(engine, CRASHER, fmt)
    assert engine.counters["crash"] == crashes + 2
    assert b"Iron Dome" in answer(engine, LOOKUP)[0]


def test_a_caller_waiting_longer_than_its_time_for_a_free_slot_is_refused(settings):
    # The slow query's limit, which the test waits out, need only outlast the wait below and
    # the 0.3 s call (0.35 s here; 3 s was the limit).
    engine = ProcessEngine(settings.with_(workers=1, query_timeout=2))
    try:
        thread = threading.Thread(target=lambda: pytest.raises(EngineError, answer, engine, SLOW))
        thread.start()
        # Its one slot taken by the slow query: waited for, not slept on (a thread that had
        # not taken it 0.3 s on, as on a loaded machine, left it to the call below).
        deadline = time.monotonic() + 30
        while not engine.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(EngineError, match="query slots stayed busy") as busy:
            engine.call({"op": "info"}, timeout=0.3)
        assert busy.value.status == 503
        thread.join()
    finally:
        engine.close()


def test_a_service_call_reaching_the_engine_itself_fetches_nothing(engine):
    assert engine.info["sandbox"] is None, f"the engine is not sandboxed: {engine.info['sandbox']}"
    with socket.socket() as listener:
        port = servers.free_port()
        listener.bind(("127.0.0.1", port))
        listener.listen()
        listener.settimeout(0.5)
        # Straight to the engine: no check stands between this query and Oxigraph.
        with pytest.raises(Refused) as failed:
            answer(engine, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/q> {{ ?s ?p ?o }} }}")
        assert failed.value.status == 400
        with pytest.raises(TimeoutError):
            listener.accept()


def test_an_engine_that_cannot_open_the_graph_fails_to_start_with_the_reason(mini):
    (mini.data_dir / "broken.ttl").write_text("<urn:a> <urn:b> .\n")
    with pytest.raises(StoreError, match="broken.ttl"):
        ProcessEngine(mini)


def test_an_engine_that_cannot_start_again_says_when_it_is_tried_next(mini):
    # Its 503 said Retry-After: 2 (nothing known) while the next start was up to 30 s away:
    # urllib3's Retry gave up before the engine was tried again.  No standby: one would take over.
    engine = ProcessEngine(mini.with_(standby_engine_bytes=0))
    try:
        # Every start from now on fails: the engine is not ready within the time given it.
        engine.settings = engine.settings.with_(engine_start_timeout=0.001)
        os.kill(engine.info["pid"], signal.SIGKILL)
        assert until(lambda: engine.unstarted, 30)
        with pytest.raises(EngineError) as refused:
            answer(engine, "ASK {}")
        assert refused.value.status == 503 and "could not be started" in str(refused.value)
        # The first failed start waits 1 s before the next (``_replenish``).
        assert refused.value.retry is not None and refused.value.retry <= 1.0
    finally:
        engine.close()


def test_a_standby_engine_takes_over_when_one_is_killed(settings):
    engine = ProcessEngine(settings.with_(query_timeout=20))
    try:
        assert engine.keeps_standby, "a graph this small keeps a standby engine"
        deadline = time.monotonic() + 60
        while engine.standby is None and time.monotonic() < deadline:
            time.sleep(0.05)
        standby = engine.standby.info["pid"]
        os.kill(engine.info["pid"], signal.SIGKILL)
        assert b"Iron Dome" in answer(engine, LOOKUP)[0]
        assert engine.info["pid"] == standby
    finally:
        engine.close()


def engine_pids() -> set[int]:
    """The engine processes this test process started and that are still alive."""
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    return {int(p) for p in children
            if b"alliance_graph.engine.worker" in Path(f"/proc/{p}/cmdline").read_bytes()}


def test_a_second_kill_during_a_restart_leaves_one_engine_and_one_standby(settings):
    # Two restarts running at once each installed an engine; the one replaced, no longer
    # referenced, closed its connections under the queries using them (counted as crashes).
    others = engine_pids()  # the engines of other tests' fixtures
    engine = ProcessEngine(settings.with_(query_timeout=20))
    try:
        deadline = time.monotonic() + 60
        while engine.standby is None and time.monotonic() < deadline:
            time.sleep(0.05)
        first = engine.info["pid"]
        os.kill(first, signal.SIGKILL)
        while engine.info["pid"] == first and time.monotonic() < deadline:
            time.sleep(0.01)  # the standby takes over at the watcher's next look
        os.kill(engine.info["pid"], signal.SIGKILL)  # while the next standby is starting
        assert engine.wait_ready(60)
        while engine.standby is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # an engine left over would have exited by now
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: answer(engine, LOOKUP)[0], range(40)))
        assert all(b"Iron Dome" in a for a in answers)
        assert engine.counters["crash"] == 2, engine.counters  # the two kills, no more
        assert engine_pids() - others == {engine.info["pid"], engine.standby.info["pid"]}
    finally:
        engine.close()


def test_a_call_answered_as_the_engine_closes_leaves_no_connection_pooled(
        settings, monkeypatch):
    # close() empties the pool; a connection a call had out was put back after it, into a
    # pool nobody takes from again (a closed engine refuses every call).
    from alliance_graph.engine import client, wire
    engine = ProcessEngine(settings.with_(workers=1, standby_engine_bytes=0))
    receive, held = wire.receive, []

    def answered_then_closed(sock, spool=False):
        reply = receive(sock, spool)
        held.append(sock)
        engine.close()  # from another thread in a server: a Ctrl-C, the app's end
        return reply

    monkeypatch.setattr(client.wire, "receive", answered_then_closed)
    assert b"Iron Dome" in answer(engine, LOOKUP)[0]  # the answer had come whole: it is given
    assert engine.pool.empty() and held[0].fileno() == -1


def test_without_a_standby_a_killed_engine_is_started_again(settings):
    engine = ProcessEngine(settings.with_(query_timeout=20, standby_engine_bytes=0))
    try:
        assert not engine.keeps_standby and engine.standby is None
        first = engine.info["pid"]
        os.kill(first, signal.SIGKILL)
        assert b"Iron Dome" in answer(engine, LOOKUP)[0]
        assert engine.info["pid"] != first and engine.standby is None
    finally:
        engine.close()


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_an_engine_restarted_while_the_data_is_half_edited_serves_the_last_build(
        mini, tmp_path, backend):
    # A restarted engine opened the graph as a command does, building it for the inputs of
    # the moment: while a data file was being edited every restart failed ("trying again"
    # each second), and the server, its standby used up, answered nothing but 503.
    settings = mini.with_(query_timeout=20)
    if backend == "directory":
        settings = settings.with_(store=str(tmp_path / "store"))
    engine = ProcessEngine(settings)
    try:
        version = engine.info["version"]
        deadline = time.monotonic() + 60
        while engine.standby is None and time.monotonic() < deadline:
            time.sleep(0.05)
        with open(next(mini.data_dir.glob("*.ttl")), "a") as data:
            data.write("\n<urn:half-written> <urn:p>\n")
        for _ in range(2):  # the standby, then an engine started after the edit
            killed = engine.info["pid"]
            os.kill(killed, signal.SIGKILL)
            while engine.info["pid"] == killed and time.monotonic() < deadline:
                time.sleep(0.05)
        assert answer(engine, "ASK { ?s ?p ?o }")[0] == b'{"head":{},"boolean":true}'
        assert engine.info["version"] == version
    finally:
        engine.close()


def stop(pid: int, seconds: float = 5) -> None:
    """SIGSTOP ``pid`` and return once it is stopped (or gone: the watcher may kill it first).
    A stop sent once was seen to be lost under load: the engine, still running a moment later
    ("R" in /proc), answered the query sent to it, and the test took that for the supervisor's
    doing; so it is sent again until it holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, signal.SIGSTOP)
        except ProcessLookupError:
            return
        for _ in range(50):
            fields = stat_fields(pid)
            if fields is None or fields[0] in ("T", "Z", "X"):
                return
            time.sleep(0.01)
    raise AssertionError(f"process {pid} did not stop within {seconds} s")


def wait_for_standby(engine, other_than=None, seconds=60) -> int:
    """Wait until ``engine`` has a standby (not the one ``other_than`` names); return its pid."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        standby = engine.standby
        if standby is not None and standby.info["pid"] != other_than:
            return standby.info["pid"]
        time.sleep(0.05)
    raise AssertionError(f"no new standby engine within {seconds} s")


def test_a_stopped_engine_is_replaced_and_its_queries_answered_at_once(settings):
    # SIGSTOP held every query for the whole time limit, each then answered 503 as too long.
    engine = ProcessEngine(settings.with_(query_timeout=20))
    try:
        standby = wait_for_standby(engine)
        stop(engine.info["pid"])
        started = time.monotonic()
        assert b"Iron Dome" in answer(engine, LOOKUP)[0]
        assert time.monotonic() - started < 10
        # The standby took over (in a clean clone's run under load another engine seemed to:
        # the stop had not held, and the engine sent it had answered itself).
        assert engine.info["pid"] == standby and engine.counters["crash"] == 1
    finally:
        engine.close()


@pytest.mark.parametrize("sent", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "stopped"])
def test_a_standby_that_fails_while_idle_is_replaced_before_it_is_needed(settings, sent):
    # It stayed the standby: a dead one took over and failed the queries in flight a second
    # time (503), a stopped one held them for the time limit.
    engine = ProcessEngine(settings.with_(query_timeout=20))
    try:
        failed = wait_for_standby(engine)
        if sent == signal.SIGSTOP:
            stop(failed)
        else:
            os.kill(failed, sent)
        wait_for_standby(engine, other_than=failed, seconds=30)
        os.kill(engine.info["pid"], signal.SIGKILL)
        started = time.monotonic()
        assert b"Iron Dome" in answer(engine, LOOKUP)[0]
        assert time.monotonic() - started < 10
        assert engine.counters["crash"] == 2
    finally:
        engine.close()


def heavy_in_background(engine) -> tuple[threading.Thread, dict]:
    """Start a query that runs to its time limit (a cross product of four, minutes on a small
    graph); return its thread and the outcome it leaves: "heavy" -> (status, message)."""
    outcome: dict = {}

    def heavy():
        try:
            answer(engine, SLOW.replace("?g ?h ?i }", "?g ?h ?i . ?j ?k ?l }"))
        except Refused as exc:
            outcome["heavy"] = (exc.status, str(exc))

    thread = threading.Thread(target=heavy)
    thread.start()
    return thread, outcome


def a_next_build(mini, **options):
    """Return the settings of a store ``mini`` is loaded into (with ``options``), and what
    makes its next build current (an edit, then `load`), built into the cache first, so that
    the load made while a test's query runs only fills the store."""
    from alliance_graph.build import pipeline as build
    from alliance_graph.store import backends
    settings = mini.with_(store=str(mini.root / "store"), workers=2, **options)
    backends.load_into_store(settings)
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    edited = data.read_text() + "\n# a new build\n"
    data.write_text(edited)
    build.cached_build(settings)
    data.write_text(edited.removesuffix("\n# a new build\n"))

    def load_it() -> None:
        data.write_text(edited)
        backends.load_into_store(settings)
    return settings, load_it


def test_a_new_build_takes_over_and_the_engine_it_replaces_ends_what_it_was_answering(mini):
    # `load` made a new build while a query ran: the server goes on to it without a restart
    # (it answered from its first build until a limit happened to restart the engine), and
    # the query under way stays on the engine it started on, held to its own time limit:
    # not sent again to the new engine, and counted as no stop of the engine answering.
    # The steps below, from the heavy query's start to the check that it still runs, take
    # 1.2 s here and 2-2.5 s beside two CPU-bound loops (3-6 s before the build was cached
    # first, within a limit of 8 s).
    settings, load_it = a_next_build(mini, query_timeout=6, follow_poll=0.2)
    engine = ProcessEngine(settings)
    try:
        first = engine.info["version"]
        thread, outcome = heavy_in_background(engine)
        time.sleep(0.3)
        load_it()
        deadline = time.monotonic() + 30
        while engine.info["version"] == first:
            assert time.monotonic() < deadline, "the engine did not follow the new build"
            time.sleep(0.05)
        assert answer(engine, "ASK { ?c a ag:Claim }")[0] == b'{"head":{},"boolean":true}'
        assert thread.is_alive(), "the query under way was answered or sent again at once"
        thread.join()
        assert outcome["heavy"][0] == 503 and "6 s limit" in outcome["heavy"][1], outcome
        assert engine.counters["builds followed"] == 1
        assert (engine.counters["time"], engine.counters["crash"]) == (0, 0), engine.counters
    finally:
        engine.close()


def test_a_build_made_while_the_last_switch_still_has_a_query_under_way_is_followed(mini):
    # The follower waited for the engine it had replaced to end its queries before it looked
    # for builds again: a load made while a long query ran there was served only once that
    # query ended, up to the whole time limit later, and `load` twice in a row showed the
    # first build meanwhile.  Now the follower goes on at once, and an engine still ending
    # queries when a third build comes is stopped, its queries sent once to the newest one.
    from alliance_graph.build import pipeline as build
    from alliance_graph.store import backends
    settings = mini.with_(store=str(mini.root / "store"), workers=2, query_timeout=15,
                          follow_poll=0.2)
    backends.load_into_store(settings)
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    edits = [data.read_text()]
    for comment in ("second build", "third build"):
        edits.append(edits[-1] + f"\n# {comment}\n")
        # The build cache of each edit made before the heavy query starts: the two loads
        # under way, 4-12 s on a busy machine (half of it building), were 2-5 s, now well
        # inside the time limit, which was 20 s.
        data.write_text(edits[-1])
        build.cached_build(settings)
    data.write_text(edits[0])
    engine = ProcessEngine(settings)

    def load_and_wait(comment):
        data.write_text(data.read_text() + f"\n# {comment}\n")
        version = backends.load_into_store(settings).split()[-1]
        deadline = time.monotonic() + 15
        while engine.info["version"] != version:
            assert time.monotonic() < deadline, f"the engine did not follow the {comment}"
            time.sleep(0.05)

    try:
        first = engine.info["pid"]
        thread, outcome = heavy_in_background(engine)
        time.sleep(0.3)
        load_and_wait("second build")
        second = engine.info["pid"]
        load_and_wait("third build")
        assert thread.is_alive(), "the query under way was not sent again to the newest build"
        assert engine.counters["builds followed"] == 2
        assert answer(engine, "ASK { ?c a ag:Claim }")[0] == b'{"head":{},"boolean":true}'
        thread.join()
        assert outcome["heavy"][0] == 503 and "15 s time limit" in outcome["heavy"][1], outcome
        # Sent again when the build it ran on was left: told so, not to narrow the query.
        assert "was stopped (the server went on to a newer build" in outcome["heavy"][1]
        # No engine of an earlier build left behind.
        assert not [pid for pid in (first, second) if Path(f"/proc/{pid}").exists()]
    finally:
        engine.close()


def test_a_build_followed_has_a_standby_only_while_its_engine_is_small(mini):
    # Whether an engine has a standby twin was judged once, by the server's first build: a
    # load that took the graph past standby_engine_bytes still had two copies of it kept in
    # memory (at 70 k facts 329 MiB each), a server started big never got one.
    from alliance_graph.store import backends
    settings = mini.with_(store="memory", follow_poll=0.2)
    backends.load_into_store(settings)
    engine = ProcessEngine(settings.with_(standby_engine_bytes=32 << 20))
    small = engine.info["rss"]
    engine.close()
    engine = ProcessEngine(settings.with_(standby_engine_bytes=small + (16 << 20)))
    try:
        assert engine.keeps_standby
        # The graph grows by 32 MB of text (an annotation of the ontology, which no check reads).
        (mini.ontology_dir / "padding.ttl").write_text(
            "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "ag: rdfs:comment " + ", ".join(f'"{n} {"padding " * 400_000}"' for n in range(10))
            + " .\n")
        backends.load_into_store(settings)
        deadline = time.monotonic() + 60
        while engine.counters["builds followed"] == 0:
            assert time.monotonic() < deadline, "the engine did not follow the new build"
            time.sleep(0.05)
        assert engine.info["rss"] > small + (16 << 20), (engine.info, small)
        while engine.replenishing:
            time.sleep(0.05)
        assert not engine.keeps_standby and engine.standby is None
    finally:
        engine.close()


def test_ctrl_c_while_an_engine_starts_stops_it_and_says_so(settings, monkeypatch):
    # Interrupted while it waited for the engine's "ready", the caller left the engine running,
    # for as long as the interrupt's traceback was kept (a notebook keeps the last one), and
    # the traceback ended in a socket's read.
    from types import SimpleNamespace

    from alliance_graph.engine import instance, wire
    started = []

    def popen(*args, **kwargs):
        started.append(subprocess.Popen(*args, **kwargs))
        return started[-1]

    def interrupted(sock, spool=False):
        raise KeyboardInterrupt

    monkeypatch.setattr(instance, "subprocess", SimpleNamespace(
        Popen=popen, DEVNULL=subprocess.DEVNULL, TimeoutExpired=subprocess.TimeoutExpired))
    monkeypatch.setattr(instance, "wire", SimpleNamespace(receive=interrupted, Closed=wire.Closed))
    with pytest.raises(KeyboardInterrupt, match="^starting the query engine was interrupted; it "
                                                "was stopped, and nothing of it runs on$"):
        ProcessEngine(settings)
    [process] = started
    assert process.poll() is not None, "the engine runs on"


def test_a_second_ctrl_c_while_the_interrupted_query_s_engine_stops_leaves_one_starting(
        settings, monkeypatch):
    # Ctrl-C twice: the second came while the engine of the query the first stopped was
    # being waited for, and no engine was started; without a standby, every later query
    # waited its whole time limit, then "all 4 query slots stayed busy".
    engine = ProcessEngine(settings.with_(standby_engine_bytes=0, query_timeout=5))
    try:
        killed = engine.active
        monkeypatch.setattr(killed.process, "wait", lambda *args: (_ for _ in ()).throw(
            KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            engine._kill(engine.generation, "interrupted")
        monkeypatch.undo()
        assert engine.wait_ready(10), "no engine was started"
        assert all(sock.fileno() == -1 for sock in killed.connections)
        killed.process.wait(10)  # ended (TimeoutExpired if not)
        assert engine.call({"op": "info"})[0]["status"] == 200
    finally:
        engine.close()


def test_while_no_engine_can_be_started_again_a_query_is_told_so_at_once(mini):
    # Each query waited its whole time limit, then read "all 4 query slots stayed busy for
    # the whole time limit; try again later", while every start failed on the inputs.
    import shutil
    # A limit of 30 s, which the bug waits whole: a failed start is told well within 15 s
    # (the bound 5 s of 10 left a loaded machine's failing build little room).
    engine = ProcessEngine(mini.with_(standby_engine_bytes=0, query_timeout=30))
    try:
        shutil.rmtree(mini.cache_dir)  # no build left to open: a new engine builds, and fails
        (mini.data_dir / "broken.ttl").write_text("<urn:a> <urn:b> .\n")
        os.kill(engine.info["pid"], signal.SIGKILL)
        started = time.monotonic()
        with pytest.raises(EngineError, match=r"the query engine stopped and could not be "
                                              r"started again \(.*broken\.ttl.*\); it is being "
                                              r"started again in the background") as refused:
            engine.call({"op": "info"})
        assert refused.value.status == 503
        assert time.monotonic() - started < 15
    finally:
        engine.close()


def test_a_query_waiting_for_the_engine_s_restart_is_told_so_not_that_slots_were_busy(
        tmp_path):
    # Both engines killed (the one answering and its standby twin): a query sent meanwhile
    # holds its query slot and waits for a new engine, past its 0.1 s time limit (an engine
    # takes some 0.3 s to start).  Its 503 said "all 4 query slots stayed busy for the whole
    # time limit", of a wait for no query at all.
    port, process = servers.serve_shipped(tmp_path / "serve.log", "--timeout", "0.1")
    try:
        def engines() -> list[int]:
            return [int(pid) for path in Path(f"/proc/{process.pid}/task").glob("*/children")
                    for pid in path.read_text().split()]
        # The standby is started in the background (killed while it starts, the start fails).
        assert until(lambda: status(port)["engine"]["standby"] and len(engines()) == 2)
        for pid in engines():
            os.kill(pid, signal.SIGKILL)
        # Sent once the server has seen it (a query sent before takes a connection to the
        # dead engine, and is told the engine stopped twice under it).
        assert until(lambda: status(port)["engine"]["restarting"], 5)
        query = urllib.parse.urlencode({"query": f"SELECT ?l{time.time_ns()} WHERE "
                                                 f"{{ id:IronDome rdfs:label ?l{time.time_ns()} }}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?{query}", timeout=60)
        said = refused.value.read().decode()
        assert refused.value.code == 503 and said.startswith(
            "the query engine was being started again (the engine failed)"), said
        assert "stayed busy" not in said
    finally:
        servers.stop(process)



def asked_from(port: int, source: str, query: str) -> tuple[int, str]:
    """Return the status and text of ``query``'s answer, asked from the loopback address
    ``source`` (another client to the server's shares)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                            source_address=(source, 0))
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def two_clients(port: int, first: str, pause: float, second: str) -> tuple[tuple, tuple]:
    """Return the answers (``asked_from``) to ``first``, asked from 127.0.0.2, and to
    ``second``, asked ``pause`` seconds later from 127.0.0.3 (another client) beside it."""
    answers = {}

    def ask(name: str, source: str, query: str) -> None:
        answers[name] = asked_from(port, source, query)
    threads = [threading.Thread(target=ask, args=("first", "127.0.0.2", first))]
    threads[0].start()
    time.sleep(pause)
    threads.append(threading.Thread(target=ask, args=("second", "127.0.0.3", second)))
    threads[1].start()
    for thread in threads:
        thread.join()
    return answers["first"], answers["second"]

def test_a_query_sent_again_after_another_s_kill_is_told_so_when_stopped_at_its_limit(
        tmp_path):
    # A query running beside one killed at its time limit is sent again to the new engine,
    # with what is left of its own limit; stopped there, it was told "the query ran longer
    # than the 4 s limit and was stopped; narrow it or add a LIMIT", where it had run 2 s
    # when the kill stopped it (measured with one that takes 3.1 s alone: the same words).
    port, process = servers.serve_shipped(tmp_path / "serve.log", "--timeout", "4",
                                          "--workers", "2")
    try:  # then another client's, from another address, beside it
        first, (status, said) = two_clients(port, SLOW, 1.5,
                                            SLOW.replace("?n", "?m").replace("?i", "?j"))
    finally:
        servers.stop(process)
    assert first[0] == 503 and first[1].startswith("the query ran longer than the 4 s limit"), \
        first
    assert status == 503 and said.startswith("the query ran "), said
    assert "until the engine answering it was stopped (another query was stopped at its " \
        "time limit, and the engine with it), was sent again to a new engine" in said, said
    assert "narrow" not in said and "less busy" in said, said


def test_a_query_whose_engine_was_killed_under_it_is_not_told_nothing_was_sent(settings):
    # Without a standby, a query running beside one stopped at its limit waits for the new
    # engine to send its query again, past its own limit: it was told "the query engine was
    # being started again ... and nothing was sent to it", where it had run 1.9 s there.
    engine = ProcessEngine(settings.with_(query_timeout=2, workers=2, standby_engine_bytes=0))
    said: dict = {}

    def run(name: str, text: str) -> None:
        try:
            answer(engine, text)
        except EngineError as exc:
            said[name] = str(exc)
    try:
        first = threading.Thread(target=run, args=("first", SLOW))
        first.start()
        time.sleep(0.1)
        second = threading.Thread(target=run, args=("second", SLOW.replace("?i", "?j")))
        second.start()
        first.join()
        second.join()
    finally:
        engine.close()
    assert said["first"].startswith("the query ran longer than the 2 s limit"), said
    # How long it had run hangs on the machine's load (2.1 s on a busy CI run), not on the fix.
    ran = re.match(r"the engine answering this request was stopped after it had run "
                   r"(\d+\.\d) s ", said["second"])
    assert ran and float(ran.group(1)) > 0, said
    assert "(another query was stopped at its time limit, and the engine with it), and was " \
        "being started again for the rest of the request's time limit" in said["second"], said
    assert "nothing was sent" not in said["second"], said


def test_the_query_stopped_for_memory_beside_others_is_not_told_it_needed_the_memory(
        tmp_path):
    # Which query grew the engine cannot be told: the longest running is stopped.  A COUNT
    # over a cross product (no memory to speak of) sent a second before an ORDER BY that fills
    # memory was told "the query needed more memory than the 200 MiB limit ...".
    port, process = servers.serve_shipped(tmp_path / "serve.log", "--timeout", "20",
                                          "--query-memory", "200", "--workers", "2")
    try:
        (status, said), bomb = two_clients(port, SLOW, 1, BOMB)
    finally:
        servers.stop(process)
    assert status == 503 and said.startswith("the engine grew past the 200 MiB memory limit "
                                             "while this query and another ran"), said
    assert "needed more memory" not in said and "try again" in said, said
    # Sent again, alone in the next engine, the ORDER BY is the one stopped, and told so.
    assert bomb == (503, "the query needed more memory than the 200 MiB limit and was stopped; "
                         "narrow it or add a LIMIT\n"), bomb


def test_an_engine_retiring_for_a_new_build_that_aborts_is_counted_as_a_crash(mini):
    # The engine a new build replaced answers its queries to their end; one aborting there
    # (SIGABRT: a crasher sent just before `load`) went uncounted in /status's crashes, its
    # queries sent again as if replaced, and its client charged nothing.
    settings, load_it = a_next_build(mini, query_timeout=20, follow_poll=0.1)
    engine = ProcessEngine(settings)
    try:
        old = engine.active
        thread, _ = heavy_in_background(engine)
        assert until(lambda: engine.calls, 5)
        load_it()
        assert until(lambda: engine.retiring is old, 30)
        os.kill(old.process.pid, signal.SIGABRT)
        assert until(lambda: engine.counters["crash"] == 1, 5), engine.counters
        # The query's call sent again is a new one, made once its thread reads the engine's
        # death, after the count (read at once, the first call: CI found it unsent, None).
        resent = lambda: [c.resent for c in list(engine.calls) if c.resent]  # noqa: E731
        assert until(resent, 5), engine.calls
        assert resent()[0][0] == "crash", resent()
    finally:
        engine.close()
        thread.join()


def test_an_engine_asked_whether_it_aborted_while_it_exits_is_waited_for():
    # A call sees its connection close before the engine's exit can be read: read at once,
    # an abort was taken for another's kill, so the query was not charged to its client
    # (ten addresses sending crashers crashed 43 engines in a second 20 s, 4 now) nor
    # judged alone.  A process that aborts 0.3 s after it is asked stands for it.
    import sys
    process = subprocess.Popen([sys.executable, "-c", "import os, time; time.sleep(0.3); "
                                                      "os.abort()"])
    left, right = socket.socketpair()
    with left, right:
        assert instance.Instance(process, left, []).aborted()
