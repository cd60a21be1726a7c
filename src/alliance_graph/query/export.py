"""Write the graph as RDF for other tools, optionally with inferred triples or as RDF 1.2.

Quad formats (N-Quads, TriG) keep the named graphs, so every triple still says which file it
came from; triple formats merge the graphs.  ``rdf12`` rewrites each claim's RDF 1.1
reification (``rdf:subject``/``rdf:predicate``/``rdf:object``) as one RDF 1.2
``rdf:reifies`` triple term, by CONSTRUCT queries over each graph: the two forms map one to
one.  RDF/XML that no XML or RDF/XML parser would read (a property or class IRI ending in "/"
or "#", or one of RDF/XML's own names, such as rdf:ID; a control character in a literal) is
refused with an ExportError naming the cause (``rdf_xml.py``), never written.  The graph viewers' formats (GraphML, node and edge CSV) are written by
``network.py``.

``export_to`` writes into a binary file as the graph is read, never holding it: the export
read every quad as a Python object, sorted them in Python and wrote the answer into memory
(at 100 k facts 1.1 GB for 204 MB of N-Quads; docs/benchmarks.md has the runs).  Now the
store writes each graph's triples as N-Triples into a sort in bounded memory
(``store.sorted_lines``, runs spilled to temporary files), whose lines come out in the order
exports always had (the terms' N-Triples text, graph first in the quad formats), so the same
graph still gives the same bytes; N-Triples and N-Quads are those lines (a graph
name put in), the other syntaxes Oxigraph's writer fed from them.  Turtle and RDF/XML declare
the project's prefixes their triples use, found in the lines as they are sorted
(``used_prefixes``); TriG, written a graph at a time as its lines are sorted, declares them
all; a prefixed name Oxigraph ends in an escaped dot (``id:Corp\\.``, which rdflib refuses) is
written whole (``turtle_names``).  ``export`` returns the bytes for a library's caller.

``format_for`` (``export_files``) picks the format of a file from its name's extension.
"""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
from xml.parsers import expat

import pyoxigraph as ox

from ..clipping import clipped
from ..namespaces import RDF
from ..store.layout import ASSERTED
from ..store.sorted_lines import LinesFile, LineSorter
from ..wording import Said
from . import network
from .answer import xml_kept
from .export_files import (  # noqa: F401 (format_for, formats_named_by: for export's callers)
    ALL_FORMATS,
    DEFAULT_FORMAT,
    FORMATS,
    ExportError,
    format_for,
    formats_named_by,
)
from .rdf_xml import not_written
from .results import GRAPH_FORMATS, prefixes_for
from .temporary import SpillFailed, Temporary, held_file, spilled
from .turtle_names import WholeNames
from .used_prefixes import UsedPrefixes
from .xml_check import XmlCheck

QUAD_FORMATS = {"nq", "trig"}
_REIFICATION = {ox.NamedNode(str(RDF[p])) for p in ("subject", "predicate", "object")}


# Lines sorted by their bytes, each once, in runs of this many bytes held (the lines and
# their objects): past it, runs go to temporary files (in TMPDIR) and are merged, so what an
# export holds does not grow with the graph.  At 100 k facts 8 MiB runs took the process to
# 110-113 MB in every format (16 MiB: 142 MB), about the sort program's 102-127 MB
# (docs/benchmarks.md).
_RUN_BYTES = 8 << 20
_NT = ox.RdfFormat.N_TRIPLES
# Bytes read from the sorted lines, or from RDF/XML's temporary file, and written on at a time.
_CHUNK = 256 << 10
_REIFYING = "VALUES ?r { rdf:subject rdf:predicate rdf:object }"
# With ``rdf12``, the reification triples of a graph that are no claim's (a graph's other
# triples are written as they are): only a complete claim in the asserted graphs (the query's
# default graph) has an rdf:reifies form, so a bare rdf:Statement in a data file keeps its own.
_NO_CLAIMS = ("CONSTRUCT { ?x ?r ?z } WHERE { " + _REIFYING + " GRAPH %s { ?x ?r ?z } FILTER "
              "NOT EXISTS { ?x a ag:Claim ; rdf:subject [] ; rdf:predicate [] ; rdf:object [] } }")
# The rdf:reifies triples of the claims a graph writes: a claim's goes to the last graph of
# the export (in the graph's own order) that holds one of its reification triples.  Asked only
# of a graph that holds some (_REIFYING_HELD): the query reads every claim first.
_REIFIES = ("CONSTRUCT { ?claim rdf:reifies <<( ?s ?p ?o )>> } WHERE { ?claim a ag:Claim ; "
            "rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o FILTER EXISTS { " + _REIFYING
            + " GRAPH %s { ?claim ?r ?v } }%s }")
_REIFYING_HELD = "ASK { " + _REIFYING + " GRAPH %s { ?claim ?r ?v } }"
_LATER = " FILTER NOT EXISTS { " + _REIFYING + " VALUES ?g { %s } GRAPH ?g { ?claim ?r ?v } }"


def _claims_graph(kg) -> list[ox.NamedNode]:
    """Return the default graph the claims are read from with ``rdf12``: graph/asserted, the
    asserted triples as one graph, where the store holds it (a directory store, the memory
    backend's store on disk, a remote store: at 100 k facts the rewrite took 8 times as long
    over the list of the files' graphs), else that list (a graph made from a store)."""
    held = kg.query(f"ASK {{ GRAPH {ASSERTED} {{ ?s ?p ?o }} }}", default_graph=[],
                    named_graphs=[ASSERTED])
    return [ASSERTED] if bool(held) else kg.asserted


def _refuse_asked(fmt: str, inferred: bool, rdf12: bool) -> None:
    """Raise ExportError for a format ``export`` does not write, or one that cannot carry what
    ``inferred`` and ``rdf12`` ask for."""
    if fmt in network.FORMATS:
        given = [p for p, on in (("inferred", inferred), ("rdf12", rdf12)) if on]
        if given:
            raise ExportError(Said(lambda n: (
                f"{fmt} holds the asserted entities and facts only; "
                + " and ".join(n(p, True) for p in given)
                + f" appl{'ies' if len(given) == 1 else 'y'} to the RDF formats "
                f"({', '.join(FORMATS)})")))
        return
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {clipped(fmt, show=repr)}; "
                          f"choose one of: {', '.join(ALL_FORMATS)}")
    if rdf12 and fmt == "jsonld":
        raise ExportError(Said(lambda n: "JSON-LD has no syntax for RDF 1.2 triple terms; "
                                         f"use {n('rdf12', True)} with ttl, nt, nq, trig or xml"))


def _as_nt(result, into) -> None:
    """Write a CONSTRUCT's triples into ``into`` as N-Triples (Oxigraph's as it evaluates)."""
    if isinstance(result, ox.QueryTriples):
        result.serialize(into, format=_NT)
    else:  # a remote store's, or the engine's, read whole by their read call
        ox.serialize(result, into, format=_NT)


def _graph_lines(kg, graph: ox.NamedNode, graphs: list[ox.NamedNode], claims: list | None,
                 into) -> None:
    """Write the triples of ``graph`` (one of the export's ``graphs``) into ``into`` as
    N-Triples, in the store's order; each claim as RDF 1.2 when ``claims`` names the graphs
    they are read from (``_claims_graph``)."""
    if claims is not None:
        ox.serialize((q.triple for q in kg.store.quads_for_pattern(None, None, None, graph)
                      if q.predicate not in _REIFICATION), into, format=_NT)
        _as_nt(kg.query(_NO_CLAIMS % graph, default_graph=claims, named_graphs=[graph]), into)
        if kg.query(_REIFYING_HELD % graph, default_graph=[], named_graphs=[graph]):
            later = " ".join(map(str, graphs[graphs.index(graph) + 1:]))
            _as_nt(kg.query(_REIFIES % (graph, _LATER % later if later else ""),
                            default_graph=claims, named_graphs=graphs), into)
        return
    dump = getattr(kg.store, "dump", None)
    if dump is not None:  # an Oxigraph store: written by Oxigraph as it iterates
        dump(into, _NT, from_graph=graph)
    else:  # a remote store, or the engine's: a graph's quads at a time, as their read call gives
        ox.serialize((q.triple for q in kg.store.quads_for_pattern(None, None, None, graph)),
                     into, format=_NT)


@contextlib.contextmanager
def _sorted(fill):
    """Yield a binary file of the N-Triples lines that ``fill`` writes into the file it is
    given, sorted by their bytes, each once: the order of the terms' N-Triples text
    (``str(triple)``) that exports have always had.  Sorted in runs of ``_RUN_BYTES`` spilled
    to temporary files (``store.sorted_lines``): SPARQL's ORDER BY cannot give that order (it
    holds blank nodes equal, compares literals by value, and no function reads a blank node's
    label), and a sort in memory holds every line.  The caller may stop reading before the
    end (the runs are removed all the same)."""
    with LineSorter(unique=True, run_bytes=_RUN_BYTES) as sorter:
        fill(Temporary(sorter))  # the runs' files failing is SpillFailed (temporary.py)
        yield io.BufferedReader(LinesFile(spilled(sorter.lines())), _CHUNK)


def _merged(kg, graphs: list[ox.NamedNode], claims: list | None, used=None):
    """Return ``_sorted``'s lines of the triples of every one of ``graphs``, each once; with
    ``used`` (a ``UsedPrefixes``), its ``prefixes()`` then name the ones they use."""
    def fill(into):
        into = into if used is None else used.watching(into)
        for g in graphs:
            _graph_lines(kg, g, graphs, claims, into)
    return _sorted(fill)


def _triples(lines):
    return (q.triple for q in ox.parse(lines, format=_NT))


def _per_graph(kg, graphs: list[ox.NamedNode], claims: list | None):
    """Yield each of ``graphs`` and ``_sorted``'s lines of its triples: graph first (TriG
    writes one block per run of quads in the same graph, so sorting by subject first reopened
    every graph's block many times), in the order of their N-Triples text too."""
    for graph in sorted(graphs, key=str):
        with _sorted(functools.partial(_graph_lines, kg, graph, graphs, claims)) as lines:
            yield graph, lines


def _quads(kg, graphs: list[ox.NamedNode], claims: list | None):
    for graph, lines in _per_graph(kg, graphs, claims):
        for q in ox.parse(lines, format=_NT):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)


def _write_nquads(kg, graphs: list[ox.NamedNode], claims: list | None, out) -> None:
    """Write the graphs as N-Quads: each sorted N-Triples line with its graph put before its
    final " .", as Oxigraph's N-Quads writer writes a quad (a text transform, not a parse: an
    N-Triples line ends in " .\n", and holds no other line feed)."""
    for graph, lines in _per_graph(kg, graphs, claims):
        tail = f" {graph} .\n".encode()
        while run := lines.readlines(_CHUNK):
            out.write(b"".join(run).replace(b" .\n", tail))


def _xml_chunks(held):
    """Yield the RDF/XML in ``held`` ``_CHUNK`` bytes at a time, as ``xml_kept`` writes it."""
    held.seek(0)
    while chunk := held.read(_CHUNK):
        yield xml_kept(chunk)


def _write_xml(kg, graphs: list[ox.NamedNode], claims: list | None, out) -> None:
    """Write the graphs' merge as RDF/XML into ``out`` once it is known to be XML that every
    parser reads: written first into a temporary file and read back by an XML parser, so
    that an export refused writes nothing (the disk holds it meanwhile, not memory)."""
    target = GRAPH_FORMATS["xml"].oxigraph
    used = UsedPrefixes(target)
    with held_file() as held:
        try:
            with _merged(kg, graphs, claims, used) as lines:
                ox.serialize(_triples(lines), held, format=target, prefixes=used.prefixes())
        except OSError as exc:  # the writer refusing a triple (a temporary file: SpillFailed)
            raise _refused(kg, graphs, claims, None) or exc from None
        parser = XmlCheck()  # expat reads only what its scan finds odd (xml_check.py)
        try:
            for chunk in _xml_chunks(held):
                parser.feed(chunk, False)
            parser.feed(b"", True)
        except expat.ExpatError as exc:
            raise _refused(kg, graphs, claims, f"Oxigraph wrote XML that does not parse ({exc})"
                           ) from None
        for chunk in _xml_chunks(held):
            out.write(chunk)


def _refused(kg, graphs: list[ox.NamedNode], claims: list | None,
             otherwise: str | None) -> ExportError | None:
    """Return the ExportError for RDF/XML the graphs cannot be written in, saying why
    (``rdf_xml.not_written``), else ``otherwise``; None when neither says anything."""
    with _merged(kg, graphs, claims) as lines:
        reason = not_written(_triples(lines)) or otherwise
    return reason and ExportError(f"cannot export as RDF/XML: {reason}; use ttl, nt, nq, trig "
                                  "or jsonld")


class _Counted(io.RawIOBase):
    """A binary file in front of another that counts the bytes written through it."""

    def __init__(self, out):
        self.out, self.size = out, 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.out.write(data)
        self.size += len(data)
        return len(data)


def export_to(kg, fmt: str, out, *, inferred: bool = False, rdf12: bool = False) -> int:
    """Write the graph in ``fmt`` (one of ALL_FORMATS) into the binary file ``out`` as it is
    read from the store; return the bytes written.  Refusals (ExportError) come before
    anything is written.

    The RDF formats are sorted as they always were, by the N-Triples text of the terms (graph
    first in the quad formats), and written from the sorted lines as they come: each graph's
    triples are written by the store into an external merge sort (``_sorted``), so what this
    process holds is one run of ``_RUN_BYTES``, whatever the graph's size.  RDF/XML alone is
    held whole before it is written, in a temporary file (``_write_xml``); a temporary folder
    that cannot hold them is an ExportError saying so (``temporary.py``).  The network
    formats are written as ``network.write_to`` reads them."""
    _refuse_asked(fmt, inferred, rdf12)
    try:
        if fmt in network.FORMATS:
            return network.write_to(kg, fmt, out)
        return _written(kg, fmt, out, inferred, rdf12)
    except SpillFailed as exc:
        raise ExportError(f"cannot export: {exc.said()}") from exc.cause


def _written(kg, fmt: str, out, inferred: bool, rdf12: bool) -> int:
    """``export_to``'s work for the RDF formats."""
    counted = _Counted(out)
    graphs = kg.default_graph(inferred)
    claims = _claims_graph(kg) if rdf12 else None
    target = GRAPH_FORMATS[fmt].oxigraph
    if fmt == "xml":
        _write_xml(kg, graphs, claims, counted)
    elif fmt == "nt":  # the sorted lines are the N-Triples document
        with _merged(kg, graphs, claims) as lines:
            shutil.copyfileobj(lines, counted)
    elif fmt == "nq":
        _write_nquads(kg, graphs, claims, counted)
    elif fmt == "trig":  # a name ending in "\." written whole, for rdflib (turtle_names)
        names = WholeNames(counted, prefixes_for(target))
        ox.serialize(_quads(kg, graphs, claims), names, format=target, prefixes=names.prefixes)
        names.end()
    else:  # Turtle, declaring the prefixes its lines use; JSON-LD, none
        used = UsedPrefixes(target) if prefixes_for(target) else None
        with _merged(kg, graphs, claims, used) as lines:
            prefixes = used and used.prefixes()
            names = WholeNames(counted, prefixes) if used else None
            ox.serialize(_triples(lines), names or counted, format=target, prefixes=prefixes)
            if names:
                names.end()
    return counted.size


def export(kg, fmt: str = DEFAULT_FORMAT, *, inferred: bool = False,
           rdf12: bool = False) -> bytes:
    """Return the graph serialized in ``fmt`` (one of ALL_FORMATS): ``export_to``'s bytes,
    held whole, for a library's or a notebook's caller."""
    out = io.BytesIO()
    export_to(kg, fmt, out, inferred=inferred, rdf12=rdf12)
    return out.getvalue()
