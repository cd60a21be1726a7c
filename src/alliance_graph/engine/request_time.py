"""The end time every engine read of one request shares (``graph.EngineGraph``'s calls).

A page or a Graph Store read waits for a query slot once (``web``'s ``app.Service.kg``), then
reads the engine through ``KnowledgeGraph``'s calls, one query at a time.  Each read was held
to a whole time limit of its own, counted from when it was sent: a page granted its slot with
little of its limit left (it had waited behind queries running to theirs) then ran each of its
reads for up to a limit, so its client waited the limit, the grace and a limit per read.  The
slot's grant now names the instant the request's work must end (``client_share.Held``), which
``within`` keeps for the thread answering the request: each read is held to it, and a read
with less than ``LEAST_SECONDS`` of it left (half the limit, if less) is not sent (it would be
killed as it began, with the engine, costing every query beside it a second evaluation) but
answered 503 at once.
Outside a request (a notebook's ``ag.load(timeout=S)``) each read has the whole limit.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from .calls import Waited, wait_advice, waited_for
from .wire import EngineError

# The least time left for which a read is sent, or a query takes a slot it waited for
# (``client_share``): less, it would be killed as it began.
LEAST_SECONDS = 0.1


class Ends(NamedTuple):
    """When a request's reads must end (``time.monotonic``), the seconds its wait for a slot
    took of its time limit (0.0 when it took none), and that limit."""

    deadline: float
    waited: float
    limit: float


# A context variable, not a thread's attribute: set and reset around one request's answer.
_ends: ContextVar[Ends | None] = ContextVar("request_ends", default=None)


@contextmanager
def within(deadline: float, waited: float, limit: float):
    """Hold every engine read this context makes in the block to end by ``deadline``."""
    token = _ends.set(Ends(deadline, waited, limit))
    try:
        yield
    finally:
        _ends.reset(token)


def held() -> dict:
    """Return the keywords holding an engine call to its request's end time (none outside a
    request); raise EngineError (503) when too little of it is left to run a read."""
    ends = _ends.get()
    if ends is None:
        return {}
    # Half the limit where that is less: under `serve --timeout 0.01` every page was refused
    # before its first read (a query, not held so, is sent).
    if ends.deadline - time.monotonic() < min(LEAST_SECONDS, ends.limit / 2):
        waited = f" (it {waited_for(ends.waited)})" if ends.waited else ""
        advice = wait_advice(ends.waited) if ends.waited else "try again when the server " \
            "is less busy"
        raise EngineError(503, f"this request's reads of the graph took the whole "
                               f"{ends.limit:g} s time limit{waited}, which counts from when "
                               f"the request came; {advice}")
    # ``reads``: a read stopped at the end time is told so, not to narrow a query nobody wrote.
    return {"deadline": ends.deadline,
            "waited": Waited(ends.waited, getattr(ends.waited, "own", 0.0), reads=True,
                             front=getattr(ends.waited, "front", 0.0))}
