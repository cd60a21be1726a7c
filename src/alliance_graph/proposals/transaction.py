"""Change the files of a data folder as one unit, one writer at a time.

``DataLock`` is one lock file per data folder (``fcntl.flock``), held by ``add`` for its whole
read, validate and write, so two adds never both read the old files and the second never
overwrites the first one's facts.  The kernel releases it when its holder dies.

``commit`` writes every new file beside its original first (flushed to disk, with the
original's mode), then a journal naming them (written atomically), then renames them over the
originals, then removes the journal.  The journal is the commit point: a process killed before
it is written leaves the old files (and temporaries, which the next run cleans); killed after,
it leaves a journal that the next run of any command reading the folder (``settle``) rolls
forward, renaming whatever is left.  Either way readers see the old set or the new set.

A data file that is a symbolic link stays one: its new text is written beside, and renamed
over, the file the link names.  Renaming over the link itself would turn it into a regular
file holding the new facts while the file the user keeps elsewhere never got them.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

from .. import atomic
from ..wording import Metavar, Said

LOCK = ".alliance-graph.lock"
JOURNAL = ".alliance-graph.journal"
# The tag in a data file's temporary name (``atomic.temp_name``): ``.<name>.add-<random>.tmp``.
TAG = "add-"
# For tests only: a process whose environment names a step of ``commit`` here kills itself
# (SIGKILL) on reaching it, so a test can stop a real ``add`` at every point of a commit.
KILL_AT_STEP = "ALLIANCE_GRAPH_TEST_KILL_AT_STEP"


class CommitError(Exception):
    """The files could not be written; the message says what is left and what to do."""


class DataLock:
    """An exclusive lock on a data folder, for ``with``; ``on_wait`` is told when it waits."""

    def __init__(self, data_dir: Path, on_wait: Callable[[str], None] | None = None):
        self.path = Path(data_dir) / LOCK
        self.on_wait = on_wait
        self._fd: int | None = None

    def __enter__(self) -> DataLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise CommitError(f"cannot lock {self.path.parent}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.on_wait is not None:
                # Empty while its holder has the lock but has not written its id yet.
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                who = f"process {holder}" if holder else "another process"
                self.on_wait(f"waiting for {who}, which is changing "
                             f"{self.path.parent} (lock {self.path.name}) ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _step(number: int) -> None:
    if os.environ.get(KILL_AT_STEP) == str(number):
        os.kill(os.getpid(), signal.SIGKILL)


def _place(path: Path) -> Path:
    """Return the file a data file's new text replaces: the file it names when it is a link."""
    return path.resolve() if path.is_symlink() else path


def commit(data_dir: Path, new_texts: dict[Path, str]) -> None:
    """Replace the files of ``data_dir`` named in ``new_texts`` with their texts, as one unit.

    The caller holds the ``DataLock``.  Raises ``CommitError`` when it cannot; before the
    journal is written nothing has changed, after it the next run finishes the commit.
    """
    data_dir = Path(data_dir)
    for path in new_texts:
        # A rename replaces a file whatever its mode: a file its owner made read-only (as
        # root, whom permissions do not stop, too) is refused as an editor would refuse it.
        if path.exists() and not _place(path).stat().st_mode & 0o222:
            raise CommitError(Said(lambda n, p=path: (
                f"{p} is read-only, nothing changed: make it writable (chmod u+w) or add the "
                f"facts to another file ({n('into', Metavar('FILE'))})")))
    temps: list[tuple[Path, Path, Path]] = []  # (data file, file it names, temporary file)
    step = 0
    try:
        for path, text in new_texts.items():
            place = _place(path)
            temps.append((path, place, atomic.write_temp(place, text, tag=TAG)))
            step += 1
            _step(step)
        # Targets by their name in data_dir (a link is followed again on recovery).
        journal = {"files": [{"target": p.name, "temp": t.name} for p, _, t in temps]}
        atomic.write_atomically(data_dir / JOURNAL, json.dumps(journal, indent=1))
    except BaseException as exc:
        for _, _, tmp in temps:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CommitError(f"could not write the data files, nothing changed: "
                              f"{exc.strerror or exc}") from exc
        raise
    step += 1
    _step(step)
    try:
        for _, place, tmp in temps:
            os.replace(tmp, place)
            step += 1
            _step(step)
        for folder in {data_dir} | {place.parent for _, place, _ in temps}:
            atomic.fsync_folder(folder)
        (data_dir / JOURNAL).unlink()
        atomic.fsync_folder(data_dir)
    except OSError as exc:
        raise CommitError(f"the data files were only partly replaced ({exc.strerror or exc}); "
                          f"the journal {JOURNAL} in {data_dir} lets the next command finish "
                          "the change") from exc


def needs_settling(data_dir: Path) -> bool:
    """Return True when a commit was interrupted in ``data_dir`` or left temporary files."""
    data_dir = Path(data_dir)
    return (data_dir / JOURNAL).exists() or any(_leftovers(data_dir))


def _leftovers(data_dir: Path):
    """Yield the temporary files a commit can leave, by the names ``atomic.temp_name`` gives
    them: a data file's, new or not (``.<name>.ttl.add-<random>.tmp``, or without the tag as
    earlier versions named them), the journal's (``..alliance-graph.journal.<random>.tmp``),
    and those beside the file a linked data file names (with the tag only: that folder is not
    ours); nothing else."""
    places = [(data_dir, atomic.temp_glob("*.ttl")),
              (data_dir, atomic.temp_glob(glob.escape(JOURNAL)))]
    for link in data_dir.glob("*.ttl"):
        if link.is_symlink():
            place = link.resolve()
            places.append((place.parent, atomic.temp_glob(glob.escape(place.name), TAG)))
    seen = set()
    for folder, pattern in places:
        for path in folder.glob(pattern):
            if path.is_file() and path.resolve() not in seen:  # a link may name data_dir
                seen.add(path.resolve())
                yield path


def recover(data_dir: Path) -> list[str]:
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
        folders = {data_dir}
        for entry in entries:
            place = _place(data_dir / Path(entry["target"]).name)
            tmp = place.parent / Path(entry["temp"]).name
            if tmp.exists():
                os.replace(tmp, place)
                folders.add(place.parent)
        for folder in folders:
            atomic.fsync_folder(folder)
        journal.unlink()
        done.append(f"finished an interrupted add: {', '.join(e['target'] for e in entries)}")
    leftovers = sorted(_leftovers(data_dir))
    for path in leftovers:
        path.unlink(missing_ok=True)
    if leftovers:
        atomic.fsync_folder(data_dir)
        done.append(f"removed {len(leftovers)} temporary file(s) an interrupted write left")
    return done


def settle(data_dir: Path, on_wait: Callable[[str], None] | None = None) -> list[str]:
    """Bring ``data_dir`` to a committed state before it is read; return what was done.

    Costs a look at the folder when there is nothing to do; otherwise waits for the lock (a
    commit may be under way) and recovers what a dead process left.
    """
    if not Path(data_dir).is_dir() or not needs_settling(data_dir):
        return []
    with DataLock(data_dir, on_wait):
        return recover(data_dir)
