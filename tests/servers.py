"""Start real server processes for the tests: a free loopback port, a log file, a ready wait."""

from __future__ import annotations

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
