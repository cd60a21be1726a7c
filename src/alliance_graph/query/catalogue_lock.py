"""One ``catalogue --update`` of a queries/ folder writing at a time, and ``catalogue``'s check
reading the reviewed answers before an update's renames or after them, never between two.

An update holds the folder's lock alone from its first look at the files it replaces to its
last rename (``writing``); another waits for it, at most ``WRITE_WAIT`` seconds, then compares
the answers with those now there and writes the ones that differ.  Unlocked, two updates
renamed their answers in turn (the manifest of one beside answers of the other), and each could
remove the other's hidden files.  A check holds the lock shared while it reads the manifest and
the answers (``reading``): it reads them one by one, as an update renames them one by one.

The lock is a ``flock`` of the folder itself, as the data folder's readers' lock is
(``build/data_folder.py``): the kernel releases it when its holder dies, so a killed update
leaves no stale lock, and it adds no file to the user's folder for ``git status`` to list.  The
manifest and the answers cannot carry it: each is replaced by a rename, and a lock on the file
renamed away excludes no one.

Holding the lock alone, an update knows no other is writing, so each hidden temporary file of
an update there (``.NAME.srj.<random>.tmp``, ``.NAME.srj.old<random>.tmp``) is a killed one's,
and it removes them all, however new.  On a file system without such locks (some network and
FUSE ones) updates go on unlocked, as they did before, and only the hidden files older than
``STALE_SECONDS`` are removed: a younger one may be another update's, being written.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..atomic import remove_stale, temp_glob
from ..build.file_locks import flocked
from .catalogue_files import CatalogueError

WRITE_WAIT = 60.0     # seconds one waits for another update's writing (which takes a second)
STALE_SECONDS = 60.0  # without locks, a hidden file older is a killed update's
# Every name ``atomic.replace_all`` gives an answer's or the manifest's new or kept old text.
LEFTOVERS = tuple(temp_glob(name, tag) for name in ("*.srj", "*.ttl") for tag in ("", "old"))
# A wait said with no ``on_wait``: a warning with no handler configured goes to stderr.
_LOG = logging.getLogger("alliance_graph.catalogue")


@contextmanager
def writing(queries_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``queries_dir`` alone for the block, once another update's writing
    has ended, and remove what killed updates left there; raise CatalogueError past
    ``WRITE_WAIT`` seconds."""
    folder = _open(queries_dir)
    try:
        try:
            locked = folder is not None and _take(folder, fcntl.LOCK_EX, queries_dir, on_wait,
                                                  strict=True)
        except OSError:  # a file system without locks: as before them, young files spared
            locked = False
        if locked is None:
            raise CatalogueError(f"{queries_dir}: another update of the catalogue has been "
                                 f"writing it for {WRITE_WAIT:g} s (a stopped one?): nothing "
                                 "was written; run it again once that one has ended")
        remove_stale(queries_dir, LEFTOVERS, "", None if locked else STALE_SECONDS)
        yield
    finally:
        if folder is not None:
            os.close(folder)  # releases the lock


@contextmanager
def reading(queries_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``queries_dir`` shared for the block (no update renames an answer
    meanwhile), once an update's writing has ended; raise CatalogueError past ``WRITE_WAIT``
    seconds."""
    folder = _open(queries_dir)
    try:
        # Where the file system has no locks, ``flocked`` takes none and the block reads on.
        if folder is not None and _take(folder, fcntl.LOCK_SH, queries_dir, on_wait) is None:
            raise CatalogueError(f"{queries_dir}: an update of the catalogue has been writing "
                                 f"it for {WRITE_WAIT:g} s (a stopped one?): nothing was "
                                 "checked; run it again once that one has ended")
        yield
    finally:
        if folder is not None:
            os.close(folder)  # releases the lock


def _open(queries_dir: Path) -> int | None:
    """Open ``queries_dir`` for its lock; None when it cannot be (missing: the caller says so)."""
    try:
        return os.open(queries_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None


def _take(folder: int, operation: int, queries_dir: Path,
          on_wait: Callable[[str], None] | None, strict: bool = False) -> bool | None:
    """Take the ``flock`` ``operation`` of the open folder, telling ``on_wait`` once if it must
    wait; return True, or None past ``WRITE_WAIT`` (``strict``: OSError without locks)."""
    told = []

    def say():
        if not told:
            told.append(True)
            (on_wait or _LOG.warning)(f"waiting for another update of the catalogue to finish "
                                      f"writing {queries_dir} ...")
    return flocked(folder, operation, time.monotonic() + WRITE_WAIT, say, strict) or None
