"""redefinition: a proposal may state facts, not declare or alter ontology terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_graph.proposals.redefinition import redefinitions
from alliance_graph.rdf import graph_iri

PREFIXES = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""


def found(text: str, name: str = "data/proposal-0/p.ttl") -> list:
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph_iri(name))
             for t in ox.parse(PREFIXES + text, format=ox.RdfFormat.TURTLE)]
    return [s.value for _, s in redefinitions(quads, {"data/proposal-0/p.ttl"})]


@pytest.mark.parametrize("text", [
    "ag:NewClass a owl:Class .", "ag:coFundedBy rdfs:label \"x\" .",
    "id:X rdfs:subClassOf id:Y .", "id:X owl:sameAs id:Y .", "id:Shape a sh:NodeShape .",
    # Found only as uncited triples, never said to alter the ontology: a standard term typed
    # or described, a shape switched off, a property made transitive.
    "rdfs:label a owl:FunctionalProperty .", "id:partOf a owl:TransitiveProperty .",
    "<https://alliance-graph.example/shapes/claim-rank> sh:deactivated true .",
    "id:X sh:deactivated true .", "rdfs:label rdfs:comment \"x\" .",
])
def test_declaring_or_altering_terms_is_found(text):
    assert len(found(text)) == 1


def test_facts_and_other_files_are_not():
    assert found("id:X rdfs:label \"x\" .") == []
    assert found("id:X a ag:Conference .") == []  # an uncited fact, not a declaration
    assert found("ag:NewClass a owl:Class .", name="data/a.ttl") == []
