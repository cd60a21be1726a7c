"""The front's side of the engine: start it, hand it queries, hold it to its limits, restart it.

``ProcessEngine`` starts ``worker.py`` with ``settings.workers`` socket pairs (so that many queries
run at once, on the engine's threads, over its one store) and lends a connection to each call.

- **Time.** A call waits for its answer; a watcher that looks every ``engine_poll`` seconds
  kills the engine (the only way to stop an Oxigraph query) once a call is past its deadline,
  and that call is answered 503.
- **Memory.** A watcher reads the engine's resident memory every ``engine_poll`` seconds; past
  its size at start plus ``query_memory``, the engine is killed and the oldest query running
  (the likeliest cause: a query that fills memory runs long) is answered 503.
- **Everyone else.** The other queries running in the killed engine did nothing wrong: each is
  sent once more to the new engine, which a background thread starts at once.  A query in
  flight when the engine dies twice is answered 503 rather than tried a third time.
- **Failures.** An engine that exits or is stopped (SIGSTOP: it held every query for its time
  limit, each then blamed for it) is replaced at the watcher's next look, as the standby
  engine is when it exits or stops while idle (else it took over dead, or stopped).
- **New builds.** Every ``follow_poll`` seconds a thread looks for a newer build in the store
  (``load`` made one): an engine is started on it and takes over, and the one it replaces
  finishes the queries it is answering, each within its time limit, then stops.  One engine
  retires at a time: a build made meanwhile stops it, its queries sent once to the newest
  (``builds.py``).

``graph.EngineGraph`` answers ``KnowledgeGraph``'s read calls through the engine.
"""

from __future__ import annotations

import os
import queue
import socket
import sys
import threading
import time
from collections import Counter

from ..proc import rss_bytes
from ..query.dataset import Dataset
from ..query.refused import Refused
from ..query.results import GRAPH_FORMATS, RESULT_FORMATS, Format
from ..settings import Settings
from ..store.errors import StoreError
from . import wire
from .builds import FollowsBuilds
from .calls import Call, blame_late, interrupted, no_connection, over_memory, refuse_if_forked
from .crashers import Crashers
from .graph import EngineGraph, isolated_graph  # noqa: F401 - engine.client's, as ever
from .instance import Instance, let_go_when_forked, start
from .wire import EngineError


class ProcessEngine(FollowsBuilds):
    """A supervised engine process and the connections lent to callers."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = threading.Condition()
        self.pool: queue.Queue = queue.Queue()
        self.calls: set[Call] = set()
        self.crashers = Crashers()  # requests that crashed it alone, not run again
        self.counters: Counter = Counter()   # restarts, and why: time, memory, crash
        self.generation = 0
        self.restarting: str | bool = False  # no engine until one is started: why it stopped
        self.closed = False
        self.standby: Instance | None = None
        self.retiring: Instance | None = None  # replaced by a newer build, ending its queries
        self.replenishing = False  # a _replenish thread is running (one at a time)
        self.following = False     # a _follow thread is switching to a newer build
        self.unopened = None       # a build no engine could open: not tried again every second
        self.unstarted = None      # why the last start of an engine failed, until one starts
        self.next_start = 0.0      # when ``_replenish`` tries again, after a start failed
        self.owner = os.getpid()   # a forked child shares the sockets but not the engine
        self._install(self._spawn())
        let_go_when_forked(self)
        self.kg = EngineGraph(self)
        threading.Thread(target=self._watch, name="engine-watch", daemon=True).start()
        if settings.follow_poll:
            threading.Thread(target=self._look_for_builds, name="engine-builds",
                             daemon=True).start()
        if self.keeps_standby:
            self._replenish_in_background()

    # --- lifecycle ------------------------------------------------------------------------

    def _spawn(self) -> Instance:
        return start(self.settings)

    def _install(self, instance: Instance) -> None:
        """Make ``instance`` the engine that answers, lending out its connections."""
        with self.lock:
            if self.closed:  # closed while this engine was starting: it serves nobody
                instance.stop()
                return
            self._activate(instance)

    def _activate(self, instance: Instance) -> None:
        # Called with the lock held.
        self.active, self.info = instance, instance.info
        # A standby costs a second copy of what the engine holds: kept when that is small (a
        # store on disk or remote keeps its pages out of it), judged again for each build.
        self.keeps_standby = instance.info["rss"] <= self.settings.standby_engine_bytes
        for sock in instance.connections:
            self.pool.put((self.generation, sock))
        self.restarting = False
        self.lock.notify_all()

    def _kill(self, generation: int, reason: str, engine: Instance | None = None) -> None:
        """Kill the engine of ``generation`` (once); the standby takes over at once if there is
        one, else a new engine is started in the background.  The ``engine`` a newer build
        replaced, dead under a call, was a crash nobody counted: it is one (``_retire`` ends it)."""
        with self.lock:
            if engine is not None and engine is self.retiring and not engine.alive():
                self.retiring, self.counters["crash"] = None, self.counters["crash"] + 1
                Call.cut_short(self.calls, generation, "crash")
            if generation != self.generation or self.closed:
                return
            # Swapped in under the lock, in one step: the watcher must never see the killed
            # engine as the one answering (it would take its death for a crash).
            self.generation += 1
            self.counters[reason] += 1
            Call.cut_short(self.calls, generation, reason)  # each, sent again, is told why
            killed, standby, self.standby = self.active, self.standby, None
            dead = None
            if standby is not None and not standby.alive():  # it died or stopped, idle
                self.counters["crash"] += 1
                dead, standby = standby, None
            if standby is not None:
                self.active, self.info = standby, standby.info
                for sock in standby.connections:
                    self.pool.put((self.generation, sock))
                self.counters["restarts"] += 1
            self.restarting = reason if standby is None else False
            self.lock.notify_all()
        # Before the stops: a second Ctrl-C in their waits left no engine starting, for good.
        self._replenish_in_background()
        for instance in (killed, dead):
            if instance is not None:
                instance.stop()

    def _replenish_in_background(self) -> None:
        """Start ``_replenish`` unless it is running already.

        One at a time: two would each install an engine when a second kill came while the
        first restart was under way, and the engine replaced, no longer referenced, would
        close its connections under the callers using them."""
        with self.lock:
            if self.replenishing:
                return
            self.replenishing = True
        threading.Thread(target=self._replenish, name="engine-replenish", daemon=True).start()

    def _replenish(self) -> None:
        """Start engines until there is one answering and, if kept, one standing by.  What an
        engine is for is decided when it is ready, since a kill may have come meanwhile."""
        pause = 0.5  # doubled at each failure up to 30 s: a broken build was tried every second
        while True:
            with self.lock:
                if self.closed or not (self.restarting
                                       or (self.keeps_standby and self.standby is None)):
                    self.replenishing = False
                    return
            try:
                instance = self._spawn()
            except StoreError as exc:
                self.unstarted = str(exc)
                pause = min(30.0, pause * 2)
                self.next_start = time.monotonic() + pause
                if not self.settings.caller_engine:  # a server's log; a graph's caller is
                    # told at its next query (``unstarted``), not in a notebook's every cell
                    print(f"alliance-graph: {exc}; trying again in {pause:g} s", file=sys.stderr)
                time.sleep(pause)
                continue
            with self.lock:
                spare = self.closed or not (self.restarting or self.keeps_standby
                                            and self.standby is None)
                self.unstarted = None
                if not spare and self.restarting:
                    self._activate(instance)
                    self.counters["restarts"] += 1
                elif not spare:
                    self.standby = instance
            if spare:
                instance.stop()

    def _watch(self) -> None:
        # Time, memory, and deaths nobody caused: polled, since Oxigraph gives no hook inside a
        # query (and a socket timeout per call costs a system call per read besides).
        while not self.closed:
            time.sleep(self.settings.engine_poll)
            with self.lock:
                if self.restarting:
                    continue
                active, generation = self.active, self.generation
                running = [c for c in self.calls if c.generation == generation]
                standby = self.standby
            if standby is not None and not standby.alive():
                self._drop_standby(standby)
            now = time.monotonic()
            late = [c for c in running if now > c.deadline]
            if not active.alive():
                self._kill(generation, "crash")
            elif late:
                blame_late(late)
                self._kill(generation, "time")
            elif rss_bytes(active.process.pid) - active.info["rss"] > self.settings.query_memory:
                if running:
                    longest = min(running, key=lambda c: c.started)
                    longest.blamed = over_memory(self.settings.query_memory, len(running),
                                                 getattr(longest.waited, "reads", False))
                    longest.its_own = len(running) == 1
                self._kill(generation, "memory")

    def _drop_standby(self, standby: Instance) -> None:
        """Stop a standby that died or was stopped while idle, and start another: taking over,
        it would have failed the queries sent to it a second time, or held them."""
        with self.lock:
            if self.standby is not standby:
                return
            self.standby = None
            self.counters["crash"] += 1
        standby.stop()
        self._replenish_in_background()

    def wait_ready(self, timeout: float) -> bool:
        """Wait until no restart is under way; return False if one still is after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.restarting and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return not self.restarting

    def close(self) -> None:
        """Stop the engines (each exits when its control connection closes) if they are ours."""
        if os.getpid() != self.owner:
            return
        with self.lock:
            # An engine still starting stops itself when it finds this set (_install, _replenish).
            self.closed = True
            active, standby, self.standby = self.active, self.standby, None
            retiring, self.retiring = self.retiring, None
        for instance in (active, standby, retiring):
            if instance is not None:
                instance.stop(gently=True)
        while not self.pool.empty():
            self.pool.get_nowait()[1].close()

    # --- calls ----------------------------------------------------------------------------

    def _acquire(self, deadline: float, resent=None) -> tuple[int, socket.socket]:
        refuse_if_forked(self.owner)
        restart = None  # why the engine was stopped, if it was being restarted meanwhile
        while True:
            if self.closed:
                raise EngineError(503, "the query engine was closed: load the graph again")
            if self.restarting and self.unstarted:  # said at once, not past the time limit
                # Its Retry-After: the next start's try (the pause doubles up to 30 s).
                raise EngineError(503, "the query engine stopped and could not be started "
                                       f"again ({self.unstarted}); it is being started "
                                       "again in the background: try the query again later",
                                  retry=self.next_start - time.monotonic())
            restart = self.restarting or restart
            if (left := deadline - time.monotonic()) <= 0:
                raise EngineError(503, no_connection(self.settings.workers, restart, resent))
            try:
                generation, sock = self.pool.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if generation == self.generation:
                return generation, sock
            sock.close()  # a connection to an engine that was killed

    def call(self, header: dict, body: bytes = b"", timeout: float | None = None,
             spool: bool = False, deadline: float | None = None, waited: float = 0.0):
        """Send one request; return the reply ``(header, body)`` or raise EngineError.  With
        ``spool``, a large body comes as ``wire.Spooled`` (``wire.receive``).  Held to ``timeout``
        or its request's ``deadline``, ``waited`` s of it spent on a wait (``request_time``)."""
        limit = self.settings.query_timeout if timeout is None else timeout
        if deadline is None:  # no request's end time: all of the limit, from now
            deadline, waited = time.monotonic() + limit, 0.0
        resent, done, alone = None, False, []  # why stopped under it; per dead engine: alone?
        self.crashers.refuse(self.info.get("version"), header, body)
        for attempt in (1, 2):
            try:
                generation, sock = self._acquire(deadline, resent)
            except KeyboardInterrupt:
                raise interrupted(header.get("op"), sent=False) from None
            call = Call(time.monotonic(), deadline, limit, generation, None, waited, None, resent)
            with self.lock:
                call.engine = self.active if generation == self.generation else None
                self.calls.add(call)
            try:
                # Blocking: past the deadline the watcher kills the engine, which ends this wait.
                wire.send(sock, header, body)
                reply = wire.receive(sock, spool)
                done = True
                return reply
            except KeyboardInterrupt:
                # The caller gave up (Ctrl-C): its query would hold an engine thread; kill it.
                try:
                    self._kill(generation, "interrupted")
                finally:  # a second Ctrl-C within says no more than the first
                    raise interrupted(header.get("op"), sent=True) from None
            except wire.SpoolFailed as exc:
                # The front's disk, not the engine: its connection (mid-message) closed, it kept.
                raise EngineError(503, exc.said()) from exc
            except (wire.Closed, OSError) as exc:
                if call.blamed:
                    raise EngineError(503, call.blamed, again=not call.its_own) from exc
                self._kill(generation, "crash", call.engine)  # no-op: killed for another
                with self.lock:  # once it is stopped, and its exit read; its client charged
                    alone.append(call.note_crash(self.calls))
                if attempt == 2:  # never a third try: two engines died under it
                    self.crashers.note(all(alone), self.info.get("version"), header, body)
                    raise call.stopped_twice(all(alone)) from exc
                resent = call.resent_after(time.monotonic())
            finally:
                with self.lock:
                    self.calls.discard(call)
                    # Locked: close() empties the pool once closed; one ending later closes its own.
                    kept = done and generation == self.generation and not self.closed
                    if kept:
                        self.pool.put((generation, sock))
                if not kept:
                    sock.close()
        raise AssertionError("unreachable")

    def answer(self, text: str, dataset: Dataset, formats: list[Format],
               prefixes: dict | None, deadline: float | None = None,
               waited: float = 0.0) -> tuple[bytes | wire.Spooled, Format]:
        """Answer a protocol query in the first of ``formats`` that carries it
        (``query.answer.answer`` in the engine), by ``deadline`` if ``waited`` (``call``);
        raise Refused.  A large answer comes in a temporary file (``wire.Spooled``), for the
        HTTP server to send from: the front never holds one whole."""
        header, body = self.call({"op": "answer", "dataset": dataset.to_json(),
                                  "formats": [f.name for f in formats],
                                  "graph_form": formats[0].for_graphs, "prefixes": prefixes,
                                  "max_bytes": self.settings.max_result_bytes},
                                 text.encode(), spool=True, deadline=deadline, waited=waited)
        if header["status"] != 200:
            raise Refused(header["status"], header["message"])
        return body, (GRAPH_FORMATS if header["graph"] else RESULT_FORMATS)[header["format"]]
