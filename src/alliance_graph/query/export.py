"""Write the graph as RDF for other tools, optionally with inferred triples or as RDF 1.2.

Quad formats (N-Quads, TriG) keep the named graphs, so every triple still says which file it
came from; triple formats merge the graphs.  ``rdf12`` rewrites each claim's RDF 1.1
reification (``rdf:subject``/``rdf:predicate``/``rdf:object``) as one RDF 1.2
``rdf:reifies`` triple term, by a single CONSTRUCT: the two forms map one to one.  RDF/XML
that no XML parser would read (a property or class IRI ending in "/" or "#", a control
character in a literal) is refused with an ExportError naming the cause, never written.  The
graph viewers' formats (GraphML, node and edge CSV) are written by ``network.py``.

``format_for`` picks the format of a file from its name's extension, as riot and rapper do:
the RDF extensions are Oxigraph's (but ``.owl`` is RDF/XML and ``.txt`` none), the network
ones ``network``'s; any other extension keeps DEFAULT_FORMAT.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePath

import pyoxigraph as ox

from ..namespaces import RDF
from ..wording import Said
from . import network
from .answer import readable_xml
from .results import GRAPH_FORMATS, prefixes_for

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")
DEFAULT_FORMAT = "ttl"
QUAD_FORMATS = {"nq", "trig"}
# Every format `export` writes: the RDF syntaxes, then the graph viewers' network formats.
ALL_FORMATS = FORMATS + network.FORMATS

_REIFICATION = {ox.NamedNode(str(RDF[p])) for p in ("subject", "predicate", "object")}
_TO_RDF12 = """
CONSTRUCT { ?claim rdf:reifies <<( ?s ?p ?o )>> }
WHERE { ?claim a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
"""


# RDF/XML writes a predicate (and a class, as a typed node) as an element name: namespace plus
# a local part that is an XML name.  An IRI that does not end in one ("…/", "…#", "…?x=1") has
# no such split, and Oxigraph then writes an element no XML parser reads.
_NAME_START = ("A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
               "\U00010000-\U000effff")
_ENDS_IN_XML_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\xb7\u0300-\u036f"
                               "\u203f\u2040]*$")
_TYPE = ox.NamedNode(str(RDF.type))


class ExportError(ValueError):
    """The export cannot be written as asked.  Where it names a parameter, the message is a
    ``wording.Said``: ``inferred=True``, ``fmt='nt'`` to a caller of ``export`` and
    ``format_for``, the command line's ``--inferred``, ``--format nt`` through ``worded``."""


# Extensions read otherwise than Oxigraph reads them: an ontology file ending in .owl is
# RDF/XML (Protégé's default, and riot's reading); .txt, N-Triples to Oxigraph (after the W3C
# test suites), is plain text to everyone else, so it names no format.
_READ_AS = {"owl": "rdf", "txt": ""}


def _extension(fmt: str) -> str:
    """Return the file name extension of a format ``export`` writes."""
    if fmt in network.FORMATS:
        return network.EXTENSIONS[fmt]
    return GRAPH_FORMATS[fmt].oxigraph.file_extension


def formats_named_by(name: str) -> list[str]:
    """Return the formats the extension of the file name ``name`` names: one, none (no
    extension, or one no format has), or two for ``.csv`` (the nodes, or the edges)."""
    extension = PurePath(name).suffix[1:].lower()
    extension = _READ_AS.get(extension, extension)
    syntax = ox.RdfFormat.from_extension(extension) if extension else None
    return [f for f in FORMATS if GRAPH_FORMATS[f].oxigraph == syntax] + \
        [f for f in network.FORMATS if network.EXTENSIONS[f] == extension]


def format_for(name: str, fmt: str | None) -> str:
    """Return the format to write the file ``name`` in: ``fmt``, else the one its extension
    names, else DEFAULT_FORMAT; raise ExportError when they differ or the extension names two."""
    named = formats_named_by(name)
    if fmt is None and len(named) > 1:
        raise ExportError(Said(lambda n: f"{name} may hold {' or '.join(named)}: give "
                                         f"{n('fmt', *named)}"))
    if fmt is None:
        return named[0] if named else DEFAULT_FORMAT
    # GraphML is XML: a .xml file may hold it, though .xml alone names RDF/XML.
    if named and fmt not in named and (fmt, named) != ("graphml", ["xml"]):
        raise ExportError(Said(lambda n: (
            f"{name} is a name for {n('fmt', *named)}, but {n('fmt', fmt)} was asked: "
            + (f"leave {n('fmt')} out" if len(named) == 1 else f"give {n('fmt', *named)}")
            + f", or end the file name in .{_extension(fmt)}")))
    return fmt


def rdf12_quads(kg, quads: list[ox.Quad]) -> list[ox.Quad]:
    """Return ``quads`` with each claim's reification triples replaced by ``rdf:reifies``."""
    claim_graph = {q.subject: q.graph_name for q in quads if q.predicate in _REIFICATION}
    reifies = [ox.Quad(t.subject, t.predicate, t.object, claim_graph[t.subject])
               for t in kg.query(_TO_RDF12) if t.subject in claim_graph]
    # Only what was rewritten is dropped: an rdf:subject of a node that is no complete claim
    # (a bare rdf:Statement in a data file) has no rdf:reifies form and stays as it is.
    rewritten = {q.subject for q in reifies}
    return [q for q in quads
            if not (q.predicate in _REIFICATION and q.subject in rewritten)] + reifies


def _terms(term):
    """Yield ``term`` and, for a triple term, the terms inside it."""
    yield term
    if isinstance(term, ox.Triple):
        for part in (term.subject, term.predicate, term.object):
            yield from _terms(part)


def _not_xml(triples) -> str:
    """Return what in ``triples`` RDF/XML cannot carry, said for the user ("" if nothing)."""
    for t in triples:
        for inner in _terms(t):
            if not isinstance(inner, ox.Triple):
                continue
            named = [inner.predicate] + ([inner.object] if inner.predicate == _TYPE else [])
            for iri in named:
                if isinstance(iri, ox.NamedNode) and not _ENDS_IN_XML_NAME.search(iri.value):
                    return (f"the IRI <{iri.value}> does not end in an XML name, so RDF/XML "
                            "cannot write it as a property or class")
            bad = isinstance(inner.object, ox.Literal) and network.NOT_XML.search(inner.object.value)
            if bad:
                char = bad.group()
                return (f"a value of {inner.subject} holds the character U+{ord(char):04X}, "
                        "which XML 1.0 cannot carry")
    return ""


def _rdf_xml(triples, out: io.BytesIO) -> bytes:
    """Return the RDF/XML Oxigraph wrote into ``out``, checked to be XML every parser reads."""
    data, problem = readable_xml(out.getvalue())
    if problem:
        reason = _not_xml(triples) or f"Oxigraph wrote XML that does not parse ({problem})"
        raise ExportError(f"cannot export as RDF/XML: {reason}; use ttl, nt, nq, trig or "
                          "jsonld")
    return data


def _graph_order(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def export(kg, fmt: str = DEFAULT_FORMAT, *, inferred: bool = False,
           rdf12: bool = False) -> bytes:
    """Return the graph serialized in ``fmt`` (one of ALL_FORMATS)."""
    if fmt in network.FORMATS:
        given = [p for p, on in (("inferred", inferred), ("rdf12", rdf12)) if on]
        if given:
            raise ExportError(Said(lambda n: (
                f"{fmt} holds the asserted entities and facts only; "
                + " and ".join(n(p, True) for p in given)
                + f" appl{'ies' if len(given) == 1 else 'y'} to the RDF formats "
                f"({', '.join(FORMATS)})")))
        return network.write(kg, fmt)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; "
                          f"choose one of: {', '.join(ALL_FORMATS)}")
    if rdf12 and fmt == "jsonld":
        raise ExportError(Said(lambda n: "JSON-LD has no syntax for RDF 1.2 triple terms; "
                                         f"use {n('rdf12', True)} with ttl, nt, nq, trig or xml"))
    quads = kg.quads(inferred=inferred)
    if rdf12:
        quads = rdf12_quads(kg, quads)
    out = io.BytesIO()
    target = GRAPH_FORMATS[fmt].oxigraph
    prefixes = prefixes_for(target)
    if fmt in QUAD_FORMATS:
        # Graph first: TriG writes one block per run of quads in the same graph, so sorting by
        # subject first (as str(quad) does) reopened every graph's block many times.
        ox.serialize(sorted(quads, key=_graph_order), out, format=target, prefixes=prefixes)
    else:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        ox.serialize(triples, out, format=target, prefixes=prefixes)
        if fmt == "xml":
            return _rdf_xml(triples, out)
    return out.getvalue()
