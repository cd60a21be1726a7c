"""The RDF plumbing every step shares: terms between Oxigraph and rdflib, graph names and files,
and Turtle terms.

One home for each, so that the build, validation, ``add`` and the queries agree on how a blank
node crosses from one library to the other, which file a named graph stands for, and how a
literal is escaped.  (Files are replaced through ``atomic.py``.)
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .clipping import clipped
from .namespaces import PREFIX_IRIS

if TYPE_CHECKING:
    import rdflib

# rdflib is imported by the functions that cross to it, not here: a process that only serves
# queries (the engine) uses this module's names and Turtle writing, and never loads rdflib.
_XSD, _RDF = PREFIX_IRIS["xsd"], PREFIX_IRIS["rdf"]
_XSD_STRING = _XSD + "string"
_GRAPH = PREFIX_IRIS["graph"]

# --- terms: Oxigraph <-> rdflib ---------------------------------------------------------------

# Blank nodes cross to rdflib as urn:bnode:<id> IRIs when asked (``skolem``), so that a finding
# on a selector keeps the id the file was parsed with; ``to_ox`` turns them back.
SKOLEM = "urn:bnode:"


@contextmanager
def quiet_rdflib():
    """Silence rdflib's traceback per ill-typed literal: those are reported as findings."""
    logger = logging.getLogger("rdflib.term")
    level, logger.level = logger.level, logging.CRITICAL
    try:
        yield
    finally:
        logger.setLevel(level)


def _in_rdflib(term) -> None:
    """Raise ValueError for an RDF 1.2 term rdflib (7) has no term for: a triple term, which
    its N-Triples reader refused as an "Invalid line", and a literal with a base direction
    ("x"@en--rtl), which it refused so too, or (term by term) was copied without its
    direction, as another literal."""
    if type(term) is ox.Triple:
        shown = f"<<( {term} )>>"
        what = "an RDF 1.2 triple term"
    elif type(term) is ox.Literal and term.direction is not None:
        shown = str(term)
        what = "an RDF 1.2 literal with a base direction"
    else:
        return
    raise ValueError(f"rdflib has no term for {what}, as {clipped(shown)}: keep these triples as "
                     "pyoxigraph's (pyoxigraph.serialize writes them in Turtle or N-Triples), "
                     "or leave such terms out of the query's answer")


def to_rdflib_term(term, skolem: bool = False):
    """Return the rdflib term for an Oxigraph term (blank nodes as SKOLEM IRIs if ``skolem``);
    ValueError for an RDF 1.2 term rdflib has none for (``_in_rdflib``)."""
    import rdflib
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.URIRef(SKOLEM + term.value) if skolem else rdflib.BNode(term.value)
    _in_rdflib(term)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)  # as rdflib's own parsers write a plain string
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def to_ox(term):
    """Return the Oxigraph term for an rdflib term (SKOLEM IRIs become blank nodes again)."""
    import rdflib
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        if str(term).startswith(SKOLEM):
            return ox.BlankNode(str(term)[len(SKOLEM):])
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype
                      else None)


def to_rdflib(quads_or_triples, graph: rdflib.Graph | None = None,
              skolem: bool = False, keep_ids: bool = False) -> rdflib.Graph:
    """Copy Oxigraph triples or quads into one rdflib graph (graph names dropped).

    By default the triples go through N-Triples, rdflib's fastest reader (blank nodes get
    rdflib's own ids); with ``skolem`` or ``keep_ids``, term by term, blank nodes keeping their
    ids, as SKOLEM IRIs or as blank nodes (``sh:nodeKind`` must see a blank node as one, and
    a finding's node must still find its line).  ValueError for an RDF 1.2 term rdflib has
    none for (``_in_rdflib``).
    """
    import rdflib
    graph = rdflib.Graph() if graph is None else graph
    if not (skolem or keep_ids):
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads_or_triples]
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if b"<<(" in data or b"--ltr" in data or b"--rtl" in data:  # or in a literal's text
            for t in triples:
                _in_rdflib(t.object)  # only an object may be a triple term, or a literal
        return graph.parse(data=data, format="nt")
    with quiet_rdflib():
        for q in quads_or_triples:
            graph.add((to_rdflib_term(q.subject, skolem), to_rdflib_term(q.predicate, skolem),
                       to_rdflib_term(q.object, skolem)))
    return graph


def from_rdflib(triples, graph_name: ox.NamedNode) -> list[ox.Quad]:
    """Copy rdflib triples into Oxigraph quads in the given named graph."""
    # Term by term: rdflib's n3() writes a literal holding a line break as a long string,
    # which N-Triples has not, so a note of two lines failed every build.
    return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph_name) for s, p, o in triples]


def term_text(term) -> str:
    """Return a term as text: an IRI bare, a blank node as _:id, a literal as N-Triples."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return str(term)
    import rdflib
    if isinstance(term, rdflib.URIRef):
        return str(term)
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return term.n3()


def from_text(text: str | None):
    """Return the Oxigraph term that ``term_text`` wrote as ``text``.

    Raises ``ValueError`` (or ``SyntaxError`` for a literal) when ``text`` is not a term."""
    if text is None:
        return None
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    if text.startswith('"'):
        [triple] = ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES)
        return triple.object
    return ox.NamedNode(text)


# --- graph names and files ----------------------------------------------------------------------

ONTOLOGY, DATA = "ontology", "data"


def graph_name(settings, path: Path) -> str:
    """Return the name of a file's named graph: ``ontology/<file>`` or ``data/<file>``.

    Named by the folder's role, not its location, so the checks and the reasoner find the
    ontology graphs wherever ``--ontology`` and ``--data`` point.
    """
    # The folder resolved, not the file: a data file may be a link to one kept elsewhere, and
    # is data all the same (resolved, it was named for where it points and skipped the checks).
    path = path.parent.resolve() / path.name
    for role, folder in ((ONTOLOGY, settings.ontology_dir), (DATA, settings.data_dir)):
        if path.parent == folder.resolve():
            return f"{role}/{path.name}"
    try:
        return path.relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return path.name


def in_role(role: str, file_name: str) -> str:
    """Return the graph name of ``file_name`` in the ``role`` folder (ontology or data)."""
    return f"{role}/{file_name}"


# A graph's IRI holds its file's name as path segments: every character RFC 3987 lets a path
# segment hold (ipchar: unreserved ASCII, the sub-delimiters, ":", "@", and ucschar, the
# Unicode characters an IRI may hold) and "/" is kept, every other one percent-encoded as its
# UTF-8 bytes, so that any name is a graph like any other.  A list of what to encode missed
# some: "my notes.ttl" was a traceback in every command, then "facts[1].ttl" ("[" is for an IPv6
# host), a C1 control, a private-use or a noncharacter code point.  The bytes of a name that is
# not UTF-8, which Python holds as lone surrogates ("caf\udce9.ttl"), are encoded as the byte
# itself, %E9, which ``file_of`` reads back.
_NOT_IN_IRI = re.compile(
    "[^A-Za-z0-9\\-._~!$&'()*+,;=:@/"
    "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"\\U{p:04x}0000-\\U{p:04x}fffd" for p in range(1, 14))
    + "\\U000e1000-\\U000efffd]")


def graph_iri(name: str) -> ox.NamedNode:
    """Return the named graph IRI for a graph name (a file's project-relative path)."""
    return ox.NamedNode(_GRAPH + _NOT_IN_IRI.sub(
        lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogateescape")),
        name))


@lru_cache(maxsize=4096)  # called per quad; there are only a few graphs
def file_of(graph: ox.NamedNode) -> str:
    """Return the graph name (file path) a named graph IRI stands for."""
    return urllib.parse.unquote(graph.value.removeprefix(_GRAPH), errors="surrogateescape")


def is_role(graph: ox.NamedNode, role: str) -> bool:
    """Return True when a named graph IRI is a file of the ``role`` folder."""
    return graph.value.startswith(f"{_GRAPH}{role}/")


# --- Turtle terms -------------------------------------------------------------------------------

# A prefixed name's local part as the project writes it (no escapes needed): an ASCII letter,
# digit or "_" first, then Turtle's PN_CHARS (and "." but last).  Python's \w, taken for them,
# holds characters Turtle's do not (½, ², µ, ª, ①, ...): `add` wrote
# <https://alliance-graph.example/id/Atlantis½> as id:Atlantis½, and refused its own merge.
_PN_CHARS = ("A-Z_a-z0-9\xb7\xc0-\xd6\xd8-\xf6\xf8-\u037d\u037f-\u1fff\u200c\u200d"
             "\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf"
             "\ufdf0-\ufffd\U00010000-\U000effff\\-")
_LOCAL = re.compile(f"^[A-Za-z0-9_](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?$")
# Literals Turtle may write bare, with the lexical forms that read back as the same literal.
# Digits are ASCII ones: \d took "١٢" (Arabic-Indic), an ill-typed integer, for one to write bare.
_BARE = {_XSD + "integer": re.compile(r"^[+-]?[0-9]+$"),
         _XSD + "decimal": re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
         _XSD + "boolean": re.compile(r"^(true|false)$")}
# Every control character escaped, not only those with a short escape: a NUL written raw
# parsed back in Oxigraph, but made the file "binary" to the build's loader.
_ESCAPES = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]},
                          "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def turtle_string(value: str) -> str:
    """Return ``value`` as a short Turtle string literal, escaped."""
    return '"' + value.translate(_ESCAPES) + '"'


class PrefixMap:
    """Prefixes to write IRIs with, indexed by namespace: shortening an IRI looks up the few
    namespaces it can end in, however many prefixes a file declares; ``used`` collects the
    prefixes written."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = dict(prefixes)
        self._by_ns: dict[str, tuple[int, str]] = {}
        for order, (prefix, ns) in enumerate(self.prefixes.items()):
            self._by_ns.setdefault(ns, (order, prefix))
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        """Return ``iri`` as a prefixed name when a prefix covers it, else as ``<iri>``."""
        # A local name is a run of word characters, dots and hyphens at the IRI's end.
        cut = len(iri)
        while cut > 0 and (iri[cut - 1].isalnum() or iri[cut - 1] in "_.-"):
            cut -= 1
        found = [self._by_ns[iri[:k]] for k in range(cut, len(iri)) if iri[:k] in self._by_ns]
        for _, prefix in sorted(found):
            local = iri[len(self.prefixes[prefix]):]
            if _LOCAL.match(local):
                self.used.add(prefix)
                return f"{prefix}:{local}"
        return f"<{iri}>"


def _prefix_map(prefixes) -> PrefixMap:
    return prefixes if isinstance(prefixes, PrefixMap) else PrefixMap(prefixes)


def turtle_iri(iri: str, prefixes: dict[str, str] | PrefixMap) -> str:
    """Return an IRI as a prefixed name when one of ``prefixes`` covers it, else ``<iri>``."""
    return _prefix_map(prefixes).iri(iri)


_RDF_TYPE = _RDF + "type"


def turtle_predicate(iri: str, prefixes: dict[str, str] | PrefixMap) -> str:
    """Return a predicate IRI in Turtle: ``a`` for rdf:type, else as ``turtle_iri``."""
    return "a" if iri == _RDF_TYPE else turtle_iri(iri, prefixes)


def turtle_term(term, prefixes: dict[str, str] | PrefixMap) -> str:
    """Return an Oxigraph IRI or literal in Turtle, with ``prefixes`` for the IRIs."""
    if isinstance(term, ox.NamedNode):
        return turtle_iri(term.value, prefixes)
    if not isinstance(term, ox.Literal):
        raise ValueError(f"cannot write {term!r} as a Turtle term")
    dt = term.datatype.value
    if dt in _BARE and _BARE[dt].match(term.value):
        return term.value
    quoted = turtle_string(term.value)
    if term.language:  # with its base direction (RDF 1.2), which the table showed not
        return f"{quoted}@{term.language}" + (f"--{term.direction.value}" if term.direction
                                             else "")
    if dt != _XSD_STRING:
        return f"{quoted}^^{turtle_iri(dt, prefixes)}"
    return quoted
