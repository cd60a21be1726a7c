"""When a refused client may come back (``Retry-After``) and the refusals counted by cause, in
process; over HTTP, in the tests of what refuses (tests/test_client_share.py: a 429 by every
path and method, and on a kept-alive connection; tests/test_connections.py: the front's 503),
and here the 503 that says no when (a query stopped at its own limit)."""

import http.client
import urllib.parse

import pytest

import servers
from alliance_graph.web import retry_after
from helpers import status, until

# A cross product no engine ends within the limit, the only query it answers.
ENDLESS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("retry-after") / "serve.log",
                                          "--workers", "1", "--timeout", "0.5")
    yield port
    servers.stop(process)


@pytest.mark.parametrize(("wait", "said"), [(0.0, 1), (0.2, 1), (1.0, 1), (1.05, 2),
                                            (123.01, 124)])
def test_a_wait_is_said_in_whole_seconds_rounded_up_at_least_one(wait, said):
    # Rounded down, a client coming back when told would come back too soon.
    assert retry_after.seconds(wait) == said


def test_only_a_429_or_a_503_says_when_to_come_back_and_is_counted():
    before = retry_after.counts()
    assert retry_after.headers(404) == retry_after.headers(500) == []
    assert retry_after.headers(429, 41.5, "its queries crashed the engine") == \
        [("Retry-After", "42")]
    # No wait known: come back once a slot held by a query running late is free.
    assert retry_after.headers(503) == [("Retry-After", str(
        retry_after.seconds(retry_after.UNKNOWN_WAIT)))]
    # An answer made for a client already gone is never sent: not counted.
    assert retry_after.headers(503, cause="query slots busy", counted=False)
    after = retry_after.counts()
    assert set(after) == {"429", "503"}
    assert after["429"]["its queries crashed the engine"] == \
        before["429"].get("its queries crashed the engine", 0) + 1
    assert after["503"]["the engine or the server"] == \
        before["503"].get("the engine or the server", 0) + 1
    assert after["503"].get("query slots busy", 0) == before["503"].get("query slots busy", 0)


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_a_query_stopped_at_its_own_time_limit_says_no_when_to_come_back(port, method):
    # It said "narrow it or add a LIMIT" with Retry-After: 2, which urllib3's Retry (by
    # default) reads as "send it again": each try another whole limit of an engine thread.
    assert until(lambda: not status(port)["engine"]["restarting"], 30)  # the last one's kill
    before = status(port)
    query = urllib.parse.urlencode({"query": f"{ENDLESS} # {method}"})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        if method == "POST":
            connection.request("POST", "/sparql", query,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        else:
            connection.request(method, f"/sparql?{query}")
        response = connection.getresponse()
        said = response.read()
    finally:
        connection.close()
    assert response.status == 503, said
    assert method == "HEAD" or b"narrow it or add a LIMIT" in said, said
    assert response.headers["Retry-After"] is None
    after = status(port)
    assert after["stopped"]["time"] == before["stopped"]["time"] + 1
    assert after["refused"]["503"] == before["refused"]["503"]  # no come back, not counted
