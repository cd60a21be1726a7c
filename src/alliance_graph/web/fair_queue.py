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
2. then asks fewest of the front (the engine's queue only: requests being answered or
   waiting for a thread, which ``dispatch.FairDispatcher`` counts; a flood's queries
   queued for a thread are out of the engine queue's sight, yet they are the flood's),
3. then has fewest waiting (one request before a client's queue of many),
4. then was last given one longest ago (a client not served lately before any other),
5. then came first (a client's own waiters go in the order they came).

A client holding none and waiting for one is then served by the first one to free, once
the clients ahead of it by these rules are (the newcomers holding and waiting no more than
it does), however many waiters the others queued.  A client that holds and waits for
nothing is forgotten: the queue is as large as the clients it serves.  The queue does no
locking: its callers hold their own lock around each call.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Callable, Hashable


class Waiter:
    """One waiter: its client, when it came, and what it stands for (a task, or nothing)."""

    __slots__ = ("client", "seq", "item")

    def __init__(self, client: Hashable, seq: int, item=None):
        self.client, self.seq, self.item = client, seq, item

    def __repr__(self) -> str:
        return f"Waiter({self.client!r}, {self.seq})"


class FairQueue:
    """The waiters for units of one resource, and how many units each client holds."""

    def __init__(self):
        self.held: Counter = Counter()
        self.in_use = 0  # units held, by all clients
        self.waiting: dict[Hashable, deque[Waiter]] = {}
        self.served: dict[Hashable, int] = {}  # a client's last grant (its number), while known
        self._count = itertools.count()

    def __len__(self) -> int:
        return sum(map(len, self.waiting.values()))

    def join(self, client: Hashable, item=None) -> Waiter:
        """Add a waiter for ``client`` (standing for ``item``) and return it."""
        waiter = Waiter(client, next(self._count), item)
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
            key = (self.held[client], asks(client) if asks is not None else 0, len(queue),
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

    def asks(self, client: Hashable) -> int:
        """Return how many units ``client`` holds and waits for."""
        return self.held[client] + len(self.waiting.get(client, ()))

    def release(self, client: Hashable) -> None:
        """Take back one unit ``client`` holds."""
        self.held[client] -= 1
        self.in_use -= 1
        if self.held[client] <= 0:
            del self.held[client]  # the counter stays as small as the clients now
        self._drop_if_done(client)

    def _drop_if_done(self, client: Hashable) -> None:
        if not self.waiting.get(client, True):
            del self.waiting[client]
        if client not in self.held and client not in self.waiting:
            self.served.pop(client, None)
