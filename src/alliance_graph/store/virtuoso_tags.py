"""A language tag written in a query, sent to Virtuoso in lower case, as Oxigraph reads it.

Oxigraph reads a tag in lower case wherever a query writes it: ``LANG("a"@EN-us)`` is
``"en-us"``, and ``sameTerm("a"@EN, "a"@en)`` true.  Virtuoso 7.2 keeps the tag as written
(``"EN-us"``; false), so the same query answered otherwise over it.  Each tag is sent in lower
case, the length of the query unchanged (a place in the store's message stays the user's).
What a query cannot say of a tag is left: one in a string (``STRLANG(?s, "EN")``) stays as
written, and Virtuoso's ``STRLANG`` refuses a tag in another case than its own
(``"en-us"``: "needs a valid language ID"; ``"en-US"`` passes).
"""

from __future__ import annotations

from ..sparql import tokenize


def lowered(query: str) -> str:
    """Return ``query`` with each language tag it writes (``"a"@EN-us``) in lower case."""
    if "@" not in query:
        return query
    tags = [t for t in tokenize(query) if t.kind == "LANGTAG" and t.text != t.text.lower()]
    for tag in tags:
        end = tag.start + len(tag.text)
        query = f"{query[:tag.start]}{tag.text.lower()}{query[end:]}"
    return query
