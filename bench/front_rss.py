"""Measure the front's resident memory around a burst of big answers.

A server must be running (``alliance-graph serve``); this sends ``--count`` copies of one query
(or, with ``--path``, of one GET of that path: a Graph Store read, the dataset dump) at once,
each from its own loopback address (so no per-client share refuses them), and reads the front
process's RSS from /proc before, every 20 ms during, and a few seconds after:

    python bench/front_rss.py --pid PID --url http://127.0.0.1:PORT/sparql \
        --query 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 150000' --count 12
    python bench/front_rss.py --pid PID --url http://127.0.0.1:PORT/sparql --accept text/turtle \
        --path '/rdf-graphs?graph=https%3A%2F%2Falliance-graph.example%2Fgraph%2Fdata%2Fsynthetic-000.ttl'
"""

from __future__ import annotations

import argparse
import http.client
import os
import threading
import time
import urllib.parse


def rss(pid: int) -> int:
    """Return the resident bytes of process ``pid``."""
    with open(f"/proc/{pid}/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def fetch(host: str, port: int, path: str, accept: str, source: str, out: list) -> None:
    """GET ``path`` from ``source``; append (status, body length)."""
    conn = http.client.HTTPConnection(host, port, timeout=120, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        out.append((response.status, len(response.read())))
    finally:
        conn.close()


def burst(pid: int, url: str, path: str, accept: str, count: int, settle: float) -> dict:
    """Send ``count`` GETs of ``path`` at once; return the RSS figures (MB) and the answers."""
    parts = urllib.parse.urlsplit(url)
    before, peak, answers = rss(pid), 0, []
    threads = [threading.Thread(target=fetch, args=(parts.hostname, parts.port, path, accept,
                                                    f"127.0.0.{10 + i}", answers))
               for i in range(count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss(pid))
        time.sleep(0.02)
    took = time.monotonic() - started
    time.sleep(settle)
    mb = lambda n: round(n / 2**20, 1)  # noqa: E731
    return {"before": mb(before), "peak": mb(peak), "after": mb(rss(pid)),
            "seconds": round(took, 1), "answers": sorted(answers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pid", type=int, required=True, help="the front's process id")
    parser.add_argument("--url", required=True, help="the server's /sparql URL")
    asked = parser.add_mutually_exclusive_group(required=True)
    asked.add_argument("--query", help="a query, sent to --url")
    asked.add_argument("--path", help="a path on --url's server, as is ('/rdf-graphs?default')")
    parser.add_argument("--accept", default="application/n-triples, "
                                            "application/sparql-results+json")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    path = args.path or (urllib.parse.urlsplit(args.url).path + "?"
                         + urllib.parse.urlencode({"query": args.query}))
    for _ in range(args.rounds):
        print(burst(args.pid, args.url, path, args.accept, args.count, args.settle), flush=True)


if __name__ == "__main__":
    main()
