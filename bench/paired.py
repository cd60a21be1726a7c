"""Our endpoint at two commits, side by side: did a change on the request path cost anything?

    .venv/bin/python bench/paired.py --old REV [--new REV] [--size 10000] [--rounds 5]
                                     [--seconds 4] [--kinds mix|lookup] [--work /tmp/ag-compare]

A ratio to Oxigraph's server moves between runs of ``compare.py`` by as much as a change could
(the machine is shared): a drop from 0.63x to 0.57x at 10 k facts came with a change that
cost a few per cent at most (docs/benchmarks.md).  Here the sources of both commits (``git
archive``) are served on the same generated project (``compare.prepare``), each from its own
cache, with the options of ``compare.py``'s memory store (response cache off), and each round
measures both, in turns, with ``compare.py``'s mix of distinct texts at 8 clients (or label
lookups alone, ``--kinds lookup``: the fixed cost of a request), so a spell of load from
elsewhere falls on both.  Printed: each round's requests per second and the servers' CPU per
request, then the medians.  Run it both ways round too (``--old B --new A``): the servers
start one after the other, and the first came out ahead by up to 10 % in some runs.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402
import http_load as load  # noqa: E402

OPTIONS = ["serve", "--workers", "8", "--timeout", "120", "--max-result-bytes", str(2**30),
           "--requests-per-client", "16", "--queries-per-client", "8", "--response-cache", "0"]


def sources(rev: str, into: Path) -> Path:
    """Write the package's sources at ``rev`` into ``into``; return the folder to import from."""
    archive = subprocess.run(["git", "-C", str(compare.ROOT), "archive", rev, "src"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def start(name: str, src: Path, p: dict, work: Path) -> tuple[subprocess.Popen, int]:
    """Build and serve ``p``'s project with the package in ``src``; return the server, port."""
    cli = [str(load.BIN / "python"), "-m", "alliance_graph", "--data", str(p["project"] / "data"),
           "--ontology", str(p["project"] / "ontology"), "--sources",
           str(p["project"] / "sources"), "--cache", str(work / f"cache-{name}")]
    env = {**os.environ, "PYTHONPATH": str(src)}  # before the checkout's editable install
    subprocess.run([*cli, "load"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = load.free_port()
    process = load.start_process([*cli, *OPTIONS, "--port", str(port)], port,
                                 "/sparql?query=ASK%7B%7D", log=work / f"{name}.log", env=env)
    return process, port


def texts(kinds: str, n: int, entities: int, start: int) -> list[str]:
    if kinds == "lookup":
        return [compare.PREFIXES + f"SELECT ?l WHERE {{ id:E{(start + i) % entities:07d} "
                f"rdfs:label ?l }} # {start + i}" for i in range(n)]
    return compare.texts(n, entities, True, start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True)
    parser.add_argument("--new", default="HEAD")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--kinds", choices=("mix", "lookup"), default="mix")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ag-compare"))
    args = parser.parse_args(argv)
    p = compare.prepare(args.size, args.work)
    with tempfile.TemporaryDirectory(prefix="ag-paired-") as temp:
        work = Path(temp)
        servers = {}
        try:
            for name, rev in (("old", args.old), ("new", args.new)):
                servers[name] = start(name, sources(rev, work / name), p, work)
            figures: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
            sent = 0
            for r in range(args.rounds):
                # Each round takes them in the other order: a spell of load from elsewhere
                # falls on both alike.
                for name in (list(servers) if r % 2 == 0 else list(servers)[::-1]):
                    process, port = servers[name]
                    paths = [load.query_path("/sparql", t)
                             for t in texts(args.kinds, 4000, p["entities"], sent)]
                    sent += len(paths)
                    before = load.cpu_seconds(process.pid)
                    out = load.throughput(port, paths, 8, args.seconds)
                    cpu = (load.cpu_seconds(process.pid) - before) * 1000 / \
                        (out["rps"] * out["seconds"])
                    figures[name].append((out["rps"], cpu))
                    print(f"round {r + 1} {name}: {out['rps']:.1f} requests/s, {cpu:.3f} ms "
                          f"of CPU a request, {out['failed']} failed", flush=True)
        finally:
            for process, _ in servers.values():
                load.stop(process)
    for name, rev in (("old", args.old), ("new", args.new)):
        rows = figures[name]
        print(f"{name} ({rev}): median {statistics.median(r for r, _ in rows):.1f} requests/s, "
              f"{statistics.median(c for _, c in rows):.3f} ms of CPU a request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
