"""Requests nobody waits for: a client that reset its connection while its request waited.

Waitress reads nothing more from a connection while a request of it is pending (the next bytes
may be a pipelined request), so it did not see a client reset one after the request was read:
a client that sent a heavy query and reset the connection still cost a front thread and the
engine's whole run, and clients from many addresses could queue such queries for nobody, each
in turn ahead of an honest one.  Measured with ``bench/reset_burst.py`` (``serve --workers 1
--timeout 3``, one heavy query running, then six clients from six addresses each sending a
heavy query and resetting 0.2 s later): an honest lookup was refused 503 after 4.05 s, and the
engine ran one of theirs to its time limit; with twenty (more than the front's threads), 503
after 7.9 s, two run.  Now it is answered after 2.3-2.4 s (the running query's end), and none
of theirs runs (docs/endpoint.md, "A client that resets while it waits").  So a request that
waited looks at its connection again before the work it waited for:

- when a free thread is given to it (``dispatch.FairDispatcher``, through ``answer``);
- when its query is given an engine slot after waiting for one (``client_share.Shares``,
  through ``check``; a page's read of the engine too, ``app.Service.kg``).

What poll() says of the socket tells, without reading any of its bytes: an error (the reset)
or a hang-up (the connection gone both ways).  A peek (``recv(1, MSG_PEEK)``) would not do:
the bytes still unread before the reset (a pipelined request) come first, and the reset it
raises once they are read is not raised again (the next peek returns b"", as for a FIN).  A
client that half-closed (it sent its request, then ``shutdown(SHUT_WR)``, as ``nc -N`` does:
an orderly FIN) still waits for its answer; to poll that is the end of what it sends, no
hang-up, and it is answered.

A request found abandoned is dropped as waitress drops one whose client it saw go: its
connection is marked disconnected, so that nothing is written to it and it is closed once the
thread is done with it (its share of requests, engine slot and connection given back as a
finished request's are), and it is logged as waitress logs those, "Client disconnected while
serving PATH" (INFO, on the ``waitress`` logger: shown by ``serve --log-level info``, or
where an application embedding the app sets INFO up).  Each drop
is counted too, by what the request waited for (``DROPPED``), and ``GET /status`` says the
counts: an operator sees how many requests were given up, and a test that one was.
"""
from __future__ import annotations

import select
import threading

from waitress.channel import ClientDisconnected, HTTPChannel

_GONE = select.POLLERR | select.POLLHUP | select.POLLNVAL

# The connection whose request this thread is answering (``answer``), for ``check``.
_answering = threading.local()
# Requests dropped since the process started, by what they waited for: a front thread
# (``answer``) or a slot (``check``: an engine slot, a client's share, a validation's).  A
# process serves one server (``serve``).
THREAD, SLOT = "waiting for a thread", "waiting for a slot"
DROPPED = {THREAD: 0, SLOT: 0}
_counting = threading.Lock()


class Abandoned(ClientDisconnected):
    """The client of the request being answered reset its connection while its query waited
    for an engine slot: the query is not run.  Waitress's ``ClientDisconnected``: raised
    through the app, it is logged and the connection closed as any client gone is."""


def reset(channel) -> bool:
    """Return whether ``channel``'s client has reset the connection, or it is gone; read none
    of its bytes (a pipelined request's, the end of a half-closed one's)."""
    if not channel.connected:
        return True
    try:
        fd = channel.socket.fileno()
    except (AttributeError, OSError):  # closed meanwhile by the server's loop
        return True
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, 0)  # no event asked for: an error and a hang-up are said anyway
    return any(events & _GONE for _, events in poller.poll(0))


def disconnect(channel) -> None:
    """Mark ``channel`` gone, as waitress marks one whose client it saw go: its task's writes
    raise ``ClientDisconnected``, and the server's loop closes it once the thread is done."""
    channel.connected = False


def answer(channel) -> None:
    """Answer ``channel``'s next request on this thread, or, if its client reset the
    connection while the request waited for the thread, drop the request unanswered.  (A
    task that is no connection is serviced as waitress services any.)"""
    if not isinstance(channel, HTTPChannel):
        return channel.service()
    if reset(channel):
        if channel.requests:
            channel.logger.info("Client disconnected while serving %s",
                                channel.requests[0].path)
        disconnect(channel)
        _count(THREAD)
        channel.service()  # waitress's, for a channel disconnected: closes, answers nothing
        channel.server.pull_trigger()  # which it leaves to the loop's next turn
        return None
    _answering.channel = channel
    try:
        return channel.service()
    finally:
        _answering.channel = None
        if not channel.connected:  # dropped by ``check``: the loop closes it now
            channel.server.pull_trigger()


def check() -> None:
    """Raise ``Abandoned`` if the client of the request this thread answers reset the
    connection (called as a query is given an engine slot it waited for)."""
    channel = getattr(_answering, "channel", None)
    if channel is not None and reset(channel):
        disconnect(channel)
        _count(SLOT)
        raise Abandoned("the client reset its connection while its query waited for an "
                        "engine slot")


def _count(what: str) -> None:
    with _counting:  # += of a shared int is a read and a write: two threads could lose one
        DROPPED[what] += 1


def dropped() -> dict[str, int]:
    """Return how many requests were dropped, by what they waited for (``DROPPED``)."""
    with _counting:
        return dict(DROPPED)
