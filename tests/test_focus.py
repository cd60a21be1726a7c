"""focus: SHACL sees what new proposals describe, the blank nodes they reach, and only the type
of what they point at."""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.proposals import focus
from alliance_graph.rdf import graph_iri


def quads(text: str, name: str) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, graph_iri(name))
            for t in ox.parse("@prefix : <urn:x:> .\n" + text, format=ox.RdfFormat.TURTLE)]


GRAPH = quads(":other a :Thing ; :label \"other\" ; :link :third .\n:third a :Thing .",
              "data/a.ttl")
PROPOSAL = quads(":new :sel [ :inner [ :n 1 ] ] ; :link :other .", "data/proposal-0/p.ttl")


def test_only_new_proposals_set_the_focus():
    assert focus.proposal_focus(set(), GRAPH + PROPOSAL) is None
    found = focus.proposal_focus({"data/proposal-0/p.ttl"}, GRAPH + PROPOSAL)
    assert found == {q.subject for q in PROPOSAL} and ox.NamedNode("urn:x:new") in found


def test_described_reaches_blank_nodes_and_types_what_it_points_at():
    nodes = {ox.NamedNode("urn:x:new")}
    kept = focus.described(nodes, GRAPH + PROPOSAL)
    assert len(nodes) == 3, "grown with the two nested blank nodes"
    assert set(PROPOSAL) <= set(kept)
    other = [q for q in kept if q.subject == ox.NamedNode("urn:x:other")]
    assert [q.predicate.value for q in other] == ["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    assert not any(q.subject == ox.NamedNode("urn:x:third") for q in kept)
