"""A query the front has handed to the engine, as the supervisor (``client.py``) watches it:
when it started, its deadline, which engine answers it, and why it was stopped if it was; and
what a caller is told when a call ends otherwise (Ctrl-C, a forked process)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from .wire import EngineError

# What each request to the engine is, as an interrupted caller is told.
_WORK = {"query": "the query", "answer": "the query", "dump": "the export",
         "quads": "the read of a graph"}
# The crashes of engines under the calls this thread made since its last ``crashes_under``.
_crashes = threading.local()
# What a query crashing the engine is told of the cause, one text wherever it is refused: seen,
# pyoxigraph 0.5.13 aborting, its sort finding no total order in the one it was given.
CRASH_CAUSE = ("Oxigraph 0.5 crashes, for one, ordering values it cannot order among "
               "themselves, such as numbers beside strings of digits: ORDER BY STR(?x), or "
               "values of one type")


@dataclass(eq=False)
class Call:
    """One request lent an engine connection, until its answer is read."""

    started: float
    deadline: float
    limit: float
    generation: int
    blamed: str | None = None   # why this call's query was stopped, when it was
    waited: float = 0.0         # seconds its request waited for a slot, when they cut its limit
    # Why its engine was stopped under it (``ProcessEngine._kill``'s reason), when it was.
    cut: str | None = None
    # Sent again after an engine was stopped under it: why, and the seconds it had run there.
    resent: tuple[str, float] | None = None
    engine: object = None       # the ``instance.Instance`` answering it (None: replaced before)
    among: int = 0              # the calls its engine answered when stopped under it, itself too
    # Stopped at a limit it had whole, alone: sent again, it would be stopped again.
    its_own: bool = False

    @staticmethod
    def cut_short(calls, generation: int, reason: str) -> None:
        """Note on each of ``calls`` answered by the engine of ``generation`` (killed for
        ``reason``) that its engine was stopped under it, unless a reason was noted first."""
        on_it = [c for c in calls if c.generation == generation]
        for c in on_it:
            if c.cut is None:
                c.cut, c.among = reason, len(on_it)

    def resent_after(self, now: float) -> tuple[str, float]:
        """Return why this call's engine was stopped under it and the seconds it had run
        there, for the call that sends its query again: an engine retired for a newer build
        was stopped without a kill (``ProcessEngine._retire``)."""
        return self.cut or "replaced", now - self.started

    def alone_on_its_engine(self, calls) -> bool:
        """Return whether this call's query was the only one its engine answered when the
        engine died, and it aborted (a fault of its own: not a limit another query reached,
        nor a kill from outside, as the kernel's out-of-memory killer's)."""
        return (self.cut == "crash" and self.engine is not None and self.engine.aborted()
                and not any(c is not self and c.generation == self.generation for c in calls))

    def note_crash(self, calls) -> bool:
        """Count this call's part in the death of its engine, when the engine aborted by
        itself (``alone_on_its_engine``'s test): all of it alone, a share beside others, any
        of whose queries may have crashed it; its client is charged (``crashes_under``): a
        client sending crashers of many texts kept an engine starting (72 in 20 s).  Return
        whether it was alone on its engine."""
        if self.cut == "crash" and self.engine is not None and self.engine.aborted():
            _crashes.count = crashes_under() + 1 / max(1, self.among)
        return self.alone_on_its_engine(calls)

    def stopped_twice(self, alone: bool) -> EngineError:
        """Return what this call is told when the engines answering it died twice: ``alone``,
        the only query either engine answered, its query crashed them (a fault of the engine:
        sent again, it crashed one again, and would the next); else the server's state (other
        queries' limits, or a failure), which a later try may not meet."""
        if alone:
            # Seen: pyoxigraph 0.5.13 aborts, its sort finding the order it was given no total
            # order ("user-provided comparison function does not correctly implement a total
            # order"), on an ORDER BY of integers beside strings of digits; over the shipped
            # data ORDER BY ?o of every literal did, now and then. It was a 503, "try again".
            return EngineError(500, "the query engine crashed twice while answering this "
                                    "query, the only one it was answering each time: a fault "
                                    "of the engine on this query, which sending it again will "
                                    f"not help ({CRASH_CAUSE})")
        return EngineError(503, "the query engine was stopped twice while answering this query "
                                "(other queries' limits, or a failure); try again")


def crashes_under(reset: bool = False) -> float:
    """Return how many engines crashed under the calls this thread made since the last reset
    (``reset``: now), each shared among the calls it answered (``Call.note_crash``): the web
    layer charges the client it answers (``client_share.Shares``)."""
    count = getattr(_crashes, "count", 0.0)
    if reset:
        _crashes.count = 0.0
    return count


def blame_late(calls) -> None:
    """Say of each call past its deadline why its query is about to be stopped."""
    for c in calls:
        c.blamed = late(c.limit, c.waited, "was stopped", c.resent)
        c.its_own = its_own(c.waited, c.resent)



class Waited(float):
    """The seconds a request's wait took of its time limit (0.0: none), with what it waited
    for and what its work is, which its 503 says.  A float, so the engine's calls
    (``client.py``'s ``Call``, ``local.py``) carry it on as the seconds they always were.

    - ``own``: the seconds of it spent waiting for its client's own share (its other queries
      running, the wait a 429 ends), not for one of the engine's slots (other clients'
      queries): the 503 said "waited 3.6 s for a query slot" of either, and to try again
      when the server is less busy, where it was the client's own queries that held it.
    - ``front``: the seconds of it before the request asked for a slot, most of them spent
      waiting for a thread of the server's front (``web``'s ``client_share.request_came``).
    - ``reads``: the work is the request's own reads of the graph (a page, a dump, a Graph
      Store read: ``request_time``), not a query its client wrote: it was told "narrow it or
      add a LIMIT", of a query there was none of."""

    __slots__ = ("own", "front", "reads")

    def __new__(cls, seconds: float = 0.0, own: float = 0.0, reads: bool = False,
                front: float = 0.0):
        waited = super().__new__(cls, seconds)
        waited.front = min(front, seconds)
        waited.own, waited.reads = min(own, seconds - waited.front), reads
        return waited


def waited_for(waited: float) -> str:
    """Return how long a request waited and for what ("waited 3.0 s for a query slot")."""
    own, front = getattr(waited, "own", 0.0), getattr(waited, "front", 0.0)
    parts = [(seconds, what) for seconds, what in (
        (front, "for a free thread of the server's front"),
        (own, "for this client's other queries to end"),
        (waited - own - front, "for a query slot")) if seconds >= 0.05]
    if not parts:
        return f"waited {waited:.1f} s for a query slot"
    if len(parts) == 1:
        share = " (its share of the query slots was in use)" \
            if parts[0][1].startswith("for this client") else ""
        return f"waited {waited:.1f} s {parts[0][1]}{share}"
    return f"waited {waited:.1f} s (" + ", then ".join(
        f"{seconds:.1f} s {what}" for seconds, what in parts) + ")"


def wait_advice(waited: float) -> str:
    """Return when to try again a request whose wait (``waited_for``) cut its time limit."""
    own = getattr(waited, "own", 0.0)
    if own < 0.05:
        return "try again when the server is less busy"
    if waited - own < 0.05:
        return "try again when this client's other queries have ended"
    return "try again when the server is less busy and this client's other queries have ended"


def late(limit: float, waited: float, ended: str,
         resent: tuple[str, float] | None = None) -> str:
    """Return why a query ``ended`` ("was stopped", or "its answer was given up") at its
    time limit, ``limit`` seconds, of which its request ``waited`` (a ``Waited``, or plain
    seconds: for a query slot) for a query slot or its client's share; ``resent`` (why, and
    after how many seconds there) when an engine was stopped under it and it was sent again."""
    if resent is not None:
        return _late_resent(limit, waited, ended, resent)
    if getattr(waited, "reads", False):
        return _late_reads(limit, waited, ended)
    if not waited:  # its whole limit to run: the wait, if any, took none of it
        return f"the query ran longer than the {limit:g} s limit and {ended}; narrow " \
            "it or add a LIMIT"
    # Not the query's fault alone: it had what the wait left of the limit (``web``'s
    # client_share.py), so the same query may pass when the server is less busy.
    if waited >= limit:  # "then ran for the rest of the 4 s limit" after waiting 4.1 s
        return (f"the query {waited_for(waited)}, past the {limit:g} s time limit (which "
                f"counts from when a query comes), then ran for the moment of grace left "
                f"and {ended}; {wait_advice(waited)}")
    return (f"the query {waited_for(waited)}, then ran for the rest of the {limit:g} s "
            f"time limit (which counts from when a query comes) and {ended}; "
            f"{wait_advice(waited)}, or narrow it or add a LIMIT")


def its_own(waited: float, resent: tuple[str, float] | None = None) -> bool:
    """Return whether a query ``late`` tells of had its whole limit, its own query at fault
    ("narrow it or add a LIMIT" alone): sent again, it would be stopped again."""
    return not waited and resent is None and not getattr(waited, "reads", False)


# A page's or a dump's client wrote no query: nothing of it to narrow or LIMIT.
_NOT_A_QUERY = ("(the server's own reading for a page, a download or a Graph Store read, "
                "not a query the client wrote)")


def _late_reads(limit: float, waited: float, ended: str) -> str:
    """``late``'s words for a request's own reads of the graph (``Waited.reads``)."""
    if not waited:
        return (f"this request's reads of the graph {_NOT_A_QUERY} ran past its {limit:g} s "
                f"time limit and the one running {ended}; try again when the server is less "
                "busy, or ask its operator for a longer time limit (--timeout)")
    if waited >= limit:
        past, ran = f", past the {limit:g} s time limit (which counts from when a request " \
            "comes)", "for the moment of grace left"
    else:
        past, ran = "", f"for the rest of the {limit:g} s time limit (which counts from when " \
            "a request comes)"
    return (f"this request {waited_for(waited)}{past}, then its reads of the graph "
            f"{_NOT_A_QUERY} ran {ran} and the one running {ended}; {wait_advice(waited)}")


# Why the engine was stopped (``client.ProcessEngine._kill``'s reasons), as a request that
# waited for its restart is told.
_STOPPED = {"time": "another query was stopped at its time limit, and the engine with it",
            "memory": "another query was stopped past the memory limit, and the engine with it",
            "crash": "the engine failed",
            "interrupted": "a query was interrupted (Ctrl-C), and the engine with it",
            "replaced": "the server went on to a newer build, and the old one's engine ended"}


def _late_resent(limit: float, waited: float, ended: str, resent: tuple[str, float]) -> str:
    """``late``'s words for a query sent again after an engine was stopped under it: it was
    told "the query ran longer than the 4 s limit ...; narrow it or add a LIMIT", where it
    had run 2.0 s when another query's kill stopped it, and alone it took 3.1 s."""
    reason, ran = resent
    why = _STOPPED.get(reason, f"it was stopped ({reason})")
    what = "this request's read of the graph " + _NOT_A_QUERY \
        if getattr(waited, "reads", False) else "the query"
    first = f"{what} {waited_for(waited)}, then ran" if waited else f"{what} ran"
    return (f"{first} {ran:.1f} s until the engine answering it was stopped ({why}), was "
            f"sent again to a new engine and ran there for the rest of the {limit:g} s time "
            f"limit (which counts from when a request comes), and {ended}; "
            f"{wait_advice(waited) if waited else 'try again when the server is less busy'}")


def over_memory(limit: int, running: int, reads: bool = False) -> str:
    """Return why the longest running of the ``running`` queries was stopped when the engine
    grew past ``limit`` bytes.  Which query grew it cannot be told (they share one process):
    the longest running is taken (a query that fills memory runs long), and beside others
    it may be the wrong one: a COUNT over a cross product, taking no memory, was told "the
    query needed more memory than the 200 MiB limit", of an ORDER BY sent a second after it.
    A request's own ``reads`` (``Waited.reads``: a page, a download) are no query its client
    wrote: a GET /dataset stopped so was told to narrow its query or add a LIMIT."""
    mib = limit >> 20
    what = f"this request's reads of the graph {_NOT_A_QUERY}" if reads else "this query"
    if running == 1:
        if reads:
            return (f"{what} needed more memory than the {mib} MiB limit and were stopped; "
                    "ask the server's operator for a larger limit (--query-memory)")
        return f"the query needed more memory than the {mib} MiB limit and was stopped; " \
            "narrow it or add a LIMIT"
    others = "another" if running == 2 else f"{running - 1} others"
    narrow = "ask the server's operator for a larger limit (--query-memory)" if reads \
        else "narrow it or add a LIMIT"
    these, were, need = ("they", "were", "they need") if reads else ("this one", "was", "it needs")
    return (f"the engine grew past the {mib} MiB memory limit while {what} and {others} "
            f"ran, and {these}, running the longest (the likeliest cause: a query that fills "
            f"memory runs long), {were} stopped with it; {narrow}, or, if {need} little "
            "memory, try again when the server is less busy")


def no_connection(workers: int, restart: str | None,
                  resent: tuple[str, float] | None = None) -> str:
    """Return the 503 of a call that found none of the engine's ``workers`` connections free
    by its deadline: all busy, or, ``restart`` saying why it was stopped, the engine being
    started again.  A request that held its query slot through a restart was told the slots
    "stayed busy for the whole time limit", of a wait for no query but the new engine.  One
    to be sent again (``resent``: why its engine was stopped under it, and when) was told
    "nothing was sent to it", where it had run there until the kill."""
    if resent is not None:
        reason, ran = resent
        why = _STOPPED.get(reason, f"it was stopped ({reason})")
        return (f"the engine answering this request was stopped after it had run {ran:.1f} s "
                f"there ({why}), and was being started again for the rest of the request's "
                "time limit, so it was not sent again; try again in a moment")
    if not restart:
        return f"all {workers} query slots stayed busy for the whole time limit; try again later"
    why = _STOPPED.get(restart, f"it was stopped ({restart})")
    return (f"the query engine was being started again ({why}) for the rest of this "
            "request's time limit, and nothing was sent to it; try again in a moment")


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
