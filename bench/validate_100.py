"""Time `alliance-graph validate` on the shipped graph plus a generated 100-fact proposal.

    .venv/bin/python bench/validate_100.py [--facts 100] [--runs 3]
    .venv/bin/python bench/validate_100.py --root /tmp/ag-100k [--store DIR] [--cache DIR]

The proposal adds 50 new conferences, each with a cited type and label (100 claims), citing an
evidence node of the data; it must conform.  Prints the wall-clock time of each run of the real
CLI (a fresh process: imports, the prebuilt graph's neighbourhood, SHACL, checks, quotes) and
of validating the shipped data files themselves, wall clock and CPU.  A first, separate run
builds what the prebuilt graph still lacks (the build cache, a directory store).

``--root`` points at a project made by bench/generate.py (ontology/, data/, sources/) instead
of the checkout; its data files are not validated themselves (tens of seconds per run).
"""

from __future__ import annotations

import argparse
import os
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


def some_evidence(root: Path = ROOT) -> str:
    """Return the IRI of an evidence node of the data in ``root`` (the shipped data)."""
    for path in sorted((root / "data").glob("*.ttl")):
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


def timed(args: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """Return wall-clock seconds, CPU seconds (user + system) and exit code of one CLI run;
    the CPU figure is the one to compare when the machine is busy with other work."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(CLI + args, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def project_env(root: Path, cache: str | None) -> dict:
    """Return the environment pointing the CLI at the project in ``root``."""
    env = dict(os.environ, ALLIANCE_GRAPH_PROJECT=str(root),
               ALLIANCE_GRAPH_ONTOLOGY=str(root / "ontology"),
               ALLIANCE_GRAPH_DATA=str(root / "data"), ALLIANCE_GRAPH_SOURCES=str(root / "sources"))
    if cache:
        env["ALLIANCE_GRAPH_CACHE"] = cache
    return env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facts", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, help="a generated project (default: the checkout)")
    parser.add_argument("--store", help="--store for the CLI (default: memory)")
    parser.add_argument("--cache", help="build cache folder (default: the CLI's)")
    opts = parser.parse_args()
    root = opts.root or ROOT
    env = project_env(root, opts.cache) if opts.root else (
        dict(os.environ, ALLIANCE_GRAPH_CACHE=opts.cache) if opts.cache else None)
    store = ["--store", opts.store] if opts.store else []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-proposal.ttl"
        path.write_text(proposal(opts.facts, some_evidence(root)), encoding="utf-8")
        wall, cpu, code = timed([*store, "validate", str(path)], env)
        print(f"first run (builds the prebuilt graph if missing): {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU (exit {code})")
        cases = [(f"{opts.root or 'shipped'} graph + {opts.facts}-fact proposal", [str(path)])]
        if opts.root is None:
            data_files = [str(p) for p in sorted((ROOT / "data").glob("*.ttl"))]
            cases.append(("shipped data files themselves", data_files))
        for label, args in cases:
            for run in range(opts.runs):
                wall, cpu, code = timed([*store, "validate", *args], env)
                print(f"{label}: run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU (exit {code})")


if __name__ == "__main__":
    main()
