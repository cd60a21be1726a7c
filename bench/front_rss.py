"""Measure the front's resident memory around a burst of big answers.

A server must be running (``alliance-graph serve``); this sends ``--count`` copies of one query
at once, each from its own loopback address (so no per-client share refuses them), and reads
the front process's RSS from /proc before, every 20 ms during, and a few seconds after:

    python bench/front_rss.py --pid PID --url http://127.0.0.1:PORT/sparql \
        --query 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 150000' --count 12
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


def burst(pid: int, url: str, query: str, accept: str, count: int, settle: float) -> dict:
    """Send ``count`` requests at once; return the RSS figures (MB) and the answers."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + "?" + urllib.parse.urlencode({"query": query})
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
    parser.add_argument("--query", required=True)
    parser.add_argument("--accept", default="application/n-triples, "
                                            "application/sparql-results+json")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    for _ in range(args.rounds):
        print(burst(args.pid, args.url, args.query, args.accept, args.count,
                    args.settle), flush=True)


if __name__ == "__main__":
    main()
