"""Time `alliance-graph validate` on the shipped graph plus a generated 100-fact proposal.

    .venv/bin/python bench/validate_100.py [--facts 100] [--runs 3]

The proposal adds 50 new conferences, each with a cited type and label (100 claims), citing an
evidence node of the shipped data; it must conform.  Prints the wall-clock time of each run of
the real CLI (a fresh process: imports, parsing, SHACL, checks, quotes) and of validating the
shipped data files themselves, wall clock and CPU.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
# The installed console script, run as a fresh process like a contributor runs it.
CLI = [str(Path(sys.executable).parent / "alliance-graph")]


def some_evidence() -> str:
    """Return the IRI of an evidence node of the shipped data."""
    for path in sorted((ROOT / "data").glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.object.value == "https://alliance-graph.example/ontology/Evidence":
                return t.subject.value
    raise SystemExit("no evidence node in data/")


def proposal(facts: int, evidence: str) -> str:
    lines = ["@prefix ag: <https://alliance-graph.example/ontology/> .",
             "@prefix id: <https://alliance-graph.example/id/> .",
             "@prefix claim: <https://alliance-graph.example/id/claim/> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .", ""]
    for i in range(facts // 2):
        for kind, pred, obj in (("type", "rdf:type", "ag:Conference"),
                                ("label", "rdfs:label", f'"Bench conference {i}"')):
            lines += [f"claim:BenchConference{i}-{kind} a ag:Claim ;",
                      f"    rdf:subject id:BenchConference{i} ;", f"    rdf:predicate {pred} ;",
                      f"    rdf:object {obj} ;", "    ag:rank ag:NormalRank ;",
                      f"    prov:wasDerivedFrom <{evidence}> .", ""]
    return "\n".join(lines)


def timed(args: list[str]) -> tuple[float, float, int]:
    """Return wall-clock seconds, CPU seconds (user + system) and exit code of one CLI run;
    the CPU figure is the one to compare when the machine is busy with other work."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(CLI + args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facts", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-proposal.ttl"
        path.write_text(proposal(opts.facts, some_evidence()), encoding="utf-8")
        data_files = [str(p) for p in sorted((ROOT / "data").glob("*.ttl"))]
        for label, args in ((f"shipped graph + {opts.facts}-fact proposal", [str(path)]),
                            ("shipped data files themselves", data_files)):
            for run in range(opts.runs):
                wall, cpu, code = timed(["validate", *args])
                print(f"{label}: run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU (exit {code})")


if __name__ == "__main__":
    main()
