"""Named queries for questions an analyst of U.S.–Israel military cooperation asks, held to the graph.

Each answered a common question that had no named query (the catalogue answered it in part, or
by counts): whose each body, person and group is (actors-by-state), where each exercise is held
(exercise-regions), what each partnership covers (partnerships), who took part in which event
(events). Each test holds a query's rows to what the graph says, read another way, so a query
that leaves out or invents rows fails, and names the rows the question was asked for.
"""

from __future__ import annotations

import pytest

from alliance_graph.query import results
from alliance_graph.settings import Settings

QUERIES = Settings().queries_dir
ID = "https://alliance-graph.example/id/"
AG = "https://alliance-graph.example/ontology/"


def _answer(kg, name: str, *variables: str) -> list[tuple]:
    """Return the rows of catalogue query NAME as tuples of VARIABLES' values, None where unbound."""
    return [tuple(row[v].value if row[v] is not None else None for v in variables)
            for row in kg.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))]


# --- actors-by-state: 'which U.S. bodies and officials does the graph name?' ---------------------
# intelligence-cooperation lists agencies alone (not the administrations, Congress or the Senate
# Armed Services Committee, nor people), people-roles people alone, and neither said which actors
# the graph ties to no state.

# Bodies the sources name without saying whose they are (tests/test_data_relations.py reviews
# the agencies among them): 000 names 'CIA, NSA, and Mossad' together; 003 speaks of 'the White
# House', 'Congress', 'the Senate Armed Services Committee', 'the Obama administration' and
# 'senior Trump administration officials' without a word of whose they are.
UNSAID = {"CIA", "NSA", "Mossad", "WhiteHouse", "Congress", "SenateArmedServicesCommittee",
          "ObamaAdministration", "TrumpAdministration"}


def test_every_actor_not_a_state_has_a_row(kg):
    actors = {r["actor"].value for r in kg.query("""SELECT DISTINCT ?actor WHERE {
        ?actor a/rdfs:subClassOf* ag:Actor . FILTER NOT EXISTS { ?actor a ag:State } }""")}
    listed = {actor for actor, _ in _answer(kg, "actors-by-state", "actor", "state")}
    assert ID + "SenateArmedServicesCommittee" in listed and ID + "JamesMattis" in listed
    assert listed == actors


def test_the_state_is_the_one_the_graph_ties_the_actor_to(kg):
    tied = {(r["actor"].value, r["state"].value) for r in kg.query("""SELECT ?actor ?state WHERE {
        { ?actor ag:agencyOf ?state } UNION { ?actor ag:holdsRole/ag:roleIn ?state }
        ?state a ag:State }""")}
    rows = _answer(kg, "actors-by-state", "actor", "state")
    assert {(actor, state) for actor, state in rows if state} == tied
    assert (ID + "Pentagon", ID + "UnitedStates") in tied
    assert (ID + "JamesMattis", ID + "UnitedStates") in tied
    # An actor tied to a state has no second, blank row beside it.
    blank = {actor for actor, state in rows if not state}
    assert not blank & {actor for actor, _ in tied}


def test_the_bodies_left_with_no_state_are_the_reviewed_ones(kg):
    bodies = {r["actor"].value for r in kg.query("""SELECT ?actor WHERE {
        ?actor a/rdfs:subClassOf* ?class .
        VALUES ?class { ag:GovernmentAgency ag:Administration ag:Legislature
                        ag:LegislativeCommittee } }""")}
    blank = {actor for actor, state in _answer(kg, "actors-by-state", "actor", "state") if not state}
    assert sorted(b.removeprefix(ID) for b in bodies & blank) == sorted(UNSAID)


def test_data_model_names_each_body_left_with_no_state(kg):
    """docs/data-model.md says how 'whose' is written and which bodies no source ties to a state;
    it said neither, so an analyst reading the CIA's blank agencyOf could not tell a gap of the
    data from a fact the sources leave unsaid."""
    text = (QUERIES.parent / "docs" / "data-model.md").read_text(encoding="utf-8")
    section = text.split("## Whose a body is", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())  # a name may be wrapped across lines
    labels = {r["actor"].value: r["label"].value for r in kg.query("""
        SELECT ?actor ?label WHERE { ?actor rdfs:label ?label .
            ?actor a/rdfs:subClassOf* ?class .
            VALUES ?class { ag:GovernmentAgency ag:Administration ag:Legislature
                            ag:LegislativeCommittee } }""")}
    blank = {actor for actor, state in _answer(kg, "actors-by-state", "actor", "state") if not state}
    assert sorted(label for actor, label in labels.items()
                  if actor in blank and label not in section) == []
    for prop in ("ag:agencyOf", "ag:roleIn", "ag:memberOf", "ag:locatedIn", "ag:location",
                 "ag:region"):
        assert f"`{prop}`" in section, prop


# --- exercise-regions: 'where are the U.S.–Israel exercises held?' -------------------------------
# exercises counted each exercise's regions and sent the reader to exercise-participants, which
# lists participants alone: Noble Dina's Red Sea and Mediterranean (000) were named by no query.


def test_each_exercise_is_listed_with_the_places_the_graph_gives_it(kg):
    rows = _answer(kg, "exercise-regions", "exercise", "place")
    placed = {(r["exercise"].value, r["place"].value) for r in kg.query("""
        SELECT ?exercise ?place WHERE { ?exercise a/rdfs:subClassOf* ag:MilitaryExercise ;
                                                  ag:region|ag:location ?place }""")}
    exercises = {r["exercise"].value for r in kg.query(
        "SELECT ?exercise WHERE { ?exercise a/rdfs:subClassOf* ag:MilitaryExercise }")}
    assert {row for row in rows if row[1]} == placed
    assert {exercise for exercise, _ in rows} == exercises
    assert {(ID + "NobleDina", ID + "RedSea"), (ID + "NobleDina", ID + "Mediterranean")} <= placed
    # An exercise with a place has no blank row beside it.
    assert not {e for e, place in rows if place is None} & {e for e, _ in placed}


# --- exercises: 'what are Juniper Oak and Juniper Falcon?' --------------------------------------
# 002 gives them as examples of 'Regular bilateral exercises' (id:UnitedStatesIsraelJointExercises);
# nothing linked them to it, so exercises showed two exercises with no domain and no context.


def test_exercises_shows_the_series_an_example_is_one_of_not_its_domains(kg):
    rows = set(_answer(kg, "exercises", "exercise", "domain", "series"))
    series = ID + "UnitedStatesIsraelJointExercises"
    for example in ("JuniperOak", "JuniperFalcon"):
        # The domains 002 says of the series are not carried over to each example.
        assert {row for row in rows if row[0] == ID + example} == {(ID + example, None, series)}
    assert (series, ID + "CyberDomain", None) in rows
    linked = {(r["e"].value, r["s"].value) for r in kg.query(
        "SELECT ?e ?s WHERE { ?e ag:inSeries ?s }")}
    assert {(e, s) for e, _, s in rows if s} == linked


# --- partnerships: 'on what do the U.S. and Israel share intelligence?' --------------------------
# nato-partnership covers Israel–NATO's alone; the intelligence cooperation's focus areas (001:
# 'terrorism, regional military developments, cyber threats, and weapons proliferation') were in
# no answer but cyber-cooperation's one cyber row and cooperation-areas' counts.


def test_each_partnership_is_listed_with_what_it_covers(kg):
    rows = set(_answer(kg, "partnerships", "partnership", "property", "value"))
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


# --- cyber-cooperation: 'what do the U.S. and Israel do together in cyber?' --------------------
# The query matched "cyber" in IRIs: threat intelligence, incident response and critical
# infrastructure protection, which 002 names in its cyber section, were in no row of it.


def test_cyber_cooperation_follows_the_links_to_the_cyber_domain(kg):
    rows = set(_answer(kg, "cyber-cooperation", "subject", "predicate", "object"))
    linked = {(r["s"].value, r["p"].value, r["o"].value) for r in kg.query("""
        SELECT ?s ?p ?o WHERE {
            { ?o ag:inDomain id:CyberDomain } UNION { VALUES ?o { id:CyberDomain } }
            ?s ?p ?o . FILTER (?p != ag:inDomain) FILTER NOT EXISTS { ?s a ag:Claim } }""")}
    assert rows == linked
    alliance = ID + "UnitedStatesIsraelAlliance"
    assert {(alliance, AG + "cooperationArea", ID + area)
            for area in ("ThreatIntelligence", "IncidentResponse",
                         "CriticalInfrastructureProtection", "CyberInnovation",
                         "Cybersecurity")} <= rows
    assert (ID + "UnitedStatesIsraelJointExercises", AG + "operationalDomain",
            ID + "CyberDomain") in rows


# --- events: 'who took part in the 2016 negotiations, the signing, Mattis's hearing?' ------------
# exercise-participants lists exercises alone: the Obama administration at the negotiations,
# Jacob Nagel at the ceremony, the Senate Armed Services Committee holding the hearing (003).


def test_each_event_but_an_exercise_is_listed_with_who_where_and_when(kg):
    rows = set(_answer(kg, "events", "event", "property", "value"))
    events = {r["e"].value for r in kg.query("""SELECT ?e WHERE { ?e a/rdfs:subClassOf* ag:Event
        FILTER NOT EXISTS { ?e a/rdfs:subClassOf* ag:MilitaryExercise } }""")}
    assert {event for event, _, _ in rows} == events
    assert {(ID + "MemorandumOfUnderstanding2016Negotiations", AG + "participant",
             ID + "ObamaAdministration"),
            (ID + "MemorandumOfUnderstanding2016SigningCeremony", AG + "participant",
             ID + "JacobNagel"),
            (ID + "MattisConfirmationHearing", AG + "performedBy",
             ID + "SenateArmedServicesCommittee"),
            (ID + "LibermanWashingtonMeeting", AG + "location", ID + "Washington"),
            (ID + "F35SalesToIsrael", AG + "recipient", ID + "Israel")} <= rows
    # An event with a row of its own has no blank one beside it.
    blank = {event for event, prop, _ in rows if prop is None}
    assert not blank & {event for event, prop, _ in rows if prop}


def test_events_lists_no_exercise_over_the_inferred_graph(kg):
    # The exercise classes were left out by name: over the inferred graph an exercise is an
    # ag:Event too, and events listed Juniper Cobra, Blue Flag and the others as events.
    text = (QUERIES / "events.rq").read_text(encoding="utf-8")
    listed = {row["event"].value for row in results.run(kg, text, inferred=True)}
    exercises = {r["e"].value for r in kg.query(
        "SELECT ?e WHERE { ?e a/rdfs:subClassOf* ag:MilitaryExercise }")}
    assert ID + "JuniperCobra" in exercises and not listed & exercises
    assert ID + "MattisConfirmationHearing" in listed


# --- people-roles: 'which Trump administration officials does the graph name?' -----------------
# people-roles gave each person's roles and the state they are held in, and no membership: Mattis
# and Tillerson, senior officials of the Trump administration Liberman met (003), showed as
# holders of U.S. offices alone.


def test_people_roles_names_the_administration_an_official_serves_in(kg):
    rows = set(_answer(kg, "people-roles", "person", "memberOf"))
    members = {(r["p"].value, r["o"].value) for r in kg.query(
        "SELECT ?p ?o WHERE { ?p a ag:Person ; ag:memberOf ?o }")}
    assert {row for row in rows if row[1]} == members
    assert {(ID + "JamesMattis", ID + "TrumpAdministration"),
            (ID + "RexTillerson", ID + "TrumpAdministration")} <= members


# --- columns for facts no named query gave --------------------------------------------------------
# Each was in the graph and read by no query: the family a missile defense system is a version of
# (Arrow (001), Arrow 2 (000) and Arrow-3 (000, 002) stood as three unrelated systems), whose
# NATO's headquarters is (installations said it lists 'the headquarters organizations are run
# from (NATO's)' and gave none), whom else FMF benefits (001: 'Much of the funding is spent on
# U.S. defense manufacturers'), what an actor posing a threat is armed with (003's North Korea,
# 'an enemy already nuclear-armed'), what played a role in an agreement (000: the alliance in the
# Abraham Accords), whom a statement was made to (Liberman to Mattis and Tillerson, 003).
# query, its subject column, its new column, the graph's (subject, value) pairs, one expected.
COLUMNS = [
    ("missile-defense-systems", "system", "versionOf",
     "?s a ag:MissileDefenseSystem ; ag:versionOf ?v", ("Arrow3", "Arrow")),
    ("installations", "installation", "headquartersOf", "?v ag:headquarters ?s",
     ("NATOHeadquarters", "NATO")),
    ("aid-programs", "program", "beneficiary", "?s a ag:AidProgram ; ag:beneficiary ?v",
     ("ForeignMilitaryFinancing", "UnitedStatesDefenseManufacturers")),
    ("threats", "posedBy", "posedByArmedWith", "?t a ag:Threat ; ag:posedBy ?s . ?s ag:armedWith ?v",
     ("NorthKorea", "Nukes")),
    ("agreements", "agreement", "furtheredBy", "?v ag:contributedTo ?s",
     ("AbrahamAccords", "UnitedStatesIsraelAlliance")),
    ("attributed-statements", "statement", "addressee",
     "?s a ag:AttributedStatement ; ag:addressee ?v", ("Statement-Liberman-AxisOfEvil", "RexTillerson")),
]


@pytest.mark.parametrize("name, subject, column, pattern, expected", COLUMNS,
                         ids=[c[0] for c in COLUMNS])
def test_a_column_gives_the_facts_of_the_graph(kg, name, subject, column, pattern, expected):
    said = {(r["s"].value, r["v"].value) for r in kg.query(f"SELECT ?s ?v WHERE {{ {pattern} }}")}
    rows = set(_answer(kg, name, subject, column))
    assert {row for row in rows if row[1]} == said
    assert (ID + expected[0], ID + expected[1]) in said


# --- attributed-statements: 'what was said at Mattis's confirmation hearing, and says who?' ------
# The statements' occasions (the hearing, the MoU's signing ceremony, Liberman's meeting) and who
# the source heard them through ('according to the Defense Ministry', the White House website)
# were in the graph and in no named query: who said what gave neither when nor on whose word.


def test_attributed_statements_give_the_occasion_and_whom_the_source_heard_it_through(kg):
    rows = set(_answer(kg, "attributed-statements", "statement", "occasion", "reportedBy"))
    said = {(r["s"].value, r["o"].value if r["o"] else None, r["r"].value if r["r"] else None)
            for r in kg.query("""SELECT ?s ?o ?r WHERE { ?s a ag:AttributedStatement .
                OPTIONAL { ?s ag:occasion ?o } OPTIONAL { ?s ag:reportedBy ?r } }""")}
    assert rows == said
    assert (ID + "Statement-Liberman-AxisOfEvil", ID + "LibermanWashingtonMeeting",
            ID + "IsraeliMinistryOfDefense") in rows
    assert (ID + "Statement-Nagel-EmergencyFunding", ID + "MemorandumOfUnderstanding2016SigningCeremony",
            None) in rows
