"""Find the line on which a quoted string is first written, for many strings at once.

A file's string literals are indexed in one pass (``StringLines``); the ill-typed literals'
problems are placed by it (``loading.py``).  Kept apart from ``lines.py``, which places nodes
and triples.
"""

from __future__ import annotations

import bisect

from . import turtle_tokens as turtle
from .lines import BREAK


class StringLines:
    """Answer "on which line is this quoted string first written?" for many strings at once.

    The text's string literals are indexed in one pass, as the Turtle tokens they are (a scan
    for quotes alone started again at every escaped quote of a long string and ran to its line's
    end each time: hours for a 5 MB one); a string the index misses is searched for in the text.
    Typed literals are indexed by their value and datatype too (``typed_line``), however they
    are quoted and escaped.
    """

    def __init__(self, text: str):
        self.text = text
        self._newlines = [m.start() for m in BREAK.finditer(text)]
        self._first: dict[str, int] = {}
        self._typed: dict[tuple[str, str], list[int]] = {}  # each place, in the text's order
        declared = turtle.prefixes(text)
        string = None  # the (offset, token) of a string just read, until its datatype
        typed = False  # a "^^" of its own just read (before an <IRI>, or spaced out)
        for at, kind, token in turtle.tokens(text):
            if string is not None and not typed and token.startswith("^^"):
                typed = token == "^^"
                if not typed:
                    self._type(string, kind, token[2:], declared)
                    string = None
                continue
            if string is not None and typed:  # the datatype after a "^^" of its own
                self._type(string, kind, token, declared)
            string, typed = ((at, token) if kind == "string" else None), False
            if kind == "string":
                self._first.setdefault(token, at)

    def _type(self, string: tuple[int, str], kind: str, datatype: str, declared) -> None:
        names = turtle.forms(kind, datatype)
        if not names:
            return
        datatype = names[-1]
        if kind == "iri":
            datatype = datatype[1:-1]
        else:
            prefix, colon, local = datatype.partition(":")
            if not colon or prefix not in declared:
                return
            datatype = declared[prefix] + local
        self._typed.setdefault((turtle.string_value(string[1]), datatype), []).append(string[0])

    def line(self, needle: str) -> int | None:
        """Return the 1-based line of the first occurrence of ``needle``, if any."""
        at = self._first.get(needle)
        if at is None:
            at = self.text.find(needle)
            if at == -1:
                return None
        return bisect.bisect_left(self._newlines, at) + 1

    def typed_line(self, value: str, datatype: str, nth: int = 0) -> int | None:
        """Return the 1-based line of the ``nth`` (the last, past them) literal of ``value``
        and ``datatype`` (written "...", '...', with triple quotes or escapes), else of the
        first string ``"value"``."""
        at = self._typed.get((value, datatype))
        if at is None:
            return self.line(f'"{value}"')
        return bisect.bisect_left(self._newlines, at[min(nth, len(at) - 1)]) + 1
