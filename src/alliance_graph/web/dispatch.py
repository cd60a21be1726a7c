"""Waitress's threads given fairly across clients, not first come, first served.

With every thread busy, waitress queued requests in the order they arrived: clients from eight
addresses, each within its shares, held all 16 threads with queries waiting for the engine, and
an honest request waited a time limit for a thread before it could wait for the engine (8 s at
``--timeout 4``).  ``FairDispatcher`` gives each free thread to the connection whose client has
fewest requests being answered (``fair_queue.py``), and keeps the last free one for a client
with none whose recent requests took little time (a flood that has kept threads busy is
heavy); ``dispatched_client`` names the client of a connection whose request has arrived,
behind a trusted reverse proxy the one its forwarding headers name.  A request whose client
reset its connection while it waited for a thread is dropped then, unanswered
(``abandoned.answer``).  A request's time limit counts from when it was queued here (read
whole), not from when a thread took it (``client_share.request_came``): a query that waited
some 4 s for a thread then ran a whole limit of its own, its client answered after two.
"""

from __future__ import annotations

from waitress.proxy_headers import MalformedProxyHeader, parse_proxy_headers
from waitress.task import ThreadedTaskDispatcher

from ..settings import Settings
from .abandoned import answer
from .client_share import client_of, request_came, slot_waited
from .fair_queue import FairQueue


class FairDispatcher(ThreadedTaskDispatcher):
    """Waitress's threads, each free one given to the connection whose client has fewest
    requests being answered (``fair_queue.py``), rather than to the one that came first.

    With every thread busy, waitress queued requests first come, first served: clients from
    eight addresses, each within its shares, held all 16 threads with queries waiting for the
    engine, and an honest request waited a time limit for a thread before it could wait for
    the engine (8 s at ``--timeout 4``).  Now a client with no request being answered goes
    first, and the last ``reserve`` free threads are kept for such a client: while fewer
    addresses than threads flood, a newcomer is answered at once or waits in the engine's own
    fair queue, not here.  From as many addresses as threads, each asking one slow query at
    a time, each had none answered when its next came, and took the kept thread: so it is
    kept for a client that is light too, whose requests held threads for under ``light``
    seconds of late (``fair_queue.py``, halved every ``half_life``; 0: every client light),
    not counting their waits for engine slots other clients held (``slot_waited``): a
    flood's queries make it heavy as they run, and a lookup it kept waiting stays light.
    ``client_of_task`` names the client of a connection whose request has arrived
    (``dispatched_client``)."""

    def __init__(self, client_of_task, reserve: int = 1,
                 light: float = Settings.light_seconds,
                 half_life: float = Settings.use_half_life):
        super().__init__()
        self.client_of_task = client_of_task
        self.reserve = reserve
        self.waiting = FairQueue(light, half_life)
        # Called at shutdown, before the threads are waited for: what they wait on inside a
        # request (the engine's slots, ``client_share.Shares.close``) lets them go.
        self.closing: list = []

    def add_task(self, task):
        client = self.client_of_task(task)
        with self.lock:
            self.waiting.join(client, task)
            self.queue_cv.notify()
            depth = len(self.waiting) - (len(self.threads) - self.stop_count - self.active_count)
            if depth > 0:
                self.queue_logger.warning("Task queue depth is %d", depth)

    def asks(self, client) -> int:
        """Return how many requests ``client`` has being answered or waiting for a thread."""
        with self.lock:
            return self.waiting.asks(client)

    def load(self) -> dict[str, int]:
        """Return how many requests are being answered now and how many wait for a thread."""
        with self.lock:
            return {"held": self.waiting.in_use, "waiting": len(self.waiting)}

    def _next(self):
        # Called with the lock held, by a thread counted active: it and the idle ones are free.
        free = len(self.threads) - self.stop_count - self.active_count + 1
        return self.waiting.first(lambda client: free > self.reserve or (
            not self.waiting.held[client] and self.waiting.light(client)))

    def _lighter_in(self) -> float | None:
        # With the lock held: the seconds until a waiting client grows light (and may take
        # the kept thread, nothing else changing), or None.
        return min((t + 0.01 for client in self.waiting.waiting
                    if (t := self.waiting.light_in(client))), default=None)

    def handler_thread(self, thread_no):
        while True:
            with self.lock:
                while self.stop_count == 0 and (waiter := self._next()) is None:
                    self.active_count -= 1
                    self.queue_cv.wait(self._lighter_in())
                    self.active_count += 1
                if self.stop_count > 0:
                    self.active_count -= 1
                    self.stop_count -= 1
                    self.threads.discard(thread_no)
                    self.thread_exit_cv.notify()
                    break
                self.waiting.grant(waiter)
            slot_waited(reset=True)
            # The request's time limit counts from here, its wait for this thread included.
            request_came(waiter.came)
            try:
                # Unless its client reset the connection meanwhile (nobody waits for the
                # answer: its query would have run for nobody).
                answer(waiter.item)
            except BaseException:
                self.logger.exception("Exception when servicing %r", waiter.item)
            finally:
                # Its use of the thread: not the time it waited for engine slots others held.
                with self.lock:
                    self.waiting.release(waiter.client, waiter.granted + slot_waited(reset=True))

    def shutdown(self, cancel_pending=True, timeout=5):
        # Waitress's, then the connections still waiting are cancelled as its were.
        for close in self.closing:
            close()
        stopped = super().shutdown(cancel_pending, timeout)
        if cancel_pending:
            with self.lock:
                for queue in list(self.waiting.waiting.values()):
                    for waiter in list(queue):
                        self.waiting.leave(waiter)
                        waiter.item.cancel()
        return stopped


def dispatched_client(proxies: tuple[frozenset[str], frozenset[str]]):
    """Return the function naming the client of a connection whose request has arrived, for
    ``FairDispatcher``: its address's client (``client_of``), or from a trusted reverse
    proxy the client the forwarding headers of its next request name, read as ``forwarded``
    reads them (the proxy's own address when they are missing or malformed: the app then
    answers such a request 400).

    Waitress queues a connection once its request has arrived whole, so its headers are
    known here, and a trusted proxy's name the client: read by the socket's address alone,
    all of a proxy's clients would be one, served first come, first served among them."""
    addresses, trusted = proxies
    trusted = trusted & {"x-forwarded-for", "forwarded"}

    def client(channel):
        address = channel.addr[0] if isinstance(channel.addr, tuple) else channel.addr
        if address not in addresses or not channel.requests:
            return client_of(address)
        headers = channel.requests[0].headers
        environ = {"REMOTE_ADDR": address}
        for name in ("X_FORWARDED_FOR", "FORWARDED"):
            if name in headers:
                environ["HTTP_" + name] = headers[name]
        try:
            parse_proxy_headers(environ, trusted_proxy_count=1, trusted_proxy_headers=trusted)
        except (MalformedProxyHeader, ValueError, IndexError):
            # Waitress's parser says most malformed headers, but a blank address (for=" ",
            # X-Forwarded-For: " ") is an IndexError of its own: raised here, in the loop
            # reading every connection, it closed the connection unanswered.
            return client_of(address)
        return client_of(environ["REMOTE_ADDR"])
    return client
