"""Fill a remote store with a build: staged under temporary names, then swapped in at once.

The build's quads (every file graph and graph/inferred, from the N-Quads cache) and
graph/asserted (the union of the file graphs) are first written to staging graphs under
``https://alliance-graph.example/loading/<token>/``, which no query reads.  Only when all of
them are in, and hold as many triples as they should, does one SPARQL Update move them onto
the real names and drop the project's graphs the build no longer has.  A load that fails or is
killed halfway leaves the previous build in use; its leftovers are dropped by the next load
(before it starts, and again when it is done, for a request the store was still running when
its client died).  The swap writes a marker naming the load (``LOADED``), read back after it
with the graphs' triple counts: an update URL answering 200 without updating, or a swap that
did not take, fails the load rather than report success.

One load at a time: each first takes a lock in the store itself (``LOCK``).  It writes its
claim, then reads every claim back; a claim of another load, seen before or after writing its
own, makes it step back (two loads starting at once both may, and try again after a random
pause).  Reading back, not an ``INSERT ... WHERE { FILTER NOT EXISTS ... }``, decides: under
Oxigraph's "repeatable read" two updates running at once each miss the other's claim, and
Virtuoso inserted a second claim past such a filter.  A load renews its claim while it runs;
one not renewed for ``LOCK_EXPIRY`` seconds (a killed load's) is dropped by the next, and one
whose process is gone from this machine at once: a claim names its process by the kernel's
boot, the process namespace, its id and its start time, which only this machine can check (two
containers may share a host name, never both a boot and a namespace).

Blank nodes must stay one node across graphs (a selector, and what was inferred about it), so
each blank node's quads travel in one request document: the whole build as one N-Quads
document to a Graph Store endpoint, or, through SPARQL Update, in batches that never split a
group of quads linked by blank nodes.  Those batches are ``INSERT { } WHERE { }`` templates,
because Virtuoso refuses blank nodes in ``INSERT DATA``; their graph names are variables bound
with ``BIND`` (Virtuoso fails on a template naming several graphs as constants, or bound with
``VALUES``), and they stay small because Virtuoso compiles a request into at most 10 000 lines
of SQL (about 3 000 triples).
"""

from __future__ import annotations

import copy
import hashlib
import os
import random
import re
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import BASE, PREFIX_IRIS
from .errors import StoreError
from .layout import ASSERTED, INFERRED
from .remote import RemoteStore
from .remote_answers import XSD

STAGING = BASE + "loading/"
LOCK = ox.NamedNode(BASE + "load-lock")   # the claims of loads running, one node each
LOADED = ox.NamedNode(BASE + "loaded")    # which load swapped the build in use in
_LOAD = BASE + "load#"                    # their properties
LOCK_EXPIRY = 120.0                       # seconds a claim lasts without being renewed
_RENEW_EVERY = LOCK_EXPIRY / 6
_CLAIM_ATTEMPTS = 5
# Datatypes whose constants Virtuoso changes in a template (see _insert_requests).
_BOUND = {XSD + "decimal", XSD + "duration"}
BATCH_QUADS = 1000


def load(remote: RemoteStore, nquads: Path, batch: int = BATCH_QUADS) -> list[ox.NamedNode]:
    """Replace this project's graphs in ``remote`` with the build in ``nquads``; return the
    graphs it now holds (graph/asserted included)."""
    timeout = max(remote.timeout, remote.load_timeout)
    token = uuid.uuid4().hex[:12]
    try:
        with load_lock(remote, token) as lock:
            return _load_locked(remote, nquads, batch, token, lock, timeout)
    finally:
        remote.forget()


def _load_locked(remote: RemoteStore, nquads: Path, batch: int, token: str, lock: _Lock,
                 timeout: float) -> list[ox.NamedNode]:
    _drop_leftovers(remote, timeout)

    def staged(graph: ox.NamedNode) -> ox.NamedNode:
        return ox.NamedNode(f"{STAGING}{token}/{graph.value[len(PREFIX_IRIS['graph']):]}")

    expected = _expected_counts(nquads)
    try:
        if remote.graph_store_url:
            _post_document(remote, nquads, staged, timeout)
        else:
            for text in _insert_requests(_with_asserted(nquads), staged, batch):
                remote.update(text, timeout)
        _check_counts(remote, {staged(g): n for g, n in expected.items()})
        lock.check()
        stale = [g for g in remote.held_graphs() if g not in expected]
        remote.update(" ;\n".join([f"DROP SILENT GRAPH <{g.value}>" for g in stale] + [
            f"MOVE <{staged(g).value}> TO <{g.value}>" for g in sorted(expected, key=str)]
            + _marker(token, nquads)), timeout)
        # The swap is checked, not trusted: an update URL answering 200 without updating (a
        # login page in front of the store) reported success before, the old build in use.
        _check_marker(remote, token)
        _check_counts(remote, expected, after_swap=True)
        # Once more: a killed load's last request may have landed while this one ran.
        _drop_leftovers(remote, timeout)
    except BaseException:
        _drop_staging(remote, token, timeout)
        raise
    return sorted(expected, key=lambda g: g.value)


def _marker(token: str, nquads: Path) -> list[str]:
    # Written by the swap's own request: read back, it shows the swap was made.
    return [f"DROP SILENT GRAPH <{LOADED.value}>",
            f"INSERT DATA {{ GRAPH <{LOADED.value}> {{ <{LOADED.value}> <{_LOAD}token> "
            f"{ox.Literal(token)} ; <{_LOAD}build> {ox.Literal(nquads.stem)} }} }}"]


def _check_marker(remote: RemoteStore, token: str) -> None:
    held = remote.select(f"ASK {{ GRAPH <{LOADED.value}> {{ <{LOADED.value}> <{_LOAD}token> "
                         f"{ox.Literal(token)} }} }}", remote.dataset_params([], [LOADED]))
    if not bool(held):
        raise StoreError(f"the swap did not take: {remote.update_url} answered the update "
                         "without making it (a page in front of the store?); the build in "
                         "use is left as it was")


def _with_asserted(nquads: Path) -> Iterator[ox.Quad]:
    # Every quad of the build, and each asserted triple once more in graph/asserted.
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        yield q
        if q.graph_name != INFERRED:
            yield ox.Quad(q.subject, q.predicate, q.object, ASSERTED)


def _expected_counts(nquads: Path) -> dict[ox.NamedNode, int]:
    # Triples per graph once loaded; graph/asserted holds each distinct asserted triple once
    # (counted by digest, so memory stays small however big the build).
    counts: Counter = Counter()
    asserted: set[bytes] = set()
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        counts[q.graph_name] += 1
        if q.graph_name != INFERRED:
            triple = f"{q.subject} {q.predicate} {q.object}".encode()
            asserted.add(hashlib.blake2b(triple, digest_size=12).digest())
    if asserted:
        counts[ASSERTED] = len(asserted)
    return dict(counts)


def write_document(nquads: Path, out, rename=lambda graph: graph) -> None:
    """Write the N-Quads document a remote store is filled with to ``out`` (a path or a binary
    stream): the build in ``nquads`` and graph/asserted, each graph named by ``rename`` (for a
    store's own bulk loader as is)."""
    ox.serialize((ox.Quad(q.subject, q.predicate, q.object, rename(q.graph_name))
                  for q in _with_asserted(nquads)),
                 output=str(out) if isinstance(out, Path) else out, format=ox.RdfFormat.N_QUADS)


def _post_document(remote: RemoteStore, nquads: Path, staged, timeout: float) -> None:
    # One N-Quads document, written beside the build cache and removed once sent.
    handle, name = tempfile.mkstemp(prefix=".staged-", suffix=".nq", dir=nquads.parent)
    os.close(handle)
    path = Path(name)
    try:
        write_document(nquads, path, staged)
        remote.post_quads(path, timeout)
    finally:
        path.unlink(missing_ok=True)


def batches(quads: Iterable[ox.Quad], size: int) -> list[list[ox.Quad]]:
    """Split quads into batches of about ``size`` that never part quads sharing a blank node."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    quads = list(quads)
    plain: list[ox.Quad] = []
    linked: list[tuple[ox.Quad, str]] = []
    for q in quads:
        nodes = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        if not nodes:
            plain.append(q)
            continue
        first = root(nodes[0])
        for other in nodes[1:]:
            parent[root(other)] = first
        linked.append((q, nodes[0]))
    groups: dict[str, list[ox.Quad]] = {}
    for q, node in linked:
        groups.setdefault(root(node), []).append(q)
    out: list[list[ox.Quad]] = []
    current: list[ox.Quad] = []
    for group in [*groups.values(), *([q] for q in plain)]:
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out


def _insert_requests(quads: Iterable[ox.Quad], staged, size: int) -> Iterator[str]:
    for batch in batches(quads, size):
        by_graph: dict[ox.NamedNode, list[str]] = {}
        binds: list[str] = []
        for q in batch:
            obj = str(q.object)
            if isinstance(q.object, ox.Literal) and q.object.datatype.value in _BOUND:
                # Virtuoso reads these constants in a template as SQL numbers (an integral
                # decimal comes back an integer, a duration fails); built with STRDT they keep
                # their type.  (STRDT would not do for all: it makes a big integer a decimal.)
                obj = f"?v{len(binds)}"
                binds.append(f"BIND(STRDT({ox.Literal(q.object.value)}, "
                             f"<{q.object.datatype.value}>) AS {obj})")
            by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {obj} .")
        names = list(by_graph)
        template = "\n".join(f"GRAPH ?g{i} {{\n" + "\n".join(by_graph[g]) + "\n}"
                             for i, g in enumerate(names))
        binds += [f"BIND(<{staged(g).value}> AS ?g{i})" for i, g in enumerate(names)]
        yield f"INSERT {{\n{template}\n}} WHERE {{\n" + "\n".join(binds) + "\n}"


def _check_counts(remote: RemoteStore, expected: dict[ox.NamedNode, int],
                  after_swap: bool = False) -> None:
    # A store that took the request but kept less than was sent must not replace a good build.
    rows = remote.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                         [("named-graph-uri", g.value) for g in expected])
    held = {r["g"]: int(r["n"].value) for r in rows}
    wrong = [f"{g.value}: {held.get(g, 0)}, not {n}" for g, n in expected.items()
             if held.get(g, 0) != n]
    if wrong and after_swap:
        raise StoreError(f"the store does not hold the build after the swap "
                         f"({'; '.join(wrong[:3])}): something else changed it meanwhile? "
                         "Run load again")
    if wrong:
        raise StoreError("the store holds other triple counts than were sent "
                         f"({'; '.join(wrong[:3])}): the build in use is left as it was")


def _drop_leftovers(remote: RemoteStore, timeout: float) -> None:
    # Staging graphs of a load that died: nothing reads them, so drop them before adding more.
    graphs = remote.graphs_under(STAGING)
    if graphs:
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in graphs), timeout)


def _drop_staging(remote: RemoteStore, token: str, timeout: float) -> None:
    try:
        graphs = remote.graphs_under(f"{STAGING}{token}/")
        if graphs:
            remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in graphs), timeout)
    except StoreError:
        pass  # the store itself failed: the next load drops what is left


# -- one load at a time ----------------------------------------------------------------------

class _Lock:
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
def load_lock(remote: RemoteStore, token: str, who: str | None = None) -> Iterator[_Lock]:
    """Hold the store's load lock for the block; raise StoreError naming the load that holds
    it (``who``: this process's host and id unless given)."""
    lock = _Lock(remote, token)
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
            raise StoreError(f"the store did not keep this load's lock: {remote.update_url} "
                             "answers updates without making them (a page in front of the "
                             "store?); nothing was changed")
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
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The 22nd field, the start time in clock ticks since boot; fields are counted after the
    # command name, which is in parentheses and may hold spaces and parentheses itself.
    state, started = (lambda fields: (fields[0], fields[19]))(stat.rsplit(")", 1)[1].split())
    if state in ("Z", "X"):  # killed, not yet reaped by its parent
        return None
    return f"{boot} {namespace} {pid} {started}"


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
