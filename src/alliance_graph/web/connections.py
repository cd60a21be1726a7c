"""The front's connections: a deadline on each request and a cap on each client's connections.

Waitress closes a connection idle for ``channel_timeout`` seconds, but a client that sends one
byte now and then is never idle, and at most ``connection_limit`` connections are open at once:
one client trickling a few hundred half-sent requests would hold every connection, for as long
as it liked, and the others would wait in the listen backlog.  So, on top of waitress:

- **A deadline per request.** A request must arrive whole within ``request_timeout`` seconds of
  its first byte, or, sent behind an answer on its connection (pipelined), of that answer's
  end (its wait is the server's time, not the client's); past that it is answered 408, saying
  which, and the connection closed (one that has sent only empty lines, no request, is closed
  unanswered, as an idle one is).  Checked with waitress's own idle check (every
  ``cleanup_interval`` seconds), and only while the connection has no request being answered
  nor an answer waiting in waitress to be sent (nothing is read from it meanwhile).
- **No wait without end for a client that does not read.** Waitress holds a thread until a
  client has read its answers down to 16 MB; past ``channel_timeout`` seconds without reading,
  the connection is dropped and the thread freed.
- **A client that reads slowly is not idle, one that reads nothing is dropped.** Waitress
  counts a connection active when a send succeeds; behind the kernel's send buffer (up to
  4 MB) a client reading 40 KB a second made no room for a send in ``channel_timeout``, and a
  7.6 MB answer stopped at 4 MB.  And it closes an idle connection only once its socket is
  writable, which a full buffer never is: a client reading nothing held its connection, and
  the kernel its 4 MB, for good.  Now the bytes the client has acknowledged are read at each
  idle check (``Channel.read_progress``): more than at the last look is activity; and an idle
  connection with bytes still on their way is reset (``Channel.abort``).
- **No answer read without end.** A client reading a few bytes of a large answer each idle
  period is never idle: it held its connection, and the kernel its send buffer, as long as it
  liked.  What an idle check finds on its way to a client (in waitress or the kernel) must be
  read within ``send_timeout`` seconds; past that the connection is reset (``sending``).
- **A head read as it arrives** (``request_head.py``): lines ending in a bare LF, an HTTP
  version other than 1 (505; HTTP/0.9's line without one, 400), a body framed two ways, or a
  chunk over the limit are refused at once, the connection closed.
- **One valid host** for every request, or a 400 (``hosts.py``).
- **A cap per client address.** At most ``connections_per_client`` connections from one address
  are open at once; one more is answered 503 and closed, before anything is read from it.
  A reverse proxy named as trusted (``client_share.py``) carries many clients' connections,
  and is not capped: ``connection_limit`` still is.
- **Room for a newcomer** (``room.py``): at ``connection_limit``, a newcomer takes the place
  of the connection that has waited longest for its client, else is answered 503.  The
  connections closed linger (``Channel.handle_close``) and waitress counts them; when its
  count is full, the oldest lingering one is closed at once to let the newcomer in.
- **The threads shared fairly** (``dispatch.py``): a free one goes to a client with no request
  being answered before one with some.
"""

from __future__ import annotations

import fcntl
import socket
import struct
import sys
import termios
import time

from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.utilities import build_http_date

from ..wording import Said
from . import retry_after, room
from .client_share import client_of
from .occupancy import Occupancy
from .request_head import Parser
from .tasks import Task, refusal_headers
from .too_large import PageRefusal

# What Linux says of a connection: the bytes its send queue holds (SIOCOUTQ), and in its
# tcp_info (since Linux 4.1) the bytes its client has acknowledged; elsewhere a slow reader is
# judged by waitress's sends alone.
_LINUX = sys.platform.startswith("linux")
_BYTES_ACKED = 120  # the offset of tcpi_bytes_acked in struct tcp_info

# Seconds a connection the server closes goes on reading (and dropping) what its client still
# sends, so that a refusal is read rather than lost to a reset (``Channel.handle_close``).
LINGER_SECONDS = 2.0


def _response(status: str, message: str, cause: str | None = None, *, head: bool = False,
              ident: str = "") -> bytes:
    """Return the front's own refusal, written as waitress writes a head (its version, HTTP/1.1
    as RFC 9110, 2.5 asks, its Date and Server) with ``tasks.refusal_headers``: it went without
    Date, which a 4xx must carry (RFC 9110, 6.6.1), and the site's headers the others carry;
    to a HEAD (``head``), no body, its Content-Length the body's."""
    body = f"{message}\n".encode()  # format(): a Said in the words in effect
    # A 503 says when to come back, and is counted by ``cause`` (``retry_after``).
    come_back = retry_after.headers(int(status[:3]), cause=cause)
    fields = [*refusal_headers(), *come_back, ("Connection", "close"),
              ("Content-Length", str(len(body))), ("Date", build_http_date(time.time())),
              *([("Server", ident)] if ident else [])]
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in sorted(fields, key=lambda f: f[0]))]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if head else body)


class Channel(HTTPChannel):
    """One client connection: when its unfinished request began, and whose address it is."""

    parser_class = Parser
    task_class = Task
    error_task_class = PageRefusal

    # (the request being read, when it began, or was last seen behind an answer: True)
    reading: tuple[object, float, bool] | None = None
    counted = False  # this connection counts towards its address's cap
    lingering: float | None = None  # closing: until when (monotonic) its client's bytes are read
    queued = 0  # bytes the kernel held for the client at the last look (``read_progress``)
    acked: int | None = None  # bytes the client had acknowledged then
    # Bytes sent since then: an answer the kernel took whole between two looks (2.5 MB on
    # loopback) left no look anything to see, and a client reading none of it held it for good.
    unseen = False
    # When (monotonic) a look found bytes on their way, and the client's count of bytes
    # acknowledged once it has them all, to reach within ``send_timeout``.
    sending: tuple[float, int] | None = None

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        address = addr[0] if isinstance(addr, tuple) else addr
        self.client = client_of(address)
        cap = server.connections_per_client
        occupancy = server.occupancy
        if occupancy.clients[self.client] >= cap and address not in server.proxies:
            self.refuse("503 Service Unavailable", Said(lambda n: (
                f"too many connections from {self.client}: at most {cap} at once "
                f"({n('settings.connections_per_client')}); reuse or close one and try "
                "again")), cause="connections per client")
            return
        if occupancy.open >= server.connection_limit and not server.make_room():
            self.refuse("503 Service Unavailable", Said(lambda n: (
                # "being answered" alone was untrue where a connection was spared for bytes
                # its client had sent and the loop had not read yet (room.make_room).
                f"the server has its {server.connection_limit} connections open, each with a "
                f"request being answered or waiting to be read "
                f"({n('settings.connection_limit')}); try again shortly")),
                cause="connection limit")
            return
        occupancy.opened(self.client)
        self.counted = True

    def received(self, data):
        done = super().received(data)
        if self.request is None:
            self.reading = None
        elif self.reading is None or self.reading[0] is not self.request:
            self.reading = (self.request, time.monotonic(), False)
        return done

    def _flush_outbufs_below_high_watermark(self):
        # Waitress waits here, holding a thread, until the client has read its answers down
        # to ``outbuf_high_watermark`` (16 MB), and without end: a client pipelining requests
        # behind a large answer and reading nothing held a thread for as long as it stayed
        # connected, and sixteen such connections every thread.  So the wait ends once the
        # client has read nothing for ``channel_timeout`` seconds, as an idle connection's
        # would, and the connection is dropped (the task's next write finds it gone).
        if self.total_outbufs_len <= self.adj.outbuf_high_watermark:
            return
        with self.outbuf_lock:
            _, failed = self._flush_exception(self._flush_some, do_close=False)
            if failed:  # the main loop closes the connection, and wakes this thread
                self.server.pull_trigger()
                self.outbuf_lock.wait()
                return
            while self.connected and self.total_outbufs_len > self.adj.outbuf_high_watermark:
                self.read_progress()
                if time.time() - self.last_activity > self.adj.channel_timeout \
                        or self.sent_too_long(time.monotonic()):
                    self.will_close, self.connected = True, False
                    self.server.pull_trigger()
                    return
                self.server.pull_trigger()
                self.outbuf_lock.wait(1.0)

    def _flush_some(self, do_close=True):
        sent = super()._flush_some(do_close)
        if sent:
            self.unseen = True
        return sent

    def sent_too_long(self, now: float) -> bool:
        """Return whether bytes a look found on their way (in waitress, or the kernel at the
        last look) are not all read ``send_timeout`` seconds later; those after them are timed
        from the look finding them, answer by answer (not on Linux: until a look finds none)."""
        pending = self.total_outbufs_len + self.queued
        if not pending or self.sending is not None and self.acked is not None \
                and self.acked >= self.sending[1]:
            self.sending = None
        if pending and self.sending is None:
            self.sending = (now, (self.acked or 0) + pending)
        return self.sending is not None and now - self.sending[0] > self.server.send_timeout

    def read_progress(self) -> None:
        """Count the client's reading as activity: it has acknowledged bytes since the last
        look, which once its receive buffer is full it does only as it reads.  (The send
        queue's level alone misled: refilled by a send just after a look, it stood higher at
        the next though the client had read, and a steady reader was taken for idle.)"""
        if not _LINUX or self.socket is None or self.lingering is not None:
            return
        self.unseen = False  # before the look: a send during it is seen at the next
        try:
            queued, = struct.unpack("i", fcntl.ioctl(self.socket.fileno(), termios.TIOCOUTQ,
                                                     b"\0\0\0\0"))
            info = self.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 128)
        except (OSError, ValueError):  # closed meanwhile (fileno -1)
            return
        self.queued = queued
        if len(info) >= _BYTES_ACKED + 8:
            acked, = struct.unpack_from("=Q", info, _BYTES_ACKED)
            # The first look has nothing to compare with: the client is watched from it, not
            # judged at it.  Judged then on the time since the last send, a steady reader was
            # dropped at --idle-timeout 1, the first look coming a second after the send
            # that filled the kernel's buffer (the loop waits that long for an event).  One
            # finding nothing on its way judges by that send: the client has it all.
            if self.acked is None and queued or self.acked is not None and acked > self.acked:
                self.last_activity = time.time()
            self.acked = acked

    def abort(self) -> None:
        """Close at once with a reset, dropping what the kernel still holds for the client."""
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        HTTPChannel.handle_close(self)

    def send_continue(self):
        # Waitress invited the body of a request it had already refused (a Content-Length
        # over the limit): the client was told "100 Continue" and then 413.  A refused
        # request gets its refusal alone.  Nor is a request with no body invited to send one
        # (a GET with Expect: 100-continue): waitress marked it unfinished again, and it was
        # never answered, the connection dropped at channel_timeout.
        if self.request is not None and (self.request.error is not None
                                         or self.request.completed):
            return
        super().send_continue()

    def overdue(self, now: float, limit: float) -> bool:
        """Return whether the request being read began arriving over ``limit`` seconds ago,
        its wait behind this connection's answers not counted (the server's time: one half
        sent behind a 3.7 s answer was a 408 just after it); a look during one restarts it.
        An answer still in waitress, to be sent, is one too: nothing is read meanwhile
        (``readable``), and a request sent whole behind 8.8 MB read in 7 s was a 408."""
        if self.reading is not None and (self.requests or self.total_outbufs_len):
            self.reading = (self.reading[0], now, True)
        return (self.reading is not None and not self.requests
                and not (self.will_close or self.close_when_flushed)
                and now - self.reading[1] > limit)

    def refuse(self, status: str, message: str, cause: str | None = None) -> None:
        """Answer ``status`` with ``message`` (a refusal counted by ``cause``,
        ``retry_after``), then close: nothing more is read."""
        self.reading = None
        if not self.connected:  # the client has gone: nobody to answer (write_soon would raise)
            self.will_close = True
            return
        # Its method, as far as it came: a HEAD's answer has no body.
        head = isinstance(self.request, Parser) and self.request.asked() == "HEAD"
        self.write_soon(_response(status, message, cause, head=head, ident=self.adj.ident))
        self.close_when_flushed = True

    def release(self) -> None:
        """Stop counting this closing connection towards its address's cap and the limit."""
        if self.counted:
            self.counted = False
            self.server.occupancy.closed(self.client)

    def handle_close(self):
        # Closed by the server while its client may still be sending (a body refused before it
        # was read: 413; a connection refused at a cap or the limit: 503; a 408), the socket
        # would answer the bytes still coming with a reset, which destroys the refusal in
        # flight: the client, or a proxy in front (as a 502), never read it.  So, as HTTP
        # servers do (RFC 9112, 9.6), the sending side is shut and what still comes is read
        # and dropped, until the client closes or LINGER_SECONDS have passed.  The connection
        # no longer counts towards the caps meanwhile.
        if self.lingering is None and self.connected:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                return super().handle_close()
            self.lingering = time.monotonic() + LINGER_SECONDS
            self.server.lingering[self] = None
            self.will_close = self.close_when_flushed = False
            self.release()
            return None
        return super().handle_close()

    # A connection closed in this turn of the loop (the oldest lingering one, making room) is
    # still in the loop's list of connections to watch: watched, its number would be polled
    # closed, and a connection accepted meanwhile under the same number would be handed that
    # event (a hang-up: closed unread).
    def readable(self):
        return self.socket is not None and (self.lingering is not None or super().readable())

    def writable(self):
        return self.socket is not None and self.lingering is None and super().writable()

    def handle_read(self):
        if self.lingering is None:
            return super().handle_read()
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        if not data or time.monotonic() > self.lingering:
            super().handle_close()
        return None

    def del_channel(self, map=None):
        self.release()
        self.server.lingering.pop(self, None)
        super().del_channel(map)


class Server(TcpWSGIServer):
    """Waitress's TCP server on one address, with ``Channel``'s deadline, cap and limit."""

    channel_class = Channel

    def __init__(self, application, *, request_timeout: float, send_timeout: float,
                 connections_per_client: int, connection_limit: int, occupancy: Occupancy,
                 proxies: frozenset[str], **options):
        self.request_timeout, self.send_timeout = request_timeout, send_timeout
        self.proxies = proxies
        self.connections_per_client = connections_per_client
        self.connection_limit = connection_limit
        self.occupancy = occupancy
        self.lingering = occupancy.lingering
        super().__init__(application, **options)

    def readable(self):
        # A lingering connection keeps its place in waitress's own count of connections, which
        # stops accepting once full: a burst of newcomers, each closing an older connection
        # for its room, filled it with lingering ones, and the listen backlog (an honest
        # client in it) waited for them in rounds of LINGER_SECONDS: 8 s for 640 connections
        # from 20 addresses.  So the oldest lingering connection is closed at once for a new
        # one (its client may then meet a reset rather than its refusal: a flood's cost).
        while len(self._map) >= self.adj.connection_limit and self.lingering:
            HTTPChannel.handle_close(next(iter(self.lingering)))
        return super().readable()

    def make_room(self) -> bool:
        """Close the connection that has waited longest for its client, to let a new one in;
        return False if every open connection has a request being answered, or bytes of its
        client's not read yet (``room.py``)."""
        return room.make_room(channel for channel in self._map.values()
                              if isinstance(channel, Channel))

    def maintenance(self, now):
        # Before waitress's idle check: a connection whose client is still reading what the
        # kernel or waitress holds for it is not idle, however long since a send succeeded.
        cutoff, clock = now - self.adj.channel_timeout, time.monotonic()
        for channel in list(self.active_channels.values()):
            if isinstance(channel, Channel) and (channel.total_outbufs_len or channel.queued
                                                 or channel.unseen):
                channel.read_progress()
                overdue = channel.sent_too_long(clock)  # at each look, to see what it finds
                # Idle with bytes on their way: waitress would close it once its socket is
                # writable, which a full send buffer never is.  (One lingering after its last
                # answer is closing already, the kernel sending what it holds.)  So would it
                # one dropped by its thread (``_flush_outbufs_below_high_watermark``), whose
                # pipelined requests stay unanswered: it held its place and a temporary file
                # of 16 MB for as long as its client stayed connected.
                if channel.lingering is None and (
                        channel.will_close and not channel.connected
                        or not channel.requests and (channel.last_activity < cutoff
                                                     or overdue)):
                    channel.abort()
        super().maintenance(now)
        clock = time.monotonic()
        # Those whose client neither sent nor closed within LINGER_SECONDS: done.  They linger
        # the same time each, so the oldest is the first due.
        while self.lingering and clock > (oldest := next(iter(self.lingering))).lingering:
            HTTPChannel.handle_close(oldest)
        for channel in list(self.active_channels.values()):
            if channel.lingering is None and channel.overdue(clock, self.request_timeout):
                if not room.began(channel):
                    # Empty lines alone (CR LF: one ending a request, say) are no request, and
                    # were told 408 of one, which a client reusing the connection read as its
                    # next request's answer: closed as an idle one is.
                    channel.reading, channel.will_close = None, True
                    continue
                # Said as it was timed: "of its first byte" was untrue of a pipelined one.
                since = "the end of the answer before it on this connection" \
                    if channel.reading[2] else "its first byte"
                channel.refuse("408 Request Timeout", Said(lambda n, since=since: (
                    f"the request did not arrive whole within {self.request_timeout:g} s of "
                    f"{since} ({n('settings.request_timeout')})")))
