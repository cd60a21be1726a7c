"""Time one honest lookup while clients from many loopback addresses open a burst of connections.

Loopback holds the whole of 127.0.0.0/8, so one machine can be many client addresses:
``--addresses 20 --per-address 32`` opens 640 connections, from 127.0.0.2 to 127.0.0.21 (with
``--net 5``, 127.5.0.2 to 127.5.0.21, addresses the server has not seen), as
fast as the kernel takes them, each sending the start of a request (``--send partial``) or
nothing (``--send nothing``), or a whole query that runs to the time limit (``--send heavy``:
each address within its share of the engine, together taking every slot), then holds them.
Meanwhile a lookup from 127.0.0.1 is timed.

With ``--renew`` the heavy flood is kept up: each connection, once answered, sends a new heavy
query from its address, as a client does that asks one slow query after another, so the
flooding addresses have had queries run to the time limit before the lookups (``--lookups``,
the first ``--warm`` seconds after the flood starts, then one every ``--every`` seconds).
``--send medium`` sends queries that end within the limit instead, and ``--lookups 0`` counts
what the flood had answered in ``--warm`` seconds: what the heavy get done.

    .venv/bin/alliance-graph serve --port 8123 &
    .venv/bin/python bench/connection_burst.py --port 8123
    .venv/bin/python bench/connection_burst.py --port 8123 --send heavy --renew \
        --addresses 8 --per-address 1 --warm 12 --lookups 3
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
import urllib.parse
from collections import Counter

LOOKUP = "SELECT ?l{} WHERE {{ id:IronDome rdfs:label ?l{} }}"
PARTIAL = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Pad: "
HEAVY = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
# A query that ends within the time limit (0.65 s alone on the shipped data, 2-core machine).
MEDIUM = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?b ?c }}"


def get(query: str) -> bytes:
    return (b"GET /sparql?" + urllib.parse.urlencode({"query": query}).encode()
            + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


# What each connection of the burst sends, given its number.  Each query is new (a variable
# named after the connection and the run), so none is answered from the response cache.
RUN = time.time_ns()
SENT = {"partial": lambda n: PARTIAL, "nothing": lambda n: b"",
        "heavy": lambda n: get(HEAVY.format(f"{RUN}_{n}")),
        "medium": lambda n: get(MEDIUM.format(f"{RUN}_{n}"))}


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


def address(net: int, k: int) -> str:
    """Return the flood's ``k``-th loopback address, in 127.``net``.0.0/16 (from .0.2 on)."""
    return f"127.{net}.{(2 + k) // 256}.{(2 + k) % 256}"


def burst(port: int, addresses: int, per_address: int, send, net: int = 0
          ) -> list[socket.socket]:
    """Open ``per_address`` connections from each of ``addresses`` loopback addresses, in
    turn (one from each address, then the next round), each sending ``send``."""
    held = []
    for _ in range(per_address):
        for k in range(addresses):
            sock = socket.socket()
            sock.setblocking(True)
            sock.bind((address(net, k), 0))
            try:
                sock.connect(("127.0.0.1", port))
                if data := send(len(held)):
                    sock.sendall(data)
            except OSError:
                sock.close()
                continue
            held.append(sock)
    return held


def answered(sock: socket.socket) -> str:
    """Return the status code of the answer ``sock`` reads to its end."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data.split(b" ", 2)[1].decode(errors="replace") if data else "closed"


def renewing(port: int, addresses: int, per_address: int, query: str, until: list,
             seen: Counter, net: int = 0):
    """Start ``per_address`` senders for each of ``addresses`` loopback addresses (one from each
    address, then the next round), each sending ``query`` (made new each time), reading its
    answer and sending another, until the time ``until[0]``; count the statuses in ``seen``."""
    def sender(k: int, n: int) -> None:
        while time.monotonic() < until[0]:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=120,
                                              source_address=(address(net, k), 0)) as sock:
                    sock.sendall(get(query.format(f"{RUN}_{k}_{n}_{time.time_ns()}")))
                    seen[answered(sock)] += 1
            except OSError as exc:
                seen[type(exc).__name__] += 1
                time.sleep(0.1)
    threads = [threading.Thread(target=sender, args=(k, n), daemon=True)
               for n in range(per_address) for k in range(addresses)]
    for thread in threads:
        thread.start()
    return threads


def renewed(args) -> None:
    """Keep the flood up, time the lookups once it has run ``args.warm`` seconds, print what
    was answered (``--lookups 0``: the flood's own answers in ``--warm`` seconds)."""
    quiet = lookup(args.port, args.timeout)
    seen: Counter = Counter()
    until = [float("inf")]
    query = MEDIUM if args.send == "medium" else HEAVY
    started = time.monotonic()
    threads = renewing(args.port, args.addresses, args.per_address, query, until, seen,
                       args.net)
    time.sleep(args.warm)
    lookups = []
    for n in range(args.lookups):
        if n:
            time.sleep(args.every)
        status, took = lookup(args.port, args.timeout)
        lookups.append(f"{status.split(' ', 2)[1] if ' ' in status else status} "
                       f"{took:.2f} s")
    until[0] = time.monotonic()
    answers = dict(seen)  # those answered by now
    for thread in threads:
        thread.join()
    print(json.dumps({"addresses": args.addresses, "in_flight": len(threads),
                      "lookup_alone_s": round(quiet[1], 3), "lookups": lookups,
                      "flood_answers": answers, "flood_s": round(until[0] - started, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--addresses", type=int, default=20)
    parser.add_argument("--per-address", type=int, default=32)
    parser.add_argument("--send", choices=tuple(SENT), default="partial")
    parser.add_argument("--hold", type=float, default=3.0, help="seconds to hold the burst")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--net", type=int, default=0,
                        help="flood from 127.NET.0.2 on: addresses the server has not seen "
                             "(it remembers what each used of late)")
    parser.add_argument("--renew", action="store_true",
                        help="keep the heavy flood up: each answered query is sent anew")
    parser.add_argument("--warm", type=float, default=12.0,
                        help="with --renew, seconds of flood before the first lookup")
    parser.add_argument("--lookups", type=int, default=3, help="with --renew, lookups timed")
    parser.add_argument("--every", type=float, default=1.0,
                        help="with --renew, seconds between the lookups")
    args = parser.parse_args()
    if not 0 <= args.net <= 255 or args.addresses + 2 > 65536:
        parser.error("--net is a byte (0 to 255), and a net holds 65,534 addresses")
    if args.renew:
        renewed(args)
        return
    quiet = lookup(args.port, args.timeout)
    started = time.monotonic()
    # The kernel completes a connection before the server accepts it: once the burst is open,
    # the lookup's connection waits in the listen backlog behind whatever the server has not
    # taken yet.
    held = burst(args.port, args.addresses, args.per_address, SENT[args.send], args.net)
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
