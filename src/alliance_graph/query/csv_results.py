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

Python's writer reads each row in Python, 1.5 to 2.7 times Oxigraph's time on an answer of a
million rows, so it is taken only for an answer that may hold such a term: any other is
Oxigraph's writer's, one of one column passed through ``EmptyRowsQuoted``, which writes each
empty row ``""`` on the stream as it is written (at most 5 % more than Oxigraph's writer alone:
``bench/csv_one_column.py``).  ``oxigraph_writes`` decides that before the query is evaluated,
from the places such a term can come from: the query's text, the IRIs it is given besides (its
prefixes and graphs), and the graph's own terms.  Those are known for a build held in this
process's Oxigraph store: the build records them as it is made (``store.layout.Terms``: noted
while its quads pass through Python for the asserted copy, 0.5 s of a 56 s build at 100 k
facts, and 1.3 s reading graph/inferred), and opening it reads the record, so the engine and
the command line know them from the start.  A build made before builds recorded their terms, a
record that does not read, a remote store's graph and an engine's (``EngineGraph``) are not
known: their answers are written by Python's writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..store import directory
from ..terminals import SKIP

# What in a query's text can put a triple term or an IRI holding a comma into its answer,
# read on the raw text: a word in a string or a comment counts too, which costs only
# Python's writer (Oxigraph reads no \u escape outside strings and IRIs: TR\u0049PLE fails).
_MAKES = re.compile(rf"""
    << | \{{\|                          # a triple term, a reified triple, an annotation
  | triple                             # TRIPLE(...); SUBJECT(...) and its kin need one first
  | service                            # another store's answer, whatever it holds
  | [iu]ri {SKIP} \(                   # IRI(...) or URI(...): an IRI made of a string
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


# An ASK's answer in CSV and TSV, which SPARQL 1.1's CSV/TSV formats do not define: one column
# named _askResult and one row, as Jena (Fuseki) writes it and reads it back.  Oxigraph wrote
# the bare word ``true``: rdflib read that as a SELECT of one variable named "true" and no row
# (its TSV reader refused it), pandas as an empty table with a column named "true", the
# answer lost; this form rdflib reads as one row (TSV: an xsd:boolean), pandas as a bool.
BOOLEAN_FORMATS = (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)


def boolean(value: bool, fmt) -> bytes:
    """Return an ASK's answer ``value`` as CSV or TSV (``fmt``, one of BOOLEAN_FORMATS)."""
    word = b"true" if value else b"false"
    if fmt == ox.QueryResultsFormat.TSV:
        return b"?_askResult\n" + word + b"\n"
    return b"_askResult\r\n" + word + b"\r\n"


def write(result, out, oxigraph: bool = False, batch: int = 1000) -> None:
    """Write a SELECT's solutions (Oxigraph's ``QuerySolutions``) to the binary stream
    ``out`` as SPARQL CSV: by Oxigraph's writer when ``oxigraph`` says it writes this query's
    terms right (``oxigraph_writes``), an answer of one column through ``EmptyRowsQuoted``,
    else in Python, ``batch`` rows at a time."""
    variables = result.variables
    if oxigraph:
        into = out if len(variables) != 1 else EmptyRowsQuoted(out)
        result.serialize(into, format=ox.QueryResultsFormat.CSV)
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


class EmptyRowsQuoted:
    """A binary stream Oxigraph's CSV writer writes an answer of one column into, passing it
    on to ``out`` with each empty row (an empty line) written ``""``, as ``write`` writes it
    in Python: the rest is the bytes Python's writer writes, at Oxigraph's speed.

    A chunk may end anywhere (between a row's CR and LF, or between two rows), so what ends
    the last one is kept: an empty row is a line end followed by a CR outside a quoted field
    (a field that begins with a CR is quoted).  A quoted field may hold an empty line, so
    the double quotes are counted: every one Oxigraph writes opens or closes a quoted field
    or is doubled inside one (an IRI, a blank node's label, holds none), and a field is
    inside quotes after an odd count.  A chunk with no quote, outside one (most chunks), is
    fixed by one ``bytes.replace``; one with a quote, by ``_quoted_empty_rows``.
    Nothing is held back: ``out`` (a ``limits.Bounded``) counts the bytes as written."""

    def __init__(self, out):
        self.out = out
        self.quoted = False  # the last chunk ended inside a quoted field
        self.line_ended = False  # ... or with a line end outside one

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        if not data:
            return 0
        quoted = self.quoted
        if not quoted and b'"' not in data:
            fixed = data.replace(b"\n\r", b'\n""\r')
        else:
            fixed, quoted = _quoted_empty_rows(data, quoted)
        if self.line_ended and data[0] == 13:  # CR: this chunk begins with an empty row
            fixed = b'""' + fixed
        self.out.write(fixed)  # the state moves on once it is written: a failed write that
        self.quoted = quoted  # Oxigraph writes again is fixed as the first time
        self.line_ended = not quoted and data[-1] == 10
        return len(data)

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()


def _quoted_empty_rows(data: bytes, quoted: bool) -> tuple[bytes, bool]:
    """Return ``data`` with each empty row outside a quoted field written ``""``, and whether
    it ends inside a quoted field, ``quoted`` saying whether it begins inside one.  Split at
    its quotes, each piece outside one fixed, when it holds fewer than five quotes an empty
    line (Python's time goes by the piece, 0.04 to 0.09 microseconds); else each empty line
    is looked at (0.3 to 0.5 microseconds each)."""
    lines = data.count(b"\n\r")
    if not lines:
        return data, quoted ^ (data.count(b'"') & 1 == 1)
    if data.count(b'"') < 5 * lines:
        parts = data.split(b'"')
        first = 1 if quoted else 0
        parts[first::2] = [part.replace(b"\n\r", b'\n""\r') for part in parts[first::2]]
        return b'"'.join(parts), quoted ^ (len(parts) % 2 == 0)
    pieces, done, counted = [], 0, 0
    at = data.find(b"\n\r")
    while at != -1:
        quoted ^= data.count(b'"', counted, at) & 1 == 1
        counted = at
        if not quoted:
            pieces += (data[done:at + 1], b'""')
            done = at + 1
        at = data.find(b"\n\r", at + 1)
    pieces.append(data[done:])
    return b"".join(pieces), quoted ^ (data.count(b'"', counted) & 1 == 1)
