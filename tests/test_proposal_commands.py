"""validate and add on the command line (``cli/proposal_commands.py``): the report's names."""

import shutil
import subprocess
import sys

from helpers import FIXTURE_BASE, ROOT

PREFIXES = "".join(line for line in (FIXTURE_BASE / "base.ttl").read_text().splitlines(True)
                   if line.startswith("@prefix"))


def test_a_folder_named_with_a_line_feed_is_written_escaped_in_every_line(tmp_path):
    # --data $'n\nl/d': a finding naming a claim's other value in a data file, and the note on
    # findings elsewhere, wrote the folder's line feed as it came, each line broken in two
    # ("(n" then "l/d/base.ttl:49 gives ..."), where the finding's own file read n\nl.
    folder = tmp_path / "n\nl"
    shutil.copytree(FIXTURE_BASE, folder / "d")
    with (folder / "d" / "base.ttl").open("a") as f:  # a finding of the data's own
        f.write('\n<https://alliance-graph.example/id/Foo> '
                '<https://alliance-graph.example/ontology/bar> "x" .\n')
    proposal = folder / "p.ttl"
    proposal.write_text(PREFIXES + 'claim:FxState-label rdf:object "Another" .\n')
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--ontology",
                           str(ROOT / "ontology"), "--data", str(folder / "d"), "--cache",
                           str(tmp_path / "cache"), "validate", str(proposal)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "(n\\nl/d/base.ttl:" in done.stdout and "'n\\nl/d'/*.ttl" in done.stdout, done.stdout
    assert not any(line.startswith("l/d") for line in done.stdout.splitlines()), done.stdout
