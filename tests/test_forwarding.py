"""The client a request from the trusted reverse proxy stands for, read from its headers
(the middleware alone; tests/test_connections.py has a real server behind a proxy)."""

import pytest

import servers
from alliance_graph.web import forwarding
from helpers import fetch


def forwarded_client(header: str) -> tuple[str, str | None]:
    """Return the status the ``forwarded`` middleware gives a request from a trusted proxy
    sending ``Forwarded: header``, and the client address the app then sees."""
    seen, answered = {}, []
    app = forwarding.forwarded(lambda environ, start: (seen.update(environ), start(
        "200 OK", []), [b""])[-1], frozenset({"127.0.0.9"}), frozenset({"forwarded"}))
    environ = {"REMOTE_ADDR": "127.0.0.9", "HTTP_FORWARDED": header, "wsgi.url_scheme": "http"}
    app(environ, lambda status, headers: answered.append(status))
    return answered[0], seen.get("REMOTE_ADDR")


@pytest.mark.parametrize("header, status, client", [
    ('for="[2001:db8::1:2]"', "200 OK", "2001:db8::1:2"),
    ("for=192.0.2.7", "200 OK", "192.0.2.7"),
    ("for=unknown", "200 OK", "unknown"),              # RFC 7239's obfuscated identifiers
    # Unquoted, it was read as 2001:db8:0:0:1:2:3 and a port 4: another client, another /64.
    ("for=2001:db8:0:0:1:2:3:4", "400 Bad Request", None),
    # A blank address: waitress's parser raised IndexError, a 500 with a traceback.
    ('for=" "', "400 Bad Request", None), ('for=":"', "400 Bad Request", None),
])
def test_a_forwarded_client_is_an_address_or_refused(header, status, client):
    assert forwarded_client(header) == (status, client)


def prefixed(headers: dict, trusted=frozenset({"x-forwarded-for", "x-forwarded-host",
                                               "x-forwarded-proto"}), peer="127.0.0.9"):
    """Return the status and the SCRIPT_NAME the app sees for a request from ``peer``."""
    seen, answered = {}, []
    app = forwarding.forwarded(lambda environ, start: (seen.update(environ), start(
        "200 OK", []), [b""])[-1], frozenset({"127.0.0.9"}), trusted)
    environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http", "SCRIPT_NAME": "",
               **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}}
    app(environ, lambda status, headers: answered.append(status))
    return answered[0], seen.get("SCRIPT_NAME"), "HTTP_X_FORWARDED_PREFIX" in seen


@pytest.mark.parametrize("prefix, status, script_name", [
    ("/graph", "200 OK", "/graph"), ("/graph/", "200 OK", "/graph"),
    ("/a/b", "200 OK", "/a/b"), ("/", "200 OK", ""),
    # Written into every link of a page: nothing that ends an attribute or a path is taken.
    ('/g"><script>', "400 Bad Request", None), ("graph", "400 Bad Request", None),
    ("/g?x=1", "400 Bad Request", None), ("//evil.example", "400 Bad Request", None),
])
def test_a_trusted_proxys_prefix_is_the_path_the_site_is_served_under(prefix, status,
                                                                     script_name):
    assert prefixed({"X-Forwarded-Prefix": prefix}) == (status, script_name, False)


def test_a_prefix_is_read_from_a_trusted_proxy_sending_x_forwarded_alone():
    # A client's own header, or one under RFC 7239's Forwarded (which has no prefix), is
    # dropped unread: a client could otherwise send every page's links elsewhere.
    assert prefixed({"X-Forwarded-Prefix": "/graph"}, peer="192.0.2.1") == ("200 OK", "", False)
    assert prefixed({"X-Forwarded-Prefix": "/graph", "Forwarded": "for=192.0.2.7"},
                    trusted=frozenset({"forwarded"})) == ("200 OK", "", False)


@pytest.mark.server
def test_pages_behind_a_proxy_passing_its_prefix_link_under_it(tmp_path):
    # Behind a proxy at /graph/ that passes requests on without it, the pages linked off the
    # site (/id/IronDome), and `serve` had no way to be told the prefix.
    port, process = servers.serve_shipped(tmp_path / "serve.log",
                                          "--trusted-proxy", "127.0.0.1")
    try:
        headers = {"X-Forwarded-For": "192.0.2.7", "X-Forwarded-Prefix": "/graph"}
        status, _, body = fetch(f"http://127.0.0.1:{port}/search?q=iron+dome",
                                headers={**headers, "Accept": "text/html"})
        assert status == 200 and 'href="/graph/id/IronDome"' in body.decode(), body[:2000]
        assert 'href="/id/IronDome"' not in body.decode()
        status, _, body = fetch(f"http://127.0.0.1:{port}/nothing", headers=headers)
        assert status == 404 and b"the endpoint is at /graph/sparql" in body
    finally:
        servers.stop(process)
