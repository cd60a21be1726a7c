"""A query's form (SELECT, ASK, CONSTRUCT, DESCRIBE) as the engine reads it, from its tokens.

The form is the first word after the prologue (``PREFIX``, ``BASE`` and ``VERSION``
declarations, comments), and Oxigraph matches keywords with no word boundary: it reads
``SELECTDISTINCT ?x``, ``SELECTREDUCED*``, ``ASKWHERE{`` and ``CONSTRUCTWHERE{`` as the form
and what follows it.  Read as a whole word, ``SELECTDISTINCT`` was no form: the reading of a
query bound for a remote store (``query/dialect.py``) took a subquery's SELECT for it, or
none, and evaluated its VALUES in full (``query/values_stand_in.py``); and a text pattern
read a comment a carriage return ends, as the engine does, on to the line feed, so a
CONSTRUCT after it was asked of the store as JSON (HTTP 406).
"""

from __future__ import annotations

from ..keywords import keyword_run
from ..sparql import Token

FORMS = frozenset(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"))
GRAPH_FORMS = frozenset(("CONSTRUCT", "DESCRIBE"))
_PROLOGUE = frozenset(("PREFIX", "BASE", "VERSION"))
# The words a SPARQL Update operation begins with.
UPDATES = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                     "COPY", "WITH"))


def form_of(tokens: list[Token]) -> tuple[int, str] | None:
    """Return where the query of ``tokens`` begins its form (the token's index) and which
    form it is, as the engine reads the first word after the prologue; None if that word
    begins with no form (or there is none)."""
    at, word = _first_word(tokens)
    return (at, word) if word in FORMS else None


def update_of(tokens: list[Token]) -> Token | None:
    """Return the word with which ``tokens`` begin a SPARQL Update after the prologue, as the
    engine reads it (``INSERTDATA`` too); None if they do not."""
    at, word = _first_word(tokens)
    return tokens[at] if word in UPDATES else None


def _first_word(tokens: list[Token]) -> tuple[int, str | None]:
    """Return the index of the first word after the prologue and the first keyword the
    engine reads in it (None: no keyword, or no word)."""
    for at, token in enumerate(tokens):
        if token.kind != "NAME":
            continue  # a prologue's prefix, IRI or version string
        word = token.text.upper()
        if word in _PROLOGUE:
            continue
        run = keyword_run(word)
        return at, run[0][0] if run else None
    return -1, None
