"""How a request reaches a remote store: a redirect is reported, never followed, and the
whole exchange, from connecting to the answer's last byte, is bounded by its deadline and the
answer by its size."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.request


class _Unredirected(urllib.request.HTTPRedirectHandler):
    # A redirect is reported, not followed: urllib sends a redirected POST on as a GET without
    # its body, so the store would be asked nothing (or its service description), and a store
    # that moved should be named where it now is.  Declined before urllib reads the Location
    # at all: one it cannot parse ("http://[bad") was a ValueError, a traceback.
    def http_error_302(self, req, fp, code, msg, headers):
        return None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class Watch:
    """Shuts the sockets a request opened at its deadline: a socket's timeout bounds each
    read alone, so a store sending its status line and headers a byte now and then held the
    command past the time limit for as long as it liked (the body's reads check the deadline
    themselves, but only once the headers are in)."""

    current = threading.local()  # the watch of the request this thread is sending

    def __init__(self, deadline: float):
        self.expired, self._sockets, self._lock = threading.Event(), [], threading.Lock()
        self.ready = False  # whether the connection is made, TLS included (``_Watched``)
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._shut)
        self._timer.daemon = True

    def __enter__(self) -> Watch:
        Watch.current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        Watch.current.watch = None

    @property
    def connected(self) -> bool:
        """Whether the request's TCP connection was made (its TLS handshake may be under
        way, ``ready`` once done): a time limit met before it is the connection's, said as
        such (``remote_messages.unreachable``), not the answer's."""
        return bool(self._sockets)

    def add(self, sock) -> None:
        with self._lock:
            self._sockets.append(sock)
        if self.expired.is_set():
            self._shut()

    def _shut(self) -> None:
        self.expired.set()
        with self._lock:
            for sock in self._sockets:
                try:  # the plain socket's shutdown, an SSL socket's too: its reads end at once
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:  # closed already
                    pass


class _Watched:
    # Each connection urllib opens gives its socket to the watch of the request it sends: its
    # plain socket once connected, before a TLS handshake (a handshake never answered is a
    # store that did not answer, its connection made), and the TLS socket wrapping it.
    def do_open(self, http_class, req, **kwargs):
        def connection(*args, **options):
            made = http_class(*args, **options)
            connect, create = made.connect, made._create_connection

            def watched(sock):
                if watch := getattr(Watch.current, "watch", None):
                    watch.add(sock)
                return sock

            def watched_connect():
                connect()
                watched(made.sock)
                if watch := getattr(Watch.current, "watch", None):
                    watch.ready = True  # connected, its TLS handshake (if any) done
            made.connect = watched_connect
            made._create_connection = lambda *a, **k: watched(create(*a, **k))
            return made
        return super().do_open(connection, req, **kwargs)


class _HTTP(_Watched, urllib.request.HTTPHandler):
    pass


class _HTTPS(_Watched, urllib.request.HTTPSHandler):
    pass


OPENER = urllib.request.build_opener(_Unredirected, _HTTP, _HTTPS)


class TooLarge(Exception):
    """A store's answer was larger than the settings allow."""


def read_within(response, deadline: float, limit: int) -> bytes:
    """Read an answer whole by ``deadline`` and within ``limit`` bytes: the socket's timeout
    bounds each read alone, and a store sending a byte now and then would never reach it; a
    store sending without end would fill this process's memory."""
    chunks, size = [], 0
    while chunk := response.read1(1 << 20):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise TooLarge
        if time.monotonic() > deadline:
            raise TimeoutError
    if response.length:  # the connection ended before the Content-Length it announced
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)
