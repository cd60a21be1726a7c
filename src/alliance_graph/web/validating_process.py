"""The validating process of ``POST /validate``: ``alliance-graph validate`` run to its end in a
process of its own, tied to the server, bounded in time, memory and report size, and how it
ended read back (``dry_run.py`` turns that into an answer)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from ..proc import rss_bytes
from ..query.refused import Refused

# The validating process, `alliance-graph` tied to the server: killed when the thread that
# started it ends (Linux's parent-death signal, asked for by the process itself, not in a
# preexec_fn, which is unsafe in a process of threads), and ended at once if the server was
# gone before it asked.  A server killed (kill -9) left it running on its own, past
# validate_timeout and validate_memory, which only the server enforced.
TIED = ("import ctypes, os, signal, sys\n"
      "if sys.platform == 'linux':\n"
      "    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG\n"
      "if os.getppid() != int(sys.argv[1]):\n"
      "    os._exit(1)\n"
      "sys.argv[0:2] = ['alliance-graph']\n"
      # Its report goes to a remote client: the files named as the endpoint serves them
      # (data/aid.ttl), never by the server's folders (project_files.name_by_role).
      "from alliance_graph.project_files import name_by_role\n"
      "name_by_role()\n"
      "from alliance_graph.__main__ import run\n"
      "run()\n")

# Seconds between looks at a validating process's memory.
POLL = 0.1
# The largest report this process reads: a report of 1,000 findings takes about 530 KB, but
# each finding repeats the IRIs and values it names, and a proposal of 110 KB (400 claims named
# with a prefix of 99,000 characters) gave one of 99 MB, which took this process from 60 MB to
# 970 MB to show as a page (of 198 MB), for the whole server.
MAX_REPORT_BYTES = 16 * 2**20
# What is read of its error output: a message, or the last lines of a failure's traceback.
MAX_ERROR_BYTES = 2**20


def bounded(command: list[str], settings, env, folder: Path) -> subprocess.CompletedProcess:
    """Run ``command`` to its end and return what it did, its output kept in files in
    ``folder``; stop it, and raise Refused (413: the same proposal would be stopped again),
    past ``settings.validate_timeout`` seconds, ``settings.validate_memory`` bytes or a report
    of ``MAX_REPORT_BYTES``."""
    deadline = time.monotonic() + settings.validate_timeout
    too_long = f"gave a report of more than {MAX_REPORT_BYTES >> 20} MiB (its findings " \
        "repeat the IRIs and values they name: an IRI of the graph is a few dozen characters)"
    with ((folder / "report.json").open("w+b") as out, (folder / "errors.txt").open("w+b") as err,
          subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                           env=env) as process):
        while True:
            try:
                process.wait(timeout=POLL)
                break
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() > deadline:
                why = f"took longer than {settings.validate_timeout:g} s"
            elif rss_bytes(process.pid) > settings.validate_memory:
                why = f"needed more than {settings.validate_memory >> 20} MiB of memory"
            elif os.fstat(out.fileno()).st_size > MAX_REPORT_BYTES:
                why = too_long
            else:
                continue
            process.kill()
            process.wait()
            raise Refused(413, f"validating {why} and was stopped; split the proposal")
        out.seek(0)
        report = out.read(MAX_REPORT_BYTES + 1)
        if len(report) > MAX_REPORT_BYTES:
            raise Refused(413, f"validating {too_long}; split the proposal")
        err.seek(max(0, os.fstat(err.fileno()).st_size - MAX_ERROR_BYTES))
        return subprocess.CompletedProcess(command, process.returncode,
                                           report.decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))


# How a validating process interrupted by SIGINT ends: the command's "interrupted", exit 130
# (``cli.main``), or killed by the signal itself before its handler was set; or, signalled
# during Python's own start, before any code of ours ran, exit 1 with no report and
# KeyboardInterrupt's traceback (a CI run sent it there: read as a report, a 500).
INTERRUPTED = (130, -signal.SIGINT)


def interrupted(done: subprocess.CompletedProcess) -> bool:
    """Return whether the validating process ``done`` ended as SIGINT ends it."""
    return done.returncode in INTERRUPTED or done.returncode == 1 and not done.stdout.strip() \
        and done.stderr.rstrip().rsplit("\n", 1)[-1] == "KeyboardInterrupt"


# The signals a process dies of when it fails on its own (a fault of the code, the library or
# the machine): a crash, not a stop.
CRASHES = frozenset({signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGFPE, signal.SIGILL,
                     signal.SIGSYS, signal.SIGTRAP})


def stopped_by(done: subprocess.CompletedProcess) -> signal.Signals | None:
    """Return the signal that stopped the validating process ``done``: SIGINT (as
    ``interrupted`` reads its end), or any other it died of but a crash's (``CRASHES``): a
    SIGTERM, which it has no handler for (a supervisor's stop reaches the whole group, as
    systemd's does), a SIGHUP, SIGQUIT or SIGKILL (an operator's ``kill``, or the kernel's
    out-of-memory killer); else None.  Each but SIGINT and SIGTERM was read as a failure of the
    server's graph ("exit -9", an ERROR)."""
    if interrupted(done):
        return signal.SIGINT
    if done.returncode >= 0 or -done.returncode in CRASHES:
        return None
    try:
        return signal.Signals(-done.returncode)
    except ValueError:  # a real-time signal, which has no name of its own
        return None
