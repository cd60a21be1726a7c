"""The refusal of text the checks cannot read as the engine does: the character no token starts
with, and a '<' the engine may read as an IRI.

The lexer (``lexer.tokenize``) stops at that character, an ``ERROR`` token, and no check reads
past it.  So the bounds (``bounds.tokens_within``) refuse it on every path, the library's and
the command line's too: the engine failing there as well was relied on, and where it reads on
(an IRI the lexer read as '<' and a name, ``<http://e/%41>``), what followed reached it
unchecked, deep nesting and all.
"""

from __future__ import annotations

import unicodedata

from ..sparql import Token, where
from .refused import Refused


def refuse_unreadable(text: str, tokens: list[Token]) -> None:
    """Raise Refused (400) if the lexer stopped at a character no token starts with (the last
    of ``tokens`` is an ``ERROR``): where it is in ``text``, and what is wrong there."""
    if not tokens or tokens[-1].kind != "ERROR":
        return
    token = tokens[-1]
    raise Refused(400, f"syntax error ({where(text, token)}): {_what_is_wrong(text, token)}")


def _what_is_wrong(text: str, token: Token) -> str:
    """Say what the character no SPARQL token starts with is doing there: an unclosed string,
    an escape outside IRIs and strings, or a character by its code point."""
    char = token.text
    if char in "\"'":
        return (f"this {char} opens a string that is not closed where SPARQL allows: before "
                f"its line ends ({char * 3} for a string of several lines)")
    if char == "\\" and text.startswith(("\\u", "\\U"), token.start):
        return ("a \\u escape is read only inside IRIs and strings, not as the query's own "
                "text")
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''}) starts no SPARQL token here"


def refuse_ambiguous(text: str, token: Token):
    """Raise Refused (400) for the ``AMBIGUOUS`` token ``token``: a would-be IRI after an
    operand where the lexer cannot tell whether the engine reads less-than (``lexer.py``)."""
    raise Refused(400, f"{token.text} ({where(text, token)}) is an IRI to the engine if the "
                       "name glued to FILTER before its bracket is a triple's term (a name "
                       "and a collection), and '<' if it is FILTER and a call (the query "
                       "declares a prefix holding FILTER); the two differ in what follows: "
                       "put a space after '<' if it means less-than, or write FILTER apart; "
                       "if the name is a verb, write it as a whole IRI (<...>) or with a "
                       "prefix not beginning with FILTER")
