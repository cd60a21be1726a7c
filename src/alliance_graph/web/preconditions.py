"""Judge a request's preconditions (RFC 9110, 13) for the answers Flask makes that carry no
check of their own: the site's files (its scripts and styles), which werkzeug judged, and the
answers that have no tag (the pages, ``/status``, the service description), which nothing did.

werkzeug judged a file's otherwise than the rest of the server does: a failed ``If-Match`` was
a 412 holding the whole file, as ``text/css`` (every other 412 here says why, in plain text),
and a ``Range`` beside it a 206 of the file; ``If-Unmodified-Since`` was not read (a file
changed since the date was sent, 200); an ``If-Modified-Since`` in the future, which RFC 9110
(13.1.3) makes invalid and ignored, a 304; and an ``If-Match`` that held made it forget an
``If-None-Match`` that matched.  An answer with no tag took ``If-Match: "x"`` and
``If-None-Match: *`` as if they were not sent (200, the page), where a query's answer made anew
each time, which has no tag either, is a 412 for the first and a 304 for the second.  Answers
with a tag (Graph Store reads, query answers) and those sent ``no-store`` (made anew, or by a
build the server left) judge their own before they are made.  A POST's answer made anew (the
query page's notes, ``/validate``'s report) ignored ``If-Match`` where ``/sparql`` answers a
query made anew 412 for it: it is judged as that query is (``unperformed``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from werkzeug.http import parse_date, parse_etags
from werkzeug.wrappers import Request, Response

from . import protocol


def judged(request: Request, response: Response) -> Response:
    """Return ``response`` as the request's preconditions have it: a plain-text 412, a 304,
    or the answer as it was made."""
    if request.method not in ("GET", "HEAD"):
        return response
    if response.direct_passthrough and response.status_code in (200, 206, 304, 412):
        return _file(request, response)
    if 200 <= response.status_code < 300 and "ETag" not in response.headers \
            and "no-store" not in response.headers.get("Cache-Control", ""):
        return _untagged(request, response)
    return response


def _file(request: Request, response: Response) -> Response:
    """Return a file werkzeug sends (with its ETag and Last-Modified) as RFC 9110's order
    (13.2.2) has it: a 412, a 304, or werkzeug's 200 or 206."""
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
        since = _past(parse_date(request.headers.get("If-Modified-Since")))
        unchanged = bool(since and modified and modified <= since)
    if unchanged:
        response.status_code = 304
    elif response.status_code in (304, 412):  # werkzeug's verdict, not the RFC's
        response.status_code = 200
    return response


def _past(date: datetime | None) -> datetime | None:
    """Return ``date`` if it is not later than now, else None: a date in the future is
    invalid and the field ignored (RFC 9110, 13.1.3), where werkzeug took 2099 as a date the
    file was not modified after (304)."""
    return date if date is None or date <= datetime.now(UTC) else None


def _untagged(request: Request, response: Response) -> Response:
    """Return an answer that has no tag as a query's answer made anew is judged
    (``protocol``): a 412 for an ``If-Match`` naming a tag, a 304 for ``If-None-Match: *``
    (an answer exists), else the answer."""
    failed = _unmatched(request, response)
    if failed is not None:
        return failed
    if protocol.matches(request.headers.get("If-None-Match"), None):
        response.status_code = 304
    return response


# The POST views that judge their own preconditions: /sparql's, before its query runs, by
# the tag of the answer it would give (``protocol.answer``).
JUDGING_THEIR_OWN = frozenset({"sparql.sparql"})


def unperformed(request: Request, view: Callable | None) -> Response | None:
    """Return the 412 for a POST whose view makes its answer anew (the query page's notes, a
    dry run's report) and whose ``If-Match`` names a tag, as ``/sparql`` answers a query made
    anew, else None: both ignored ``If-Match``.  Judged before the view reads the body (RFC
    9110, 13.2.1 and 13.2.2: after the checks of the request's head, before its content is
    processed), so a 412 costs no validation; a body over the limit stays its 413, and a
    refusal the head alone earns (a 415 for the body's type, a 406 for the Accept) the view's
    (``head_checked``): a 412 stood in for them, where ``/sparql`` says them first."""
    if request.method != "POST" or request.routing_exception is not None \
            or request.endpoint in JUDGING_THEIR_OWN:
        return None
    failed = _unmatched(request, None)
    if failed is not None and getattr(view, "refused_by_head", lambda: False)():
        return None  # the view answers it, with its refusal
    return failed


def head_checked(refused: Callable[[], bool]) -> Callable:
    """Mark a POST view whose request's head alone may be refused, ``refused()`` saying
    whether it is: that refusal, not a 412, is its answer (RFC 9110, 13.2.1)."""
    def mark(view: Callable) -> Callable:
        view.refused_by_head = refused
        return view
    return mark


def _unmatched(request: Request, response: Response | None) -> Response | None:
    """Return the 412 for an ``If-Match`` naming a tag, where ``response`` (if made: it is let
    go) has none, else None."""
    failed = protocol.precondition_failed(request.headers.get("If-Match"), None)
    if not failed:
        return None
    if response is not None:
        response.close()
    status, headers, body = failed
    return Response(body, status, headers)


def _failed(response: Response, message: str) -> Response:
    """Return the plain-text 412 saying ``message``, with the file's validators, the file
    itself let go."""
    response.close()
    failed = protocol.error(412, message)
    for name in ("ETag", "Last-Modified"):
        if name in response.headers:
            failed.headers[name] = response.headers[name]
    return failed
