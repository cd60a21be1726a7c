"""The data folder's locks, and the commits an interrupted ``add`` left: how ``add`` changes
data/ while other commands read it, so that each reads the files of one state.

Three locks, each released by the kernel when its holder dies (a ``kill -9`` leaves no stale lock,
only a file), each held per open file (threads of one process exclude each other as processes do):

- the writers' lock (``DataLock``, a byte of the folder's lock file ``.alliance-graph.lock``):
  ``add`` holds it from its first read to its last rename, so two adds never both read the
  old files;
- the readers' lock (a ``flock`` of the folder itself, so a reader creates no file in it):
  shared by every command reading the files (``reading``), taken alone by a commit for its
  journal and renames (``changing``), so a reader reads the files before a commit or after
  it, never between two of its renames;
- the queue (another byte of the lock file): a commit takes it before it waits for the
  readers to finish, and a reader passes through it on its way in, so readers coming one
  after another cannot hold a commit off.  A folder without the lock file has had no writer.

The lock file's bytes are Linux's open-file-description locks (each byte its own lock, on NFS
too); elsewhere the writers' lock is a ``flock`` of the file, and there is no queue.

Every wait is bounded. A commit waits at most ``COMMIT_WAIT`` seconds for the readers (one stopped,
or stuck): it then gives up, nothing changed. A reader waits at most ``READ_WAIT`` for a commit
(one stopped mid-commit), then says which process holds the folder.

A commit's journal is written and removed under the readers' lock, so a reader that finds it
has found a commit whose process died: the reader finishes it (``settle``) before reading.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import json
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import atomic
from ..unheld import unheld
from .file_locks import OFD, flocked, take, wait_for

LOCK = ".alliance-graph.lock"
JOURNAL = ".alliance-graph.journal"
# The tag in a data file's temporary name (``atomic.temp_name``): ``.<name>.add-<random>.tmp``.
TAG = "add-"
_WRITERS, _QUEUE = 0, 1   # the byte of the lock file each lock is
COMMIT_WAIT = 120.0   # seconds a commit waits for the readers before giving up
READ_WAIT = 300.0     # seconds a reader waits for a commit (longer: a commit may first wait)
# A wait said with no ``on_wait`` (a build's reading of data/ waited up to READ_WAIT without a
# word): a warning with no handler configured is printed to stderr (``logging.lastResort``).
_LOG = logging.getLogger("alliance_graph.data")


class CommitError(Exception):
    """The files could not be written; the message says what is left and what to do."""


class Busy(Exception):
    """The data folder stayed locked by a change longer than a reader waits."""


def _once(on_wait: Callable[[str], None] | None, message: Callable[[], str]):
    """Return a function telling ``on_wait`` the ``message`` the first time it is called, or,
    with no ``on_wait``, logging it as a warning (``_LOG``)."""
    told = []

    def say():
        if not told:
            told.append(True)
            (on_wait or _LOG.warning)(message())
    return say


def holder(folder: Path) -> str:
    """Return who last took the writers' lock of ``folder`` ("process N"), as its file says."""
    try:
        fd = open_lock(Path(folder) / LOCK, write=False)
    except OSError:
        pid = ""
    else:
        with os.fdopen(fd, "rb") as lock:
            pid = lock.read(32).decode("ascii", "replace").strip()
    mine = pid == str(os.getpid())  # two threads of one process (a notebook's pool, say)
    return f"another thread of this process ({pid})" if mine else \
        f"process {pid}" if pid.isdigit() else "another process"


def open_lock(lock: Path, write: bool = True) -> int:
    """Open the lock file (``write``: creating it); raise OSError for one that is no regular
    file: a link (the pid written into it went into the file it names, truncated first) or
    a pipe (opening it waited for a writer)."""
    flags = (os.O_RDWR | os.O_CREAT if write else os.O_RDONLY) | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(lock, flags, 0o666)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        fd = None
    if fd is None or not stat.S_ISREG(os.fstat(fd).st_mode):
        if fd is not None:
            os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file (a link, a folder or a pipe): move it "
                      "away", str(lock))
    return fd


class DataLock:
    """The writers' lock on a data folder, for ``with``; ``on_wait`` is told when it waits,
    and past ``timeout`` seconds (None: no limit) it raises ``Busy``."""

    def __init__(self, data_dir: Path, on_wait: Callable[[str], None] | None = None,
                 timeout: float | None = None):
        self.path = Path(data_dir) / LOCK
        self.on_wait = on_wait
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> DataLock:
        try:
            fd = open_lock(self.path)
        except OSError as exc:
            raise CommitError(f"cannot lock {self.path.parent}: "
                              f"{self.path.name} is {exc.strerror or exc}"
                              if exc.errno == errno.EINVAL else
                              f"cannot lock {self.path.parent}: {exc.strerror or exc}") from exc
        folder = self.path.parent
        say = _once(self.on_wait, lambda: (f"waiting for {holder(folder)}, which is changing "
                                           f"{folder} (lock {self.path.name}) ..."))
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            if OFD and take(fd, fcntl.F_UNLCK, _WRITERS) is not None:
                taken = wait_for(fd, fcntl.F_WRLCK, _WRITERS, deadline, say)
            else:
                taken = flocked(fd, fcntl.LOCK_EX, deadline, say, strict=True)
            if not taken:
                raise Busy(f"{folder} has been locked by {holder(folder)} for "
                           f"{self.timeout:g} s, changing it (a stopped add?): nothing was read")
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _open_folder(folder: Path) -> int | None:
    """Open ``folder`` for its readers' lock; None when it is no folder (nothing to read)."""
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _open_queue(lock: Path) -> int | None:
    """Open the lock file for a reader's pass through the queue; None where it is missing (no
    writer has been here) or there is no queue."""
    if not OFD:
        return None
    try:
        return open_lock(lock, write=False)
    except OSError:  # missing, unreadable, or no lock file (which no writer can take either)
        return None


_mine = threading.local()         # the folders this thread reads (``reading`` in ``reading``)
_readers: dict[str, int] = {}     # the readings of this process under way, by folder
_readers_lock = threading.Lock()


@contextmanager
def reading(data_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the readers' lock of ``data_dir`` (shared) for the block: no commit renames a file
    of it meanwhile.  Waits for a commit under way; finishes one whose process died first.

    Raises ``Busy`` past ``READ_WAIT`` seconds, ``CommitError`` for a journal it cannot
    finish.  A block inside another of the same thread and folder takes nothing more.
    """
    key = os.path.abspath(data_dir)
    held = getattr(_mine, "folders", None)
    if held is None:
        held = _mine.folders = set()
    folder = None if key in held else _open_folder(Path(data_dir))
    if folder is None:
        yield
        return
    try:
        _enter(folder, Path(data_dir), key, on_wait)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            with _readers_lock:
                _readers[key] -= 1
    finally:
        os.close(folder)  # releases the lock


def _enter(fd: int, folder: Path, key: str, on_wait) -> None:
    say = _once(on_wait, lambda: f"waiting for {holder(folder)}, which is changing {folder} ...")
    deadline = time.monotonic() + READ_WAIT
    for _ in range(3):
        with _readers_lock:
            # Another thread of this process reads the folder: a commit waiting in the queue
            # waits for that reading anyway, so this one goes past the queue (else each would
            # wait for the other until the commit gave up).
            queue = None if _readers.get(key) else _open_queue(folder / LOCK)
        try:
            if queue is not None and not wait_for(queue, fcntl.F_RDLCK, _QUEUE, deadline, say) \
                    or not flocked(fd, fcntl.LOCK_SH, deadline, say):
                raise Busy(f"{folder} has been locked by {holder(folder)} for {READ_WAIT:g} s, "
                           "changing it (a stopped add?): nothing was read")
        finally:
            if queue is not None:
                os.close(queue)  # through the queue
        if not (folder / JOURNAL).exists():
            with _readers_lock:
                _readers[key] = _readers.get(key, 0) + 1
            return
        # A journal while no commit holds the folder: its commit's process died.
        fcntl.flock(fd, fcntl.LOCK_UN)
        settle(folder, on_wait, timeout=max(deadline - time.monotonic(), 0.0))
    raise Busy(f"{folder} is changed again and again: nothing was read")


@contextmanager
def changing(data_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the readers' lock of ``data_dir`` alone for the block (a commit's renames), once
    the readers under way are done; raise ``CommitError`` (nothing changed) past
    ``COMMIT_WAIT`` seconds.  The caller holds the ``DataLock``."""
    folder = Path(data_dir)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    queue = None
    try:
        if OFD:
            queue = open_lock(folder / LOCK)
        say = _once(on_wait, lambda: f"waiting for the commands reading {folder} to finish ...")
        deadline = time.monotonic() + COMMIT_WAIT
        if not ((queue is None or wait_for(queue, fcntl.F_WRLCK, _QUEUE, deadline, say))
                and flocked(fd, fcntl.LOCK_EX, deadline, say)):
            raise CommitError(f"nothing changed: commands reading {folder} held it for "
                              f"{COMMIT_WAIT:g} s (a stopped or stuck validate or check?); "
                              "run it again once they are done")
        yield
    finally:  # closing them releases the locks
        os.close(fd)
        if queue is not None:
            os.close(queue)


def needs_settling(data_dir: Path) -> bool:
    """Return True when a commit was interrupted in ``data_dir`` or left temporary files."""
    data_dir = Path(data_dir)
    return (data_dir / JOURNAL).exists() or any(
        _removable(path) and _abandoned(path) for path in _leftovers(data_dir))


def _removable(path: Path) -> bool:
    """Return whether this process may remove the leftover ``path`` (write its folder).  One
    it may not is left: in a read-only data folder (a read-only mount, an image) or another
    user's folder a data file links into, every command failed on it ("the data folder ...
    is mid-change and could not be settled: cannot lock data/: Read-only file system",
    "Permission denied"), where there is nothing to settle."""
    return os.access(path.parent, os.W_OK | os.X_OK)


def _leftovers(data_dir: Path):
    """Yield the temporary files a commit can leave, by the names ``atomic.temp_name`` gives
    them: a data file's, new or not (``.<name>.ttl.add-<random>.tmp``, or without the tag as
    earlier versions named them), the journal's (``..alliance-graph.journal.<random>.tmp``),
    and those beside the file a linked data file names (with the tag only: that folder is not
    ours); nothing else.  Every ``.<name>.ttl.*.tmp`` was taken: a user's own
    ``.notes.ttl.mine.tmp`` too.  Nor is the name ``tempfile.mkstemp`` gave before (8 of
    [a-z0-9_]): it is every Python program's that writes a file so, and a user's own
    ``.one.ttl.my_notes.tmp``, and another program's write under way into data/ (its rename
    then failed) went with the next command; what an earlier version left so stays."""
    places = [(data_dir, atomic.temp_glob("*.ttl", TAG)), (data_dir, atomic.temp_glob("*.ttl")),
              (data_dir, atomic.temp_glob(glob.escape(JOURNAL)))]
    for link in data_dir.glob("*.ttl"):
        if link.is_symlink():
            try:
                place = link.resolve()
            except (OSError, RuntimeError):  # a loop (RuntimeError: Python 3.11's resolve):
                continue                     # it names no file, beside which none was written
            places.append((place.parent, atomic.temp_glob(glob.escape(place.name), TAG)))
    seen = set()
    for folder, pattern in places:
        for path in folder.glob(pattern):
            if path.is_file() and path.resolve() not in seen:
                seen.add(path.resolve())  # (a link may name data_dir)
                yield path


def _abandoned(path: Path) -> bool:
    """Return whether no process holds the leftover ``path`` (``unheld``; one of a file system
    without flock is left).  One held is a write of this program under way
    (``atomic.write_output``: ``export -o data/all.ttl``), whose temporary file, a name a
    killed write leaves too, the next command removed, and the export's rename then failed.
    A commit's are held too: one of a data file linked into another folder is written there,
    where that folder's own commands settle it, outside the commit's lock."""
    with unheld(path) as free:
        return free


def place(path: Path) -> Path:
    """Return the file a data file's new text replaces: the file it names when it is a link."""
    return path.resolve() if path.is_symlink() else path


def recover(data_dir: Path, on_wait: Callable[[str], None] | None = None) -> list[str]:
    """Finish an interrupted commit and remove leftover temporary files; return what was done.

    The caller holds the ``DataLock``, so no commit is under way.
    """
    data_dir = Path(data_dir)
    done = []
    journal = data_dir / JOURNAL
    if journal.exists():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
            # Every entry is checked before any is acted on: a journal of another shape
            # must not leave half its renames done.
            if not isinstance(entries, list) or not all(
                    isinstance(e, dict) and isinstance(e.get("temp"), str)
                    and isinstance(e.get("target"), str) for e in entries):
                raise ValueError('"files" is not a list of {"temp", "target"} names')
        except (ValueError, KeyError, TypeError) as exc:
            raise CommitError(f"{journal} is not a journal this program wrote ({exc}); "
                              "move it away to use the data folder") from exc
        with changing(data_dir, on_wait):
            folders = {data_dir}
            for entry in entries:
                target = place(data_dir / Path(entry["target"]).name)
                tmp = target.parent / Path(entry["temp"]).name
                if tmp.exists():
                    os.replace(tmp, target)
                    folders.add(target.parent)
            for folder in folders:
                atomic.fsync_folder(folder)
            journal.unlink()
            atomic.fsync_folder(data_dir)
        done.append(f"finished an interrupted add: {', '.join(e['target'] for e in entries)}")
    removed, kept = 0, []
    for path in sorted(_leftovers(data_dir)):
        with unheld(path) as free:  # removed under its lock (``_abandoned``)
            if free and _removable(path):
                try:
                    path.unlink(missing_ok=True)
                except OSError:  # may not after all (a sticky folder): left, and said
                    kept.append(str(path))
                else:
                    removed += 1
    if removed:
        atomic.fsync_folder(data_dir)
        done.append(f"removed {removed} temporary file(s) an interrupted write left")
    if kept:
        done.append(f"left {len(kept)} temporary file(s) an interrupted write left, which this "
                    f"user may not remove: {', '.join(kept)}")
    return done


def settle(data_dir: Path, on_wait: Callable[[str], None] | None = None,
           timeout: float | None = None) -> list[str]:
    """Bring ``data_dir`` to a committed state before it is read; return what was done.

    Costs a look at the folder when there is nothing to do; otherwise waits for the writers'
    lock (a commit may be under way; ``Busy`` past ``timeout`` seconds) and recovers what a
    dead process left.
    """
    if not Path(data_dir).is_dir() or not needs_settling(data_dir):
        return []
    with DataLock(data_dir, on_wait, timeout):
        return recover(data_dir, on_wait)
