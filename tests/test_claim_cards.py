"""claim_cards.py: claim nodes read whole, with their quotes and sources' grades, over the
pages fixture (a dispute between a well-sourced claim and a poorly sourced one)."""

from __future__ import annotations

from alliance_graph.web.pages.claim_cards import claims, evidence_nodes
from alliance_graph.web.pages.terms import Labeller

CLAIM = "https://alliance-graph.example/id/claim/"
EV = "https://alliance-graph.example/id/evidence/"


def test_a_claim_card_holds_its_fact_rank_notes_links_and_quotes(pages_kg):
    us, atlantis = CLAIM + "IronDome-coFundedBy-UnitedStates", CLAIM + "IronDome-coFundedBy-Atlantis"
    found = claims(pages_kg, [us, atlantis, "not an IRI", CLAIM + "NoSuchClaim"])
    assert sorted(found) == [atlantis, us]  # what is no claim node is left out
    card = found[us]
    assert (card.subject.label, card.predicate.value.rsplit("/", 1)[1], card.object.label) == \
        ("Iron Dome", "coFundedBy", "United States")
    assert card.rank_iri.endswith("PreferredRank") and card.disputed_by == [atlantis]
    assert card.notes == ["The news article is better sourced than the blog."]
    assert card.differences and card.differences[0].startswith("The news article names")
    [quote] = card.evidence
    assert quote.exact.startswith("Iron Dome, co-funded by the U.S.") and quote.grade == "B"
    assert found[atlantis].evidence[0].grade == "D"


def test_evidence_is_read_with_its_source_title_and_kind(pages_kg):
    nodes = evidence_nodes(pages_kg, [EV + "blog-atlantis"], Labeller(pages_kg))
    blog = nodes[EV + "blog-atlantis"]
    assert blog.source_title == "A <b>bold</b> blog"  # as written: the template escapes it
    assert blog.exact == "Atlantis paid for Iron Dome <script>alert(1)</script>"
    assert blog.kind and blog.grade == "D"
