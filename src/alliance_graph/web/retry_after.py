"""When a refused client may come back (``Retry-After``), and how many were refused, by cause.

A 429 (the client's share used up, or its queries crashing the engine) and a 503 (the server
busy, an engine starting again, a wait for a slot run out) tell a client to come back later.
They said when only in their text, which HTTP clients do not read: urllib3's ``Retry``,
browsers' fetch code and Comunica read ``Retry-After`` (RFC 9110 10.2.3, RFC 6585 4).  Every
one carries it now, made here, where the answer's headers are (``protocol.error``,
``protocol.error_answer``, the front's own ``connections._response``): the seconds the
refusal knows (``Refused.retry``, the number its text states), else ``UNKNOWN_WAIT``; whole
seconds, rounded up, at least 1.  Each is counted by cause here too, for ``/status``.

Not a 503 that sending the same request again would meet again (``Refused.again``): a query
stopped at a time or memory limit it had whole ("narrow it or add a LIMIT").  With
``Retry-After: 2`` it told urllib3's ``Retry`` (which resends any GET or HEAD answered 429 or
503 with one) to run it again, each try another whole limit of an engine thread.
"""

from __future__ import annotations

import math
import threading
from collections import Counter

from ..settings import Settings

# Seconds a query waiting for an engine slot waits past its time limit: a slot in use is free
# by its query's limit, plus the watcher's look and the kill that stop it running late.
QUERY_GRACE = 1.0
# When to come back from a refusal that knows no wait of its own (the slots busy, an engine
# starting again, a query stopped): by then a slot held by a query running late is free.
UNKNOWN_WAIT = QUERY_GRACE + Settings.engine_poll
# What a 429 or 503 is counted as when it names no cause (``Refused.cause``): a 503 of the
# engine's (started again, stopped twice, a query past its limit) or of a temporary file.
CAUSES = {429: "a share used up", 503: "the engine or the server"}

_counts: Counter = Counter()
_lock = threading.Lock()


def seconds(wait: float) -> int:
    """Return ``wait`` as ``Retry-After`` says it: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait))


def headers(status: int, retry: float | None = None, cause: str | None = None,
            counted: bool = True, again: bool = True) -> list[tuple[str, str]]:
    """Return the headers of a refusal with ``status``: a 429 or 503 says when to come back
    (``retry`` seconds, else ``UNKNOWN_WAIT``) and is counted by ``cause`` (``counted``:
    an answer to be sent, not one made for a client already gone), unless it would fail
    again (``again`` False: no come back, no count)."""
    if status not in CAUSES or not again:
        return []
    if counted:
        with _lock:
            _counts[status, cause or CAUSES[status]] += 1
    return [("Retry-After", str(seconds(UNKNOWN_WAIT if retry is None else retry)))]


def counts() -> dict[str, dict[str, int]]:
    """Return how many requests this process refused with a 429 or a 503, by status and
    cause (every status shown, with no cause before the first)."""
    with _lock:
        counted = sorted(_counts.items())
    return {str(status): {cause: n for (code, cause), n in counted if code == status}
            for status in CAUSES}
