"""add as a real process: killed at any point it leaves data/ building with the old facts or the
new ones; two at once both land; nothing is lost, files keep their mode, leftovers are cleaned.

Every test works on a two-file copy of the shape fixtures' base graph in a temporary folder and
runs the installed ``alliance-graph`` command, as a contributor would.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alliance_graph.build import loading
from alliance_graph.proposals import transaction
from alliance_graph.sources import citations
from helpers import with_shipped_build

ROOT = Path(__file__).parents[1]
BASE = ROOT / "tests" / "fixtures" / "shapes" / "base" / "base.ttl"
CLI = str(Path(sys.executable).parent / "alliance-graph")
PREFIXES = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""


def claim(name: str, subject: str, predicate: str, obj: str, evidence: str = "fx-base") -> str:
    return (f"claim:{name} a ag:Claim ;\n    rdf:subject id:{subject} ;\n"
            f"    rdf:predicate {predicate} ;\n    rdf:object {obj} ;\n"
            f"    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:{evidence} .\n")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module, so the shapes' meta-SHACL check runs once."""
    return tmp_path_factory.mktemp("cache")


def make_project(folder: Path, cache: Path) -> Path:
    """Make a project whose data is the base graph in two files: its event in events.ttl."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    (folder / "data").mkdir()
    head, event = BASE.read_text("utf-8").split("claim:FxEvent-type", 1)
    (folder / "data" / "base.ttl").write_text(head.rstrip("\n") + "\n", "utf-8")
    prefixes = head.split("\n\n", 1)[0]
    (folder / "data" / "events.ttl").write_text(
        f"{prefixes}\n\nclaim:FxEvent-type{event}", "utf-8")
    (folder / "cache").symlink_to(cache, target_is_directory=True)
    return folder


def command(project: Path, *args) -> list[str]:
    return [CLI, "--data", str(project / "data"), "--ontology", str(project / "ontology"),
            "--cache", str(project / "cache"), "--sources", str(ROOT.parent / "shared" / "sources"),
            *map(str, args)]


def run(project: Path, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(command(project, *args), capture_output=True, text=True, env=env,
                          timeout=300)


def data_hash(project: Path) -> str:
    """Return a digest of the data files' names and bytes."""
    digest = hashlib.sha256()
    for path in sorted((project / "data").glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def hidden(project: Path) -> list[str]:
    """Return the hidden files of the data folder other than its lock file."""
    return sorted(p.name for p in (project / "data").glob(".*") if p.name != transaction.LOCK)


@pytest.fixture(scope="module")
def two_file_proposal(tmp_path_factory):
    """A proposal with one fact for base.ttl and one for events.ttl."""
    path = tmp_path_factory.mktemp("proposal") / "two-files.ttl"
    path.write_text(PREFIXES + "\n" + claim("FxState-acronym", "FxState", "ag:acronym", '"FXS"')
                    + "\n" + claim("FxEvent-altLabel", "FxEvent", "ag:acronym", '"FXC"'), "utf-8")
    return path


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, cache, two_file_proposal):
    """The data folder's digest before the add, and after an add that was not interrupted."""
    project = make_project(tmp_path_factory.mktemp("reference"), cache)
    old = data_hash(project)
    done = run(project, "add", two_file_proposal)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "base.ttl: 1 subject block(s) added or amended" in done.stdout
    assert "events.ttl: 1 subject block(s) added or amended" in done.stdout
    return old, data_hash(project)


def assert_old_or_new(project: Path, outcomes, checked=None) -> str:
    """Check that the next command (``checked``, the ``stats`` run, else run here) settles
    the folder, that it builds, and that it holds exactly the old files or exactly the new
    ones; return which."""
    checked = checked or run(project, "stats")
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert hidden(project) == [], "the next command should clean what the kill left"
    old, new = outcomes
    state = data_hash(project)
    assert state in (old, new), "data/ holds a mix of old and new files"
    return "old" if state == old else "new"


def test_killed_at_every_step_of_the_commit(tmp_path, cache, two_file_proposal, outcomes):
    # Two temporary files, the journal, two renames: five places to die.
    seen = []
    for step in range(1, 6):
        project = make_project(tmp_path / f"step-{step}", cache)
        env = dict(os.environ, **{transaction.KILL_AT_STEP: str(step)})
        killed = run(project, "add", two_file_proposal, env=env)
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr)
        left = hidden(project)
        assert left, "a kill mid-commit leaves a temporary file or a journal behind"
        seen.append(assert_old_or_new(project, outcomes))
    # Before the journal: the old files; from the journal on: the new ones.
    assert seen == ["old", "old", "new", "new", "new"]


def test_a_proposal_edited_during_the_add_is_merged_as_validated(tmp_path, cache):
    # The proposal was read again after validating it: a fact written into the file meanwhile
    # went into data/ never validated (here an uncited one, which then broke every build).
    project = make_project(tmp_path / "project", cache)
    proposal = tmp_path / "proposal.ttl"
    validated = PREFIXES + "".join(
        "\n" + claim(f"Edited{i}-type", f"Edited{i}", "rdf:type", "ag:Conference")
        + "\n" + claim(f"Edited{i}-label", f"Edited{i}", "rdfs:label", f'"Edited {i}"')
        for i in range(300))  # a second or more of validating, after the one read
    proposal.write_text(validated, "utf-8")
    watch = ReadWatch(tmp_path)
    try:
        process = subprocess.Popen(command(project, "add", "--into", "events.ttl", proposal),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline, read = time.monotonic() + 120, []
        while "proposal.ttl" not in read:  # the add has read it (closed it, read)
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            read += watch.names(0.5)
    finally:
        watch.close()
    # Read under the lock: validating it takes a second more, the edit comes within that.
    assert (project / "data" / transaction.LOCK).read_text().strip() == str(process.pid)
    edited = tmp_path / "edited.ttl"
    edited.write_text(validated + '\nid:Edited0 ag:acronym "UNCITED" .\n', "utf-8")
    edited.replace(proposal)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, out + err
    text = (project / "data" / "events.ttl").read_text("utf-8")
    assert "Edited299-label" in text and "UNCITED" not in text
    assert run(project, "stats").returncode == 0


def test_killed_at_random_moments(tmp_path, cache, two_file_proposal, outcomes):
    rng = random.Random(12)
    checks = []
    for attempt in range(8):
        project = make_project(tmp_path / f"try-{attempt}", cache)
        process = subprocess.Popen(command(project, "add", two_file_proposal),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.0))
        process.kill()
        process.wait(60)
        # The next command, on the other processor while the next add runs and is killed.
        checks.append((project, subprocess.Popen(command(project, "stats"), text=True,
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    for project, check in checks:
        out, err = check.communicate(timeout=300)
        assert_old_or_new(project, outcomes,
                          subprocess.CompletedProcess(check.args, check.returncode, out, err))


# `alliance-graph add` commands forked from one process that has imported the command's
# modules (run() is the installed command's entry), each group of them let go at the same
# instant: the two adds of a try reach their data folder's lock within milliseconds of each
# other, where two commands started one after the other reached it up to a second apart, on
# the jitter of their imports (which also took most of each command's time).  Prints each
# group's exit codes as a JSON list.
LAUNCHER = r"""
import json, os, sys, traceback
from alliance_graph.__main__ import run
from alliance_graph.cli import main  # noqa: F401 - the command line's modules, and add's
from alliance_graph.proposals import add, merge, report, transaction, validation  # noqa: F401

for group in json.loads(sys.argv[1]):
    ready, told = os.pipe()
    go, gate = os.pipe()
    children = []
    for argv, out, err in group:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(gate)
                for fd, path in ((1, out), (2, err)):
                    os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
                os.write(told, b"+")
                os.read(go, 1)  # end of file once the gate is closed: all go at once
                sys.argv = argv
                run()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    os.close(told)
    arrived = b""
    while len(arrived) < len(children):
        more = os.read(ready, len(children))
        if not more:
            break  # a child died before the gate: its exit code tells
        arrived += more
    os.close(gate)
    print(json.dumps([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]),
          flush=True)
    os.close(ready)
    os.close(go)
"""


def test_two_adds_at_once_lose_nothing(tmp_path, cache):
    facts = 10  # entities per proposal, each with a cited type and label
    proposals = {}
    for side in "AB":
        text = PREFIXES + "".join(
            "\n" + claim(f"Concurrent{side}{i}-type", f"Concurrent{side}{i}", "rdf:type",
                         "ag:Conference")
            + "\n" + claim(f"Concurrent{side}{i}-label", f"Concurrent{side}{i}", "rdfs:label",
                           f'"Concurrent {side} {i}"') for i in range(facts))
        proposals[side] = tmp_path / f"proposal-{side}.ttl"
        proposals[side].write_text(text, "utf-8")
    # 30 tries, two at a time (each try's two adds compete for its own data folder), the four
    # adds let go at the same instant, which of a try's two takes the lock first left to
    # chance.  With add's lock disabled, facts were lost in 7 to 15 of these 30 tries (four
    # runs), where the 30 tries of commands started one after the other (up to 0.25 s apart)
    # that this test ran before lost them in 6 and 7 (two runs); an add 30 ms late lost none:
    # an add reads the data files and commits its own within milliseconds.
    tries, groups = [], []
    for attempt in range(30):
        project = make_project(tmp_path / f"try-{attempt}", cache)
        started = [[command(project, "add", "--into", "events.ttl", proposals[side]),
                    str(project / f"{side}.out"), str(project / f"{side}.err")]
                   for side in "AB"]
        if attempt % 2:
            groups[-1] += started
        else:
            groups.append(started)
        tries.append(project)
    done = subprocess.run([sys.executable, "-c", LAUNCHER, json.dumps(groups)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    codes = [code for line in done.stdout.splitlines() for code in json.loads(line)]
    assert len(codes) == 2 * len(tries), done.stdout + done.stderr
    for attempt, project in enumerate(tries):
        for side, code in zip("AB", codes[2 * attempt:2 * attempt + 2]):
            out = (project / f"{side}.out").read_text("utf-8")
            err = (project / f"{side}.err").read_text("utf-8")
            assert code == 0, (attempt, side, out, err)
            assert "events.ttl: 20 subject block(s) added or amended" in out, (attempt, out, err)
        text = (project / "data" / "events.ttl").read_text("utf-8")
        claims = {q.subject.value.rsplit("/", 1)[-1]
                  for q in loading.parse_turtle(text, "data/events.ttl")}
        for side in "AB":
            missing = [i for i in range(facts) if f"Concurrent{side}{i}-label" not in claims]
            assert not missing, f"try {attempt}: the facts of {side} were lost: {missing}"
        assert hidden(project) == []


def test_add_keeps_file_modes_and_cleans_leftovers(tmp_path, cache, two_file_proposal):
    project = make_project(tmp_path, cache)
    os.chmod(project / "data" / "base.ttl", 0o644)
    os.chmod(project / "data" / "events.ttl", 0o640)
    leftover = project / "data" / ".base.ttl.add-0a1b2c3d4e5f.tmp"
    leftover.write_text("what a killed write left", "utf-8")
    done = run(project, "add", two_file_proposal)
    assert done.returncode == 0, done.stderr
    assert "removed 1 temporary file(s)" in done.stderr
    assert not leftover.exists()
    assert (project / "data" / "base.ttl").stat().st_mode & 0o777 == 0o644
    assert (project / "data" / "events.ttl").stat().st_mode & 0o777 == 0o640


def test_a_journal_temporary_file_a_kill_left_is_cleaned_by_the_next_commands(tmp_path, cache,
                                                                             two_file_proposal):
    # Left by `kill -9` of add while it wrote its journal, it stayed through every command
    # (two leading dots: the cleanup looked for one).
    project = make_project(tmp_path, cache)
    leftover = project / "data" / "..alliance-graph.journal.24a1590b8183.tmp"
    leftover.write_text('{"files": [', "utf-8")
    read = run(project, "stats")
    assert read.returncode == 0, read.stderr + read.stdout
    assert "removed 1 temporary file(s)" in read.stderr
    assert not leftover.exists() and hidden(project) == []
    leftover.write_text('{"files": [', "utf-8")
    done = run(project, "add", two_file_proposal)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "removed 1 temporary file(s)" in done.stderr
    assert not leftover.exists() and hidden(project) == []


def test_add_into_a_missing_data_folder_exits_2(tmp_path, two_file_proposal):
    done = subprocess.run([CLI, "--data", str(tmp_path / "nowhere"), "add", str(two_file_proposal)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"the data folder {tmp_path / 'nowhere'} does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_add_to_the_graph_an_installed_package_carries_is_refused(tmp_path, cache, monkeypatch,
                                                                  two_file_proposal):
    # `pip install .`, then `alliance-graph add proposal.ttl` from any folder but a project's
    # wrote the facts into site-packages/alliance_graph/shipped/data (exit 0): shared by every
    # user of the package, lost at its next install.  (A folder stands in for site-packages.)
    from click.testing import CliRunner

    import alliance_graph as ag
    from alliance_graph.cli import main
    from alliance_graph.proposals import add as add_mod
    installed = make_project(tmp_path / "shipped", cache)
    monkeypatch.setattr(add_mod, "SHIPPED", installed, raising=False)  # none before
    before = data_hash(installed)
    done = CliRunner().invoke(main, ["--project", str(installed), "--cache", str(cache), "add",
                                     str(two_file_proposal)])
    assert done.exit_code == 2, done.output
    assert done.output == (
        f"error: {installed / 'data'} is the graph the installed package carries, not a "
        "project's: facts added there would be shared by everyone using the package and lost "
        "when it is installed again; add them to a project of your own (--project DIR: a "
        "folder holding ontology/ and data/, such as a checkout of the project), nothing was "
        "written\n")
    with pytest.raises(ag.CommitError, match=r"\(Settings\(root=DIR\): a folder holding"):
        ag.add([two_file_proposal], ag.Settings(root=installed, cache_dir=cache))
    assert data_hash(installed) == before
    assert not (installed / "data" / transaction.LOCK).exists(), "not even the lock is written"


def test_a_proposal_written_into_the_data_folder_is_refused_as_one(tmp_path, cache):
    # Saved straight into data/, a proposal with a slip was "does not conform: nothing was
    # added" (exit 1), though the build read it there and stopped on its findings since.
    from click.testing import CliRunner

    from alliance_graph.cli import main
    project = make_project(tmp_path / "project", cache)
    inside = project / "data" / "proposal.ttl"
    inside.write_text(PREFIXES + "\n" + claim("FxState-acronym", "FxStat", "ag:acronym", '"X"'),
                      "utf-8")
    before = data_hash(project)
    done = CliRunner().invoke(main, ["--project", str(project), "--cache", str(cache), "add",
                                     str(inside)])
    assert done.exit_code == 2, done.output
    assert done.output == (
        f"error: {inside} is a file of {project / 'data'} already, which the graph is built "
        "from as it is: add merges a proposal written outside it (move the file out of the "
        "folder and add it from there; `validate` checks it where it is)\n")
    assert data_hash(project) == before


@pytest.fixture
def shipped_copy(tmp_path, settings):
    """A copy of the shipped ontology and data, with the settings that point at it; its cache
    holds the shipped graph's build already (helpers.with_shipped_build)."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    with_shipped_build(tmp_path / "cache", settings)
    return tmp_path, settings.with_(root=tmp_path, ontology_dir=tmp_path / "ontology",
                                    data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")


def test_a_copy_of_a_data_file_adds_nothing(shipped_copy, tmp_path_factory):
    """Issue 15.5: restating data/aid.ttl is 'nothing new', not 19 violations."""
    project, _ = shipped_copy
    copy = tmp_path_factory.mktemp("elsewhere") / "aid.ttl"
    copy.write_text((project / "data" / "aid.ttl").read_text("utf-8"), "utf-8")
    before = data_hash(project)
    done = run(project, "add", copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing new: every fact is already in the data" in done.stdout
    assert data_hash(project) == before


def test_many_facts_are_added_whole_and_once(shipped_copy):
    from alliance_graph.build import pipeline
    from alliance_graph.proposals import add as add_mod

    project, settings = shipped_copy
    pipeline.cached_build(settings)  # the prebuilt graph the add is judged against
    path = project / "proposal.ttl"
    path.write_text(PREFIXES + "".join(
        "\n" + claim(f"BenchConference{i}-{kind}", f"BenchConference{i}", predicate, value,
                     "000-iron-dome")
        for i in range(300) for kind, predicate, value in (
            ("type", "rdf:type", "ag:Conference"),
            ("label", "rdfs:label", f'"Bench conference {i}"'))), encoding="utf-8")
    start = time.perf_counter()
    result = add_mod.add(settings, [path], into=Path("aid.ttl"))
    took = time.perf_counter() - start
    assert result.report.conforms and result.merged.added == {
        str(project / "data" / "aid.ttl"): 600}
    assert took < 120, f"adding 600 facts took {took:.0f} s"
    text = (project / "data" / "aid.ttl").read_text("utf-8")
    assert all(f"claim:BenchConference{i}-label a ag:Claim" in text for i in range(300))
    again = add_mod.add(settings, [path])
    assert again.merged.added == {}, "facts already in data/ are not added twice"


def test_into_a_file_outside_the_data_folder_is_refused(tmp_path, cache, two_file_proposal):
    # It was taken by its name only: `--into /etc/x.ttl` wrote a new data/x.ttl.
    project = make_project(tmp_path / "project", cache)
    before = data_hash(project)
    done = run(project, "add", "--into", tmp_path / "elsewhere" / "x.ttl", two_file_proposal)
    assert done.returncode == 2 and "is outside the data folder" in done.stderr, done.stderr
    assert data_hash(project) == before


@pytest.mark.parametrize("note, value", [
    ('"""line one\nline two"""', "line one\nline two"),   # rdflib wrote it as a long string
    ('"nul \\u0000 tab \\t del \\u007F"', "nul \x00 tab \t del \x7f"),  # NUL was written raw
])
def test_a_note_with_line_breaks_or_control_characters_is_added_and_builds(tmp_path, cache,
                                                                           note, value):
    # Both were validated, added, and then broke every later command: the build's N-Triples
    # of the OWL closure (a line break) and its loader (a raw NUL made data/ a binary file).
    project = make_project(tmp_path / "project", cache)
    proposal = tmp_path / "note.ttl"
    proposal.write_text(PREFIXES + "\n" + claim("FxNew-type", "FxNew", "rdf:type", "ag:Conference")
                        + claim("FxNew-label", "FxNew", "rdfs:label", '"Fx new"')
                        + f"claim:FxNew-label ag:note {note} .\n", "utf-8")
    done = run(project, "add", "--into", "events.ttl", proposal)
    assert done.returncode == 0, done.stdout + done.stderr
    assert all("\x00" not in f.read_text("utf-8") for f in (project / "data").glob("*.ttl"))
    answer = run(project, "query", "--format", "json",
                 "SELECT ?n WHERE { claim:FxNew-label ag:note ?n }")
    assert answer.returncode == 0, answer.stderr
    assert [b["n"]["value"] for b in json.loads(answer.stdout)["results"]["bindings"]] == [value]


def test_a_data_file_with_a_byte_order_mark_and_crlf_lines_takes_facts_and_keeps_its_endings(
        tmp_path, cache):
    # The build reads such a file; add failed on it ("is not a valid subject" at 1:1).
    project = make_project(tmp_path / "project", cache)
    events = project / "data" / "events.ttl"
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes().replace(b"\n", b"\r\n"))
    proposal = tmp_path / "new.ttl"
    proposal.write_text(PREFIXES + "\n" + claim("FxNew-type", "FxNew", "rdf:type", "ag:Conference")
                        + claim("FxNew-label", "FxNew", "rdfs:label", '"Fx new"'), "utf-8")
    done = run(project, "add", "--into", "events.ttl", proposal)
    assert done.returncode == 0, done.stdout + done.stderr
    written = events.read_bytes()
    assert b"claim:FxNew-type" in written
    assert b"\n" not in written.replace(b"\r\n", b"")  # every line still ends CRLF
    assert run(project, "stats").returncode == 0  # and the graph builds


def test_a_note_and_a_qualifier_on_a_claim_of_data_are_added_to_its_file(tmp_path, cache):
    # A proposal amending a claim of data/ (its type and citation there, not in the proposal)
    # was refused: "triple with .../note is not stated by any claim in this file".
    project = make_project(tmp_path / "project", cache)
    proposal = tmp_path / "amend.ttl"
    proposal.write_text(PREFIXES + '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n'
                        'claim:FxEvent-type ag:note "Amended in a proposal." ;\n'
                        '    ag:validFrom "2019"^^xsd:gYear .\n', "utf-8")
    validated = run(project, "validate", proposal)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    added = run(project, "add", proposal)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "Amended in a proposal." in (project / "data" / "events.ttl").read_text("utf-8")
    built = run(project, "stats")  # the build runs the data checks (check's ontology ones
    assert built.returncode == 0, built.stderr  # fail on this small fixture's ontology use)
    # A fact written on the claim is no property of claims: still refused.
    proposal.write_text(PREFIXES + "claim:FxEvent-type ag:coFundedBy id:FxState .\n", "utf-8")
    refused = run(project, "validate", proposal)
    assert refused.returncode == 1 and "is not one of a claim's properties" in refused.stdout


def test_new_evidence_cited_by_a_claim_of_data_goes_to_that_claims_file(tmp_path, cache):
    # The claim's amendment names no entity, so the evidence block had no file to go to:
    # "no topic file ... describes ev:fx-more or what it links to; name one with --into".
    project = make_project(tmp_path / "project", cache)
    source = "000_06b6882714cf1880.txt"
    text = (ROOT.parent / "shared" / "sources" / source).read_text("utf-8")
    quote = text[text.index("Blue Flag"):text.index("Blue Flag") + 40]
    proposal = tmp_path / "more-evidence.ttl"
    proposal.write_text(PREFIXES + "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
                        "@prefix src: <https://alliance-graph.example/id/source/> .\n\n"
                        + citations.evidence_turtle("fx-more", source, text, quote)
                        + "\nclaim:FxEvent-type prov:wasDerivedFrom ev:fx-more .\n", "utf-8")
    validated = run(project, "validate", proposal)
    assert validated.returncode == 0 and "add would refuse" not in validated.stderr, \
        validated.stdout + validated.stderr
    added = run(project, "add", proposal)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "events.ttl: 2 subject block(s) added or amended" in added.stdout
    assert "ev:fx-more a ag:Evidence" in (project / "data" / "events.ttl").read_text("utf-8")
    assert run(project, "stats").returncode == 0


def test_add_into_a_file_does_not_warn_that_it_needs_into(tmp_path, cache):
    # add --into events.ttl added the new entity and said "WARNING: add would refuse this as it
    # stands: ... name one with --into FILE": validate's warning, about the add without --into.
    project = make_project(tmp_path / "project", cache)
    proposal = tmp_path / "new.ttl"
    proposal.write_text(PREFIXES + "\n" + claim("FxNew-type", "FxNew", "rdf:type", "ag:Conference")
                        + claim("FxNew-label", "FxNew", "rdfs:label", '"Fx new"'), "utf-8")
    validated = run(project, "validate", proposal)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "add would refuse" in validated.stdout  # without --into: true, and said
    added = run(project, "add", "--into", "events.ttl", proposal)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "events.ttl: 2 subject block(s) added or amended" in added.stdout
    assert "WARNING" not in added.stderr + added.stdout, added.stderr
    # Without --into, add refuses with the reason (once, as an error, not also as a warning).
    again = tmp_path / "other.ttl"
    again.write_text(proposal.read_text("utf-8").replace("FxNew", "FxOther"), "utf-8")
    refused = run(project, "add", again)
    assert refused.returncode == 2 and "--into FILE" in refused.stderr, refused.stderr
    assert "WARNING" not in refused.stderr, refused.stderr


def blue_flag_evidence(name: str) -> str:
    """Return a proposal's prefixes and an evidence block ``ev:NAME`` quoting the first source."""
    source = "000_06b6882714cf1880.txt"
    text = (ROOT.parent / "shared" / "sources" / source).read_text("utf-8")
    quote = text[text.index("Blue Flag"):text.index("Blue Flag") + 40]
    return (PREFIXES + "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
            "@prefix src: <https://alliance-graph.example/id/source/> .\n\n"
            + citations.evidence_turtle(name, source, text, quote) + "\n")


def paragraphs_but(text: str, *new: str) -> list[str]:
    """Return ``text``'s paragraphs, but those starting with one of the ``new`` subjects."""
    return [p.strip("\n") for p in text.split("\n\n") if p.strip("\n")
            and not p.strip("\n").startswith(new)]


def test_new_blocks_go_to_headings_with_more_words_and_evidence_above_a_lone_claims_heading(
        tmp_path, cache):
    # A claims heading and no evidence heading, group headings with words after the subject:
    # the new evidence went at the file's end, after the claims, and each new claim under a
    # second "# id:FxState" / "# id:FxState2" heading there.
    project = make_project(tmp_path / "project", cache)
    base = project / "data" / "base.ttl"
    before = base.read_text("utf-8").replace(
        "claim:FxState-type a", "# --- claims ---\n\n# id:FxState (the fixture's state)\n\n"
        "claim:FxState-type a").replace(
        "claim:FxState2-type a", "# id:FxState2 — Fixture State Two\n\nclaim:FxState2-type a")
    base.write_text(before, "utf-8")
    proposal = tmp_path / "placed.ttl"
    proposal.write_text(blue_flag_evidence("fx-more")
                        + claim("FxState-acronym", "FxState", "ag:acronym", '"FXS"', "fx-more")
                        + claim("FxState2-acronym", "FxState2", "ag:acronym", '"FX2"'), "utf-8")
    added = run(project, "add", proposal)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "base.ttl: 3 subject block(s) added or amended" in added.stdout
    after = base.read_text("utf-8")
    assert paragraphs_but(after, "ev:fx-more", "claim:FxState-acronym",
                          "claim:FxState2-acronym") == paragraphs_but(before)
    at = after.index
    assert at("ev:fx-base-copy a") < at("ev:fx-more a") < at("# --- claims ---")
    assert at("claim:FxState-label") < at("claim:FxState-acronym") < at("# id:FxState2 —")
    assert at("claim:FxState2-label") < at("claim:FxState2-acronym")
    assert "# id:FxState\n" not in after and "# id:FxState2\n" not in after
    assert run(project, "stats").returncode == 0  # and the graph builds


def test_in_a_file_with_a_lone_evidence_heading_new_claims_join_their_group(tmp_path, cache):
    # The new evidence went after the file's last claim, the new claim at the end with no group.
    project = make_project(tmp_path / "project", cache)
    events = project / "data" / "events.ttl"
    before = events.read_text("utf-8").replace(
        "claim:FxEvent-type a", "# --- evidence ------\n\n# id:FxEvent (the conference)\n\n"
        "claim:FxEvent-type a")
    events.write_text(before, "utf-8")
    proposal = tmp_path / "placed.ttl"
    proposal.write_text(blue_flag_evidence("fx-event")
                        + claim("FxEvent-acronym", "FxEvent", "ag:acronym", '"FXC"', "fx-event"),
                        "utf-8")
    added = run(project, "add", proposal)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "events.ttl: 2 subject block(s) added or amended" in added.stdout
    after = events.read_text("utf-8")
    assert paragraphs_but(after, "ev:fx-event", "claim:FxEvent-acronym") == paragraphs_but(before)
    at = after.index
    assert at("# --- evidence") < at("ev:fx-event a") < at("# id:FxEvent (")
    assert at("claim:FxEvent-label") < at("claim:FxEvent-acronym")
    assert "# id:FxEvent\n" not in after and "# --- claims" not in after
    assert run(project, "stats").returncode == 0


class ReadWatch:
    """The names of the files of a folder closed after reading (Linux's inotify), in order."""

    def __init__(self, folder: Path):
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self.fd >= 0 and libc.inotify_add_watch(self.fd, bytes(folder), 0x10) >= 0

    def names(self, timeout: float) -> list[str]:
        """Return the names read since the last call, waiting up to ``timeout`` for one."""
        if not select.select([self.fd], [], [], timeout)[0]:
            return []
        data, names = os.read(self.fd, 65536), []
        while data:
            length = struct.unpack_from("iIII", data)[3]
            names.append(data[16:16 + length].rstrip(b"\0").decode())
            data = data[16 + length:]
        return names

    def close(self):
        os.close(self.fd)


def test_a_check_reading_during_an_add_reads_the_files_before_it_or_after_it(tmp_path, cache):
    # Readers took no lock: one reading base.ttl before the add's renames and events.ttl
    # after them built a graph of neither state (here a claim citing evidence not yet there).
    # The reader is stopped (SIGSTOP) between the two files, while a real add commits.
    project = make_project(tmp_path / "project", cache)
    # Read between base.ttl and events.ttl: tens of milliseconds to stop the reader in.
    (project / "data" / "big.ttl").write_text(("# " + "x" * 97 + "\n") * 300_000, "utf-8")
    proposal = tmp_path / "both.ttl"
    proposal.write_text(blue_flag_evidence("fx-new")
                        + claim("FxState-acronym", "FxState", "ag:acronym", '"FXS"', "fx-new")
                        + claim("FxEvent-acronym", "FxEvent", "ag:acronym", '"FXC"', "fx-new"),
                        "utf-8")
    for _ in range(5):  # a reader read past events.ttl before it stopped: again
        watch = ReadWatch(project / "data")
        reader = subprocess.Popen(command(project, "check"), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            deadline, read = time.monotonic() + 60, []
            while "base.ttl" not in read:
                assert time.monotonic() < deadline and reader.poll() is None, reader.communicate()
                read += watch.names(0.5)
            os.kill(reader.pid, signal.SIGSTOP)
            read += watch.names(0.2)
        finally:
            watch.close()
        if "events.ttl" not in read:
            break
        os.kill(reader.pid, signal.SIGCONT)
        reader.communicate(timeout=120)
    else:
        pytest.fail("the reader could not be stopped between base.ttl and events.ttl")
    try:
        adding = subprocess.Popen(command(project, "add", proposal), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        said, waits = [], threading.Event()

        def follow():
            for line in adding.stderr:
                said.append(line)
                if "waiting for the commands reading" in line:
                    waits.set()
        follower = threading.Thread(target=follow)
        follower.start()
        deadline = time.monotonic() + 120
        while adding.poll() is None and not waits.wait(0.1):  # committed, or waits for it
            assert time.monotonic() < deadline, "the add neither committed nor waited"
    finally:
        os.kill(reader.pid, signal.SIGCONT)
    out, err = reader.communicate(timeout=120)
    added = adding.stdout.read()
    adding.stdout.close()
    follower.join(120)
    adding.stderr.close()
    assert adding.wait(120) == 0, added + "".join(said)
    assert "Traceback" not in err + "".join(said)
    assert "evidence/fx-new" not in out, f"the check read the add half done:\n{out}"
    assert "fx-new a ag:Evidence" in (project / "data" / "base.ttl").read_text("utf-8")
    after = run(project, "check")
    assert "violation(s)" in after.stdout and "evidence/fx-new" not in after.stdout, after.stdout
