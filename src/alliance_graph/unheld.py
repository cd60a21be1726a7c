"""Whether a file or folder is held by no process (``flock``), asked by the cleanups that remove
what a process killed outright left: a temporary file of ``atomic``'s, a cache build's lock
file, a commit's temporary file in data/ (``build/data_folder``), a sort's spill folder
(``store/sorted_lines``), a directory store's build folder (``store/build_folders``).  Each of
their writers holds its entry (flock) from its making to its rename or removal, and the kernel
lets go when the writer dies, so an entry nobody holds is one nobody is writing.

``unheld`` answers it while holding the entry's lock, so that the caller removes it under the
lock and no writer can take it meanwhile.  The entry is opened without following a link
(O_NOFOLLOW): a link put where a temporary file was does not lead a cleanup into the files it
names.  It is locked first and only then checked to be the entry still named so
(``still_named``): a writer that opened it before and locks it after finds it no longer named
and takes a new name (``atomic.write_temp``, the sort's spill); checked first and locked after,
the name could be given to a new entry between the two, and the cleanup would remove that one,
which its maker was about to hold.

A file system without flock (some network and FUSE ones: ``NO_LOCKS``) cannot say whether an
entry is held.  There every entry is left, by every cleanup alike (and so is one whose lock
fails otherwise): its writers write unheld (there is no lock to take), so a removal could take
a write under way, where a leftover only costs disk.  (``data_folder`` removed them there, and
``build_folders`` raised the error.)
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# What a file system without flock answers (some network and FUSE ones): there an entry is
# made unheld, and none is taken for abandoned.
NO_LOCKS = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.EBADF})


def still_named(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the file or folder open as ``fd``: one locked after its
    making may have been removed (and its name taken anew) by a cleanup between the two.
    False too where the name gives nothing for another reason: a folder on its way replaced
    by a file or a link round in a loop (ENOTDIR, ELOOP), which a cleanup raised."""
    try:
        return os.path.samestat(os.lstat(path), os.fstat(fd))
    except OSError:
        return False


@contextmanager
def unheld(path: Path, *, folder: bool = False) -> Iterator[bool]:
    """Yield whether ``path`` names a regular file (``folder``: a folder) that no process holds,
    holding its lock for the block when it does, so that the block removes it under the lock.
    False, and the entry left: one held, gone, a link, of the other kind, or on a file system
    without flock."""
    fd = _opened(path, folder)
    if fd is None:
        yield False
        return
    try:
        free = _taken(path, fd)
        yield free
    finally:
        os.close(fd)  # releases the lock


def _opened(path: Path, folder: bool) -> int | None:
    """Open the entry ``path`` names, never through a link; None where it is not one of the
    kind asked (or gone).  Its kind is looked at before it is opened: a pipe of a temporary
    file's name, opened to be asked, let a process waiting to write into it through its open,
    and its write then failed (the reader gone); a device's open may do anything.  Then looked
    at again, open (O_NONBLOCK: one made a pipe in between does not block)."""
    kind = stat.S_ISDIR if folder else stat.S_ISREG
    try:
        if not kind(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if folder
                                                         else os.O_NONBLOCK))
    except OSError:
        return None
    if not kind(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def _taken(path: Path, fd: int) -> bool:
    """Take the lock of ``fd``, open as ``path``, without waiting; return whether it is taken
    and ``path`` still names it (then held until ``fd`` is closed)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held (being written); or no flock here (NO_LOCKS): cannot tell, left
        return False
    return still_named(path, fd)


def take_flock(fd: int, *, shared: bool = False) -> bool:
    """Take the flock of ``fd`` (exclusive, or ``shared``), waiting for it, for a writer that
    holds what it makes (or a lock file) while it works; return whether it is held.  False on
    a file system without flock (``NO_LOCKS``): the writer goes on unheld there, as every
    writer does, and no cleanup takes anything for abandoned; other errors are raised."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
    except OSError as exc:
        if exc.errno not in NO_LOCKS:
            raise
        return False
    return True
