"""What a remote store's URL must be before anything is sent to it: an ``http://`` or
``https://`` URL, with a host, a port that is one, and no login in it; and its update and
Graph Store URLs, when not given, derived from its query URL (``beside``); each sent as
``sendable`` writes it.

Each of a store's three URLs is checked here: its query URL (``Settings.store``, read by
``backends.kind``), its SPARQL Update and Graph Store URLs (``RemoteStore``'s ``update_url``
and ``graph_store_url``, the settings' ``store_update_url`` and ``store_graph_store_url``, the
command line's ``--update-url`` and ``--graph-store-url``).
Unchecked, an update URL without its scheme (``127.0.0.1:7878/update``) was sent the whole
build after it was made, and said "cannot reach 127.0.0.1:7878/update: unknown url type:
127.0.0.1".  A message names the setting as its reader gives it (``wording.Said``).
"""

from __future__ import annotations

import re
import urllib.parse

from ..wording import Said
from .errors import StoreError

SCHEMES = ("http://", "https://")
_UNSENDABLE = re.compile(r"[\x00-\x20\x7f]")  # what http.client refuses in a URL, and a space


def check(url: str, name: str) -> None:
    """Raise StoreError if ``url`` cannot be a store's URL; ``name`` is what gives it, as a
    namer names it: a settings field (``settings.store``) or a parameter (``update_url``)."""
    # A scheme is case-insensitive (RFC 3986): "HTTP://host/update", as some tools print it,
    # is sent in lower case (``sendable``), as Settings writes a store's.
    if not url[:8].lower().startswith(SCHEMES):
        raise StoreError(Said(lambda n: f"{n(name, url)} is not an http:// or https:// URL: "
                                        "give the store's whole URL"))
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # reading it checks the port's digits and range
    except ValueError as exc:
        raise StoreError(Said(lambda n, why=exc: f"{n(name, url)} is not a valid URL: "
                                                 f"{why}")) from exc
    if not parts.hostname:
        raise StoreError(Said(lambda n: f"{n(name, url)} names no host"))
    # urllib strips the spaces around a URL and refuses one inside it only once it sends it:
    # "/query " was another store's name for the same one, "/ query" "broke off its answer:
    # InvalidURL(...)"; and it reads port 0 as none, the message naming port 80.
    if _UNSENDABLE.search(url):
        raise StoreError(Said(lambda n: f"{n(name, url)} holds a space or a control "
                                        "character: give the URL alone, a space in it as %20"))
    if parts.port == 0:
        raise StoreError(Said(lambda n: f"{n(name, url)} names port 0, which no store "
                                        "listens at"))
    if parts.username is not None or parts.password is not None:
        # urllib does not log in with them: it took "user:pass@host" for a host name and said
        # it could not be resolved, the password in the message.
        raise StoreError(Said(lambda n: (
            f"{n(name)} {parts.scheme}://{parts.hostname}...: a login in the URL is not "
            "supported (and not shown here); put the store behind a proxy on loopback that "
            "adds it")))


def given(url: str, name: str) -> str:
    """Return ``url`` as it is sent (``sendable``), having checked it (``check``)."""
    check(url, name)
    return sendable(url)


def beside(query_url: str, name: str) -> str | None:
    """Return the URL of the endpoint ``name`` (``update``, ``store``) beside a query URL
    ending in ``/query``, as Oxigraph and Fuseki place them; None for another query URL.  A
    query string (a gateway's key: ``/query?key=...``) goes with it: read as no ``/query``,
    the build was sent as updates to the query URL, and Oxigraph said "The URL query
    parameter query must be set"."""
    parts = urllib.parse.urlsplit(query_url)
    if not parts.path.endswith("/query"):
        return None
    return urllib.parse.urlunsplit(parts._replace(path=parts.path[:-len("query")] + name,
                                                  fragment=""))


def sendable(url: str) -> str:
    """Return ``url`` as a request can name it: each character of its path and query string
    that is not ASCII written as its UTF-8 bytes, %-escaped, as a browser sends an IRI (its
    host is encoded when connecting).  Sent as given, a store under a path such as
    ``/données/query`` failed as a traceback (UnicodeEncodeError: 'ascii' codec ...)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=_escaped(parts.path),
                                                  query=_escaped(parts.query)))


def _escaped(text: str) -> str:
    return _NOT_ASCII.sub(lambda m: urllib.parse.quote(m.group()), text)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
