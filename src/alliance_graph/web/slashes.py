"""A path beginning with more than one slash ("//sparql"), sent on to its one-slash form.

The app's routing strips a path's leading slashes, so "GET //sparql?query=..." and "GET
//status" were answered as /sparql and /status, where a reverse proxy in front that does not
merge slashes matched its rules (an operator's "deny /status") against a path that is not
theirs.  A client that joined a base URL ending in "/" to "/sparql" sends such a path in good
faith, so it is not refused: it is redirected (308, which keeps a POST a POST with its body)
to the path the app would have answered, through the proxy again.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from ..clipping import clipped
from .protocol import STATUS, error_answer


def one_leading_slash(application):
    """Return ``application`` answering a request whose path begins "//" with a 308 to the
    same path (and query string) beginning with one slash."""
    def redirected(environ, start_response):
        # Waitress gives PATH_INFO one leading slash; the target as sent tells.
        sent = environ.get("REQUEST_URI", "")
        path = sent.partition("?")[0] if sent.startswith("/") else urlsplit(sent).path
        if not path.startswith("//"):
            return application(environ, start_response)
        # One slash, never two: "//host/x" in Location would send the client to another host.
        target = environ.get("SCRIPT_NAME", "") + "/" + path.lstrip("/")
        location = quote(target.encode("latin-1"), safe="/%!$&'()*+,;=:@-._~")
        if environ.get("QUERY_STRING"):
            location += "?" + quote(environ["QUERY_STRING"].encode("latin-1"),
                                    safe="/?%!$&'()*+,;=:@-._~")
        status, headers, body = error_answer(308, f"the path {clipped(path, show=repr)} begins "
                                                  "with more than one slash; what it names is "
                                                  f"at {clipped(location)}")
        start_response(STATUS[status], [*headers, ("Location", location),
                                        ("Content-Length", str(len(body)))])
        return [body]
    return redirected
