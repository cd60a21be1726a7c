"""Each client's share of the front's threads and the engine's query slots, as clients meet it
(a real `alliance-graph serve` with two engine threads, so one client may run one query at
once, and three requests answered at once per client), and the counting itself in process."""

import http.client
import json
import re
import socket
import threading
import time
import urllib.parse

import pytest

import servers
from alliance_graph.query.refused import Refused
from alliance_graph.web import retry_after
from alliance_graph.web.client_share import Shares, client_of, request_came, trusted_proxies
from helpers import CRASHER, loaded, read_by_server, request, sent, status, until

TIMEOUT = 4
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LOOKUP = "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("client-share") / "serve.log",
                                          "--workers", "2", "--timeout", str(TIMEOUT),
                                          "--requests-per-client", "3")
    yield port
    servers.stop(process)


def came(shares: Shares, order: list) -> int:
    """Return how many queries went (each named in ``order``) or wait for a slot."""
    with shares.changed:  # the waiters' table, as the threads change it
        return len(order) + len(shares.queue)


def ask(port: int, query: str, source: str = "127.0.0.1") -> tuple[int, dict, bytes, float]:
    """Send a query from the loopback address ``source``; return status, headers, body and
    the seconds it took."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                            source_address=(source, 0))
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read(), \
            time.monotonic() - started
    finally:
        connection.close()


def in_background(port: int, query: str, source: str, count: int) -> tuple[list, list]:
    answers: list = []
    threads = [threading.Thread(target=lambda: answers.append(ask(port, query, source)))
               for _ in range(count)]
    for t in threads:
        t.start()
    return threads, answers


def test_a_client_running_its_share_leaves_an_engine_thread_for_the_others(port):
    # Two heavy queries from one address: the first takes its one engine thread, the second
    # waits for it rather than take the other one, which a lookup from elsewhere finds free.
    # Both engine threads were taken before, and the lookup waited for the time limit.
    threads, answers = in_background(port, SLOW, "127.0.0.1", 2)
    loaded(port, "queries", "running", 1)
    loaded(port, "queries", "waiting for a slot", 1)
    status, _, _, took = ask(port, LOOKUP, "127.0.0.2")
    assert status == 200 and took < 2, (status, took)
    for t in threads:
        t.join()
    # One ran into the time limit; the other waited out its share (429) or ran after it.
    assert sorted(a[0] for a in answers) in ([429, 503], [503, 503]), answers


def page(port: int, path: str, source: str) -> tuple[int, float]:
    """GET a page from the loopback address ``source``; return its status and when it ended."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                            source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic()
    finally:
        connection.close()


def test_a_page_reads_the_engine_within_its_client_s_share_of_queries(port):
    # Only /sparql counted: a client's pages (and Graph Store reads) ran beside its queries on
    # the engine's other threads, so one address could keep every engine thread busy.  Here
    # the client's one query slot is taken by a heavy query: its page waits for that query to
    # end, while another client's page is answered meanwhile.
    ended: dict = {}

    def heavy():
        status = ask(port, SLOW, "127.0.0.5")[0]
        ended["query"] = (status, time.monotonic())

    def reader(source):
        ended[source] = page(port, "/id/IronDome", source)

    threads = [threading.Thread(target=heavy)]
    threads[0].start()
    loaded(port, "queries", "running", 1)
    # The page waits for its client's share up to the time limit, and the query holds it for
    # the limit and the kill that ends it: the page must come that much later, or it is
    # answered 429 (it was, sent the moment the query ran).
    time.sleep(1)
    threads += [threading.Thread(target=reader, args=(s,)) for s in ("127.0.0.5", "127.0.0.6")]
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join()
    assert [ended[k][0] for k in ("query", "127.0.0.5", "127.0.0.6")] == [503, 200, 200], ended
    assert ended["127.0.0.6"][1] < ended["query"][1] <= ended["127.0.0.5"][1], ended


def test_past_its_share_of_requests_a_client_is_answered_429_at_once(port):
    threads, answers = in_background(port, SLOW, "127.0.0.3", 3)
    loaded(port, "requests", "being answered", 4)  # and /status's own
    status, headers, body, took = ask(port, LOOKUP, "127.0.0.3")
    assert status == 429 and took < 2, (status, body)
    assert headers["Retry-After"] == "1" and headers["Content-Type"].startswith("text/plain")
    assert b"its share of requests being answered at once (3)" in body
    assert b"--requests-per-client" in body
    assert ask(port, LOOKUP, "127.0.0.4")[0] == 200  # another client is answered meanwhile
    for t in threads:
        t.join()
    assert ask(port, LOOKUP, "127.0.0.3")[0] == 200  # its own requests ended: its share is back


def test_a_query_that_waited_for_a_slot_is_answered_within_its_time_limit_and_grace(port):
    # Both engine threads held by queries running to the limit, one more query waits for
    # one.  It then ran a whole limit of its own: answered 503 two limits after it was sent
    # (7.6-7.9 s at --timeout 4).  The limit counts from when it came now: answered past it
    # and the grace (about 1 s), saying it waited.  Bounds with a second's margin each way.
    run = time.time_ns()
    threads = [in_background(port, HEAVY.format(f"{run}_{k}"), f"127.0.0.4{k}", 1)[0][0]
               for k in (1, 2)]
    loaded(port, "queries", "running", 2)
    status, headers, body, took = ask(port, HEAVY.format(f"{run}_3"), "127.0.0.43")
    assert status == 503 and took < TIMEOUT + 2.5, (status, body, took)
    # No wait known: come back once a slot held by a query running late is free.
    assert headers["Retry-After"] == str(retry_after.seconds(retry_after.UNKNOWN_WAIT))
    # (Past the limit when it waited longer: "past the 4 s time limit".)
    assert body.startswith(b"the query waited ") and b"other queries" not in body and (
        b"for a query slot, then ran for the rest of the 4 s time limit" in body
        or b"for a query slot, past the 4 s time limit" in body), body
    for t in threads:
        t.join()


def load_from(port: int, source: str) -> dict:
    """Return the server's ``load`` in /status, asked from the loopback address ``source``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                            source_address=(source, 0))
    try:
        connection.request("GET", "/status")
        return json.load(connection.getresponse())["load"]
    finally:
        connection.close()


def answered(sock: socket.socket) -> tuple[int, bytes]:
    """Return the status and body of the answer the server sends on ``sock``, and close."""
    with sock:
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_a_query_that_waited_for_a_front_thread_is_answered_within_its_limit_and_grace(port):
    # Five clients' heavy queries hold 15 of the front's 16 threads (three each, their
    # share), and a sixth's the last (kept for a client with none answered): a query sent
    # now waits for a thread until the flood is answered (429 and 503 at the time limit).
    # Its limit counted from when it asked for a slot, its wait for a thread outside it: it
    # then waited and ran a whole limit and grace of its own.  Now from when it came.
    flood = [sent(port, f"127.0.0.6{k}", request(HEAVY)) for k in range(5) for _ in range(3)]
    try:
        # And /status's own, on the kept thread: asked from an address of its own, which is
        # light (127.0.0.1's queries in the tests before may have made it heavy).
        assert until(lambda: load_from(port, "127.0.0.72")["requests"]["being answered"]
                     == 16, 30)
        flood.append(sent(port, "127.0.0.70", request(HEAVY)))
        read_by_server(flood[-1])
        came = time.monotonic()
        probe = sent(port, "127.0.0.71", request(HEAVY))
        read_by_server(probe)  # read whole, and queued for a thread
        status, body = answered(probe)
        took = time.monotonic() - came
    finally:
        for sock in flood:  # (left open by a failed step, they were the next test's error)
            answered(sock)
    assert status == 503 and took < TIMEOUT + 2.5, (status, body, took)
    # (Or, given a slot as the engine was killed for a query at its limit, it is told it
    # waited for the new engine, or, sent to it, was stopped with it and not sent again.)
    assert b"thread of the server's front" in body \
        or body.startswith((b"the query engine was being started again",
                            b"the engine answering this request was stopped after it had run")), \
        body


def test_a_query_that_waited_for_its_client_s_own_share_is_told_so_not_a_slot(port):
    # One heavy query of the address runs (its share: one at once); its second, sent 0.5 s
    # later, waits for it to end, not for an engine slot (the other is free), then runs for
    # what is left.  Its 503 said "waited 3.6 s for a query slot ... try again when the server
    # is less busy", of a wait its client's own query made.
    run = time.time_ns()
    thread = in_background(port, HEAVY.format(f"{run}_1"), "127.0.0.51", 1)[0][0]
    loaded(port, "queries", "running", 1)
    time.sleep(0.5)
    status, _, body, _ = ask(port, HEAVY.format(f"{run}_2"), "127.0.0.51")
    thread.join()
    assert status == 503 and b"for this client's other queries to end" in body, (status, body)
    assert b"for a query slot" not in body and b"try again when this client's other queries " \
        b"have ended" in body, body


def test_a_client_whose_queries_crashed_the_engine_is_refused_not_its_neighbours(port):
    # Each variant of a crasher (another variable name) is a text never refused before
    # (engine/crashers.py): one address sending them crashed 72 engines in 20 s.  Two crash
    # two engines each; the third is refused 429 unrun, and another client is answered.
    crashed = status(port)["stopped"]["crash"]
    said = [ask(port, CRASHER.replace("?x", f"?{name}"), "127.0.0.61")
            for name in ("a", "b", "c")]
    assert [s[0] for s in said] == [500, 500, 429], said
    assert said[2][2].startswith(b"this client's queries crashed the query engine 4.0 times "
                                 b"of late"), said[2]
    # When to come back, as its text says it (the charge halving below 3: some 124 s).
    stated = re.search(rb"refused for (\d+) s more", said[2][2])
    assert said[2][1]["Retry-After"] == stated[1].decode() and 100 < int(stated[1]) < 130
    assert status(port)["stopped"]["crash"] == crashed + 4
    assert ask(port, LOOKUP, "127.0.0.62")[0] == 200
    assert until(lambda: not status(port)["engine"]["restarting"], 30)


def test_a_client_refused_for_crashing_the_engine_is_told_when_to_come_back_and_counted(port):
    # Every way it asks (the lean /sparql path by GET, HEAD and POST, a Graph Store read and
    # a page through Flask) is refused 429 with Retry-After; on a kept-alive connection the
    # next answer, not a refusal, carries none.  /status counts them, and the client.
    run = time.time_ns()  # texts no other test sent: a crasher kept is refused unrun, uncharged
    for name in ("a", "b"):  # two crash two engines each: 4 of late, 3 refuse
        assert ask(port, CRASHER.replace("?x", f"?{name}{run}"), "127.0.0.63")[0] == 500
    refused = status(port)["refused"]
    before = refused["429"].get("its queries crashed the engine", 0)
    assert refused["clients crashing the engine"] >= 1
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                            source_address=("127.0.0.63", 0))
    # Each query new (its variable named for now): an answer cached is given unrun, no share.
    query = [urllib.parse.urlencode({"query": LOOKUP.replace("?l", f"?l{time.time_ns()}{n}")})
             for n in range(3)]
    asked = [("GET", f"/sparql?{query[0]}", None, {}), ("HEAD", f"/sparql?{query[1]}", None, {}),
             ("POST", "/sparql", query[2], {"Content-Type": "application/x-www-form-urlencoded"}),
             ("GET", "/rdf-graphs?default", None, {}), ("GET", "/id/IronDome", None, {}),
             ("GET", "/search?q=Iron", None, {"Accept": "text/html"})]
    try:
        for method, path, body, headers in asked:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            said = response.read()
            assert response.status == 429, (method, path, response.status, said)
            if method != "HEAD":
                stated = re.search(rb"refused for (\d+) s more", said)[1].decode()
                assert response.headers["Retry-After"] == stated, (method, path)
            assert int(response.headers["Retry-After"]) > 100, (method, path)
            connection.request("GET", "/status")  # the same connection, kept alive
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and response.headers["Retry-After"] is None
    finally:
        connection.close()
    refused = status(port)["refused"]
    assert refused["429"]["its queries crashed the engine"] == before + len(asked)
    assert refused["clients crashing the engine"] >= 1
    assert until(lambda: not status(port)["engine"]["restarting"], 30)


def test_a_share_says_how_much_of_its_wait_its_client_s_own_share_held_it():
    shares = Shares(1, "queries running", slots=2, grace=0.2)
    holder = threading.Thread(target=held_for, args=(shares, "a", 0.6))
    holder.start()
    assert until(lambda: shares.held)
    # Its own share, not a slot, held it: the wait (past the grace, so told) is its share's,
    # but for the moments this thread took to begin waiting and to go on once woken, which a
    # loaded machine stretches (5% of the wait, as this was asserted, is 25 ms).
    with shares.share("a", wait=2.0) as held:
        assert held.waited > 0.2 and held.waited / 2 < held.waited.own <= held.waited
    holder.join()
    shares_b = Shares(2, "queries running", slots=1, grace=0.2)
    holder = threading.Thread(target=held_for, args=(shares_b, "b", 0.6))
    holder.start()
    assert until(lambda: shares_b.held)
    with shares_b.share("a", wait=2.0) as held:  # the one slot, another client's
        assert held.waited > 0.2 and held.waited.own == 0.0
    holder.join()


def test_a_share_counts_the_time_limit_from_when_the_request_came_to_the_front():
    # Its wait for a front thread (``request_came``, which the dispatcher says) is part of
    # the limit and the grace, and said; past them, no slot is taken.
    shares = Shares(2, "queries running", slots=1, grace=0.5)
    try:
        came = time.monotonic() - 0.8
        request_came(came)
        with shares.share("a", wait=1.0) as held:
            inside = time.monotonic()
            assert abs(held.deadline - (came + 1.5)) < 0.05
            # From when it came: 0.8 s, and what this thread took to call and be granted
            # (within 0.05-0.1 s as this was asserted, which a loaded machine overran).
            assert 0.8 <= held.waited.front <= held.waited <= inside - came
        came = time.monotonic() - 2.0
        request_came(came)
        with pytest.raises(Refused) as late, shares.share("a", wait=1.0):
            pass
        # 2.0 s, or a tenth more if this thread was stopped 0.05 s before its call.
        said = re.match(r"this request waited (\d+\.\d) s for a thread of the server's front",
                        str(late.value))
        assert late.value.status == 503 and said, str(late.value)
        assert 2.0 <= float(said[1]) <= time.monotonic() - came + 0.05, str(late.value)
    finally:
        request_came(None)
    with shares.share("a", wait=1.0) as held:  # outside a server's request: from the call
        assert held.waited == 0.0


def test_a_share_gives_its_block_the_rest_of_the_time_and_grace_it_waited_in():
    # Its block's work ends the limit after the grant, or the limit and the grace after the
    # call if that is sooner; with less than LEAST_SECONDS left, the slot is not taken.
    shares = Shares(2, "queries running", slots=1, grace=0.5)
    # Bounds by the times before the call and inside the block, not a margin: a loaded
    # machine may stop this thread between any two of its steps.
    started = time.monotonic()
    with shares.share("a", wait=1.0) as held:  # no wait: the whole limit
        assert held.waited == 0.0 and started + 1.0 <= held.deadline <= time.monotonic() + 1.0
    holder = threading.Thread(target=held_for, args=(shares, "a", 0.8))
    holder.start()
    assert until(lambda: shares.held)
    started = time.monotonic()
    with shares.share("b", wait=1.0) as held:  # waited 0.8, more than the grace
        inside = time.monotonic()
        assert 0.5 < held.waited <= inside - started
        assert started + 1.5 <= held.deadline <= inside - held.waited + 1.5
    holder.join()
    shares, release = Shares(2, "queries running", slots=1, grace=1.0), threading.Event()

    def hold():
        with shares.share("a"):
            release.wait(10)
    holder = threading.Thread(target=hold)
    holder.start()
    assert until(lambda: shares.held)
    # The slot frees 0.05 s before the 0.2 + 1.0 it has end, counted from a time set here
    # (``request_came``), not from the call: this thread, stopped a moment between the timer
    # and the call on a loaded machine, would have more left.
    try:
        request_came(time.monotonic())
        threading.Timer(1.15, release.set).start()
        with pytest.raises(Refused) as refused:
            with shares.share("b", wait=0.2):
                pass
    finally:
        request_came(None)
    assert refused.value.status == 503 and "stayed busy" in str(refused.value)
    holder.join()
    assert not shares.held and not shares.queue.waiting


def test_a_share_is_held_for_the_block_and_given_back():
    shares = Shares(2, "queries running")
    with shares.share("a"), shares.share("a"):
        with pytest.raises(Refused) as refused:
            with shares.share("a"):
                pass
        assert refused.value.status == 429
        assert "its share of queries running at once (2)" in str(refused.value)
        with shares.share("b"):  # another client's share is its own
            assert shares.held == {"a": 2, "b": 1}
    assert not shares.held  # nothing left counted once every block has ended


def test_a_share_given_back_wakes_a_client_waiting_for_it():
    shares = Shares(1, "queries running")
    released = threading.Event()

    def hold():
        with shares.share("a"):
            released.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert until(lambda: shares.held["a"] == 1)
    started = time.monotonic()
    threading.Timer(0.3, released.set).start()
    with shares.share("a", wait=5):
        waited = time.monotonic() - started
    holder.join()
    assert 0.3 <= waited < 5  # woken by the release, not at the end of its wait
    with shares.share("a"), pytest.raises(Refused):
        with shares.share("a", wait=0.2):
            pass


@pytest.mark.parametrize("address, client", [
    ("127.0.0.1", "127.0.0.1"),
    ("::ffff:10.1.2.3", "10.1.2.3"),                       # an IPv4 client on an IPv6 socket
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),          # one host, any address in its /64
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),               # the next block: another client
    ("fe80::1%eth0", "fe80::/64"),
    ("::1", "::/64"),
    (None, None), ("not an address", "not an address"),
])
def test_a_client_is_an_ipv4_address_or_an_ipv6_addresss_64(address, client):
    # Per address, one IPv6 host could be as many clients as its /64 has addresses.
    assert client_of(address) == client


def test_trusted_proxies_are_addresses_written_as_their_connections_report_them():
    # Not X-Forwarded-Port: nginx's usual headers leave a client's own to pass through.
    assert trusted_proxies((), "x-forwarded") == (frozenset(), frozenset(
        {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"}))
    assert trusted_proxies((" 0:0::1 ", "127.0.0.1"), "forwarded") == (
        frozenset({"::1", "127.0.0.1"}), frozenset({"forwarded"}))
    for wrong in ("*", "proxy.local", "10.0.0.0/8", "10.0.0.1, 10.0.0.2"):
        with pytest.raises(ValueError, match="is not an IP address"):
            trusted_proxies(("10.0.0.1", wrong), "x-forwarded")
    with pytest.raises(ValueError, match="unknown proxy headers 'x-real-ip'"):
        trusted_proxies(("10.0.0.1",), "x-real-ip")


def test_a_free_slot_goes_to_a_client_holding_none_before_one_holding_some():
    # Both slots held by one client, its third query waiting first: the slot that frees goes
    # to the client that came after it and holds none.  In the order they came, a client's
    # queued queries kept every other client's waiting behind them.
    shares = Shares(3, "queries running", slots=2, grace=5)
    ends = {name: threading.Event() for name in ("a1", "a2", "a3", "b1")}
    order = []

    def query(name):
        with shares.share(name[0], wait=5):
            order.append(name)
            ends[name].wait(10)

    threads = [threading.Thread(target=query, args=(name,)) for name in ends]
    for n, t in enumerate(threads, 1):
        t.start()
        assert until(lambda n=n: came(shares, order) == n)  # each waits first
    assert order == ["a1", "a2"] and shares.held == {"a": 2}
    ends["a2"].set()
    assert until(lambda: len(order) == 3)
    assert order == ["a1", "a2", "b1"] and shares.held == {"a": 1, "b": 1}
    for event in ends.values():
        event.set()
    for t in threads:
        t.join()
    assert order == ["a1", "a2", "b1", "a3"] and not shares.held


def test_a_query_finding_no_slot_within_its_time_and_grace_is_refused_503():
    shares = Shares(2, "queries running", slots=1, grace=0.3)
    with shares.share("a"):
        started = time.monotonic()
        with pytest.raises(Refused) as refused:
            with shares.share("b", wait=0.2):
                pass
        assert 0.45 < time.monotonic() - started < 2
        assert refused.value.status == 503
        assert "all 1 query slots stayed busy for the whole time limit" in str(refused.value)
    assert not shares.held and not shares.queue.waiting
    shares = Shares(1, "queries running", slots=2, grace=0.3)
    with shares.share("a"), pytest.raises(Refused) as refused:
        with shares.share("a", wait=0.2):  # its own share, as before: 429 at its time
            pass
    assert refused.value.status == 429 and not shares.held and not shares.queue.waiting


def flood(port: int, sources: list[str], query: str) -> list:
    """Send ``query`` (made new for each by its number) from each of ``sources`` in turn, as
    fast as the kernel takes them; return the connections, for ``statuses``."""
    held = []
    for n, source in enumerate(sources):
        sock = socket.create_connection(("127.0.0.1", port), timeout=60,
                                        source_address=(source, 0))
        sock.sendall(b"GET /sparql?" + urllib.parse.urlencode(
            {"query": query.format(f"{time.time_ns()}_{n}")}).encode()
            + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        held.append(sock)
    return held


def statuses(held: list) -> list[int]:
    """Return the status of each connection's answer, once it has come, and close them."""
    found = []
    for sock in held:
        with sock:
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
            found.append(int(data.split(b" ", 2)[1]))
    return found


HEAVY = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"


@pytest.fixture(scope="module")
def shared_port(tmp_path_factory):
    """The port of a server with two engine threads, two queries at once per client."""
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("client-share-flood") / "serve.log",
                                          "--workers", "2", "--queries-per-client", "2",
                                          "--timeout", str(FLOOD_TIMEOUT))
    yield port
    servers.stop(process)


FLOOD_TIMEOUT = 3


def test_a_flood_from_several_addresses_leaves_an_honest_query_the_first_free_slot(shared_port):
    # Three addresses, each within its share (two queries), send queries that run to the time
    # limit: two take the engine's two threads, four wait for one.  The honest lookup that
    # follows was queued behind them and refused 503 at its time limit; now it takes the
    # first thread to free, about one time limit later.
    held = flood(shared_port, [f"127.0.0.{20 + k}" for k in range(3)] * 2, HEAVY)
    status, _, body, took = ask(shared_port, LOOKUP.replace("?l", f"?l{time.time_ns()}"),
                                "127.0.0.30")
    assert status == 200 and took < FLOOD_TIMEOUT + 1.5, (status, body, took)
    assert set(statuses(held)) <= {200, 503}  # ran to their limit, or found no thread


def held_for(shares: Shares, client: str, seconds: float) -> None:
    """Have ``client`` hold one of ``shares`` for ``seconds``: its recent use."""
    with shares.share(client, wait=5):
        time.sleep(seconds)


def in_turn(shares: Shares, names: list[str], order: list, ends: dict) -> list:
    """Start a query for each name (its client the name's first letter), 0.1 s apart, each
    holding its slot until its event in ``ends`` is set; return the threads."""
    def query(name):
        try:
            with shares.share(name[0], wait=5):
                order.append(name)
                ends[name].wait(10)
        except Refused as exc:
            order.append(f"{name} {exc.status}")
    threads = [threading.Thread(target=query, args=(name,)) for name in names]
    for n, t in enumerate(threads, came(shares, order) + 1):
        t.start()
        assert until(lambda n=n: came(shares, order) == n)  # it waits, or it went
    return threads


def test_the_last_free_slot_is_kept_for_a_light_client_and_taken_by_it_at_once():
    # Two slots.  Clients a and b each ran a query past light's 0.2 s: heavy.  a's next takes
    # one slot; b's waits though the other is free, and c, never seen, takes that one at
    # once.  Before, b's took it, and c waited for a query to end: a whole time limit when
    # every slot is held by a query running to it.
    shares = Shares(2, "queries running", slots=2, grace=5, light=0.2, half_life=60)
    for client in "ab":
        held_for(shares, client, 0.3)
    order: list = []
    ends = {name: threading.Event() for name in ("a1", "b1", "c1")}
    threads = in_turn(shares, ["a1", "b1"], order, ends)
    time.sleep(0.2)
    assert order == ["a1"] and shares.held == {"a": 1}  # the slot kept, though b waits
    threads += in_turn(shares, ["c1"], order, ends)
    assert order == ["a1", "c1"]
    ends["a1"].set()  # the last free slot again: kept
    time.sleep(0.2)
    assert order == ["a1", "c1"]
    ends["c1"].set()  # two free: b's query takes one
    assert until(lambda: len(order) == 3)
    assert order == ["a1", "c1", "b1"]
    for event in ends.values():
        event.set()
    for t in threads:
        t.join()
    assert not shares.held and not shares.queue.waiting


def test_a_light_client_holding_a_slot_does_not_take_the_kept_one_too():
    # One light client's second query would hold the kept slot as long as its first: it
    # waits for a slot that is not the last, as the heavy do.
    shares = Shares(2, "queries running", slots=2, grace=5, light=0.2, half_life=60)
    order: list = []
    ends = {name: threading.Event() for name in ("a1", "a2", "b1")}
    threads = in_turn(shares, ["a1", "a2", "b1"], order, ends)
    assert order == ["a1", "b1"]
    for event in ends.values():
        event.set()
    for t in threads:
        t.join()
    assert order == ["a1", "b1", "a2"]


def test_a_heavy_client_that_grows_light_while_it_waits_takes_the_kept_slot():
    # Nothing else changes: it looks again when its use has halved below light.
    # Light again a half-life after (1 s, not 0.3: on a loaded machine b's query came after
    # that, already light, and took the kept slot at once).
    shares = Shares(2, "queries running", slots=2, grace=5, light=0.2, half_life=1.0)
    held_for(shares, "b", 0.4)
    order: list = []
    ends = {name: threading.Event() for name in ("a1", "b1")}
    threads = in_turn(shares, ["a1", "b1"], order, ends)
    assert order == ["a1"]
    assert until(lambda: len(order) == 2)
    assert order == ["a1", "b1"]
    for event in ends.values():
        event.set()
    for t in threads:
        t.join()


def test_with_one_slot_none_is_kept_and_a_heavy_client_is_told_which_slots_were_busy():
    shares = Shares(1, "queries running", slots=1, grace=5, light=0.2, half_life=60)
    held_for(shares, "a", 0.3)
    held_for(shares, "a", 0.0)  # heavy, and the only slot is still its to take
    shares = Shares(2, "queries running", slots=2, grace=0.2, light=0.2, half_life=60)
    held_for(shares, "a", 0.3)
    with shares.share("b"), pytest.raises(Refused) as refused:
        with shares.share("a", wait=0.1):
            pass
    assert refused.value.status == 503
    assert str(refused.value).startswith("all 1 query slots open to this client stayed busy")
