"""Time one honest lookup while clients from many loopback addresses open a burst of connections.

Loopback holds the whole of 127.0.0.0/8, so one machine can be many client addresses:
``--addresses 20 --per-address 32`` opens 640 connections, from 127.0.0.2 to 127.0.0.21, as
fast as the kernel takes them, each sending the start of a request (``--send partial``) or
nothing (``--send nothing``), or a whole query that runs to the time limit (``--send heavy``:
each address within its share of the engine, together taking every slot), then holds them.
Meanwhile a lookup from 127.0.0.1 is timed.

    .venv/bin/alliance-graph serve --port 8123 &
    .venv/bin/python bench/connection_burst.py --port 8123
"""

from __future__ import annotations

import argparse
import json
import socket
import time
import urllib.parse

LOOKUP = "SELECT ?l{} WHERE {{ id:IronDome rdfs:label ?l{} }}"
PARTIAL = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Pad: "
HEAVY = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"


def get(query: str) -> bytes:
    return (b"GET /sparql?" + urllib.parse.urlencode({"query": query}).encode()
            + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


# What each connection of the burst sends, given its number.  Each query is new (a variable
# named after the connection and the run), so none is answered from the response cache.
RUN = time.time_ns()
SENT = {"partial": lambda n: PARTIAL, "nothing": lambda n: b"",
        "heavy": lambda n: get(HEAVY.format(f"{RUN}_{n}"))}


def lookup(port: int, timeout: float) -> tuple[str, float]:
    """Return the status line of one label lookup from 127.0.0.1, and the seconds it took."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                      source_address=("127.0.0.1", 0)) as sock:
            sock.sendall(get(LOOKUP.format(*[f"{RUN}_{time.time_ns()}"] * 2)))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        status = data.split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as exc:
        status = f"{type(exc).__name__}: {exc}"
    return status, time.monotonic() - started


def burst(port: int, addresses: int, per_address: int, send) -> list[socket.socket]:
    """Open ``per_address`` connections from each of ``addresses`` loopback addresses, in
    turn (one from each address, then the next round), each sending ``send``."""
    held = []
    for _ in range(per_address):
        for k in range(addresses):
            sock = socket.socket()
            sock.setblocking(True)
            sock.bind((f"127.0.0.{2 + k}", 0))
            try:
                sock.connect(("127.0.0.1", port))
                if data := send(len(held)):
                    sock.sendall(data)
            except OSError:
                sock.close()
                continue
            held.append(sock)
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--addresses", type=int, default=20)
    parser.add_argument("--per-address", type=int, default=32)
    parser.add_argument("--send", choices=tuple(SENT), default="partial")
    parser.add_argument("--hold", type=float, default=3.0, help="seconds to hold the burst")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    quiet = lookup(args.port, args.timeout)
    started = time.monotonic()
    # The kernel completes a connection before the server accepts it: once the burst is open,
    # the lookup's connection waits in the listen backlog behind whatever the server has not
    # taken yet.
    held = burst(args.port, args.addresses, args.per_address, SENT[args.send])
    opened = time.monotonic() - started
    status, took = lookup(args.port, args.timeout)
    time.sleep(max(0.0, args.hold - (time.monotonic() - started)))
    for sock in held:
        sock.close()
    print(json.dumps({"connections": len(held), "burst_opened_s": round(opened, 2),
                      "lookup_alone_s": round(quiet[1], 3), "lookup": status,
                      "lookup_during_burst_s": round(took, 2)}))


if __name__ == "__main__":
    main()
