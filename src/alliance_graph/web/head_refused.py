"""Whether the app refuses a request by its head alone, asked of one expecting ``100 Continue``
before its body is invited (``request_head.Parser``).

Waitress said "100 Continue" to every such request as soon as its head was read, before the
app was asked: a POST the app refuses from its head (no valid Host, a path served by no
view or not by that method, a path beginning "//", a body type the view does not take) had
its whole body sent only to be refused.  RFC 9110 (10.1.1) has the server answer the final
status instead.  So the head is judged here by the app's own parts, in their order, with no
view run and nothing read: the Host check (``hosts.py``), the leading slashes
(``slashes.py``), Flask's routing, the query string's parameters and a POST's ``If-Match``
(``preconditions.unperformed``), and the view's own check of its head (``refused_by_head``,
``preconditions.head_checked``).  A request so refused is then answered by the app as any
other (its body unread and empty), and its connection closed: the body the client may still
send is not read as a request.

Behind a trusted reverse proxy the path and host a request is answered for are the proxy's
to say (``forwarding.py``, from the proxy's address, which a head does not carry): there the
body is invited as before, and a proxy such as nginx answers ``Expect`` itself.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import request

from ..query.refused import Refused
from . import fields, preconditions
from .hosts import one_host
from .slashes import one_leading_slash

# The probe's word for a head the app would go on to read the body of.
_READ = "100 Continue"


def judge(app) -> Callable[[object], bool]:
    """Return a function telling whether Flask ``app`` refuses a parsed request head
    (waitress's parser, the head read) without reading its body."""
    def routed(environ, start_response):
        with app.request_context(environ):
            # Flask's routing, as the request's own (its 404, 405 or 308), then the view's.
            if request.routing_exception is not None:
                start_response(f"{request.routing_exception.code} Refused", [])
                return []
            view = app.view_functions.get(request.endpoint)
            # The app's checks before any view (``app.py``): the query string's parameters
            # (a Refused, 400) and a POST's If-Match (412), then the view's own.
            fields.parse_params(request.query_string, "URL's query string")
            refused = preconditions.unperformed(request, view) is not None \
                or getattr(view, "refused_by_head", lambda: False)()
        start_response("400 Refused" if refused else _READ, [])
        return []

    probe = one_host(one_leading_slash(routed))

    def refused(parser) -> bool:
        said: list[str] = []
        try:
            probe(environ(parser), lambda status, headers, exc_info=None: said.append(status))
        except Refused:
            return True
        except Exception:  # (a head the app would fail on: judged by the app, body read)
            return False
        return said != [_READ]
    return refused


def environ(parser) -> dict:
    """Return the WSGI environ of a parsed head as waitress and ``tasks.Task`` make it, as far
    as routing and a view's check of the head read it; its body empty."""
    env = {"REQUEST_METHOD": parser.command, "SCRIPT_NAME": "", "PATH_INFO": parser.path,
           "QUERY_STRING": parser.query, "REQUEST_URI": parser.request_uri,
           "SERVER_PROTOCOL": f"HTTP/{parser.version}", "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "wsgi.url_scheme": parser.url_scheme,
           "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO()}
    for key, value in parser.headers.items():
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    if parser.proxy_netloc:  # an absolute-form target names the host (``tasks.Task``)
        env["HTTP_HOST"] = parser.proxy_netloc
        env["wsgi.url_scheme"] = parser.proxy_scheme.lower()
    return env


def withhold(parser) -> None:
    """Mark a request ``parser`` has read the head of as refused unread (``parser.unread``)
    if it expects "100 Continue", has a body and the app refuses it by its head: answered at
    once, its body neither invited nor read (RFC 9110, 10.1.1), and its connection closed
    after the answer, so that what the client sends of the body anyway is not read as the
    next request."""
    refused = getattr(parser.adj, "refused_unread", None)  # (set by ``front.create_server``)
    if parser.expect_continue and (parser.chunked or parser.content_length) \
            and refused is not None and refused(parser):
        parser.expect_continue, parser.unread = False, True
        parser.headers["CONNECTION"], parser.connection_close = "close", True
