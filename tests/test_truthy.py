"""Plain triples derived from claims: preferred beats normal, deprecated never asserted."""

import pyoxigraph as ox

from alliance_graph.build import loading, truthy

PREFIXES = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix : <urn:x:> .
"""


def derived(turtle: str) -> set[tuple[str, str, str]]:
    quads = loading.parse_turtle(PREFIXES + turtle, "data/t.ttl")
    return {(q.subject.value, q.predicate.value, q.object.value)
            for q in truthy.truthy_quads(quads)}


def claim(name, o, rank):
    return f":{name} a ag:Claim ; rdf:subject :mou ; rdf:predicate :amount ; rdf:object :{o} ; ag:rank ag:{rank} .\n"


def test_normal_claims_are_all_asserted():
    assert derived(claim("c1", "a", "NormalRank") + claim("c2", "b", "NormalRank")) == {
        ("urn:x:mou", "urn:x:amount", "urn:x:a"), ("urn:x:mou", "urn:x:amount", "urn:x:b")}


def test_preferred_claim_hides_normal_ones_for_the_same_subject_and_property():
    assert derived(claim("c1", "a", "PreferredRank") + claim("c2", "b", "NormalRank")) == {
        ("urn:x:mou", "urn:x:amount", "urn:x:a")}


def test_deprecated_claim_is_never_asserted():
    assert derived(claim("c1", "a", "DeprecatedRank")) == set()


def test_claim_without_rank_asserts_nothing():
    assert derived(":c a ag:Claim ; rdf:subject :mou ; rdf:predicate :amount ; rdf:object :a .") == set()


def test_derived_triple_stays_in_its_claims_file_graph():
    quads = loading.parse_turtle(PREFIXES + claim("c1", "a", "NormalRank"), "data/aid.ttl")
    [q] = truthy.truthy_quads(quads)
    assert q.graph_name == ox.NamedNode("https://alliance-graph.example/graph/data/aid.ttl")
