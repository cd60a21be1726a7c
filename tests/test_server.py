"""The server as clients meet it: slow and half-sent requests, heavy queries and everyone else,
persistent connections, and the size limits on a request (a real `alliance-graph serve`)."""

import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LOOKUP = "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def address(endpoint) -> tuple[str, int]:
    host, port = endpoint.removeprefix("http://").split(":")
    return host, int(port)


def get(endpoint, query, timeout=30, source="127.0.0.1"):
    """GET a query from the loopback address ``source`` (all of 127/8 is this machine: each
    address is another client, with its own share of the server, client_share.py)."""
    connection = http.client.HTTPConnection(*address(endpoint), timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_half_sent_requests_and_heavy_queries_do_not_hold_up_a_third_client(endpoint):
    slow_clients = []
    for start in (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n",
                  b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                  b"\r\nContent-Length: 1000\r\n\r\nASK {"):
        sock = socket.create_connection(address(endpoint))
        sock.sendall(start)  # ... and nothing more
        slow_clients.append(sock)
    heavy = []
    threads = [threading.Thread(target=lambda: heavy.append(get(endpoint, SLOW)))
               for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        latencies = []
        ends = time.monotonic() + 3  # past the 2 s limit: the heavy ones are stopped meanwhile
        while time.monotonic() < ends:
            started = time.monotonic()
            status, body = get(endpoint, LOOKUP, timeout=5, source="127.0.0.2")
            latencies.append(time.monotonic() - started)
            assert status == 200 and b"Iron Dome" in body
            time.sleep(0.05)
        for thread in threads:
            thread.join()
    finally:
        for sock in slow_clients:
            sock.close()
    assert max(latencies) < 1, f"a lookup took {max(latencies):.2f} s"
    assert [status for status, _ in heavy] == [503, 503]
    assert all(b"limit" in body for _, body in heavy)


def test_an_absurd_content_length_is_refused_before_any_body(endpoint):
    with socket.create_connection(address(endpoint), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                     b"\r\nContent-Length: 99999999999999\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")


def test_a_head_over_the_limit_is_refused(endpoint):
    with socket.create_connection(address(endpoint), timeout=10) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Pad: "
                     + b"a" * 100_000 + b"\r\n\r\n")
        assert sock.recv(4096).split(b" ")[1] in (b"431", b"400")


def test_connections_persist_across_requests(endpoint):
    connection = http.client.HTTPConnection(*address(endpoint), timeout=10)
    try:
        answers = []
        for query in (LOOKUP, "ASK { ?c a ag:Claim }", LOOKUP):
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
            if not answers:
                first_socket = connection.sock
            response = connection.getresponse()
            answers.append((response.status, response.read()))
            assert connection.sock is first_socket, "the server closed a keep-alive connection"
        assert [status for status, _ in answers] == [200, 200, 200]
    finally:
        connection.close()
