"""An integer constant past 64 bits, refused before Virtuoso reads it as another number.

Virtuoso 7.2 reads an integer written in a query past 9223372036854775807 (2^63 - 1) either
way as some other number, and says nothing: ``SELECT (99999999999999999999999 AS ?z) {}``
came back 140355494580456, in ``VALUES`` and as a pattern's object alike, where the other
stores answer the number written.  It counts the digits written, leading zeros too: one of
more than 19 it misreads whatever its value (``000000000000000000001`` came back
139843447215024).  The same number written as a decimal (``...0``), or without its leading
zeros, it reads exactly, so the query is refused, saying so, rather than answered wrongly.  A number glued to
a keyword (``LIMIT99999999999999999999``, ``{true99999999999999999999}``) is sent to it
written apart (``virtuoso_words.parted``), and so is read here as one too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..sparql import Token, line_col, tokenize, where
from .errors import QueryError
from .virtuoso_words import glued

MOST = 2**63 - 1
_INTEGERS = {"INTEGER", "INTEGER_POSITIVE", "INTEGER_NEGATIVE"}
_LONG = re.compile(r"[0-9]{19}")  # no digits' run this long: no integer past MOST either
_INTEGER = re.compile(r"-?[0-9]+")


def check(query: str) -> None:
    """Raise QueryError for an integer constant of ``query`` that Virtuoso would misread."""
    if not _LONG.search(query):
        return
    for token in _integers(query):
        digits = token.text.lstrip("+-")  # int() reads at most 4,300 digits: none past 19
        if len(digits) < 19 or len(digits) == 19 and int(digits) <= MOST:
            continue
        value = digits.lstrip("0")
        if len(value) < 19 or len(value) == 19 and int(value) <= MOST:
            raise QueryError(f"Virtuoso reads an integer of more than 19 digits, leading zeros "
                             f"counted, as another number, without a word ({token.text} "
                             f"{where(query, token)}): write it without its leading zeros, "
                             f"{token.text[:-len(digits)]}{value or 0}",
                             line_col(query, token.start))
        raise QueryError(f"Virtuoso reads an integer past {MOST:,} as another number, "
                         f"without a word ({token.text} {where(query, token)}): write it "
                         f"as a decimal, {token.text}.0, which it reads exactly",
                         line_col(query, token.start))


def _integers(query: str) -> Iterator[Token]:
    """Yield the integers of ``query`` as Virtuoso is sent them: its integer tokens, and
    those glued in a word of keywords, each at its place in the word."""
    yield from (t for t in tokenize(query) if t.kind in _INTEGERS)
    for token, run in glued(query):
        yield from (Token("INTEGER", word, token.start + at)
                    for word, at in run if _INTEGER.fullmatch(word))
