"""Waiting for work inside Oxigraph: Ctrl-C and a time limit end the wait at once."""

import signal
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest

import servers
from alliance_graph import waiting


def busy_store(size: int = 300) -> ox.Store:
    """A store whose triples, joined three times over, keep Oxigraph busy for some 4 s (27
    million rows, at about 0.15 microsecond each here): well past the tests' limits on a
    faster machine, and short, since work given up runs on to its end (the file's teardown
    waits for it: 14 to 27 s of a CPU with 450 triples, 91 million rows)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(i))
                      for i in range(size))
    return store


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_work_answers_as_if_run_here():
    assert waiting.at_once(lambda: 6 * 7) == 42
    with pytest.raises(ZeroDivisionError):
        waiting.at_once(lambda: 1 / 0)
    assert waiting.at_once(threading.current_thread) is not threading.current_thread()


def test_a_time_limit_ends_the_wait_for_oxigraph_at_once():
    # Oxigraph does not come back to Python while it evaluates: waited for on this thread,
    # the query held it for minutes whatever the limit.
    store, abandoned = busy_store(), threading.Event()
    started = time.monotonic()
    with pytest.raises(waiting.TimedOut, match="gave up after 0.5 s"):
        waiting.at_once(lambda: list(store.query(CROSS_JOIN))[0][0], 0.5,
                        over="gave up after 0.5 s", abandoned=abandoned)
    assert time.monotonic() - started < 5  # not minutes; 1 s to spare was a loaded machine's
    assert abandoned.is_set()
    assert isinstance(waiting.TimedOut("x"), TimeoutError)


def test_work_given_up_is_told_so_and_may_stop_at_its_next_step():
    # A query's rows are read one by one: the reading stops at the next one once given up.
    abandoned, steps, ended = threading.Event(), [], threading.Event()

    def work():
        while not abandoned.is_set():
            steps.append(1)
            time.sleep(0.01)
        ended.set()
        return "never handed over"

    with pytest.raises(waiting.TimedOut, match="did not finish within 0.2 s"):
        waiting.at_once(work, 0.2, abandoned=abandoned)
    assert ended.wait(2) and steps


INTERRUPTED = """
import sys, time, pyoxigraph as ox
from alliance_graph import waiting
store = ox.Store()
store.bulk_extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(i))
                  for i in range(450))
print("running", flush=True)
try:
    waiting.at_once(lambda: list(store.query(sys.argv[1]))[0][0])
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_ends_the_wait_for_oxigraph_at_once():
    with subprocess.Popen([sys.executable, "-c", INTERRUPTED, CROSS_JOIN],
                          stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout.readline() == "running\n"
            # Inside Oxigraph once it works past its line (0.5 s slept was a guess).
            servers.working(process.pid, servers.cpu_seconds(process.pid))
            process.send_signal(signal.SIGINT)
            sent = time.monotonic()
            assert process.stdout.readline() == "interrupted\n"
            assert process.wait(10) == 0
            assert time.monotonic() - sent < 10  # not minutes (2 s: a loaded machine's guess)
        finally:
            process.kill()
