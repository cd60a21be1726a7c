"""The client a request stands for when it comes through a reverse proxy the server trusts.

Behind a reverse proxy every connection comes from the proxy's address, and the caps per
client (``client_share.py``, ``connections.py``) would count all its clients as one.  With
``Settings.trusted_proxies`` naming it, a request from that address is taken for the client the
proxy's headers name, and its URLs for those the proxy was asked (``forwarded``); waitress's
own parser reads the headers.  From any other address the forwarding headers are dropped
unread: they are the client's own words, and would let it choose its address.  The proxy
must append its peer to X-Forwarded-For (or Forwarded) rather than pass a client's own on
alone: the last address is the one read.

A proxy serving the site under a path of its own (``/graph/``) and passing requests on
without it says the path in ``X-Forwarded-Prefix``, as werkzeug's ProxyFix and Traefik read
it: it becomes the request's ``SCRIPT_NAME``, under which every page writes its links
(``pages/addresses.py``).
"""

from __future__ import annotations

import ipaddress
import re

from waitress.proxy_headers import PROXY_HEADERS as FORWARDING
from waitress.proxy_headers import (
    MalformedProxyHeader,
    clear_untrusted_headers,
    parse_proxy_headers,
)

from ..clipping import clipped
from ..query.refused import Refused
from .protocol import wsgi_error


def _address_or_name(client: str) -> bool:
    """Return whether a forwarded client is an IP address or an obfuscated name (RFC 7239:
    "unknown", "_hidden"), rather than an IPv6 address cut into an address and a port."""
    if ":" not in client:
        return True
    try:
        ipaddress.ip_address(client.split("%", 1)[0])
    except ValueError:
        return False
    return True


# A path of one or more segments as RFC 3986 writes them: a prefix is written into every
# link of a page, so nothing that could end an attribute or a URL's path is taken.
_PREFIX = re.compile(r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+")


def _prefix(environ, trusted: frozenset[str]) -> Refused | None:
    """Set ``SCRIPT_NAME`` to the trusted proxy's ``X-Forwarded-Prefix`` (a path, a slash at
    its end dropped); return the 400 of one that is none."""
    given = environ.pop("HTTP_X_FORWARDED_PREFIX", None)
    if given is None or "x-forwarded-host" not in trusted:
        return None
    given = given.strip().rstrip("/")
    if given and not _PREFIX.fullmatch(given):
        return Refused(400, "the X-Forwarded-Prefix header from the reverse proxy is no path "
                            f"(such as /graph): {clipped(given, show=repr)}")
    environ["SCRIPT_NAME"] = given + environ.get("SCRIPT_NAME", "")
    return None


def forwarded(application, proxies: frozenset[str], trusted: frozenset[str]):
    """Return ``application`` seeing, in a request from a reverse proxy at ``proxies``, the
    client's address, host and scheme the ``trusted`` headers name (read by waitress's
    parser); a malformed one is a 400.  Every other request's forwarding headers are dropped
    unread: they are the client's own words."""
    def translated(environ, start_response):
        untrusted = FORWARDING
        if environ.get("REMOTE_ADDR") in proxies:
            refused = _prefix(environ, trusted)
            if refused is not None:
                return wsgi_error(refused, start_response)
            try:
                untrusted = parse_proxy_headers(environ, trusted_proxy_count=1,
                                                trusted_proxy_headers=trusted)
            except MalformedProxyHeader as exc:
                return wsgi_error(Refused(400, f"the {exc.header} header from the reverse "
                                               f"proxy is malformed ({exc.reason}): "
                                               f"{clipped(exc.value, show=repr)}"), start_response)
            except (IndexError, ValueError):
                # Waitress's parser fails so on a blank address (Forwarded: for=" ", for=":"):
                # it was a 500 with a traceback.
                return wsgi_error(Refused(400, "the forwarding headers from the reverse proxy "
                                               "name a blank client address"), start_response)
            if not _address_or_name(environ.get("REMOTE_ADDR", "")):
                # An IPv6 address written unquoted in Forwarded (for=2001:db8::1:2) is read as
                # an address and a port: a client taken for another, its /64 share escaped.
                named = clipped(environ.get("REMOTE_ADDR", ""), show=repr)
                return wsgi_error(Refused(400, f"the reverse proxy named the client {named}, "
                                               "which is no address: an IPv6 address in "
                                               "Forwarded is quoted and bracketed "
                                               '(for="[2001:db8::1]")'),
                                  start_response)
        clear_untrusted_headers(environ, untrusted)
        environ.pop("HTTP_X_FORWARDED_PREFIX", None)  # a client's own words, as the rest
        return application(environ, start_response)
    return translated
