"""Which data file a proposal's blocks go to (proposals/topic.py), at the scale of a large
proposal."""

from __future__ import annotations

import time

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import merge


def test_thousands_of_claims_about_one_entity_find_its_file_at_once(mini, tmp_path):
    # Each claim's block went over the entity's every claim (and looked their links up in the
    # graph) before looking the entity up: 5,000 claims about id:IronDome took 27 s, and
    # `validate` of 6,000 label claims of one entity 52 s.
    proposal = tmp_path / "notes.ttl"
    proposal.write_text(turtle_prologue() + "".join(
        f'claim:IronDome-note{i} a ag:Claim ; rdf:subject id:IronDome ; rdf:predicate ag:note ;'
        f' rdf:object "note {i}" ; ag:rank ag:NormalRank ; prov:wasDerivedFrom'
        ' ev:test-iron-dome .\n' for i in range(5_000)))
    start = time.perf_counter()
    blocks, _ = merge.destinations(mini.data_dir, [proposal])
    assert time.perf_counter() - start < 8
    assert {path.name: len(items) for path, items in blocks.items()} == {"facts.ttl": 5_000}


def test_a_new_entity_goes_to_the_file_of_what_its_claims_link_it_to(mini, tmp_path):
    proposal = tmp_path / "new.ttl"
    proposal.write_text(turtle_prologue() + "".join(
        f'claim:Newland-{p} a ag:Claim ; rdf:subject id:Newland ; rdf:predicate ag:{p} ;'
        f' rdf:object {o} ; ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:test-iron-dome .\n'
        for p, o in (("note", '"a note"'), ("coFundedBy", "id:IronDome"))))
    blocks, _ = merge.destinations(mini.data_dir, [proposal])
    assert {path.name: len(items) for path, items in blocks.items()} == {"facts.ttl": 2}
