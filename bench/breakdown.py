"""Where the time of ``bench/compare.py``'s gap to Oxigraph goes: per request, and per layout.

    .venv/bin/python bench/breakdown.py [--size 100000] [--work /tmp/ag-compare] [--runs 2000]
                                        [--orders 160] [--seconds 8] [--queries 40]
                                        [--parts 1,2,3,4,5,6]

Part 1, per request, on a label lookup of the size's generated project (a distinct query text
each time, so no cache answers): the safety check (``guard.check``), Oxigraph alone (query and
JSON serialization in process), our in-process engine (``LocalEngine.answer``: dataset, bounded
serialization), the engine in its own process (``ProcessEngine.answer``: the socket round
trip), and the same lookup over HTTP, one client on one keep-alive connection, from
``alliance-graph serve`` and from ``oxigraph serve`` on the same data.

Part 2, per layout, in process: the mix (``--orders`` requests, the layouts taking turns on
each text, mean CPU milliseconds per kind) over the memory backend's ``main`` store (asserted
triples in ``graph/asserted``, inferred ones in ``graph/inferred``, the query's default graph
``graph/asserted``), over the same quads with the asserted ones in the store's default graph,
and over the asserted quads alone read as the union of the store's graphs (what ``oxigraph
serve --union-default-graph`` does).  All three are loaded from the same sorted lines, since
the load order alone moves these figures by 10 % or more (part 3).

Part 3, per load order, in process: the ``main`` layout loaded in the build's order and sorted
(as ``layout.write_main`` writes it), both in this process (the sorted one first, so that
allocation order favours the other), each kind's mean CPU milliseconds over ``--orders``
requests of the mix, the two stores taking turns on each text.

Part 4, per number of queries at once: the mix run by 1, 2 and 8 threads over the ``main``
store in this process for ``--seconds`` each (the store releases Python's lock while it
evaluates), then by 8 threads through the engine process (``ProcessEngine``, ``--workers 8``):
requests per second and CPU milliseconds per request (this process's, then the engine's).

Part 5, the scan alone (claims counted per predicate over the whole graph), ``--queries`` times
by one thread, by two threads over the one store, and by two processes forked from this one
once the store is loaded: queries per second, CPU milliseconds per query, and how much of the
store each forked process ended up holding alone (a page it writes is copied for it).

Part 6, a label lookup alone and the scan alone over HTTP, every text distinct, sent by 1, 2
and 8 clients for ``--seconds`` each to ``alliance-graph serve`` (memory, response cache off)
and to ``oxigraph serve`` on the same data: requests per second and each server's CPU
milliseconds per request (ours: its processes together, and its front's own share), and how
many times per request the front's threads gave up a CPU to wait (for a lock, Python's among
them, or a socket: each a switch of threads, the front's largest cost at eight clients).
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import statistics
import sys
import threading
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
from alliance_graph.query.bounds import Bounds  # noqa: E402
from alliance_graph.query.dataset import Dataset  # noqa: E402
from alliance_graph.query.results import RESULT_FORMATS  # noqa: E402
from alliance_graph.settings import Settings  # noqa: E402
from alliance_graph.store import graph  # noqa: E402
from alliance_graph.store.layout import ASSERTED, INFERRED, main_line, write_main  # noqa: E402

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
         median_us(lambda i: local.answer(unique[i], Dataset(), [json_fmt], PREFIX_IRIS), runs)),
    ]
    engine = ProcessEngine(settings)
    try:
        steps.append(("our engine, own process (ProcessEngine.answer)",
                      median_us(lambda i: engine.answer(unique[i], Dataset(), [json_fmt],
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


def turns(stores: dict, requests: int, entities: int) -> list[tuple]:
    """Return (kind, mean CPU ms per store...) over ``requests`` texts of the mix, the stores
    taking turns on each text; the last row is the mean per request.  ``stores`` maps a name
    to a function answering a text (query and JSON)."""
    kinds = list(compare.KINDS)
    times = {name: {kind: [] for kind in kinds} for name in stores}
    for i, text in enumerate(compare.texts(requests, entities, True, 0)):
        for name, answer in stores.items():
            started = time.process_time()
            answer(text)
            times[name][kinds[i % len(kinds)]].append((time.process_time() - started) * 1000)
    rows = [(kind, *(statistics.mean(times[name][kind]) for name in stores)) for kind in kinds]
    rows.append(("mean per request", *(statistics.mean(r[k] for r in rows)
                                       for k in range(1, len(stores) + 1))))
    return rows


def main_lines(p: dict) -> list[bytes]:
    """Return the lines of the memory store's ``main`` file, as ``write_main`` writes them."""
    build = max((p["project"] / "cache").glob("build-*.nq"), key=lambda f: f.stat().st_mtime)
    out = io.BytesIO()
    write_main(build, out)
    return out.getvalue().splitlines(keepends=True)


def store_of(lines: list[bytes]) -> ox.Store:
    store = ox.Store()
    store.load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
    return store


def per_layout(p: dict, requests: int) -> list[tuple]:
    """Return (kind, mean CPU ms per layout) of the mix, every layout loaded in one order."""
    lines = main_lines(p)
    tail = f" <{ASSERTED.value}> .\n".encode()
    in_default = [line[:-len(tail)] + b" .\n" if line.endswith(tail) else line for line in lines]
    named, default = store_of(lines), store_of(in_default)
    inferred = f" <{INFERRED.value}> .\n".encode()
    asserted_only = store_of([line for line in in_default if not line.endswith(inferred)])
    del lines, in_default
    json_format = ox.QueryResultsFormat.JSON
    return turns({
        "named": lambda t: named.query(t, default_graph=ASSERTED).serialize(format=json_format),
        "default": lambda t: default.query(t).serialize(format=json_format),
        "union": lambda t: asserted_only.query(t, use_default_graph_as_union=True).serialize(
            format=json_format),
    }, requests, p["entities"])


def per_load_order(p: dict, requests: int) -> list[tuple]:
    """Return (kind, build order, sorted) mean CPU ms; the last row is the mean per request."""
    build = max((p["project"] / "cache").glob("build-*.nq"), key=lambda f: f.stat().st_mtime)
    with open(build, "rb") as lines:
        in_build_order = [main_line(line) for line in lines]
    # The sorted one first, so that allocation order favours the other.
    stores = {"sorted": store_of(sorted(in_build_order)), "build": store_of(in_build_order)}
    del in_build_order
    json_format = ox.QueryResultsFormat.JSON
    rows = turns({name: (lambda t, s=store: s.query(t, default_graph=ASSERTED).serialize(
        format=json_format)) for name, store in stores.items()}, requests, p["entities"])
    return [(kind, build, in_sorted) for kind, in_sorted, build in rows]


def per_thread_count(p: dict, seconds: float) -> list[tuple[str, int, float, float]]:
    """Return (where, threads, requests/s, CPU ms per request) of the mix run by 1, 2 and 8
    threads at once over the ``main`` store in this process, and by 8 through the engine
    process (its CPU, not this process's)."""
    settings = Settings(data_dir=p["project"] / "data", ontology_dir=p["project"] / "ontology",
                        sources_dir=p["project"] / "sources", cache_dir=p["project"] / "cache",
                        workers=8, max_result_bytes=2**30, query_timeout=600)
    store = store_of(main_lines(p))
    json_fmt = RESULT_FORMATS["json"]
    pool = compare.texts(100_000, p["entities"], True, 0)
    rows = []

    def run(answer, threads: int, cpu) -> tuple[float, float]:
        taken, lock = itertools.cycle(pool), threading.Lock()  # never runs dry
        done = [0]
        stop = time.monotonic() + seconds

        def client():
            while time.monotonic() < stop:
                with lock:
                    text = next(taken)
                answer(text)
                with lock:
                    done[0] += 1
        before, started = cpu(), time.monotonic()
        workers = [threading.Thread(target=client) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - started
        return done[0] / elapsed, 1000 * (cpu() - before) / max(1, done[0])

    for threads in (1, 2, 8):
        rows.append(("in process", threads, *run(
            lambda t: store.query(t, default_graph=ASSERTED).serialize(
                format=ox.QueryResultsFormat.JSON), threads, time.process_time)))
    store = None  # its memory goes before the engine loads its own copy
    engine = ProcessEngine(settings)
    try:
        pid = engine.info["pid"]
        rows.append(("engine process", 8, *run(
            lambda t: engine.answer(t, Dataset(), [json_fmt], PREFIX_IRIS), 8,
            lambda: load.cpu_seconds(pid))))
    finally:
        engine.close()
    return rows


def scaling(p: dict, kind: str, queries: int) -> list[tuple[str, float, float, float | None]]:
    """Return (how, queries/s, CPU ms per query, private MiB per forked process) of ``kind``
    run ``queries`` times each by one thread, by two threads over one store, and by two
    processes forked from this one after the store is loaded (sharing its pages copy-on-write).
    """
    store = store_of(main_lines(p))
    index = list(compare.KINDS).index(kind)
    kinds = len(compare.KINDS)
    texts = [t for i, t in enumerate(compare.texts(kinds * queries, p["entities"], True, 0))
             if i % kinds == index]

    def answer_all() -> None:
        for text in texts:
            store.query(text, default_graph=ASSERTED).serialize(format=ox.QueryResultsFormat.JSON)

    answer_all()  # warm up
    rows = []
    for threads in (1, 2):
        workers = [threading.Thread(target=answer_all) for _ in range(threads)]
        cpu, started = time.process_time(), time.monotonic()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed, used = time.monotonic() - started, time.process_time() - cpu
        rows.append((f"{threads} thread{'s' if threads > 1 else ''}, one store",
                     threads * queries / elapsed, 1000 * used / (threads * queries), None))
    reads, children = [], []
    before, started = os.times(), time.monotonic()
    for _ in range(2):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: answer, then say how much of the store it copied
            os.close(read)
            answer_all()
            os.write(write, str(load.private_mib()).encode())
            os._exit(0)
        os.close(write)
        reads.append(read)
        children.append(pid)
    private = []
    for pid, read in zip(children, reads, strict=True):
        os.waitpid(pid, 0)
        private.append(float(os.read(read, 64) or b"0"))
        os.close(read)
    elapsed, after = time.monotonic() - started, os.times()
    used = after.children_user + after.children_system \
        - before.children_user - before.children_system
    rows.append(("2 processes forked after loading", 2 * queries / elapsed,
                 1000 * used / (2 * queries), statistics.mean(private)))
    return rows


def over_http(p: dict, work: Path, kinds: tuple[str, ...], seconds: float
              ) -> list[tuple[str, str, int, float, float, float | None, float | None]]:
    """Return (kind, server, clients, requests/s, CPU ms per request, of which the front's,
    the front's threads' waits per request) of each of ``kinds`` alone, every text distinct,
    sent by 1, 2 and 8 clients to ours (memory, cache off) and ``oxigraph serve``."""
    servers = compare.start_servers(p, work, ("ours memory", "oxigraph memory"))
    rows = []
    names = list(compare.KINDS)
    try:
        for k, (kind, clients) in enumerate(itertools.product(kinds, (1, 2, 8))):
            texts = compare.texts(len(names) * 20_000, p["entities"], True, 10**6 * (k + 1))
            for name, (process, port, path) in servers.items():
                paths = [load.query_path(path, t) for t in texts[names.index(kind)::len(names)]]
                before = [load.cpu_seconds(process.pid, own) for own in (True, False)]
                waits = load.switches(process.pid)
                result = load.throughput(port, paths, clients, seconds)
                used = [load.cpu_seconds(process.pid, own) - b
                        for own, b in zip((True, False), before, strict=True)]
                answered = max(1.0, result["rps"] * result["seconds"])
                ours = name.startswith("ours")
                rows.append((kind, name, clients, result["rps"], 1000 * used[0] / answered,
                             1000 * used[1] / answered if ours else None,
                             (load.switches(process.pid) - waits) / answered if ours else None))
    finally:
        for process, _, _ in servers.values():
            load.stop(process)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ag-compare"))
    parser.add_argument("--runs", type=int, default=2000, help="lookups per step")
    parser.add_argument("--orders", type=int, default=160,
                        help="requests of the mix per load order (part 3)")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="seconds of each run of part 4")
    parser.add_argument("--queries", type=int, default=40,
                        help="queries of the scan per thread or process (part 5)")
    parser.add_argument("--parts", default="1,2,3,4,5,6", help="the parts to run, e.g. 3")
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
        print("\nThe mix by layout, in process, mean CPU ms\n")
        print("| kind | graph/asserted named, beside graph/inferred (ours) | the store's default "
              "graph, beside graph/inferred | the asserted triples alone, union of graphs "
              "(as oxigraph serve) |\n|---|---|---|---|")
        for kind, named, default, union in per_layout(p, args.orders):
            print(f"| {kind} | {named:.2f} | {default:.2f} | {union:.2f} |")
    if "3" in parts:
        print("\nThe main layout by load order, in process, mean CPU ms\n")
        print("| kind | build order | sorted (as written) |\n|---|---|---|")
        for kind, in_build_order, in_sorted_order in per_load_order(p, args.orders):
            print(f"| {kind} | {in_build_order:.2f} | {in_sorted_order:.2f} |")
    if "4" in parts:
        print("\nThe mix by queries at once, CPU ms per request\n")
        print("| where | threads | requests/s | CPU ms per request |\n|---|---|---|---|")
        for where, threads, rps, cpu_ms in per_thread_count(p, args.seconds):
            print(f"| {where} | {threads} | {rps:.1f} | {cpu_ms:.2f} |")
    if "5" in parts:
        print("\nThe scan alone, two at once, in process\n")
        print("| how | queries/s | CPU ms per query | private MiB per process |\n|---|---|---|---|")
        for how, rate, cpu_ms, private in scaling(p, "scan count", args.queries):
            shown = "" if private is None else f"{private:.0f}"
            print(f"| {how} | {rate:.1f} | {cpu_ms:.2f} | {shown} |")
    if "6" in parts:
        print("\nOne kind alone over HTTP, by clients at once\n")
        print("| kind | server | clients | requests/s | CPU ms per request | of which the front |"
              " the front's threads' waits per request |\n|---|---|---|---|---|---|---|")
        for kind, name, clients, rps, cpu_ms, front, waits in over_http(
                p, args.work, ("lookup", "scan count"), args.seconds):
            shown = ("", "") if front is None else (f"{front:.2f}", f"{waits:.1f}")
            print(f"| {kind} | {name} | {clients} | {rps:.1f} | {cpu_ms:.2f} | {shown[0]} | "
                  f"{shown[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
