"""What a misspelt name is offered (build/spelling.py), at the scale of a large file."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from alliance_graph.build import pipeline as build
from alliance_graph.build import spelling
from alliance_graph.build.loading import LoadError
from alliance_graph.clipping import apart, clipped
from alliance_graph.namespaces import PREFIX_IRIS
from test_checks import added_claim

ID = PREFIX_IRIS["id"]
TYPE = ox.NamedNode(spelling.RDF_TYPE)
EXERCISE = ox.NamedNode(PREFIX_IRIS["ag"] + "Exercise")
GRAPH = ox.NamedNode("https://alliance-graph.example/graph/data/exercises")


def _typed(count: int) -> ox.Store:
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode(f"{ID}Exercise{i}"), TYPE, EXERCISE, GRAPH)
                  for i in range(count)])
    return store


def test_thousands_of_distinct_names_cost_a_bounded_search_each():
    # Each name was compared with every typed node of its namespace: 3,000 names nothing
    # types among 3,000 typed nodes took 17 s; a bounded search each, about 2 s.
    terms = [f"{ID}Other{i}" for i in range(3000)] + [ID + "Exercis12"]
    start = time.perf_counter()
    found = spelling.node_hints(terms, _typed(3000), [])
    assert time.perf_counter() - start < 8
    assert found == {ID + "Exercis12": ID + "Exercise12"}


def test_a_slip_among_many_nodes_of_its_length_is_still_offered_its_node():
    found = spelling.node_hints([ID + "Exercse2999", ID + "Exercise1"], _typed(3000), [])
    assert found == {ID + "Exercse2999": ID + "Exercise2999"}  # its own node is no slip


def test_a_slip_at_each_end_is_offered_its_name_among_many():
    # Searched among the names beside it alphabetically and read backwards alone, a claim of
    # data/ misspelt at both ends (sraelNATO...-labe) sorted beside neither, past the names
    # between (here 1,000 each way), and the wrong claim (its -type) or none was offered.
    meant = "IsraelNATOJointTrainingExercises-label"
    names = {meant: ID + meant, meant[:-5] + "type": ID + meant[:-5] + "type"}
    names |= {n: ID + n for i in range(1000) for n in (f"s{i:04d}", f"{i:04d}ef")}
    assert spelling.Names(names).best(meant[1:-1]) == ID + meant


def test_a_name_is_searched_for_once_and_past_the_comparisons_offered_nothing(monkeypatch):
    monkeypatch.setattr(spelling, "COMPARISONS", 10)
    names = spelling.Names({f"Exercise{i}": f"{ID}Exercise{i}" for i in range(8)})
    assert names.best("Exercis1") == ID + "Exercise1"  # 8 compared, 2 left
    assert names.best("Exercis1") == ID + "Exercise1"  # remembered: nothing spent
    assert names.best("Exercis2") is None  # 2 compared: the one meant may be past them


def test_a_term_of_a_namespace_a_character_off_is_meant_by_its_very_name():
    ontology = [ox.Quad(ox.NamedNode(PREFIX_IRIS["ag"] + "rank"), TYPE,
                        ox.NamedNode("http://www.w3.org/2002/07/owl#DatatypeProperty"), GRAPH)]
    slip = "https://alliance-graph.example/ontology#rank"
    proposal = [ox.Quad(ox.NamedNode(ID + "X"), ox.NamedNode(slip), ox.Literal("1"), GRAPH)]
    assert spelling.hints(ontology, proposal) == {slip: PREFIX_IRIS["ag"] + "rank"}


def test_two_long_names_alike_in_their_first_200_characters_are_said_where_they_differ(mini):
    # Both were said by the same first 200 characters and an ellipsis: the name and the one
    # it meant read the same (clipping.apart).
    long = "a" * 300
    facts = mini.data_dir / "facts.ttl"
    old, new = added_claim(f"id:{long}Flg", "ag:coFundedBy", "id:UnitedStates")
    facts.write_text(facts.read_text().replace(old, f"id:{long}Flag a ag:State .\n\n" + new, 1))
    with pytest.raises(LoadError) as err:
        build.build_quads(mini)
    said = [p.message for p in err.value.problems if spelling.NOT_IN_GRAPH in p.message]
    assert said, str(err.value)[:3_000]
    hint = said[0][said[0].index(spelling.NOT_IN_GRAPH) - 150:]
    assert "aFlg> (337 characters)" + spelling.NOT_IN_GRAPH in hint, hint
    assert "aFlag> (338 characters)?" in hint, hint


@pytest.mark.parametrize("text, other, said", [
    ("x" * 150, "y" * 150, ("x" * 150, "y" * 150)),  # short: whole
    ("a" * 250 + "X" + "b" * 49, "a" * 250 + "Y" + "b" * 49,
     ("a" * 100 + "…" + "a" * 25 + "X" + "b" * 49 + " (300 characters)",
      "a" * 100 + "…" + "a" * 25 + "Y" + "b" * 49 + " (300 characters)")),
    ("a" * 300 + "X" + "b" * 500, "a" * 300 + "Y" + "b" * 500,  # cut after the difference
     ("a" * 100 + "…" + "a" * 25 + "X" + "b" * 74 + "… (801 characters)",
      "a" * 100 + "…" + "a" * 25 + "Y" + "b" * 74 + "… (801 characters)")),
    ("a" * 250 + "X", "a" * 300 + "Y",  # alike in 200, their lengths apart
     ("a" * 100 + "…" + "a" * 25 + "X (251 characters)",
      "a" * 100 + "…" + "a" * 75 + "Y (301 characters)")),
    ("a" * 250 + "X", "b" * 250 + "X", (clipped("a" * 250 + "X"), clipped("b" * 250 + "X"))),
])
def test_names_alike_past_what_is_shown_are_clipped_around_their_difference(text, other, said):
    assert apart(text, other) == said
