"""``GET /status``: what an operator (or a test) needs to know of the running server.

The dataset's version, whether the engine is sandboxed, and how often an engine was stopped and
why (time, memory, crash) and restarted: a crash count above zero means a query got past the
checks and killed Oxigraph, which the checks exist to prevent.  And how many requests were
dropped unanswered, their client gone while they waited (``abandoned.py``), and how many were
refused to come back later (429 and 503), by cause (``retry_after.py``).  And what is
busy now: queries running and waiting for an engine slot, requests being answered and
waiting for a front thread.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..store import backends
from . import abandoned, retry_after
from .protocol import service

bp = Blueprint("status", __name__)


@bp.route("/status", methods=["GET"])
def status():
    """Return the server's state as JSON."""
    svc = service()
    engine = svc.engine
    counters = dict(getattr(engine, "counters", {}))
    # While an engine is started again with no standby to take over, the last one's pid would
    # name a process that is gone.
    restarting = bool(getattr(engine, "restarting", False))
    return jsonify({
        "version": svc.version,
        "sandbox": engine.info.get("sandbox") or _sandbox(svc.settings),
        "engine": {"pid": None if restarting else engine.info.get("pid"),
                   "restarting": restarting, "workers": svc.settings.workers,
                   "standby": getattr(engine, "standby", None) is not None},
        "stopped": {reason: counters.get(reason, 0) for reason in ("time", "memory", "crash")},
        "restarts": counters.get("restarts", 0),
        "builds_followed": counters.get("builds followed", 0),
        "response_cache": {"entries": len(svc.responses), "bytes": svc.responses.size},
        # Requests whose client reset the connection while they waited: never answered, and
        # their queries never run.
        "dropped": abandoned.dropped(),
        # Requests told to come back later (429 and 503, with Retry-After), by cause, and the
        # clients refused now because their queries crashed the engine (``client_share``).
        "refused": {**retry_after.counts(), "clients crashing the engine": svc.queries.crashers()},
        "load": _load(svc),
    })


def _load(svc) -> dict:
    # What is busy now and what waits for it: an operator sees a queue build up (a flood, a
    # slow store), and a test waits for the state it sets up rather than for a fixed time.
    # The front's threads are known only to a server started by ``front.py`` (which sets
    # ``threads``); an app run by another WSGI server says nothing of them.
    load = {"queries": _named(svc.queries.load(), "running", "waiting for a slot")}
    threads = getattr(svc, "threads", None)
    if threads is not None:
        load["requests"] = _named(threads.load(), "being answered", "waiting for a thread")
    return load


def _named(load: dict, held: str, waiting: str) -> dict:
    return {held: load["held"], waiting: load["waiting"]}


def _sandbox(settings) -> str:
    # An engine that says nothing of its sandbox installed it (engine/worker.py): a local
    # store's refuses every socket, a remote store's is reached over the network and has none.
    # It said "internet sockets refused" of both.
    if backends.kind(settings.store) == "remote":
        return "none: the engine reaches the remote store over the network"
    return "every socket refused (seccomp)"
