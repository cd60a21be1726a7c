"""Enforce the query time limit with one watchdog thread per worker process.

Oxigraph cannot cancel a running query, but it releases the GIL while it works, so a watchdog
thread can still run at the deadline, answer the client and end the worker process (gunicorn
starts a new one).
"""

from __future__ import annotations

import os
import threading
import time


class Watchdog:
    """One thread per process that calls ``on_expire`` if a guarded block outlives its limit.

    Arming and disarming only set two attributes, so a guarded request costs no system call;
    the thread polls every ``tick`` seconds, which bounds how late the limit is enforced.
    """

    def __init__(self, tick: float = 0.05):
        self.tick = tick
        self.lock = threading.Lock()
        self.deadline: float | None = None
        self.on_expire = None
        self.pid = None

    def _start(self):
        # A thread does not survive fork, so each (pre-forked) worker starts its own.
        self.pid = os.getpid()
        threading.Thread(target=self._run, name="query-watchdog", daemon=True).start()

    def _run(self):
        while True:
            time.sleep(self.tick)
            with self.lock:
                if self.deadline is not None and time.monotonic() > self.deadline:
                    # Still holding the lock: the guarded block cannot finish and answer too.
                    self.deadline = None
                    self.on_expire()

    def guard(self, seconds: float, on_expire):
        """Return a context manager that calls ``on_expire`` after ``seconds`` unless it ends."""
        if self.pid != os.getpid():
            self._start()
        return _Armed(self, seconds, on_expire)


class _Armed:
    def __init__(self, dog: Watchdog, seconds: float, on_expire):
        self.dog, self.seconds, self.on_expire = dog, seconds, on_expire

    def __enter__(self):
        self.dog.on_expire = self.on_expire
        self.dog.deadline = time.monotonic() + self.seconds

    def __exit__(self, *exc):
        with self.dog.lock:
            self.dog.deadline = None
        return False
