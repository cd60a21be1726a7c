"""Where the time of ``bench/compare.py``'s gap to Oxigraph goes: per request, and per layout.

    .venv/bin/python bench/breakdown.py [--size 100000] [--work /tmp/ag-compare] [--runs 2000]
                                        [--orders 160] [--parts 1,2,3]

Part 1, per request, on a label lookup of the size's generated project (a distinct query text
each time, so no cache answers): the safety check (``guard.check``), Oxigraph alone (query and
JSON serialization in process), our in-process engine (``LocalEngine.answer``: dataset, bounded
serialization), the engine in its own process (``ProcessEngine.answer``: the socket round
trip), and the same lookup over HTTP, one client on one keep-alive connection, from
``alliance-graph serve`` and from ``oxigraph serve`` on the same data.

Part 2, per layout, in process: each heavy kind of the mix on the memory backend's ``main``
store (asserted triples in ``graph/asserted``, inferred ones in ``graph/inferred``, the query's
default graph ``graph/asserted``), on the same quads without the inferred graph, and on the
asserted quads alone read as the union of the store's graphs (what ``oxigraph serve
--union-default-graph`` does).  Medians in milliseconds.

Part 3, per load order, in process: the ``main`` layout loaded in the build's order and sorted
(as ``layout.write_main`` writes it), both in this process (the sorted one first, so that
allocation order favours the other), each kind's mean CPU milliseconds over ``--orders``
requests of the mix, the two stores taking turns on each text.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import pyoxigraph as ox  # noqa: E402

import compare  # noqa: E402
import http_load as load  # noqa: E402
from alliance_graph.engine.client import ProcessEngine  # noqa: E402
from alliance_graph.engine.local import LocalEngine  # noqa: E402
from alliance_graph.namespaces import PREFIX_IRIS  # noqa: E402
from alliance_graph.query import guard  # noqa: E402
from alliance_graph.query.answer import Dataset  # noqa: E402
from alliance_graph.query.bounds import Bounds  # noqa: E402
from alliance_graph.query.results import RESULT_FORMATS  # noqa: E402
from alliance_graph.settings import Settings  # noqa: E402
from alliance_graph.store import graph  # noqa: E402
from alliance_graph.store.layout import ASSERTED, main_line, write_main  # noqa: E402

HEAVY = ("scan count", "disputes", "optional+order", "string filter")


def median_us(call, runs: int) -> float:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times)


def per_request(p: dict, runs: int) -> list[tuple[str, float]]:
    """Return (step, median µs) for a lookup taken apart."""
    project = p["project"]
    settings = Settings(data_dir=project / "data", ontology_dir=project / "ontology",
                        sources_dir=project / "sources", cache_dir=project / "cache")
    text = compare.PREFIXES + compare.KINDS["lookup"].replace("{e}", "E0000001")
    unique = [f"{text}\n# {i}" for i in range(runs)]
    kg = graph.load(settings)
    bounds = Bounds.from_settings(settings)
    json_fmt = RESULT_FORMATS["json"]
    local = LocalEngine(kg, settings)
    steps = [
        ("the safety check (guard.check)",
         median_us(lambda i: guard.check(unique[i], PREFIX_IRIS, (), bounds), runs)),
        ("Oxigraph: query and JSON, in process",
         median_us(lambda i: kg.main.query(unique[i], default_graph=ASSERTED).serialize(
             format=ox.QueryResultsFormat.JSON), runs)),
        ("our engine, in process (LocalEngine.answer)",
         median_us(lambda i: local.answer(unique[i], Dataset(), json_fmt, PREFIX_IRIS), runs)),
    ]
    engine = ProcessEngine(settings)
    try:
        steps.append(("our engine, own process (ProcessEngine.answer)",
                      median_us(lambda i: engine.answer(unique[i], Dataset(), json_fmt,
                                                        PREFIX_IRIS), runs)))
    finally:
        engine.close()
    for name, command, path in (
            ("HTTP, alliance-graph serve", [*p["memory"], "serve", "--response-cache", "0"],
             "/sparql"),
            ("HTTP, oxigraph serve", [str(load.BIN / "oxigraph"), "serve",
                                      "--union-default-graph"], "/query")):
        port = load.free_port()
        command = command + (["--port", str(port)] if path == "/sparql"
                             else ["--bind", f"127.0.0.1:{port}"])
        process = load.start_process(command, port, load.query_path(path, "ASK {}"))
        try:
            if path == "/query":
                with open(p["nquads"], "rb") as data:
                    request = urllib.request.Request(
                        f"http://127.0.0.1:{port}/store", data=data, method="POST",
                        headers={"Content-Type": "application/n-quads"})
                    urllib.request.urlopen(request, timeout=3600).close()
            times = load.latencies(port, [load.query_path(path, t) for t in unique])
            steps.append((name, load.median(times) * 1000))
        finally:
            load.stop(process)
    return steps


def per_layout(p: dict) -> list[tuple[str, float, float, float]]:
    """Return (kind, ours, ours without inferred, asserted as union) median ms."""
    build = max((p["project"] / "cache").glob("build-*.nq"), key=lambda f: f.stat().st_mtime)
    main = io.BytesIO()
    write_main(build, main)
    ours = ox.Store()
    ours.load(main.getvalue(), format=ox.RdfFormat.N_QUADS)
    del main
    asserted_only = ox.Store()
    asserted_only.bulk_extend(q for q in ours.quads_for_pattern(None, None, None, ASSERTED))
    union = ox.Store()
    union.load(p["nquads"].read_bytes(), format=ox.RdfFormat.N_QUADS)
    rows = []
    texts = dict(zip(compare.KINDS, compare.texts(len(compare.KINDS), p["entities"], False, 0),
                     strict=True))
    for kind in HEAVY:
        def ms(store, text=texts[kind], **dataset):
            return median_us(lambda _: list(store.query(text, **dataset)), 9) / 1000
        rows.append((kind, ms(ours, default_graph=ASSERTED),
                     ms(asserted_only, default_graph=ASSERTED),
                     ms(union, use_default_graph_as_union=True)))
    return rows


def per_load_order(p: dict, requests: int) -> list[tuple[str, float, float]]:
    """Return (kind, build order, sorted) mean CPU ms; the last row is the mean per request."""
    build = max((p["project"] / "cache").glob("build-*.nq"), key=lambda f: f.stat().st_mtime)
    with open(build, "rb") as lines:
        in_build_order = [main_line(line) for line in lines]
    stores = {}
    for name, lines in (("sorted", sorted(in_build_order)), ("build", in_build_order)):
        stores[name] = ox.Store()
        stores[name].load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
    del in_build_order
    kinds = list(compare.KINDS)
    times = {name: {kind: [] for kind in kinds} for name in stores}
    for i, text in enumerate(compare.texts(requests, p["entities"], True, 0)):
        for name, store in stores.items():
            started = time.process_time()
            store.query(text, default_graph=ASSERTED).serialize(format=ox.QueryResultsFormat.JSON)
            times[name][kinds[i % len(kinds)]].append((time.process_time() - started) * 1000)
    rows = [(kind, statistics.mean(times["build"][kind]), statistics.mean(times["sorted"][kind]))
            for kind in kinds]
    rows.append(("mean per request", statistics.mean(r[1] for r in rows),
                 statistics.mean(r[2] for r in rows)))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ag-compare"))
    parser.add_argument("--runs", type=int, default=2000, help="lookups per step")
    parser.add_argument("--orders", type=int, default=160,
                        help="requests of the mix per load order (part 3)")
    parser.add_argument("--parts", default="1,2,3", help="the parts to run, e.g. 3")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    p = compare.prepare(args.size, args.work)
    print(f"{args.size:,} facts")
    if "1" in parts:
        print("\nA label lookup, median µs\n\n| step | µs |\n|---|---|")
        for name, us in per_request(p, args.runs):
            print(f"| {name} | {us:.0f} |")
    if "2" in parts:
        print("\nHeavy kinds in process, median ms\n")
        print("| kind | graph/asserted beside graph/inferred (ours) | graph/asserted alone "
              "| asserted, union of graphs (as oxigraph serve) |\n|---|---|---|---|")
        for kind, ours, alone, union in per_layout(p):
            print(f"| {kind} | {ours:.1f} | {alone:.1f} | {union:.1f} |")
    if "3" in parts:
        print("\nThe main layout by load order, in process, mean CPU ms\n")
        print("| kind | build order | sorted (as written) |\n|---|---|---|")
        for kind, in_build_order, in_sorted_order in per_load_order(p, args.orders):
            print(f"| {kind} | {in_build_order:.2f} | {in_sorted_order:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
