"""The build cache: reused while the inputs are unchanged, rebuilt when they change."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_graph.build import loading
from alliance_graph.build import pipeline as build
from alliance_graph.store import graph as store
from helpers import half_written


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


def test_a_build_reasoning_over_other_files_is_another_build(mini):
    # Regression: Settings(unreasoned_files=...) was served the default build cached before
    # it, and stamped with its version, though its closure holds other triples.
    (mini.ontology_dir / "alignments.ttl").write_text(
        "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ag:State rdfs:subClassOf <http://dbpedia.org/ontology/Country> .\n")
    assert not store.load(mini).query(
        "ASK { id:UnitedStates a <http://dbpedia.org/ontology/Country> }", inferred=True)
    aligned = mini.with_(unreasoned_files=("shapes.ttl",))
    assert build.input_hash(aligned) != build.input_hash(mini)
    assert store.load(aligned).query(
        "ASK { id:UnitedStates a <http://dbpedia.org/ontology/Country> }", inferred=True)
    assert build.input_hash(mini.with_(unreasoned_files=("shapes.ttl", "alignments.ttl"))) \
        == build.input_hash(mini), "the same files in another order are the same build"


def test_the_check_queries_are_part_of_the_cache_key():
    names = {p.name for p in build.pipeline_files()}
    assert {"pipeline.py", "truthy.py", "reasoning.py", "rules.py", "rule_table.py",
            "checks.py", "claim-incomplete-violation.rq", "term-unused-violation.rq",
            "layout.py"} <= names
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


def _edit(settings, text: str) -> None:
    (settings.data_dir / "late.ttl").write_text(text)


def test_inputs_changed_while_read_are_read_again_and_named_for_what_was_read(mini):
    # An add (or an editor) saving a file during a build left the new state's graph under the
    # old state's hash: served again whenever that state came back, with the wrong version.
    seen = []

    def make(digest):
        seen.append(digest)
        if len(seen) == 1:
            _edit(mini, "<urn:a> <urn:p> <urn:b> .\n")  # written while the build reads
        return build.input_hash(mini)

    digest, made = build.while_unchanged(mini, make)
    assert len(seen) == 2 and seen[0] != seen[1]
    assert digest == seen[1] == made == build.input_hash(mini)


def test_a_build_failing_on_half_changed_inputs_is_tried_again(mini):
    def make(digest):
        if not (mini.data_dir / "late.ttl").exists():
            _edit(mini, "<urn:a> <urn:p> <urn:b> .\n")
            raise loading.LoadError([loading.Problem("late.ttl", 1, "half")])
        return "built"

    assert build.while_unchanged(mini, make)[1] == "built"


def test_inputs_that_never_stop_changing_are_one_clear_error(mini):
    count = iter(range(100))
    discarded = []

    def make(digest):
        _edit(mini, f"<urn:a> <urn:p> {next(count)} .\n")
        return digest

    with pytest.raises(loading.LoadError, match="the input files changed during each "
                                                        f"of {build.ATTEMPTS} builds"):
        build.while_unchanged(mini, make, discard=discarded.append)
    assert len(discarded) == build.ATTEMPTS


def test_a_failure_on_unchanged_inputs_is_raised_at_once(mini):
    calls = []

    def make(digest):
        calls.append(digest)
        raise loading.LoadError([loading.Problem("x.ttl", 3, "broken")])

    with pytest.raises(loading.LoadError, match="x.ttl:3: broken"):
        build.while_unchanged(mini, make)
    assert len(calls) == 1


def test_a_build_of_other_inputs_killed_as_it_wrote_leaves_no_file_once_undone(mini):
    # A load of edited inputs killed (SIGKILL) as it wrote its cache, the edit then undone:
    # every later command found its own build whole, wrote none, and the killed one's
    # .build-<hash>.nq.<random>.tmp (and .main-...) stayed until a build of other inputs, 10
    # minutes later at the soonest.  One another command is writing is spared.
    command = [sys.executable, "-m", "alliance_graph", *(str(o) for o in (
        "--ontology", mini.ontology_dir, "--data", mini.data_dir, "--cache", mini.cache_dir)),
        "stats"]
    assert subprocess.run(command, capture_output=True, timeout=300).returncode == 0
    for name in ("build", "main"):
        killed = half_written(mini.cache_dir / f"{name}-{'0' * 32}.nq")
        killed.kill()
        killed.wait()
    standing = half_written(mini.cache_dir / f"build-{'1' * 32}.nq")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert [p.name[:39] for p in sorted(mini.cache_dir.glob(".*.tmp"))] == [
            f".build-{'1' * 32}"]
    finally:
        standing.kill()
        standing.wait()


def test_findings_name_a_data_folder_elsewhere_as_its_reader_opens_it(tmp_path):
    # `--data /tmp/else check` said "data/aid.ttl:893: ...", a path that did not exist for its
    # reader (or was the project's own file): a file under the current directory is named
    # relative to it, one elsewhere by its absolute path; the build's errors (query) alike.
    from helpers import FIXTURE_BASE, ROOT
    data, away = tmp_path / "else", tmp_path / "away"
    shutil.copytree(FIXTURE_BASE, data)
    away.mkdir()
    first = sorted(data.glob("*.ttl"))[0]
    with first.open("a") as f:
        f.write('\n<https://alliance-graph.example/id/Foo> '
                '<https://alliance-graph.example/ontology/bar> "x" .\n')
    line = first.read_text().count("\n")

    def run(cwd, *args):
        return subprocess.run([sys.executable, "-m", "alliance_graph", "--ontology",
                               str(ROOT / "ontology"), "--data", str(data), "--cache",
                               str(tmp_path / "cache"), *args], cwd=cwd, capture_output=True,
                              text=True, timeout=300)

    here = run(tmp_path, "check")
    assert f"\nelse/{first.name}:{line}: " in "\n" + here.stdout, here.stdout
    elsewhere = run(away, "check")
    assert f"\n{first}:{line}: " in "\n" + elsewhere.stdout, elsewhere.stdout
    assert "data/" not in here.stdout + elsewhere.stdout
    with first.open("a") as f:
        f.write('<https://alliance-graph.example/id/Foo> <https://alliance-graph.example/'
                'ontology/bar> "z"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    broken = run(away, "query", "ASK {}")
    assert broken.returncode == 2 and f"{first}:{line + 1}: ill-typed" in broken.stderr, \
        broken.stderr
