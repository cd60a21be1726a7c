"""The engine's wire format: one message is a JSON header and a body of bytes.

Frames are ``>IQ`` (header and body lengths), then the UTF-8 JSON header, then the body.  The
two ends are our own processes on a socket pair, so the format only has to be exact and cheap:
JSON for the few fields, raw bytes for answers (never pickle, which would run code).
A large answer (over ``SPOOL_BYTES``) is passed on in bounded chunks, never whole in memory:
the engine sends its body apart from the frame (not joined to it, a copy), and the front, when
it asks to, reads it into an unnamed temporary file (``Spooled``) that the HTTP server sends
from.
Query results cross as SPARQL JSON (solutions, booleans) or N-Triples (graphs) and are parsed
back into pyoxigraph's own result types, so callers cannot tell the engine is elsewhere.
"""

from __future__ import annotations

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


class EngineError(Refused):
    """The engine could not answer: a limit stopped the query, or the engine failed."""


class Closed(ConnectionError):
    """The other end closed the connection (or died) before a whole message arrived."""


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
    head_size, body_size = _FRAME.unpack(_exactly(sock, _FRAME.size))
    header = json.loads(_exactly(sock, head_size))
    if spool and body_size > SPOOL_BYTES:
        return header, _spooled(sock, body_size)
    return header, _exactly(sock, body_size)


def _spooled(sock: socket.socket, size: int) -> Spooled:
    file = tempfile.TemporaryFile()
    try:
        buffer = bytearray(CHUNK)
        view, left = memoryview(buffer), size
        while left:
            n = sock.recv_into(view, min(CHUNK, left))
            if n == 0:
                raise Closed("the engine connection closed mid-message")
            file.write(view[:n])
            left -= n
        file.flush()
    except BaseException:
        file.close()
        raise
    return Spooled(file, size)


def _exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            raise Closed("the engine connection closed mid-message")
        got += n
    return bytes(buffer)


def result_bytes(result) -> tuple[str, bytes]:
    """Return ``(kind, bytes)`` carrying a pyoxigraph query result across the wire."""
    out = io.BytesIO()
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        result.serialize(out, format=ox.QueryResultsFormat.JSON)
        return ("ask" if isinstance(result, ox.QueryBoolean) else "select"), out.getvalue()
    ox.serialize(result, out, format=ox.RdfFormat.N_TRIPLES)
    return "graph", out.getvalue()


def result_from(kind: str, data: bytes):
    """Return the pyoxigraph result ``result_bytes`` wrote."""
    if kind == "graph":
        return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
