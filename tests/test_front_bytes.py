"""The bytes a real server sends, read as strictly as a proxy would: each answer's status line,
fields and a body of exactly its Content-Length, nothing between answers, nothing after.

Answers are sized around the front's boundaries: the engine's first read of a message
(``wire.FIRST_READ``), a body sent joined to its head (``tasks.JOINED_BYTES``), a body spooled
to a file (``wire.SPOOL_BYTES``) and ``--max-result-bytes``; asked pipelined in one send, with
HEAD, a 304, a CORS preflight (204) and refusals between them, from the engine and then from
the response cache."""

import json
import re
import socket
import struct
import time
import urllib.parse

import pytest

import servers
from alliance_graph.engine import wire
from alliance_graph.web.tasks import JOINED_BYTES

LIMIT = 1_200_000  # --max-result-bytes: an answer spooled fits, one past it is refused
STATUS_LINE = re.compile(rb"HTTP/1\.[01] [1-5][0-9][0-9] [^\r\n]*")
FIELD = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[ \t]*[^\r\n]*")
# The engine's answer header for a CSV solution ({"status":200,"format":"csv",...}).
ENGINE_HEAD = len(json.dumps({"status": 200, "format": "csv", "graph": False},
                             separators=(",", ":"))) + 12


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("front-bytes") / "serve.log",
                                          "--workers", "2", "--max-result-bytes", str(LIMIT))
    yield port
    servers.stop(process)


def sized(n: int, tag: str) -> str:
    """A query whose one solution is ``tag`` then letters, ``n`` characters in all."""
    doubled = " ".join(f"BIND(CONCAT(?a{i - 1}, ?a{i - 1}) AS ?a{i})" for i in range(1, 22))
    return (f'SELECT ?x WHERE {{ BIND("a" AS ?a0) {doubled} '
            f'BIND(SUBSTR(CONCAT("{tag}", ?a21), 1, {n}) AS ?x) }}')


def csv_of(n: int, tag: str) -> bytes:
    return b"x\r\n" + (tag + "a" * n)[:n].encode() + b"\r\n"


def get(target: str, method: str = "GET", version: str = "1.1", **fields: str) -> bytes:
    head = [f"{method} {target} HTTP/{version}", "Host: x"]
    head += [f"{name.replace('_', '-')}: {value}" for name, value in fields.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode()


def query(text: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text, **params})


def exchanged(port: int, data: bytes) -> bytes:
    """Send ``data`` in one send and return all the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        received = []
        while chunk := sock.recv(1 << 20):
            received.append(chunk)
    return b"".join(received)


def answers(data: bytes, methods: list[str]) -> list[tuple[int, dict, bytes]]:
    """Parse one answer per method from ``data``, strictly, and assert nothing is left."""
    found = []
    for method in methods:
        head, separator, data = data.partition(b"\r\n\r\n")
        assert separator, f"an answer's head has no end: {head[:200]!r}"
        line, *lines = head.split(b"\r\n")
        assert STATUS_LINE.fullmatch(line), line
        fields = {}
        for field in lines:
            assert FIELD.fullmatch(field), field
            name, _, value = field.partition(b":")
            assert name.lower() not in fields, f"{name!r} twice"
            fields[name.lower().decode()] = value.strip().decode("latin-1")
        status = int(line.split()[1])
        assert "transfer-encoding" not in fields  # every answer here has a length
        if status in (204, 304):
            assert "content-length" not in fields
            body = b""
        else:
            length = int(fields["content-length"])
            body = b"" if method == "HEAD" else data[:length]
            assert len(body) == (0 if method == "HEAD" else length), "a body cut short"
            data = data[len(body):]
        found.append((status, fields, body))
    assert data == b"", f"bytes after the last answer: {data[:200]!r}"
    return found


# Solutions whose answer (CSV: "x\r\n" + value + "\r\n") is one byte under, at and over each
# boundary: the engine's message (its head included) against FIRST_READ; the body against
# JOINED_BYTES and SPOOL_BYTES.
EDGES = [wire.FIRST_READ - ENGINE_HEAD, JOINED_BYTES, wire.SPOOL_BYTES]
SIZES = [1, *(edge - 5 + d for edge in EDGES for d in (-1, 0, 1))]


def test_pipelined_answers_around_every_boundary_are_framed_exactly(server):
    tag = f"p{time.time_ns()}"
    texts = [query(sized(n, tag)) for n in SIZES]
    refused = query("SELECT ?x WHERE { ?x ?y }")  # the engine's 400
    past_limit = query(sized(LIMIT, tag))
    preflight = get("/sparql", "OPTIONS", Origin="http://o",
                    Access_Control_Request_Method="POST")
    for attempt in ("engine", "cache"):
        sent = [get(t, Accept="text/csv") for t in texts]
        sent += [get(texts[2], "HEAD", Accept="text/csv"), preflight, get(refused),
                 get(past_limit, Accept="text/csv"), get(texts[-1], "HEAD", Accept="text/csv")]
        methods = ["GET"] * len(texts) + ["HEAD", "OPTIONS", "GET", "GET", "HEAD"]
        got = answers(exchanged(server, b"".join(sent) + get("/status", Connection="close")),
                      methods + ["GET"])
        for n, (status, _, body) in zip(SIZES, got):
            assert (status, body) == (200, csv_of(n, tag)), (attempt, n)
        head, options, bad, over, large_head, _ = got[len(texts):]
        assert head[0] == 200 and int(head[1]["content-length"]) == len(csv_of(SIZES[2], tag))
        assert options[0] == 204
        assert bad[0] == 400 and bad[2].startswith(b"query failed")
        assert over[0] == 422 and b"--max-result-bytes" in over[2]
        assert large_head[0] == 200 and large_head[1]["content-length"] == str(len(csv_of(
            SIZES[-1], tag)))


def test_a_revalidation_answers_304_and_keeps_the_connection_for_the_next(server):
    text = query(sized(JOINED_BYTES, f"r{time.time_ns()}"))
    (_, fields, body), = answers(exchanged(server, get(text, Connection="close")), ["GET"])
    tag = fields["etag"]
    revalidation = get(text, If_None_Match=tag)
    got = answers(exchanged(server, revalidation * 2 + get(text, Connection="close")),
                  ["GET"] * 3)
    assert [g[0] for g in got] == [304, 304, 200] and got[2][2] == body


@pytest.mark.parametrize("keep_alive", [False, True])
def test_http_1_0_answers_are_framed_and_closed_as_asked(server, keep_alive):
    text = query(sized(JOINED_BYTES - 10, f"o{time.time_ns()}"))
    fields = {"Connection": "keep-alive"} if keep_alive else {}
    data = exchanged(server, get(text, version="1.0", **fields) + get(text, version="1.0"))
    got = answers(data, ["GET", "GET"] if keep_alive else ["GET"])  # nothing more if closed
    assert all(status == 200 for status, _, _ in got)
    assert got[0][1].get("connection", "").lower() == ("keep-alive" if keep_alive else "close")


def test_clients_gone_while_their_answers_are_written_leave_the_next_answers_exact(server):
    tag = f"g{time.time_ns()}"
    for n in (10, JOINED_BYTES - 5, wire.SPOOL_BYTES + 100):
        for how in ("reset", "close", "read a little, then reset"):
            sock = socket.create_connection(("127.0.0.1", server), timeout=30)
            sock.sendall(get(query(sized(n, tag)), Accept="text/csv") * 3)
            if how == "read a little, then reset":
                sock.recv(100)
            if how != "close":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
    sent = get(query(sized(JOINED_BYTES - 5, tag)), Accept="text/csv")
    got = answers(exchanged(server, sent * 2 + get("/status", Connection="close")), ["GET"] * 3)
    assert [g[2] for g in got[:2]] == [csv_of(JOINED_BYTES - 5, tag)] * 2
