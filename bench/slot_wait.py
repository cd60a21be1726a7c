"""Time one query that has to wait for an engine slot: how long its client waits for an answer.

``--busy`` clients (from 127.N.1.1 on, one address each, N ``--net``, by default a new one
each run: a client whose query ran to the limit is heavy for a while, and the last slot is
kept from it) send a heavy query each, which runs to the time limit; once ``/status`` shows
them all running, ``--after`` seconds later one more query (``--send heavy``, which runs to the
limit too, or ``lookup``) is sent from 127.N.2.1 and timed from its sending to its answer;
or, given ``--path``, a GET of that path (a page, a Graph Store read: ``/dataset``), whose
engine reads wait for a slot the same way.  With ``--busy`` equal to ``--workers`` every slot
is held when it comes, so it waits for one to free (the kill that ends a query past its limit).

    .venv/bin/alliance-graph serve --port 8123 --workers 2 --timeout 4 &
    .venv/bin/python bench/slot_wait.py --port 8123 --busy 2 --after 1 --send heavy
    .venv/bin/python bench/slot_wait.py --port 8123 --busy 2 --after 0.2 --path /dataset
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
import urllib.parse
import urllib.request

LOOKUP = "SELECT ?l{} WHERE {{ id:IronDome rdfs:label ?l{} }}"
HEAVY = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"


def ask(port: int, source: str, query: str, path: str | None = None) -> tuple[str, float, str]:
    """Send ``query`` (or a GET of ``path``) from ``source``; return its status line, the
    seconds to its end and the start of its body."""
    started = time.monotonic()
    target = path or "/sparql?" + urllib.parse.urlencode({"query": query})
    with socket.create_connection(("127.0.0.1", port), timeout=300,
                                  source_address=(source, 0)) as sock:
        sock.sendall(b"GET " + target.encode()
                     + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = bytearray()  # not bytes +=: a large answer (a dump) took seconds to join
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode(errors="replace"), time.monotonic() - started, \
        body[:300].decode(errors="replace").strip()


def running(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=60) as response:
        return json.load(response)["load"]["queries"]["running"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--busy", type=int, default=2)
    parser.add_argument("--after", type=float, default=1.0)
    parser.add_argument("--send", choices=("heavy", "lookup"), default="heavy")
    parser.add_argument("--path", default=None, help="GET this path instead of a query")
    parser.add_argument("--net", type=int, default=None)
    args = parser.parse_args()
    run = time.time_ns()
    net = args.net if args.net is not None else 10 + run // 1000 % 240
    busy = [threading.Thread(target=ask, args=(args.port, f"127.{net}.1.{k + 1}",
                                               HEAVY.format(f"{run}_{k}")))
            for k in range(args.busy)]
    for thread in busy:
        thread.start()
    while running(args.port) < args.busy:
        time.sleep(0.02)
    time.sleep(args.after)
    query = (HEAVY.format(f"{run}_x") if args.send == "heavy"
             else LOOKUP.format(run, run))
    status, took, said = ask(args.port, f"127.{net}.2.1", query, args.path)
    print(f"{args.path or args.send} after {args.busy} busy (+{args.after:g} s): {status} in {took:.2f} s"
          + ("" if status.endswith("200 OK") else f": {said}"))
    for thread in busy:
        thread.join()


if __name__ == "__main__":
    main()
