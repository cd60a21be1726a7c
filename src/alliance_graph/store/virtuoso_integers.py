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
from .virtuoso_strings import XSD, datatype_of, declarations
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


# Virtuoso 7.2 keeps an integer of 19 digits (10^18 to MOST) written in a query as an
# xsd:decimal of the same value (1000000000000000000 AS ?z: DATATYPE xsd:decimal), and writes
# a whole decimal without its fraction, so its answer cannot be told from the integer's; cast
# from a string it keeps it an integer.  A cast is an expression: in a pattern, VALUES or a
# template the number is left as written (a pattern matches it by value all the same).
_CAST = '{0}<http://www.w3.org/2001/XMLSchema#integer>("{1}")'
_XSD_INTEGER = XSD + "integer"
_DIGITS = re.compile(r"[0-9]{19}")


def cast(query: str) -> str:
    """Return ``query`` with each integer of 19 digits in an expression, written bare or
    typed ``xsd:integer``, sent as a cast of its digits, which Virtuoso keeps an integer."""
    if not _LONG.search(query):
        return query
    tokens = tokenize(query)
    declared = declarations(tokens)
    found = []  # (where the number begins, where it ends, its sign, its digits)
    for at, token in enumerate(tokens):
        if token.kind in _INTEGERS:
            sign, digits, last = token.text[:-19], token.text[-19:], token
        elif token.kind in ("STRING_LITERAL1", "STRING_LITERAL2") \
                and datatype_of(tokens, at, declared) == _XSD_INTEGER:
            sign, digits, last = token.text[1:-1][:-19], token.text[1:-1][-19:], tokens[at + 2]
        else:
            continue
        end = last.start + len(last.text)
        if sign in ("", "+", "-") and _DIGITS.fullmatch(digits) and 10**18 <= int(digits) <= MOST \
                and "\n" not in query[token.start:end]:  # the lines stay the user's
            found.append((token.start, end, sign, digits))
    pieces, done = [], 0
    for start, end, sign, digits in _in_expressions(query, found):
        pieces += [query[done:start], _CAST.format(f"{sign} " if sign else "", digits)]
        done = end
    return "".join(pieces) + query[done:]


def _in_expressions(query: str, found: list[tuple]) -> list[tuple]:
    """Return those of ``found`` that are operands of an expression, as the engine reads
    the query: the lexer (``lexer.py``) reads a '<' after an operand there as less-than, and
    elsewhere as an IRI's start.  One probe, a '<a:>' after each: it opens no bracket, so
    what holds an expression stays as it was."""
    if not found:
        return []
    parts, done, marks = [], 0, []
    for _, end, _, _ in found:
        parts += [query[done:end], "<a:>"]
        marks.append(end + 4 * len(marks))
        done = end
    less = {t.start for t in tokenize("".join(parts) + query[done:]) if t.kind == "<"}
    return [one for one, mark in zip(found, marks) if mark in less]
