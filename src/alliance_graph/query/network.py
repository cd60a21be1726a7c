"""The graph as a network for graph viewers (Gephi, Cytoscape, networkx): GraphML and CSV.

Nodes are the entities: every IRI a claim is about, and every IRI a fact points to, each with
its label and class.  Edges are the plain domain facts between two entities
(``id:IronDome ag:coFundedBy id:UnitedStates``), each with its property's label, the rank of
its claim and how many source documents its evidence quotes.  A fact whose value is a literal
(a date, an amount, a purpose) is not an edge: it becomes an attribute of its subject's node,
named by the property's label.  Several values of one attribute (and a node's several classes)
are joined by `` | ``, each with a backslash in front of every backslash and every ``|`` it
holds, so a value holding `` | `` is never taken for two: ``split_values`` gives them back
(from a CSV cell, once its apostrophe, if any, is dropped; an empty cell holds none).  Types
and labels are the nodes' own ``class`` and ``label``.  Only SPARQL is used, so every backend
can be exported.

An attribute is named by its property's label alone only where that names one thing: a label
two properties share, or one the node's own fields use (``label``, ``class``, ``iri``, ``id``),
gets the property's short IRI after it (``date (ag:date)``), so no value overwrites another.
A GraphML node's id is its IRI's prefixed name (``id:IronDome``), and an edge's its claim's:
GraphML's schema makes an id an XML name token (``NMTOKEN``), which an IRI, holding "/", is
not (JGraphT's importer, validating by default, refused the file; networkx, Gephi, Cytoscape
and yEd read any string).  An IRI no project prefix shortens gets its own text, each ":", "_"
and character no XML name holds written ``_xHHHH_`` (its code point, as .NET's
``XmlConvert.EncodeName`` writes one), so it is never taken for a prefixed name.  The IRI is
the node's ``iri`` attribute (an edge's claim, its ``claim``): networkx keys the nodes by it
with ``nx.relabel_nodes(g, {n: d["iri"] for n, d in g.nodes(data=True)})``.  The CSV pair
keeps the IRIs as its ``Id``, ``Source`` and ``Target``: CSV has no such rule.
CSV cells are RFC 4180 (CRLF between records).  A cell a spreadsheet would run as a formula
(text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, but not a number
such as ``-5``) is written with an apostrophe in front, as OWASP advises; so is text that
starts with an apostrophe, so that dropping one leading apostrophe always gives the value back.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..namespaces import shorten
from ..wording import Said
from .answer import xml_kept
from .network_read import Edge, Node, Read
from .refused import Refused

FORMATS = ("graphml", "nodes-csv", "edges-csv")
MEDIA_TYPES = {"graphml": "application/graphml+xml", "nodes-csv": "text/csv",
               "edges-csv": "text/csv"}
# The file name extension of each: the two CSV files share theirs.
EXTENSIONS = {"graphml": "graphml", "nodes-csv": "csv", "edges-csv": "csv"}
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# Characters XML 1.0 cannot hold at all (C0 controls but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): a label holding one would make the whole file unreadable.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What an XML name token may hold but ":" and "_" (XML 1.0's NameChar): the rest is encoded.
_NOT_NAME_CHAR = re.compile("[^-.0-9A-Za-z\xb7\xc0-\xd6\xd8-\xf6\xf8-\u037d\u037f-\u1fff"
                            "\u200c\u200d\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff"
                            "\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff]")
_JOIN = " | "
# A separator, an escaped character, or any other character: read left to right, a "|" that
# no backslash escapes is always a separator's.
_TOKEN = re.compile(r" \| |\\(.)|(.)", re.S)
# What a spreadsheet reads as a formula, and a number it reads as one (left as it is).
_FORMULA = re.compile("[=+\\-@\t\r']")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

# Text written into the answer before it is handed on, a piece at a time.
_PIECE = 64 << 10
# Nodes or edges written by ElementTree at a time.
_ELEMENTS = 64


@dataclass
class Network:
    """A network held whole: nodes by IRI and edges in a stable order (a graph's network is
    read and written as it goes instead, ``write_to``)."""

    nodes: dict[str, Node]
    edges: list[Edge]


def graphml_id(iri: str) -> str:
    """Return the GraphML id of what ``iri`` names: its prefixed name, else its encoded text
    (see the module's docstring); an XML name token either way, one IRI's alone."""
    short = shorten(iri)
    if not short.startswith("<"):  # a prefixed name holds XML name characters only
        return short
    return _NOT_NAME_CHAR.sub(lambda c: f"_x{ord(c.group()):04X}_", iri)


def join_values(values) -> str:
    """Return ``values`` as one cell: each escaped (backslash and "|"), joined by " | "."""
    return _JOIN.join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def _classes(node: Node) -> str:
    """Return a node's class labels, each once, joined."""
    return join_values(sorted(set(node.classes)))


def split_values(cell: str) -> list[str]:
    """Return the values ``join_values`` joined into ``cell`` (none for an empty cell)."""
    if not cell:
        return []
    values, current = [], []
    for token in _TOKEN.finditer(cell):
        if token.lastindex is None:  # a separator
            values.append("".join(current))
            current = []
        else:  # an escaped character, or a plain one
            current.append(token.group(token.lastindex))
    return [*values, "".join(current)]


class _Sink:
    """Where an answer is written: text taken in pieces, written out in UTF-8 (a carriage
    return in GraphML text as ``&#13;``), refused (422) past ``max_bytes``."""

    def __init__(self, out, max_bytes: int | None, xml: bool):
        self.out, self.max_bytes, self.xml = out, max_bytes, xml
        self.pieces: list[str] = []
        self.waiting = self.size = 0

    def write(self, text: str) -> None:
        self.pieces.append(text)
        self.waiting += len(text)
        if self.waiting >= _PIECE:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.pieces).encode("utf-8")
        if self.xml:  # ElementTree writes a carriage return in text as it is
            data = xml_kept(data)
        self.pieces, self.waiting = [], 0
        self.size += len(data)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise Refused(422, Said(lambda n: (
                f"the network is larger than {self.max_bytes:,} bytes, the largest answer this "
                f"server gives ({n('settings.max_result_bytes')}): `alliance-graph export` "
                "writes it whole")))
        self.out.write(data)


def _xml(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


_NODE_KEYS = [("label", "label"), ("class", "class"), ("iri", "iri")]
_EDGE_KEYS = [("e_label", "label"), ("e_property", "property"), ("e_rank", "rank"),
              ("e_sources", "sources"), ("e_claim", "claim")]
_GRAPH = '<graph id="alliance-graph" edgedefault="directed"'


def _element(tag: str, attributes: dict, data) -> ET.Element:
    """Return one element of the graph, a node or an edge, with its ``data`` children."""
    element = ET.Element(tag, {k: _xml(v) for k, v in attributes.items()})
    for key, value in data:
        ET.SubElement(element, "data", {"key": key}).text = _xml(str(value))
    return element


def _graphml(names: list[str], nodes, edges, sink: _Sink) -> None:
    """Write the network as GraphML: a directed graph, node and edge attributes declared.
    The document is what ElementTree writes of the whole tree, indented (``ET.indent``), but
    made ``_ELEMENTS`` nodes or edges at a time, each run written by ElementTree as the
    children of a graph element of its own, whose tags are left out."""
    sink.write(f"<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"{GRAPHML_NS}\">")
    value_key = {name: f"v{i}" for i, name in enumerate(names)}
    keys = [(key, "node", _xml(name), "string")
            for key, name in _NODE_KEYS + [(value_key[n], n) for n in names]]
    keys += [(key, "edge", name, "int" if name == "sources" else "string")
             for key, name in _EDGE_KEYS]
    for key, kind, name, typed in keys:
        sink.write("\n  " + ET.tostring(ET.Element("key", {
            "id": key, "for": kind, "attr.name": name, "attr.type": typed}), encoding="unicode"))
    elements = (_element("node", {"id": graphml_id(node.iri)},
                         [("label", node.label), ("class", _classes(node)), ("iri", node.iri)]
                         + [(value_key[name], join_values(values))
                            for name, values in sorted(node.values.items())]) for node in nodes)
    elements = itertools.chain(elements, (_element(
        "edge", {"id": graphml_id(e.claim), "source": graphml_id(e.source),
                 "target": graphml_id(e.target)},
        zip((k for k, _ in _EDGE_KEYS), (e.label, e.property, e.rank, e.sources, e.claim)))
        for e in edges))
    run = list(itertools.islice(elements, _ELEMENTS))
    if not run:
        sink.write(f"\n  {_GRAPH} />\n</graphml>\n")
        return
    sink.write(f"\n  {_GRAPH}>\n    ")
    while run:
        following = list(itertools.islice(elements, _ELEMENTS))
        graph = ET.Element("graph")
        graph.extend(run)
        ET.indent(graph, level=1)  # the graph's children are at depth 2
        graph.text = None  # written once, after the graph's start tag
        if following:  # the last one's tail is the graph's end otherwise
            run[-1].tail = "\n    "
        sink.write(ET.tostring(graph, encoding="unicode")[len("<graph>"):-len("</graph>")])
        run = following
    sink.write("</graph>\n</graphml>\n")


def _cell(value):
    """Return a CSV cell no spreadsheet runs as a formula (see the module's docstring)."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv(header: list[str], rows, sink: _Sink) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180
    for row in itertools.chain([header], rows):
        writer.writerow([_cell(value) for value in row])
        if text.tell() >= _PIECE:
            sink.write(text.getvalue())
            text.seek(0)
            text.truncate()
    sink.write(text.getvalue())


def _nodes_csv(names: list[str], nodes, _edges, sink: _Sink) -> None:
    """Write the nodes as CSV with Gephi's column names (Id, Label) and one column per
    attribute."""
    _csv(["Id", "Label", "Class", *names],
         ([n.iri, n.label, _classes(n), *(join_values(n.values.get(k, [])) for k in names)]
          for n in nodes), sink)


def _edges_csv(_names, _nodes, edges, sink: _Sink) -> None:
    """Write the edges as CSV with Gephi's column names (Source, Target, Type, Label)."""
    _csv(["Source", "Target", "Type", "Label", "Property", "Rank", "Sources", "Claim"],
         ([e.source, e.target, "Directed", e.label, e.property, e.rank, e.sources, e.claim]
          for e in edges), sink)


WRITERS = {"graphml": _graphml, "nodes-csv": _nodes_csv, "edges-csv": _edges_csv}


def write_to(kg, fmt: str, out, max_bytes: int | None = None, mark: bytes = b"") -> int:
    """Write the graph's network in ``fmt`` (one of FORMATS) into the binary file ``out``,
    read from the store and written as it goes (the answers read side by side, in the
    order of the IRIs), so that neither the network nor its text is ever held whole; return
    the bytes written.  Refused (422) past ``max_bytes``, ``out`` then holding a part.
    ``mark`` (a byte order mark, for Excel) comes first, counted as the rest is."""
    sink = _Sink(out, max_bytes, fmt == "graphml")
    if mark:
        out.write(mark)
        sink.size = len(mark)
    # Each reading closed here, on this thread, however the writing ends: a generator left
    # to the garbage collector dropped its query's answer on another thread, which pyoxigraph
    # refuses ("PyQuerySolutions is unsendable"), a traceback in a server's log.
    with contextlib.closing(Read(kg)) as read, contextlib.closing(read.nodes()) as nodes, \
            contextlib.closing(read.edges()) as edges:
        names = [] if fmt == "edges-csv" else sorted(read.attribute.values())  # nodes' only
        WRITERS[fmt](names, nodes, edges, sink)
        sink.flush()
    return sink.size


def write(kg, fmt: str) -> bytes:
    """Return the graph's network in ``fmt`` (one of FORMATS)."""
    out = io.BytesIO()
    write_to(kg, fmt, out)
    return out.getvalue()


def _held(net: Network, fmt: str) -> bytes:
    out = io.BytesIO()
    sink = _Sink(out, None, fmt == "graphml")
    names = sorted({name for n in net.nodes.values() for name in n.values})
    WRITERS[fmt](names, net.nodes.values(), net.edges, sink)
    sink.flush()
    return out.getvalue()


def to_graphml(net: Network) -> bytes:
    """Return a network held whole as GraphML."""
    return _held(net, "graphml")


def to_nodes_csv(net: Network) -> bytes:
    """Return the nodes of a network held whole as CSV."""
    return _held(net, "nodes-csv")


def to_edges_csv(net: Network) -> bytes:
    """Return the edges of a network held whole as CSV."""
    return _held(net, "edges-csv")
