"""The engine's wire format: one message is a JSON header and a body of bytes.

Frames are ``>IQ`` (header and body lengths), then the UTF-8 JSON header, then the body.  The
two ends are our own processes on a socket pair, so the format only has to be exact and cheap:
JSON for the few fields, raw bytes for answers (never pickle, which would run code).
Query results cross as SPARQL JSON (solutions, booleans) or N-Triples (graphs) and are parsed
back into pyoxigraph's own result types, so callers cannot tell the engine is elsewhere.
"""

from __future__ import annotations

import io
import json
import socket
import struct

import pyoxigraph as ox

from ..query.refused import Refused

_FRAME = struct.Struct(">IQ")


class EngineError(Refused):
    """The engine could not answer: a limit stopped the query, or the engine failed."""


class Closed(ConnectionError):
    """The other end closed the connection (or died) before a whole message arrived."""


def send(sock: socket.socket, header: dict, body: bytes = b"") -> None:
    """Send one message."""
    head = json.dumps(header, separators=(",", ":")).encode()
    sock.sendall(_FRAME.pack(len(head), len(body)) + head + body)


def receive(sock: socket.socket) -> tuple[dict, bytes]:
    """Receive one message; raise Closed if the connection ends first."""
    head_size, body_size = _FRAME.unpack(_exactly(sock, _FRAME.size))
    return json.loads(_exactly(sock, head_size)), _exactly(sock, body_size)


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
