"""Waiting for work done inside Oxigraph so that Ctrl-C, and a time limit, end the wait at once.

Oxigraph evaluates a query, or writes a graph, without coming back to Python: a signal waits
for the whole answer (hours, for a cross product), and pyoxigraph has no way to stop a query
(0.5 offers none in Python).  ``at_once`` runs the work on a thread of its own and waits for it
on the caller's thread, where Ctrl-C (a notebook's interrupt too) is a KeyboardInterrupt at
once and ``timeout`` a ``TimedOut``.  The work given up goes on, on its thread, until it ends
by itself; ``abandoned`` tells it, so that work which reads rows one by one can stop at the
next row.  Only a process of its own (``engine/``) stops a query outright.
"""

from __future__ import annotations

import threading
import time
import traceback


class TimedOut(TimeoutError):
    """The work did not finish within its time limit and was left to finish on its own."""


def at_once(work, timeout: float | None = None, *, over: str = "",
            abandoned: threading.Event | None = None):
    """Return ``work()``, run on a thread of its own; raise KeyboardInterrupt at Ctrl-C, or
    ``TimedOut(over)`` past ``timeout`` seconds, at once, setting ``abandoned`` then.

    The thread's own exceptions are raised here, as if the work had run here.  What the work
    returns crosses threads, so it must be a value that may (bytes, lists of terms): pyoxigraph's
    query results may not, and a result the caller gave up on is dropped on the work's thread.
    """
    abandoned = abandoned or threading.Event()
    outcome: dict = {}
    handover = threading.Lock()

    def body():
        try:
            value = work()
            with handover:  # given up on: dropped here, on this thread, with ``value``
                if not abandoned.is_set():
                    outcome["value"] = value
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread as is
            # Its frames' variables go here, on this thread: pyoxigraph's query results must
            # not be dropped on another (the process aborts).
            exc, seen = error, set()
            while exc is not None and id(exc) not in seen:
                seen.add(id(exc))
                traceback.clear_frames(exc.__traceback__)
                exc = exc.__cause__ or exc.__context__
            outcome["error"] = error

    def give_up():
        with handover:
            abandoned.set()

    thread = threading.Thread(target=body, name="at-once", daemon=True)
    thread.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while thread.is_alive():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                give_up()
                raise TimedOut(over or f"the work did not finish within {timeout:g} s")
            # Short waits: Python runs a signal's handler between them, wherever a wait on a
            # lock is not itself interrupted by the signal.
            thread.join(0.2 if left is None else min(0.2, left))
    except KeyboardInterrupt:
        give_up()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
