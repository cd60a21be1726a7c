"""Time the site's search (labels, alternative labels, descriptions, quotes) on a generated graph.

    .venv/bin/python bench/generate.py 100000 /tmp/ag-100k
    .venv/bin/python bench/search.py /tmp/ag-100k [--runs 5] [--store memory|directory]

Opens the project's graph (a directory store in DIR/store, built on first use, or in memory),
then runs ``search.search`` for a handful of texts: a word in a few hundred labels, a word in
most quotes and descriptions, a rare phrase, a text that matches nothing, two letters (the
first text the search box asks about), and single letters (which match almost every literal;
"e" is in every generated label, all of one length).  Prints the median and best wall-clock
time of each, with the number of hits, as a Markdown table for docs/pages.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from alliance_graph.settings import Settings  # noqa: E402
from alliance_graph.store import graph as store  # noqa: E402
from alliance_graph.web.pages import search  # noqa: E402

TEXTS = ["exercise", "characterization", "iron dome", "nothing-matches-this", "ar", "a", "e"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a project made by bench/generate.py")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", choices=["directory", "memory"], default="directory")
    args = parser.parse_args()
    root = args.root.resolve()
    settings = Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                        sources_dir=root / "sources", cache_dir=root / "cache",
                        store=str(root / "store") if args.store == "directory" else "memory")
    started = time.perf_counter()
    kg = store.load(settings)
    claims = next(iter(kg.query("SELECT (COUNT(*) AS ?n) { ?c a ag:Claim }")))["n"].value
    print(f"{claims} claims, {args.store} store, opened in {time.perf_counter() - started:.1f} s\n")
    print("| search text | hits shown | median ms | best ms |")
    print("| --- | --- | --- | --- |")
    for text in TEXTS:
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            hits = search.search(kg, text, 10)
            times.append(time.perf_counter() - t)
        print(f"| `{text}` | {len(hits)} | {statistics.median(times) * 1000:.0f} | "
              f"{min(times) * 1000:.0f} |")


if __name__ == "__main__":
    main()
