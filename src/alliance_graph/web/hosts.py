"""One valid host for every request, or a 400 (RFC 9112, 3.2): the Host header, required of
HTTP/1.1, or the authority of an absolute URL (``tasks.py`` puts it in the Host's place);
HTTP/1.0 without one is taken as addressed to the address it reached.  The service
description builds its URLs from it: "a#b" made its IRIs hold two "#", "a/b" another path.
"""

from __future__ import annotations

import re

from ..query.refused import Refused
from .protocol import wsgi_error

# A Host header's value: a bracketed IP literal or a name (RFC 3986's reg-name, less the comma
# with which waitress joins repeated headers), and a port.
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+;=-]+)(?::(?P<port>[0-9]{0,5}))?")
# The highest TCP port: "a:99999" gave the service description <http://a:99999/sparql>, an
# address no client can reach.
_MOST_PORT = 65535


def _valid_host(host: str) -> bool:
    match = _HOST.fullmatch(host)
    if not match or int(match["port"] or 0) > _MOST_PORT:
        return False
    if host.startswith("["):
        return True
    try:  # an empty or overlong label ("a..b"): werkzeug's routing refused it, in HTML
        host.rsplit(":", 1)[0].encode("idna")
    except UnicodeError:
        return False
    return True


def one_host(application):
    """Return ``application`` refusing (400) a request whose host is not one valid host name
    or address (and port), or an HTTP/1.1 request without one, as RFC 9112 (3.2) requires: the
    service description builds its URLs from it."""
    def checked(environ, start_response):
        host = environ.get("HTTP_HOST")
        if not (_valid_host(host) if host is not None
                else environ.get("SERVER_PROTOCOL") != "HTTP/1.1"):
            return wsgi_error(Refused(400, "a request needs exactly one Host header (or an "
                                           "absolute URL), holding a host name or address and "
                                           "perhaps a port"), start_response)
        return application(environ, start_response)
    return checked
