"""A request expecting 100-continue that the app refuses by its head alone gets its refusal,
not "100 Continue" (web/head_refused.py), over a real server's sockets."""

from __future__ import annotations

import re
import socket

import pytest

import servers

ASK = b"query=ASK%7B%7D"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("head_refused") / "serve.log")
    yield ("127.0.0.1", port)
    servers.stop(process)


def read_all(sock: socket.socket) -> bytes:
    """Read until the server closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def statuses(answers: bytes) -> list[bytes]:
    return re.findall(rb"HTTP/1\.1 (\d{3}) ", answers)


@pytest.mark.parametrize("head, status", [
    # A body type /sparql does not take, and one it refuses (an update).
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n", b"415"),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-update\r\n",
     b"403"),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Encoding: gzip\r\n", b"415"),
    (b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n", b"415"),
    # An If-Match no answer made anew meets; a query string that is not UTF-8.
    (b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nIf-Match: \"a\"\r\n",
     b"412"),
    (b"POST /validate?x=%ff HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n",
     b"400"),
    # No Host; a path served by no view; a method the path does not take; two slashes.
    (b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\n", b"400"),
    (b"POST /nothing HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n", b"404"),
    (b"PUT /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n", b"405"),
    (b"POST //sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n",
     b"308"),
])
@pytest.mark.parametrize("framing", [b"Content-Length: 100000\r\n",
                                     b"Transfer-Encoding: chunked\r\n"])
def test_a_request_refused_by_its_head_gets_its_refusal_not_100_continue(endpoint, head,
                                                                           status, framing):
    # Waitress said "100 Continue" as the head was read, before the app was asked: the client
    # sent its whole body to be refused.  The answer now comes first, and the connection
    # closes, the body unread: bytes sent as the body (a request, here) are not answered.
    with socket.create_connection(endpoint, timeout=10) as sock:
        sock.sendall(head + framing + b"Expect: 100-continue\r\n\r\n")
        first = sock.recv(65536)
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n")
        answers = first + read_all(sock)
    assert first.startswith(b"HTTP/1.1 " + status + b" "), first[:300]
    assert statuses(answers) == [status], answers[:600]
    assert b"\r\nConnection: close\r\n" in answers.partition(b"\r\n\r\n")[0]


def test_a_get_with_a_length_gets_its_400_not_100_continue(endpoint):
    # A GET carries its query in its URL, and /sparql refuses one with a body by its length.
    with socket.create_connection(endpoint, timeout=10) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n"
                     b"Expect: 100-continue\r\n\r\n")
        answers = read_all(sock)
    assert statuses(answers) == [b"400"], answers[:600]
    assert b"a GET request carries its query in the URL" in answers


def test_a_request_taken_still_gets_100_continue_and_keeps_its_connection(endpoint):
    with socket.create_connection(endpoint, timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: " + str(len(ASK)).encode() + b"\r\n\r\n")
        assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(ASK + b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"
                           b"Connection: close\r\n\r\n")
        answers = read_all(sock)
    assert statuses(answers) == [b"200", b"200"], answers[:600]


def test_a_refusal_by_the_head_without_expect_reads_the_body_and_keeps_the_connection(
        endpoint):
    # Without Expect the client sends its body at once: read, and the connection goes on.
    with socket.create_connection(endpoint, timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 5\r\n\r\nASK{}"
                     b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"
                     b"Connection: close\r\n\r\n")
        answers = read_all(sock)
    assert statuses(answers) == [b"415", b"200"], answers[:600]
