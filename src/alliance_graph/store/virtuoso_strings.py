"""A string typed xsd:string in a query, sent to Virtuoso as the plain string it is.

In RDF 1.1 ``"Iron Dome"^^xsd:string`` and ``"Iron Dome"`` are one term, and the other
stores read them so.  Virtuoso 7.2 tells them apart when the query writes the type: ``?s
rdfs:label "Iron Dome"^^xsd:string`` matched no label (the others: Iron Dome), nor did it
in ``VALUES``, ``=`` or ``sameTerm``, and ``SELECT DISTINCT`` kept both.  So each such
literal is sent without its type; its lines stay the user's.
"""

from __future__ import annotations

from ..sparql import Token, tokenize

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRINGS = frozenset(("STRING_LITERAL1", "STRING_LITERAL2", "STRING_LITERAL_LONG1",
                      "STRING_LITERAL_LONG2"))


def declarations(tokens: list[Token]) -> dict[str, str]:
    """Return the namespace each prefix names in the query of ``tokens`` (its last
    declaration's, as the engine keeps it)."""
    return {b.text[:-1]: c.text[1:-1] for a, b, c in zip(tokens, tokens[1:], tokens[2:])
            if a.kind == "NAME" and a.text.upper() == "PREFIX" and b.kind == "PNAME_NS"
            and c.kind == "IRIREF"}


def datatype_of(tokens: list[Token], at: int, declared: dict[str, str]) -> str | None:
    """Return the datatype IRI of the literal whose string is ``tokens[at]`` (``^^`` and a
    full IRI, or a name of a prefix ``declared``), None if it is given none known."""
    if at + 2 >= len(tokens) or tokens[at + 1].kind != "^^":
        return None
    datatype = tokens[at + 2]
    if datatype.kind == "IRIREF":
        return datatype.text[1:-1]
    prefix, _, local = datatype.text.partition(":")
    return declared[prefix] + local if datatype.kind == "PNAME_LN" and prefix in declared \
        else None


def untyped(query: str) -> str:
    """Return ``query`` with each literal typed xsd:string written as its plain string."""
    if "string" not in query:
        return query
    tokens = tokenize(query)
    declared = declarations(tokens)
    pieces, done = [], 0
    for at, token in enumerate(tokens):
        if token.kind in _STRINGS and datatype_of(tokens, at, declared) == XSD + "string":
            end = tokens[at + 2].start + len(tokens[at + 2].text)
            if "\n" not in query[token.start:end]:  # the lines stay the user's
                pieces += [query[done:token.start], token.text]
                done = end
    return "".join(pieces) + query[done:]
