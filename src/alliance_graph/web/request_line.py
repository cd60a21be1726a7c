"""What the front refuses in a request line as soon as it has arrived (``request_head.Parser``
asks, before waitress reads the head):

- **An HTTP version this server does not speak**: HTTP/2 and beyond (``HTTP/2.0``: a client
  taking this port for an HTTP/2 one), a 505 (RFC 9110, 15.6.6); a request line with no
  version at all, HTTP/0.9's, whose answer would have no status line nor headers, a 400.
  Waitress answered both as HTTP/1.0 requests.  A version written without its minor number, as
  HTTP/2 and HTTP/3 are named (``HTTP/3``), is judged by its major one, where waitress gave a
  bare 400.
- **A method this server does not know** (``BREW``, ``FOO``; ``get``, methods being
  case-sensitive): a 501 (RFC 9110, 15.6.2), naming the method meant or the methods taken.
  Flask answered an unknown upper-case one 405 with ``Allow``, as if it were a method the path
  did not allow (15.5.6); waitress answered a lower-case one "400 Malformed HTTP method", in
  HTTP/1.0.
- **Anything but empty lines before it** (``lead_refusal``): RFC 9112 (2.2) lets a server
  skip empty lines, each a CR LF, before a request line (a client may end a POST's body with
  one more); not a bare CR or LF, nor whitespace before the method (the line is ``method SP
  target SP version``, 3).  Waitress stripped all of them, so `` GET /`` and ``\rGET /``
  were answered as ``GET /``, where a proxy in front may read them otherwise: a 400.
- **A line that is no request line** (``form_refusal``): a method holding a character no
  method holds (``G@T``, a NUL, the first bytes of a TLS handshake sent to this plain-HTTP
  port), two spaces where one goes, a space inside the target: a 400 saying which, in
  HTTP/1.1, where waitress answered "Start line is invalid" in HTTP/1.0.
"""

from __future__ import annotations

import re

from waitress.parser import first_line_re
from waitress.utilities import BadRequest, Error, ServerNotImplemented

from ..clipping import clipped

# What may begin a request (``lead_refusal``): empty lines, each a CR LF, then a method's
# first character or, the request not whole yet, half a CR LF.
_LEAD = re.compile(rb"(?:\r\n)*(?:\r|[^\r\n \t\x0b\x0c])?")
_EMPTY_LINES = re.compile(rb"(?:\r\n)*")
_SPACES = {b" ": "a space", b"\t": "a tab", b"\x0b": "a vertical tab", b"\x0c": "a form feed"}

# A method's characters (RFC 9110, 5.6.2: a token), as waitress reads a request line.
_METHOD = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_METHOD_SO_FAR = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]*")

# A request line of a method, a target and what a version would be but for its spelling.
_VERSION_LIKE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ ]+ (?P<version>(?i:HTTP)/[^ ]*)")

# A request line whose version has no minor number (waitress's line needs one): its major.
_MAJOR_ONLY = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ ]+ HTTP/(?P<major>[0-9])")


class VersionNotSupported(Error):
    """505: the request's major version of HTTP is not one this server speaks."""

    code = 505
    reason = "HTTP Version Not Supported"


def version_refusal(line: bytes) -> Error | None:
    """Return the refusal of a request line whose HTTP version this server does not speak
    (without its line end), or None: for an HTTP/1 line, and for one that is no request line
    at all, which waitress refuses once the head has ended."""
    match = first_line_re.fullmatch(line)
    if match is None:
        major = _MAJOR_ONLY.fullmatch(line)
        if major is None:
            return None
        if major["major"] == b"1":
            return BadRequest("HTTP/1 has no minor version: end the request line with "
                              "HTTP/1.1")
        return VersionNotSupported(f"HTTP/{major['major'].decode()}: this server speaks "
                                   "HTTP/1.1 (and HTTP/1.0); send the request in HTTP/1.1")
    version = match["version"]
    if version is None:
        return BadRequest("the request line has no HTTP version (HTTP/0.9, which this server "
                          "does not speak): end it with HTTP/1.1, as in "
                          "'GET /sparql?query=... HTTP/1.1', then the headers")
    if not version.startswith(b"1."):
        return VersionNotSupported(f"HTTP/{version.decode()}: this server speaks HTTP/1.1 "
                                   "(and HTTP/1.0); send the request in HTTP/1.1")
    return None


# The methods this server knows: those RFC 9110 (9.3) and RFC 5789 define.  A path answers
# one it does not take 405 with Allow (CONNECT, a 501: no tunnel is opened); any other
# method, in any case, is one it does not know, a 501 (RFC 9110, 15.6.2).
KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
                           "TRACE", "PATCH"))
# The methods some path of this server takes, as its advice names them.
TAKEN_METHODS = "GET, HEAD, OPTIONS and POST"


def method_refusal(line: bytes) -> Error | None:
    """Return the refusal of a request line whose method is not one this server knows (its
    request line, without its line end), a 501 (RFC 9110, 15.6.2): ``BREW``, or ``get``
    (methods are case-sensitive), naming the method meant; or None, for a known method and
    for a line that is no request line (refused once the head has ended)."""
    match = first_line_re.fullmatch(line)
    if match is None:
        return None
    method = match["method"].decode("latin-1")
    if method in KNOWN_METHODS:
        return None
    meant = method.upper()
    advice = f"methods are case-sensitive (RFC 9110, 9.1); send {meant}" \
        if meant in KNOWN_METHODS else f"the methods this server takes are {TAKEN_METHODS}"
    return ServerNotImplemented(f"{clipped(method, show=repr)} is no method this server knows: "
                                f"{advice}")


def lead_refusal(lead: bytes) -> Error | None:
    """Return the refusal of what begins a request (``lead``: the empty lines before its
    request line, if any, then the line's first byte, as far as they have arrived), a 400
    for a bare CR or LF or whitespace there, or None (RFC 9112, 2.2 and 3)."""
    if _LEAD.fullmatch(lead):
        return None
    at = _EMPTY_LINES.match(lead).end()
    if lead[at:at + 1] not in (b"\r", b"\n"):
        return BadRequest(f"the request line begins with {_SPACES[lead[at:at + 1]]}: begin "
                          "it with its method, as in 'GET /sparql?query=... HTTP/1.1' (RFC "
                          "9112, 3)")
    bare = "a bare LF" if lead[at:at + 1] == b"\n" else "a bare CR"
    return BadRequest(f"{bare} before the request line: only empty lines, each ended by "
                      "CR LF, may come before it (RFC 9112, 2.2)")


def form_refusal(line: bytes) -> Error | None:
    """Return the refusal of a request line (without its line end) that is not ``method SP
    target SP version``, trailing whitespace aside (waitress strips it), saying what is
    wrong; or None."""
    if first_line_re.fullmatch(line.rstrip()):
        return None
    method = line.split(b" ", 1)[0]
    if method.startswith(b"\x16"):  # a TLS record of a handshake (no method has the byte)
        return BadRequest("the request begins as a TLS handshake does: this port speaks plain "
                          "HTTP; use an http:// URL, not https://")
    if not _METHOD.fullmatch(method):
        odd = chr(method[_METHOD.match(method).end() if _METHOD.match(method) else 0])
        shown = clipped(method.decode("latin-1"), show=repr)
        return BadRequest(f"the request line's method {shown} has {odd!r} in it, which no "
                          "method has (RFC 9110, 9.1): begin the line with one, as in "
                          "'GET /sparql?query=... HTTP/1.1'")
    version = _VERSION_LIKE.fullmatch(line.rstrip())
    if version is not None:
        # "HTTP/1.10", "HTTP/1.1.1", "http/1.1": told of spaces and %20, which were not it.
        return BadRequest(f"{clipped(version['version'].decode('latin-1'), show=repr)} is no "
                          "HTTP version: one is HTTP/, in capitals, then a digit, a dot and a "
                          "digit (RFC 9112, 2.3); end the request line with HTTP/1.1")
    shown = clipped(line.decode("latin-1"), show=repr)
    return BadRequest(f"the request line {shown} is not a method, a target and 'HTTP/1.1', "
                      "each after one space (RFC 9112, 3): a space inside the target is sent "
                      "as %20")


def method_char_refusal(arrived: bytes | bytearray, old: int) -> tuple[bool, Error | None]:
    """Judge the bytes of a request line's method that arrived from ``old`` on (those before
    were a method's): return whether the method has ended, and the refusal of a byte in it
    that no method has (a NUL, a TLS handshake's first bytes), as soon as it arrives, where
    the line was read on until its LF came (none in a TLS handshake: its connection was held
    until the request's deadline, 30 s)."""
    at = _METHOD_SO_FAR.match(arrived, old).end()
    if at == len(arrived):
        return False, None
    if arrived[at] in b" \r\n":  # its end, or a line the line's own judges take
        return True, None
    return True, form_refusal(bytes(arrived[:at + 1]))


def line_refusal(line: bytes) -> Error | None:
    """Return the refusal of a request line (without its line end), its version judged
    first, then its method, then its form; or None."""
    return version_refusal(line) or method_refusal(line) or form_refusal(line)
