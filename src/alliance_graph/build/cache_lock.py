"""One build of a cache file at a time: the callers that want the same file while it is not
there (four ``ag.load()`` on threads of one notebook, ``serve`` and ``query`` started together
on a new cache folder) share one build of it, where each made its own (four threads took 19 s
where one took 5).

The first caller takes the file's lock (a ``flock`` of ``.<name>.lock`` beside it) and builds;
the others wait for it, then find the file whole and read it.  The lock is held per open file,
so threads of one process exclude each other as processes do, and the kernel releases it when
its holder dies: a builder killed mid-build leaves its waiters to build (the file itself is
written atomically, so none reads half of it).  A wait is polled, as the data folder's locks
are (``data_folder``), so Ctrl-C ends it.  A build that fails on its inputs (``LoadError``)
writes its problems into the lock file before it lets go, and each caller that waited for that
build raises them too, rather than make the same failure again, one after another, if it names
the files as the builder did (``names``: a file is named as its reader opens it, from the
current directory, which another process's may not be; one that names them otherwise builds,
and fails, itself); a build
failing otherwise leaves no such record, and the next caller builds.  A build that ends, well
or not, removes the lock file (those waiting for it hold it open); one a killed builder left
is removed by the next command asking for a build of any inputs (``remove_abandoned``), once
no process holds it.  A caller that opened a lock file so removed, and locks it after, finds
its name gone (or another file's) and opens the name anew: holding a lock no later comer
sees, it built beside the next caller.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import atomic
from . import data_folder
from .data_folder import open_lock
from .file_locks import flocked


def lock_glob(name: str) -> str:
    """Return the glob of the lock files of the cache files ``name`` (itself a glob) matches."""
    return f".{name}.lock"


def remove_abandoned(folder: Path, name: str) -> None:
    """Remove the lock files of the cache files of ``folder`` that ``name`` (a glob) matches
    that no process holds: what builders killed outright left.  One a builder holds, or one
    its waiters hold open, is left; one opened but not yet locked is taken anew (``building``)."""
    for lock in folder.glob(lock_glob(name)):
        atomic.remove_unheld(lock)


def _record(fd: int) -> dict:
    """Return what the lock file says: the token of the build that last held it, and its
    problems if it failed on its inputs ({} while it is being written, or never was)."""
    try:
        record = json.loads(os.pread(fd, 1 << 24, 0) or b"{}")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _write(fd: int, record: dict) -> None:
    data = json.dumps(record).encode()
    os.pwrite(fd, data, 0)
    os.ftruncate(fd, len(data))


@contextmanager
def building(path: Path, names: dict[str, str] | None = None) -> Iterator[None]:
    """Hold the lock of building ``path`` for the block, once the build under way (if any)
    has ended; raise its ``LoadError`` if it failed on its inputs and named its files by
    ``names`` (graph name -> the name shown) too.  The block looks for ``path`` first: the
    build waited for may have made it."""
    # here, not above: removing a killed build's lock (a command whose build is whole) needs
    # none of the build's modules
    from .loading import LoadError, Problem
    lock = path.with_name(lock_glob(path.name))
    fd = open_lock(lock)
    token = secrets.token_hex(8)
    seen = set()  # the builds that held the lock while this caller waited

    def waiting():
        seen.add(_record(fd).get("token"))

    try:
        while True:
            # A caller holding a data folder's readers' lock (``validate``) does not wait: the
            # build it would wait for reads that folder, which a commit queued meanwhile keeps
            # from it until the commit, itself waiting for this caller, gave up.  It builds
            # alone, as every caller did before (the file is written atomically).
            if getattr(data_folder._mine, "folders", None) and \
                    not flocked(fd, fcntl.LOCK_EX, 0, lambda: None):
                yield
                return
            flocked(fd, fcntl.LOCK_EX, None, waiting)  # where the file system has no locks: at once
            record = _record(fd)
            if record.get("token") in seen and isinstance(record.get("problems"), list) \
                    and record.get("names") == names:
                raise LoadError([Problem(**problem) for problem in record["problems"]])
            if atomic.still_named(lock, fd):
                break
            # Removed while this caller waited (by the build that ended, or as abandoned) and
            # perhaps made anew: the lock that counts is the one the name gives now.
            os.close(fd)
            fd = None
            fd = open_lock(lock)
        _write(fd, {"token": token})
        try:
            yield
        except LoadError as exc:
            problems = [{**dataclasses.asdict(p), "message": str(p.message)}
                        for p in exc.problems]
            try:
                _write(fd, {"token": token, "problems": problems, "names": names})
            except OSError:
                pass  # unrecorded: those waiting build, and fail, themselves
            raise
        finally:
            # Those waiting hold the file open; later callers need none.  Removed only while
            # the name is still this lock's.
            if atomic.still_named(lock, fd):
                lock.unlink(missing_ok=True)
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock
