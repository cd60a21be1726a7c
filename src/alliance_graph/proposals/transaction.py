"""Change the files of a data folder as one unit, one writer at a time, out of readers' sight.

``DataLock`` (``build.data_folder``) is held by ``add`` for its whole read, validate and
write, so two adds never both read the old files and the second never overwrites the first
one's facts.  The kernel releases it when its holder dies.

``commit`` writes every new file beside its original first (flushed to disk, with the
original's mode), then, holding the folder alone (``data_folder.changing``: once the commands
reading it are done, and none starting meanwhile), a journal naming them (written
atomically), then renames them over the originals, then removes the journal.  The journal is
the commit point: a process killed before it is written leaves the old files (and
temporaries, which the next run cleans); killed after, it leaves a journal that the next
command reading the folder rolls forward (``settle``), renaming whatever is left.  Either way
readers see the old set or the new set, and a reader under way never sees some files renamed
and others not.

A data file that is a symbolic link stays one: its new text is written beside, and renamed
over, the file the link names.  Renaming over the link itself would turn it into a regular
file holding the new facts while the file the user keeps elsewhere never got them.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

from .. import atomic
from ..build import data_folder
from ..build.data_folder import (  # noqa: F401 - the data folder's protocol, named here too
    JOURNAL,
    LOCK,
    TAG,
    Busy,
    CommitError,
    DataLock,
    needs_settling,
    reading,
    recover,
    settle,
)
from ..wording import Metavar, Said

# For tests only: a process whose environment names a step of ``commit`` here kills itself
# (SIGKILL) on reaching it, so a test can stop a real ``add`` at every point of a commit.
KILL_AT_STEP = "ALLIANCE_GRAPH_TEST_KILL_AT_STEP"


def _step(number: int) -> None:
    if os.environ.get(KILL_AT_STEP) == str(number):
        os.kill(os.getpid(), signal.SIGKILL)


def commit(data_dir: Path, new_texts: dict[Path, str],
           on_wait: Callable[[str], None] | None = None) -> None:
    """Replace the files of ``data_dir`` named in ``new_texts`` with their texts, as one unit.

    The caller holds the ``DataLock``; ``on_wait`` is told when the commit waits for the
    commands reading the folder.  Raises ``CommitError`` when it cannot; before the journal
    is written nothing has changed, after it the next run finishes the commit.
    """
    data_dir = Path(data_dir)
    for path in new_texts:
        # A rename replaces a file whatever its mode: a file its owner made read-only (as
        # root, whom permissions do not stop, too) is refused as an editor would refuse it.
        if path.exists() and not data_folder.place(path).stat().st_mode & 0o222:
            raise CommitError(Said(lambda n, p=path: (
                f"{p} is read-only, nothing changed: make it writable (chmod u+w) or add the "
                f"facts to another file ({n('into', Metavar('FILE'))})")))
    temps: list[tuple[Path, Path, Path]] = []  # (data file, file it names, temporary file)
    step = 0
    try:
        for path, text in new_texts.items():
            place = data_folder.place(path)
            # Held (flock) until renamed: a linked file's is written in another folder, whose
            # own commands' settling would take it for a killed write's and remove it.
            temps.append((path, place, atomic.write_temp(place, text, tag=TAG, held=True)))
            step += 1
            _step(step)
        with data_folder.changing(data_dir, on_wait):
            _journal_and_renames(data_dir, temps, step)
    except BaseException as exc:
        if not (data_dir / JOURNAL).exists():  # else they are the journal's to rename
            for _, _, tmp in temps:
                tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CommitError(f"could not write the data files, nothing changed: "
                              f"{exc.strerror or exc}") from exc
        raise
    finally:
        for _, _, tmp in temps:  # renamed, removed, or the journal's to rename
            atomic.release(tmp)


def _journal_and_renames(data_dir: Path, temps: list[tuple[Path, Path, Path]],
                         step: int) -> None:
    # Targets by their name in data_dir (a link is followed again on recovery).
    journal = {"files": [{"target": p.name, "temp": t.name} for p, _, t in temps]}
    atomic.write_atomically(data_dir / JOURNAL, json.dumps(journal, indent=1))
    step += 1
    _step(step)
    try:
        for _, place, tmp in temps:
            os.replace(tmp, place)
            atomic.release(tmp)  # its lock is now the data file's
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
