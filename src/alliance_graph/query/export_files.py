"""Which format a file's name asks ``export`` for, and the refusals of names it cannot honour.

``format_for`` picks the format of a file from its name's extension, as riot and rapper do:
the RDF extensions are Oxigraph's (but ``.owl`` and ``.rdfs`` are RDF/XML, ``.n3`` Turtle and
``.txt`` none), the network ones ``network``'s; a compressed file's (``.gz``) or a syntax's
export does not write (``.rj``; a query's answers, ``.srj``, ``.tsv``) is refused; so is any
other extension (``.ntriples``: it was DEFAULT_FORMAT, unsaid), but where a format is given;
a name of no extension, or .txt, keeps DEFAULT_FORMAT.  A refusal says a long name
``clipped``, as the command line's --format does (a 100 KB name was said whole, thrice).  Out of ``export.py``, which was at its
400 lines; it imports them from here, for its callers.
"""

from __future__ import annotations

from pathlib import PurePath

import pyoxigraph as ox

from ..clipping import clipped
from ..settings import EXPORT_DEFAULT_FORMAT as DEFAULT_FORMAT
from ..settings import EXPORT_FORMATS as ALL_FORMATS
from ..wording import Said
from . import network
from .results import GRAPH_FORMATS

# Every format `export` writes is listed in settings.py (ALL_FORMATS: the RDF syntaxes, then
# the graph viewers' network formats), which the command's help quotes; these are its RDF ones.
FORMATS = tuple(fmt for fmt in ALL_FORMATS if fmt not in network.FORMATS)


class ExportError(ValueError):
    """The export cannot be written as asked.  Where it names a parameter, the message is a
    ``wording.Said``: ``inferred=True``, ``fmt='nt'`` to a caller of ``export`` and
    ``format_for``, the command line's ``--inferred``, ``--format nt`` through ``worded``."""


# Extensions read otherwise than Oxigraph reads them: an ontology file ending in .owl is
# RDF/XML (Protégé's default, and riot's reading); .txt, N-Triples to Oxigraph (after the W3C
# test suites), is plain text to everyone else, so it names no format; .nquads and .json-ld
# are rdflib's names for N-Quads and JSON-LD, and .rdfs (a schema) its name for RDF/XML: such
# a file got Turtle, which rdflib's guess_format then read as RDF/XML and refused.  .n3 (N3,
# of which Turtle is a part) got Turtle as an extension Oxigraph names no format of ours.
_READ_AS = {"owl": "rdf", "rdfs": "rdf", "txt": "", "nquads": "nq", "json-ld": "jsonld",
            "n3": "ttl"}
# Extensions of files that are no plain text in a format export writes: a compressed file
# (by the program that makes one), or a syntax other tools read that export does not write.
# Such a name got Turtle, as any unknown extension does: `-o graph.nt.gz` wrote plain Turtle
# that zcat and every loader decompressing .gz refused, `-o graph.rj` Turtle for RDF/JSON.
_COMPRESSED = {"gz": "gzip", "bz2": "bzip2", "xz": "xz", "zst": "zstd", "lz4": "lz4",
               "zip": "zip"}
# A query's answers (`alliance-graph query --format json|xml|tsv` writes them) are no graph:
# `-o answers.srj` or `-o edges.tsv` got Turtle as well.
_NOT_WRITTEN = {"rj": "RDF/JSON", "trix": "TriX", "hext": "HexTuples", "owx": "OWL/XML",
                "ofn": "OWL functional syntax", "omn": "OWL Manchester syntax",
                "srj": "SPARQL JSON results", "srx": "SPARQL XML results",
                "tsv": "tab-separated values"}


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


def _refuse_unwritten(name: str) -> None:
    """Raise ExportError for a file name whose extension says it holds what export does not
    write: compressed text (``graph.nt.gz``), or a syntax of ``_NOT_WRITTEN``."""
    path = PurePath(name)
    extension = path.suffix[1:].lower()
    if extension in _COMPRESSED:
        tool = _COMPRESSED[extension]
        stem = clipped(path.stem)
        raise ExportError(f"{clipped(name)} names a file compressed by {tool}, but export "
                          f"writes plain text: export to {stem}, then compress it ({tool} "
                          f"{stem})")
    if extension in _NOT_WRITTEN:
        raise ExportError(f"{clipped(name)} names a file of {_NOT_WRITTEN[extension]}, which "
                          "export does not write: end its name in the extension of a format it "
                          "writes (.ttl, .nt, .nq, .trig, .jsonld, .rdf, .graphml, .csv)")


# The extensions a refusal names, in the order of FORMATS: each format's own first, then the
# others it is read from (``formats_named_by``); .txt, which names none, is not one.
_NAMING = ("ttl", "n3", "nt", "nq", "nquads", "trig", "jsonld", "json-ld", "json", "rdf", "xml",
           "owl", "rdfs", "graphml", "csv")


def extensions_of(formats: list[str]) -> list[str]:
    """Return the extensions (".nt") that name ``formats`` (two for the CSV pair: ".csv")."""
    return [f".{e}" for e in _NAMING if set(formats_named_by("x." + e)) & set(formats)]


def _extensions_said() -> str:
    """Return each format written with the extensions naming it: "ttl .ttl or .n3, ..."."""
    groups: dict[tuple, list[str]] = {}
    for e in _NAMING:
        groups.setdefault(tuple(formats_named_by("x." + e)), []).append(f".{e}")
    return ", ".join(f"{' or '.join(formats)} {_or(extensions)}"
                     for formats, extensions in groups.items())


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _refuse_unnamed(name: str, meant) -> None:
    """Raise ExportError for a file name ending in an extension no format owns, which got
    DEFAULT_FORMAT unsaid: ``-o graph.ntriples`` was Turtle.  ``meant(extension, offered)``
    says the formats the extension plainly means (``facade.format_names.meant``, a layer above
    this one).  No extension (``-``, ``/dev/stdout``) and .txt (plain text to everyone) keep
    the default."""
    extension = PurePath(name).suffix
    if not extension or _READ_AS.get(extension[1:].lower()) == "":
        return
    meant = meant(extension[1:], ALL_FORMATS) if meant else []
    hint = (f"did you mean {' or '.join(meant)}? end the name in {_or(extensions_of(meant))}"
            if meant else "end the name in the extension of the format meant")
    raise ExportError(Said(lambda n: (
        f"{clipped(name)} ends in {clipped(extension)}, which names no format export writes: {hint}, or give {n('fmt', *meant) if meant else n('fmt')} "
        f"to write that format into {clipped(name)} (the extensions: {_extensions_said()})")))


def format_for(name: str, fmt: str | None, meant=None) -> str:
    """Return the format to write the file ``name`` in: ``fmt``, else the one its extension
    names, else DEFAULT_FORMAT for a name of no extension (or .txt); raise ExportError when
    they differ, the extension names two or none (``_refuse_unnamed``, saying the formats
    ``meant`` finds), or names a compressed file or a syntax export does not write
    (``_refuse_unwritten``)."""
    _refuse_unwritten(name)
    named = formats_named_by(name)
    if fmt is None and len(named) > 1:
        raise ExportError(Said(lambda n: f"{clipped(name)} may hold {' or '.join(named)}: give "
                                         f"{n('fmt', *named)}"))
    if fmt is None and not named:
        _refuse_unnamed(name, meant)
    if fmt is None:
        return named[0] if named else DEFAULT_FORMAT
    # GraphML is XML: a .xml file may hold it, though .xml alone names RDF/XML.
    if named and fmt not in named and (fmt, named) != ("graphml", ["xml"]):
        raise ExportError(Said(lambda n: (
            f"{clipped(name)} is a name for {n('fmt', *named)}, but {n('fmt', fmt)} was asked: "
            + (f"leave {n('fmt')} out" if len(named) == 1 else f"give {n('fmt', *named)}")
            + f", or end the file name in .{_extension(fmt)}")))
    return fmt
