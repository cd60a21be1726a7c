"""Whether this server has begun to stop: a SIGINT, SIGTERM or SIGHUP reached it, known in any thread
from the moment the signal arrives.

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
validating process, which must run its own handler and end, has ended: so by the time a
request's thread has seen the process end, the number is written (but for the microseconds
between the kernel giving the signal to the main thread and its C handler writing, should the
main thread be taken off its CPU just then).  A SIGINT the server ignores (``serve &`` in a
shell script) writes nothing, and the server indeed goes on.
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
    before = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    try:
        yield
    finally:
        signal.set_wakeup_fd(before)
        # The reader stays: a request's thread may look once the server has left this block.
        os.close(writer)


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
        return _began
