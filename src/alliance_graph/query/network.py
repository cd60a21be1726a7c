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
CSV cells are RFC 4180 (CRLF between records).  A cell a spreadsheet would run as a formula
(text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, but not a number
such as ``-5``) is written with an apostrophe in front, as OWASP advises; so is text that
starts with an apostrophe, so that dropping one leading apostrophe always gives the value back.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import shorten

FORMATS = ("graphml", "nodes-csv", "edges-csv")
MEDIA_TYPES = {"graphml": "application/graphml+xml", "nodes-csv": "text/csv",
               "edges-csv": "text/csv"}
# The file name extension of each: the two CSV files share theirs.
EXTENSIONS = {"graphml": "graphml", "nodes-csv": "csv", "edges-csv": "csv"}
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# Characters XML 1.0 cannot hold at all (C0 controls but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): a label holding one would make the whole file unreadable.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_JOIN = " | "
# A separator, an escaped character, or any other character: read left to right, a "|" that
# no backslash escapes is always a separator's.
_TOKEN = re.compile(r" \| |\\(.)|(.)", re.S)
# The names the node's own fields take in GraphML and CSV, compared without case.
_OWN_FIELDS = {"id", "label", "class", "iri"}
# What a spreadsheet reads as a formula, and a number it reads as one (left as it is).
_FORMULA = re.compile("[=+\\-@\t\r']")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

# The plain facts that have a claim (every asserted domain triple has one), with the claim's
# rank and the number of distinct source documents its evidence cites.
_FACTS = """
SELECT ?s ?p ?o ?claim ?rank (COUNT(DISTINCT ?source) AS ?sources) WHERE {
  ?claim a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?s ?p ?o .
  FILTER(isIRI(?s) && ?p NOT IN (rdf:type, rdfs:label))
  OPTIONAL { ?claim ag:rank/rdfs:label ?rank }
  OPTIONAL { ?claim prov:wasDerivedFrom/oa:hasSource ?source }
} GROUP BY ?s ?p ?o ?claim ?rank
"""
# Every entity a claim is about, with its (English or untagged) labels and classes.
_ENTITIES = """
SELECT DISTINCT ?x WHERE { ?c a ag:Claim ; rdf:subject ?x FILTER(isIRI(?x)) }
"""
_LABELS = """
SELECT ?x ?label WHERE {
  VALUES ?x { %s }
  ?x rdfs:label ?label FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en"))
}
"""
_CLASSES = """
SELECT ?x ?class WHERE { VALUES ?x { %s } ?x a ?class FILTER(isIRI(?class)) }
"""
_BATCH = 500


@dataclass
class Node:
    """An entity: its IRI, label, class labels and literal-valued facts by property label."""

    iri: str
    label: str = ""
    classes: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def cls(self) -> str:
        """Return the node's class labels, joined."""
        return join_values(sorted(set(self.classes)))


@dataclass(frozen=True)
class Edge:
    """A plain domain fact between two entities, with its claim's rank and source count."""

    source: str
    target: str
    property: str
    label: str
    rank: str
    sources: int
    claim: str


@dataclass
class Network:
    """Nodes by IRI and edges in a stable order."""

    nodes: dict[str, Node]
    edges: list[Edge]


def join_values(values) -> str:
    """Return ``values`` as one cell: each escaped (backslash and "|"), joined by " | "."""
    return _JOIN.join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


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


def _labels(kg, iris, query: str) -> dict[str, list[str]]:
    """Return, for each IRI, the values the query's second variable takes (looked up in batches)."""
    found: dict[str, list[str]] = defaultdict(list)
    iris = sorted(iris)
    for start in range(0, len(iris), _BATCH):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start:start + _BATCH])
        for row in kg.query(query % values):
            found[row[0].value].append(row[1].value)
    return found


def _attribute_names(properties, label: dict[str, str]) -> dict[str, str]:
    """Return a node attribute name for each literal-valued property: its label, made one of
    a kind with its short IRI where the label alone would name two things."""
    taken: dict[str, int] = defaultdict(int)
    for p in properties:
        taken[label[p].casefold()] += 1
    return {p: label[p] if taken[label[p].casefold()] == 1
            and label[p].casefold() not in _OWN_FIELDS else f"{label[p]} ({shorten(p)})"
            for p in properties}


def network(kg) -> Network:
    """Return the entities and plain domain facts of the graph as a network."""
    nodes: dict[str, Node] = {}
    facts = list(kg.query(_FACTS))
    subjects = {r["s"].value for r in facts}
    objects = {r["o"].value for r in facts if isinstance(r["o"], ox.NamedNode)}
    predicates = {r["p"].value for r in facts}
    entities = {r["x"].value for r in kg.query(_ENTITIES)} | subjects | objects
    for iri in entities:
        nodes[iri] = Node(iri)
    names = _labels(kg, entities | predicates, _LABELS)
    for iri, node in nodes.items():
        node.label = min(names.get(iri, []), default="") or shorten(iri)
    classes = _labels(kg, entities, _CLASSES)
    class_names = _labels(kg, {c for cs in classes.values() for c in cs}, _LABELS)
    for iri, cs in classes.items():
        nodes[iri].classes = [min(class_names.get(c, []), default="") or shorten(c) for c in cs]
    prop_label = {p: min(names.get(p, []), default="") or shorten(p) for p in predicates}
    value_name = _attribute_names(
        {r["p"].value for r in facts if not isinstance(r["o"], ox.NamedNode)}, prop_label)
    edges = []
    for r in facts:
        s, p, o = r["s"].value, r["p"].value, r["o"]
        if isinstance(o, ox.NamedNode):
            edges.append(Edge(s, o.value, p, prop_label[p],
                              r["rank"].value if r["rank"] is not None else "",
                              int(r["sources"].value), r["claim"].value))
        else:
            nodes[s].values[value_name[p]].append(o.value)
    edges.sort(key=lambda e: (e.source, e.property, e.target))
    for node in nodes.values():
        for values in node.values.values():
            values.sort()
    return Network(dict(sorted(nodes.items())), edges)


def _xml(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def to_graphml(net: Network) -> bytes:
    """Return the network as GraphML: a directed graph, node and edge attributes declared."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    node_keys = [("label", "label"), ("class", "class"), ("iri", "iri")]
    value_names = sorted({name for n in net.nodes.values() for name in n.values})
    node_keys += [(f"v{i}", _xml(name)) for i, name in enumerate(value_names)]
    edge_keys = [("e_label", "label"), ("e_property", "property"), ("e_rank", "rank"),
                 ("e_sources", "sources"), ("e_claim", "claim")]
    for key, name in node_keys:
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {"id": key, "for": "node",
                                                     "attr.name": name, "attr.type": "string"})
    for key, name in edge_keys:
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {
            "id": key, "for": "edge", "attr.name": name,
            "attr.type": "int" if name == "sources" else "string"})
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "alliance-graph",
                                                           "edgedefault": "directed"})
    value_key = {name: f"v{i}" for i, name in enumerate(value_names)}

    def data(parent, key, value):
        ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key}).text = _xml(str(value))

    for node in net.nodes.values():
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": _xml(node.iri)})
        data(element, "label", node.label)
        data(element, "class", node.cls)
        data(element, "iri", node.iri)
        for name, values in sorted(node.values.items()):
            data(element, value_key[name], join_values(values))
    for edge in net.edges:
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}edge", {
            "id": _xml(edge.claim), "source": _xml(edge.source), "target": _xml(edge.target)})
        for key, value in zip((k for k, _ in edge_keys),
                              (edge.label, edge.property, edge.rank, edge.sources, edge.claim)):
            data(element, key, value)
    ET.indent(root)
    # ElementTree writes a carriage return in text as it is, and every XML parser reads it back
    # as a line feed; as a character reference it survives (attributes already have it so).
    return ET.tostring(root, encoding="utf-8", xml_declaration=True).replace(
        b"\r", b"&#13;") + b"\n"


def _cell(value):
    """Return a CSV cell no spreadsheet runs as a formula (see the module's docstring)."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([_cell(name) for name in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def to_nodes_csv(net: Network) -> bytes:
    """Return the nodes as CSV with Gephi's column names (Id, Label) and one column per attribute."""
    names = sorted({name for n in net.nodes.values() for name in n.values})
    return _csv(["Id", "Label", "Class", *names],
                ([n.iri, n.label, n.cls, *(join_values(n.values.get(k, [])) for k in names)]
                 for n in net.nodes.values()))


def to_edges_csv(net: Network) -> bytes:
    """Return the edges as CSV with Gephi's column names (Source, Target, Type, Label)."""
    return _csv(["Source", "Target", "Type", "Label", "Property", "Rank", "Sources", "Claim"],
                ([e.source, e.target, "Directed", e.label, e.property, e.rank, e.sources, e.claim]
                 for e in net.edges))


WRITERS = {"graphml": to_graphml, "nodes-csv": to_nodes_csv, "edges-csv": to_edges_csv}


def write(kg, fmt: str) -> bytes:
    """Return the graph's network in ``fmt`` (one of FORMATS)."""
    return WRITERS[fmt](network(kg))
