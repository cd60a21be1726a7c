"""An integer constant past 64 bits, refused before Virtuoso reads it as another number.

Virtuoso 7.2 reads an integer written in a query past 9223372036854775807 (2^63 - 1) either
way as some other number, and says nothing: ``SELECT (99999999999999999999999 AS ?z) {}``
came back 140355494580456, in ``VALUES`` and as a pattern's object alike, where the other
stores answer the number written.  The same number written as a decimal (``...0``) it reads
exactly, so the query is refused, saying so, rather than answered wrongly.
"""

from __future__ import annotations

import re

from ..sparql import line_col, tokenize, where
from .errors import QueryError

MOST = 2**63 - 1
_INTEGERS = {"INTEGER", "INTEGER_POSITIVE", "INTEGER_NEGATIVE"}
_LONG = re.compile(r"[0-9]{19}")  # no digits' run this long: no integer past MOST either


def check(query: str) -> None:
    """Raise QueryError for an integer constant of ``query`` that Virtuoso would misread."""
    if not _LONG.search(query):
        return
    for token in tokenize(query):
        digits = token.text.lstrip("+-").lstrip("0")  # int() reads at most 4,300 digits
        if token.kind in _INTEGERS and (len(digits) > 19 or len(digits) == 19
                                         and int(digits) > MOST):
            raise QueryError(f"Virtuoso reads an integer past {MOST:,} as another number, "
                             f"without a word ({token.text} {where(query, token)}): write it "
                             f"as a decimal, {token.text}.0, which it reads exactly",
                             line_col(query, token.start))
