"""entity_rdf.description: an entity page's RDF, with the claims about it and their evidence."""

from alliance_graph.namespaces import ID
from alliance_graph.web.pages import entity_rdf

IRON_DOME = str(ID.IronDome)


def test_description_holds_claims_and_their_evidence(pages_kg):
    triples = entity_rdf.description(pages_kg, IRON_DOME)
    subjects = {t.subject.value for t in triples if hasattr(t.subject, "value")}
    assert IRON_DOME in subjects
    assert "https://alliance-graph.example/id/claim/IronDome-coFundedBy-Atlantis" in subjects
    assert "https://alliance-graph.example/id/evidence/blog-atlantis" in subjects
    assert any(t.predicate.value.endswith("#exact") for t in triples)
