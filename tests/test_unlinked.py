"""unlinked: a claim giving a property of one value another value than a claim of the graph,
the two not linked, is warned of; the same value written another way is no disagreement."""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals.unlinked import unlinked
from alliance_graph.rdf import graph_iri

AGREEMENT = "https://alliance-graph.example/ontology/Agreement"
TO_YEAR = "https://alliance-graph.example/ontology/toYear"
ONE = {AGREEMENT: {TO_YEAR}}
HELD = """
claim:Mou-type a ag:Claim ; rdf:subject id:Mou ; rdf:predicate rdf:type ;
    rdf:object ag:Agreement ; ag:rank ag:NormalRank .
claim:Mou-toYear a ag:Claim ; rdf:subject id:Mou ; rdf:predicate ag:toYear ;
    rdf:object {held} ; ag:rank ag:NormalRank .
"""
PROPOSED = """
claim:Mou-toYear-again a ag:Claim ; rdf:subject id:Mou ; rdf:predicate ag:toYear ;
    rdf:object {given} ; ag:rank {rank} .
"""


def said(held: str, given: str, rank: str = "ag:PreferredRank") -> list[str]:
    """Return the warnings of a proposal's claim of ``given`` for a claim of data/ of ``held``
    (preferred: it takes the other's place in the plain graph, unsaid but for the warning)."""
    quads = []
    for name, text in (("data/aid.ttl", HELD.format(held=held)),
                       ("proposal.ttl", PROPOSED.format(given=given, rank=rank))):
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph_iri(name)) for t in
                  ox.parse(turtle_prologue() + text, format=ox.RdfFormat.TURTLE)]
    return unlinked(quads, {"proposal.ttl"}, ONE)


def test_another_value_unlinked_is_said():
    [warning] = said("2028", "2029")
    assert "claim:Mou-toYear-again gives id:Mou ag:toYear" in warning
    assert "takes one value" in warning


def test_a_long_value_is_said_clipped():
    # A year written with 60,000 digits was said whole: a warning of 60 KB, its advice (link
    # the two claims with ag:disputedBy) after it.
    [warning] = said("2028", f'"{"0" * 59_996}2029"^^xsd:gYear')
    assert f'ag:toYear "{"0" * 200}…"^^xsd:gYear (60,000 characters), where ' in warning
    assert len(warning) < 1_000 and "link the two claims with ag:disputedBy" in warning


def test_two_values_the_plain_graph_both_asserts_are_left_to_the_count_s_finding():
    # Both ranked normal, both asserted: the one-value shape's finding names the claim of
    # data/ and says to rank and link them (second_value), and this warning said it again, at
    # the top and the end of the report, with no line.
    assert said("2028", "2029", rank="ag:NormalRank") == []
    # Ranked deprecated, the proposal's claim is not asserted: no count says it.
    assert len(said("2028", "2029", rank="ag:DeprecatedRank")) == 1


def test_one_number_written_another_way_is_no_disagreement():
    # 2028.0 and "2028"^^xsd:decimal are one value: the duplicate-claim check says the fact is
    # stated twice, and this warning told the analyst to link the two as a disagreement.
    assert said('"2028"^^xsd:decimal', "2028.0") == []
    assert said('"2028"^^xsd:decimal', '"2.028E3"^^xsd:double') == []
    assert said('"NaN"^^xsd:double', '"NaN"^^xsd:double') == []
    assert len(said('"2028"^^xsd:decimal', "2028.5")) == 1


def test_two_values_for_the_same_time_are_said_for_different_times_not():
    # Every qualified claim was let through: two values as of one year cannot both hold.
    as_of = ' ; ag:asOf "{}"^^xsd:gYear'
    assert len(said("2028" + as_of.format(2020), "2029" + as_of.format(2020))) == 1
    assert said("2028" + as_of.format(2020), "2029" + as_of.format(2021)) == []
    assert said("2028", "2029" + as_of.format(2021)) == []
