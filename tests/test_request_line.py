"""The request line's judges (``request_line.py``): the HTTP versions and methods this server
refuses as soon as a request line has arrived, and with which status.  How the front reads a
head as it arrives, line and all, is tested in test_request_head.py."""

import pytest

from alliance_graph.web.request_line import (
    form_refusal,
    lead_refusal,
    method_char_refusal,
    method_refusal,
    version_refusal,
)


@pytest.mark.parametrize("line, code", [
    (b"GET /sparql HTTP/2.0", 505), (b"GET /sparql HTTP/3.0", 505), (b"PRI * HTTP/2.0", 505),
    (b"GET /sparql HTTP/0.9", 505), (b"GET /sparql", 400), (b"GET /sparql?query=ASK%7B%7D", 400),
    (b"GET /sparql HTTP/1.1", None), (b"POST /sparql HTTP/1.0", None),
    (b"GET /sparql HTTP/1.2", None),  # read as HTTP/1.1
    # No minor version, as HTTP/2 and HTTP/3 are named: waitress's bare 400 once the head ended.
    (b"GET /sparql HTTP/3", 505), (b"GET /sparql?query=ASK%7B%7D HTTP/2", 505),
    (b"GET /sparql HTTP/1", 400),
    (b"not a request line", None),    # waitress's own 400 once the head ends
])
def test_a_request_line_is_judged_by_its_version(line, code):
    refusal = version_refusal(line)
    assert (refusal and refusal.code) == code


@pytest.mark.parametrize("line, says", [
    (b"get /sparql HTTP/1.1", "'get' is no method this server knows: methods are "
                              "case-sensitive (RFC 9110, 9.1); send GET"),
    (b"Post /validate HTTP/1.1", "send POST"),
    (b"brew / HTTP/1.1", "the methods this server takes are GET, HEAD, OPTIONS and POST"),
    # An unknown method in upper case: Flask's 405 with Allow, as if the path did not take a
    # method the server knows (RFC 9110, 15.5.6 and 15.6.2).
    (b"BREW / HTTP/1.1", "'BREW' is no method this server knows: the methods this server "
                         "takes are GET, HEAD, OPTIONS and POST"),
    (b"FOO /sparql HTTP/1.1", "'FOO' is no method"),
    (b"GET /sparql HTTP/1.1", None), (b"DELETE /sparql HTTP/1.1", None),  # known: Flask's 405
    (b"TRACE / HTTP/1.1", None), (b"CONNECT h:443 HTTP/1.1", None),  # (CONNECT's 501 later)
    (b"not a request line", None),
])
def test_a_method_this_server_does_not_know_is_a_501_naming_the_one_meant(line, says):
    # Waitress's "400 Malformed HTTP method "get"", in HTTP/1.0, though "get" is a token.
    refusal = method_refusal(line)
    assert (refusal and refusal.code) == (says and 501)
    assert says is None or says in refusal.body


@pytest.mark.parametrize("lead, says", [
    (b"G", None), (b"\r\nG", None), (b"\r\n\r\n", None), (b"\r\n\r", None), (b"", None),
    (b" ", "begins with a space"), (b"\r\n\t", "begins with a tab"),
    (b"\x0c", "begins with a form feed"),
    (b"\rG", "a bare CR before the request line"), (b"\r\r", "a bare CR"),
    (b"\n", "a bare LF before the request line"), (b"\r\n\n", "a bare LF"),
])
def test_only_empty_lines_may_come_before_a_request_line(lead, says):
    # RFC 9112 (2.2): empty lines (CR LF) may be skipped before it; waitress stripped any
    # whitespace, bare CRs and LFs too.
    refusal = lead_refusal(lead)
    assert (refusal and refusal.code) == (says and 400)
    assert says is None or says in refusal.body


@pytest.mark.parametrize("line, says", [
    (b"GET  /status HTTP/1.1", "is not a method, a target and 'HTTP/1.1', each after one space"),
    (b"GET /sta tus HTTP/1.1", "a space inside the target is sent as %20"),
    (b"G@T /status HTTP/1.1", "method 'G@T' has '@' in it, which no method has"),
    (b"\x00GET /status HTTP/1.1", "method '\\x00GET' has '\\x00' in it"),
    (b"\x16\x03\x01\x02\x00", "begins as a TLS handshake does: this port speaks plain HTTP"),
    # A version misspelt: it was told of spaces and %20 in the target.
    (b"GET /status HTTP/1.10", "'HTTP/1.10' is no HTTP version: one is HTTP/, in capitals, "
                               "then a digit, a dot and a digit (RFC 9112, 2.3); end the "
                               "request line with HTTP/1.1"),
    (b"GET /status HTTP/1.1.1", "'HTTP/1.1.1' is no HTTP version"),
    (b"GET /status http/1.1", "'http/1.1' is no HTTP version: one is HTTP/, in capitals"),
])
def test_a_line_that_is_no_request_line_is_a_400_saying_what_is_wrong(line, says):
    # Waitress's "Start line is invalid", in HTTP/1.0, said nothing of what was wrong.
    refusal = form_refusal(line)
    assert refusal.code == 400 and says in refusal.body, refusal.body


@pytest.mark.parametrize("line", [b"GET /status HTTP/1.1", b"GET /status HTTP/1.1 \t",
                                  b"GET /status"])  # the last: HTTP/0.9, version_refusal's
def test_a_request_line_and_trailing_whitespace_are_no_form_refusal(line):
    assert form_refusal(line) is None


def test_a_method_is_judged_byte_by_byte_as_it_arrives():
    assert method_char_refusal(b"GE", 0) == (False, None)
    assert method_char_refusal(b"GET ", 2) == (True, None)
    assert method_char_refusal(b"GET\r", 2) == (True, None)  # the line's judges take it
    ended, refusal = method_char_refusal(b"\x16", 0)
    assert ended and "TLS handshake" in refusal.body
    ended, refusal = method_char_refusal(b"GE@", 2)
    assert ended and "'GE@' has '@' in it" in refusal.body
