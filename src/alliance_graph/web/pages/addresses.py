"""What a page's address holds: the rest of a path, read whole as part of an IRI, and the
counts a query string asks for (a page, a number of hits); and where a path of the site is
when the site is served under a prefix."""

from __future__ import annotations

from flask import has_request_context, request
from werkzeug.routing import PathConverter


def rooted(path: str) -> str:
    """Return the site's ``path`` (``/id/X``, ``/sparql``) as linked from the page being
    answered: under the prefix the site is served at (WSGI's ``SCRIPT_NAME``, ``/graph``
    behind a proxy at ``/graph/``), which every link, form and script's address must carry.
    Outside a request (a test drawing a term), the path as it is."""
    return (request.script_root if has_request_context() else "") + path


class IriPathConverter(PathConverter):
    """The rest of a path, whatever it holds: werkzeug's ``path`` stops at a newline and at a
    leading slash, so ``/id/a%0Ab`` fell through to its bare 404 page instead of being refused
    as no IRI, and ``/id//x`` was not looked up at all."""

    regex = "(?s:.)*?"
    part_isolating = False  # it spans slashes; werkzeug would infer True from the regex


# Past any page there can be.  Python reads no more than 4,300 digits as a number (a
# ValueError: ?page=999... of 4,301 digits was a 500 and a traceback), so a longer one is
# taken for this, a page past the last, answered 404 as any such page is.
_PAST_ANY_PAGE = 10**18


def counted(asked: str) -> int | None:
    """Return ``asked`` as a count from 1 (a page number, a number of hits), or None when it
    is not one: only ASCII digits (int() reads "٣", " 3 " and "1_0" too), and not 0."""
    if not asked.isascii() or not asked.isdigit():
        return None
    digits = asked.lstrip("0")
    if not digits:
        return None
    return int(digits) if len(digits) < 18 else _PAST_ANY_PAGE

