"""The client a request from the trusted reverse proxy stands for, read from its headers
(the middleware alone; tests/test_connections.py has a real server behind a proxy)."""

import pytest

from alliance_graph.web import forwarding


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
