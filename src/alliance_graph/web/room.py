"""Room for a newcomer at the connection limit (``connections.Server.make_room``).

With ``connection_limit`` connections open, waitress would stop accepting, and a new client
would wait in the listen backlog until an idle connection timed out or a trickled request
reached its deadline: clients from a few addresses could keep every other out.  Instead the
newcomer takes the place of the connection that has waited longest for its client:

- an **idle** keep-alive connection, closed with no answer, as clients expect of one; so is
  one whose client has sent **only empty lines** (CR LF, which RFC 9112, 2.2, lets a server
  ignore before a request line): it has sent no request, and was told 503 "... while the
  request was still arriving ...; send it again", of a request it never sent;
- a **request still arriving**, its first bytes past those empty lines: answered 503, its
  client told to send it again;
- an **answer its client has left unread** for ``UNREAD_SECONDS``, waiting in waitress:
  reset.

Either of the first two is reset at once if its client, reading nothing, has left its send
buffer full (``stuck``): it would wait to be closed for a buffer that never empties.

A connection whose request is being answered, whose answer its client is reading, or whose
request has arrived and waits to be read (bytes of its client's unread in its socket: a
request, or the rest of one begun), is never taken; when all are, the newcomer is answered
503, "... each with a request being answered or waiting to be read" (``connections.Channel``).
"""

from __future__ import annotations

import heapq
import select
import socket
import time

from ..wording import Said

# Seconds a client may have read nothing of an answer waiting in waitress before its
# connection counts as waiting for it: the idle checks (each second) see what it read.
UNREAD_SECONDS = 2.0


def waiting_since(channel) -> float | None:
    """Return since when ``channel`` (a ``connections.Channel``) has waited for its client
    (monotonic seconds): idle since its last activity, or reading a request (its empty lines
    before it included) since it began, or sending an answer its client has read none of for
    ``UNREAD_SECONDS`` since it last read; None if it is answering, sending to a client that
    reads, or closing, and so not to be taken for a newcomer.  An idle one may still hold a
    request not read yet (``unread``)."""
    if channel.requests or channel.will_close or channel.close_when_flushed \
            or not channel.counted:
        return None
    now = time.monotonic()
    idle = now - (time.time() - channel.last_activity)
    if channel.total_outbufs_len:
        # An answer made, waiting in waitress for its client to read it: six clients reading
        # none of theirs kept every newcomer out (503) until the idle check reset them.
        return idle if now - idle > UNREAD_SECONDS else None
    if channel.reading is not None:
        return channel.reading[1]
    return idle


def began(channel) -> bool:
    """Return whether ``channel``'s client has begun a request: sent a byte of it past any
    empty lines (``request_head.Parser.lead``: their count while nothing else came)."""
    return channel.reading is not None \
        and getattr(channel.reading[0], "lead", None) is None


def unread(channel) -> bool:
    """Return whether bytes from ``channel``'s client wait in its socket, not read yet."""
    try:  # the socket is non-blocking (waitress's): an empty buffer raises
        return bool(channel.socket.recv(1, socket.MSG_PEEK))
    except OSError:  # nothing there, or the connection reset: nothing to keep it for
        return False


def make_room(channels) -> bool:
    """Close the one of ``channels`` (the server's ``connections.Channel``s) that has waited
    longest for its client, to let a new one in; return False if every one has a request
    being answered, or arrived and not read yet."""
    # Each newcomer at the limit looks at every connection, as waitress's loop does at each
    # turn (it accepts one connection a turn), but asks the socket of only the one it would
    # take: asking each idle one (a system call) made a burst of 640 idle connections from
    # 20 addresses take 0.7 to 1.9 s to get through, 0.3 to 0.5 s now.
    waiting = [(since, n, channel) for n, channel in enumerate(channels)
               if (since := waiting_since(channel)) is not None]
    heapq.heapify(waiting)
    while waiting:
        _, _, oldest = heapq.heappop(waiting)
        # One whose client has sent bytes the loop has not read yet waits for the server: an
        # idle one's may be a request (closing it would drop that), and a begun request's its
        # rest (told 503 "still arriving ...; send it again", it had arrived whole).
        # (Not one sending an answer: nothing of it is read meanwhile, its client's doing.)
        if oldest.total_outbufs_len or not unread(oldest):
            break
    else:
        return False
    if stuck(oldest) or oldest.total_outbufs_len:
        # Closed, or answered 503 then closed, it would wait for its socket to be writable,
        # which a send buffer its client leaves full (an answer it reads none of) never is:
        # counted by waitress until the idle check reset it (``connections.Server``), 28
        # such filled waitress's count, the newcomers behind them in the listen backlog.
        # One sending an answer is cut short anyway: the reset says so.
        oldest.abort()  # reset now, what the kernel holds for it dropped
    elif began(oldest):
        oldest.refuse("503 Service Unavailable", Said(lambda n: (
            "the server needed this connection for another client while the request was "
            f"still arriving ({n('settings.connection_limit')}); send it again")),
            cause="connection limit")
    else:  # idle, or empty lines alone: no request to answer
        oldest.will_close = True
    oldest.release()
    return True


def stuck(channel) -> bool:
    """Return whether ``channel``'s socket cannot be written to now: its send buffer full of
    an answer its client does not read."""
    if not hasattr(select, "poll"):  # (Windows: waited for as before)
        return False
    poller = select.poll()
    try:
        poller.register(channel.socket, select.POLLOUT)
        return not poller.poll(0)
    except (OSError, ValueError):  # closed meanwhile: nothing to wait for
        return False
