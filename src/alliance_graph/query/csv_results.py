"""SPARQL CSV results written right where Oxigraph's own CSV writer is not.

Oxigraph's writer (pyoxigraph 0.5) writes an IRI as it is and an RDF 1.2 triple term as its
three parts joined by spaces, neither of them quoted: an IRI holding a comma
(``dbr:Washington,_D.C.``) splits its row into one field more, and a triple term whose
literal holds a comma, a double quote or a line break breaks the row anywhere.  ``write``
quotes every field as SPARQL's CSV format says (RFC 4180: a field holding ``"``, ``,``, CR or
LF in double quotes, a double quote in it doubled) and writes a triple term as SPARQL 1.2's
CSV draft does, its literal object in double quotes, with RDF 1.2's brackets:
``"<<( http://e/s http://e/p ""a, b"" )>>"``.  Every other field is the bytes Oxigraph writes.

``write`` reads each row in Python, three to four times Oxigraph's time on a large
answer, so it is taken only for an answer that may hold such a term.  ``oxigraph_writes``
decides that before the query is evaluated, from the places such a term can come from: the
query's text, the IRIs it is given besides (its prefixes and graphs), and the graph's own
terms, known for a build held in this process's Oxigraph store (a build holds no triple term:
``build.loading`` refuses them) and not for a remote store's or an engine's.

The graph's terms are learnt by a scan of every quad (1.6 s at 100 k facts in memory, far
more at 1 M on disk, past a query's time limit), so never on a request's path: the engine
asks it on a thread of its own at its first CSV answer (``learn``), and answers are written
by Python's writer until it knows.  The command line never asks: its one answer costs the
slower writer less than the scan would.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

import pyoxigraph as ox

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

# Whether the graph holds a term Oxigraph's writer mangles: a triple term, or an IRI with a
# comma as a subject, predicate, object, literal's datatype (DATATYPE()) or graph name.
_HOLDS = """ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }
  FILTER(isTRIPLE(?s) || isTRIPLE(?o) || CONTAINS(STR(?p), ",")
         || isIRI(?s) && CONTAINS(STR(?s), ",") || isIRI(?o) && CONTAINS(STR(?o), ",")
         || isLITERAL(?o) && CONTAINS(STR(DATATYPE(?o)), ",")
         || BOUND(?g) && CONTAINS(STR(?g), ",")) }"""
# ``_HOLDS``'s answer for each build (a build's version names its content), once known; the
# versions being asked.
_BUILDS: dict[str, bool] = {}
_ASKING: set[str] = set()
_LOCK = threading.Lock()


def oxigraph_writes(kg, sparql: str, iris: Iterable[str] = (), learn: bool = False) -> bool:
    """Return whether Oxigraph's CSV writer writes every answer of ``sparql`` over ``kg``
    right: no triple term nor IRI holding a comma can be in it.  Never True wrongly: False
    whenever the query's text could make one, one of ``iris`` (the query's prefixes and
    graphs, given besides its text) holds a comma, or the graph is not a build held in this
    process's Oxigraph store (a remote store, an engine's), holds one, or is not known yet
    (``learn``: start learning it, on a thread of its own)."""
    if _MAKES.search(sparql) or any("," in iri for iri in iris):
        return False
    if not isinstance(getattr(kg, "main", None), ox.Store):
        return False
    version = getattr(kg, "version", None)
    held = _BUILDS.get(version) if version is not None else None
    if held is None:
        if learn and version is not None:
            learn_graph(kg)
        return False
    return not held


def learn_graph(kg) -> threading.Thread | None:
    """Start learning, on a daemon thread, whether ``kg``'s build holds a term Oxigraph's
    writer mangles; return the thread, or None when it is known, being learnt, or cannot be
    (no version: a store handed in, which may change; not an Oxigraph store)."""
    version = getattr(kg, "version", None)
    main = getattr(kg, "main", None)
    if version is None or not isinstance(main, ox.Store):
        return None
    with _LOCK:
        if version in _BUILDS or version in _ASKING:
            return None
        _ASKING.add(version)

    def ask():
        try:
            held = bool(main.query(_HOLDS)) or any("," in g.value for g in kg.asserted)
        except Exception:  # the store closed under it (a new build): not known, asked again
            held = None
        with _LOCK:
            _ASKING.discard(version)
            if held is not None:
                _BUILDS[version] = held

    thread = threading.Thread(target=ask, name="csv-terms", daemon=True)
    thread.start()
    return thread


def write(result, out, batch: int = 1000) -> None:
    """Write a SELECT's solutions (Oxigraph's ``QuerySolutions``) to the binary stream
    ``out`` as SPARQL CSV, ``batch`` rows at a time."""
    lines = [",".join(v.value for v in result.variables)]
    for solution in result:
        lines.append(",".join([_field(term) for term in solution]))
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
