"""What a remote store's URL must be before anything is sent to it: an ``http://`` or
``https://`` URL, with a host, a port that is one, and no login in it; and its update and
Graph Store URLs, when not given, derived from its query URL (``beside``).

Each of a store's three URLs is checked here: its query URL (``Settings.store``, read by
``backends.kind``), its SPARQL Update and Graph Store URLs (``RemoteStore``'s ``update_url``
and ``graph_store_url``, the command line's ``--update-url`` and ``--graph-store-url``).
Unchecked, an update URL without its scheme (``127.0.0.1:7878/update``) was sent the whole
build after it was made, and said "cannot reach 127.0.0.1:7878/update: unknown url type:
127.0.0.1".  A message names the setting as its reader gives it (``wording.Said``).
"""

from __future__ import annotations

import urllib.parse

from ..wording import Said
from .errors import StoreError

SCHEMES = ("http://", "https://")


def check(url: str, name: str) -> None:
    """Raise StoreError if ``url`` cannot be a store's URL; ``name`` is what gives it, as a
    namer names it: a settings field (``settings.store``) or a parameter (``update_url``)."""
    if not url.startswith(SCHEMES):
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
    if parts.username is not None or parts.password is not None:
        # urllib does not log in with them: it took "user:pass@host" for a host name and said
        # it could not be resolved, the password in the message.
        raise StoreError(Said(lambda n: (
            f"{n(name)} {parts.scheme}://{parts.hostname}...: a login in the URL is not "
            "supported (and not shown here); put the store behind a proxy on loopback that "
            "adds it")))


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
