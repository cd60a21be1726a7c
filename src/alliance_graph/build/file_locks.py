"""A process's locks on a file, as the kernel keeps them (released when it dies): a byte of the
file locked shared or alone (Linux's open-file-description locks, each byte its own lock, held
per open file, so that threads of one process exclude each other as processes do), or the
whole file ``flock``ed; each taken at once or waited for within a deadline.  What each lock
means for the data folder is ``data_folder.py``'s.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import time
from collections.abc import Callable

from ..unheld import NO_LOCKS

# Whether the kernel has open-file-description locks (Linux); elsewhere a byte cannot be
# locked alone, and the data folder's writers' lock is a flock.
OFD = hasattr(fcntl, "F_OFD_SETLK")
_FLOCK = struct.Struct("hhqqi")  # Linux's struct flock: type, whence, start, len, pid


def take(fd: int, kind: int, byte: int) -> bool | None:
    """Try to take the lock ``byte`` (F_RDLCK: shared, F_WRLCK: alone); return whether it is
    taken, None where the file system has no such locks."""
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _FLOCK.pack(kind, os.SEEK_SET, byte, 1, 0) + bytes(8))
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        if exc.errno in NO_LOCKS:  # no such locks here (some network and FUSE file systems):
            return None            # the data folder's readers' lock and queue are not taken
        raise
    return True


def wait_for(fd: int, kind: int, byte: int, deadline: float | None,
             said: Callable[[], None]) -> bool:
    """Take the lock ``byte``, calling ``said`` once if it must wait; return False past
    ``deadline`` (None: no limit), True at once where there are no such locks."""
    return _polled(lambda: take(fd, kind, byte) is not False, deadline, said)


def flocked(fd: int, operation: int, deadline: float | None, said: Callable[[], None],
            strict: bool = False) -> bool:
    """Take the ``flock`` ``operation`` (LOCK_SH, LOCK_EX) of ``fd`` as ``wait_for`` does
    (``strict``: raising OSError where the file system has no such locks)."""
    def attempt():
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if strict or exc.errno not in NO_LOCKS:
                raise
        return True
    return _polled(attempt, deadline, said)


def _polled(attempt: Callable[[], bool], deadline: float | None, said: Callable[[], None]) -> bool:
    pause = 0.005
    while not attempt():
        said()
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(pause)  # a Ctrl-C ends the wait
        pause = min(pause * 1.5, 0.1)
    return True
