"""One engine process, as the front holds it: started, asked whether it can answer, stopped.

``start`` runs ``worker.py`` with ``settings.workers`` socket pairs (one per query running at
once) and a control pair, and returns once the engine says it has opened the store;
``client.ProcessEngine`` decides which instance answers and when one is replaced;
``let_go_when_forked`` has a forked child let go of them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import wording
from ..proc import stat_fields
from ..settings import Settings
from ..store.errors import StoreError
from . import wire

if TYPE_CHECKING:
    from .client import ProcessEngine

# The seconds ``aborted`` waits for a dying engine's exit (its connections close before it).
EXIT_WAIT = 1.0


@dataclass(eq=False)
class Instance:
    """One engine process: its control connection and the connections for queries."""

    process: subprocess.Popen
    control: socket.socket
    connections: list[socket.socket]
    info: dict = field(default_factory=dict)

    def alive(self) -> bool:
        """Return whether the process can answer: not exited, and not stopped (SIGSTOP), which
        held every query sent to it for its time limit and had it blamed for that.  A
        debugger's stop (``t``) is not taken for one: it is brief, or the time limit ends it."""
        if self.process.poll() is not None:
            return False
        fields = stat_fields(self.process.pid)
        if not fields:
            return True  # no /proc to read: only the exit is seen
        return fields[0] not in ("T", "Z", "X")

    def aborted(self) -> bool:
        """Return whether the process ended itself with SIGABRT, as a Rust panic in the engine
        does (pyoxigraph's builds abort on one).  Asked once its connections closed, it may
        not have exited yet: its exit is waited for a moment (read before it, the crash was
        taken for another's kill, not counted to the query's client, nor as alone)."""
        try:
            return self.process.wait(timeout=EXIT_WAIT) == -signal.SIGABRT
        except subprocess.TimeoutExpired:
            return False

    def let_go(self) -> None:
        """Close this process's copies of the engine's sockets, leaving the engine alone (a
        forked child's, which the parent still uses)."""
        for sock in (self.control, *self.connections):
            sock.close()

    def stop(self, gently: bool = False) -> None:
        """End the process (``gently``: let it exit on its own first) and close its sockets."""
        self.control.close()
        try:
            if gently:
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        finally:  # killed, and its sockets closed, even when a second Ctrl-C cuts a wait short
            self.process.kill()
            try:
                self.process.wait()
            finally:
                for sock in self.connections:
                    sock.close()


def let_go_when_forked(engine: ProcessEngine) -> None:
    """Have a child forked from this process (multiprocessing, say) let go of its copies of
    ``engine``'s sockets: used from both processes they crossed answers (the parent read the
    child's rows as its own), and held there they kept an engine the owner closed waiting."""
    reference = weakref.ref(engine)

    def forked():
        # No lock is taken: a thread of the parent, gone in the child, may have held it.
        if (engine := reference()) is not None:
            for instance in (engine.active, engine.standby, engine.retiring):
                if instance is not None:
                    instance.let_go()

    os.register_at_fork(after_in_child=forked)


# glibc reads its tunables from this variable, colon-separated (Settings.engine_huge_pages).
HUGE_PAGES_VARIABLE, HUGE_PAGES_TUNABLE = "GLIBC_TUNABLES", "glibc.malloc.hugetlb"


def environment(settings: Settings, inherited: Mapping[str, str]) -> dict[str, str]:
    """Return the engine process's environment: ``inherited`` with the settings' malloc
    tuning added where the user set none, and the server's wording passed on."""
    env = {"MALLOC_ARENA_MAX": str(settings.engine_malloc_arenas), **inherited}
    tunables = env.get(HUGE_PAGES_VARIABLE, "")
    if settings.engine_huge_pages and HUGE_PAGES_TUNABLE not in tunables:
        env[HUGE_PAGES_VARIABLE] = ":".join(filter(None, [tunables, HUGE_PAGES_TUNABLE + "=1"]))
    env.pop(wording.SPOKEN_VARIABLE, None)
    if wording.spoken() is not None:  # the engine's refusals in its server's words
        env[wording.SPOKEN_VARIABLE] = json.dumps(wording.spoken())
    return env


def start(settings: Settings) -> Instance:
    """Start an engine process and return it once it says it is ready."""
    pairs = [socket.socketpair() for _ in range(settings.workers + 1)]
    theirs = [b.fileno() for _, b in pairs]
    command = [sys.executable, "-m", "alliance_graph.engine.worker",
               json.dumps(settings.to_json()), *map(str, theirs)]
    # A group of its own: a terminal's Ctrl-C, sent to its whole foreground group, reached the
    # engine too, which printed its traceback under the server's or script's own message; its
    # caller stops it (and it ends when its control connection closes).
    process = subprocess.Popen(command, pass_fds=theirs, stdin=subprocess.DEVNULL,
                               env=environment(settings, os.environ), process_group=0)
    for _, b in pairs:
        b.close()
    instance = Instance(process, pairs[0][0], [ours for ours, _ in pairs[1:]])
    instance.control.settimeout(settings.engine_start_timeout)
    try:
        ready, _ = wire.receive(instance.control)
        if not ready.get("ready"):
            raise StoreError(f"the query engine could not open the graph: "
                             f"{ready.get('message')}")
    except BaseException as exc:
        # Ctrl-C too: the engine, left starting, then waited for this caller for as long as
        # the interrupt's traceback was kept (a notebook keeps the last one).
        instance.stop()
        if isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt("starting the query engine was interrupted; it was "
                                    "stopped, and nothing of it runs on") from None
        if isinstance(exc, (OSError, wire.Closed)):
            raise StoreError(f"the query engine did not start: {exc}") from exc
        raise
    instance.control.settimeout(None)
    instance.info = ready
    return instance
