"""Check a request's target as its head is read (``request_head.Parser``): a target this server
cannot be addressed by, or one that is no path, is a 400 saying why, before any of it is routed.

- **An absolute-form target of another scheme than http and https, or with no host**
  (``ftp://h/sparql``, ``https:///sparql``): answered as ``http://h/sparql``, or by the Host
  header.
- **A target that is no path beginning with "/"** (``GET status``, ``GET %2Fstatus``), save an
  OPTIONS's ``*``: answered as ``/status``, where a proxy in front, whose rules match paths,
  reads no path in it.
- **An OPTIONS's absolute-form target with an empty path and no query** (``OPTIONS
  http://h``): answered as ``OPTIONS *``, which RFC 9112 (3.2.4) has the last proxy forward
  it as, where werkzeug answered it 308 to ``http://h/``; any other with an empty path
  (``GET http://h``, ``OPTIONS http://h?x``) is the root's, ``/``, which RFC 3986 (6.2.3)
  makes the same URL, where werkzeug answered it 308, an HTML page, to ``http://h/``.
- **An absolute-form target naming a user** (``GET http://u:pw@h/``): said so (RFC 9110,
  4.2.4), where it was "a request needs exactly one Host header".
- **A target holding bytes that are not ASCII** (``curl 'http://h/search?q=Äö'``, which sends
  the UTF-8 bytes as typed): waitress's "Bad URI", which named neither the target nor the fix.
"""

from __future__ import annotations

import re

from waitress.parser import ParsingError

from ..clipping import clipped


def said(request, exc: ParsingError) -> ParsingError:
    """Return the refusal to send for ``exc``, waitress's of ``request``'s head: its "Bad URI"
    of a target holding bytes that are not ASCII said with the target and the fix, any other
    as it is."""
    target = getattr(request, "request_uri", "")
    if str(exc) != "Bad URI" or target.isascii():
        return exc
    first = next(c for c in target if not c.isascii())  # a byte: the head is read as latin-1
    shown = target.encode("latin-1").decode("utf-8", "surrogateescape")
    return ParsingError(f"the request's target {clipped(shown, show=_quoted)} holds the byte "
                        f"0x{ord(first):02X}, which is not ASCII: a target is ASCII (RFC 9112, "
                        "3.2; RFC 3986), each other byte percent-encoded (UTF-8's bytes of 'ä' "
                        "as %C3%A4), as a browser and curl's --data-urlencode (with -G) send them")


# An escape ``\\udcXX`` repr writes for a byte not UTF-8, not the text "\\udcXX" of the
# target itself (repr writes its backslash doubled): after an even run of backslashes alone.
_BYTE = re.compile(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])")


def _quoted(target: str) -> str:
    """Return ``target`` (bytes not UTF-8 held as ``\\udcff``) quoted, each such byte written
    ``\\xff`` and a backslash of the target doubled, as repr writes it: escaped by
    backslashreplace and then by repr, each byte was written with two backslashes, as a
    target holding a backslash is; and a target holding the text ``\\udcff`` beside the byte
    0xFF was shown ``\\\\xff`` and ``\\xff``, as the text ``\\xff`` and the byte are."""
    return _BYTE.sub(r"\1\\x\2", repr(target))


def check(request) -> None:
    """Raise ParsingError for an absolute-form target (``GET https://h/sparql``) this server
    cannot be addressed by: one of a scheme other than http and https (``ftp://h/sparql`` was
    answered as ``http://h/sparql``, its host taken for the request's), or with no host
    (``https:///sparql``, which RFC 9110, 4.2.1, asks a recipient to reject; the Host header
    was used instead)."""
    scheme = request.proxy_scheme.lower()
    if request.command == "CONNECT":  # its authority: refused after the head (501)
        return
    if not scheme:
        _check_origin_target(request.request_uri, request.command)
        return
    if scheme not in ("http", "https"):
        raise ParsingError(f"the request's target is a URL of scheme {scheme}:, this server "
                           "answers http and https ones, or a path: 'GET /sparql?query=... "
                           "HTTP/1.1'")
    if not request.proxy_netloc.rpartition("@")[2].split(":")[0]:
        raise ParsingError(f"the request's target {scheme}://... names no host (RFC 9110, "
                           "4.2.1): name one, or send the path alone with a Host header")
    if "@" in request.proxy_netloc:  # was "a request needs exactly one Host header"
        raise ParsingError(f"the request's target {scheme}://user@... names a user, which an "
                           "http(s) URL may not (RFC 9110, 4.2.4): send the URL without it, "
                           "credentials in an Authorization header")
    if not request.path:
        if request.command == "OPTIONS" and "?" not in request.request_uri:
            request.path = request.request_uri = "*"  # of the server, not of its root (RFC 9112)
        else:
            request.path = "/"  # the root's (RFC 3986, 6.2.3), not a 308 to it


def _check_origin_target(target: str, method: str) -> None:
    """Raise ParsingError for a target with no scheme that is no path beginning with "/"
    (RFC 9112, 3.2.1), nor the "*" of an OPTIONS (3.2.4): "GET status", "GET %2Fstatus" and
    "GET sparql?query=..." were answered as /status and /sparql, where a proxy in front,
    whose rules match paths, reads no path in them."""
    if target.startswith("/") or (target == "*" and method == "OPTIONS"):
        return
    raise ParsingError(f"the request's target {clipped(target, show=repr)} is no path: a path "
                       "begins with '/', as in 'GET /sparql?query=... HTTP/1.1' (RFC 9112, "
                       "3.2.1)")
