"""SPARQL CSV results written right where Oxigraph's own CSV writer is not.

Oxigraph's writer (pyoxigraph 0.5) writes an IRI as it is and an RDF 1.2 triple term as its
three parts joined by spaces, neither of them quoted: an IRI holding a comma
(``dbr:Washington,_D.C.``) splits its row into one field more, and a triple term whose
literal holds a comma, a double quote or a line break breaks the row anywhere.  ``write``
quotes every field as SPARQL's CSV format says (RFC 4180: a field holding ``"``, ``,``, CR or
LF in double quotes, a double quote in it doubled) and writes a triple term as SPARQL 1.2's
CSV draft does, its literal object in double quotes, with RDF 1.2's brackets:
``"<<( http://e/s http://e/p ""a, b"" )>>"``.  In an answer of one column it writes an unbound
or empty value as ``""`` (a quoted empty field, still an empty field to RFC 4180 and SPARQL):
Oxigraph's writer leaves that row an empty line, which Python's ``csv`` reads as no field and
pandas passes over, the row lost.  Every other field is the bytes Oxigraph writes.

``write`` reads each row in Python, three to four times Oxigraph's time on a large
answer, so it is taken only for an answer of one column (its variables are known before a row
is read) or one that may hold such a term.  ``oxigraph_writes``
decides that before the query is evaluated, from the places such a term can come from: the
query's text, the IRIs it is given besides (its prefixes and graphs), and the graph's own
terms.  Those are known for a build held in this process's Oxigraph store: the build records
them as it is made (``store.layout.Terms``: noted while its quads pass through Python for the
asserted copy, 0.5 s of a 56 s build at 100 k facts, and 1.3 s reading graph/inferred), and
opening it reads the record, so the engine and the command line know them from the start.  A
build made before builds recorded their terms, a record that does not read, a remote store's
graph and an engine's (``EngineGraph``) are not known: their answers are written by Python's
writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..store import directory

# What in a query's text can put a triple term or an IRI holding a comma into its answer,
# read on the raw text: a word in a string or a comment counts too, which costs only
# Python's writer (Oxigraph reads no \u escape outside strings and IRIs: TR\u0049PLE fails).
_MAKES = re.compile(r"""
    << | \{\|                          # a triple term, a reified triple, an annotation
  | triple                             # TRIPLE(...); SUBJECT(...) and its kin need one first
  | service                            # another store's answer, whatever it holds
  | [iu]ri (?: \s | \#[^\n\r]* )* \(   # IRI(...) or URI(...): an IRI made of a string
  | <[^<>\s]*,                         # an IRI written with a comma (BASE and PREFIX too)
  | \\ (?: , | u002c | U0000002c )     # a comma escaped in a prefixed name or an IRI
""", re.IGNORECASE | re.VERBOSE)


def oxigraph_writes(kg, sparql: str, iris: Iterable[str] = ()) -> bool:
    """Return whether Oxigraph's CSV writer writes every answer of ``sparql`` over ``kg``
    right: no triple term nor IRI holding a comma can be in it.  Never True wrongly: False
    whenever the query's text could make one, one of ``iris`` (the query's prefixes and
    graphs, given besides its text) holds a comma, or the graph is not a build held in this
    process's Oxigraph store (a remote store, an engine's), holds one, or has no readable
    record of its terms (``directory.recorded_terms``)."""
    if _MAKES.search(sparql) or any("," in iri for iri in iris):
        return False
    if not isinstance(getattr(kg, "main", None), ox.Store):
        return False
    terms = directory.recorded_terms(getattr(kg, "version", None))
    return terms is not None and not terms.iri_with_comma and not terms.triple_term


def write(result, out, oxigraph: bool = False, batch: int = 1000) -> None:
    """Write a SELECT's solutions (Oxigraph's ``QuerySolutions``) to the binary stream
    ``out`` as SPARQL CSV: by Oxigraph's writer when ``oxigraph`` says it writes this query's
    terms right (``oxigraph_writes``) and the answer has other than one column, else in
    Python, ``batch`` rows at a time."""
    variables = result.variables
    if oxigraph and len(variables) != 1:
        result.serialize(out, format=ox.QueryResultsFormat.CSV)
        return
    # A row of one empty field, written "": an empty line is no field to most readers.  (A
    # row of no column, SELECT * {}'s, is an empty line.)
    empty = '""' if len(variables) == 1 else ""
    lines = [",".join(v.value for v in variables)]
    for solution in result:
        lines.append(",".join([_field(term) for term in solution]) or empty)
        if len(lines) >= batch:
            out.write(("\r\n".join(lines) + "\r\n").encode())
            lines = []
    if lines:
        out.write(("\r\n".join(lines) + "\r\n").encode())


def _field(term) -> str:
    """Return a term as one CSV field (nothing for an unbound variable)."""
    if term is None:
        return ""
    kind = type(term)  # an IRI or a literal, most often: its text is its value
    text = term.value if kind is not ox.BlankNode and kind is not ox.Triple else _text(term)
    if '"' in text or "," in text or "\n" in text or "\r" in text:  # faster than a regex
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(term) -> str:
    """Return a term's text in a CSV field, before quoting: an IRI or a literal's lexical
    form, a blank node's ``_:`` label, a triple term ``<<( s p o )>>``."""
    kind = type(term)
    if kind is ox.BlankNode:
        return "_:" + term.value
    if kind is ox.Triple:
        return "<<( " + " ".join(_inner(part) for part in term) + " )>>"
    return term.value


def _inner(term) -> str:
    """Return a term inside a triple term: a literal in double quotes (one in it doubled, as
    SPARQL 1.2's CSV draft writes it), anything else as in a field of its own."""
    if type(term) is ox.Literal:
        return '"' + term.value.replace('"', '""') + '"'
    return _text(term)
