"""Start real server processes for the tests: a free loopback port, a log file, a ready wait."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    """Return a loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], ready_url: str, log: Path, timeout: float = 60) -> subprocess.Popen:
    """Start ``command`` logging to ``log`` and return it once ``ready_url`` answers.

    The log is a file, not a pipe: nobody has to drain it while the tests run, and its tail
    explains a server that did not start.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(ready_url, timeout=2).close()
            return process
        except OSError as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"{command[0]} did not start ({ready_url}):\n"
                                   f"{log.read_text(errors='replace')[-2000:]}") from exc
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Stop a server process, killing it if it does not end within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def rss(pid: int) -> int:
    """Return a process's resident bytes, as /proc says."""
    with open(f"/proc/{pid}/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def temporary_files(pid: int) -> int:
    """Return how many unnamed (deleted) files a process holds open: answers being sent."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").endswith(" (deleted)")
        except OSError:  # closed meanwhile
            pass
    return count


def settled(pid: int) -> int:
    """Return the temporary files a server holds once it holds none, or after 10 s (each is
    closed once its answer is sent, or its client gone)."""
    deadline = time.monotonic() + 10
    while temporary_files(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return temporary_files(pid)


def start_oxigraph(location: Path):
    """Start a real Oxigraph server process on a free loopback port; return (process, URL)."""
    binary = BIN / "oxigraph"
    if not binary.exists():
        raise RuntimeError(f"{binary} missing: install the test extra (pip install -e '.[test]')")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    location.mkdir(parents=True, exist_ok=True)
    process = start([str(binary), "serve", "--location", str(location), "--bind",
                     f"127.0.0.1:{port}"], f"{url}/query?query=ASK%7B%7D",
                    location.parent / f"oxigraph-{port}.log", timeout=20)
    return process, url


class NotInstalled(RuntimeError):
    """A server the tests need is not installed on this machine."""


VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"  # Debian's name for Virtuoso's isql


def virtuoso_ini(folder: Path, http_port: int, sql_port: int, max_rows: int,
                 max_seconds: int) -> Path:
    """Write a virtuoso.ini keeping every file in ``folder`` and listening on loopback only."""
    ini = folder / "virtuoso.ini"
    ini.write_text(f"""\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
""")
    return ini


def start_virtuoso(folder: Path, grant_update: bool = True, max_rows: int = 1_000_000,
                   max_seconds: int = 60):
    """Start a real Virtuoso 7 server with a new database in ``folder`` on free loopback
    ports; return (process, SPARQL URL).

    ``grant_update`` lets the endpoint's anonymous user (SPARQL) run SPARQL Update, the one
    step a Virtuoso needs before `alliance-graph load`; ``max_rows`` and ``max_seconds`` are
    its answer limits (ResultSetMaxRows, MaxQueryExecutionTime).
    """
    if not shutil.which(VIRTUOSO):
        raise NotInstalled(f"{VIRTUOSO} not found: install Debian's virtuoso-opensource")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = virtuoso_ini(folder, http_port, sql_port, max_rows, max_seconds)
    url = f"http://127.0.0.1:{http_port}/sparql"
    # A new database takes Virtuoso a few seconds to create.
    process = start([VIRTUOSO, "+foreground", "+configfile", str(ini)],
                    f"{url}?query=ASK%7B%7D", folder / "server.log", timeout=120)
    if grant_update:
        try:
            isql(sql_port, 'GRANT SPARQL_UPDATE TO "SPARQL";')
        except BaseException:
            stop(process)
            raise
    return process, url


def isql(port: int, statement: str) -> str:
    """Run one SQL statement on a test Virtuoso as its DBA (a new database's is dba/dba)."""
    done = subprocess.run([ISQL, str(port), "dba", "dba", f"exec={statement}"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql {statement!r} failed: {done.stdout}{done.stderr}")
    return done.stdout


# A store that misbehaves on purpose, the way a broken proxy or a crashing store does: every
# POST gets the answer its mode names.  A real process on a real port, so the client meets the
# failure on the wire.
_MISBEHAVING = r'''
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[2]
POSTS = [0]

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        POSTS[0] += 1
        if MODE == "deadlock" or (MODE == "deadlock-twice" and POSTS[0] <= 2):
            # Virtuoso's answer to a transaction it rolled back in a deadlock.
            body = b"Virtuoso 40001 Error SR172: Transaction deadlocked\n"
            self.send_response(500, "SPARQL Request Failed")
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if MODE == "slow":
            time.sleep(30)
        if MODE == "redirect":  # moved: the query would go on as a GET without its body
            self.send_response(301)
            self.send_header("Location", "/moved/sparql")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if MODE == "drip":  # a byte now and then: never a whole read timeout of silence
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(120):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.25)
            return
        if MODE == "huge":  # an answer without end (no length: it ends when the store does)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            try:
                for _ in range(100_000):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
            return
        body = {"boolean": b'{"head": {}, "boolean": true}',
                "deadlock-twice": b'{"head": {}, "boolean": true}',
                "list": b'["bnode"]',
                "lots": b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": [{"g": '
                        b'{"type": "uri", "value": "https://alliance-graph.example/graph/asserted"'
                        b'}, "n": {"type": "literal", "value": "lots", "datatype": '
                        b'"http://www.w3.org/2001/XMLSchema#integer"}}]}}',
                "malformed": b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": ',
                "html": b"<html><body>It works!</body></html>",
                "cut": b'{"head": {"vars": []}, "res'}.get(MODE, b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if MODE == "html"
                         else "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body) + (1000 if MODE == "cut" else 0)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
'''

MISBEHAVIOURS = ("malformed", "html", "cut", "slow", "redirect", "drip", "huge", "boolean",
                 "list", "lots", "deadlock", "deadlock-twice")


def start_misbehaving_store(mode: str, log: Path):
    """Start a store that answers every query as ``mode`` says (MISBEHAVIOURS: a malformed
    document, an HTML page, a body cut short, nothing for 30 s, a redirect, a byte every
    quarter of a second for 30 s, an answer without end, a boolean to any query, a JSON list,
    a count that is no number, Virtuoso's deadlock error always or to the first two requests
    only, then a boolean); return (process, URL)."""
    assert mode in MISBEHAVIOURS, mode
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    return start([sys.executable, "-c", _MISBEHAVING, str(port), mode], url, log), url
