"""The folders of a directory store's builds: the temporary folder of a build under way,
locked while it is written, and the removal of builds no longer in use and of those a killed
command left half-written (``directory`` names the builds and opens them)."""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

from ..unheld import take_flock, unheld

# What a directory store holds: CURRENT, builds named by a 32-digit hash, the temporary
# folders of builds under way (their writer's pid last), and the lock for naming a build.
OURS = re.compile(r"CURRENT|build-[0-9a-f]{32}|\.tmp-[0-9a-f]{32}-[0-9]+|\.CURRENT\..*\.tmp"
                  r"|\.naming\.lock")


def remove_old(folder: Path, keep: str) -> None:
    """Remove every build of ``folder`` but ``keep``, and the folders of dead builds."""
    # Old builds may still be open read-only by a running server: POSIX keeps their files
    # alive until closed, so removing them here is safe.
    for entry in folder.glob("build-*"):
        if entry.name != keep and OURS.fullmatch(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
    remove_dead(folder)


def hold(tmp: Path) -> int:
    """Make the folder of a build under way and return a descriptor locking it, held until
    the build is named; called under the naming lock, which ``remove_dead`` takes, so
    no command finds the folder made and not yet locked.  A folder of that name a live build
    holds is left, and OSError (EBUSY) raised: its builder has the same process id, in
    another pid namespace (the first process of two containers sharing the store folder), and
    removing it made both builds fail ("No such file or directory")."""
    with unheld(tmp, folder=True) as free:  # a killed command's of the same name
        if free:
            shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
    except FileExistsError:
        raise OSError(errno.EBUSY, _in_the_way(tmp, free), str(tmp)) from None
    held = os.open(tmp, os.O_RDONLY | os.O_DIRECTORY)
    try:
        take_flock(held)  # (no flock here: built unheld, and no folder is taken for a dead build's)
    except OSError:
        os.close(held)
        raise
    return held


def _in_the_way(tmp: Path, free: bool) -> str:
    """Say why the folder of a build could not be made at ``tmp``, which names an entry."""
    if free:
        return "a killed build left it, and it could not be removed: remove it"
    if os.path.isdir(tmp) and not os.path.islink(tmp):
        return ("a build of the same inputs is under way in it, by a process of the same id "
                "(in another container?): run this again once it is done")
    return "not a folder this program made: move it away"


def empty(tmp: Path) -> None:
    """Remove what a build under way wrote into its folder ``tmp``, to write it anew."""
    # The folder itself is kept: its lock says the build in it is under way.
    for entry in tmp.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def remove_dead(folder: Path) -> None:
    """Remove the temporary folders of builds no command is writing (the naming lock held):
    a live build's is locked (``hold``).  The process id in its name was the test once, and
    a process given that id since (a container's every first process is 1) kept the folder
    for good.  A link of such a name is left, not followed, and so is every folder where the
    file system has no flock (``unheld``), where its error (ENOLCK) was raised."""
    for entry in folder.glob(".tmp-*"):
        if OURS.fullmatch(entry.name):
            with unheld(entry, folder=True) as free:  # not a command building in it
                if free:
                    shutil.rmtree(entry, ignore_errors=True)
