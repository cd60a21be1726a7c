"""Named queries for what binds the partners: an agreement's provisions, and the policies behind aid.

An analyst asking 'can Israel ask for more than the MoU gives?' or 'what does the U.S. guarantee
Israel, and what strains it?' had no named query: mou-terms lists the memorandum's sums, and
nothing read ``ag:provision``, ``ag:succeeds``, ``ag:adoptedBy``, ``ag:means`` or what a sale
is in tension over. Each test holds a query's rows to what the graph says, read another way, so
a query that leaves out or invents rows fails, and names the rows the question was asked for.
"""

from __future__ import annotations

from alliance_graph.settings import Settings

QUERIES = Settings().queries_dir
ID = "https://alliance-graph.example/id/"
MOU = ID + "MemorandumOfUnderstanding2016"


def _answer(kg, name: str, *variables: str) -> list[tuple]:
    """Return the rows of catalogue query NAME as tuples of VARIABLES' values, None where unbound."""
    return [tuple(row[v].value if row[v] is not None else None for v in variables)
            for row in kg.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))]


def _pairs(kg, text: str) -> set[tuple]:
    return {tuple(term.value for term in row) for row in kg.query(text)}


# --- agreement-provisions: 'what does the MoU bind Israel to?' -----------------------------------

def test_every_asserted_provision_has_its_rows_and_no_other(kg):
    asserted = _pairs(kg, "SELECT ?a ?p WHERE { ?a ag:provision ?p }")
    rows = _answer(kg, "agreement-provisions", "agreement", "provision")
    assert set(rows) == asserted
    assert (MOU, "Israel may ask for additional emergency funding only in the case of war") in asserted


def test_each_provision_is_given_with_the_quotes_its_claim_cites(kg):
    cited = _pairs(kg, """SELECT ?p ?source ?quote WHERE {
        ?claim rdf:predicate ag:provision ; rdf:object ?p ; prov:wasDerivedFrom ?e .
        ?e oa:hasSource ?source ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] }""")
    rows = _answer(kg, "agreement-provisions", "provision", "source", "quote")
    assert set(rows) == cited
    # One row per quote: a provision is not repeated for what else its agreement holds.
    assert len(rows) == len(set(rows))


def test_a_provision_restating_another_names_it_and_the_earlier_agreement_is_given(kg):
    variants = _pairs(kg, """SELECT ?p ?q WHERE {
        ?c rdf:predicate ag:provision ; rdf:object ?p ; ag:variantOf [ rdf:object ?q ] }""")
    rows = _answer(kg, "agreement-provisions", "agreement", "succeeds", "provision", "restates")
    assert {(p, q) for _, _, p, q in rows if q} == variants
    assert variants, "003 states Israel's commitment twice, with and without the war exception"
    succeeds = dict(_pairs(kg, "SELECT ?a ?b WHERE { ?a ag:succeeds ?b }"))
    assert {(a, s) for a, s, _, _ in rows} == {(a, succeeds.get(a)) for a, _, _, _ in rows}
    assert succeeds[MOU] == ID + "PrecedingUnitedStatesIsraelDefenseAgreement"


# --- policies: 'what does the U.S. guarantee Israel, and what strains it?' -----------------------

def test_every_policy_has_a_row_with_who_follows_it_and_for_whom(kg):
    policies = {r["p"].value for r in kg.query("SELECT ?p WHERE { ?p a ag:Policy }")}
    rows = _answer(kg, "policies", "policy", "adoptedBy", "beneficiary", "concerns")
    assert {row[0] for row in rows} == policies
    adopted = _pairs(kg, "SELECT ?p ?s WHERE { ?p a ag:Policy ; ag:adoptedBy ?s }")
    assert {(p, s) for p, s, _, _ in rows if s} == adopted
    benefits = _pairs(kg, "SELECT ?p ?s WHERE { ?p a ag:Policy ; ag:beneficiary ?s }")
    assert {(p, b) for p, _, b, _ in rows if b} == benefits
    concerns = _pairs(kg, "SELECT ?p ?s WHERE { ?p a ag:Policy ; ag:about ?s }")
    assert {(p, c) for p, _, _, c in rows if c} == concerns
    assert (ID + "QualitativeMilitaryEdge", ID + "Israel") in benefits


def test_what_strains_a_policy_is_given_with_whom(kg):
    strains = _pairs(kg, """SELECT ?p ?x ?w WHERE {
        ?p a ag:Policy . ?x ag:about ?p ; ag:tensionWith ?w }""")
    rows = _answer(kg, "policies", "policy", "strainedBy", "tensionWith")
    assert {row for row in rows if row[1]} == strains
    assert (ID + "QualitativeMilitaryEdge", ID + "UnitedStatesArmsSalesToSaudiArabiaAndUAE",
            ID + "Israel") in strains


def test_the_means_and_purpose_are_the_policys_own(kg):
    rows = _answer(kg, "policies", "policy", "means", "purpose")
    for column, prop in ((1, "means"), (2, "purpose")):
        said = _pairs(kg, f"SELECT ?p ?v WHERE {{ ?p a ag:Policy ; ag:{prop} ?v }}")
        assert {(row[0], row[column]) for row in rows if row[column]} == said
    assert any(row[1] == "exclusive access to advanced U.S. weaponry" for row in rows)


# --- what-each-partner-gives: 'what does the United States get back?' ---------------------------
# aid-relations reads aid and arms supply, from the United States to Israel; what 000 and 003 say
# Israel gives back (a strategic foothold, technology shared with the Pentagon) had no named query.

EXCHANGES = ("providesAidTo", "primaryArmsSupplierOf", "strategicFootholdFor",
             "sharesTechnologyWith")


def test_every_exchange_between_actors_has_its_row(kg):
    values = " ".join(f"ag:{name}" for name in EXCHANGES)
    said = _pairs(kg, f"""SELECT ?g ?r ?x WHERE {{ VALUES ?r {{ {values} }} ?g ?r ?x }}""")
    rows = _answer(kg, "what-each-partner-gives", "giver", "relation", "receiver")
    assert set(rows) == said and len(rows) == len(said)


def test_the_exchange_runs_both_ways_and_a_body_is_given_its_state(kg):
    rows = _answer(kg, "what-each-partner-gives", "giver", "receiver", "receiverState")
    states = dict(_pairs(kg, "SELECT ?a ?s WHERE { ?a ag:agencyOf ?s }"))
    assert {(giver, receiver, states.get(receiver)) for giver, receiver, _ in rows} == set(rows)
    to_the_us = {giver for giver, receiver, state in rows
                 if ID + "UnitedStates" in (receiver, state)}
    assert ID + "Israel" in to_the_us
    assert (ID + "Israel", ID + "Pentagon", ID + "UnitedStates") in rows
    assert any(giver == ID + "UnitedStates" and receiver == ID + "Israel"
               for giver, receiver, _ in rows)
