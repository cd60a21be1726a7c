"""The OWL 2 RL closure: what the ontology adds is kept, tautologies are dropped."""

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from alliance_graph.build import checks, loading, reasoning
from helpers import build_problems

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


CYCLE = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ag: <https://alliance-graph.example/ontology/> .

ag:Loop owl:intersectionOf _:l1 .
_:l1 rdf:first ag:State ; rdf:rest _:l2 .
_:l2 rdf:first ag:State ;
    rdf:rest _:l1 .
"""


@pytest.mark.parametrize("route", ["default", "streaming"])
def test_a_list_that_never_ends_stops_the_build_with_its_line(mini, route):
    # Regression: an ontology file writing a list round a cycle stopped the build in owlrl
    # with a traceback (ValueError: List contains a recursive rdf:rest reference).
    (mini.ontology_dir / "cycle.ttl").write_text(CYCLE, encoding="utf-8")
    [problem] = build_problems(mini, route)
    assert (problem.file, problem.line) == (str(mini.ontology_dir / "cycle.ttl"), 8)
    assert problem.message.startswith("the rdf:rest of _:l2 leads back to _:l1")


def test_each_cycle_of_lists_is_found_once_however_long(mini):
    # A list of 20,000 nodes round to its first, another to itself, a third ending well.
    nodes = " ".join(f"ag:n{i} rdf:rest ag:n{i + 1} ." for i in range(20_000))
    text = CYCLE.split("\nag:Loop")[0] + f"\n{nodes}\nag:n20000 rdf:rest ag:n0 .\n" \
        "ag:self rdf:rest ag:self .\nag:fine rdf:rest ag:end .\nag:end rdf:rest rdf:nil .\n"
    found = checks.problems(loading.parse_turtle(text, "ontology/c.ttl"), {"ontology/c.ttl": text})
    assert sorted((p.line, p.message.split(",")[0]) for p in found) == [
        (6, f"the rdf:rest of <{AG}n20000> leads back to <{AG}n0>"),
        (7, f"the rdf:rest of <{AG}self> leads back to <{AG}self>")]


@pytest.mark.parametrize("node", ["ag:" + "n" * 60_000, "_:" + "l" * 60_000])
def test_a_cycle_of_a_node_named_at_length_names_it_clipped(mini, node):
    # Named whole, twice: a message of 120 KB, its advice at the end of it.
    text = CYCLE.split("\nag:Loop")[0] + f"\nag:Loop owl:intersectionOf {node} .\n" \
        f"{node} rdf:first ag:State ;\n    rdf:rest {node} .\n"
    (mini.ontology_dir / "cycle.ttl").write_text(text, encoding="utf-8")
    [problem] = build_problems(mini, "default")
    assert (problem.file, problem.line) == (str(mini.ontology_dir / "cycle.ttl"), 7)
    assert len(str(problem)) < 2_000 and "(60,0" in problem.message, str(problem)[:3_000]
    assert problem.message.endswith("(write it with ( ... ))"), problem.message
