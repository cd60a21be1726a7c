"""GET /status over the engine process: the state an operator reads, during a restart too."""

import json
import os
import signal
import time
import urllib.request

from alliance_graph.engine.client import ProcessEngine
from alliance_graph.engine.local import LocalEngine
from alliance_graph.web.app import create_app
from helpers import until


def test_while_an_engine_restarts_status_names_no_dead_process(settings):
    # It showed the killed engine's pid until the new one was up.
    engine = ProcessEngine(settings.with_(standby_engine_bytes=0))
    try:
        client = create_app(settings, engine=engine).test_client()
        assert client.get("/status").json["sandbox"] == "every socket refused (seccomp)"
        first = client.get("/status").json["engine"]
        assert first["pid"] == engine.info["pid"] and first["restarting"] is False
        os.kill(first["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while not engine.counters["crash"]:  # the watcher has seen the death
            assert time.monotonic() < deadline
            time.sleep(0.05)
        seen = []
        while not seen or seen[-1]["restarting"]:
            assert time.monotonic() < deadline
            seen.append(client.get("/status").json["engine"])
            time.sleep(0.02)
        assert all(s["pid"] != first["pid"] for s in seen)
        assert seen[0]["restarting"] and seen[0]["pid"] is None  # caught during the restart
        assert seen[-1]["pid"] == engine.info["pid"] != first["pid"]
    finally:
        engine.close()


def test_status_says_what_is_busy_and_what_waits(endpoint):
    # A served app knows its front's threads too: at rest the one busy is /status's own.
    # At rest: the server is the session's, shared with other test files, and a query one of
    # them left (its client gone) runs on to the 2 s limit and the engine's restart, seconds
    # on a loaded machine.
    at_rest = {"queries": {"running": 0, "waiting for a slot": 0},
               "requests": {"being answered": 1, "waiting for a thread": 0}}
    seen = []

    def load() -> dict:
        with urllib.request.urlopen(f"{endpoint}/status", timeout=60) as response:
            seen.append(json.load(response)["load"])
        return seen[-1]
    assert until(lambda: load() == at_rest, 30), seen[-3:]


def test_status_counts_the_requests_refused_to_come_back_later_by_cause(endpoint):
    # 429s and 503s by cause, and the clients refused now for crashing the engine
    # (tests/test_client_share.py sees them counted); the session's server may have
    # refused some for other test files.
    with urllib.request.urlopen(f"{endpoint}/status", timeout=60) as response:
        refused = json.load(response)["refused"]
    assert set(refused) == {"429", "503", "clients crashing the engine"}
    assert all(isinstance(n, int) for by in ("429", "503") for n in refused[by].values())
    assert isinstance(refused["clients crashing the engine"], int)


def test_an_app_under_another_wsgi_server_says_nothing_of_threads_it_does_not_know(kg, settings):
    client = create_app(settings, engine=LocalEngine(kg, settings)).test_client()
    assert client.get("/status").json["load"] == {
        "queries": {"running": 0, "waiting for a slot": 0}}
