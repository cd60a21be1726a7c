"""What of a query sent by POST its head alone refuses (SPARQL 1.1 Protocol, 2.1.2 and 2.1.3),
judged before the body is read: by ``/sparql`` (``protocol.read_request``), and by the front
before it invites the body of a request expecting "100 Continue" (``head_refused``)."""

from __future__ import annotations

from flask import request

from ..clipping import clipped
from ..query.refused import Refused
from . import fields
from .echoed import typed

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"


def post_type(environ, args) -> str:
    """Return the media type of a POST's body (lower case, no parameters), FORM or QUERY, or
    raise Refused for what its head refuses: a content coding, two types, an update, a query
    in the URL (``args``) too, another type, a charset other than UTF-8."""
    fields.plain_body(environ)
    fields.one_content_type(environ.get("CONTENT_TYPE") or "")
    ctype = typed(environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    if ctype == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    if "query" in args:  # once, the body's was run and the URL's silently ignored
        raise Refused(400, "a POST carries its query in its body, not in the URL "
                           "(SPARQL 1.1 Protocol, 2.1.2 and 2.1.3): move it to the body, "
                           "or send it by GET")
    if ctype == FORM:
        fields.form_charset(environ.get("CONTENT_TYPE", ""))
    elif ctype == QUERY:
        charset = fields.charset(environ.get("CONTENT_TYPE", ""))
        if not fields.utf8(charset):
            raise Refused(415, f"application/sparql-query is UTF-8 (its registration says "
                               f"so), not {clipped(charset)}: send the query in UTF-8")
    else:
        raise Refused(415, "POST a query as application/x-www-form-urlencoded or application/"
                           f"sparql-query, not {clipped(ctype) or 'no content type'}")
    return ctype


def refused_by_head() -> bool:
    """Return whether the request to ``/sparql`` being answered (Flask's request) is refused
    by its head: a POST's (``post_type``), a GET's or HEAD's with a Content-Length
    (``fields.body_unread``)."""
    try:
        if request.method == "POST":
            post_type(request.environ, fields.parse_params(request.query_string,
                                                            "URL's query string"))
        else:
            fields.body_unread(request.environ)
    except Refused:
        return True
    return False
