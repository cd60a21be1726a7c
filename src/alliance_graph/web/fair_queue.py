"""Who goes next among the waiters for what several clients share: the client holding least.

Two things the server has a fixed number of are held by one request after another: the
front's threads (one per request being answered, ``dispatch.FairDispatcher``) and the
engine's query slots (one per query being evaluated, ``client_share.Shares``).  Given in the
order the waiters came, clients from a few addresses, each within its share, queued enough
work to hold all of either, and a newcomer waited behind all of it: from two flooding
addresses on, an honest lookup waited its whole time limit and was refused 503 (measured in
docs/endpoint.md, "A flood from many addresses").

So when one frees, it goes to the waiter whose client

1. holds fewest now (a client holding none goes before one holding some),
2. then is light, or among the heavy has used least of late (with ``light``: below),
3. then asks fewest of the front (the engine's queue only: requests being answered or
   waiting for a thread, which ``dispatch.FairDispatcher`` counts; a flood's queries
   queued for a thread are out of the engine queue's sight, yet they are the flood's),
4. then has fewest waiting (one request before a client's queue of many),
5. then was last given one longest ago (a client not served lately before any other),
6. then came first (a client's own waiters go in the order they came).

A client holding none and waiting for one is then served by the first one to free, once
the clients ahead of it by these rules are (the newcomers holding and waiting no more than
it does), however many waiters the others queued.  A client that holds and waits for
nothing is forgotten: the queue is as large as the clients it serves.  The queue does no
locking: its callers hold their own lock around each call.

**Recent use.** By what they hold now, clients from many addresses each asking one slow
query at a time look like an honest client asking one lookup: each holds one unit for a
whole time limit, every unit is held so, and a newcomer waits a time limit for one.  So,
given ``light`` seconds, the queue also counts what each client has used of late: the
seconds from each grant to its release, the sum halved every ``half_life`` seconds.  A
client whose sum is below ``light`` is light (a client never seen is light: nothing tells it
from an honest newcomer); above, heavy, and ranked by its sum among the heavy.  The callers
keep their last free unit for a light client holding none (``light``), so a flood that has
run its queries holds the others and a light client takes that one at once.  The sum is
kept for a client while it is at least a quarter of ``light``: all the units, busy for a
whole half-life, add ``units`` seconds a second, so what is kept is bounded by the units and
the half-life, not by the clients seen (those below are dropped when the table has doubled).

**Crashes.** The engines that crashed under a client's queries (``charge``: a share of each,
``engine.calls.crashes_under``) are counted alike, halved every ``half_life``: a client whose
count is at ``CRASHES`` or more is refused a unit (``crashed_in``) until it falls below.  One
address sending variants of a query that crashes the engine (another variable name, a
comment, a LIMIT), each a text never refused before, crashed 72 engines in 20 s, each a new
engine's start (24 s of CPU); now two such queries (each crashes two engines) and it waits
about two minutes, the next one about four.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable

# How many clients' use is kept before the first look for those that no longer count.
SWEEP_FROM = 1024
# The crashes of late (a share of each: ``charge``) from which a client is refused a unit.
CRASHES = 3.0


class Waiter:
    """One waiter: its client, its place in the order of arrival and when it came, what it
    stands for (a task, or nothing), and once granted, when (``FairQueue.clock``)."""

    __slots__ = ("client", "seq", "item", "came", "granted")

    def __init__(self, client: Hashable, seq: int, item=None, came: float = 0.0):
        self.client, self.seq, self.item, self.came = client, seq, item, came
        self.granted: float | None = None

    def __repr__(self) -> str:
        return f"Waiter({self.client!r}, {self.seq})"


class FairQueue:
    """The waiters for units of one resource, how many units each client holds and, given
    ``light`` seconds (0 or None: not counted, every client light), each client's recent use
    of them, halved every ``half_life`` seconds of ``clock``."""

    def __init__(self, light: float | None = None, half_life: float = 300.0,
                 clock: Callable[[], float] = time.monotonic):
        self.held: Counter = Counter()
        self.in_use = 0  # units held, by all clients
        self.waiting: dict[Hashable, deque[Waiter]] = {}
        self.served: dict[Hashable, int] = {}  # a client's last grant (its number), while known
        self._count = itertools.count()
        self.light_seconds = light or None
        self.half_life = half_life
        self.clock = clock
        # A client's recent use: the seconds it was at, and when; halved each half-life since.
        self.used: dict[Hashable, tuple[float, float]] = {}
        self.crashes: dict[Hashable, tuple[float, float]] = {}  # alike: engines crashed under it
        self._sweep_at = SWEEP_FROM

    def __len__(self) -> int:
        return sum(map(len, self.waiting.values()))

    def join(self, client: Hashable, item=None) -> Waiter:
        """Add a waiter for ``client`` (standing for ``item``) and return it."""
        waiter = Waiter(client, next(self._count), item, self.clock())
        self.waiting.setdefault(client, deque()).append(waiter)
        return waiter

    def leave(self, waiter: Waiter) -> None:
        """Take out a waiter that gave up (one granted is out already)."""
        queue = self.waiting.get(waiter.client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            self._drop_if_done(waiter.client)

    def first(self, may: Callable[[Hashable], bool] | None = None,
              asks: Callable[[Hashable], int] | None = None) -> Waiter | None:
        """Return the waiter that goes next, among the clients ``may`` lets have one more
        (all by default); None if there is none.  ``asks`` counts what a client asks for
        elsewhere, out of this queue's sight (its requests at the front, for the engine's
        queue): the fewer, the sooner, after what it holds here and before what it waits for."""
        best, rank = None, None
        for client, queue in self.waiting.items():
            if may is not None and not may(client):
                continue
            key = (self.held[client], self.heaviness(client),
                   asks(client) if asks is not None else 0, len(queue),
                   self.served.get(client, -1), queue[0].seq)
            if rank is None or key < rank:
                best, rank = queue[0], key
        return best

    def grant(self, waiter: Waiter) -> None:
        """Give ``waiter`` its unit: it stops waiting and its client holds one more."""
        queue = self.waiting[waiter.client]
        queue.remove(waiter)  # the first of its client's, unless a caller chose otherwise
        if not queue:
            del self.waiting[waiter.client]
        self.held[waiter.client] += 1
        self.in_use += 1
        self.served[waiter.client] = next(self._count)
        waiter.granted = self.clock()

    def asks(self, client: Hashable) -> int:
        """Return how many units ``client`` holds and waits for."""
        return self.held[client] + len(self.waiting.get(client, ()))

    def release(self, client: Hashable, granted: float | None = None) -> None:
        """Take back one unit ``client`` holds, given it at ``granted`` (``Waiter.granted``:
        the time since counts in its recent use; None, nothing counts)."""
        self.held[client] -= 1
        self.in_use -= 1
        if self.held[client] <= 0:
            del self.held[client]  # the counter stays as small as the clients now
        self._drop_if_done(client)
        if granted is not None and self.light_seconds:
            now = self.clock()
            self.used[client] = (self.use(client, now) + max(0.0, now - granted), now)
            if len(self.used) > self._sweep_at:
                self._sweep(now)

    def use(self, client: Hashable, now: float | None = None) -> float:
        """Return ``client``'s recent use: seconds, halved each ``half_life`` since."""
        return self._decayed(self.used, client, now)

    def _decayed(self, table: dict, client: Hashable, now: float | None = None) -> float:
        amount, when = table.get(client, (0.0, 0.0))
        if not amount:
            return 0.0
        return amount * 0.5 ** (((self.clock() if now is None else now) - when) / self.half_life)

    def charge(self, client: Hashable, crashes: float) -> None:
        """Count ``crashes`` (engines, or a share of one) that crashed under ``client``'s query."""
        if crashes:
            now = self.clock()
            self.crashes[client] = (self._decayed(self.crashes, client, now) + crashes, now)
            if len(self.crashes) > SWEEP_FROM:  # those below one crash are forgotten
                self.crashes = {c: kept for c, kept in self.crashes.items()
                                if self._decayed(self.crashes, c, now) >= 1}

    def crashed_in(self, client: Hashable) -> tuple[float, float]:
        """Return the engines that crashed under ``client``'s queries of late and the seconds
        until they are fewer than ``CRASHES`` (0.0: they are)."""
        crashes = self._decayed(self.crashes, client)
        if crashes < CRASHES:
            return crashes, 0.0
        return crashes, max(self.half_life * math.log2(crashes / CRASHES), 1.0)

    def crashers(self) -> int:
        """Return how many clients are refused now for the engines their queries crashed."""
        now = self.clock()
        return sum(self._decayed(self.crashes, c, now) >= CRASHES for c in list(self.crashes))

    def light(self, client: Hashable) -> bool:
        """Return whether ``client``'s recent use is below ``light`` (always, uncounted)."""
        return self.light_seconds is None or self.use(client) < self.light_seconds

    def light_in(self, client: Hashable) -> float:
        """Return the seconds until ``client`` is light (0.0 if it is)."""
        if self.light(client):
            return 0.0
        return max(self.half_life * math.log2(self.use(client) / self.light_seconds), 1e-3)

    def heaviness(self, client: Hashable) -> float:
        """Return what ranks ``client`` by recent use: 0.0 if light, else its use."""
        return 0.0 if self.light(client) else self.use(client)

    def _sweep(self, now: float) -> None:
        # Forget the use of the clients that no longer count (it is light, and a fraction of
        # what makes one heavy); look again once the table has doubled.
        floor = self.light_seconds / 4
        self.used = {client: kept for client, kept in self.used.items()
                     if self.use(client, now) >= floor}
        self._sweep_at = max(SWEEP_FROM, 2 * len(self.used))

    def _drop_if_done(self, client: Hashable) -> None:
        if not self.waiting.get(client, True):
            del self.waiting[client]
        if client not in self.held and client not in self.waiting:
            self.served.pop(client, None)
