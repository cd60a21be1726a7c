"""alliance-graph's endpoint beside `oxigraph serve` on the same data, on a mix of query kinds.

    .venv/bin/python bench/compare.py [--sizes 10000,100000] [--seconds 10] [--rounds 3]
                                      [--requests 15] [--work /tmp/ag-compare] [--write]

For each size: generate the project (bench/generate.py), build it into our memory and directory
stores, export its asserted graphs (``export --format nq``) and give them to Oxigraph's own
server in memory (``oxigraph serve``, the N-Quads POSTed to ``/store``) and on RocksDB
(``oxigraph load`` then ``serve-read-only``), both with ``--union-default-graph``.  All servers
run side by side; each measurement visits them in turn, on the same client.  Ours run with the
response cache off (``--response-cache 0``) unless a row says otherwise, and ``--workers 8``
(eight queries at once, as eight Oxigraph connection threads).

The mix, one query per kind (issue 14): a label lookup, one entity's claims with their quotes
and sources, a three-hop join, claims counted per predicate over the whole graph (the *scan*),
disputed claims with their rivals (ORDER BY + LIMIT), a class with OPTIONAL and ORDER BY, a
``+`` property path, a string FILTER.  The entity-bound kinds take a different entity on each
request.  Row counts are checked equal across the servers before anything is timed.

Measured: each kind's median latency over ``--requests`` requests at one client; throughput at
1 and 8 clients cycling through the mix for ``--seconds``, ``--rounds`` times per server with
the servers taken in turn (the median round is shown), with every request's text distinct
(``unique``: a counter in a comment) or half of them repeating a fixed set (``half repeated``),
and the CPU time each server's processes spent per request answered in those runs (for ours,
also its HTTP front's share: the rest is its engine process);
memory of each server's process tree after the runs (PSS counts a page shared by processes
once; RSS sums them).  ``--write`` puts the tables in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import generate  # noqa: E402
import http_load as load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """PREFIX ag: <https://alliance-graph.example/ontology/>
PREFIX id: <https://alliance-graph.example/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
# {e}: an entity's local name (changes per request); the other kinds are whole-graph queries.
KINDS = {
    "lookup": "SELECT ?l WHERE { id:{e} rdfs:label ?l }",
    "claims+quotes": "SELECT ?claim ?p ?o ?quote ?file WHERE { ?claim rdf:subject id:{e} ; "
                     "rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?ev . "
                     "?ev oa:hasSource ?src ; oa:hasSelector ?sel . ?sel oa:exact ?quote . "
                     "?src ag:fileName ?file }",
    "3-hop join": "SELECT ?x ?y ?label WHERE { id:{e} ?p ?x . ?x ?q ?y . ?y rdfs:label ?label }",
    "scan count": "SELECT ?p (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim ; rdf:predicate ?p } "
                  "GROUP BY ?p",
    "disputes": "SELECT ?claim ?rival ?s ?o ?ro WHERE { ?claim ag:disputedBy ?rival ; "
                "rdf:subject ?s ; rdf:object ?o . ?rival rdf:object ?ro } "
                "ORDER BY ?s ?claim LIMIT 50",
    "optional+order": "SELECT ?x ?l ?purpose WHERE { ?x a ag:JointExercise . "
                      "OPTIONAL { ?x rdfs:label ?l } OPTIONAL { ?x ag:purpose ?purpose } } "
                      "ORDER BY ?l LIMIT 50",
    "path+": "SELECT DISTINCT ?x WHERE { id:{e} (ag:jointExercise|ag:participant|ag:focusArea"
             "|ag:cooperationArea|ag:counters|ag:jointProgram|ag:partner)+ ?x }",
    "string filter": "SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(CONTAINS(?l, \"{d}\")) } "
                     "LIMIT 20",
}
# The entity-bound kinds pick among the first entities of these classes (generate.py's cycle).
SERVERS = ("ours memory", "oxigraph memory", "ours directory", "oxigraph rocksdb",
           "ours memory, cache on")


def run(command: list[str], **kw) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kw)


def texts(n: int, entities: int, unique: bool, start: int) -> list[str]:
    """Return ``n`` query texts cycling through the kinds, each bound to its own entity."""
    out = []
    names = list(KINDS)
    for i in range(n):
        kind = names[i % len(names)]
        k = start + i
        text = PREFIXES + KINDS[kind].replace("{e}", f"E{(k * 7919) % entities:07d}") \
            .replace("{d}", f"{(k * 31) % 1000:03d}")
        out.append(text + (f"\n# {k}" if unique else ""))
    return out


def prepare(n: int, work: Path) -> dict:
    """Generate and build a project of ``n`` facts; return its folders and figures."""
    project = work / f"ag-{n}"
    if not (project / "data").is_dir():
        generate.generate(n, project)
    cli = [str(load.BIN / "alliance-graph"), "--data", str(project / "data"), "--ontology",
           str(project / "ontology"), "--sources", str(project / "sources")]
    memory = [*cli, "--cache", str(project / "cache")]
    directory = [*cli, "--cache", str(project / "cache-dir"), "--store", str(project / "store")]
    nquads = project / "asserted.nq"
    started = time.monotonic()
    run([*memory, "load"])
    run([*directory, "load"])
    if not nquads.exists():
        run([*memory, "export", "--format", "nq", "-o", str(nquads)])
    rocks = project / "oxigraph-rocksdb"
    if not rocks.is_dir():
        run([str(load.BIN / "oxigraph"), "load", "--location", str(rocks), "--file", str(nquads)],
            stderr=subprocess.DEVNULL)
    entities = len(generate.entity_plan(n, None))
    return {"project": project, "memory": memory, "directory": directory, "nquads": nquads,
            "rocks": rocks, "entities": entities, "build_s": time.monotonic() - started}


def start_servers(p: dict, work: Path, names: tuple[str, ...] = SERVERS) -> dict:
    """Start the servers ``names`` (every server of the comparison unless told); return
    name -> (process, port, query path)."""
    servers = {}
    # Every client of a run comes from 127.0.0.1 and stands for another user: the shares one
    # address gets of the server (web/client_share.py, for the many) are the whole server here.
    ours = ["serve", "--workers", "8", "--timeout", "120", "--max-result-bytes", str(2**30),
            "--requests-per-client", "16", "--queries-per-client", "8"]
    commands = {
        "ours memory": [*p["memory"], *ours, "--response-cache", "0"],
        "ours memory, cache on": [*p["memory"], *ours],
        "ours directory": [*p["directory"], *ours, "--response-cache", "0"],
        "oxigraph memory": [str(load.BIN / "oxigraph"), "serve", "--union-default-graph"],
        "oxigraph rocksdb": [str(load.BIN / "oxigraph"), "serve-read-only", "--location",
                             str(p["rocks"]), "--union-default-graph"],
    }
    for name in names:
        port = load.free_port()
        command = commands[name] + (["--port", str(port)] if name.startswith("ours")
                                    else ["--bind", f"127.0.0.1:{port}"])
        path = "/sparql" if name.startswith("ours") else "/query"
        log = work / f"{name.replace(' ', '-').replace(',', '')}.log"
        process = load.start_process(command, port, load.query_path(path, "ASK {}"), log=log)
        if name == "oxigraph memory":  # an in-memory Oxigraph server is filled over HTTP
            with open(p["nquads"], "rb") as data:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/store", data=data, method="POST",
                    headers={"Content-Type": "application/n-quads",
                             "Content-Length": str(p["nquads"].stat().st_size)})
                urllib.request.urlopen(request, timeout=3600).close()
        servers[name] = (process, port, path)
    return servers


def rows(port: int, path: str, text: str) -> int:
    status, body = load.Client(port).get(load.query_path(path, text))
    if status != 200:
        raise RuntimeError(f"status {status}: {body[:300]!r}")
    return len(json.loads(body)["results"]["bindings"])


def check_rows(servers: dict, entities: int) -> dict:
    """Return each kind's row count, having checked every server gives the same."""
    counts = {}
    for kind, text in zip(KINDS, texts(len(KINDS), entities, False, 0), strict=True):
        found = {name: rows(port, path, text) for name, (_, port, path) in servers.items()}
        if len(set(found.values())) != 1:
            raise RuntimeError(f"{kind}: the servers disagree on the row count: {found}")
        counts[kind] = next(iter(found.values()))
    return counts


def measure(servers: dict, entities: int, args) -> dict:
    """Return per-server figures: kind latencies, throughput per variant and clients, memory."""
    figures = {name: {"latency": {}, "rps": {}, "rounds": {}, "cpu_ms": {}, "front_ms": {}}
               for name in servers}
    kinds = list(KINDS)
    for _, port, path in servers.values():  # warm up: every kind, a few times
        load.latencies(port, [load.query_path(path, t) for t in texts(3 * len(kinds), entities,
                                                                       True, 10**6)])
    for j, kind in enumerate(kinds):
        for name, (_, port, path) in servers.items():
            batch = [t for i, t in enumerate(texts(args.requests * len(kinds), entities, True,
                                                   10**7 * (j + 1))) if i % len(kinds) == j]
            times = load.latencies(port, [load.query_path(path, t) for t in batch])
            figures[name]["latency"][kind] = load.median(times)
    fixed = texts(len(KINDS) * 4, entities, False, 0)
    names = list(servers)
    for v, variant in enumerate(("unique", "half repeated")):
        for clients in (1, 8):
            runs: dict = {name: [] for name in names}
            used = dict.fromkeys(names, 0.0)
            front = dict.fromkeys(names, 0.0)  # ours: the HTTP process alone, not its engine
            # Rounds visit the servers in turn, each round starting one further along, so that
            # a spell of load from elsewhere on the machine falls on every server alike; the
            # median round is reported.
            for round_ in range(args.rounds):
                for name in names[round_ % len(names):] + names[:round_ % len(names)]:
                    process, port, path = servers[name]
                    # Counters no other run uses: a "unique" text is never sent twice.
                    pool = texts(20_000, entities, True,
                                 10**8 * (v + 1) + 10**5 * (100 * clients + round_))
                    if variant == "half repeated":
                        pool = [fixed[i % len(fixed)] if i % 2 else t for i, t in enumerate(pool)]
                    before = load.cpu_seconds(process.pid)
                    alone = load.cpu_seconds(process.pid, descendants=False)
                    result = load.throughput(port, [load.query_path(path, t) for t in pool],
                                             clients, args.seconds)
                    used[name] += load.cpu_seconds(process.pid) - before
                    front[name] += load.cpu_seconds(process.pid, descendants=False) - alone
                    runs[name].append(result)
                    figures[name]["failed"] = figures[name].get("failed", 0) + result["failed"]
            for name in names:
                answered = sum(r["rps"] * r["seconds"] for r in runs[name])
                figures[name]["rounds"][(variant, clients)] = [r["rps"] for r in runs[name]]
                figures[name]["rps"][(variant, clients)] = load.median(
                    [r["rps"] for r in runs[name]])
                figures[name]["cpu_ms"][(variant, clients)] = 1000 * used[name] / max(1.0, answered)
                figures[name]["front_ms"][(variant, clients)] = \
                    1000 * front[name] / max(1.0, answered)
    for name, (process, _, _) in servers.items():
        figures[name]["memory"] = load.memory(process.pid)
    return figures


def report(n: int, p: dict, counts: dict, figures: dict) -> str:
    """Return the markdown tables for one size."""
    # Each column's peer: Oxigraph on the same storage; for the cache-on column, ours without
    # the cache (issue 14's target for it: no slower than off on unique queries).
    pairs = {"ours memory": "oxigraph memory", "ours memory, cache on": "ours memory",
             "ours directory": "oxigraph rocksdb"}
    lines = [f"#### {n:,} facts ({p['entities']:,} entities)", "",
             "Median latency per kind, ms (1 client; rows per answer in brackets):", "",
             "| kind | " + " | ".join(SERVERS) + " |", "|---" * (len(SERVERS) + 1) + "|"]
    for kind in KINDS:
        cells = [f"{figures[s]['latency'][kind]:.1f}" for s in SERVERS]
        lines.append(f"| {kind} ({counts[kind]}) | " + " | ".join(cells) + " |")
    lines += ["", "Throughput, requests/s, the median of the rounds (in brackets the ratio to the "
              "Oxigraph server on the same storage, or for the cache-on column to ours with the "
              "cache off, taken round by round: its median, and the lowest and highest):",
              "", "| mix, clients | " + " | ".join(SERVERS) + " |",
              "|---" * (len(SERVERS) + 1) + "|"]
    for variant in ("unique", "half repeated"):
        for clients in (1, 8):
            cells = []
            for s in SERVERS:
                rps = figures[s]["rps"][(variant, clients)]
                peer = pairs.get(s)
                ratio = ""
                if peer:  # round by round: a slow spell of the machine hits both alike
                    paired = [a / b for a, b in zip(figures[s]["rounds"][(variant, clients)],
                                                    figures[peer]["rounds"][(variant, clients)],
                                                    strict=True)]
                    ratio = (f" ({load.median(paired):.2f}x; rounds "
                             + "–".join(f"{x:.2f}" for x in (min(paired), max(paired))) + ")")
                cells.append(f"{rps:.1f}{ratio}")
            lines.append(f"| {variant}, {clients} | " + " | ".join(cells) + " |")
    lines += ["", "Server CPU time per request answered, ms, over all rounds (user and system, "
              "the server's processes; on a machine whose CPUs are all busy, throughput follows "
              "it); for ours, in brackets, the HTTP front's own share, its engine process "
              "being the rest (Oxigraph's server is one process):", "",
              "| mix, clients | " + " | ".join(SERVERS) + " |",
              "|---" * (len(SERVERS) + 1) + "|"]
    for variant in ("unique", "half repeated"):
        for clients in (1, 8):
            cells = [f"{figures[s]['cpu_ms'][(variant, clients)]:.2f}"
                     + (f" ({figures[s]['front_ms'][(variant, clients)]:.2f})"
                        if s.startswith("ours") else "") for s in SERVERS]
            lines.append(f"| {variant}, {clients} | " + " | ".join(cells) + " |")
    lines += ["", "Memory of the server's processes after the runs, MiB:", "",
              "| | " + " | ".join(SERVERS) + " |", "|---" * (len(SERVERS) + 1) + "|",
              "| PSS | " + " | ".join(f"{figures[s]['memory']['pss_mib']:.0f}"
                                      for s in SERVERS) + " |",
              "| RSS (sum) | " + " | ".join(f"{figures[s]['memory']['rss_mib']:.0f}"
                                            for s in SERVERS) + " |",
              "| processes | " + " | ".join(str(figures[s]['memory']['processes'])
                                            for s in SERVERS) + " |", ""]
    failed = {s: figures[s].get("failed", 0) for s in SERVERS if figures[s].get("failed")}
    if failed:
        lines.append(f"Requests not answered 200: {failed}")
    return "\n".join(lines)


def write(text: str, command: str) -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    body = docs.read_text(encoding="utf-8")
    start, end = "<!-- compare -->", "<!-- /compare -->"
    block = f"{start}\nCommand: `{command}`\n\n{text}\n{end}"
    if start in body:
        body = body[:body.index(start)] + block + body[body.index(end) + len(end):]
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    docs.write_text(body, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seconds", type=float, default=10.0, help="each throughput run")
    parser.add_argument("--requests", type=int, default=15, help="latency samples per kind")
    parser.add_argument("--rounds", type=int, default=3,
                        help="throughput runs per server and mix, interleaved; the median is shown")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ag-compare"))
    parser.add_argument("--write", action="store_true", help="put the tables in docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    out = [f"Machine: {platform.machine()}, {shutil.os.cpu_count()} CPUs, "
           f"Python {platform.python_version()}, {platform.platform()}", ""]
    for n in (int(s) for s in args.sizes.split(",")):
        p = prepare(n, args.work)
        servers = start_servers(p, args.work)
        try:
            counts = check_rows(servers, p["entities"])
            out.append(report(n, p, counts, measure(servers, p["entities"], args)))
        finally:
            for process, _, _ in servers.values():
                load.stop(process)
        print(out[-1], flush=True)
    text = "\n".join(out)
    if args.write:
        write(text, "python bench/compare.py " + " ".join(argv or sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
