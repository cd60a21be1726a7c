"""Benchmark the SPARQL endpoint against `oxigraph serve` on the same data, over loopback.

    .venv/bin/python bench/endpoint.py [--requests 2000] [--seconds 5] [--workers 4]

Starts `alliance-graph serve` and `oxigraph serve` (loaded with `alliance-graph export --format
nq`) on free loopback ports, measures the latency (median, p99) of a simple lookup at
concurrency 1 and the throughput at concurrency 1 and 8, prints a table and the ratio, and
stops both servers.  Every request opens a new connection (gunicorn's sync workers do not keep
connections alive), for both servers alike.  The functions are meant to be imported by larger
benchmarks: ``free_port``, ``start_process``, ``start_alliance_graph``, ``start_oxigraph``,
``latency``, ``throughput``.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
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


def latency(port: int, path: str, requests: int) -> dict:
    """Send ``requests`` requests one after another; return median and p99 in milliseconds."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = request("127.0.0.1", port, path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"status {status} from port {port}")
    times.sort()
    return {"median_ms": statistics.median(times), "p99_ms": times[int(len(times) * 0.99) - 1]}


def _client(args) -> int:
    port, path, seconds = args
    done, stop = 0, time.monotonic() + seconds
    while time.monotonic() < stop:
        if request("127.0.0.1", port, path)[0] != 200:
            raise RuntimeError(f"error status from port {port}")
        done += 1
    return done


def throughput(port: int, path: str, concurrency: int, seconds: float) -> float:
    """Run ``concurrency`` client processes for ``seconds``; return requests per second."""
    # Processes, not threads: a Python client in threads would measure its own GIL.
    with multiprocessing.get_context("fork").Pool(concurrency) as pool:
        started = time.monotonic()
        total = sum(pool.map(_client, [(port, path, seconds)] * concurrency))
        return total / (time.monotonic() - started)


def measure(port: int, path: str, requests: int, seconds: float) -> dict:
    """Return the latency and throughput figures of one server."""
    path = query_path(path, LOOKUP)
    latency(port, path, 50)  # warm up every worker
    figures = latency(port, path, requests)
    for c in (1, 8):
        figures[f"rps_c{c}"] = throughput(port, path, c, seconds)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="latency sample size")
    parser.add_argument("--seconds", type=float, default=5.0, help="each throughput run")
    parser.add_argument("--workers", type=int, help="alliance-graph serve workers")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        nquads = Path(tmp) / "data.nq"
        subprocess.run([str(BIN / "alliance-graph"), "export", "--format", "nq", "--inferred",
                        "-o", str(nquads)], check=True, stderr=subprocess.DEVNULL)
        for name, start in [
                ("alliance-graph", lambda p: start_alliance_graph(p, args.workers)),
                ("oxigraph serve", lambda p: start_oxigraph(p, nquads, Path(tmp) / "ox"))]:
            port = free_port()
            process, path = start(port)
            try:
                results[name] = measure(port, path, args.requests, args.seconds)
            finally:
                process.terminate()
                process.wait(timeout=30)
    print(f"{'server':<16}{'median ms':>10}{'p99 ms':>10}{'req/s c=1':>11}{'req/s c=8':>11}")
    for name, f in results.items():
        print(f"{name:<16}{f['median_ms']:>10.2f}{f['p99_ms']:>10.2f}"
              f"{f['rps_c1']:>11.0f}{f['rps_c8']:>11.0f}")
    ours, theirs = results["alliance-graph"], results["oxigraph serve"]
    print(f"ratio alliance-graph / oxigraph serve: c=1 {ours['rps_c1'] / theirs['rps_c1']:.2f}, "
          f"c=8 {ours['rps_c8'] / theirs['rps_c8']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
