"""Judge a request's preconditions for a file the site sends (its scripts and styles) in the
order RFC 9110 (13.2.2) gives them, over what werkzeug's ``send_file`` made of them.

werkzeug judged them itself, and three ways otherwise than the rest of the server does: a
failed ``If-Match`` was a 412 holding the whole file, as ``text/css`` (every other 412 here
says why, in plain text); ``If-Unmodified-Since`` was not read (a file changed since the date
was sent, 200); and an ``If-Match`` that held made it forget an ``If-None-Match`` that matched,
and an ``If-Match`` that failed was not read under a ``Range`` (a 206 of the file).
"""

from __future__ import annotations

from werkzeug.http import parse_date, parse_etags
from werkzeug.wrappers import Request, Response

from . import protocol


def judged(request: Request, response: Response) -> Response:
    """Return ``response``, a file werkzeug sends (with its ETag and Last-Modified), as the
    request's preconditions have it: a plain-text 412, a 304, or the answer werkzeug made
    (its 200 or 206); any other response as it is."""
    if request.method not in ("GET", "HEAD") or not response.direct_passthrough \
            or response.status_code not in (200, 206, 304, 412):
        return response
    tag, _ = response.get_etag()
    modified = response.last_modified
    if_match = request.headers.get("If-Match")
    if if_match:  # the strong comparison: a weak tag never holds
        if not (tag and parse_etags(if_match).contains(tag)):
            return _failed(response, f'If-Match names no tag of this file: its tag is "{tag}"')
    else:
        since = parse_date(request.headers.get("If-Unmodified-Since"))
        if since and modified and modified > since:
            return _failed(response, "the file was modified after the If-Unmodified-Since "
                                     "date: it was modified at "
                                     f"{response.headers['Last-Modified']}")
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:  # the weak comparison, "*" matching the file there is
        unchanged = bool(tag and parse_etags(if_none_match).contains_weak(tag))
    else:
        since = parse_date(request.headers.get("If-Modified-Since"))
        unchanged = bool(since and modified and modified <= since)
    if unchanged:
        response.status_code = 304
    elif response.status_code in (304, 412):  # werkzeug's verdict, not the RFC's
        response.status_code = 200
    return response


def _failed(response: Response, message: str) -> Response:
    """Return the plain-text 412 saying ``message``, with the file's validators, the file
    itself let go."""
    response.close()
    failed = protocol.error(412, message)
    for name in ("ETag", "Last-Modified"):
        if name in response.headers:
            failed.headers[name] = response.headers[name]
    return failed
