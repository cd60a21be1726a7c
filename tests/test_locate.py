"""locate: findings point at the line of their triple, of their blank node's parent triple, or
of the claim behind a derived plain triple."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from alliance_graph.build import truthy
from alliance_graph.proposals.inputs import Inputs
from alliance_graph.proposals.locate import Locator
from alliance_graph.settings import Settings

AG = "https://alliance-graph.example/ontology/"
ID = "https://alliance-graph.example/id/"
TEXT = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

id:Thing ag:note "one" ;
    ag:part [ ag:note "two" ;
        ag:part [ ag:note "three" ] ] .

claim:Thing-acronym a ag:Claim ;
    rdf:subject id:Thing ;
    rdf:predicate ag:acronym ;
    rdf:object "TH" ;
    ag:rank ag:NormalRank .
"""


def locator(tmp_path: Path, text: str = TEXT) -> tuple[Locator, Inputs]:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    path = tmp_path / "proposal.ttl"
    path.write_text(text, encoding="utf-8")
    inputs = Inputs(Settings(root=tmp_path, ontology_dir=tmp_path / "ontology",
                             data_dir=tmp_path / "data"), [path])
    inputs.read(inputs.proposed)
    return Locator(inputs), inputs


def test_triples_blank_nodes_and_derived_triples_have_lines(tmp_path):
    loc, inputs = locator(tmp_path)
    [name] = inputs.proposals
    by = {(q.predicate.value, q.object.value): q for q in inputs.quads}
    note = ox.NamedNode(AG + "note")
    thing = ox.NamedNode(ID + "Thing")
    assert loc.locate(thing, note, ox.Literal("one")) == (name, 6)
    inner = by[(AG + "note", "three")].subject
    assert loc.node_line(name, inner) == 8, "a blank node sits where its parent points at it"
    assert loc.locate(inner, note, ox.Literal("three")) == (name, 8)
    [derived] = truthy.truthy_quads(inputs.quads)
    assert loc.locate(derived.subject, derived.predicate, derived.object) == (name, 10), \
        "a derived plain triple points at the claim that asserts it"


def test_a_chain_thousands_deep_is_placed_without_recursion(tmp_path):
    depth = 5000
    # Line 6 opens the chain; the k-th blank node is pointed at from line 6 + k - 2 (k >= 2).
    text = TEXT.split("\n\n")[0] + "\n\nid:Deep ag:part " + "[ ag:part\n    " * depth + "1" \
        + " ]" * depth + " .\n"
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    innermost = next(q.subject for q in inputs.quads if isinstance(q.object, ox.Literal))
    assert loc.node_line(name, innermost) == 6 + depth - 2
