"""The OWL 2 RL closure: what the ontology adds is kept, tautologies are dropped."""

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from alliance_graph.build import loading, reasoning

TTL = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ag:MissileDefenseSystem a owl:Class ; rdfs:subClassOf ag:WeaponSystem .
ag:WeaponSystem a owl:Class .
ag:coFundedBy a owl:ObjectProperty ; rdfs:range ag:State .
ag:partnerOf a owl:ObjectProperty, owl:SymmetricProperty .
id:IronDome a ag:MissileDefenseSystem ; ag:coFundedBy id:UnitedStates .
id:Israel ag:partnerOf id:UnitedStates .
"""
ID = "https://alliance-graph.example/id/"
AG = "https://alliance-graph.example/ontology/"


def test_closure_adds_superclass_range_and_symmetric_triples_to_the_inferred_graph():
    inferred = reasoning.owl_rl_closure(loading.parse_turtle(TTL, "t.ttl"))
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in inferred}
    assert (ID + "IronDome", str(RDF.type), AG + "WeaponSystem") in triples
    assert (ID + "UnitedStates", str(RDF.type), AG + "State") in triples
    assert (ID + "UnitedStates", AG + "partnerOf", ID + "Israel") in triples
    assert {q.graph_name for q in inferred} == {ox.NamedNode("https://alliance-graph.example/graph/inferred")}


def test_closure_holds_no_tautologies_and_nothing_asserted():
    asserted = loading.parse_turtle(TTL, "t.ttl")
    inferred = reasoning.owl_rl_closure(asserted)
    plain = {(q.subject, q.predicate, q.object) for q in asserted}
    for q in inferred:
        assert (q.subject, q.predicate, q.object) not in plain
        assert not (q.predicate.value == str(OWL.sameAs) and q.subject == q.object)
        assert q.object.value != str(OWL.Thing)


def test_tautology_filter_cases():
    thing = rdflib.URIRef(ID + "X")
    assert reasoning.is_tautology(thing, OWL.sameAs, thing)
    assert reasoning.is_tautology(thing, RDF.type, OWL.Thing)
    assert reasoning.is_tautology(RDFS.Class, RDF.type, RDFS.Class)
    assert not reasoning.is_tautology(thing, RDF.type, rdflib.URIRef(AG + "State"))
