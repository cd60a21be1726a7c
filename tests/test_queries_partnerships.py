"""partnerships: what each partnership covers, the U.S.–Israel ones beside Israel–NATO's.

'On what do the U.S. and Israel share intelligence?' and 'what does their joint R&D work on?'
had no named query: nato-partnership lists what the Israel–NATO partnership covers, and the
U.S.–Israel intelligence cooperation's focus areas (001: 'terrorism, regional military
developments, cyber threats, and weapons proliferation'; 000: 'regional threats, cyber warfare,
and terrorist networks') were in no answer but cyber-cooperation's one cyber row and
cooperation-areas' counts.
"""

from __future__ import annotations

from alliance_graph.settings import Settings

QUERY = Settings().queries_dir / "partnerships.rq"
ID = "https://alliance-graph.example/id/"
AG = "https://alliance-graph.example/ontology/"


def test_each_partnership_is_listed_with_what_it_covers(kg):
    rows = {(r["partnership"].value, *(r[v].value if r[v] is not None else None
                                        for v in ("property", "value")))
            for r in kg.query(QUERY.read_text(encoding="utf-8"))}
    partnerships = {r["p"].value for r in kg.query(
        "SELECT ?p WHERE { ?p a/rdfs:subClassOf* ag:Partnership }")}
    assert {partnership for partnership, _, _ in rows} == partnerships
    # One said to cover nothing keeps a row, blank, and only such a one has a blank row.
    blank = {partnership for partnership, prop, _ in rows if prop is None}
    assert blank == {ID + "IranNorthKoreaMilitaryCooperation"}
    assert not blank & {partnership for partnership, prop, _ in rows if prop}
    cooperation = ID + "UnitedStatesIsraelIntelligenceCooperation"
    assert {(cooperation, AG + "focusArea", ID + area)
            for area in ("WeaponsProliferation", "RegionalMilitaryDevelopments",
                         "TerroristNetworks", "CyberWarfare")} <= rows
    assert (ID + "UnitedStatesIsraelJointResearchAndDevelopment", AG + "supportedBy",
            ID + "BIRDFoundation") in rows
    # What deters is read beside what counters, as the asserted graph does not say it counters.
    assert (ID + "UnitedStatesIsraelAlliance", AG + "deters", ID + "Iran") in rows
