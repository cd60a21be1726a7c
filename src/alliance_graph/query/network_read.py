"""The graph's network read from the store as it is written: entities and facts in the order
of their IRIs, one node at a time.

The network was read whole, every fact and label held as Python objects, and written whole:
at 100 k facts the front grew by 216 MB for a 21 MB GraphML answer (docs/endpoint.md).  Here
the entities, their literal-valued facts and the edges are each one query the store orders by
IRI (SPARQL's ORDER BY compares IRIs by their characters, as Python compares strings): the
entities and their facts are read side by side, a node made of the rows of its IRI, its
labels and classes looked up with those of the next few hundred entities, and the edges come
in the order they are written.  Through the engine, a large answer is a temporary file its
rows are parsed from as they are read (``engine/graph.py``), so what is held is a few hundred
nodes' rows, not the graph's.  A store that orders IRIs otherwise is a StoreError, never a
scrambled network.  Only SPARQL is used, so every backend can be read.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import shorten
from ..store.errors import StoreError

# The names the node's own fields take in GraphML and CSV, compared without case.
_OWN_FIELDS = {"id", "label", "class", "iri"}
# A plain fact that has a claim (every asserted domain triple has one).
_FACT = """
  ?claim a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?s ?p ?o .
  FILTER(isIRI(?s) && ?p NOT IN (rdf:type, rdfs:label))
"""


def _facts(columns: str, kind: str, order: str) -> str:
    """Return the query of the facts of ``kind`` (a filter on ``?o``), one row for each
    claim of each fact and each label of its rank, the ``columns`` asked for (``?sources``:
    the number of distinct source documents its evidence cites), in ``order``."""
    return (f"SELECT {columns} WHERE {{"
            + _FACT + f"FILTER({kind})\n"
            "  OPTIONAL { ?claim ag:rank/rdfs:label ?rank }\n"
            "  OPTIONAL { ?claim prov:wasDerivedFrom/oa:hasSource ?source }\n"
            f"}} GROUP BY ?s ?p ?o ?claim ?rank ORDER BY {order}")


# Facts whose value is a literal by subject (a node's attributes); the others by subject,
# property and object (the edges' order), then claim (two claims of one fact).
_VALUES = _facts("?s ?p ?o", "!isIRI(?o)", "?s")
_EDGES = _facts("?s ?p ?o ?claim ?rank (COUNT(DISTINCT ?source) AS ?sources)", "isIRI(?o)",
                "?s ?p ?o ?claim ?rank")
# The facts' properties, and whether their values are literals (attributes).
_PROPERTIES = "SELECT DISTINCT ?p ?literal WHERE {" + _FACT + "BIND(!isIRI(?o) AS ?literal) }"
# The entities: every IRI a claim is about, and every IRI a fact points to.
_ENTITIES = ("SELECT DISTINCT ?x WHERE {\n"
             "  { ?c a ag:Claim ; rdf:subject ?x FILTER(isIRI(?x)) }\n"
             "  UNION {" + _FACT + "FILTER(isIRI(?o)) BIND(?o AS ?x) }\n}")
_ENGLISH = 'FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en"))'
# The labels (English or untagged) of some IRIs, and the classes of some, with their labels.
_LABELS = "SELECT ?x ?label WHERE { VALUES ?x { %s } ?x rdfs:label ?label " + _ENGLISH + " }"
_CLASSES = ("SELECT ?x ?class ?label WHERE { VALUES ?x { %s } ?x a ?class FILTER(isIRI(?class))"
            " OPTIONAL { ?class rdfs:label ?label " + _ENGLISH + " } }")
_BATCH = 500


@dataclass
class Node:
    """An entity: its IRI, label, class labels and literal-valued facts by property label."""

    iri: str
    label: str = ""
    classes: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


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


def _attribute_names(properties, label: dict[str, str]) -> dict[str, str]:
    """Return a node attribute name for each literal-valued property: its label, made one of
    a kind with its short IRI where the label alone would name two things."""
    taken: dict[str, int] = defaultdict(int)
    for p in properties:
        taken[label[p].casefold()] += 1
    return {p: label[p] if taken[label[p].casefold()] == 1
            and label[p].casefold() not in _OWN_FIELDS else f"{label[p]} ({shorten(p)})"
            for p in properties}


def _named(iri: str, labels) -> str:
    """Return the least of ``labels``, or the short IRI when there is none (or it is empty)."""
    return min(labels, default="") or shorten(iri)


class Read:
    """A graph's network, read as it is written: what names its parts is read at once (each
    property's label, each literal-valued one's attribute name: a few dozen, whatever the
    graph's size), its nodes and edges as they are asked for."""

    def __init__(self, kg):
        rows = [(r["p"].value, r["literal"].value == "true") for r in kg.query(_PROPERTIES)]
        iris = sorted({p for p, _ in rows})
        found = _looked_up(kg, _LABELS, iris)
        self.label = {p: _named(p, [r["label"].value for r in found[p]]) for p in iris}
        self.attribute = _attribute_names({p for p, literal in rows if literal}, self.label)
        self.kg = kg

    def nodes(self):
        """Yield the entities in the order of their IRIs, each with its label, classes and
        attributes (each attribute's values in order): the entities are read in that order,
        their labels and classes looked up ``_BATCH`` at a time, their attributes read
        beside them."""
        values = _Beside(self.kg.query(_VALUES), "s")
        entities = (iri for iri, _ in _runs(self.kg.query(_ENTITIES + " ORDER BY ?x"), "x"))
        while batch := list(itertools.islice(entities, _BATCH)):
            labels = _looked_up(self.kg, _LABELS, batch)
            classes = _looked_up(self.kg, _CLASSES, batch)
            for iri in batch:
                node = Node(iri, _named(iri, [r["label"].value for r in labels[iri]]))
                of_class: dict[str, list[str]] = defaultdict(list)
                for r in classes[iri]:
                    of_class[r["class"].value] += [r["label"].value] if r["label"] else []
                node.classes = [_named(c, names) for c, names in of_class.items()]
                for r in values.rows_of(iri):
                    node.values[self.attribute[r["p"].value]].append(r["o"].value)
                for found in node.values.values():
                    found.sort()
                yield node

    def edges(self):
        """Yield the facts between two entities, by subject, property and object."""
        last = None
        for r in self.kg.query(_EDGES):
            s, p, o = r["s"].value, r["p"].value, r["o"].value
            if last is not None and (s, p, o) < last:
                _out_of_order((s, p, o), last)
            last = (s, p, o)
            yield Edge(s, o, p, self.label[p], r["rank"].value if r["rank"] is not None else "",
                       int(r["sources"].value), r["claim"].value)


def _looked_up(kg, query: str, iris: list[str]) -> dict[str, list]:
    """Return the rows of ``query`` (``?x`` given by ``VALUES``) for each of ``iris``, asked
    ``_BATCH`` at a time."""
    found: dict[str, list] = defaultdict(list)
    for start in range(0, len(iris), _BATCH):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start:start + _BATCH])
        for row in kg.query(query % values):
            found[row["x"].value].append(row)
    return found


def _out_of_order(key, before):
    raise StoreError(f"the store ordered {key!r} after {before!r}: the network is written in "
                     "the order the store gives IRIs, which must be by their characters (as "
                     "SPARQL's ORDER BY compares them)")


def _runs(rows, var: str):
    """Yield ``(IRI, rows)`` for each run of ``rows`` whose ``var`` is one IRI, checking that
    the IRIs ascend."""
    key, run = None, []
    for row in rows:
        value = row[var].value
        if run and value != key:
            if value < key:
                _out_of_order(value, key)
            yield key, run
            run = []
        key = value
        run.append(row)
    if run:
        yield key, run


class _Beside:
    """An answer ordered by IRI, read beside another in the same order: the rows of each IRI
    asked for, in ascending order; those of IRIs never asked for are passed over."""

    def __init__(self, rows, var: str):
        self.runs = _runs(rows, var)
        self.next = next(self.runs, None)

    def rows_of(self, iri: str) -> list:
        while self.next is not None and self.next[0] < iri:
            self.next = next(self.runs, None)
        if self.next is None or self.next[0] != iri:
            return []
        rows, self.next = self.next[1], next(self.runs, None)
        return rows
