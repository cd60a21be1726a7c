"""Start real server processes for the tests: a free loopback port, a log file, a ready wait."""

from __future__ import annotations

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
