"""Where a quote that is not verbatim in its source text departs from it.

A quote typed or copied by hand differs from its text in characters that look alike: a
straight apostrophe for the text's curly one, a space for a no-break space or a line break, a
hyphen for an en dash.  ``departure`` finds the character told apart, for ``cite`` and for
validate's quote check to say it.
"""

from __future__ import annotations

import unicodedata

from ..clipping import cut
from .citations import occurrences

# The marks a quotation is written between, opening and closing.
_OPENING = frozenset("\"'\u201c\u2018\u00ab\u201e\u2039")
_CLOSING = frozenset("\"'\u201d\u2019\u00bb\u201c\u203a")

# Unicode gives the control characters no names.
_CONTROLS = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "CHARACTER TABULATION"}


def _character(c: str | None, edge: str = "ends") -> str:
    if c is None:
        return f"nothing (the text {edge} there)"
    name = _CONTROLS.get(c) or unicodedata.name(c, "a control character")
    return f"{c!r} (U+{ord(c):04X} {name})"


def _longest(holds, most: int) -> int:
    """Return the largest n <= ``most`` for which ``holds(n)``, which holds up to some n."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if holds(middle) else (low, middle - 1)
    return low


def _agree(a: str, b: str) -> int:
    """Return how many leading characters ``a`` and ``b`` share."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def departure(text: str, exact: str) -> str:
    """Return where a quote that is not in ``text`` departs from it, as "...; " (empty when the
    quote is there, or shares too little with the text to say): the characters told apart
    (a straight apostrophe for the text's curly one, a space for a no-break space, a line
    break written with a carriage return) look alike in an editor.

    The longest start and the longest end of the quote that the text holds are found; of
    their places in the text, the one where the quote goes on matching past the character
    that differs is the one told (one character typed for another).
    """
    if not exact or exact in text:
        return ""
    inner = exact.strip()
    if len(inner) > 2 and inner[0] in _OPENING and inner[-1] in _CLOSING and inner[1:-1] in text:
        # A quote pasted with the quotation marks around it ("Negev U.S. Radar Base"): its
        # first and last characters are in the text nowhere near it, and nothing was said.
        return (f"the text holds it without the quotation marks around it ({inner[0]} and "
                f"{inner[-1]}): leave them out; ")
    size = len(exact)
    head = _longest(lambda n: exact[:n] in text, size)
    tail = _longest(lambda n: exact[size - n:] in text, size)
    if max(head, tail) < 3:
        return ""
    ways = []  # (characters matched, from the start, place of the differing character)
    for at in occurrences(text, exact[:head])[:1000] if head >= 3 else ():
        ways.append((head + _agree(text[at + head + 1:], exact[head + 1:]), True, at + head))
    for at in occurrences(text, exact[size - tail:])[:1000] if tail >= 3 else ():
        before = exact[:size - tail - 1][::-1]
        ways.append((tail + _agree(text[:max(at - 1, 0)][::-1], before), False, at - 1))
    _, forward, at = max(ways, key=lambda w: (w[0], w[1]))
    # A part of the quote cut as every message cuts a value (clipping.cut), but without the
    # count clipping.clipped adds: the sentence says how many characters the part holds.
    if forward:
        theirs, ours = (text[at] if at < len(text) else None), exact[head]
        said = (f"the text holds its first {head} character(s) "
                f"({cut(exact[:head], -30)!r}), then {_character(theirs)} where the "
                f"quote has {_character(ours)}")
    else:
        theirs, ours = (text[at] if at >= 0 else None), exact[size - tail - 1]
        said = (f"the text holds its last {tail} character(s) "
                f"({cut(exact[size - tail:], 30)!r}), after {_character(theirs, 'starts')} where "
                f"the quote has {_character(ours)}")
    if ours == "\r":
        said += (" (a string over several lines in a file saved with Windows line endings "
                 "holds \\r\\n: write the line breaks as \\n)")
    return said + "; "
