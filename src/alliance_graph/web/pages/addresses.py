"""What a page's address holds: the rest of a path, read whole as part of an IRI, and the
counts a query string asks for (a page, a number of hits)."""

from __future__ import annotations

from werkzeug.routing import PathConverter


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

