"""Time one honest lookup behind heavy queries whose clients reset their connections, and count
the queries the engine ran to its time limit (``/status``'s stops for time).

``--busy`` clients (from 127.0.4.1 on) send a heavy query each and wait for its answer; then
``--addresses`` clients (from 127.0.5.1 on) send a heavy query each and reset the connection
(SO_LINGER 0, then close) ``--delay`` seconds later (0: at once); then a lookup from
127.0.0.1 is timed.  Each heavy query runs to the time limit if it runs at all, and is then
stopped by a kill of the engine, which ``/status`` counts: with ``--workers 1`` the stops for
time counted once all is over are the heavy queries the engine ran (with more, one kill ends
every query past its limit at once).

    .venv/bin/alliance-graph serve --port 8123 --workers 1 --timeout 3 &
    .venv/bin/python bench/reset_burst.py --port 8123 --busy 1 --addresses 6 --settle 13
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import time
import urllib.parse
import urllib.request

LOOKUP = "SELECT ?l{} WHERE {{ id:IronDome rdfs:label ?l{} }}"
HEAVY = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
RUN = time.time_ns()


def get(query: str) -> bytes:
    return (b"GET /sparql?" + urllib.parse.urlencode({"query": query}).encode()
            + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


def sent(port: int, source: str, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=120,
                                    source_address=(source, 0))
    sock.sendall(data)
    return sock


def status_line(sock: socket.socket) -> str:
    with sock:
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


def stops(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=60) as response:
        return json.load(response)["stopped"]["time"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--busy", type=int, default=2)
    parser.add_argument("--addresses", type=int, default=6)
    parser.add_argument("--delay", type=float, default=0.0,
                        help="seconds between a reset client's request and its reset")
    parser.add_argument("--settle", type=float, default=12.0,
                        help="seconds from the start to wait before counting the stops")
    args = parser.parse_args()
    before = stops(args.port)
    started = time.monotonic()
    busy = [sent(args.port, f"127.0.4.{1 + k}", get(HEAVY.format(f"{RUN}_b{k}")))
            for k in range(args.busy)]
    time.sleep(0.5)
    gone = [sent(args.port, f"127.0.5.{1 + k}", get(HEAVY.format(f"{RUN}_r{k}")))
            for k in range(args.addresses)]
    time.sleep(args.delay)
    for sock in gone:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    asked = time.monotonic()
    status = status_line(sent(args.port, "127.0.0.1",
                              get(LOOKUP.format(*[f"{RUN}_{time.time_ns()}"] * 2))))
    took = time.monotonic() - asked
    busy_statuses = [status_line(sock) for sock in busy]
    time.sleep(max(0.0, args.settle - (time.monotonic() - started)))
    print(json.dumps({"lookup": status, "lookup_s": round(took, 2),
                      "busy": sorted(set(busy_statuses)),
                      "stopped_for_time": stops(args.port) - before}))


if __name__ == "__main__":
    main()
