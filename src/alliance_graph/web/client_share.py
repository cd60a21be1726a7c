"""Each client's share of the front's threads and of the engine's query slots.

The cap on connections (``connections.py``) bounds what one client address holds open; these
bound what it keeps busy.  Without them one client could stall every other:

- **Requests at once.** A request being answered holds one of ``http_threads`` front threads
  (a query waiting for the engine too).  One address may have at most
  ``Settings.client_requests`` being answered; one more is answered 429 at once.
- **Queries at once.** A query being evaluated holds one of the engine's ``workers`` threads,
  for as long as the time limit.  One address may have at most ``Settings.client_queries``
  evaluated at once (by default all but one of the workers, so that another client always finds
  one); its next query waits for one of its own to end, and is answered 429 if none does
  within the time limit.
- **The engine's slots, shared fairly.** The slots are given here too, not in the order the
  queries came (``fair_queue.py``): a query finding all ``workers`` busy waits, and a slot
  that frees goes to a client holding none before one holding some, then to the one with
  fewest requests at the front (``front``, which the server's dispatcher tells: a flood's
  queries waiting for a front thread are out of this queue's sight).  Clients from several
  addresses, each within its share, kept every slot busy, their queries queued in front of
  anyone else's, and an honest query waited its whole time limit to be refused 503; now it
  takes the first slot to free, about one time limit at worst.  Past its time limit and a
  ``grace`` (the kill that ends a query running late) with no slot, a query is answered 503.
  One whose client reset its connection while it waited is not run (``abandoned.py``).
- **The time limit bounds the request, wait and all.**  A query that waited for a slot then
  ran a whole time limit of its own: behind queries running to the limit its client waited
  two limits for an answer (``serve --workers 2 --timeout 4``: 7.9 s).  Now the limit counts
  from when the request came, read whole and queued for a front thread (``request_came``;
  counted from the call here, its wait for a thread was outside it): ``share`` gives the block the instant its work must end, the
  limit after it came and the grace (at most the limit after the grant), so a client is
  answered within about the limit and the grace however long it waited.  The grace is kept,
  not the bare limit: the slots it waited for are freed by the kill that ends their queries
  at their own limit, a moment after its own began, and a lookup queued behind them would
  find no time left.  A slot found with less than ``LEAST_SECONDS`` left is not taken: the
  query would be killed as it began, and the kill costs every query beside it a second
  evaluation; it is answered the 503 of a slot not found in time.
- **A slot kept for light clients.** Clients from many addresses each asking one slow query
  at a time held every slot as an honest client would hold one, and an honest lookup waited
  a whole time limit.  Given ``light`` seconds, the queue counts each client's recent engine
  time (``fair_queue.py``: from a query's grant to its end, halved every ``half_life``), the
  last free slot goes only to a light client holding none, and the heavy wait behind the
  light: once the flood's queries have run, they hold ``slots`` - 1 slots and a light client
  takes the last at once.  The slot stays free while only heavy clients wait: lent to one,
  it would be held a time limit when a light client comes (nothing stops a query early but
  its time limit: the kill of the engine, which costs every query running beside it).
- **A client crashing the engine.** A query that crashes the engine (pyoxigraph aborting on
  an ORDER BY) is refused by its exact text once it has crashed two (``engine.crashers``),
  but one address sending variants of it kept an engine starting (72 crashes in 20 s, 24 s of
  CPU, each crash cutting short the queries beside it).  The crashes under a client's queries
  are counted with its use (``fair_queue``'s ``charge``), and past ``fair_queue.CRASHES`` of
  late its queries are refused 429 at once, unrun, until the count is halved below it.

A client is an address: an IPv4 address, or an IPv6 address's /64, the block a single host or
site is given (one machine may take any address in it, and would otherwise be as many clients
as it liked).  Behind a reverse proxy every connection has the proxy's address, and all its
clients would be one: with ``Settings.trusted_proxies`` naming it, the client's address is
taken from the headers the proxy sets (``connections.forwarded``, with waitress's parser)
before these count anything, and those headers are dropped from everyone else's requests,
where they would let a client choose its address.  The proxy must append its peer to X-Forwarded-For (or Forwarded) rather than pass
a client's own on alone: the last address is the one read.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from typing import NamedTuple

from ..engine.calls import CRASH_CAUSE, Waited, crashes_under
from ..engine.request_time import LEAST_SECONDS
from ..query.refused import Refused
from ..settings import PROXY_HEADERS
from . import abandoned
from .fair_queue import FairQueue
from .retry_after import seconds

# The seconds the current thread has waited for a slot another client held (``slot_waited``),
# and when the request it answers came (``request_came``).
_slot_waits = threading.local()
_came = threading.local()
# Said with a 429: a server behind a proxy it was not told of counts all its clients as one.
PROXY_HINT = " (behind a reverse proxy, name it with --trusted-proxy, or raise --{}-per-client)"


def proxy_address(value: str) -> str:
    """Return ``value`` as the address a connection from it reports (``::1``, not
    ``0:0::1``); raise ValueError unless it is one IP address.  Names and waitress's ``*``
    (trust everyone) are refused: with them a client could name itself anyone."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address: name the reverse proxy by the "
                         "address its connections come from (127.0.0.1, ::1, 10.0.0.2)") \
            from None


def trusted_proxies(proxies, headers: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the reverse proxies' addresses (none: no proxy) and the headers trusted from
    them (waitress's names), for ``proxies`` and ``headers`` (a key of ``PROXY_HEADERS``);
    raise ValueError for an address or the headers wrong."""
    if headers not in PROXY_HEADERS:
        raise ValueError(f"unknown proxy headers {headers!r}: one of "
                         f"{', '.join(PROXY_HEADERS)}")
    return frozenset(map(proxy_address, proxies)), frozenset(PROXY_HEADERS[headers])


def client_of(address: str | None) -> str | None:
    """Return the client an address stands for: an IPv4 address itself (an IPv4-mapped IPv6
    one too), an IPv6 address its /64."""
    if not address or ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address.split("%", 1)[0])  # "%eth0": a link-local's zone
    except ValueError:
        return address
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))


class Held(NamedTuple):
    """What ``Shares.share`` gives its block: when its work must end (``time.monotonic``)
    and, when its wait cut that (it waited longer than the grace), the seconds it waited
    (else 0.0), with how many of them its client's own share held it and how many it spent
    before it asked, waiting for a front thread (``calls.Waited``)."""

    deadline: float
    waited: float


class Shares:
    """What each client holds of one resource, at most ``limit`` each and, with ``slots``,
    ``slots`` in all (the engine's threads), given to the waiters in ``fair_queue``'s order:
    a client holding none before one holding some."""

    def __init__(self, limit: int, what: str, slots: int | None = None, grace: float = 0.0,
                 light: float | None = None, half_life: float = 300.0):
        self.limit = limit
        self.what = what   # "requests being answered", "queries running"
        self.slots = slots
        # How much longer than for its own share a waiter waits for one of the ``slots``: a
        # slot in use is given back by its holder's time limit and the kill that ends it.
        self.grace = grace
        # With ``slots``, recent use counted (``light`` seconds make a client heavy) and the
        # last free slot kept for a light client, unless it is the only one.
        self.queue = FairQueue(light if slots else None, half_life)
        self.reserve = 1 if slots and slots > 1 and self.queue.light_seconds else 0
        self.changed = threading.Condition()
        # How many requests a client has at the front (``dispatch.FairDispatcher.asks``),
        # once the server has one: a flood's queries waiting for a thread rank it behind a
        # client asking one thing at a time.
        self.front: Callable[[str | None], int] | None = None
        self.closed = False  # the server is shutting down: nobody waits for a share any more

    @property
    def held(self) -> Counter:
        """Return how many each client holds now."""
        return self.queue.held

    def load(self) -> dict[str, int]:
        """Return how many shares are held now and how many requests wait for one."""
        with self.changed:
            return {"held": self.queue.in_use, "waiting": len(self.queue)}

    def crashers(self) -> int:
        """Return how many clients are refused now for crashing the engine (``fair_queue``)."""
        with self.changed:
            return self.queue.crashers()

    def _below_limit(self, client) -> bool:
        return self.queue.held[client] < self.limit

    @contextmanager
    def share(self, client: str | None, wait: float = 0.0, hint: str = ""):
        """Hold one of ``client``'s shares for the ``with`` block, which is given a ``Held``:
        when its work must end (``wait`` seconds after the grant, at most ``wait`` and
        ``grace`` after the request came: ``request_came``, else the call) and how long it
        waited.  Wait up to ``wait`` seconds from then for one of its own to be released,
        then raise Refused (429); up to ``wait`` and ``grace`` for one of the ``slots`` (less
        ``LEAST_SECONDS``: left to run), then raise Refused (503), as with ``slots`` when its
        wait for a front thread left less than that.  Raise ``abandoned.Abandoned`` if, once it has waited, the client of
        the request this thread answers has reset its connection."""
        called = time.monotonic()
        # From when the request came, its wait for a front thread included (``request_came``).
        started = min(called, getattr(_came, "at", None) or called)
        ends = started + wait + self.grace
        waited = False
        own = 0.0  # of it, the seconds its client's own share held it (not the slots)
        with self.changed:
            if self.slots is not None:
                self._refuse_crasher(client)
            waiter = self.queue.join(client)
            try:
                while not self._may_go(waiter):
                    if self.closed:
                        raise Refused(503, "the server is shutting down; try again later",
                                      cause="shutting down")
                    now = time.monotonic()
                    below = self._below_limit(client)
                    if not below:
                        left = started + wait - now
                        if left <= 0:
                            # One of its own ends soon: a request's at once, a query's (it
                            # waited its whole limit for one) within the grace.
                            raise Refused(429, f"this client already has its share of "
                                               f"{self.what} at once ({self.limit}); wait for "
                                               f"one to end{hint}", retry=self.grace,
                                          cause=f"its share of {self.what}")
                    else:
                        left = started + wait + self.grace - now
                        if left <= 0:
                            raise Refused(503, self._busy(client, called - started),
                                          cause="query slots busy")
                        # A heavy client may grow light while it waits, nothing else changing:
                        # it looks again then, for the slot kept for the light.
                        if lighter := self.queue.light_in(client):
                            left = min(left, lighter + 0.01)
                    self.changed.wait(left)
                    if below and self.slots is not None:  # for a slot, not one of its own
                        _slot_waits.seconds = slot_waited() + time.monotonic() - now
                    elif not below:  # its 503 says which it waited for (``calls.Waited``)
                        own += time.monotonic() - now
                    waited = True
                if self.slots is not None and ends - time.monotonic() < LEAST_SECONDS:
                    # No time left to run: its wait here, or for a front thread, took it.
                    raise Refused(503, self._busy(client, called - started) if waited
                                  else self._late(called - started, wait),
                                  cause="query slots busy" if waited else "front threads busy")
                if waited:
                    # Its client may have reset the connection meanwhile: nobody would read
                    # the answer (``abandoned``), and the slot goes to the next waiter.
                    abandoned.check()
            except BaseException:
                self.queue.leave(waiter)
                self.changed.notify_all()  # the waiter after it may be the first now
                raise
            self.queue.grant(waiter)
            self.changed.notify_all()  # the waiter after it may go too, to another slot
        now = time.monotonic()
        crashes_under(reset=True)  # those under this block's calls are its client's
        try:
            yield Held(min(now + wait, ends),
                       Waited(now - started, own, front=called - started)
                       if ends < now + wait else 0.0)
        finally:
            with self.changed:
                self.queue.release(client, waiter.granted)
                if self.slots is not None:
                    self.queue.charge(client, crashes_under(reset=True))
                self.changed.notify_all()

    def close(self) -> None:
        """Refuse the waiters 503 at once, and any that come: the server is shutting down,
        and its threads waited a time limit and a grace for a slot (SIGTERM with queries
        queued: 5.3 s, the most waitress waits for its threads, then it left them)."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def _may_go(self, waiter) -> bool:
        """Return whether ``waiter`` takes a share now: its client is below its limit and no
        waiter of its own goes before it; with ``slots``, a slot is free and no waiter of any
        client goes before it."""
        if self.slots is None:
            return self._below_limit(waiter.client) \
                and self.queue.waiting[waiter.client][0] is waiter
        free = self.slots - self.queue.in_use
        if free <= 0:
            return False
        may = self._below_limit if free > self.reserve else self._may_take_kept
        return self.queue.first(may, self.front) is waiter

    def _refuse_crasher(self, client) -> None:
        """Raise Refused (429) if the engines that crashed under ``client``'s queries of late
        are ``fair_queue.CRASHES`` or more: each cost a new engine's start, and cut short
        the queries beside it."""
        crashes, left = self.queue.crashed_in(client)
        if left:
            # Its Retry-After is the wait it states, as that rounds it (up: never too soon).
            raise Refused(429, f"this client's queries crashed the query engine {crashes:.1f} "
                               f"times of late (each crash stops the queries beside it and "
                               f"costs the server a new engine), so its queries are refused "
                               f"for {seconds(left)} s more, unrun: a fault of the engine on "
                               f"such queries ({CRASH_CAUSE})", retry=left,
                          cause="its queries crashed the engine")

    def _may_take_kept(self, client) -> bool:
        """Return whether ``client`` may take the slot kept for the light: it is light and
        holds none (a light client's second query would take it for as long as the first)."""
        return not self.queue.held[client] and self.queue.light(client)

    def _busy(self, client, front: float = 0.0) -> str:
        """Return the 503 of a query that found no slot within its time limit and grace,
        after waiting ``front`` seconds for a front thread."""
        after = f" (after {front:.1f} s waiting for a thread of the server's front)" \
            if front >= 0.05 else ""
        if self.reserve and not self._may_take_kept(client):
            return (f"all {self.slots - self.reserve} query slots open to this client stayed "
                    f"busy for the whole time limit{after} (the last is kept for clients "
                    "with no query running whose recent queries took little time); try "
                    "again later")
        return f"all {self.slots} query slots stayed busy for the whole time limit{after}; " \
            "try again later"

    @staticmethod
    def _late(front: float, limit: float) -> str:
        """Return the 503 of a request whose wait for a front thread took its time limit."""
        return (f"this request waited {front:.1f} s for a thread of the server's front (each "
                f"was answering another request), past its {limit:g} s time limit (which "
                "counts from when a request comes); try again when the server is less busy")


def request_came(at: float | None) -> None:
    """Say when (``time.monotonic``) the request this thread is to answer came, read whole
    and queued for a thread (``dispatch.FairDispatcher``): its time limit counts from then.
    Counted from when the query asked for a slot, a query that waited some 4 s for a front
    thread then ran a whole limit of its own (``serve --timeout 4``, every thread busy with
    a flood of heavy queries: answered 8.0 s after it was sent, 5.1 s now)."""
    _came.at = at


def slot_waited(reset: bool = False) -> float:
    """Return the seconds this thread has waited for slots that other clients held, since
    the last reset (``reset``: now).  The front counts a request's use of its thread without
    them (``dispatch.FairDispatcher``): a lookup kept waiting by a flood is not made heavy."""
    seconds = getattr(_slot_waits, "seconds", 0.0)
    if reset:
        _slot_waits.seconds = 0.0
    return seconds


def proxy_hint(what: str, proxied: bool) -> str:
    """Return what a 429 adds about ``what`` ("requests", "queries"): behind a proxy nobody
    named, every client is one; behind the trusted one, the client is its own."""
    return "" if proxied else PROXY_HINT.format(what)


def requests_shared(application, shares: Shares, refuse, proxied: bool = False):
    """Return ``application`` answering at most ``shares.limit`` requests per client address at
    once; past that, ``refuse(Refused)`` gives the WSGI answer (a 429).  ``proxied``: a
    trusted reverse proxy names the clients."""
    hint = proxy_hint("requests", proxied)

    def bounded(environ, start_response):
        try:
            with shares.share(client_of(environ.get("REMOTE_ADDR")), hint=hint):
                # Counted until the app returns its body, which the server then writes: all
                # but a static file's are whole by then, so the write is all that is uncounted.
                return application(environ, start_response)
        except Refused as exc:
            return refuse(exc, start_response)
    return bounded
