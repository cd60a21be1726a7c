"""What a remote store says when it refuses: its message in one line, placed as the user wrote.

A store answers an error with text of its own (a line, a stack trace, a proxy's HTML page);
``remote`` quotes its first line (with the lines going on from it) in a ``StoreError`` or
``QueryError``.
"""

from __future__ import annotations

import errno
import html
import http.client
import re
import socket
import ssl
import urllib.error
import urllib.parse

from ..clipping import clipped
from ..sparql import one_line, syntax_error


def shown(url: str) -> str:
    """Return a store's URL as a message names it: its query string and login left out, since
    either may hold a key, and the endpoint's 502 shows the message to any client."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # "http://[bad": a redirect's Location, said as far as it reads
        return url.partition("?")[0].rpartition("@")[2]
    where = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, where, parts.path,
                                    "..." if parts.query else "", ""))


def unaddressed(message: str, *urls: str | None) -> str:
    """Return a message with the store's addresses, ``urls`` (each as ``shown`` names it, then
    its host and port, then its host), said as "the store" and "the store's host": the words
    of a store, a proxy or the OS quoted in it may name the host ("certificate is not valid
    for 'store.internal'"), and a public endpoint should not tell its clients where its store
    lives."""
    for url in filter(None, urls):
        message = message.replace(shown(url), "the store").replace(
            shown(url).removesuffix("?..."), "the store")
    for url in filter(None, urls):
        try:
            parts = urllib.parse.urlsplit(url)
            host = parts.hostname
        except ValueError:
            continue
        where = parts.netloc.rpartition("@")[2]
        # A host of one label (a compose file's service name, "virtuoso", "store") reaches
        # nothing from outside, and is a word of the messages too ("Virtuoso 37000 Error",
        # "the store rejected"): only an address or a dotted name is said otherwise.
        names = (where, host, f"[{host}]" if host and ":" in host else None)
        for name in (n for n in names if n and ("." in n or ":" in n)):
            message = re.sub(rf"(?<![\w.-]){re.escape(name)}(?![\w-]|\.\w)",
                             "the store's host", message, flags=re.I)
    return message


def first_line(text: str, limit: int = 300) -> str:
    """Return the first line of a store's message that says something, with the lines that
    go on from it (up to a blank or an indented one: Virtuoso's echo of the query after a
    blank line, a stack trace's frames), on one line, past ``limit`` characters by its start,
    an ellipsis and its length (``clipping.clipped``).

    An Oxigraph server's message is its parser's, which breaks its list of what it expected
    over lines: its first line alone was cut inside a character class ("... '\\u{00F6}'"),
    the rest of the list lost.  The lines are joined, and that list said short, as the local
    store says its parser's (``sparql.one_line``), before the limit cuts anything."""
    lines = text.splitlines()
    start = next((n for n, ln in enumerate(lines) if ln.strip()), None)
    if start is None:
        return "(no message)"
    end = next((n for n in range(start + 1, len(lines))
                if not lines[n].strip() or lines[n][0].isspace()), len(lines))
    line = one_line("\n".join(lines[start:end]).strip())
    return clipped(line, limit)


# A place on a query's first line in a store's message: Oxigraph's "error at 1:38", Jena's
# "line 1, column 38".
_FIRST_LINE_PLACE = re.compile(r"(\bat 1:|\bline 1, column )(\d+)")


def unshifted(message: str, shift: int) -> str:
    """Return a store's message with a place on the query's first line told as the user wrote
    it: the prologue the query was sent with (its prefixes) sits on that line, ``shift``
    characters long, so that the lines stay the user's."""
    return _FIRST_LINE_PLACE.sub(lambda m: m[1] + str(int(m[2]) - shift)
                                 if int(m[2]) > shift else m[0], message)


REJECTED = "the store rejected the request: "


def rejection(query: str, message: str, prefixes) -> tuple[str, tuple[int, int] | None]:
    """Return a store's refusal of ``query`` told as the local store tells its parser's
    (``sparql.syntax_error``), and where: the bracket never closed or the prefix never
    declared (``prefixes`` being the engine's own), first, the store's words after it.  A
    store's words alone were "SP030: SPARQL compiler, line 2: syntax error" (Virtuoso) or
    the tokens the parser expected (Oxigraph), naming neither."""
    if not message.startswith(REJECTED):
        return message, None
    said, place = syntax_error(query, message[len(REJECTED):], prefixes or ())
    return REJECTED + said, place


def read_error(exc: urllib.error.HTTPError) -> str:
    """Return the text of a store's error answer (at most 64 kB), an HTML page's as text."""
    try:
        text = exc.read(64_000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return exc.reason or ""
    if exc.headers.get_content_type() in ("text/html", "application/xhtml+xml"):
        # A proxy's or a server's error page: its text, not its first line ("<!DOCTYPE html>")
        text = html.unescape(_MARKUP.sub("\n", text))
    return text


_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def unreachable(url: str, reason: BaseException | str, timeout: float,
                proxy: str | None = None) -> str:
    """Return why the store at ``url`` (as ``shown`` names it, or "the store") could not be
    reached, in words an analyst acts on: the OS's "[Errno 111] Connection refused" said as
    nothing listening at that host and port, an unknown host as a name to check, a
    connection not made within ``timeout`` seconds, a TLS handshake that failed.  ``proxy``:
    the proxy the environment names for the URL's scheme (``http_proxy``), which the request
    went to instead, as a message names it; what failed was reaching it, said as such (a
    refusal was "nothing listens at" the store's own host and port, which did listen)."""
    if proxy is not None:
        said = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        scheme = url.partition("://")[0] if "://" in url else "http"
        return (f"cannot reach {url}: {proxy}, which {scheme}_proxy names for it, could not "
                f"be reached ({said}): is that proxy up? To reach the store directly, add its "
                "host to no_proxy")
    place = _place(url)
    if isinstance(reason, ConnectionRefusedError):
        why = (f"nothing listens at {place} (connection refused): is the store started, and "
               "are the URL's host and port its own?")
    elif isinstance(reason, socket.gaierror) and reason.errno in _UNKNOWN_NAME:
        why = (f"no address is known for {_host(url)} ({reason.strerror}): is the URL's "
               "host spelled right, and known to this machine's DNS or /etc/hosts?")
    elif isinstance(reason, socket.gaierror):
        why = (f"{_host(url)} could not be looked up ({reason.strerror}): is this machine's "
               "network, and its DNS, up?")
    elif isinstance(reason, TimeoutError):
        why = (f"no connection to {place} within {timeout:g} s: is the host up, and its port "
               "open to this machine (a firewall drops what it refuses)?")
    elif isinstance(reason, ssl.SSLCertVerificationError):
        why = (f"its TLS certificate was refused ({reason.verify_message}): is the URL's "
               "host the one the certificate names, and its issuer one this machine trusts "
               "(SSL_CERT_FILE names a file of the issuers to trust)?")
    elif isinstance(reason, ssl.SSLError):
        why = (f"the TLS handshake with {place} failed ({reason.reason or reason}): if the "
               "store serves plain HTTP there, its URL begins with http://")
    elif isinstance(reason, OSError) and reason.errno in _NO_ROUTE:
        why = (f"no route to {place} ({reason.strerror}): is this machine's network up, and "
               "the URL's host the store's?")
    else:
        why = str(reason) or type(reason).__name__
    return f"cannot reach {url}: {why}"


def _host(url: str) -> str:
    place = _place(url)
    return place if place == "its host" else place.rpartition(":")[0].strip("[]")


def _place(url: str) -> str:
    # The host and port connected to, the port the scheme's own where the URL gives none.
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "its host"
    if not host:  # "the store" (anonymous): its address is not said
        return "its host"
    port = port or (443 if parts.scheme == "https" else 80)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# getaddrinfo's "no such name" (EAI_NONAME), and "no address for it" where the C library
# has that (EAI_NODATA); EAI_AGAIN, a lookup that failed for now, is another matter.
_UNKNOWN_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH}
