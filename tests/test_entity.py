"""entity.describe: an IRI's claims with quotes and grades, disagreements, plain statements."""

from alliance_graph.namespaces import AG, ID
from alliance_graph.web.pages import diagram, entity

IRON_DOME = str(ID.IronDome)


def group(e, label, incoming=False):
    return next(g for g in e.groups if g.predicate.label == label and g.incoming == incoming)


def test_unknown_iri_is_none(pages_kg):
    assert entity.describe(pages_kg, str(ID.Nowhere)) is None


def test_iri_with_characters_sparql_cannot_hold_is_none_not_an_injection(pages_kg):
    assert entity.describe(pages_kg, str(ID) + "x> ?p ?o } #") is None


def test_label_types_and_class_definition(pages_kg):
    e = entity.describe(pages_kg, IRON_DOME)
    assert e.label == "Iron Dome"
    assert [t.label for t in e.types] == ["missile defense system"]
    assert e.class_definitions[0][1] == "A system that intercepts missiles and rockets."


def test_claims_carry_rank_quote_source_kind_and_grade(pages_kg):
    e = entity.describe(pages_kg, IRON_DOME)
    claims = group(e, "co-funded by").claims
    assert [(c.object.label, c.rank) for c in claims] == [
        ("United States", "preferred"), ("<script>window.pwned=1</script>Atlantis", "deprecated")]
    quote = claims[0].evidence[0]
    assert quote.exact.startswith("Iron Dome, co-funded by the U.S.")
    assert (quote.source_title, quote.kind, quote.grade) == (
        "Defense News test article", "news article", "B")
    assert claims[0].notes == ["The news article is better sourced than the blog."]


def test_dispute_written_once_is_seen_from_both_sides(pages_kg):
    e = entity.describe(pages_kg, IRON_DOME)
    rows = e.rows(group(e, "co-funded by"))
    assert len(rows) == 1
    assert [(c.object.label, mark) for c, mark in rows[0]] == [
        ("United States", "disputed"), ("<script>window.pwned=1</script>Atlantis", "disputed")]


def test_incoming_claims_and_qualifiers(pages_kg):
    e = entity.describe(pages_kg, str(ID.UnitedStates))
    party = group(e, "party", incoming=True).claims[0]
    assert party.subject.label == "2016 MOU"
    assert [(q.label, v.value, v.precision) for q, v in party.qualifiers] == [
        ("valid from", "2018-10", "month")]


def test_source_document_lists_its_grade_and_every_fact_it_supports(pages_kg):
    e = entity.describe(pages_kg, "https://alliance-graph.example/id/source/news.txt")
    statements = {p.label: [v.label for v in vs] for p, vs in e.statements}
    assert statements["source reliability"] == ["usually reliable"]
    assert statements["SHA-256"] == ["0" * 64]
    assert len(e.supported) == 12


def test_property_page_counts_its_usage(pages_kg):
    e = entity.describe(pages_kg, str(AG.coFundedBy))
    assert e.usage_count == 2
    assert {p.label for p, _ in e.statements} >= {"rdfs:label", "skos:definition", "rdfs:range"}


def test_claim_and_evidence_nodes_describe_themselves(pages_kg):
    claim = entity.describe(pages_kg, "https://alliance-graph.example/id/claim/MOU2016-date")
    assert claim.own_claim.object.precision == "day"
    ev = entity.describe(pages_kg, "https://alliance-graph.example/id/evidence/news-mou")
    assert ev.own_evidence.exact.startswith("The MOU was signed")
    assert len(ev.supported) == 4


def test_opposing_assessments_sit_side_by_side_with_what_differs(kg):
    ent = entity.describe(kg, str(ID["Proposition-FundingBeyondTheMoU"]))
    rows = [row for group in ent.groups for row in ent.rows(group) if len(row) > 1]
    marks = {mark for row in rows for _, mark in row}
    assert "opposed" in marks, "the opposing assessments are not shown together"
    opposed = [c for row in rows for c, mark in row if mark == "opposed"]
    assert all(c.differences for c in opposed), "an opposed claim without its note"
    # Opposition is written on both claims; each lists the other.
    for c in opposed:
        assert all(c.iri.value in ent.related[o].opposed_by for o in c.opposed_by
                   if o in ent.related)


# A class with more instances than a page shows as cards, each instance typed by a claim with
# its quote, and an evidence node and a source supporting every claim: a class of 3,571
# instances (100 k facts) made a page of 3.2 MB, each type claim a card with its quote.
MANY = 225  # more than a group shows (MAX_GROUP) and a list of what supports (MAX_INCOMING)


def many_instances_graph():
    import pyoxigraph as ox

    from alliance_graph.store.graph import KnowledgeGraph
    lines = ["@prefix ag: <https://alliance-graph.example/ontology/> .",
             "@prefix id: <https://alliance-graph.example/id/> .",
             "@prefix oa: <http://www.w3.org/ns/oa#> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "ag:State a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label \"state\" .",
             "id:ev a ag:Evidence ; oa:hasSource <https://alliance-graph.example/id/source/s.txt> ;",
             "    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact \"Many states.\" ] .",
             "<https://alliance-graph.example/id/source/s.txt> a ag:SourceDocument ."]
    for i in range(MANY):
        lines.append(f"id:S{i:03d} a ag:State ; rdfs:label \"State {i:03d}\" .")
        lines.append(f"<https://alliance-graph.example/id/claim/S{i:03d}> a ag:Claim ; rdf:subject id:S{i:03d} ; "
                     f"rdf:predicate rdf:type ; rdf:object ag:State ; "
                     f"ag:rank ag:{'PreferredRank' if i == MANY - 1 else 'NormalRank'} ; "
                     "prov:wasDerivedFrom id:ev .")
    store = ox.Store()
    store.load("\n".join(lines).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://alliance-graph.example/graph/data/many.ttl"))
    return KnowledgeGraph.from_store(store)


def test_a_group_of_many_claims_shows_a_bounded_number_and_counts_the_rest():
    assert MANY > entity.MAX_GROUP
    kg = many_instances_graph()
    e = entity.describe(kg, str(AG.State))
    types = group(e, "rdf:type", incoming=True)
    assert len(types.claims) == entity.MAX_GROUP
    assert types.total == MANY and types.hidden == MANY - entity.MAX_GROUP
    # Preferred claims are among those shown, first.
    assert types.claims[0].rank_iri == str(AG.PreferredRank)
    # The query listing them all lists every one.
    assert len(list(kg.query(types.query))) == MANY
    # The plain type triples the claims stand for are not listed again as "referenced by".
    assert not [p for p, _, _ in e.incoming if p.value.endswith("#type")]


def test_the_claims_an_evidence_node_or_source_supports_are_bounded_and_listed_by_a_query():
    assert MANY > entity.MAX_INCOMING
    kg = many_instances_graph()
    for iri in (str(ID.ev), str(ID) + "source/s.txt"):
        e = entity.describe(kg, iri)
        assert e.supported_count == MANY
        assert len(e.supported) == entity.MAX_INCOMING
        assert len(list(kg.query(e.supported_query))) == MANY


def test_an_entity_s_claim_groups_are_the_same_from_every_store(backend_kg, kg):
    # Virtuoso answers a bound `true` as "1"^^xsd:integer: id:UnitedStates's page read from it
    # lost every incoming group (26,705 bytes against 85,654 from memory).
    ref = f"<{ID.UnitedStates}>"
    groups = entity._group_sizes(kg, ref)
    assert any(incoming for incoming, _ in groups) and any(not i for i, _ in groups)
    assert entity._group_sizes(backend_kg, ref) == groups


def test_a_source_document_a_claim_points_at_is_named_by_its_title(kg):
    # A proposition affirmed or questioned by a source in its own voice read
    # 'affirmed by src:003_fe4a065aad1a80df.txt' in its cards and diagram: a source has a
    # dcterms:title and no rdfs:label, and the title is what its own page and quotes name it by.
    e = entity.describe(kg, str(ID["Proposition-IranNorthKoreaCooperation"]))
    title = "Korean crisis raises stakes of US-Israel missile cooperation"
    assert title in [c.object.label for c in group(e, "affirmed by").claims]
    assert [c.object.label for c in group(e, "questioned by").claims] == [title]
    assert title in [edge.other for edge in diagram.edges_of(e)]


def test_claims_are_listed_a_to_z_whatever_the_case_of_their_first_letter(kg):
    # The alliance's characterizations read 'Israel’s feedback...', 'U.S. security...', then
    # 'a deep, institutionalized relationship...': every capital before every small letter.
    e = entity.describe(kg, str(ID.UnitedStatesIsraelAlliance))
    labels = [c.object.label for c in group(e, "characterization").claims]
    assert {label[0].isupper() for label in labels} == {True, False}
    assert labels == sorted(labels, key=str.casefold)


def test_terms_of_one_label_on_a_page_are_told_apart(kg):
    # Nine labels name a class and a property both ('cooperation area': ag:CooperationArea,
    # ag:cooperationArea): a page naming both (/ontology/, which lists every term; an entity
    # typed by the class that the property points at) had two links of one name.
    for page in [str(AG)[:-1] + "/", str(ID.MissileDefense)]:
        shared = entity.describe(kg, page).shared
        assert {str(AG.CooperationArea), str(AG.cooperationArea)} <= shared, page
        assert str(AG.coFundedBy) not in shared  # a label no other term shares stays as it is
