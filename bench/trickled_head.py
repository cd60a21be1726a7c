"""Measure the front's processor time for request heads trickled in small pieces.

``--connections`` clients each send one GET of ``/status`` whose head is ``--size`` bytes (a
padding header field filling it, within the 64 KiB limit), in pieces of ``--piece`` bytes,
``--pause`` seconds apart (so that the front reads each on its own, as a slow client's come),
then read the answer.  The front's processor time (user and system, ``/proc/PID/stat``) is
read before and after; ``--pid`` is the front's, the ``serve`` process itself.

    .venv/bin/alliance-graph serve --port 8123 &
    .venv/bin/python bench/trickled_head.py --port 8123 --pid $! --piece 16 --connections 4
"""

from __future__ import annotations

import argparse
import os
import socket
import threading
import time


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def head(size: int) -> bytes:
    start = b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: "
    return start + b"a" * (size - len(start) - 4) + b"\r\n\r\n"


def trickle(port: int, data: bytes, piece: int, pause: float, said: list) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for at in range(0, len(data), piece):
            sock.sendall(data[at:at + piece])
            time.sleep(pause)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    said.append(answer.split(b"\r\n", 1)[0].decode(errors="replace"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--size", type=int, default=65_000)
    parser.add_argument("--piece", type=int, default=16)
    parser.add_argument("--pause", type=float, default=0.0005)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    data = head(args.size)
    said: list = []
    before, started = cpu_seconds(args.pid), time.monotonic()
    threads = [threading.Thread(target=trickle, args=(args.port, data, args.piece, args.pause,
                                                      said))
               for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"{args.connections} heads of {len(data):,} bytes in pieces of {args.piece}: "
          f"the front's CPU {cpu_seconds(args.pid) - before:.2f} s in "
          f"{time.monotonic() - started:.1f} s; answers {sorted(set(said))}")


if __name__ == "__main__":
    main()
