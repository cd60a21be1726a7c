"""Count what the graph holds: triples, entities by class, claims, evidence and sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..namespaces import shorten
from ..store import numbers

_COUNTS = """
SELECT ?triples ?claims ?evidence ?sources ?contested WHERE {
  { SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o } }
  { SELECT (COUNT(DISTINCT ?c) AS ?claims) WHERE { ?c a ag:Claim } }
  { SELECT (COUNT(DISTINCT ?e) AS ?evidence) WHERE { ?e a ag:Evidence } }
  { SELECT (COUNT(DISTINCT ?d) AS ?sources) WHERE { ?d a ag:SourceDocument } }
  { SELECT (COUNT(DISTINCT ?x) AS ?contested)
    WHERE { ?x ag:disputedBy|ag:variantOf|ag:opposedBy ?y } }
}
"""
_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  ?claim a ag:Claim ; rdf:subject ?entity ; rdf:predicate rdf:type ; rdf:object ?class .
  ?entity a ?class .
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@dataclass
class Stats:
    """The figures ``alliance-graph stats`` prints."""

    triples: int = 0
    inferred_triples: int = 0
    claims: int = 0
    evidence: int = 0
    sources: int = 0
    contested_claims: int = 0
    entities_by_class: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)
    # The dataset's version (store.backends.dataset_version): what the endpoint's ETags and
    # service description carry, so a figure can be matched to the answers it goes with.
    version: str = ""


def compute(kg, version: str = "") -> Stats:
    """Return the graph's statistics, labelled with the dataset's ``version``."""
    row = next(iter(kg.query(_COUNTS)))
    stats = Stats(triples=numbers.count(row["triples"]), claims=numbers.count(row["claims"]),
                  evidence=numbers.count(row["evidence"]), sources=numbers.count(row["sources"]),
                  contested_claims=numbers.count(row["contested"]), version=version)
    stats.entities_by_class = {shorten(r["class"].value): numbers.count(r["n"])
                               for r in kg.query(_BY_CLASS)}
    stats.graphs = {r["g"].value: numbers.count(r["n"]) for r in kg.query(_BY_GRAPH)}
    stats.inferred_triples = stats.graphs.get(kg.inferred.value, 0)
    return stats
