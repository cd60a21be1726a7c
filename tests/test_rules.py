"""The SPARQL OWL 2 RL rules give owlrl's closure: on the shipped data and rule by rule."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_graph.build import pipeline as build
from alliance_graph.build import reasoning, rule_table, rules
from alliance_graph.namespaces import INFERRED_GRAPH
from helpers import blank_nodes_erased


def triples(quads) -> set:
    return {(q.subject, q.predicate, q.object) for q in quads}


def inferred_lines(quads) -> list[str]:
    # Two builds parse the files afresh, so blank node labels differ between them.
    return sorted(blank_nodes_erased(str(q)) for q in quads
                  if q.graph_name.value == str(INFERRED_GRAPH))


@pytest.fixture(scope="module")
def shipped_quads(settings):
    """The shipped quads that take part in reasoning."""
    return build.reasoned_quads(build.asserted(settings).quads, settings)


def test_rules_match_owlrl_on_the_shipped_data(shipped_quads, settings, kg):
    if len(shipped_quads) <= settings.rules_threshold:
        # The shipped build's inferred graph is owlrl's (the build cache spares a second run).
        expected = inferred_lines(kg.quads(inferred=True))
    else:
        expected = inferred_lines(reasoning.owl_rl_closure(shipped_quads))
    assert expected, "the shipped data should infer something"
    assert inferred_lines(rules.closure(shipped_quads)) == expected


def test_the_ontology_uses_no_owl_term_the_rules_lack(shipped_quads):
    assert rule_table.unsupported(shipped_quads) == set(), \
        "add the OWL 2 RL rules for these to rule_table.py"


PREFIXES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <urn:t:> .
"""
# One small graph per rule family, each with something to derive; owlrl is the oracle.
CASES = {
    "subclass-chain": ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :x a :A .",
    "subproperty-domain-range": ":p rdfs:subPropertyOf :q . :q rdfs:domain :D ; rdfs:range :R ."
                                " :D a owl:Class . :R a owl:Class . :x :p :y . :x :q 5 .",
    "inverse": ":p owl:inverseOf :q . :a :p :b . :c :q :d .",
    "symmetric-transitive": ":s a owl:SymmetricProperty . :t a owl:TransitiveProperty ."
                            " :a :s :b . :a :t :b . :b :t :c . :c :t :d .",
    "equivalence": ":A owl:equivalentClass :B . :p owl:equivalentProperty :q ."
                   " :x a :A . :y a :B . :x :p :y .",
    # Not with literal values: owlrl then equates IRIs with literals and types them with
    # datatypes, which rules.py does not copy (the shapes, not OWL, say "at most one" here).
    "functional-sameas": ":f a owl:FunctionalProperty . :x :f :y1 , :y2 . :y1 :r :z .",
    "same-as": ":a owl:sameAs :b . :b owl:sameAs :c . :a :p :o . :q owl:sameAs :p2 . :s :q :o .",
    "schema-chains": ":p rdfs:domain :A . :A rdfs:subClassOf :B . :r rdfs:subPropertyOf :p ."
                     " :A rdfs:subClassOf :C . :C rdfs:subClassOf :A . :x :r :y .",
    # "?x a owl:Thing" is not kept while nothing reads it; these axioms make rules read it.
    "thing-subclass": ":p rdfs:domain :A . :A a owl:Class . owl:Thing rdfs:subClassOf :Top ."
                      " :x :p :y .",
    "thing-equivalent": ":A a owl:Class . :Top owl:equivalentClass owl:Thing . :x a :A .",
    "type-axiom": "rdfs:Class rdfs:subClassOf :Kind . :A a owl:Class . :x a :A ."
                  " :q rdfs:subPropertyOf :r . <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
                  " rdfs:subPropertyOf :isA .",
}


def test_thing_instances_are_kept_only_where_a_rule_reads_them():
    def consumed(name):
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                     for t in ox.parse(PREFIXES + CASES[name], format=ox.RdfFormat.TURTLE))
        return bool(store.query(rules.THING_CONSUMED, prefixes=rules._PREFIXES))
    assert [consumed(n) for n in ("schema-chains", "thing-subclass", "thing-equivalent",
                                  "type-axiom")] == [False, True, True, True]


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_family_matches_owlrl(name):
    graph = ox.NamedNode("urn:t:graph")
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph)
             for t in ox.parse(PREFIXES + CASES[name], format=ox.RdfFormat.TURTLE)]
    expected = triples(reasoning.owl_rl_closure(quads))
    assert expected, f"case {name} should derive something"
    assert triples(rules.closure(quads)) == expected


def test_the_build_switches_to_the_rules_above_the_threshold(mini):
    by_owlrl = inferred_lines(build.build_quads(mini))
    assert by_owlrl
    assert inferred_lines(build.build_quads(mini.with_(rules_threshold=0))) == by_owlrl
