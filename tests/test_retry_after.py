"""When a refused client may come back (``Retry-After``) and the refusals counted by cause, in
process; over HTTP, in the tests of what refuses (tests/test_client_share.py: a 429 by every
path and method, and on a kept-alive connection; tests/test_connections.py: the front's 503)."""

import pytest

from alliance_graph.web import retry_after


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
