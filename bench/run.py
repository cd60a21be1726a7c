"""Benchmark the store backends on synthetic cited facts, beside a plain rdflib + Flask endpoint.

    make bench                                   # = python bench/run.py (shipped, 10 k, 100 k)
    python bench/run.py --sizes 10000 --requests 100 --seconds 2
    python bench/run.py --sizes 1000000          # opt-in: see docs/benchmarks.md

For each size: generate a project (bench/generate.py), run the build pipeline once in a child
process (time, peak RSS), then per backend (memory, directory, remote Oxigraph server) fill the
store and start `alliance-graph serve` on it (time to ready, peak RSS, size on disk), measure the
latency of a fixed query mix over HTTP and the throughput of a simple lookup at concurrency 1
and 8 (helpers from bench/http_load.py), and time `alliance-graph validate` on a 100-fact
proposal.  The same mix runs against a minimal Flask app over an rdflib Dataset of the same
quads.  Prints a Markdown table and, with --write, puts it in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
import http_load as endpoint  # noqa: E402  free_port, start_process, Client, throughput
import validate_100  # noqa: E402  its 100-fact proposal writer

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
ID = "https://alliance-graph.example/id/"
# The fixed mix: a simple lookup, one entity's cited claims with quotes, inferred types, and a
# scan of every claim.  E0000003 exists at every size (generate.py numbers entities from 0).
MIX = {
    "lookup": f"SELECT ?label WHERE {{ <{ID}E0000003> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
    "claims+quotes": f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?p ?o ?quote WHERE {{ ?c rdf:subject <{ID}E0000003> ; rdf:predicate ?p ; rdf:object ?o ;
  prov:wasDerivedFrom ?ev . ?ev oa:hasSelector ?sel . ?sel oa:exact ?quote }}""",
    "inferred-types": f"SELECT ?t WHERE {{ GRAPH <https://alliance-graph.example/graph/inferred>"
                      f" {{ <{ID}E0000003> a ?t }} }}",
    "claims-by-predicate": """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?p (COUNT(?c) AS ?n) WHERE { ?c rdf:predicate ?p } GROUP BY ?p""",
}
# The scan is much slower than the rest; fewer samples keep the run bounded.
SAMPLES = {"claims-by-predicate": 0.025}

RDFLIB_APP = """
import sys, rdflib
from flask import Flask, request, Response
dataset = rdflib.Dataset(default_union=True)
dataset.parse(sys.argv[1], format="nquads")
app = Flask(__name__)

@app.get("/sparql")
def sparql():
    result = dataset.query(request.args["query"])
    return Response(result.serialize(format="json"), mimetype="application/sparql-results+json")

app.run(host="127.0.0.1", port=int(sys.argv[2]), threaded=True)
"""

# Runs a command as its only child and reports that child's peak RSS (kB) on stderr's last line.
MEASURED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(code)")
# The build pipeline without the data checks, for sizes where they would dominate (see docs).
NO_CHECKS = ("import sys; from alliance_graph.build import checks; "
             "checks.problems = lambda *a, **k: []; from alliance_graph.cli import main; "
             "sys.argv[0] = 'alliance-graph'; main()")


DEFAULT_SIZES = "shipped,10000,100000"


def project_env(project: Path) -> dict:
    env = dict(os.environ)
    env.update(ALLIANCE_GRAPH_PROJECT=str(project), ALLIANCE_GRAPH_ONTOLOGY=str(project / "ontology"),
               ALLIANCE_GRAPH_DATA=str(project / "data"),
               ALLIANCE_GRAPH_SOURCES=str(project / "sources"),
               ALLIANCE_GRAPH_CACHE=str(project / "cache"))
    env.pop("ALLIANCE_GRAPH_STORE", None)
    return env


def cli(args: list[str], checks: bool) -> list[str]:
    if checks:
        return [str(BIN / "alliance-graph"), *args]
    return [sys.executable, "-c", NO_CHECKS, *args]


def measured(command: list[str], env: dict, timeout: float) -> tuple[float, float, str]:
    """Run ``command``; return (seconds, peak RSS in MB, output), or raise on failure."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, *command], env=env, text=True,
                          capture_output=True, timeout=timeout)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}... failed:\n{done.stderr[-2000:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, done.stdout


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def tolerant_latency(port: int, path: str, requests: int) -> dict:
    """Return the median and p99 latency of ``requests`` requests for one query path,
    counting refused requests: one should not lose a whole benchmark run."""
    times, refused = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = endpoint.Client(port).get(path)
        if status == 200:
            times.append((time.perf_counter() - started) * 1000)
        else:
            refused += 1
    if not times:
        raise RuntimeError(f"every request to port {port} was refused")
    times.sort()
    return {"median_ms": statistics.median(times),
            "p99_ms": times[max(0, int(len(times) * 0.99) - 1)], "refused": refused}


def mix_latency(port: int, base: str, requests: int) -> dict:
    figures = {}
    for name, query in MIX.items():
        path = endpoint.query_path(base, query)
        for _ in range(3):  # warm up, and say what went wrong if the server refuses
            status, body = endpoint.Client(port).get(path)
            if status != 200:
                raise RuntimeError(f"{name}: status {status}: {body[:500]!r}")
        samples = max(5, int(requests * SAMPLES.get(name, 1)))
        figures[name] = tolerant_latency(port, path, samples)
    return figures


def serve_and_measure(command: list[str], env: dict, base: str, args,
                      port_flag: bool = True) -> dict:
    """Start a server, time it to ready, measure the mix, stop it."""
    port = endpoint.free_port()
    started = time.perf_counter()
    process = subprocess.Popen([*command, *(["--port"] if port_flag else []), str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + args.timeout
        while True:
            try:
                if endpoint.Client(port).get(endpoint.query_path(base, "ASK {}"))[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[:3]} did not start")
            time.sleep(0.05)
        figures = {"ready_s": time.perf_counter() - started}
        figures["mix"] = mix_latency(port, base, args.requests)
        for c in (1, 8):
            try:
                # The label lookup of the mix, over and over.
                figures[f"rps_c{c}"] = endpoint.throughput(
                    port, [endpoint.query_path(base, MIX["lookup"])], c, args.seconds)["rps"]
            except RuntimeError as exc:  # a refused request, as in mix_latency
                print(f"  throughput c={c}: {exc}", file=sys.stderr)
                figures[f"rps_c{c}"] = None
        return figures
    finally:
        process.terminate()
        process.wait(timeout=60)


def shipped_project(work: Path) -> dict:
    """Copy the shipped ontology and data (and the sources, if any) as a benchmark project."""
    project = work / "shipped"
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, project / name)
    sources = ROOT.parent / "shared" / "sources"
    if sources.is_dir():
        shutil.copytree(sources, project / "sources")
    return {"claims": "shipped"}


def measure_backend(backend: str, project: Path, env: dict, checks: bool, cache: Path,
                    args) -> dict:
    """Fill one backend's store, serve it, and measure; return its figures."""
    figures, oxigraph = {}, None
    try:
        if backend == "memory":
            store, disk = "memory", None
        elif backend == "directory":
            store = str(project / "store")
            # A cache of its own: with the pipeline's N-Quads at hand the store would be
            # bulk-loaded from them, and a large build on disk would not be measured.
            fill_env = dict(env, ALLIANCE_GRAPH_CACHE=str(project / "cache-directory"))
            seconds, peak, _ = measured(cli(["--store", store, "load"], checks), fill_env,
                                        args.timeout)
            figures.update(fill_s=seconds, fill_peak_mb=peak)
            disk = project / "store"
        else:
            port, location = endpoint.free_port(), project / "oxigraph"
            shutil.rmtree(location, ignore_errors=True)  # a fresh fill, not a reused one
            if args.remote_fill == "bulk":
                # Oxigraph's own bulk loader, offline, before the server starts: its server
                # takes a POSTed document in one transaction, in memory (over 19 GB at 1 M).
                # What `load` would send (the build and graph/asserted), as one file.
                document = project / "remote.nq"
                subprocess.run(cli(["load", "--nquads", str(document)], checks), env=env,
                               check=True, timeout=args.timeout)
                seconds, peak, _ = measured([str(BIN / "oxigraph"), "load", "--location",
                                             str(location), "--file", str(document)], env,
                                            args.timeout)
                figures.update(fill_s=seconds, fill_peak_mb=peak)
            oxigraph = endpoint.start_process(
                [str(BIN / "oxigraph"), "serve", "--location", str(location),
                 "--bind", f"127.0.0.1:{port}"], port, endpoint.query_path("/query", "ASK {}"))
            store = f"http://127.0.0.1:{port}/query"
            if args.remote_fill == "load":
                seconds, peak, _ = measured(cli(["--store", store, "load"], checks), env,
                                            args.timeout)
                figures.update(fill_s=seconds, fill_peak_mb=peak)
            disk = project / "oxigraph"
        # No response cache: the mix repeats identical requests, and the cache would
        # answer them without touching the store being measured.
        # Its clients all come from 127.0.0.1, each standing for another user: one address's
        # share of the server (web/client_share.py) is the whole server here.
        serve = cli(["--store", store, "serve", "--workers", str(args.workers),
                     "--response-cache", "0", "--requests-per-client", "16",
                     "--queries-per-client", str(args.workers)], checks)
        figures.update(serve_and_measure(serve, env, "/sparql", args))
        figures["disk_mb"] = folder_mb(disk) if disk else None
        return figures
    finally:
        if oxigraph:
            oxigraph.terminate()
            oxigraph.wait(timeout=60)


def bench_size(n: int | str, args, work: Path) -> dict:
    if n == "shipped":
        counts, project = shipped_project(work), work / "shipped"
    else:
        n = int(n)
        project = work / f"facts-{n}"
        kept = project / "counts.json"
        if args.reuse and kept.exists():
            counts = json.loads(kept.read_text(encoding="utf-8"))
        else:
            counts = generate.generate(n, project)
            kept.write_text(json.dumps(counts), encoding="utf-8")
    env = project_env(project)
    checks = n == "shipped" or n <= args.checks_up_to
    row = {"facts": counts["claims"], "checks": checks, "backends": {}}
    print(f"[{n}] generated {counts}", file=sys.stderr)
    measured_build = project / "pipeline.json"
    if args.reuse and measured_build.exists():
        row["pipeline"] = json.loads(measured_build.read_text(encoding="utf-8"))
    else:
        seconds, peak, _ = measured(cli(["load"], checks), env, args.timeout)
        cache = next((project / "cache").glob("build-*.nq"))
        row["pipeline"] = {"seconds": seconds, "peak_mb": peak,
                           "nquads_mb": cache.stat().st_size / 1e6,
                           "quads": sum(1 for _ in cache.open("rb"))}
        measured_build.write_text(json.dumps(row["pipeline"]), encoding="utf-8")
    cache = next((project / "cache").glob("build-*.nq"))
    print(f"[{n}] pipeline {row['pipeline']}", file=sys.stderr)

    for backend in args.backends:
        # A backend that fails (a store out of memory, a timeout) is reported in its row and
        # the run goes on to the next.
        try:
            figures = measure_backend(backend, project, env, checks, cache, args)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            figures = {"error": str(exc).splitlines()[-1][:200]}
        row["backends"][backend] = figures
        print(f"[{n}] {backend} {figures}", file=sys.stderr)

    if args.rdflib:
        app = [sys.executable, "-c", RDFLIB_APP, str(cache)]
        row["rdflib"] = serve_and_measure(app, env, "/sparql", args, port_flag=False)
        print(f"[{n}] rdflib {row['rdflib']}", file=sys.stderr)
    # Against the directory store when there is one: validate reads a proposal's
    # neighbourhood from a prebuilt store (docs/validation.md), and this one is built.
    built = (project / "store" / "CURRENT").exists()
    row["validate_on"] = "directory" if built else "memory"
    store = ["--store", str(project / "store")] if built else []
    row["validate_s"] = time_validate(project, env, args, store)
    return row


def time_validate(project: Path, env: dict, args, store: list[str]) -> str:
    """Time `alliance-graph validate` on a 100-fact proposal against the generated graph, as
    "first / again": the first run also checks the shapes themselves (meta-SHACL, remembered
    in the cache), as a contributor's first validate after a change to shapes.ttl does."""
    proposal = project / "proposal-100.ttl"
    evidence = (validate_100.some_evidence() if project.name == "shipped"
                else "https://alliance-graph.example/id/evidence/E0000003")
    proposal.write_text(validate_100.proposal(100, evidence), encoding="utf-8")
    times = []
    for _ in range(2):
        started = time.perf_counter()
        try:
            done = subprocess.run([str(BIN / "alliance-graph"), *store, "validate",
                                   str(proposal)], env=env, capture_output=True,
                                  timeout=args.validate_timeout)
        except subprocess.TimeoutExpired:
            return f"> {args.validate_timeout:.0f} s"
        if done.returncode == 2:
            return "n/a (could not run)"
        times.append(time.perf_counter() - started)
    return " / ".join(f"{t:.1f}" for t in times)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} CPUs ({cpu}), {int(memory) / 1024 / 1024:.1f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def fmt(value, spec=".1f") -> str:
    return "n/a" if value is None else value if isinstance(value, str) else format(value, spec)


def ratio(ours, theirs) -> str:
    return "n/a" if ours is None or theirs is None else f"{ours / theirs:.1f}x"


def table(rows: list[dict]) -> str:
    out = ["| facts | backend | build s | peak MB | disk MB | ready s | lookup median / p99 ms "
           "| claims+quotes ms | inferred ms | scan ms | req/s c=1 | req/s c=8 | validate 100 s (first / again) |",
           "|" + " --- |" * 13]
    for row in rows:
        p = row["pipeline"]
        note = "" if row["checks"] else " (no checks)"
        validate_on = row["validate_on"] if row["validate_on"] in row["backends"] \
            else next(iter(row["backends"]), None)
        for name, f in [*row["backends"].items(), *([("rdflib + Flask", row["rdflib"])]
                                                     if "rdflib" in row else [])]:
            if "error" in f:
                out.append(f"| {fmt(row['facts'], ',')} | {name} | failed: {f['error']} |"
                           + " |" * 10 + f" {fmt(row['validate_s'] if name == validate_on else None)} |")
                continue
            # A directory store is built whole by its fill (its own cache); the other stores
            # are filled from the pipeline's build, so both steps count.
            if name == "directory":
                build, peak = f["fill_s"], f["fill_peak_mb"]
            elif name != "rdflib + Flask":
                build = p["seconds"] + f.get("fill_s", 0)
                peak = max(p["peak_mb"], f.get("fill_peak_mb", 0))
            else:
                build = peak = None
            mix = f["mix"]
            out.append(
                f"| {fmt(row['facts'], ',')} | {name} | {fmt(build)}{note if build else ''} | "
                f"{fmt(peak, '.0f')} | {fmt(f.get('disk_mb'))} | {fmt(f['ready_s'], '.2f')} | "
                f"{mix['lookup']['median_ms']:.2f} / {mix['lookup']['p99_ms']:.2f} | "
                f"{mix['claims+quotes']['median_ms']:.2f} | {mix['inferred-types']['median_ms']:.2f} | "
                f"{mix['claims-by-predicate']['median_ms']:.0f} | {fmt(f['rps_c1'], '.0f')} | "
                f"{fmt(f['rps_c8'], '.0f')} | {fmt(row['validate_s'] if name == validate_on else None)} |")
        if "rdflib" in row and "memory" in row["backends"]:
            ours, theirs = row["backends"]["memory"], row["rdflib"]
            out.append(f"| {fmt(row['facts'], ',')} | ratio memory / rdflib | | | | | "
                       f"{theirs['mix']['lookup']['median_ms'] / ours['mix']['lookup']['median_ms']:.1f}x faster | "
                       f"{theirs['mix']['claims+quotes']['median_ms'] / ours['mix']['claims+quotes']['median_ms']:.1f}x | "
                       f"{theirs['mix']['inferred-types']['median_ms'] / ours['mix']['inferred-types']['median_ms']:.1f}x | "
                       f"{theirs['mix']['claims-by-predicate']['median_ms'] / ours['mix']['claims-by-predicate']['median_ms']:.1f}x | "
                       f"{ratio(ours['rps_c1'], theirs['rps_c1'])} | "
                       f"{ratio(ours['rps_c8'], theirs['rps_c8'])} | |")
    return "\n".join(out)


def write_report(docs: Path, sizes: str, report: str) -> None:
    """Put ``report`` in ``docs`` between the markers of this set of sizes: a run of other
    sizes (the opt-in million) keeps its own table beside the default one."""
    name = "results" if sizes == DEFAULT_SIZES else f"results {sizes}"
    start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
    text = docs.read_text(encoding="utf-8")
    if start not in text:
        head, _, rest = text.partition("\n## Targets")
        text = f"{head}\n### Sizes {sizes}\n\n{start}{end}\n\n## Targets{rest}"
    head, _, rest = text.partition(start)
    docs.write_text(head + start + report + end + rest.partition(end)[2], encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help="comma-separated fact counts, or 'shipped' for the shipped data "
                             "(1000000 is opt-in, see docs)")
    parser.add_argument("--backends", default="memory,directory,remote")
    parser.add_argument("--requests", type=int, default=200, help="latency samples per query")
    parser.add_argument("--seconds", type=float, default=3.0, help="each throughput run")
    parser.add_argument("--workers", type=int, default=2, help="alliance-graph serve workers")
    parser.add_argument("--checks-up-to", type=int, default=10_000,
                        help="run the data checks in builds up to this size (see docs)")
    parser.add_argument("--no-rdflib", dest="rdflib", action="store_false")
    parser.add_argument("--timeout", type=float, default=1800, help="per build/start, seconds")
    parser.add_argument("--validate-timeout", type=float, default=300)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: reuse a project generated and built by an earlier run "
                             "(its counts and pipeline figures), measuring only the backends")
    parser.add_argument("--remote-fill", choices=("load", "bulk"), default="load",
                        help="fill the remote Oxigraph server with `alliance-graph load` (HTTP), "
                             "or offline with `oxigraph load` (its bulk loader)")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md's table")
    args = parser.parse_args(argv)
    args.backends = args.backends.split(",")
    work = args.keep or Path(tempfile.mkdtemp(prefix="alliance-graph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = [bench_size(n, args, work) for n in args.sizes.split(",")]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report = f"Machine: {machine()}\n\nCommand: `{command.strip()}`\n\n{table(rows)}\n"
    print(report)
    if args.write:
        write_report(ROOT / "docs" / "benchmarks.md", args.sizes, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
