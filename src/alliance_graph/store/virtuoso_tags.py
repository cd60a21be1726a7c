"""Language tags a query writes, sent to Virtuoso as it takes them, to answer as Oxigraph does.

Oxigraph reads a tag in lower case wherever a query writes it: ``LANG("a"@EN-us)`` is
``"en-us"``, and ``sameTerm("a"@EN, "a"@en)`` true.  Virtuoso 7.2 keeps a tag the query writes
as written (``"EN-us"``; false), so the same query answered otherwise over it.  Each tag is
sent in lower case (``lowered``), the length of the query unchanged (a place in the store's
message stays the user's).  A tag it stores, however written in the data (SPARQL Update, its
Graph Store, its bulk loader), Virtuoso keeps in lower case, as Oxigraph does.

A tag in a string, ``STRLANG(?s, "en-us")``, Virtuoso's ``STRLANG`` takes only in one case:
a language of two letters in lower case, a region of two in upper case, or a private tag
(``^(([a-z][a-z](-[A-Z][A-Z])?)|(x-[A-Za-z0-9]+))$``), and it stops the whole query at any
other ("needs a valid language ID as its second argument"), where Oxigraph makes the literal.
``STRLANG(?s, LANG(?l))`` failed so for every tag with a region, which Virtuoso gives in
lower case.  So ``STRLANG``'s tag is sent in that case, computed (``strlang_cased``); a tag of
another shape (``zh-Hant``, ``es-419``, ``en-Latn-US``) Virtuoso 7.2 cannot make at all, and
its refusal says so (``virtuoso_errors``).
"""

from __future__ import annotations

from ..keywords import read_glued
from ..sparql import CLOSE, OPEN, Token, tokenize

_STRLANG = frozenset(("STRLANG",))
# A tag in the case Virtuoso's STRLANG takes: its first three characters in lower case (a
# language of two letters and its "-", or "x-" and the first of a private tag), the rest in
# upper case (a region, or the rest of a private tag, which Virtuoso takes in either case).
# Virtuoso keeps the tag made in lower case, as Oxigraph makes it.
_CASED = "CONCAT(LCASE(SUBSTR({0}, 1, 3)), UCASE(SUBSTR({1}, 4)))"


def lowered(query: str) -> str:
    """Return ``query`` with each language tag it writes (``"a"@EN-us``) in lower case."""
    if "@" not in query:
        return query
    tags = [t for t in tokenize(query) if t.kind == "LANGTAG" and t.text != t.text.lower()]
    for tag in tags:
        end = tag.start + len(tag.text)
        query = f"{query[:tag.start]}{tag.text.lower()}{query[end:]}"
    return query


def strlang_cased(query: str) -> str:
    """Return ``query`` with the tag of each ``STRLANG(text, tag)`` put in the case Virtuoso
    takes (``_CASED``), where the tag's expression holds no ``STRLANG`` of its own (it is
    written twice: nested, it would double at each level) nor a line break (the lines after
    it stay the user's, as the store's messages number them)."""
    if "STRLANG" not in query.upper():
        return query
    tokens = list(read_glued(tokenize(query), _STRLANG))
    edits = []
    for at, token in enumerate(tokens):
        if token.kind == "NAME" and token.text.upper() == "STRLANG" \
                and tokens[at + 1:at + 2] and tokens[at + 1].kind == "(":
            tag = _second_argument(tokens, at + 1)
            if tag and not any(t.kind == "NAME" and "STRLANG" in t.text.upper() for t in tag):
                start, end = tag[0].start, tag[-1].start + len(tag[-1].text)
                written, again = query[start:end], _one_line(tag)
                if "\n" not in written and "\r" not in written:
                    edits.append((start, end, _CASED.format(written, again)))
    for start, end, text in sorted(edits, reverse=True):  # each tag after the calls within
        query = f"{query[:start]}{text}{query[end:]}"
    return query


def _second_argument(tokens: list[Token], opening: int) -> list[Token] | None:
    """Return the tokens of the second argument of the call whose ``(`` is at ``opening``;
    None if it has not two."""
    depth, comma = 0, None
    for at in range(opening + 1, len(tokens)):
        kind = tokens[at].kind
        if kind in OPEN:
            depth += 1
        elif kind in CLOSE:
            if depth == 0:
                return tokens[comma + 1:at] if comma is not None and at > comma + 1 else None
            depth -= 1
        elif kind == "," and depth == 0:
            if comma is not None:
                return None
            comma = at
    return None


def _one_line(tokens: list[Token]) -> str:
    """Return ``tokens`` written again, a space where white space or a comment parted two."""
    out = [tokens[0].text]
    for before, token in zip(tokens, tokens[1:]):
        out += [" " if token.start > before.start + len(before.text) else "", token.text]
    return "".join(out)
