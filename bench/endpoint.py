"""Benchmark the SPARQL endpoint against `oxigraph serve` on the same data, over loopback.

    .venv/bin/python bench/endpoint.py [--requests 2000] [--seconds 5] [--workers 2]
                                       [--mix lookup --mix varied] [--cache-off] [--rounds 3]

Starts `alliance-graph serve` and `oxigraph serve` (loaded with `alliance-graph export --format
nq --inferred`, `--union-default-graph`) on free loopback ports and, for each query mix,
measures the latency (median, p99) at concurrency 1 and the throughput at concurrency 1 and 8,
prints a table and the ratios, and stops the servers.  The servers run side by side and are
measured in turn for ``--rounds`` rounds (medians reported), so load from other work on a
shared machine falls on all of them rather than on whichever ran last.  Both servers get the same client, the
same query text, the same data and the same concurrency.  Every request opens a new connection
(gunicorn's sync workers do not keep connections alive), for both servers alike.

Mixes: ``lookup`` sends one fixed simple lookup (with the response cache on, every request
after the first per worker is a cache hit); ``varied`` sends the same lookup with a literal
that differs on every request (``FILTER(?label != "r<n>")``), so no request is a cache hit and
every one is parsed, planned and evaluated.  ``--cache-off`` also measures alliance-graph with
its response cache disabled (``serve --response-cache 0``).  The functions are meant to be
imported by larger benchmarks: ``free_port``, ``start_process``, ``start_alliance_graph``,
``start_oxigraph``, ``latency``, ``throughput``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BIN = Path(sys.executable).parent
LOOKUP = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { <https://alliance-graph.example/id/IronDome> rdfs:label ?label }"""
VARIED = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { <https://alliance-graph.example/id/IronDome> rdfs:label ?label
FILTER(?label != "r%s") }"""
MIXES = {"lookup": LOOKUP, "varied": VARIED}


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(host: str, port: int, path: str) -> tuple[int, bytes]:
    """Send one GET on a new connection; return (status, body)."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_process(command: list[str], port: int, probe_path: str, wait: float = 60.0):
    """Start a server process and return it once ``probe_path`` answers 200."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + wait
    while True:
        try:
            if request("127.0.0.1", port, probe_path)[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{command[0]} did not start on port {port}")
        time.sleep(0.1)


def query_path(base: str, query: str) -> str:
    return f"{base}?{urllib.parse.urlencode({'query': query})}"


def paths(base: str, mix: str):
    """Return an endless iterator of request paths for a mix (see the module docstring)."""
    if mix == "lookup":
        return itertools.repeat(query_path(base, LOOKUP))
    # A distinct literal per request and per client process, so no two requests are alike.
    return (query_path(base, VARIED % f"{os.getpid()}-{i}") for i in itertools.count())


def start_alliance_graph(port: int, workers: int | None = None, *extra: str):
    """Start `alliance-graph serve` on ``port``; return (process, query path)."""
    command = [str(BIN / "alliance-graph"), "serve", "--port", str(port), *extra]
    if workers:
        command += ["--workers", str(workers)]
    return start_process(command, port, query_path("/sparql", "ASK {}")), "/sparql"


def start_oxigraph(port: int, nquads: Path, folder: Path):
    """Load ``nquads`` into an Oxigraph directory and serve it; return (process, query path)."""
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(folder), "--file",
                    str(nquads)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command = [str(BIN / "oxigraph"), "serve", "--location", str(folder), "--bind",
               f"127.0.0.1:{port}", "--union-default-graph"]
    return start_process(command, port, query_path("/query", "ASK {}")), "/query"


def latency(port: int, path: str, requests: int, mix: str = "lookup") -> dict:
    """Send ``requests`` requests one after another; return median and p99 in milliseconds."""
    times = []
    for _, one in zip(range(requests), paths(path, mix)):
        started = time.perf_counter()
        status, _ = request("127.0.0.1", port, one)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"status {status} from port {port}")
    times.sort()
    return {"median_ms": statistics.median(times), "p99_ms": times[int(len(times) * 0.99) - 1]}


def _client(args) -> int:
    port, path, seconds, mix = args
    done, stop = 0, time.monotonic() + seconds
    for one in paths(path, mix):
        if time.monotonic() >= stop:
            break
        if request("127.0.0.1", port, one)[0] != 200:
            raise RuntimeError(f"error status from port {port}")
        done += 1
    return done


def throughput(port: int, path: str, concurrency: int, seconds: float,
               mix: str = "lookup") -> float:
    """Run ``concurrency`` client processes for ``seconds``; return requests per second."""
    # Processes, not threads: a Python client in threads would measure its own GIL.
    with multiprocessing.get_context("fork").Pool(concurrency) as pool:
        started = time.monotonic()
        total = sum(pool.map(_client, [(port, path, seconds, mix)] * concurrency))
        return total / (time.monotonic() - started)


def measure(port: int, path: str, requests: int, seconds: float, mix: str = "lookup") -> dict:
    """Return the latency and throughput figures of one server for one mix."""
    latency(port, path, 50, mix)  # warm up every worker
    figures = latency(port, path, requests, mix)
    for c in (1, 8):
        figures[f"rps_c{c}"] = throughput(port, path, c, seconds, mix)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="latency sample size")
    parser.add_argument("--seconds", type=float, default=5.0, help="each throughput run")
    parser.add_argument("--workers", type=int, help="alliance-graph serve workers")
    parser.add_argument("--mix", action="append", choices=sorted(MIXES),
                        help="query mix (repeatable; default: lookup and varied)")
    parser.add_argument("--cache-off", action="store_true",
                        help="also measure alliance-graph with --response-cache 0")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure the servers in turn this many times; report medians")
    args = parser.parse_args(argv)
    mixes = args.mix or ["lookup", "varied"]
    servers = [("alliance-graph", lambda p: start_alliance_graph(p, args.workers))]
    if args.cache_off:
        servers.append(("ag cache off", lambda p: start_alliance_graph(
            p, args.workers, "--response-cache", "0")))
    runs: dict = {}
    loads = []
    with tempfile.TemporaryDirectory() as tmp:
        nquads = Path(tmp) / "data.nq"
        subprocess.run([str(BIN / "alliance-graph"), "export", "--format", "nq", "--inferred",
                        "-o", str(nquads)], check=True, stderr=subprocess.DEVNULL)
        servers.append(("oxigraph serve", lambda p: start_oxigraph(p, nquads, Path(tmp) / "ox")))
        started = []
        try:
            for name, start in servers:
                port = free_port()
                process, path = start(port)
                started.append((name, port, path, process))
            # All servers stay up and are measured in turn, round after round, so a change in
            # the machine's load during the run is shared out rather than hitting one server.
            for _ in range(args.rounds):
                for mix in mixes:
                    for name, port, path, _ in started:
                        runs.setdefault((name, mix), []).append(
                            measure(port, path, args.requests, args.seconds, mix))
                loads.append(os.getloadavg()[0])
        finally:
            for *_, process in started:
                process.terminate()
                process.wait(timeout=30)
    results = {key: {f: statistics.median(r[f] for r in rs) for f in rs[0]}
               for key, rs in runs.items()}
    print(f"{os.cpu_count()} CPUs; 1-minute load average after each round: "
          f"{', '.join(f'{x:.2f}' for x in loads)}; medians of {args.rounds} round(s)")
    print(f"{'mix':<8}{'server':<16}{'median ms':>10}{'p99 ms':>10}{'req/s c=1':>11}"
          f"{'req/s c=8':>11}")
    for (name, mix), f in results.items():
        print(f"{mix:<8}{name:<16}{f['median_ms']:>10.2f}{f['p99_ms']:>10.2f}"
              f"{f['rps_c1']:>11.0f}{f['rps_c8']:>11.0f}")
    for mix in mixes:
        theirs = results["oxigraph serve", mix]
        for name, _ in servers[:-1]:
            ours = results[name, mix]
            print(f"ratio {name} / oxigraph serve, {mix}: c=1 "
                  f"{ours['rps_c1'] / theirs['rps_c1']:.2f}, "
                  f"c=8 {ours['rps_c8'] / theirs['rps_c8']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
