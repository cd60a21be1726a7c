"""The graph's network read from the store as it is written: entities and facts in the order
of their IRIs, one node at a time.

The network was read whole, every fact and label held as Python objects, and written whole:
at 100 k facts the front grew by 216 MB for a 21 MB GraphML answer (docs/endpoint.md).  Here
the facts (their literal values a node's attributes, their IRI values entities), the other
entities (the IRIs claims are about) and every label are each one query, whose rows are sorted
by IRI here (``store.sorted_lines``: ``_RUN_BYTES`` at a time in memory, the runs in temporary
files) and read side by side, a node made of the rows of its IRI, its classes looked up with
those of the next few hundred entities; the edges are one query the store orders by IRI
(SPARQL's ORDER BY compares IRIs by their characters, as Python compares strings), written in
that order, each property's label looked up as it first comes.  The store ordered the entities
and the literal-valued facts too, each read in a query of its own, and the labels were looked
up 500 entities at a time: at 100 k facts Oxigraph's ORDER BY of 28,571 IRIs took 0.6 s of the
entities' 1.3 s, the lookups 0.3 s where one query of every label takes 0.1 s.  Through the
engine, a large answer is a temporary file its rows are parsed from as they are read
(``engine/graph.py``), so what is held is a few hundred nodes' rows and the sorts' runs, not
the graph.  A store that orders the edges' IRIs otherwise is a StoreError, never a scrambled
network.  Only SPARQL is used, so every backend can be read.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import shorten
from ..store import numbers
from ..store.errors import StoreError
from .temporary import Sorter  # a LineSorter whose failing runs are SpillFailed

# The names the node's own fields take in GraphML and CSV, compared without case.
_OWN_FIELDS = {"id", "label", "class", "iri"}
# A plain fact that has a claim (every asserted domain triple has one).
_FACT = """
  ?claim a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?s ?p ?o .
  FILTER(isIRI(?s) && ?p NOT IN (rdf:type, rdfs:label))
"""
# Every fact with an IRI for a value, once for each claim of it and each label of its rank,
# with the number of distinct source documents its evidence cites: the edges, by subject,
# property and object, then claim (two claims of one fact).
_EDGES = ("SELECT ?s ?p ?o ?claim ?rank (COUNT(DISTINCT ?source) AS ?sources) WHERE {"
          + _FACT + "FILTER(isIRI(?o))\n"
          "  OPTIONAL { ?claim ag:rank/rdfs:label ?rank }\n"
          "  OPTIONAL { ?claim prov:wasDerivedFrom/oa:hasSource ?source }\n"
          "} GROUP BY ?s ?p ?o ?claim ?rank ORDER BY ?s ?p ?o ?claim ?rank")
# Every fact, in no order, once for each claim of it and each label of its rank (as the edges
# come): the values of the nodes' attributes, and the IRIs facts point to (entities).  DISTINCT,
# not a GROUP BY of what it does not select: Virtuoso 7.2 answered that with 34 to 76 of the
# shipped graph's 649 rows, at random, and the viewers' formats lost attributes.
_FACTS = ("SELECT DISTINCT ?s ?p ?o ?claim ?rank WHERE {" + _FACT
          + "OPTIONAL { ?claim ag:rank/rdfs:label ?rank }\n}")
# The other entities: every IRI a claim is about.
_SUBJECTS = "SELECT DISTINCT ?x WHERE { ?c a ag:Claim ; rdf:subject ?x FILTER(isIRI(?x)) }"
_ENGLISH = 'FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en"))'
# The labels (English or untagged) of every IRI, or of some; the classes of some, with their
# labels (every class of every IRI would be every claim's and evidence node's too).
_ALL_LABELS = "SELECT ?x ?label WHERE { ?x rdfs:label ?label FILTER(isIRI(?x)) " + _ENGLISH + " }"
_LABELS = "SELECT ?x ?label WHERE { VALUES ?x { %s } ?x rdfs:label ?label " + _ENGLISH + " }"
_CLASSES = ("SELECT ?x ?class ?label WHERE { VALUES ?x { %s } ?x a ?class FILTER(isIRI(?class))"
            " OPTIONAL { ?class rdfs:label ?label " + _ENGLISH + " } }")
_BATCH = 500
# The most a sort of rows holds before it writes them to a temporary file: at 100 k facts the
# sorts (28,571 entities, 28,782 labels, 10,714 literal-valued facts) write 3 or 4 runs each,
# and took the front's Python objects to a peak of 2.4 MB (9.9 MB with runs of 8 MiB, none
# written, in the same time; 1.0 MB when the store ordered the rows).
_RUN_BYTES = 1 << 20


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
    """A graph's network, read as it is written: the facts when the node attributes' names
    are first asked for (``attribute``: the literal-valued facts' properties, named by their
    labels), its nodes and edges as they are asked for, each property's label when it first
    comes (``label``).  ``close()`` removes what the sorts hold if the nodes are never read
    to their end."""

    def __init__(self, kg):
        self.kg = kg
        self.label: dict[str, str] = {}
        self._attribute: dict[str, str] | None = None
        self._values = Sorter(run_bytes=_RUN_BYTES)  # literal-valued facts by subject
        self._entities = Sorter(unique=True, run_bytes=_RUN_BYTES)

    def _labelled(self, properties) -> None:
        """Look up the labels of ``properties`` not looked up yet."""
        new = sorted(set(properties) - self.label.keys())
        found = _looked_up(self.kg, _LABELS, new)
        self.label.update((p, _named(p, [r["label"].value for r in found[p]])) for p in new)

    @property
    def attribute(self) -> dict[str, str]:
        """Return each literal-valued property's attribute name, the facts read (into the
        sorts ``nodes`` reads) the first time."""
        if self._attribute is None:
            literal = set()
            for r in self.kg.query(_FACTS):
                o = r["o"]
                if isinstance(o, ox.NamedNode):
                    self._entities.add((_line(o.value),))
                else:  # a literal (or a blank node), as !isIRI reads it
                    literal.add(p := r["p"].value)
                    self._values.add((_line(r["s"].value, p, o.value),))
            self._labelled(literal)
            self._attribute = _attribute_names(literal, self.label)
        return self._attribute

    def nodes(self):
        """Yield the entities in the order of their IRIs, each with its label, classes and
        attributes (each attribute's values in order): the entities, their labels and their
        attributes sorted by IRI and read side by side, their classes looked up ``_BATCH`` at
        a time."""
        attribute = self.attribute
        with self._values as facts, self._entities as found, \
                Sorter(run_bytes=_RUN_BYTES) as labelled:
            found.add(_line(r["x"].value) for r in self.kg.query(_SUBJECTS))
            labelled.add(_line(r["x"].value, r["label"].value)
                         for r in self.kg.query(_ALL_LABELS))
            values, labels = _Beside(_runs(facts.lines())), _Beside(_runs(labelled.lines()))
            entities = (line[:-1].decode() for line in found.lines())
            while batch := list(itertools.islice(entities, _BATCH)):
                classes = _looked_up(self.kg, _CLASSES, batch)
                for iri in batch:
                    node = Node(iri, _named(iri, [label for label, in labels.rows_of(iri)]))
                    of_class: dict[str, list[str]] = defaultdict(list)
                    for r in classes[iri]:
                        of_class[r["class"].value] += [r["label"].value] if r["label"] else []
                    node.classes = [_named(c, names) for c, names in of_class.items()]
                    for p, value in values.rows_of(iri):
                        node.values[attribute[p]].append(value)
                    for held in node.values.values():
                        held.sort()
                    yield node

    def edges(self):
        """Yield the facts between two entities, by subject, property and object."""
        last = None
        for r in self.kg.query(_EDGES):
            s, p, o = r["s"].value, r["p"].value, r["o"].value
            if last is not None and (s, p, o) < last:
                _out_of_order((s, p, o), last)
            last = (s, p, o)
            if p not in self.label:
                self._labelled([p])
            yield Edge(s, o, p, self.label[p], r["rank"].value if r["rank"] is not None else "",
                       numbers.count(r["sources"]), r["claim"].value)

    def close(self) -> None:
        self._values.close()
        self._entities.close()


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


def _line(iri: str, *fields: str) -> bytes:
    """Return a line of a sort by IRI: ``iri``, then each of ``fields`` after a tab, written
    with Python's escapes (``unicode_escape``: no tab, no line feed).  An IRI holds neither,
    and a tab sorts before every character it holds, so one IRI's lines come together and
    before those of any IRI it begins."""
    return b"\t".join([iri.encode(), *(f.encode("unicode_escape") for f in fields)]) + b"\n"


def _runs(lines):
    """Yield ``(IRI, fields of each line)`` for each run of sorted ``_line`` lines of one IRI."""
    for key, run in itertools.groupby((line[:-1].split(b"\t") for line in lines),
                                      lambda parts: parts[0]):
        yield key.decode(), [[f.decode("unicode_escape") for f in parts[1:]] for parts in run]


class _Beside:
    """Runs of rows ordered by IRI (``_runs``), read beside an order of the same IRIs: the
    rows of each IRI asked for, in ascending order; those of IRIs never asked for are passed
    over."""

    def __init__(self, runs):
        self.runs = runs
        self.next = next(self.runs, None)

    def rows_of(self, iri: str) -> list:
        while self.next is not None and self.next[0] < iri:
            self.next = next(self.runs, None)
        if self.next is None or self.next[0] != iri:
            return []
        rows, self.next = self.next[1], next(self.runs, None)
        return rows
