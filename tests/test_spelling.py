"""What a misspelt name is offered (build/spelling.py), at the scale of a large file."""

from __future__ import annotations

import random
import string
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
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    found = spelling.node_hints(terms, _typed(3000), [])
    assert time.thread_time() - start < 8
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


def _random_claims(count: int) -> list[str]:
    """Return ``count`` claim names (four properties of entities of random letters), sorted."""
    rng = random.Random(5)
    names = {"".join(rng.choice(string.ascii_letters) for _ in range(10)) + "-" + p
             for _ in range(count // 4 + 1) for p in ("label", "type", "participant", "fromYear")}
    return sorted(names)


def test_a_slip_just_inside_both_ends_is_offered_its_node_wherever_it_sorts_past_200000():
    # The 1,200 names beside a slip alphabetically and read backwards (and less an end
    # character) were its only candidates: a slip of the second character and the second
    # to last sorted beside none of the name meant's, and none or another was offered;
    # past 200,000 typed nodes no node at all.  Here the first, second, middle and last two
    # names of the sorted order, each alike to no other name (difflib over every name).
    names = _random_claims(200_004)
    store = ox.Store()
    store.bulk_extend(ox.Quad(ox.NamedNode(ID + n), TYPE, EXERCISE, GRAPH) for n in names)
    meant = [names[0], names[1], names[len(names) // 2], names[-2], names[-1]]
    slips = {ID + m[0] + "q" + m[2:-2] + "q" + m[-1]: ID + m for m in meant}
    assert len(names) > 200_000 and len(slips) == 5
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    assert spelling.node_hints(slips, store, []) == slips
    assert time.thread_time() - start < 20  # about 1.5 s


def test_a_name_of_60_kb_is_offered_nothing_at_once_among_many():
    names = spelling.Names({n: ID + n for n in _random_claims(100_000)})
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    assert names.best("q" * 60_000) is None
    assert names.best("AqBsyHjugD-" + "x" * 980) is None
    assert time.thread_time() - start < 2


def test_a_name_is_searched_for_once_and_past_the_comparisons_offered_nothing(monkeypatch):
    monkeypatch.setattr(spelling, "COMPARISONS", 1)
    names = spelling.Names({f"Exercise{i}": f"{ID}Exercise{i}" for i in range(8)})
    # Exercise1 is compared first (its indel ratio the highest) and no other can be as alike.
    assert names.best("Exercis1") == ID + "Exercise1"  # 1 compared, none left
    assert names.best("Exercis1") == ID + "Exercise1"  # remembered: nothing spent
    assert names.best("Exercis2") is None  # none compared: the one meant may be past them


def test_past_the_names_scanned_a_name_is_offered_nothing(monkeypatch):
    monkeypatch.setattr(spelling, "SCANNED", 12)
    names = spelling.Names({f"Exercise{i}": f"{ID}Exercise{i}" for i in range(8)})
    assert names.best("Exercis1") == ID + "Exercise1"  # 8 scanned, 4 left
    assert names.best("Exercis2") is None


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


@pytest.mark.parametrize("iri, parts", [
    ("https://alliance-graph.example/id/BlueFlag", ("https://alliance-graph.example/id/",
                                                    "BlueFlag")),
    ("http://www.w3.org/ns/oa#exact", ("http://www.w3.org/ns/oa#", "exact")),
    ("http://example.org/a#b/c", ("http://example.org/a#b/", "c")),  # the last of either
    ("http://example.org/a/b#c", ("http://example.org/a/b#", "c")),
    ("https://alliance-graph.example/id/", ("https://alliance-graph.example/id/", "")),
    ("urn:isbn:0451450523", ("urn:isbn:0451450523", "")),  # neither: no local name
    ("", ("", "")),
])
def test_an_iri_is_split_after_its_last_slash_or_hash(iri, parts):
    # Split by rfind, where a pattern took 0.9 s of the 2.6 s of hints of a check of 100,000
    # findings naming one misspelt property (ag:rnk).
    assert spelling._split(iri) == parts


def test_only_a_claims_subject_predicate_and_object_are_filed_for_the_claim_rules():
    # Every statement of every node was filed (100,000 ag:rnk triples a check: 0.9 s of its
    # hints, twice); the rules read a claim's rdf:subject, rdf:predicate and rdf:object.
    claim, node = ox.NamedNode(ID + "claim/X-type"), ox.NamedNode(ID + "X")
    rank = ox.NamedNode(PREFIX_IRIS["ag"] + "rnk")
    quads = [ox.Quad(claim, ox.NamedNode(spelling.RDF_TYPE[:-4] + "subject"), node, GRAPH),
             ox.Quad(claim, ox.NamedNode(spelling.RDF_TYPE[:-4] + "predicate"), TYPE, GRAPH),
             ox.Quad(claim, rank, ox.NamedNode(PREFIX_IRIS["ag"] + "NormalRank"), GRAPH),
             ox.Quad(node, rank, ox.NamedNode(PREFIX_IRIS["ag"] + "NormalRank"), GRAPH)]
    assert spelling._claims(quads) == {claim: {quads[0].predicate: node,
                                               quads[1].predicate: TYPE}}


def test_a_fresh_copy_shares_the_sorted_names_and_has_budgets_and_answers_of_its_own():
    # query/absent_names keeps a namespace's names sorted for a build (sorting 100,000 took
    # 0.05 s a call) and searches each call with a copy: one budget shared by a server's
    # requests would be spent for good, and each client's names kept in its answers.
    kept = spelling.Names({"IronDome": "id:IronDome", "DavidsSling": "id:DavidsSling"})
    kept._left = 0  # spent: searching would give nothing more
    kept.best("IronDom")
    copy = kept.fresh()
    assert copy._sorted is kept._sorted and copy.names is kept.names
    assert copy._found == {} and copy.best("IronDom") == "id:IronDome"
    assert kept.best("DavidSling") is None and "DavidSling" not in copy._found
