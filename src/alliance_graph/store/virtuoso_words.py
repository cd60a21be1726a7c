"""Keywords glued together, written apart for Virtuoso, which reads them so only apart.

Oxigraph matches keywords with no word boundary (``keywords.py``): ``SELECTDISTINCT ?x``,
``ASKWHERE{``, ``ORDERBY ?x``, ``OFFSET10`` and ``LIMIT3`` are read as the keywords (and
numbers) glued in them, and answered.  Virtuoso 7.2 refuses each as a syntax error ("37000
Error SP030: SPARQL compiler, line 1: syntax error at 'SELECTDISTINCT'"), so a query the
other stores answer failed over it (exit 1, or a 400).  Each such word is sent with a space
between the keywords the engine reads in it; its lines stay the user's.
"""

from __future__ import annotations

from ..keywords import KEYWORDS, keyword_run
from ..sparql import Token, tokenize


def glued(query: str) -> list[tuple[Token, list[tuple[str, int]]]]:
    """Return each word of ``query`` made wholly of keywords and numbers glued together, as
    the engine reads it, with those keywords and numbers and their offsets in the word."""
    words = []
    for token in tokenize(query):
        if token.kind != "NAME" or token.text.upper() in KEYWORDS:
            continue
        run = keyword_run(token.text.upper())
        if len(run) > 1 and sum(len(word) for word, _ in run) == len(token.text):
            words.append((token, run))
    return words


def parted(query: str) -> str:
    """Return ``query`` with each word made of keywords (and numbers) glued together, as the
    engine reads it whole, written with a space between them (``SELECT DISTINCT``)."""
    for token, run in reversed(glued(query)):
        apart = " ".join(token.text[at:at + len(word)] for word, at in run)
        query = f"{query[:token.start]}{apart}{query[token.start + len(token.text):]}"
    return query
