"""The examples each command's --help ends with (cli/examples.py): shown, and each one runs
as printed, by the real command in a copy of the project."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_graph.cli import main
from alliance_graph.cli.examples import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# README's proposal ("Adding a cited fact"): a fact data/ holds already, so add says
# "nothing new" and the copy's data stay as they were.
PROPOSAL = """\
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
claim:BlueFlag-participant-UnitedStates a ag:Claim ;
    rdf:subject id:BlueFlag ;
    rdf:predicate ag:participant ;
    rdf:object id:UnitedStates ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-blue-flag .
"""


@pytest.mark.parametrize("name", [None, *sorted(main.commands)])
def test_every_help_ends_with_its_examples(name):
    # Each --help said what its command does and listed its options, but no help showed a
    # command line: how a quote is quoted, that a catalogue name or - (stdin) is a query.
    assert name in EXAMPLES, f"no examples for {name}"
    shown = subprocess.run([str(BIN / "alliance-graph"), *([name] if name else []), "--help"],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and shown.stderr == ""
    examples = shown.stdout.split("\n  Examples:\n", 1)[1]
    assert examples.splitlines() == [f"    {line}" for line in EXAMPLES[name]]


def test_every_example_runs_as_printed(tmp_path, sources_dir):
    # Run from a copy of the project, which ~/my-graph names too (HOME is the test's).
    project = tmp_path / "my-graph"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "proposal.ttl").write_text(PROPOSAL, encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "ALLIANCE_GRAPH_SOURCES": str(sources_dir)}
    env = {k: v for k, v in env.items() if k not in (
        "ALLIANCE_GRAPH_PROJECT", "ALLIANCE_GRAPH_DATA", "ALLIANCE_GRAPH_ONTOLOGY",
        "ALLIANCE_GRAPH_CACHE", "ALLIANCE_GRAPH_STORE")}
    data = {p.name: p.read_bytes() for p in (project / "data").glob("*.ttl")}
    ran = 0
    for name, lines in EXAMPLES.items():
        for line in lines:
            if name == "serve" and "--get" not in line:
                continue  # a server, which runs until stopped: test_serve_command's
            done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{line}: {done.stderr}"
            assert "Traceback" not in done.stderr, line
            ran += 1
    assert ran >= 20
    assert {p.name: p.read_bytes() for p in (project / "data").glob("*.ttl")} == data
    assert (project / "aid.csv").read_text(encoding="utf-8").startswith("amount,providedBy,")
