"""The engine's wire format: one message is a JSON header and a body of bytes.

Frames are ``>IQ`` (header and body lengths), then the UTF-8 JSON header, then the body.  The
two ends are our own processes on a socket pair, so the format only has to be exact and cheap:
JSON for the few fields, raw bytes for answers (never pickle, which would run code).
A large answer (over ``SPOOL_BYTES``) is passed on in bounded chunks, never whole in memory:
the engine sends its body apart from the frame (not joined to it, a copy), and the front, when
it asks to, reads it into an unnamed temporary file (``Spooled``) that the HTTP server sends
from (query answers, Graph Store reads) or a parser reads (the pages' reads).  A body not
spooled is read straight into the one bytes object returned (it was read, then copied).
Query results cross as SPARQL JSON (solutions, booleans) or N-Triples (graphs) and are parsed
back into pyoxigraph's own result types, so callers cannot tell the engine is elsewhere.
A message is read with as few system calls as it allows: one read takes in a small one whole
(frame, header and body), where reading its three parts apart cost three, and under load each
call on the front's threads is a hand-over of Python's lock (measured in docs/benchmarks.md).
Reading what has come is safe because a connection carries one message at a time each way (a
request, then its answer): nothing of a next message can be there yet.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import struct
import tempfile

import pyoxigraph as ox

from ..query.refused import Refused

_FRAME = struct.Struct(">IQ")
# A body over this many bytes is spooled by ``receive(spool=True)``: waitress writes an answer
# over its ``outbuf_overflow`` (1 MiB) to a temporary file all the same, so spooling costs no
# more disk than before, and the front no longer holds the answer, in two copies, meanwhile.
SPOOL_BYTES = 1 << 20
# Bytes read (and written to the file, and later to the client) at a time.
CHUNK = 256 << 10
# What the first read of a message takes in: a lookup's answer or a query whole, with room.
FIRST_READ = 64 << 10


class EngineError(Refused):
    """The engine could not answer: a limit stopped the query, or the engine failed."""


class Closed(ConnectionError):
    """The other end closed the connection (or died) before a whole message arrived."""


class SpoolFailed(Exception):
    """A large reply could not be put in its temporary file (``cause``: the temporary folder
    full, say).  No OSError, which a caller reads as the engine's connection failing: a full
    disk of the front's stopped the engine twice (restarted each time) and was said as
    "the query engine was stopped twice"."""

    def __init__(self, cause: OSError):
        super().__init__(str(cause))
        self.cause = cause

    def said(self) -> str:
        return (f"the server's temporary folder could not hold this answer "
                f"({self.cause.strerror or self.cause}); try again later, or ask for less")


class Spooled:
    """A message's body in an unnamed temporary file (gone when closed, or if the process
    dies): ``len()`` is its size, ``rewound()`` the file ready to read from its start."""

    def __init__(self, file, size: int):
        self.file, self.size = file, size

    def __len__(self) -> int:
        return self.size

    def rewound(self):
        """Return the file, at its start."""
        self.file.seek(0)
        return self.file

    def chunks(self):
        """Yield the body from its start, ``CHUNK`` bytes at a time."""
        file = self.rewound()
        while block := file.read(CHUNK):
            yield block

    def read(self) -> bytes:
        """Return the whole body, and close the file."""
        with self.file:
            return self.rewound().read()

    def close(self) -> None:
        self.file.close()


def send(sock: socket.socket, header: dict, body: bytes = b"") -> None:
    """Send one message."""
    head = json.dumps(header, separators=(",", ":")).encode()
    frame = _FRAME.pack(len(head), len(body)) + head
    if len(body) <= SPOOL_BYTES:  # one system call
        sock.sendall(frame + body)
    else:  # joined, a large body would be copied whole
        sock.sendall(frame)
        sock.sendall(body)


def receive(sock: socket.socket, spool: bool = False) -> tuple[dict, bytes | Spooled]:
    """Receive one message; raise Closed if the connection ends first.  With ``spool``, a body
    over ``SPOOL_BYTES`` comes as ``Spooled``, read in chunks of ``CHUNK``."""
    read = sock.recv(FIRST_READ)  # what has come, up to FIRST_READ: a small message whole
    if len(read) < _FRAME.size:
        if not read:
            raise Closed("the engine connection closed mid-message")
        read += _exactly(sock, _FRAME.size - len(read))
    head_size, body_size = _FRAME.unpack_from(read)
    start = _FRAME.size + head_size
    if len(read) >= start + body_size:
        if len(read) > start + body_size:  # never: a connection carries one message at a time
            raise Closed("the engine connection sent a message before its last was answered")
        return json.loads(read[_FRAME.size:start]), read[start:]
    if len(read) < start:
        read += _exactly(sock, start - len(read))
    header, got = json.loads(read[_FRAME.size:start]), read[start:]
    if spool and body_size > SPOOL_BYTES:
        return header, _spooled(sock, body_size, got)
    return header, _rest(sock, body_size, got)


def _rest(sock: socket.socket, size: int, got: bytes) -> bytes:
    """Return a body of ``size`` bytes whose first ones, ``got``, are read: the rest is read
    into the bytes returned, never joined to them (a copy of the whole body)."""
    if not got:
        return _exactly(sock, size)
    out = io.BytesIO()
    out.seek(size - 1)
    out.write(b"\0")  # sized once
    view = out.getbuffer()
    try:
        view[:len(got)] = got
        rest = view[len(got):]
        try:
            while rest:
                n = sock.recv_into(rest, len(rest), socket.MSG_WAITALL)
                if n == 0:
                    raise Closed("the engine connection closed mid-message")
                rest = rest[n:]
        finally:
            rest.release()
    finally:
        view.release()
    # CPython hands over a BytesIO's own buffer when nothing else holds it: no copy.
    return out.getvalue()


def _spooled(sock: socket.socket, size: int, got: bytes = b"") -> Spooled:
    try:
        file = tempfile.TemporaryFile()
    except OSError as exc:
        raise SpoolFailed(exc) from exc
    try:
        _to_file(file, got)
        buffer = bytearray(CHUNK)
        view, left = memoryview(buffer), size - len(got)
        while left:
            n = sock.recv_into(view, min(CHUNK, left))
            if n == 0:
                raise Closed("the engine connection closed mid-message")
            _to_file(file, view[:n])
            left -= n
        _to_file(file, b"")
    except BaseException:
        file.close()
        raise
    return Spooled(file, size)


def _to_file(file, data) -> None:
    """Write ``data`` into a spool file (flushed when ``data`` is empty), its OSErrors raised
    as SpoolFailed: the socket's stay the connection's."""
    try:
        if data:
            file.write(data)
        else:
            file.flush()
    except OSError as exc:
        raise SpoolFailed(exc) from exc


def _exactly(sock: socket.socket, size: int) -> bytes:
    # The kernel fills one bytes object of the message's size (MSG_WAITALL: the engine's
    # sockets block); a buffer filled and then turned into bytes held the body twice.  A read
    # a signal cuts short is joined to the rest, a copy only then.
    parts, got = [], 0
    while got < size:
        part = sock.recv(size - got, socket.MSG_WAITALL)
        if not part:
            raise Closed("the engine connection closed mid-message")
        parts.append(part)
        got += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def result_bytes(result) -> tuple[str, bytes]:
    """Return ``(kind, bytes)`` carrying a pyoxigraph query result across the wire."""
    out = io.BytesIO()
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        result.serialize(out, format=ox.QueryResultsFormat.JSON)
        return ("ask" if isinstance(result, ox.QueryBoolean) else "select"), out.getvalue()
    ox.serialize(result, out, format=ox.RdfFormat.N_TRIPLES)
    return "graph", out.getvalue()


def result_from(kind: str, data: bytes | Spooled):
    """Return the pyoxigraph result ``result_bytes`` wrote.  A spooled one is parsed from its
    file: solutions as they are read (the file closed once they are let go), the rest at once
    (the file closed then)."""
    if kind == "select" and isinstance(data, Spooled):
        return ox.parse_query_results(_Reader(data), format=ox.QueryResultsFormat.JSON)
    with _source(data) as source:
        if kind == "graph":
            return [q.triple for q in ox.parse(source, format=ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(source, format=ox.QueryResultsFormat.JSON)


def quads_from(data: bytes | Spooled) -> list[ox.Quad]:
    """Return the quads of an N-Quads body (a spooled one's file closed once they are read)."""
    with _source(data) as source:
        return list(ox.parse(source, format=ox.RdfFormat.N_QUADS))


def _source(data: bytes | Spooled):
    """Return a context giving what a parser reads ``data`` from, a spooled body's file closed
    at its end."""
    return data.rewound() if isinstance(data, Spooled) else contextlib.nullcontext(data)


class _Reader:
    """A spooled body read by a lazy parser (``QuerySolutions``), which holds it as long as
    the solutions live: its file is closed as they are dropped (a file object dropped still
    open is closed too, but with a ResourceWarning)."""

    def __init__(self, spooled: Spooled):
        self.file = spooled.rewound()

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def __del__(self):
        self.file.close()
