"""The build cache: reused while the inputs are unchanged, rebuilt when they change."""

from pathlib import Path

from alliance_graph.build import pipeline as build
from alliance_graph.store import graph as store


def test_cache_is_written_once_and_reused(mini):
    first = build.cached_build(mini)
    mtime = first.stat().st_mtime_ns
    assert build.cached_build(mini) == first
    assert first.stat().st_mtime_ns == mtime


def test_changed_input_changes_the_cache_key(mini):
    before = build.input_hash(mini)
    facts = mini.data_dir / "facts.ttl"
    facts.write_text(facts.read_text().replace('"Iron Dome"', '"Iron Dome system"'))
    assert build.input_hash(mini) != before
    kg = store.load(mini)
    labels = {r["l"].value for r in kg.query("SELECT ?l { id:IronDome rdfs:label ?l }")}
    assert labels == {"Iron Dome system"}


def test_no_temporary_files_are_left_behind(mini):
    build.cached_build(mini)
    assert [p.name for p in mini.cache_dir.iterdir() if p.name.startswith(".")] == []


def test_alignments_and_shapes_are_not_reasoned_over(mini):
    (mini.ontology_dir / "alignments.ttl").write_text(
        "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ag:State rdfs:subClassOf <http://dbpedia.org/ontology/Country> .\n")
    kg = store.load(mini)
    assert not kg.query("ASK { id:UnitedStates a <http://dbpedia.org/ontology/Country> }", inferred=True)
    assert kg.query("ASK { id:IronDome a ag:System }", inferred=True)


def test_the_check_queries_are_part_of_the_cache_key():
    names = {p.name for p in build.pipeline_files()}
    assert {"pipeline.py", "truthy.py", "reasoning.py", "rules.py", "rule_table.py",
            "checks.py", "claim-incomplete-violation.rq", "term-unused-violation.rq"} <= names
    # Every module of build/, so that a new one is part of the key without being listed.
    assert {p.name for p in Path(build.__file__).parent.glob("*.py")} <= names


def test_a_new_build_removes_the_builds_older_than_the_grace(mini):
    from alliance_graph.store import memory
    mini = mini.with_(stale_cache_seconds=0)
    first, first_main = build.cached_build(mini), memory.main_file(mini)
    facts = mini.data_dir / "facts.ttl"
    facts.write_text(facts.read_text().replace('"Iron Dome"', '"Iron Dome system"'))
    second, second_main = build.cached_build(mini), memory.main_file(mini)
    assert second != first and second_main != first_main
    assert sorted(p.name for p in mini.cache_dir.glob("*.nq")) == sorted(
        [second.name, second_main.name])


def test_a_new_build_spares_a_build_written_within_the_grace(mini):
    first = build.cached_build(mini)
    facts = mini.data_dir / "facts.ttl"
    facts.write_text(facts.read_text().replace('"Iron Dome"', '"Iron Dome system"'))
    assert build.cached_build(mini) != first and first.exists()
