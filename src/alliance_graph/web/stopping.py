"""Whether this server has begun to stop: a SIGINT, SIGTERM or SIGHUP reached it, known in
any thread from the moment the signal arrives.

``POST /validate``'s validating process ends as an interrupted one both when a Ctrl-C at the
server's terminal reached the whole process group (the server stops too) and when it alone
was signalled (``kill -INT <pid>``: the server goes on); its client was told "the server was
stopped" either way.  Which it was, the request's thread asks here once the process has ended.

A flag set by the signal's Python handler would be set too late: Python runs that handler in
the main thread only once the main thread next holds the interpreter, which the request's
thread may be holding as it looks.  The C handler Python sets for every signal with a handler
of Python's writes the signal's number to the "wakeup" file descriptor at once, in whichever
thread the signal was delivered to (``signal.set_wakeup_fd``), and that is read here.  A
signal sent to a process group is pending in the server from the moment it is sent, before the
validating process, which must run its own handler and end, has ended; but the thread the
kernel wakes to take it may not have run yet when the request's thread has seen the process
end (on 2 loaded CPUs, one Ctrl-C in a few dozen: its client was told the process was stopped
alone), so a stopping signal still pending in the process counts too (``sigpending``, which
sees it only blocked in the thread asking).  What is left: the microseconds between a thread
taking the signal and its C handler writing, should it be taken off its CPU just then.  A
SIGINT the server ignores (``serve &`` in a shell script) writes nothing, and the server
indeed goes on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

# The signals that stop the server (``server.serve``; ``cli.serve_command`` for SIGINT).
STOPPING = frozenset({int(signal.SIGINT), int(signal.SIGTERM), int(signal.SIGHUP)})

_lock = threading.Lock()
_reader: int | None = None  # the descriptor read
_began = False


@contextlib.contextmanager
def watched():
    """Note the signals that reach this process while the block runs (in the main thread
    alone, as Python sets signal handlers there alone); the wakeup descriptor set before is
    set back at its end."""
    global _reader, _began
    reader, writer = os.pipe()
    for end in (reader, writer):
        os.set_blocking(end, False)  # set_wakeup_fd asks it; a full pipe drops a number
    with _lock:
        if _reader is not None:
            os.close(_reader)
        _reader, _began = reader, False
    # The first stopping signal stops the server; one after it, while waitress waits (5 s at
    # most) for the requests running to be answered, is noted and no more: an operator's
    # Ctrl-C pressed twice cut that wait short, and the clients of validations interrupted
    # (and of any request running) had their connections closed unanswered.  (Ctrl-\, a
    # SIGQUIT, still ends it at once.)
    handlers = {number: signal.getsignal(number) for number in STOPPING}
    handlers = {number: handler for number, handler in handlers.items() if callable(handler)}

    def first(signum, frame):
        for number in handlers:
            signal.signal(number, _noted)
        handlers[signum](signum, frame)

    for number in handlers:
        signal.signal(number, first)
    before = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    try:
        yield
    finally:
        signal.set_wakeup_fd(before)
        for number, handler in handlers.items():
            # Once stopping, they stay noted through what follows (the engine's close): a
            # Ctrl-C there ended a server stopped as meant "interrupted", exit 130.
            if signal.getsignal(number) is first:
                signal.signal(number, handler)
        # The reader stays: a request's thread may look once the server has left this block.
        os.close(writer)


def _noted(signum, frame) -> None:
    """A stopping signal after the first: its number is in the pipe, and nothing else."""


def began() -> bool:
    """Return whether a signal that stops the server has reached it since ``watched`` began
    (False where nothing watches: an app not run by ``server.serve``)."""
    global _began
    with _lock:
        while _reader is not None and not _began:
            try:
                numbers = os.read(_reader, 4096)
            except OSError:  # nothing more written (BlockingIOError)
                break
            if not numbers:
                break
            _began = not STOPPING.isdisjoint(numbers)
        if _reader is not None and not _began:
            _began = _pending()
        return _began


def _pending() -> bool:
    """Return whether a stopping signal sent to this process is still waiting for a thread
    to take it (blocked here for the moment of looking, as ``sigpending`` reports only the
    signals the thread asking blocks; one arriving meanwhile is taken by another thread)."""
    was = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        return not STOPPING.isdisjoint(int(number) for number in signal.sigpending())
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, was)
