"""How far a front with no thread hand-overs could take issue 14's mix: an upper bound, measured.

    .venv/bin/python bench/front_ceiling.py [--size 10000] [--rounds 3] [--seconds 4]
                                            [--work /tmp/ag-compare]

At 10 k facts our memory store answers the mix at 0.57x to 0.68x of ``oxigraph serve``
(docs/benchmarks.md), and the front's threads handing each request on (loop, worker thread,
engine process, loop again) are most of its cost.  Would an asynchronous request path close
the gap?  This starts, beside ``serve`` and ``oxigraph serve`` on the same project, a
*ceiling*: one asyncio thread that reads a request, runs the same query check
(``protocol.plan_of``), sends the query to the same engine process (``engine.instance.start``)
over its socket pairs in the engine's own wire format, and writes the answer.  It keeps none of
the front's limits, shares, fair queues, deadlines, refusals or ETags, so no real front of this
design can be faster: what it reaches bounds what rewriting the front could give.

Each round measures the three in turn at 8 clients on compare.py's mix of distinct texts
(row counts checked equal first); printed: requests per second, CPU per request of each
server's processes, and of the front process alone (ours and the ceiling: the rest is the
engine).  Run it on a quiet machine: the three share its CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import struct
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import compare  # noqa: E402
import http_load as load  # noqa: E402

# The engine's frame (engine/wire.py): header and body lengths, then the JSON header, the body.
FRAME = struct.Struct(">IQ")


def ceiling(project: Path, cache: Path, port: int) -> None:
    """Serve ``GET /sparql?query=`` on ``port`` over an engine of ``project``'s build, as the
    least a front must do: check the query, send it, send the answer back (JSON results)."""
    from alliance_graph.engine.instance import start
    from alliance_graph.query.dataset import Dataset
    from alliance_graph.settings import Settings
    from alliance_graph.web.protocol import plan_of

    settings = Settings(ontology_dir=project / "ontology", data_dir=project / "data",
                        sources_dir=project / "sources", cache_dir=cache, workers=8,
                        query_timeout=120, max_result_bytes=2**30)
    engine = start(settings)
    held = {*engine.info["asserted"], engine.info["inferred"]}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        idle: asyncio.Queue = asyncio.Queue()
        for sock in engine.connections:
            sock.setblocking(False)
            idle.put_nowait(sock)

        async def call(header: dict, body: bytes) -> tuple[dict, bytes]:
            sock = await idle.get()
            try:
                head = json.dumps(header, separators=(",", ":")).encode()
                await loop.sock_sendall(sock, FRAME.pack(len(head), len(body)) + head + body)
                got = b""
                while len(got) < FRAME.size:
                    got += await loop.sock_recv(sock, 1 << 16)
                head_size, body_size = FRAME.unpack_from(got)
                end = FRAME.size + head_size + body_size
                while len(got) < end:
                    got += await loop.sock_recv(sock, 1 << 18)
                return json.loads(got[FRAME.size:FRAME.size + head_size]), \
                    got[FRAME.size + head_size:end]
            finally:
                idle.put_nowait(sock)

        async def connection(reader, writer) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    target = head.split(b" ", 2)[1].decode("latin-1")
                    text = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)["query"][0]
                    try:
                        plan = plan_of(text, settings)
                        dataset = Dataset.resolve(held, engine.info["inferred"], plan)
                        reply, body = await call(
                            {"op": "answer", "dataset": dataset.to_json(), "formats": ["json"],
                             "graph_form": False, "prefixes": None, "max_bytes": 2**30},
                            text.encode())
                        status = reply["status"]
                        body = body if status == 200 else reply["message"].encode()
                    except Exception as exc:  # noqa: BLE001 - a bound, not a server: said, kept going
                        status, body = 400, str(exc).encode()
                    writer.write(b"HTTP/1.1 %d -\r\nContent-Type: application/sparql-results+"
                                 b"json\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body))
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(connection, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(main())
    finally:
        engine.stop()


def measure(args) -> str:
    p = compare.prepare(args.size, args.work)
    servers = compare.start_servers(p, args.work, ("ours memory", "oxigraph memory"))
    port = load.free_port()
    process = load.start_process(
        [str(load.BIN / "python"), __file__, "--serve", str(p["project"]),
         str(p["project"] / "cache"), str(port)], port, load.query_path("/sparql", "ASK {}"),
        log=args.work / "front-ceiling.log")
    servers["ceiling (asyncio front)"] = (process, port, "/sparql")
    rps: dict = {name: [] for name in servers}
    cpu: dict = {name: [] for name in servers}
    front: dict = {name: [] for name in servers}
    try:
        compare.check_rows(servers, p["entities"])
        names = list(servers)
        for round_ in range(args.rounds):
            for name in names[round_ % len(names):] + names[:round_ % len(names)]:
                process, port, path = servers[name]
                pool = compare.texts(20_000, p["entities"], True, 7 * 10**8 + 10**5 * round_)
                before = load.cpu_seconds(process.pid)
                alone = load.cpu_seconds(process.pid, descendants=False)
                result = load.throughput(port, [load.query_path(path, t) for t in pool], 8,
                                         args.seconds)
                answered = result["rps"] * result["seconds"]
                rps[name].append(result["rps"])
                cpu[name].append(1000 * (load.cpu_seconds(process.pid) - before) / answered)
                front[name].append(1000 * (load.cpu_seconds(process.pid, descendants=False)
                                           - alone) / answered)
                print(f"round {round_ + 1} {name}: {result['rps']:.1f} requests/s "
                      f"({result['failed']} failed)", flush=True)
    finally:
        for process, _, _ in servers.values():
            load.stop(process)
    peer = statistics.median(rps["oxigraph memory"])
    lines = [f"{args.size:,} facts, the mix at 8 clients, median of {args.rounds} rounds:", "",
             "| server | requests/s | of Oxigraph | CPU a request, ms | of it the front |",
             "|---|---|---|---|---|"]
    for name in servers:
        share = f"{statistics.median(front[name]):.2f}" if name != "oxigraph memory" else "-"
        lines.append(f"| {name} | {statistics.median(rps[name]):.1f} | "
                     f"{statistics.median(rps[name]) / peer:.2f}x | "
                     f"{statistics.median(cpu[name]):.2f} | {share} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ag-compare"))
    parser.add_argument("--serve", nargs=3, metavar=("PROJECT", "CACHE", "PORT"),
                        help=argparse.SUPPRESS)  # the ceiling's own process
    args = parser.parse_args(argv)
    if args.serve:
        ceiling(Path(args.serve[0]), Path(args.serve[1]), int(args.serve[2]))
        return 0
    print(measure(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
