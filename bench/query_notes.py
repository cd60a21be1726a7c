"""What ``POST /query/notes`` costs beside ``/sparql``'s checks of the same text.

    .venv/bin/python bench/query_notes.py [--names 8000] [--runs 3]

A SELECT of ``--names`` made-up ``id:`` names in a VALUES list (95 KB at 8,000), posted to
the query page's notes on the shipped graph (the app in this process, through Flask's test
client), against what ``/sparql`` checks of the text before it runs it: its bounds
(``bounds.tokens_within``) and Oxigraph's reading (``dialect.read_as_oxigraph``).  The best of
``--runs`` wall times of each is shown, and their ratio.
"""

from __future__ import annotations

import argparse
import time
import urllib.parse

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import dialect
from alliance_graph.query.bounds import Bounds, tokens_within
from alliance_graph.settings import Settings
from alliance_graph.web.app import create_app


def best(run, runs: int) -> float:
    """Return the shortest of ``runs`` wall times of ``run()``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    client = create_app(settings).test_client()
    names = " ".join(f"id:Made{i}" for i in range(args.names))
    text = f"SELECT * WHERE {{ VALUES ?x {{ {names} }} ?x ?p ?o }}"
    body = urllib.parse.urlencode({"query": text}).encode()

    def notes():
        answer = client.post("/query/notes", data=body,
                             content_type="application/x-www-form-urlencoded")
        assert answer.status_code == 200, answer.text[:200]

    notes()  # the graph loaded, the namespace's names read: kept for the runs
    bounds = Bounds.from_settings(settings)
    took = best(notes, args.runs)
    checks = best(lambda: (tokens_within(text, bounds),
                           dialect.read_as_oxigraph(text, PREFIX_IRIS)), args.runs)
    print(f"{len(text.encode()):,} bytes, {args.names:,} names: /query/notes {took:.3f} s, "
          f"/sparql's checks {checks:.3f} s, {took / checks:.1f} times")


if __name__ == "__main__":
    main()
