"""Time each check of `alliance-graph check` (the violation queries and the compiled shapes)
over a project's asserted quads, as `check` runs them.

    .venv/bin/python bench/check_times.py /tmp/scale-10k [--runs 4] [--top 12] [--only NAME]

Each run is a fresh process, so that runs are compared alike: one check's time moved between
runs (value-datatype's old form 4.4 to 7.4 s at 10 k facts), and one of another took 36 to
63 s against its usual 0.08 s in about one run of five (subject-outside-domain, the query's own
doing, since fixed: docs/validation.md, Speed).  Prints each run's slowest checks with their rows.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def one_run(root: Path, top: int, only: str) -> None:
    from alliance_graph.build import checks, pipeline, shape_checks
    from alliance_graph.settings import Settings
    store = checks.store_of(pipeline.asserted(Settings(root=root)).quads)
    rows = []
    for check in checks.all_checks() + shape_checks.shape_checks(store):
        if only and only not in check.name:
            continue
        start = time.perf_counter()
        n = sum(1 for _ in store.query(check.sparql, use_default_graph_as_union=True))
        rows.append((time.perf_counter() - start, check.name, n))
    rows.sort(reverse=True)
    print(f"{len(store)} quads, {len(rows)} checks, {sum(r[0] for r in rows):.2f} s in all; "
          + ", ".join(f"{name} {took:.3f} s ({n} rows)" for took, name, n in rows[:top]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path, help="a project (ontology/, data/): bench/generate.py's")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--only", default="", help="time only the checks whose name holds it")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.one:
        return one_run(opts.root, opts.top, opts.only)
    for run in range(opts.runs):
        print(f"run {run + 1}: ", end="", flush=True)
        subprocess.run([sys.executable, __file__, str(opts.root), "--one", "--top", str(opts.top),
                        "--only", opts.only], check=True)


if __name__ == "__main__":
    main()
