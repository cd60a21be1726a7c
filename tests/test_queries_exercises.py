"""exercise-regions: where each exercise is held, by name.

'Where are the U.S.–Israel exercises held?' had no named query: exercises counts each exercise's
regions (1 for the Israel–NATO maritime exercises, 2 for Noble Dina) and its comment sent the
reader to exercise-participants, which lists participants alone, so the Red Sea and the
Mediterranean of Noble Dina (000: 'Naval exercises enhancing Red Sea and Mediterranean
security') were named by no query.
"""

from __future__ import annotations

from alliance_graph.settings import Settings

QUERY = Settings().queries_dir / "exercise-regions.rq"
ID = "https://alliance-graph.example/id/"


def test_each_exercise_is_listed_with_the_places_the_graph_gives_it(kg):
    rows = [(r["exercise"].value, r["place"].value if r["place"] is not None else None)
            for r in kg.query(QUERY.read_text(encoding="utf-8"))]
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
