"""A command run in a child process, so that Oxigraph aborting it is told in one line.

pyoxigraph 0.5.13 aborts the process it runs in on some ``ORDER BY``s (its sort panics, "user-
provided comparison function does not correctly implement a total order", and its builds abort
on a panic): ``query`` and ``serve --get`` ended with Rust's panic on standard error, its
backtrace too where ``RUST_BACKTRACE`` is set (33 frames), exit 134.  Nothing in a process can
catch its own abort, so the command forks before it loads the graph: the child runs it as
before, and this process waits and ends as the child ended, but for an abort under Rust's
panic, said as an error, exit 1 (a query that failed).

Rust writes its panic to file descriptor 2, so in the child Python's standard error moves to
another descriptor of the same stream, and descriptor 2 to a file in memory (``_capture``) this
process reads once the child has ended: a panic's words go into the error; anything else
written there (a C library's warning, Python's fatal error) is passed on as written.

Signals: the ones that end a command, sent to this process, are passed on to the child, which
ends as it did (a Ctrl-C: "interrupted", exit 130).  A terminal's Ctrl-C, or a ``kill`` of the
process group (``timeout`` sends one), reaches the child twice, itself and passed on, so the
child takes its first SIGINT alone: the second, landing while it answered the first, was
click's "Aborted!", exit 1, three times in 15 (``tests/test_crash_guard.py``).  The child dies
with this process (``PR_SET_PDEATHSIG``), as a ``kill -9`` of the command ended the command
before.  Job control too: a SIGTSTP or SIGCONT is passed on, and this process stops as the
child stops (``_stop_as``), so a shell sees its job stopped and continued as before.
"""

from __future__ import annotations

import ctypes
import fcntl
import io
import os
import re
import signal
import sys
import tempfile
import threading

import click

# Passed on to the child when sent to this process alone.
_PASSED_ON = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT,
                        signal.SIGTSTP, signal.SIGCONT})  # (and job control's: _stop_as)
# Rust's panic: "thread 'main' panicked at src/x.rs:1:2:" and its message on the next line
# (Rust 1.73 on; pyoxigraph 0.5.13's Rust names the thread's id too: "'<unnamed>' (4916)"),
# or "panicked at 'message', src/x.rs:1:2" (before).
_PANIC = re.compile(r"^thread '[^'\n]*'(?: \(\d+\))? panicked at (?:'(?P<old>.*)', \S+|\S+:)$",
                    re.M)


def guarded(failed: str) -> None:
    """Run the rest of the command in a child process, this one ending as the child ends
    (``_ended``: an abort under Rust's panic is an error beginning ``failed``, the command's
    words for its failure, exit 1); do nothing where it is not this process's own command
    line (a test's ``CliRunner``, whose process must go on), where a thread is running
    already (a fork would copy it stopped, holding whatever lock it held), or where there is
    no fork."""
    root = click.get_current_context().find_root().command
    if not getattr(root, "own_process", False) or not hasattr(os, "fork") \
            or threading.active_count() > 1:
        return
    for stream in (sys.stdout, sys.stderr):  # else both processes would write what is held
        if stream is not None:
            stream.flush()
    capture = _above_2(_capture())
    # Blocked before the fork: a signal between it and the wait below would end this process
    # as it came (a KeyboardInterrupt's traceback), leaving the child.
    was = signal.pthread_sigmask(signal.SIG_BLOCK, {*_PASSED_ON, signal.SIGCHLD})
    # SIGCHLD ignored, as a caller may leave it for what it starts, reaps the child unseen:
    # the answer written, then "No child processes", exit 2.
    chld = signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGCHLD, chld)  # its own children as the command's were
        _dies_with(parent)
        _own_stderr(capture)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # (not ignored: `&`)
            signal.signal(signal.SIGINT, _interrupted_once)
        signal.pthread_sigmask(signal.SIG_SETMASK, was)
        return
    status = _wait(child)
    os._exit(_ended(status, capture, failed))


def _capture():
    """Return the file the child's descriptor 2 is written to: in memory where Linux gives
    one, so that a temporary folder full, missing or unwritable cannot cost the panic's words
    (nor the command: "a file or folder could not be used", exit 2)."""
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("alliance-graph-stderr", os.MFD_CLOEXEC), "w+b")
    return tempfile.TemporaryFile()


def _above_2(file):
    """Return ``file`` on a descriptor above 2.  Standard error closed (`2>&-`), the capture
    took descriptor 2: the child's move of it onto 2 did nothing, and its close closed 2, which
    the next file opened then took (a query file read: the panic unwritten, exit 134; a file
    written: the panic in it)."""
    if file.fileno() > 2:
        return file
    with file:
        return os.fdopen(fcntl.fcntl(file.fileno(), fcntl.F_DUPFD_CLOEXEC, 3), "w+b")


def _dies_with(parent: int) -> None:
    """Have the kernel kill this child when its parent dies (it might have already)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the child outlives a killed parent
        return
    if os.getppid() != parent:
        os._exit(128 + signal.SIGKILL)


def _own_stderr(capture) -> None:
    """Point descriptor 2 at ``capture`` and Python's standard error at a copy of it."""
    if sys.stderr is None:  # closed (`2>&-`): Python writes nothing, Rust nothing readable
        os.dup2(capture.fileno(), 2)
        capture.close()
        return
    sys.stderr.flush()
    stream = io.TextIOWrapper(io.FileIO(os.dup(2), "w"), encoding=sys.stderr.encoding,
                              errors=sys.stderr.errors, line_buffering=True,
                              write_through=True)
    os.dup2(capture.fileno(), 2)
    _handlers_moved(sys.stderr, stream)
    sys.stderr = stream
    capture.close()  # (descriptor 2 holds the file)


def _handlers_moved(old, new) -> None:
    """Point the logging handlers writing to ``old`` (``serve``'s, made before the fork) at
    ``new``: they wrote to descriptor 2, whose words came only once the child ended (``serve
    --get``'s "waiting for process N, which is changing data/" as it ended, not as it waited)."""
    logging = sys.modules.get("logging")  # not imported: no handler
    if logging is None:
        return
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):  # (a PlaceHolder has none)
            if isinstance(handler, logging.StreamHandler) and handler.stream is old:
                handler.setStream(new)


def _interrupted_once(signum, frame) -> None:
    """Raise KeyboardInterrupt for the child's first SIGINT, ignoring those after it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _wait(child: int) -> int:
    """Return the child's wait status once it has ended, passing on the signals sent to this
    process alone."""
    while True:
        # Not sigtimedwait: stopped past its timeout (Ctrl-Z, then fg), Python 3.11's returned
        # a signal never sent, SIGHUP here, passed on: the query ended "Hangup", exit 129.
        info = signal.sigwaitinfo(_PASSED_ON | {signal.SIGCHLD})
        if info.si_signo in _PASSED_ON:
            try:
                os.kill(child, info.si_signo)
            except ProcessLookupError:
                pass
        pid, status = os.waitpid(child, os.WNOHANG | os.WUNTRACED)
        if pid and os.WIFSTOPPED(status):
            _stop_as(os.WSTOPSIG(status))  # until continued, the SIGCONT then passed on
        elif pid:
            return status


def _stop_as(signum: int) -> None:
    """Stop this process by ``signum``, as the child stopped: else a shell saw its job go on
    running (a `kill -STOP` of the child; a `kill -TSTP` of the command stopped the command
    alone, its query running on)."""
    was = signal.signal(signum, signal.SIG_DFL) if signum != signal.SIGSTOP else None
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    os.kill(os.getpid(), signum)  # (stopped here, till a SIGCONT)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
    if was is not None:
        signal.signal(signum, was)


def _ended(status: int, capture, failed: str) -> int:
    """Pass on what the child wrote to descriptor 2, or say its panic; return the exit code
    (or end this process with the signal that ended the child)."""
    capture.seek(0)
    written = capture.read()
    if os.WIFEXITED(status):
        _write(written)
        return os.WEXITSTATUS(status)
    ended_by = os.WTERMSIG(status)
    said = _panic(written.decode("utf-8", "replace"))
    if ended_by == signal.SIGABRT and said is not None:
        from ..engine.calls import CRASH_CAUSE
        _write(f"error: {failed}: the query engine, Oxigraph, crashed"
               f"{f' ({said})' if said else ''}: {CRASH_CAUSE}\n".encode(errors="replace"))
        return 1  # EXIT_NO: a query that failed
    _write(written)
    if ended_by not in (signal.SIGKILL, signal.SIGSTOP):  # (neither takes a handler)
        signal.signal(ended_by, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {ended_by})
    os.kill(os.getpid(), ended_by)
    return 128 + ended_by  # (a signal whose default is not to end a process)


def _panic(text: str) -> str | None:
    """Return the message of Rust's panic in ``text`` ("" if it has none), or None for no
    panic."""
    found = _PANIC.search(text)
    if found is None:
        return None
    if found.group("old") is not None:
        return found.group("old")
    rest = text[found.end():].lstrip("\n").split("\n", 1)[0]
    return "" if rest.startswith(("note:", "stack backtrace:")) else rest


def _write(data: bytes) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(2, view):]
    except OSError:  # standard error full or gone: the exit code still says it
        pass
