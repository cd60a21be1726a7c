"""events: who took part in which event, where and when, as an analyst asks it.

'Who took part in the 2016 MOU negotiations, the signing ceremony, Liberman's meeting in
Washington, Mattis's confirmation hearing?' had no named query: exercise-participants lists
exercises alone, so the Obama administration at the negotiations, Jacob Nagel at the signing
ceremony and the Senate Armed Services Committee holding Mattis's hearing (003) were in no answer.
"""

from __future__ import annotations

from alliance_graph.settings import Settings

QUERY = Settings().queries_dir / "events.rq"
ID = "https://alliance-graph.example/id/"
AG = "https://alliance-graph.example/ontology/"


def test_each_event_but_an_exercise_is_listed_with_who_where_and_when(kg):
    rows = {(r["event"].value, *(r[v].value if r[v] is not None else None
                                 for v in ("property", "value")))
            for r in kg.query(QUERY.read_text(encoding="utf-8"))}
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
