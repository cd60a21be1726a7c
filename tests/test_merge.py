"""add: only a conforming proposal changes data/, atomically, once; its facts are then queried.

Every test works on a copy of the ontology and of a data folder in a temporary directory, via
--data/--ontology/--cache; the real data/ is never written.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import alliance_graph as ag
from alliance_graph.build import loading
from alliance_graph.build import pipeline as build
from alliance_graph.cli import main
from alliance_graph.proposals import blocks, merge, transaction
from alliance_graph.settings import Settings
from alliance_graph.store import graph as store
from helpers import with_shipped_build

ROOT = Path(__file__).parents[1]
MERGE = ROOT / "tests" / "fixtures" / "merge"
BASE = ROOT / "tests" / "fixtures" / "shapes" / "base"
# Every proposal the tests have: merge fixtures, shape fixtures, conflicts with the base graph.
PROPOSALS = sorted(MERGE.glob("*.ttl")) + sorted((BASE.parent).glob("*.ttl")) + sorted(
    (ROOT / "tests" / "fixtures" / "conflicts").glob("*.ttl"))


def folder_hash(folder: Path) -> str:
    """Return a digest of every file's name and bytes under ``folder`` (the lock file aside:
    it holds no data, only the id of the last process that took it)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != transaction.LOCK:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def cache(tmp_path_factory, settings):
    """One cache for the module, so the shapes' meta-SHACL check runs once, not per test; it
    holds the shipped graph's build from the start (helpers.with_shipped_build)."""
    return with_shipped_build(tmp_path_factory.mktemp("cache"), settings)


def copy_project(tmp_path: Path, data: Path, cache: Path) -> Path:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(data, tmp_path / "data")
    (tmp_path / "cache").symlink_to(cache, target_is_directory=True)
    return tmp_path


def add(project: Path, *args, options=()):
    return CliRunner().invoke(main, [
        "--data", str(project / "data"), "--ontology", str(project / "ontology"),
        "--cache", str(project / "cache"), *options, "add", *map(str, args)])


@pytest.fixture
def project(tmp_path, cache):
    """A copy of the ontology with the fixtures' small base graph as its data."""
    return copy_project(tmp_path, BASE, cache)


def test_bad_proposal_changes_nothing_in_a_copy_of_the_shipped_data(tmp_path, cache):
    project = copy_project(tmp_path, ROOT / "data", cache)
    before = folder_hash(project / "data")
    result = add(project, MERGE / "bad.ttl")
    assert result.exit_code == 1, result.output
    assert "nothing was added" in result.output
    assert "A claim needs exactly one ag:rank" in result.output
    assert folder_hash(project / "data") == before


def test_unreadable_proposal_changes_nothing(project, tmp_path):
    before = folder_hash(project / "data")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ag: <https://alliance-graph.example/ontology/> .\nag:x ag:y", "utf-8")
    result = add(project, MERGE / "good.ttl", broken)
    assert result.exit_code == 2 and "broken.ttl:2" in result.output
    assert folder_hash(project / "data") == before


def test_good_proposal_is_merged_and_queryable(project):
    result = add(project, MERGE / "good.ttl")
    assert result.exit_code == 0, result.output
    assert "base.ttl: 1 subject block(s) added or amended" in result.output
    text = (project / "data" / "base.ttl").read_text("utf-8")
    assert text.startswith((BASE / "base.ttl").read_text("utf-8").rstrip("\n") + "\n\n")
    assert text.endswith('claim:FxState-acronym a ag:Claim ;\n    rdf:subject id:FxState ;\n'
                         '    rdf:predicate ag:acronym ;\n    rdf:object "FXS" ;\n'
                         '    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:fx-base .\n')
    settings = Settings(root=project, ontology_dir=project / "ontology",
                        data_dir=project / "data", cache_dir=project / "cache")
    kg = store.load(settings.with_(store="memory"))
    assert kg.query('ASK { id:FxState ag:acronym "FXS" }')


def test_re_adding_is_a_no_op(project):
    assert add(project, MERGE / "good.ttl").exit_code == 0
    after_first = folder_hash(project / "data")
    result = add(project, MERGE / "good.ttl")
    assert result.exit_code == 0, result.output
    assert "nothing new" in result.output
    assert folder_hash(project / "data") == after_first


def test_new_entity_needs_a_topic_file(project):
    before = folder_hash(project / "data")
    result = add(project, MERGE / "new-entity.ttl")
    assert result.exit_code == 2 and "name one with --into FILE" in result.output
    # Named as the data writes it: "describes https://alliance-graph.example/id/claim/...".
    assert "describes claim:FxLonely-label or what it links to" in result.output, result.output
    assert folder_hash(project / "data") == before
    result = add(project, "--into", "events.ttl", MERGE / "new-entity.ttl")
    assert result.exit_code == 0, result.output
    events = (project / "data" / "events.ttl").read_text("utf-8")
    assert events.startswith("@prefix ag:") and "claim:FxLonely-label a ag:Claim" in events


def settings_of(project: Path) -> Settings:
    return Settings(root=project, ontology_dir=project / "ontology", data_dir=project / "data",
                    cache_dir=project / "cache")


@pytest.mark.parametrize("proposal, into, says", [
    ("new-entity.ttl", None, "or what it links to; name one with into=FILE"),
    ("good.ttl", "notes.txt", "into='notes.txt': facts go to a Turtle file of the data folder"),
    ("good.ttl", "bases.ttl", "into='bases.ttl': no data file is so named: did you mean base.ttl?"),
])
def test_add_names_into_as_a_facade_caller_gives_it(project, proposal, into, says):
    # ag.add(into=...) was told "name one with --into FILE", an option it has no way to give.
    before = folder_hash(project / "data")
    with pytest.raises(merge.MergeError) as refused:
        ag.add(MERGE / proposal, settings_of(project), into=into)
    assert says in str(refused.value) and "--" not in str(refused.value), str(refused.value)
    assert folder_hash(project / "data") == before


def test_a_top_level_blank_node_is_refused_not_dropped(project, tmp_path):
    proposal = tmp_path / "blank.ttl"
    proposal.write_text((MERGE / "good.ttl").read_text("utf-8").replace(
        "claim:FxState-acronym a ag:Claim", "[] a ag:Claim"), "utf-8")
    with pytest.raises(merge.MergeError, match="must hang under exactly one subject"):
        merge.plan(project / "data", [proposal])


def test_what_add_cannot_write_does_not_conform_for_validate_either(project, tmp_path):
    # validate said "conforms" (exit 0), then add refused the same file (exit 2).
    proposal = tmp_path / "blank.ttl"
    proposal.write_text((MERGE / "good.ttl").read_text("utf-8").replace(
        "claim:FxState-acronym a ag:Claim", "[] a ag:Claim"), "utf-8")
    before = folder_hash(project / "data")
    for command in ("validate", "add"):
        result = CliRunner().invoke(main, [
            "--data", str(project / "data"), "--ontology", str(project / "ontology"),
            "--cache", str(project / "cache"), command, str(proposal)])
        assert result.exit_code == 1, (command, result.output)
        assert "must hang under exactly one subject" in result.output, command
    assert folder_hash(project / "data") == before


def test_a_deeply_nested_block_is_written_and_reads_back(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "base.ttl").write_text("<urn:x> <urn:p> 1 .\n", "utf-8")
    proposal = tmp_path / "deep.ttl"
    depth = 3000  # far past Python's recursion limit: the writer must not recurse
    proposal.write_text("<urn:x> <urn:q> " + "[ <urn:q> " * depth + '"end"' + " ]" * depth
                        + " .\n", "utf-8")
    new_texts, counts = merge.plan(data, [proposal], into=data / "base.ttl")
    assert counts == {data / "base.ttl": 1}
    quads = loading.parse_turtle(new_texts[data / "base.ttl"], "data/base.ttl")
    assert len(quads) == depth + 2


def test_planning_many_new_blocks_leaves_the_garbage_collector_mostly_idle(tmp_path):
    # add of 10,000 facts took 24 s of CPU where it had taken 20 (bench/add_10k.py): the plan
    # indexed each proposal twice more (a copy of it as "every proposal of the add", and by
    # object, never asked), and wrote each block with a writer of its own, every IRI and
    # value written anew: tuples of Oxigraph terms, each one an object the collector tracks,
    # and it walked everything the add held, again and again.  Counted by the collections
    # (457 for these 2,000 blocks before, 250 now), not by the clock.
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in (
        ("ag", "https://alliance-graph.example/ontology/"), ("id", "https://alliance-graph.example/id/"),
        ("claim", "https://alliance-graph.example/id/claim/"), ("prov", "http://www.w3.org/ns/prov#"),
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#")))
    data = tmp_path / "data"
    data.mkdir()
    (data / "aid.ttl").write_text(prefixes, "utf-8")
    proposal = tmp_path / "many.ttl"
    proposal.write_text(prefixes + "".join(
        f"claim:C{i} a ag:Claim ;\n    rdf:subject id:N{i} ;\n    rdf:predicate rdfs:label ;\n"
        f'    rdf:object "N {i}" ;\n    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom id:E .\n\n'
        for i in range(2000)), "utf-8")
    runs = []
    gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info))
    try:
        gc.collect()
        runs.clear()
        new_texts, counts = merge.plan(data, [proposal], into=Path("aid.ttl"))
    finally:
        gc.callbacks.pop()
    assert counts == {data / "aid.ttl": 2000}
    assert len(runs) < 350, f"{len(runs)} collections while planning 2,000 blocks"
    assert new_texts[data / "aid.ttl"].count("a ag:Claim ;") == 2000


def outcome(data: Path, proposal: Path, **options):
    """Return what ``merge.plan`` makes of a proposal: its plan, or the error it raises."""
    try:
        return merge.plan(data, [proposal], **options)
    except merge.MergeError as exc:
        return "MergeError", str(exc)


@pytest.fixture(scope="module")
def base_build():
    """The base graph's build, in a store, as the prebuilt graph ``add`` merges against."""
    settings = Settings(data_dir=BASE, ontology_dir=ROOT / "ontology")
    built = ox.Store()
    built.extend(build.build_quads(settings))
    return built


@pytest.mark.parametrize("into", [None, "base.ttl"])
@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_plan_is_the_same_against_the_prebuilt_graph(proposal, into, base_build):
    target = BASE / into if into else None
    assert outcome(BASE, proposal, into=target, prebuilt=base_build) == \
        outcome(BASE, proposal, into=target)


def test_add_with_a_directory_store(project):
    store_dir = ["--store", str(project / "store")]
    before = folder_hash(project / "data")
    result = add(project, MERGE / "bad.ttl", options=store_dir)
    assert result.exit_code == 1 and "nothing was added" in result.output, result.output
    assert folder_hash(project / "data") == before
    result = add(project, MERGE / "good.ttl", options=store_dir)
    assert result.exit_code == 0 and "base.ttl: 1 subject block(s) added or amended" in result.output, \
        result.output
    after = folder_hash(project / "data")
    result = add(project, MERGE / "good.ttl", options=store_dir)  # the store is rebuilt first
    assert result.exit_code == 0 and "nothing new" in result.output, result.output
    assert folder_hash(project / "data") == after


@pytest.mark.parametrize("into", ["notes.txt", ".hidden.ttl", "base.ttl.bak"])
def test_into_must_name_a_turtle_file_the_build_reads(project, into):
    before = folder_hash(project / "data")
    result = add(project, "--into", into, MERGE / "good.ttl")
    assert result.exit_code == 2 and "named <topic>.ttl" in result.output, result.output
    assert folder_hash(project / "data") == before


def test_into_takes_the_new_blocks_and_an_amended_claim_keeps_its_own(project, tmp_path):
    # With --into, a note on a claim of data/ went to the named file as a block of its own
    # (claim:FxState-label ag:note "..." .), the claim's facts then split across two files,
    # though README has --into take "every new block" and amendments join the claim's block.
    proposal = tmp_path / "both.ttl"
    proposal.write_text((MERGE / "good.ttl").read_text("utf-8")
                        + '\nclaim:FxState-label ag:note "A note on a claim of data/." .\n',
                        "utf-8")
    result = add(project, "--into", "notes.ttl", proposal)
    assert result.exit_code == 0, result.output
    base = (project / "data" / "base.ttl").read_text("utf-8")
    notes = (project / "data" / "notes.ttl").read_text("utf-8")
    assert "claim:FxState-acronym a ag:Claim" in notes and "FxState-label" not in notes
    label = base[base.index("claim:FxState-label a ag:Claim"):].split("\n\n", 1)[0]
    assert 'ag:note "A note on a claim of data/." ;' in label, label


def test_into_a_name_that_is_not_utf8_is_refused_before_anything_is_written(project):
    # Written, data/t\xff.ttl stopped every later command ("the file's name is not UTF-8
    # text ... rename it"): the build names a file's graph by its name.
    before = folder_hash(project / "data")
    result = add(project, "--into", os.fsdecode(b"t\xff.ttl"), MERGE / "good.ttl")
    assert result.exit_code == 2 and "the file's name is not UTF-8 text" in result.output, \
        result.output
    assert folder_hash(project / "data") == before


@pytest.mark.parametrize("into, says", [
    (" base.ttl", "--into ' base.ttl': the name begins with blank space, and no data file is so "
                  "named; give the name alone, such as base.ttl"),
    ("bases.ttl", "--into bases.ttl: no data file is so named: did you mean base.ttl? (to start "
                  "a new topic file bases.ttl, create it empty first: "),
    ("Base.ttl", "--into Base.ttl: no data file is so named: did you mean base.ttl?"),
    # The topic's name without its extension was told only that files are named <topic>.ttl.
    ("base", "--into base: facts go to a Turtle file of the data folder, named <topic>.ttl "
             "(other files are not read by the build); did you mean base.ttl?"),
    # With another extension, or the right one in capitals, the file meant went unnamed.
    ("base.txt", "--into base.txt: facts go to a Turtle file of the data folder, named "
                 "<topic>.ttl (other files are not read by the build); did you mean base.ttl?"),
    ("base.TTL", "(other files are not read by the build); did you mean base.ttl?"),
])
def test_into_a_slip_for_a_data_file_s_name_is_refused_before_anything_is_written(project, into,
                                                                                   says):
    # `--into " base.ttl"` and `--into bases.ttl` each wrote a new data file of that name, the
    # facts apart from their entity's block in base.ttl, and said it was done (exit 0).
    before = folder_hash(project / "data")
    result = add(project, "--into", into, MERGE / "good.ttl")
    assert result.exit_code == 2 and says in result.output, result.output
    assert folder_hash(project / "data") == before


def test_a_new_topic_file_named_like_a_data_file_is_taken_once_it_exists(project):
    (project / "data" / "bases.ttl").write_text("", "utf-8")
    result = add(project, "--into", "bases.ttl", MERGE / "good.ttl")
    assert result.exit_code == 0, result.output
    assert "bases.ttl: 1 subject block(s) added or amended" in result.output


def test_only_the_prefixes_a_block_uses_are_added(project, tmp_path):
    proposal = tmp_path / "prefixes.ttl"
    unused = "".join(f"@prefix p{i}: <https://example.org/ns{i}/> .\n" for i in range(20_000))
    proposal.write_text(unused + "@prefix extra: <https://alliance-graph.example/id/claim/x/> .\n"
                        + (MERGE / "good.ttl").read_text("utf-8").replace(
                            "claim:FxState-acronym", "extra:FxState-acronym"), "utf-8")
    start = time.perf_counter()
    result = add(project, proposal)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - start < 60, "prefixes are looked up, not scanned per term"
    text = (project / "data" / "base.ttl").read_text("utf-8")
    assert "@prefix extra: <https://alliance-graph.example/id/claim/x/> .\n" in text
    assert "@prefix p0:" not in text and "extra:FxState-acronym a ag:Claim" in text


def test_two_proposals_stating_the_same_evidence_add_it_once(project, tmp_path):
    base = (BASE / "base.ttl").read_text("utf-8")
    head = base.split("\n\n", 1)[0]
    # A passage of its own: a new node for ev:fx-base's passage is an evidence-duplicate.
    evidence = ("ev:fx-again a ag:Evidence ;\n    oa:hasSource src:000_06b6882714cf1880.txt ;\n"
                '    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "David" ] ,\n'
                "        [ a oa:TextPositionSelector ; oa:start 1835 ; oa:end 1840 ] .")
    text = head + "\n\n" + evidence + "\n\n" + (MERGE / "good.ttl").read_text("utf-8").split(
        "\n\n", 2)[2].replace("ev:fx-base", "ev:fx-again")
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    first.write_text(text, "utf-8")
    second.write_text(text, "utf-8")
    result = add(project, first, second)
    assert result.exit_code == 0, result.output
    written = (project / "data" / "base.ttl").read_text("utf-8")
    assert written.count("ev:fx-again a ag:Evidence") == 1
    assert written.count("oa:TextQuoteSelector") == base.count("oa:TextQuoteSelector") + 1, \
        "the base's quotes and the new one"
    settings = Settings(root=project, ontology_dir=project / "ontology",
                        data_dir=project / "data", cache_dir=project / "cache")
    assert store.load(settings.with_(store="memory")).query("ASK { id:FxState ag:acronym 'FXS' }")


def test_a_type_claim_is_written_with_the_files_prefix():
    # It was written <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>, beside the file's
    # own rdf:type everywhere else.
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    claim = ox.NamedNode("https://alliance-graph.example/id/claim/FxNew-type")
    triples = blocks.Triples([ox.Triple(claim, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"), rdf_type)])
    writer = blocks.Writer(triples, {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                                    "claim": "https://alliance-graph.example/id/claim/"})
    assert writer.pairs(claim) == [("rdf:predicate", "rdf:type")]


AMENDMENT = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix src: <https://alliance-graph.example/id/source/> .
@prefix grade: <https://alliance-graph.example/id/grade/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

claim:BlueFlag-purpose ag:note "The purpose is in the source's own words." .

ev:000-blue-flag-air a ag:Evidence ;
    ag:credibility grade:3 ;
    oa:hasSelector [ oa:suffix " with U.S." ; oa:prefix "Blue Flag: " ; a oa:TextQuoteSelector ;
        oa:exact "Air combat training" ] , [ oa:end 2195 ; oa:start 2176 ;
        a oa:TextPositionSelector ] ;
    oa:hasSource src:000_06b6882714cf1880.txt .

claim:BlueFlag-purpose prov:wasDerivedFrom ev:000-blue-flag-air .
"""


def test_an_amendment_lands_in_the_claims_block_and_evidence_as_the_files_write_it(
        tmp_path, cache):
    # The note and citation were a block of their own at the end of the file, far from the
    # claim; the selectors were written in the writer's order (position first, end before
    # start, all on one line).
    project = copy_project(tmp_path / "project", ROOT / "data", cache)
    proposal = tmp_path / "amendment.ttl"
    proposal.write_text(AMENDMENT, "utf-8")
    before = (project / "data" / "exercises.ttl").read_text("utf-8")
    result = add(project, proposal)
    assert result.exit_code == 0, result.output
    after = (project / "data" / "exercises.ttl").read_text("utf-8")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    # The evidence block at the end of the evidence section (it was after the last claim).
    assert diff == [
        "+ev:000-blue-flag-air a ag:Evidence ;",
        "+    oa:hasSource src:000_06b6882714cf1880.txt ;",
        "+    oa:hasSelector [ a oa:TextQuoteSelector ;",
        '+            oa:exact "Air combat training" ;',
        '+            oa:prefix "Blue Flag: " ;',
        '+            oa:suffix " with U.S." ] ,',
        "+        [ a oa:TextPositionSelector ; oa:start 2176 ; oa:end 2195 ] ;",
        "+    ag:credibility grade:3 .",
        "+",
        "-    prov:wasDerivedFrom ev:000-blue-flag .",
        '+    ag:note "The purpose is in the source\'s own words." ;',
        "+    prov:wasDerivedFrom ev:000-blue-flag, ev:000-blue-flag-air ."]
    assert after.index("ev:000-blue-flag-air a ag:Evidence") < after.index("# --- claims")
    assert after.index("ag:note \"The purpose") < after.index("# id:UnitedStatesIsraelAlliance")
    # The file states what it stated and what the proposal adds, nothing else.
    unnamed = lambda t: "_" if isinstance(t, ox.BlankNode) else str(t)  # noqa: E731
    facts = lambda text: Counter((unnamed(q.subject), str(q.predicate), unnamed(q.object))  # noqa: E731
                                 for q in loading.parse_turtle(text, "x"))
    assert facts(after) == facts(before) + facts(AMENDMENT)
    assert add(project, proposal).exit_code == 0  # and again: nothing new
    assert (project / "data" / "exercises.ttl").read_text("utf-8") == after


# Where a new block goes in a file laid out in sections: evidence at the end of the evidence
# section, a claim in its subject's group, a new subject under a heading of its own at the end
# of the claims section.  Every new block was appended at the end of the file.  (In the order
# add writes them: subject blocks by name.)
PLACED = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix src: <https://alliance-graph.example/id/source/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ev:000-f35-stealth a ag:Evidence ;
    oa:hasSource src:000_06b6882714cf1880.txt ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "F-35 stealth fighters" ] ,
        [ a oa:TextPositionSelector ; oa:start 2791 ; oa:end 2812 ] .

claim:F35-characterization a ag:Claim ;
    rdf:subject id:F35 ;
    rdf:predicate ag:characterization ;
    rdf:object "stealth fighter" ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-f35-stealth .

claim:IsraeliAirForceF35Fleet-label a ag:Claim ;
    rdf:subject id:IsraeliAirForceF35Fleet ;
    rdf:predicate rdfs:label ;
    rdf:object "Israeli Air Force (IAF) F-35 Fleet" ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-f35 .

claim:IsraeliAirForceF35Fleet-type a ag:Claim ;
    rdf:subject id:IsraeliAirForceF35Fleet ;
    rdf:predicate rdf:type ;
    rdf:object ag:CombatAircraft ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-f35 .
"""
PLACED_EVIDENCE, PLACED_F35, PLACED_FLEET = (
    "\n\n" + block for block in PLACED.split("\n\n")[1:3] + ["\n\n".join(
        PLACED.split("\n\n")[3:]).rstrip("\n")])


def facts_of(text: str) -> Counter:
    """Return what a Turtle text states, blank nodes unnamed (each parse names them anew)."""
    unnamed = lambda t: "_" if isinstance(t, ox.BlankNode) else str(t)  # noqa: E731
    return Counter((unnamed(q.subject), str(q.predicate), unnamed(q.object))
                   for q in loading.parse_turtle(text, "x"))


def add_placed(tmp_path: Path, cache: Path, edit=lambda text: text) -> tuple[str, str, Path]:
    """Add PLACED --into aid.ttl of a copy of the shipped data (its text changed by ``edit``
    first); return aid.ttl's text before and after, and the project."""
    project = copy_project(tmp_path / "project", ROOT / "data", cache)
    aid = project / "data" / "aid.ttl"
    aid.write_bytes(edit(aid.read_text("utf-8")).encode("utf-8"))
    before = aid.read_text("utf-8")
    proposal = tmp_path / "placed.ttl"
    proposal.write_text(PLACED, "utf-8")
    result = add(project, "--into", "aid.ttl", proposal)
    assert result.exit_code == 0, result.output
    assert "aid.ttl: 4 subject block(s) added or amended" in result.output
    return before, aid.read_text("utf-8"), project


def assert_placed(before: str, after: str):
    """Assert that ``after`` is ``before`` with PLACED's blocks where a contributor writes them."""
    claims = before.index("\n\n# --- claims -----")
    f35 = before.index("\n\n# id:F35SalesToIsrael")
    assert after == (before[:claims] + PLACED_EVIDENCE + before[claims:f35] + PLACED_F35
                     + before[f35:].rstrip("\n") + "\n\n# id:IsraeliAirForceF35Fleet"
                     + PLACED_FLEET + "\n")
    assert facts_of(after) == facts_of(before) + facts_of(PLACED)


def test_new_blocks_land_in_their_section_and_their_subjects_group(tmp_path, cache):
    before, after, project = add_placed(tmp_path, cache)
    assert_placed(before, after)
    again = add(project, "--into", "aid.ttl", tmp_path / "placed.ttl")
    assert again.exit_code == 0 and "nothing new" in again.output, again.output
    assert (project / "data" / "aid.ttl").read_text("utf-8") == after
    kg = store.load(settings_of(project).with_(store="memory"))
    assert kg.query('ASK { id:F35 ag:characterization "stealth fighter" }')


def test_a_crlf_file_with_a_byte_order_mark_gets_its_blocks_placed_and_keeps_crlf(
        tmp_path, cache):
    project = copy_project(tmp_path / "project", ROOT / "data", cache)
    aid = project / "data" / "aid.ttl"
    before = aid.read_text("utf-8")
    aid.write_bytes(b"\xef\xbb\xbf" + before.replace("\n", "\r\n").encode("utf-8"))
    proposal = tmp_path / "placed.ttl"
    proposal.write_text(PLACED, "utf-8")
    result = add(project, "--into", "aid.ttl", proposal)
    assert result.exit_code == 0, result.output
    written = aid.read_bytes()
    assert b"\n" not in written.replace(b"\r\n", b"")  # every line still ends CRLF
    # The mark is read past, and written back: it was dropped, a change nobody asked for.
    assert written.startswith(b"\xef\xbb\xbf@prefix ")
    assert_placed(before, written.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
                  .replace("\r\n", "\n"))


def test_a_file_of_carriage_returns_gets_its_blocks_placed_and_keeps_them(tmp_path, cache):
    # An old Mac editor's file, one line to the placement: every new block went to its end,
    # its prefixes were declared again, and the lines added ended in line feeds among its
    # carriage returns.
    project = copy_project(tmp_path / "project", ROOT / "data", cache)
    aid = project / "data" / "aid.ttl"
    before = aid.read_text("utf-8")
    aid.write_bytes(before.replace("\n", "\r").encode("utf-8"))
    proposal = tmp_path / "placed.ttl"
    proposal.write_text(PLACED, "utf-8")
    result = add(project, "--into", "aid.ttl", proposal)
    assert result.exit_code == 0, result.output
    written = aid.read_bytes()
    assert b"\n" not in written  # every line still ends in a carriage return alone
    assert_placed(before, written.decode("utf-8").replace("\r", "\n"))


def test_a_line_feed_alone_in_a_crlf_file_s_string_is_written_back_as_it_was(tmp_path, cache):
    # A CR LF file with a long string holding a line feed alone: every line feed was written
    # back as a CR LF, so the note of a claim the add did not touch took another value.
    project = copy_project(tmp_path / "project", ROOT / "data", cache)
    aid = project / "data" / "aid.ttl"
    before = aid.read_text("utf-8").replace("\n", "\r\n").replace(
        'ag:note "000 has the 1987', 'ag:note """000 has\nthe 1987', 1).replace(
        'not linked as a dispute." ;', 'not linked as a dispute.""" ;', 1)
    aid.write_bytes(before.encode("utf-8"))
    proposal = tmp_path / "placed.ttl"
    proposal.write_text(PLACED, "utf-8")
    result = add(project, "--into", "aid.ttl", proposal)
    assert result.exit_code == 0, result.output
    after = aid.read_bytes().decode("utf-8")
    assert '"""000 has\nthe 1987' in after
    assert facts_of(after) == facts_of(before) + facts_of(PLACED)


# A note whose long string holds lines that read like the file's headings.
FAKE_HEADINGS = '"""As the file would write it:\n\n# --- claims ---\n\n# id:F35\n"""'


def test_a_heading_inside_a_string_is_not_taken_for_one(tmp_path, cache):
    # The fake "# --- claims" in the evidence section, on its last block, and a fake "# id:F35"
    # in the first claims group: a line-by-line search finds them first.
    def edit(text):
        last = text.index("\n\n# --- claims -----")
        first_group_end = text.index("\n\n# id:Israel\n")
        return (text[:last - 1] + f" ;\n    ag:note {FAKE_HEADINGS} ." + text[last:first_group_end - 1]
                + f" ;\n    ag:note {FAKE_HEADINGS} ." + text[first_group_end:])
    before, after, _ = add_placed(tmp_path, cache, edit)
    assert before.count("# --- claims") == 3 and before.count("# id:F35\n") == 3
    assert_placed(before, after)


def test_a_file_without_sections_takes_new_blocks_at_its_end(tmp_path, cache):
    def edit(text):  # a contributor's own topic file: blocks, no section or group headings
        return "\n".join(line for line in text.split("\n") if not line.startswith("# "))
    before, after, _ = add_placed(tmp_path, cache, edit)
    assert after == before.rstrip("\n") + "".join(
        (PLACED_F35, PLACED_FLEET, PLACED_EVIDENCE)) + "\n"  # by name, as before
    assert facts_of(after) == facts_of(before) + facts_of(PLACED)


SOURCE = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix src: <https://alliance-graph.example/id/source/> .
@prefix grade: <https://alliance-graph.example/id/grade/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

src:001_b9e5a7348fac2993.txt a ag:SourceDocument ;
    ag:fileName "001_b9e5a7348fac2993.txt" ;
    dcterms:title "U.S.–Israel Military Cooperation Explained" ;
    ag:sourceKind ag:BlogArticle ;
    ag:sha256 "556fb4434a242033f901d2d2a68d25ba25efcd67b6babd769b0eba4f177f033b" ;
    ag:reliability grade:D ;
    ag:reliabilityRationale "Anonymous, undated explainer." .
"""


def test_a_new_source_document_goes_beside_the_others(tmp_path):
    # The base graph's file starts with its source document, then evidence and claims.  Its
    # predicates in sources.ttl's order (the title came before the file name).
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    proposal = tmp_path / "source.ttl"
    proposal.write_text(SOURCE, "utf-8")
    before = (data / "base.ttl").read_text("utf-8")
    new_texts, counts = merge.plan(data, [proposal])
    assert counts == {data / "base.ttl": 1}
    after = new_texts[data / "base.ttl"]
    evidence = before.index("\n\nev:fx-base a ag:Evidence")
    assert after == before[:evidence] + "\n\n" + SOURCE.split("\n\n", 1)[1].rstrip("\n") \
        + before[evidence:]
    assert facts_of(after) == facts_of(before) + facts_of(SOURCE)


def test_a_placement_that_would_change_the_facts_falls_back_to_the_end(tmp_path):
    # ev: is declared again in the claims section, so a block written there with the file's
    # (last) ev: would mean another node in the evidence section: it goes at the end.
    data = tmp_path / "data"
    data.mkdir()
    text = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix ev: <urn:elsewhere/> .\n\n"
            "# --- evidence ---\n\nev:old a ag:Evidence .\n\n"
            "# --- claims ---\n\n@prefix ev: <https://alliance-graph.example/id/evidence/> .\n\n"
            "# id:X\n\nev:cited ag:note \"x\" .\n")
    (data / "topic.ttl").write_text(text, "utf-8")
    proposal = tmp_path / "evidence.ttl"
    proposal.write_text("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
                        "@prefix ev: <https://alliance-graph.example/id/evidence/> .\n\n"
                        "ev:new a ag:Evidence .\n", "utf-8")
    new_texts, _ = merge.plan(data, [proposal], into=data / "topic.ttl")
    after = new_texts[data / "topic.ttl"]
    assert after == text + "\nev:new a ag:Evidence .\n"
    assert facts_of(after) == facts_of(text) + facts_of(proposal.read_text("utf-8"))


def test_a_group_heading_naming_its_subject_in_full_takes_its_claims(tmp_path, cache):
    # "# <https://.../id/F35>" heads id:F35's group as "# id:F35" does: the claim went under a
    # second heading "# id:F35" at the end of the claims section.
    full = "# <https://alliance-graph.example/id/F35>\n"
    before, after, _ = add_placed(tmp_path, cache, lambda text: text.replace("# id:F35\n", full))
    assert before.count(full) == 1 and after.count("# id:F35\n") == 0
    assert_placed(before, after)


# A data file whose evidence note quotes lines that read like prefix declarations.
QUOTED_DECLARATION = (
    "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
    "@prefix ev: <https://alliance-graph.example/id/evidence/> .\n\n"
    "# --- evidence ---\n\nev:old a ag:Evidence ;\n"
    '    ag:note """As a file declares it:\n@prefix ev: <urn:quoted/> .\n'
    'PREFIX nw: <urn:quoted/>\n""" .\n\n# --- claims ---\n')


def test_a_prefix_line_inside_a_string_is_not_a_declaration(tmp_path):
    # The new prefix nw: went into the string, after its last line reading like a declaration
    # (the merged file did not parse: the add was refused), and the string's ev: was taken for
    # the file's (the new evidence node was written as a full IRI).
    data = tmp_path / "data"
    data.mkdir()
    (data / "topic.ttl").write_text(QUOTED_DECLARATION, "utf-8")
    proposal = tmp_path / "evidence.ttl"
    proposal.write_text("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
                        "@prefix ev: <https://alliance-graph.example/id/evidence/> .\n"
                        "@prefix nw: <urn:new/> .\n\n"
                        "ev:new a ag:Evidence ;\n    ag:note nw:thing .\n", "utf-8")
    new_texts, _ = merge.plan(data, [proposal], into=data / "topic.ttl")
    after = new_texts[data / "topic.ttl"]
    declarations = QUOTED_DECLARATION.index("\n# --- evidence")
    claims = QUOTED_DECLARATION.index("\n# --- claims")
    assert after == (QUOTED_DECLARATION[:declarations] + "@prefix nw: <urn:new/> .\n"
                     + QUOTED_DECLARATION[declarations:claims]
                     + "\nev:new a ag:Evidence ;\n    ag:note nw:thing .\n"
                     + QUOTED_DECLARATION[claims:])
    assert facts_of(after) == facts_of(QUOTED_DECLARATION) + facts_of(
        proposal.read_text("utf-8"))


@pytest.mark.parametrize("order", ["claim first", "evidence first"])
def test_a_claim_citing_new_evidence_of_another_proposal_is_added_with_it(project, tmp_path,
                                                                          order):
    # Validated together the two files conform, but add read each file alone to place its
    # blocks: the evidence node, cited by nothing in its own file, had no file to go to
    # ("no topic file ... describes ev:fx-sling ... name one with --into FILE", exit 2).
    head = (BASE / "base.ttl").read_text("utf-8").split("\n\n", 1)[0]
    citing = tmp_path / "citing.ttl"
    citing.write_text(head + "\n\nclaim:FxState-label prov:wasDerivedFrom ev:fx-sling .\n",
                      "utf-8")
    evidence = tmp_path / "evidence.ttl"
    evidence.write_text(head + "\n\nev:fx-sling a ag:Evidence ;\n"
                        "    oa:hasSource src:000_06b6882714cf1880.txt ;\n"
                        '    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "David’s Sling" ] ,\n'
                        "        [ a oa:TextPositionSelector ; oa:start 1835 ; oa:end 1848 ] .\n",
                        "utf-8")
    files = [citing, evidence] if order == "claim first" else [evidence, citing]
    result = add(project, *files)
    assert result.exit_code == 0, result.output
    written = (project / "data" / "base.ttl").read_text("utf-8")
    assert written.count("ev:fx-sling a ag:Evidence") == 1
    assert "prov:wasDerivedFrom ev:fx-base, ev:fx-sling .\n\nclaim:FxState2-type" in written
    kg = store.load(settings_of(project).with_(store="memory"))
    assert kg.query("ASK { claim:FxState-label prov:wasDerivedFrom ev:fx-sling . "
                    "ev:fx-sling a ag:Evidence }")


@pytest.mark.parametrize("folder", ["elsewhere", "data/nested"])
def test_a_facade_caller_s_into_outside_the_data_folder_is_refused(project, folder):
    # Only the command line refused it: ag.add(into="/somewhere/notes.ttl") took the name
    # alone and wrote a new data/notes.ttl, which the caller never asked for.
    before = folder_hash(project / "data")
    into = project / folder / "notes.ttl"
    with pytest.raises(merge.MergeError) as refused:
        ag.add(MERGE / "good.ttl", settings_of(project), into=into)
    assert f"into={str(into)!r} is outside the data folder" in str(refused.value)
    assert folder_hash(project / "data") == before


def test_into_outside_the_data_folder_names_the_folder_as_every_message_does(project):
    # The refusal named the data folder as given (--data "$PWD/data": its absolute path),
    # where every other message names it as it opens from here (project_files.shown_name).
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--data",
                           str(project / "data"), "--cache", str(project / "cache"), "add",
                           "--into", "/elsewhere/notes.ttl", str(MERGE / "good.ttl")],
                          cwd=project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: --into /elsewhere/notes.ttl is outside the data folder data; " \
        "give a topic file's name, such as aid.ttl\n", done.stderr


def test_into_named_by_its_path_in_the_data_folder_is_taken(project, monkeypatch):
    monkeypatch.chdir(project)
    result = ag.add(MERGE / "good.ttl", settings_of(project), into=Path("data") / "notes.ttl")
    assert result.merged.added == {str(project / "data" / "notes.ttl"): 1}


def test_facts_of_one_new_node_from_two_proposals_are_one_block(project, tmp_path):
    # The evidence node in one file, a note on it in another: each file's facts were written
    # as a block of their own, so base.ttl described ev:fx-sling in two places.
    head = (BASE / "base.ttl").read_text("utf-8").split("\n\n", 1)[0]
    evidence = tmp_path / "evidence.ttl"
    evidence.write_text(head + "\n\nclaim:FxState-label prov:wasDerivedFrom ev:fx-sling .\n\n"
                        "ev:fx-sling a ag:Evidence ;\n"
                        "    oa:hasSource src:000_06b6882714cf1880.txt ;\n"
                        '    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "David’s Sling" ] ,\n'
                        "        [ a oa:TextPositionSelector ; oa:start 1835 ; oa:end 1848 ] .\n",
                        "utf-8")
    note = tmp_path / "note.ttl"
    note.write_text(head + '\n\nev:fx-sling ag:note "Named in a list of systems." .\n', "utf-8")
    result = add(project, evidence, note)
    assert result.exit_code == 0, result.output
    assert "base.ttl: 2 subject block(s) added or amended" in result.output
    written = (project / "data" / "base.ttl").read_text("utf-8")
    assert written.count("ev:fx-sling a ag:Evidence") == 1 and written.count("\nev:fx-sling ") == 1
    assert ('oa:start 1835 ; oa:end 1848 ] ;\n    ag:note "Named in a list of systems." .\n'
            in written)
    assert facts_of(written) == facts_of((BASE / "base.ttl").read_text("utf-8")) + facts_of(
        evidence.read_text("utf-8")) + facts_of(note.read_text("utf-8"))
