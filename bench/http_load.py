"""HTTP load plumbing the benchmarks share: start servers, send queries, measure them.

Clients keep their connection open (HTTP/1.1 keep-alive), as browsers, Comunica and Oxigraph's
own clients do, and run in processes of their own (a Python client in threads would measure
its own GIL).  ``memory`` reads a server's whole process tree (front, engine, standby): the sum
of RSS, and the sum of PSS, which counts a page shared by several processes once.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BIN = Path(sys.executable).parent
JSON = "application/sparql-results+json"


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query_path(base: str, query: str) -> str:
    return f"{base}?{urllib.parse.urlencode({'query': query})}"


class Client:
    """One persistent connection to a server."""

    def __init__(self, port: int, timeout: float = 120):
        self.port, self.timeout = port, timeout
        self.connection = None

    def get(self, path: str, accept: str = JSON) -> tuple[int, bytes]:
        """Send a GET; return (status, body), reconnecting if the server closed the connection."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                             timeout=self.timeout)
            try:
                self.connection.request("GET", path, headers={"Accept": accept})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def start_process(command: list[str], port: int, probe_path: str, wait: float = 600.0,
                  log: Path | None = None, env: dict | None = None) -> subprocess.Popen:
    """Start a server process (in ``env``, else this one's environment) and return it once
    ``probe_path`` answers 200."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - the process owns it
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + wait
    client = Client(port, timeout=5)
    while True:
        try:
            if client.get(probe_path)[0] == 200:
                client.close()
                return process
        except OSError:
            client.close()
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{command[0]} did not start on port {port}"
                               + (f" (see {log})" if log else ""))
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop a server and the processes it started."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            found += [child, *_children(child)]
    return found


def _rollup(pid: int | str) -> dict | None:
    """Return a process's memory figures (kB) from /proc, or None if it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    return {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:]}


def private_mib(pid: int | str = "self") -> float:
    """Return the MiB a process holds alone (pages no other process shares)."""
    fields = _rollup(pid) or {}
    return (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024


def memory(pid: int) -> dict:
    """Return the RSS and PSS (MiB) summed over a process and its descendants."""
    total = {"rss_mib": 0.0, "pss_mib": 0.0, "processes": 0}
    for one in [pid, *_children(pid)]:
        fields = _rollup(one)
        if fields is None:
            continue
        total["rss_mib"] += fields.get("Rss", 0) / 1024
        total["pss_mib"] += fields.get("Pss", 0) / 1024
        total["processes"] += 1
    return total


def cpu_seconds(pid: int, descendants: bool = True) -> float:
    """Return the CPU time (user and system) used so far by a process and (unless told not
    to) its descendants."""
    total = 0
    for one in [pid, *(_children(pid) if descendants else ())]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone since it was listed
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (the 14th and 15th fields)
    return total / os.sysconf("SC_CLK_TCK")


def switches(pid: int) -> int:
    """Return how many times a process's threads have so far given up a CPU to wait
    (voluntary context switches: for a lock, Python's among them, or for a socket)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            status = (task / "status").read_text()
        except OSError:  # a thread gone since it was listed
            continue
        total += sum(int(line.split()[1]) for line in status.splitlines()
                     if line.startswith("voluntary_ctxt_switches"))
    return total


def latencies(port: int, paths: list[str]) -> list[float]:
    """Send ``paths`` one after another on one connection; return each one's milliseconds."""
    client, times = Client(port), []
    try:
        for path in paths:
            started = time.perf_counter()
            status, body = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"status {status} from port {port}: {body[:200]!r}")
    finally:
        client.close()
    return times


def _client(args) -> tuple[int, int]:
    port, paths, seconds = args
    client, done, failed = Client(port), 0, 0
    stop_at = time.monotonic() + seconds
    i = 0
    try:
        while time.monotonic() < stop_at:
            status, _ = client.get(paths[i % len(paths)])
            done += status == 200
            failed += status != 200
            i += 1
    finally:
        client.close()
    return done, failed


def throughput(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    """Run ``clients`` processes cycling through ``paths`` for ``seconds``; return requests per
    second answered 200, the count of other answers and the seconds the run took.

    Each client takes its own block of ``paths``, so a request is sent by one client only
    (until a client has been through its whole block): distinct paths stay distinct requests,
    which a server with a response cache would otherwise answer from it."""
    size = max(1, len(paths) // clients)
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        started = time.monotonic()
        results = pool.map(_client, [(port, paths[k * size:(k + 1) * size] or paths, seconds)
                                     for k in range(clients)])
        elapsed = time.monotonic() - started
    return {"rps": sum(d for d, _ in results) / elapsed, "failed": sum(f for _, f in results),
            "seconds": elapsed}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
