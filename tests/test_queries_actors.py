"""actors-by-state: whose each body, person and group is, as an analyst asks it.

'Which U.S. bodies and officials does the graph name?' had no named query: intelligence-cooperation
lists agencies alone (not the administrations, Congress or the Senate Armed Services Committee,
nor people), people-roles lists people alone, and neither says which actors the graph ties to no
state. The test holds the query's rows to the graph: every actor that is not a state, of any
subclass of ag:Actor, has a row; the state is the one its agencyOf or its role's roleIn names;
and the actors left with none are the reviewed ones whose state no source says.
"""

from __future__ import annotations

from alliance_graph.settings import Settings

QUERY = Settings().queries_dir / "actors-by-state.rq"
ID = "https://alliance-graph.example/id/"

# Bodies the sources name without saying whose they are (tests/test_data_relations.py reviews
# the agencies among them): 000 names 'CIA, NSA, and Mossad' together; 003 speaks of 'the White
# House', 'Congress', 'the Senate Armed Services Committee', 'the Obama administration' and
# 'senior Trump administration officials' without a word of whose they are.
UNSAID = {"CIA", "NSA", "Mossad", "WhiteHouse", "Congress", "SenateArmedServicesCommittee",
          "ObamaAdministration", "TrumpAdministration"}


def _rows(kg):
    return [{"actor": row["actor"].value,
             "state": row["state"].value if row["state"] is not None else None}
            for row in kg.query(QUERY.read_text(encoding="utf-8"))]


def test_every_actor_not_a_state_has_a_row(kg):
    actors = {r["actor"].value for r in kg.query("""SELECT DISTINCT ?actor WHERE {
        ?actor a/rdfs:subClassOf* ag:Actor . FILTER NOT EXISTS { ?actor a ag:State } }""")}
    listed = {row["actor"] for row in _rows(kg)}
    assert ID + "SenateArmedServicesCommittee" in listed and ID + "JamesMattis" in listed
    assert listed == actors


def test_the_state_is_the_one_the_graph_ties_the_actor_to(kg):
    tied = {(r["actor"].value, r["state"].value) for r in kg.query("""SELECT ?actor ?state WHERE {
        { ?actor ag:agencyOf ?state } UNION { ?actor ag:holdsRole/ag:roleIn ?state }
        ?state a ag:State }""")}
    rows = _rows(kg)
    assert {(row["actor"], row["state"]) for row in rows if row["state"]} == tied
    assert (ID + "Pentagon", ID + "UnitedStates") in tied
    assert (ID + "JamesMattis", ID + "UnitedStates") in tied
    # An actor tied to a state has no second, blank row beside it.
    blank = {row["actor"] for row in rows if not row["state"]}
    assert not blank & {actor for actor, _ in tied}


def test_the_bodies_left_with_no_state_are_the_reviewed_ones(kg):
    bodies = {r["actor"].value for r in kg.query("""SELECT ?actor WHERE {
        ?actor a/rdfs:subClassOf* ?class .
        VALUES ?class { ag:GovernmentAgency ag:Administration ag:Legislature
                        ag:LegislativeCommittee } }""")}
    blank = {row["actor"] for row in _rows(kg) if not row["state"]}
    assert sorted(b.removeprefix(ID) for b in bodies & blank) == sorted(UNSAID)


def test_data_model_names_each_body_left_with_no_state(kg):
    """docs/data-model.md says how 'whose' is written and which bodies no source ties to a state;
    it said neither, so an analyst reading the CIA's blank agencyOf could not tell a gap of the
    data from a fact the sources leave unsaid."""
    text = (Settings().queries_dir.parent / "docs" / "data-model.md").read_text(encoding="utf-8")
    section = text.split("## Whose a body is", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())  # a name may be wrapped across lines
    labels = {r["actor"].value: r["label"].value for r in kg.query("""
        SELECT ?actor ?label WHERE { ?actor rdfs:label ?label .
            ?actor a/rdfs:subClassOf* ?class .
            VALUES ?class { ag:GovernmentAgency ag:Administration ag:Legislature
                            ag:LegislativeCommittee } }""")}
    blank = {row["actor"] for row in _rows(kg) if not row["state"]}
    assert sorted(label for actor, label in labels.items()
                  if actor in blank and label not in section) == []
    for prop in ("ag:agencyOf", "ag:roleIn", "ag:memberOf", "ag:locatedIn", "ag:location",
                 "ag:region"):
        assert f"`{prop}`" in section, prop
