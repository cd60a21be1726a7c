"""Requests whose client reset the connection while they waited are dropped, not answered: a real
`alliance-graph serve` (three engine threads, one query at once per client, 16 requests per
client) over raw sockets.  Whether a query ran is read from /status: each lookup that runs puts
its answer in the response cache, whoever reads it; a dropped one puts none.

Waitress reads nothing of a connection whose request is pending, so it never saw the reset:
the query ran for nobody once a thread and a slot were free.  A client that half-closed (an
orderly FIN after its request) and a keep-alive connection pipelining requests wait for
their answers, and get them."""

import json
import socket
import time
import urllib.parse
import urllib.request

import pytest

import servers
from helpers import HEAVY, LOOKUP, loaded, read_by_server, request, reset, sent, statuses

TIMEOUT = 3


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("abandoned") / "serve.log",
                                          "--workers", "3", "--queries-per-client", "1",
                                          "--requests-per-client", "16", "--timeout", str(TIMEOUT))
    yield port
    servers.stop(process)


def status(port: int) -> dict:
    """Return the server's /status."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=60) as response:
        return json.load(response)


def answers_kept(port: int) -> int:
    """Return how many answers the server's response cache holds (/status)."""
    return status(port)["response_cache"]["entries"]


def dropped(port: int, waiting_for: str) -> int:
    """Return how many requests the server dropped that waited for ``waiting_for`` (/status)."""
    return status(port)["dropped"][f"waiting for {waiting_for}"]


def settled(port: int, waiting_for: str, count: int) -> None:
    """Return once /status counts ``count`` requests dropped that waited for ``waiting_for``
    (or after 10 s: the test's own check then says what it found), and 0.3 s more: a
    lookup run though its client is gone (as before) puts its answer in the cache within
    milliseconds of being given its thread or slot, where the dropped ones are counted."""
    deadline = time.monotonic() + 10
    while dropped(port, waiting_for) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)


def test_a_query_whose_client_reset_while_it_waited_for_an_engine_slot_is_not_run(port):
    kept, before = answers_kept(port), dropped(port, "a slot")
    # Three heavy queries take the engine's three threads until the time limit.
    busy = [sent(port, f"127.0.1.{k}", request(HEAVY)) for k in range(1, 4)]
    loaded(port, "queries", "running", 3)
    # Three clients send a lookup each, which takes a front thread and waits for an engine
    # slot; the third pipelines a second lookup behind it, left unread in the socket (a peek
    # finds those bytes, not the reset).  Then each resets its connection (once the server
    # has read its request: a reset read with the request, waitress sees).
    gone = [sent(port, f"127.0.1.{k}", request(LOOKUP)) for k in range(11, 14)]
    loaded(port, "queries", "waiting for a slot", 3)
    read_by_server(gone[-1])  # its first request: the second is left in the socket
    second = request(LOOKUP)
    gone[-1].sendall(second)
    # Behind them, a client that sends its lookup and half-closes (nc -N), and one that does
    # not: both wait for their answers.
    half_closed = sent(port, "127.0.1.21", request(LOOKUP))
    half_closed.shutdown(socket.SHUT_WR)
    honest = sent(port, "127.0.1.22", request(LOOKUP))
    for sock in gone:
        read_by_server(sock, len(second) if sock is gone[-1] else 0)
    loaded(port, "queries", "waiting for a slot", 5)  # the honest two as well
    for sock in gone:
        reset(sock)
    # The slots free at the time limit: the lookups reset are dropped as each would take
    # one (they ran, their answers put in the cache before being written to nobody), and
    # the two that wait for their answers get them.
    assert statuses(half_closed) == [200]
    assert statuses(honest) == [200]
    assert set(sum(map(statuses, busy), [])) == {503}  # stopped at the time limit
    settled(port, "a slot", before + 3)
    assert answers_kept(port) - kept == 2
    assert dropped(port, "a slot") - before == 3  # each said in /status
    # What the dropped ones held is given back: each address may run a query at once.
    for k in range(11, 14):
        assert statuses(sent(port, f"127.0.1.{k}", request(LOOKUP))) == [200]


def test_a_request_whose_client_reset_while_it_waited_for_a_thread_is_not_run(port):
    kept, before = answers_kept(port), dropped(port, "a thread")
    # One client takes all but one of the front's 16 threads with heavy queries: its first
    # runs on an engine thread, the others wait for that one (their client's share of one
    # query at once) and are answered 429 at the time limit (or one runs next, to 503).  Another takes the last thread
    # (kept for a client with nothing answered), and a second engine thread.  The third
    # engine thread stays free.
    flood = [sent(port, "127.0.2.1", request(HEAVY)) for _ in range(15)]
    loaded(port, "requests", "being answered", 16)  # and /status's own, on the kept thread
    last = sent(port, "127.0.2.2", request(HEAVY))
    # Every thread is busy from here on: /status itself would wait for one.  A request the
    # server has read is queued (waitress reads it in its loop, then hands it on).
    read_by_server(last)
    # Clients sending lookups now wait for a thread: three reset once the server has read
    # their requests (a reset it reads with the request, waitress sees), one of them after
    # a second lookup pipelined; a client pipelining two lookups on a kept-alive connection
    # and one that half-closed wait for their answers.
    gone = [sent(port, f"127.0.2.{k}", request(LOOKUP)) for k in range(11, 14)]
    pipelined = sent(port, "127.0.2.21", request(LOOKUP, close=False) + request(LOOKUP))
    half_closed = sent(port, "127.0.2.22", request(LOOKUP))
    half_closed.shutdown(socket.SHUT_WR)
    read_by_server(gone[-1])
    second = request(LOOKUP)
    gone[-1].sendall(second)
    for sock in gone:
        read_by_server(sock, len(second) if sock is gone[-1] else 0)
        reset(sock)
    # Once the flood's waiting queries are refused, threads free, and the engine has one
    # free too: the reset lookups ran at once, for nobody.  Now they are dropped as each is
    # given a thread, and the others are answered.
    assert statuses(pipelined) == [200, 200]
    assert statuses(half_closed) == [200]
    # (A waiting one may take its client's share as the first is stopped, and run to 503.)
    refused = sum(map(statuses, flood + [last]), [])
    assert len(refused) == 16 and set(refused) <= {429, 503}, refused
    settled(port, "a thread", before + 3)
    assert answers_kept(port) - kept == 3
    assert dropped(port, "a thread") - before == 3
    for k in range(11, 14):
        assert statuses(sent(port, f"127.0.2.{k}", request(LOOKUP))) == [200]


def test_a_page_whose_client_reset_while_it_waited_for_an_engine_slot_is_not_read(port):
    # A page reads the engine as a query does, and waits for a slot as one does: held to
    # it by hand only, until /status counted the requests dropped.
    before = dropped(port, "a slot")
    busy = [sent(port, f"127.0.3.{k}", request(HEAVY)) for k in range(1, 4)]
    loaded(port, "queries", "running", 3)
    page = sent(port, "127.0.3.11", b"GET /id/IronDome?nonce=%d HTTP/1.1\r\nHost: x\r\n"
                b"Connection: close\r\n\r\n" % time.time_ns())
    honest = sent(port, "127.0.3.12", request(LOOKUP))
    read_by_server(page)
    loaded(port, "queries", "waiting for a slot", 2)  # the page and the honest lookup
    reset(page)
    assert statuses(honest) == [200]
    assert set(sum(map(statuses, busy), [])) == {503}
    assert dropped(port, "a slot") - before == 1
    # The page itself, asked again, is read.
    assert statuses(sent(port, "127.0.3.11", b"GET /id/IronDome HTTP/1.1\r\nHost: x\r\n"
                         b"Connection: close\r\n\r\n")) == [200]
