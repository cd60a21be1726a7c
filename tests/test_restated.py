"""restated: a blank node the graph already holds under the same subject and property is the
same fact said again; a different one, or one elsewhere, is new."""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.proposals.restated import restated

PREFIXES = "@prefix : <urn:x:> .\n"


def quads(text: str, graph: str) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for t in ox.parse(PREFIXES + text, format=ox.RdfFormat.TURTLE)]


GRAPH = quads(':ev :sel [ a :Quote ; :exact "q" ; :in [ :n 1 ] ] , [ a :Pos ; :start 1 ] .',
              "urn:graph")


def test_the_same_nested_description_is_restated():
    proposal = quads(':ev :sel [ :in [ :n 1 ] ; :exact "q" ; a :Quote ] .', "urn:proposal")
    assert restated(proposal, GRAPH) == set(proposal)


def test_a_different_value_at_any_depth_is_new():
    proposal = quads(':ev :sel [ a :Quote ; :exact "q" ; :in [ :n 2 ] ] .', "urn:proposal")
    assert restated(proposal, GRAPH) == set()


def test_under_another_subject_or_property_it_is_new():
    for text in (':other :sel [ a :Pos ; :start 1 ] .', ':ev :pos [ a :Pos ; :start 1 ] .'):
        assert restated(quads(text, "urn:proposal"), GRAPH) == set()


def test_only_the_restated_node_is_dropped():
    proposal = quads(':ev :sel [ a :Pos ; :start 1 ] , [ a :Pos ; :start 2 ] ; :note "n" .',
                     "urn:proposal")
    dropped = restated(proposal, GRAPH)
    assert len(dropped) == 3  # the link to it and its two triples
    assert {q.object.value for q in dropped if isinstance(q.object, ox.Literal)} == {"1"}


def test_deep_nesting_takes_no_recursion():
    depth = 5000
    text = ":s :p " + "[ :p " * depth + "1" + " ]" * depth + " ."
    assert len(restated(quads(text, "urn:proposal"), quads(text, "urn:graph"))) == depth + 1
