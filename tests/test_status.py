"""GET /status over the engine process: the state an operator reads, during a restart too."""

import os
import signal
import time

from alliance_graph.engine.client import ProcessEngine
from alliance_graph.web.app import create_app


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
