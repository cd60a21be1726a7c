"""A request's target checked as its head is read (``web/request_target.py``); the checks of
its form (a scheme, a path from the root) are pinned in test_request_head.py beside the rest of
the head's."""

import socket
import urllib.parse

from waitress.adjustments import Adjustments

from alliance_graph.web.request_head import Parser


def test_a_target_holding_bytes_that_are_not_ascii_is_told_so_with_the_fix(endpoint):
    # curl sends what it is given as typed: 'http://h/search?q=Äö' was "bad request: Bad
    # URI", naming neither the target nor what to send.
    address = urllib.parse.urlsplit(endpoint)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall("GET /search?q=Äö HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                     .encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert body.decode() == (
        "bad request: the request's target '/search?q=Äö' holds the byte 0xC3, which is not "
        "ASCII: a target is ASCII (RFC 9112, 3.2; RFC 3986), each other byte percent-encoded "
        "(UTF-8's bytes of 'ä' as %C3%A4), as a browser and curl's --data-urlencode (with -G) "
        "send them\n")


def test_a_target_of_bytes_that_are_not_utf8_is_shown_escaped():
    parser = Parser(Adjustments())
    parser.received(b"GET /x\xff\xc3\xa4\x1b HTTP/1.1\r\nHost: x\r\n\r\n")
    assert parser.completed and parser.error.code == 400
    # It was '/x\\\\xff', escaped twice (by backslashreplace, then repr): a target holding a
    # backslash.
    assert "target '/x\\xffä\\x1b' holds the byte 0xFF, which is not ASCII" in parser.error.body


def _sent(endpoint, head: bytes) -> bytes:
    address = urllib.parse.urlsplit(endpoint)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_byte_not_utf8_and_the_text_of_its_escape_are_shown_apart(endpoint):
    # The text '\udcff' beside the byte 0xFF were both shown '\\xff' (and the text '\xff'
    # alike): the text is shown with its backslash doubled, the byte as '\xff'.
    answer = _sent(endpoint, b"GET /x\\udcff\xff\\xff HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert body.decode().startswith(
        "bad request: the request's target '/x\\\\udcff\\xff\\\\xff' holds the byte 0xFF"), body


def test_an_options_of_a_url_with_an_empty_path_is_answered_as_options_star(endpoint):
    # 'OPTIONS http://h HTTP/1.1' was a 308 to http://h/: RFC 9112 (3.2.4) has the last proxy
    # forward it as 'OPTIONS *', which asks of the server.
    host = urllib.parse.urlsplit(endpoint).netloc
    star = _sent(endpoint, f"OPTIONS * HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                 .encode())
    allow = [line for line in star.split(b"\r\n") if line.startswith(b"Allow:")]
    assert star.startswith(b"HTTP/1.1 204 ") and allow == [b"Allow: GET, HEAD, OPTIONS, POST"]
    for target in (endpoint, endpoint + "#top"):
        answer = _sent(endpoint, f"OPTIONS {target} HTTP/1.1\r\nHost: {host}\r\n"
                                 "Connection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 204 ") and allow[0] in answer.split(b"\r\n"), answer
    # With a path, it asks of that path, as before.
    answer = _sent(endpoint, f"OPTIONS {endpoint}/sparql HTTP/1.1\r\nHost: {host}\r\n"
                             "Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 204 ")


def test_any_other_url_with_an_empty_path_is_the_roots(endpoint):
    # 'GET http://h' and 'OPTIONS http://h?x' were a 308 (werkzeug's HTML page) to http://h/,
    # and 'POST http://h' a 404 where 'POST /' is a 405: RFC 3986 (6.2.3) makes them one URL.
    host = urllib.parse.urlsplit(endpoint).netloc
    for line, status, allow in ((f"GET {endpoint}", b"200", None),
                                (f"GET {endpoint}?x=1", b"200", None),
                                (f"POST {endpoint}", b"405", b"Allow: GET, HEAD, OPTIONS"),
                                (f"OPTIONS {endpoint}?x", b"204", b"Allow: GET, HEAD, OPTIONS")):
        answer = _sent(endpoint, f"{line} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                                 "Content-Length: 0\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 " + status + b" "), (line, answer[:300])
        assert allow is None or allow in answer.split(b"\r\n"), (line, answer[:300])


def test_a_url_naming_a_user_is_told_so(endpoint):
    # 'GET http://u:pw@h/' was "a request needs exactly one Host header (or an absolute URL)",
    # which it had: RFC 9110 (4.2.4) has a recipient treat the user as an error.
    host = urllib.parse.urlsplit(endpoint).netloc
    for user in ("u:pw@", "u@", "@"):
        answer = _sent(endpoint, f"GET http://{user}{host}/status HTTP/1.1\r\nHost: {host}\r\n"
                                 "Connection: close\r\n\r\n".encode())
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400 ") and body == (
            b"bad request: the request's target http://user@... names a user, which an http(s) "
            b"URL may not (RFC 9110, 4.2.4): send the URL without it, credentials in an "
            b"Authorization header\n"), (user, body)
