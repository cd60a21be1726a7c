"""Time the command line's start: the wall time of commands that do little besides starting
(the help, a command's help, cite), best of N fresh processes each.

    .venv/bin/python bench/startup.py [--runs 5] [--command='query --help' ...]

The best of several runs, as the machine is shared: a run's own time is its best case plus
whatever else ran then.  docs/architecture.md (The command line's start) has the figures.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

COMMAND = Path(sys.executable).with_name("alliance-graph")
LINES = ["--help", "--version", "query --help", "stats --help", "serve --help", "export --help",
         "cite 000_06b6882714cf1880.txt 'Negev U.S. Radar Base' --name 000-negev"]


def best(words: list[str], runs: int) -> float:
    """Return the least wall time of ``runs`` runs of the command with ``words``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(COMMAND), *words], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--command", action="append", help="words after alliance-graph "
                        "(repeatable; default: the help, two commands' help and a cite)")
    args = parser.parse_args()
    for line in args.command or LINES:
        print(f"{best(shlex.split(line), args.runs):.3f} s  alliance-graph {line}")


if __name__ == "__main__":
    main()
