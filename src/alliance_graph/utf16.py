"""Tell text saved as UTF-16 (what Windows calls Unicode) from other bytes that are not UTF-8.

A file or a pasted text saved as UTF-16 does not decode as UTF-8, and its first bad byte says
nothing useful ("byte 0, 0xff"); every reader of files that are not UTF-8 (a build's Turtle,
a proposal, a source text, the validation form's upload) says "it is UTF-16 text" instead.
"""

from __future__ import annotations

import collections

# The least share of a text's characters in its two commonest blocks of 256 code points for
# bytes to be evidently UTF-16 without a byte order mark: text in one script and ASCII (its
# spaces, newlines and Turtle's punctuation) is all but wholly in two; other bytes read two at
# a time, such as Windows-1252's, scatter over the blocks their letters' pairs name.
_UTF16_SHARE = 0.9


def utf16_text(data: bytes) -> str | None:
    """Return the text of ``data`` when it is evidently UTF-16 text (else None): a byte order
    mark and what follows it read as UTF-16 in that order, or, with no mark, at least four
    characters read so in either order, printable or spaces, nearly all in two blocks of 256
    code points (``_UTF16_SHARE``).  Text in Hebrew or Cyrillic saved as UTF-16 may hold no
    NUL byte at all, and was then described byte by byte as Windows-1252."""
    marks = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
    orders = [marks[data[:2]]] if data[:2] in marks else ["utf-16-le", "utf-16-be"]
    body = data[2:] if data[:2] in marks else data
    for order in orders:
        try:
            text = body.decode(order)
        except UnicodeDecodeError:
            continue
        if data[:2] in marks:
            return text
        if len(text) < 4 or not all(c.isprintable() or c.isspace() for c in text):
            continue
        blocks = collections.Counter(ord(c) >> 8 for c in text).most_common(2)
        if sum(n for _, n in blocks) >= _UTF16_SHARE * len(text):
            return text
    return None


def is_utf16(data: bytes) -> bool:
    """Return whether ``data`` is evidently UTF-16 text (``utf16_text``)."""
    return utf16_text(data) is not None


def utf16_said(data: bytes) -> str:
    """Return what to say of a file of UTF-16 text ("" if it is not one): what Windows
    editors save as "Unicode", which is neither binary nor Turtle's UTF-8.  Told by its byte
    order mark, or, without one, by every other byte being NUL (text in Latin script) or by
    what ``is_utf16`` reads in it (a word of Hebrew beside the Latin).  UTF-32's mark
    begins as UTF-16's: it is looked for first."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "is UTF-32 text: save it as UTF-8 (Turtle is UTF-8)"
    marked = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    halves = (data[0::2].strip(b"\x00"), data[1::2].strip(b"\x00"))
    if marked or (len(data) >= 4 and any(halves) and not all(halves)) or is_utf16(data):
        return "is UTF-16 text: save it as UTF-8 (Turtle is UTF-8)"
    return ""
