"""How waitress answers one request on our connections (``connections.py``): ``Task`` for the
requests it read, ``Refusal`` for those it could not read (too large, malformed).

- A 304 or 204, which has no body and so no Content-Length, keeps an HTTP/1.1 connection
  open (waitress closed it after any answer without one); the host and scheme a request is
  addressed to are the ones RFC 9112 (3.2.2, 3.3) names.
- Waitress's own refusals are one line of plain text with the headers every answer carries,
  and a URL over the head's limit is 414 (URI Too Long), not 431.
- An answer's head and a small body go out in one send, where waitress sent each apart: a
  lookup's answer took two system calls, each on a busy front a hand-over of Python's lock.
- An answer to a HEAD carries no body (RFC 9110, 9.3.2), whoever wrote it: waitress sends
  what the app writes, and the answers written below Flask (the Host check's 400, a share's
  429) and waitress's own refusals sent theirs after the head, which a client keeping the
  connection read as the start of its next answer.
"""

from __future__ import annotations

import re

from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestHeaderFieldsTooLarge, ServerNotImplemented

from ..clipping import cut
from .pages import safety
from .protocol import HEADERS
from .request_line import KNOWN_METHODS, TAKEN_METHODS

# A body up to this size goes out with the head, joined to it (a copy that size).
JOINED_BYTES = 64 << 10


class Task(WSGITask):
    """One request answered: as waitress's, but a 304 or 204 keeps the connection open, and
    the host a request is addressed to is the one RFC 9112 (3.2.2) names."""

    _bodiless = False

    def get_environment(self):
        if self.environ is not None:
            return self.environ
        environ = super().get_environment()
        if self.request.proxy_netloc:
            # An absolute-form target ("GET http://h/sparql"): its authority is the host, and
            # a Host header beside it is ignored.  Waitress kept only the target's path.
            environ["HTTP_HOST"] = self.request.proxy_netloc
            # And its scheme is the URL's (RFC 9112, 3.3): the links of a page asked for as
            # "GET https://h/..." (a TLS proxy that forwards the absolute form) said http.  A
            # trusted proxy's X-Forwarded-Proto, read later (``forwarding.py``), still wins.
            # (A target of another scheme was refused as it arrived: ``request_head.py``.)
            environ["wsgi.url_scheme"] = self.request.proxy_scheme.lower()
        elif not environ.get("HTTP_HOST") and environ["SERVER_PROTOCOL"] != "HTTP/1.1":
            # No Host (HTTP/1.0 allows that): the address the request reached, rather than
            # waitress's "waitress.invalid" (the service description builds URLs from it).
            host, port = self.channel.socket.getsockname()[:2]
            environ["HTTP_HOST"] = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return environ

    def build_response_header(self):
        self._bodiless = not self.has_body
        try:
            return super().build_response_header()
        finally:
            self._bodiless = False

    def write(self, data):
        data = bodiless(self, data)
        # The head and a small first write in one send.  Only a body of known length, which
        # waitress sends as written: one chunked, or past its Content-Length, is its to write.
        if not self.wrote_header and self.complete and 0 < len(data) <= JOINED_BYTES:
            head = self.build_response_header()
            self.wrote_header = True
            length = self.content_length
            if self.has_body and not self.chunked_response and length is not None \
                    and len(data) <= length - self.content_bytes_written:
                self.content_bytes_written += len(data)
                self.channel.write_soon(head + data)
                return
            self.channel.write_soon(head)
        super().write(data)

    def set_close_on_finish(self) -> None:
        # Waitress closes an HTTP/1.1 connection after any answer without a Content-Length,
        # even one that by definition has no body (304, 204, which must not carry the
        # header): revalidations and CORS preflights, the cheapest requests a client repeats,
        # would each cost a new connection, and a request pipelined behind one go unanswered.
        if self._bodiless and self.version == "1.1" \
                and self.request.headers.get("CONNECTION", "").lower() != "close":
            return
        super().set_close_on_finish()


def refusal_headers() -> list[tuple[str, str]]:
    """Return the headers of a refusal in plain text the front writes below the app (waitress's
    and its own, ``connections.py``): those every answer of the server and the site carries."""
    return [("Content-Type", "text/plain; charset=utf-8"), *HEADERS,
            *((k, v) for k, v in safety.HEADERS.items() if k != "X-Content-Type-Options")]


def bodiless(task, data: bytes) -> bytes:
    """Return what of ``data`` a task answering its request sends: nothing to a HEAD (the
    head's Content-Length stays the body's, as RFC 9110, 9.3.2 has it)."""
    return b"" if getattr(task.request, "command", None) == "HEAD" else data


class Refusal(ErrorTask):
    """Waitress's own refusal of a request it could not read (400, 413, 431, ...), in one
    line of plain text, as the app's errors are, with the headers every answer of the server
    and the site carries."""

    def execute(self):
        error = self.request.error
        if isinstance(error, RequestHeaderFieldsTooLarge):
            # Waitress's "exceeds max_header of 65536", of a head of exactly 65,536 bytes (one
            # that holds the limit is refused): said as docs/endpoint.md says the limit.
            error = type(error)(f"the header fields take the request's head to "
                                f"{_head_limit(self.request)}: send fewer or shorter ones")
        if isinstance(error, RequestHeaderFieldsTooLarge) and _long_request_line(self.request):
            # A URL too long is 414 (RFC 9110, 15.5.15), which clients such as SPARQLWrapper
            # turn into advice to POST; 431 spoke of header fields the client never sent.
            error = type(error)(f"the request line (the URL) takes the request's head to "
                                f"{_head_limit(self.request)}: send a long query by POST, in "
                                "the body")
            error.code, error.reason = 414, "URI Too Long"
            method = _long_method(self.request)
            if method is not None:
                # The method is the long part: a 414 told the client to POST its query.
                error = ServerNotImplemented(f"{method} is no method this server knows: the "
                                             f"methods this server takes are {TAKEN_METHODS}")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend(refusal_headers())
        self.set_close_on_finish()
        # "exceeds max_body of 5242880": the limit spelled out, with its unit.
        detail = re.sub(r"max_body of (\d+)", lambda m: f"the limit of {int(m[1]):,} bytes",
                        error.body)
        body = f"{error.reason.lower()}: {detail}\n".encode()
        self.content_length = len(body)
        self.write(body)

    def write(self, data):
        super().write(bodiless(self, data))


def _head_limit(request) -> str:
    """Return the limit a head refused for its size reached, as docs/endpoint.md says it."""
    most = request.adj.max_request_header_size
    return f"{most:,} bytes or more, its closing CR LF CR LF counted (the limit: a head may " \
        f"be {most - 1:,} bytes at most)"


def _long_request_line(request) -> bool:
    """Return whether a head refused as too large was so for its request line alone: waitress
    keeps what it had read of the head before the last chunk, and a line that had not ended
    there is the URL's doing (a long URL beside long header fields is the fields': 431)."""
    return request.header_plus.find(b"\n") < 0


# A method's characters (RFC 9110, 5.6.2's token).
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _long_method(request) -> str | None:
    """Return the start of a too long request line's method, said for a message, where the
    line is too long for its method (longer than any this server knows), else None."""
    line = request.header_plus.lstrip(b"\r\n")
    space = line.find(b" ")
    if not _TOKEN.fullmatch(line[:space] if space >= 0 else line) \
            or 0 <= space <= max(map(len, KNOWN_METHODS)):
        return None  # (bytes no method is made of: no request line, which waitress refuses)
    return repr(cut(line[:200].decode("latin-1"), 60)) + " (a method of more than " \
        f"{max(map(len, KNOWN_METHODS))} characters)"
