"""A project's files (``project_files.py``): how a finding names the file it is about."""

import shutil
import subprocess
import sys

from helpers import FIXTURE_BASE, ROOT


def test_a_finding_run_from_the_root_names_its_file_by_its_absolute_path(tmp_path):
    # From /, --data /tmp/else check said "tmp/else/base.ttl:12: ...": a path from the root
    # written as a relative one (pasted anywhere else it names nothing), beside the proposal
    # validate named "/tmp/p.ttl" as it was given.
    data = tmp_path / "else"
    shutil.copytree(FIXTURE_BASE, data)
    first = sorted(data.glob("*.ttl"))[0]
    with first.open("a") as f:
        f.write('\n<https://alliance-graph.example/id/Foo> '
                '<https://alliance-graph.example/ontology/bar> "x" .\n')
    line = first.read_text().count("\n")
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--ontology",
                           str(ROOT / "ontology"), "--data", str(data), "--cache",
                           str(tmp_path / "cache"), "check"], cwd="/", capture_output=True,
                          text=True, timeout=300)
    assert f"\n{first}:{line}: " in "\n" + done.stdout, done.stdout
