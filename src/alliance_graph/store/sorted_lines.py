"""Sort byte lines in bounded memory: an external merge sort, in Python.

The ``main`` layout (``layout.write_main``) and the exports (``query/export.py``) write lines
sorted by their bytes, of a build or a graph too big to hold.  Lines are gathered into a run
of at most ``run_bytes`` (counted as Python holds them: each line's bytes and its object),
sorted in memory, and, when there is more than one run, written to a file in a temporary
folder; the runs' files are then merged (``heapq.merge``), at most ``FAN_IN`` open at a time.
The folder is removed however the sort ends: read to its end, stopped early by its reader, or
ended by an exception; and held (flock) while the sort lives, so that what a sort killed
outright (SIGKILL, the out-of-memory killer) left, gigabytes for a large build, is removed by
the next sort spilling into the same folder (one given: the system's is shared with other
programs, and cleaned by the system), or by ``remove_abandoned``, however new, while another
process's sort under way is spared.  Only what a sort made is removed: a folder of the spill's
name (``.sort-`` and 12 hex digits) holding the mark a sort writes into it first and runs,
nothing else, so that a user's ``.sort-notes/`` in a ``--cache`` shared with other files
stays, and a file put into a spill folder.  The exports used the ``sort`` program for this
(LC_ALL=C, -u): a second way of doing the same thing, a program outside Python and a process to end and to
hear failing; the order is the same (a line's bytes; an N-Triples or N-Quads line holds no
byte below the line feed's that could make a line's end sort otherwise).
"""

from __future__ import annotations

import contextlib
import heapq
import io
import itertools
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path

from ..unheld import still_named, take_flock, unheld

# What Python holds for a line besides its bytes: the bytes object's header and the run's
# pointer to it.
_OVERHEAD = sys.getsizeof(b"") + 8
RUN_BYTES = 64 << 20
# Runs merged at a time: past it, the first runs are merged into one file first, so that the
# open files (and their buffers) stay few whatever the input's size.
FAN_IN = 64


def _once(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Yield sorted ``lines`` with each run of equal lines as one."""
    return map(itemgetter(0), itertools.groupby(lines))


class LineSorter(contextlib.AbstractContextManager):
    """A binary file the lines to sort are written into (in pieces of any size, lines ended by
    b"\\n"; a last line without one is given it); ``lines()`` then yields them sorted by their
    bytes, each once if ``unique``.  Used as a context manager, which removes the spilled runs."""

    def __init__(self, *, unique: bool = False, run_bytes: int = RUN_BYTES,
                 folder: Path | str | None = None):
        self.unique, self.run_bytes, self.folder = unique, run_bytes, folder
        self._run: list[bytes] = []
        self._held = 0
        self._partial = b""
        self._spill: Path | None = None
        self._spill_held: int | None = None  # a descriptor holding it (flock)
        self._runs: list[Path] = []
        self._written = 0  # runs written, which names the next one's file
        self._open = contextlib.ExitStack()

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def write(self, data) -> int:
        """Take ``data``, any piece of the lines (a bytes-like object); return its length."""
        pieces = io.BytesIO(self._partial + bytes(data)).readlines()
        self._partial = pieces.pop() if pieces and not pieces[-1].endswith(b"\n") else b""
        self.add(pieces)
        return len(data)

    def add(self, lines: Iterable[bytes]) -> None:
        """Take whole lines, each ending in b"\\n"."""
        for line in lines:
            self._run.append(line)
            self._held += len(line) + _OVERHEAD
            if self._held >= self.run_bytes:
                self._write_run()

    def _sorted_run(self) -> Iterable[bytes]:
        self._run.sort()
        return _once(self._run) if self.unique else self._run

    def _write_run(self) -> None:
        if self._spill is None:
            if self.folder is not None:  # not the system's, shared with every program
                remove_abandoned(Path(self.folder))
            self._spill, self._spill_held = _held_spill(
                Path(self.folder if self.folder is not None else tempfile.gettempdir()))
        self._written += 1
        path = self._spill / f"{self._written}.run"
        with open(path, "wb") as run:
            run.writelines(self._sorted_run())
        self._runs.append(path)
        self._run, self._held = [], 0
        if len(self._runs) >= FAN_IN:  # merge them into one, the files stay few
            merged = path.with_suffix(".merged")
            with open(merged, "wb") as out, contextlib.ExitStack() as files:
                out.writelines(self._merge(files, self._runs))
            for run_file in self._runs:
                run_file.unlink()
            self._runs = [merged]

    def _merge(self, files: contextlib.ExitStack, runs: list[Path]) -> Iterator[bytes]:
        merged = heapq.merge(*(files.enter_context(open(r, "rb")) for r in runs))
        return _once(merged) if self.unique else merged

    def lines(self) -> Iterator[bytes]:
        """Yield the lines written, sorted: from memory if they fit one run, else merged from
        the runs' files."""
        if self._partial:
            self.add([self._partial + b"\n"])
            self._partial = b""
        if not self._runs:
            run, self._run, self._held = self._sorted_run(), [], 0
            yield from run
            return
        if self._run:
            self._write_run()
        yield from self._merge(self._open, self._runs)

    def close(self) -> None:
        """Drop what is held and remove the spilled runs."""
        self._run, self._runs = [], []
        self._open.close()
        if self._spill is not None:
            _remove(self._spill)
            self._spill = None
        if self._spill_held is not None:
            os.close(self._spill_held)
            self._spill_held = None

    def __exit__(self, *exc) -> None:
        self.close()


_PREFIX = ".sort-"
# A spill folder's name: the prefix and 12 hex digits (as ``atomic.temp_name``'s random part);
# and the file a sort writes into it first, before any run.  The cleanup takes a folder for a
# sort's only by both (or by the name, when empty: a sort killed before it wrote the mark), as
# it took every unheld ``.sort-*`` (a user's ``.sort-notes/`` in a shared ``--cache`` too).
_SPILL = re.compile(r"\.sort-[0-9a-f]{12}")
MARK = ".alliance-graph-sort"
# Earlier versions' spill folders: named by mkdtemp (8 of [a-z0-9_]: ``tempfile``'s
# ``_RandomNameSequence``), with no mark; one is taken for a sort's if it holds runs and
# nothing else (the runs' names: ``LineSorter._write_run``).
_EARLIER = re.compile(r"\.sort-[a-z0-9_]{8}")
_RUN = re.compile(r"[0-9]+\.(?:run|merged)")


def _held_spill(folder: Path) -> tuple[Path, int]:
    """Make a spill folder in ``folder``, marked; return it and a descriptor holding it
    (flock)."""
    while True:
        spill = folder / f"{_PREFIX}{secrets.token_hex(6)}"
        try:
            os.mkdir(spill, 0o700)
        except FileExistsError:
            continue
        try:
            held = os.open(spill, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:  # empty and unheld, taken for a killed sort's: another name
            continue
        try:
            take_flock(held)  # (no flock here: made unheld, and none taken for abandoned)
        except OSError:
            os.close(held)
            _remove(spill)
            raise
        if still_named(spill, held):
            try:
                (spill / MARK).write_bytes(b"runs of an alliance-graph sort, removed when it ends\n")
            except BaseException:
                os.close(held)
                _remove(spill)
                raise
            return spill, held
        os.close(held)  # removed between its making and the lock: another name


def _remove(spill: Path) -> None:
    """Remove the spill folder ``spill``, its mark last: removed in the order the folder lists
    its files, the mark perhaps first, a process killed meanwhile (a sort ending as a service
    stops, a cleanup of gigabytes of runs) left runs without the mark, which no cleanup takes
    for a sort's (``_made_by_a_sort``), for good."""
    try:
        names = os.listdir(spill)
    except OSError:
        names = []
    for name in names:
        if name != MARK:
            with contextlib.suppress(OSError):  # a folder put there: the rmtree below
                os.unlink(spill / name)
    shutil.rmtree(spill, ignore_errors=True)


def _made_by_a_sort(spill: Path) -> bool:
    """Whether the folder ``spill`` is one a sort made (by its name and what it holds: a
    folder holding anything but its mark and runs, a file put there by hand, is left)."""
    held = os.listdir(spill)
    if _SPILL.fullmatch(spill.name):
        return not held or MARK in held and all(name == MARK or _RUN.fullmatch(name)
                                                for name in held)
    return bool(_EARLIER.fullmatch(spill.name)) and bool(held) and \
        all(_RUN.fullmatch(name) for name in held)


def remove_abandoned(folder: Path) -> None:
    """Remove the spill folders in ``folder`` that no process holds: what sorts killed
    outright left; a folder a sort did not make is left (``_made_by_a_sort``).  Where the
    file system has no flock, none is removed."""
    for spill in folder.glob(_PREFIX + "*"):
        if not (_SPILL.fullmatch(spill.name) or _EARLIER.fullmatch(spill.name)):
            continue  # not a name a sort gives: a user's own ``.sort-notes/``
        with unheld(spill, folder=True) as free:  # not held by a sort under way
            try:
                if free and _made_by_a_sort(spill):
                    _remove(spill)
            except OSError:  # unreadable: left as it is
                pass


def sorted_lines(lines: Iterable[bytes], *, unique: bool = False, run_bytes: int = RUN_BYTES,
                 folder: Path | str | None = None) -> Iterator[bytes]:
    """Yield ``lines`` (each ending in b"\\n") sorted by their bytes, each once if ``unique``,
    holding at most about ``run_bytes`` of them: runs spilled into a temporary folder in
    ``folder`` (else the system's), removed when the sort ends, early or not."""
    with LineSorter(unique=unique, run_bytes=run_bytes, folder=folder) as sorter:
        sorter.add(lines)
        yield from sorter.lines()


class LinesFile(io.RawIOBase):
    """A binary file to read that holds ``lines``, joined as they are read."""

    def __init__(self, lines: Iterable[bytes]):
        self._lines = iter(lines)
        self._held = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._held:
            self._held = memoryview(b"".join(itertools.islice(self._lines, 1024)))
        size = min(len(buffer), len(self._held))
        buffer[:size] = self._held[:size]
        self._held = self._held[size:]
        return size
