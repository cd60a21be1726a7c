"""One load at a time: a lock held in the remote store itself.

Each load first takes a lock in the store itself (``LOCK``).  It writes its
claim, then reads every claim back; a claim of another load, seen before or after writing its
own, makes it step back (two loads starting at once both may, and try again after a random
pause).  Reading back, not an ``INSERT ... WHERE { FILTER NOT EXISTS ... }``, decides: under
Oxigraph's "repeatable read" two updates running at once each miss the other's claim, and
Virtuoso inserted a second claim past such a filter.  A load renews its claim while it runs;
one not renewed for ``LOCK_EXPIRY`` seconds (a killed load's) is dropped by the next, and one
whose process is gone from this machine at once: a claim names its process by the kernel's
boot, the process namespace, its id and its start time, which only this machine can check (two
containers may share a host name, never both a boot and a namespace).
"""

from __future__ import annotations

import copy
import os
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import BASE
from ..proc import stat_fields
from .errors import StoreError
from .remote import RemoteStore
from .remote_messages import shown

LOCK = ox.NamedNode(BASE + "load-lock")   # the claims of loads running, one node each
_LOAD = BASE + "load#"                    # their properties
LOCK_EXPIRY = 120.0                       # seconds a claim lasts without being renewed
_RENEW_EVERY = LOCK_EXPIRY / 6
_CLAIM_ATTEMPTS = 5


class Lock:
    """A load's claim on the store (a node in graph LOCK), renewed while the load runs."""

    def __init__(self, remote: RemoteStore, token: str):
        # A store of its own: it is renewed from another thread while the load asks its own.
        self.remote = copy.copy(remote)
        self.claim = ox.NamedNode(f"{LOCK.value}/{token}")
        self.stopped = threading.Event()
        self.renewal = threading.Thread(target=self._renew, daemon=True)

    def check(self) -> None:
        """Raise StoreError unless the claim still holds (a claim unrenewed too long is
        dropped by the next load)."""
        if self.claim not in _claims(self.remote):
            raise StoreError(f"this load's lock on the store was taken over (not renewed for "
                             f"{LOCK_EXPIRY:g} s): the build in use is left as it was; run "
                             "load again")

    def _renew(self) -> None:
        while not self.stopped.wait(_RENEW_EVERY):
            try:
                self.remote.update(
                    f"DELETE {{ GRAPH <{LOCK.value}> {{ <{self.claim.value}> <{_LOAD}renewed> ?t "
                    f"}} }} INSERT {{ GRAPH <{LOCK.value}> {{ <{self.claim.value}> "
                    f"<{_LOAD}renewed> ?now }} }} WHERE {{ GRAPH <{LOCK.value}> {{ "
                    f"<{self.claim.value}> <{_LOAD}renewed> ?t }} BIND(NOW() AS ?now) }}")
            except StoreError:
                pass  # the load's own requests meet the failure; check() sees a claim lost


@contextmanager
def load_lock(remote: RemoteStore, token: str, who: str | None = None) -> Iterator[Lock]:
    """Hold the store's load lock for the block; raise StoreError naming the load that holds
    it (``who``: this process's host and id unless given)."""
    lock = Lock(remote, token)
    try:
        _take(lock.remote, lock.claim, who or f"{socket.gethostname()} pid {os.getpid()}")
        lock.renewal.start()
        yield lock
    finally:  # a claim written, then interrupted, is dropped too
        lock.stopped.set()
        if lock.renewal.ident is not None:
            lock.renewal.join()
        try:
            _release(lock.remote, lock.claim)
        except StoreError:
            pass  # the store failed: the claim expires


def _take(remote: RemoteStore, claim: ox.NamedNode, who: str) -> None:
    process = process_identity(os.getpid())
    named = f" ; <{_LOAD}process> {ox.Literal(process)}" if process else ""
    for attempt in range(_CLAIM_ATTEMPTS):
        if attempt:  # two loads wrote their claims at once and both stepped back
            time.sleep(random.uniform(0.2, 1.5))
        others = _claims(remote)
        if others:
            raise StoreError(_held_by(others))
        remote.update(f"INSERT {{ GRAPH <{LOCK.value}> {{ <{claim.value}> <{_LOAD}by> "
                      f"{ox.Literal(who)} ; <{_LOAD}renewed> ?now{named} }} }} "
                      "WHERE { BIND(NOW() AS ?now) }")
        claims = _claims(remote)
        if claim not in claims:
            raise StoreError("the store did not keep this load's lock: "
                             f"{shown(remote.update_url)} answers updates without making them "
                             "(a page in front of the store?); nothing was changed")
        if len(claims) == 1:
            return
        _release(remote, claim)
    raise StoreError("other loads kept starting at the same moment: run load again, alone")


def _held_by(claims: dict) -> str:
    who, age = min(claims.values(), key=lambda c: c[1] or 0.0)
    renewed = "just" if age is None else f"{age:.0f} s ago"
    return (f"another load is filling this store ({who}; its lock renewed {renewed}): run load "
            f"again when it is done (a lock not renewed for {LOCK_EXPIRY:g} s, a killed "
            "load's, is taken over; at once if it ran on this machine)")


def _claims(remote: RemoteStore) -> dict[ox.NamedNode, tuple[str, float | None]]:
    # Every live claim: who made it and how long ago it was renewed (on the store's clock, so
    # loads on machines whose clocks differ agree); an expired one is dropped.
    rows = remote.select(f"SELECT ?c ?who ?t ?process (NOW() AS ?now) WHERE {{ GRAPH "
                         f"<{LOCK.value}> {{ ?c <{_LOAD}by> ?who OPTIONAL {{ ?c <{_LOAD}renewed> "
                         f"?t }} OPTIONAL {{ ?c <{_LOAD}process> ?process }} }} }}",
                         remote.dataset_params([], [LOCK]))
    ages: dict[ox.NamedNode, tuple[str, float | None]] = {}
    gone = set()
    for r in rows:
        age = None if r["t"] is None else _seconds_between(r["t"].value, r["now"].value)
        known = ages.get(r["c"])
        if known is None or age is None or (known[1] is not None and age < known[1]):
            ages[r["c"]] = (r["who"].value, age)
        if r["process"] is not None and _gone(r["process"].value):
            gone.add(r["c"])
    for claim, (_, age) in list(ages.items()):
        if claim in gone or (age is not None and age > LOCK_EXPIRY):
            _release(remote, claim)
            del ages[claim]
    return ages


def process_identity(pid: int) -> str | None:
    """Return a name for the process ``pid`` that no other process has had on this machine
    since it started (the kernel's boot, the process namespace, the id, the start time), or
    None where ``/proc`` does not say (not Linux, or the process is gone)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    fields = stat_fields(pid)
    if not fields or fields[0] in ("Z", "X"):  # gone, or killed and not yet reaped
        return None
    return f"{boot} {namespace} {pid} {fields[19]}"  # field 22: its start, in ticks since boot


def _gone(process: str) -> bool:
    """Whether a claim's process ran on this machine and no longer runs (a pid taken by
    another process since counts as gone).  A claim from elsewhere is never judged here."""
    fields = process.split(" ")
    ours = process_identity(os.getpid())
    if len(fields) != 4 or ours is None or ours.split(" ")[:2] != fields[:2] \
            or not fields[2].isdigit():
        return False
    return process_identity(int(fields[2])) != process


def _seconds_between(earlier: str, later: str) -> float:
    try:
        # Python reads six digits of a fraction at most (Oxigraph writes nine).
        then, now = (datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", t))
                     for t in (earlier, later))
    except ValueError:
        raise StoreError(f"the store's clock reads {later!r}, not a date and time") from None
    if (then.tzinfo is None) != (now.tzinfo is None):  # Virtuoso's NOW() has no zone
        then, now = then.replace(tzinfo=None), now.replace(tzinfo=None)
    return (now - then).total_seconds()


def _release(remote: RemoteStore, claim: ox.NamedNode) -> None:
    remote.update(f"DELETE WHERE {{ GRAPH <{LOCK.value}> {{ <{claim.value}> ?p ?o }} }}")
