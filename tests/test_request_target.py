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
