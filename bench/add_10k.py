"""Time `alliance-graph add` of a large proposal, and `validate` of deeply nested input.

    .venv/bin/python bench/add_10k.py [--facts 10000] [--runs 3] [--depth 5000]

Each run copies the shipped ontology and data into a fresh temporary project, builds its graph
once (`stats`, not timed: the build cache the prebuilt graph comes from), then times the real
CLI in a fresh process: `add --into aid.ttl` of a proposal of N new facts (bench/validate_100.py's
conferences, each with a cited type and label), wall clock and CPU.  The proposal must be added
whole.  Then it times `validate` of a proposal nesting blank nodes ``--depth`` deep (~12 bytes
a level) and of one nesting lists as deep (refused, exit 2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from validate_100 import CLI, ROOT, proposal, some_evidence, timed

PREFIXES = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix id: <https://alliance-graph.example/id/> .\n")


def project(folder: Path, cache: Path) -> dict:
    """Copy the shipped ontology and data into ``folder``; return the CLI's environment."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    shutil.copytree(ROOT / "data", folder / "data")
    return dict(os.environ, ALLIANCE_GRAPH_DATA=str(folder / "data"),
                ALLIANCE_GRAPH_ONTOLOGY=str(folder / "ontology"), ALLIANCE_GRAPH_CACHE=str(cache))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--depth", type=int, default=5_000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "proposal.ttl"
        path.write_text(proposal(opts.facts, some_evidence()), encoding="utf-8")
        print(f"proposal: {opts.facts} facts, {path.stat().st_size} bytes")
        for run in range(opts.runs):
            env = project(tmp / f"run-{run}", tmp / "cache")
            subprocess.run([*CLI, "stats"], env=env, check=True, capture_output=True)
            wall, cpu, code = timed(["add", "--into", "aid.ttl", str(path)], env)
            added = (tmp / f"run-{run}" / "data" / "aid.ttl").read_text("utf-8").count(
                "claim:BenchConference")
            print(f"add run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU (exit {code}, "
                  f"{added} claims written)")
        env = project(tmp / "nested", tmp / "cache")
        for kind, open_, close in (("blank nodes", "[ ag:note ", " ]"), ("lists", "( ", " )")):
            nested = tmp / f"nested-{kind[0]}.ttl"
            nested.write_text(PREFIXES + "id:Deep ag:note " + open_ * opts.depth + '"x"'
                              + close * opts.depth + " .\n", encoding="utf-8")
            wall, cpu, code = timed(["validate", str(nested)], env)
            print(f"validate {opts.depth} nested {kind} ({nested.stat().st_size} bytes): "
                  f"{wall:.2f} s wall, {cpu:.2f} s CPU (exit {code})")


if __name__ == "__main__":
    main()
