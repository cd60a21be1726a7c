"""A lean WSGI entry for ``GET``/``POST /sparql`` in front of the Flask app.

Profiling a simple lookup in process showed Flask's request context, URL routing, lazy
``request.args``/headers objects, ``Response`` construction and the ``after_request`` chain
costing more than the query and its serialization together.  ``FastPath`` wraps the app's
``wsgi_app``: a ``GET`` or ``POST`` whose ``PATH_INFO`` is exactly ``/sparql`` is answered by
``protocol.handle`` straight from the WSGI environ (the same function the Flask view calls, so
every check, limit, header and error body is the same); so is a ``HEAD`` of such a ``GET``,
which must carry the same headers (RFC 9110, 9.3.2: it went through Flask, which added others)
and no body.  A large answer, spooled to a temporary file by the engine's client, is sent
from that file (``protocol.sent``).  Everything else (pages, Graph Store, ``/dataset``, OPTIONS preflight, and
``/sparql`` without a query, i.e. the service description) goes on to Flask unchanged; a
``/sparql`` request with no query but a parameter it does not read is refused here
(``unread_params.py``).
"""

from __future__ import annotations

from . import protocol


class FastPath:
    """WSGI middleware answering SPARQL protocol requests without Flask."""

    def __init__(self, inner, service):
        self.inner = inner  # the Flask app's own wsgi_app
        self.service = service

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") != "/sparql" or method not in ("GET", "HEAD", "POST"):
            return self.inner(environ, start_response)
        out = protocol.handle(self.service, environ)
        if out is None:  # no query: the service description, served by the Flask view
            return self.inner(environ, start_response)
        status, headers, body = out
        headers.append(("Content-Length", str(len(body))))
        start_response(protocol.STATUS[status], headers)
        if method == "HEAD":
            protocol.dropped(body)
            return []
        return protocol.sent(body, environ)
