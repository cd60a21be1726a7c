"""A query the front has handed to the engine, as the supervisor (``client.py``) watches it:
when it started, its deadline, which engine answers it, and why it was stopped if it was; and
what a caller is told when a call ends otherwise (Ctrl-C, a forked process)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .wire import EngineError

# What each request to the engine is, as an interrupted caller is told.
_WORK = {"query": "the query", "answer": "the query", "dump": "the export",
         "quads": "the read of a graph"}


@dataclass(eq=False)
class Call:
    """One request lent an engine connection, until its answer is read."""

    started: float
    deadline: float
    limit: float
    generation: int
    blamed: str | None = None   # why this call's query was stopped, when it was
    waited: float = 0.0         # seconds its request waited for a slot, when they cut its limit


def blame_late(calls) -> None:
    """Say of each call past its deadline why its query is about to be stopped."""
    for c in calls:
        c.blamed = late(c.limit, c.waited, "was stopped")


def late(limit: float, waited: float, ended: str) -> str:
    """Return why a query ``ended`` ("was stopped", or "its answer was given up") at its
    time limit, ``limit`` seconds, of which its request ``waited`` for a query slot."""
    if not waited:  # its whole limit to run: the wait, if any, took none of it
        return f"the query ran longer than the {limit:g} s limit and {ended}; narrow " \
            "it or add a LIMIT"
    # Not the query's fault alone: it had what the wait left of the limit (``web``'s
    # client_share.py), so the same query may pass when the server is less busy.
    if waited >= limit:  # "then ran for the rest of the 4 s limit" after waiting 4.1 s
        return (f"the query waited {waited:.1f} s for a query slot, past the {limit:g} s "
                f"time limit (which counts from when a query comes), then ran for the "
                f"moment of grace left and {ended}; try again when the server is less busy")
    return (f"the query waited {waited:.1f} s for a query slot, then ran for the rest of "
            f"the {limit:g} s time limit (which counts from when a query comes) and "
            f"{ended}; try again when the server is less busy, or narrow it or add a LIMIT")


def interrupted(op: str | None, sent: bool) -> KeyboardInterrupt:
    """Return the KeyboardInterrupt for a call that Ctrl-C ended (``sent``: in the engine,
    which was stopped), saying what it stopped: re-raised as it came, its traceback ended in a
    socket's read or a queue's wait, which say nothing of what was interrupted."""
    what = _WORK.get(op, "the engine's work")
    if not sent:
        return KeyboardInterrupt(f"{what} was interrupted while it waited for a free query "
                                 "slot; nothing was sent")
    return KeyboardInterrupt(f"{what} was interrupted and stopped, with the engine that ran "
                             "it; another engine answers the next one")


def refuse_if_forked(owner: int) -> None:
    """Raise EngineError for a call from a process forked from the one that started the
    engine (``owner``): the engine and its connections are that process's."""
    if os.getpid() != owner:
        raise EngineError(503, "this graph's query engine belongs to the process that loaded "
                                f"it (pid {owner}), not to this one, forked from it "
                                "(multiprocessing, say): load the graph again in this process "
                                "(ag.load(timeout=S))")
