"""Atomic file writes: a file is replaced so that readers see the old one or the new one, never
a half-written one, and a crash leaves one of the two.  Used by the build cache, the stores'
marker and layout files, and ``add``'s commit (which renames several files as one unit)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

Data = bytes | str | Callable


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename, a new or removed file) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path, tag: str = "") -> Path:
    """Return a fresh hidden name beside ``path``: ``.<name>.<tag><random>.tmp``."""
    return path.with_name(f".{path.name}.{tag}{secrets.token_hex(6)}.tmp")


def write_temp(path: Path, data: Data, tag: str = "") -> Path:
    """Write ``data`` to a new temporary file beside ``path``, flushed to disk; return it.

    The file gets the mode of the file it will replace, or for a new file the mode any new
    file gets (0666 less the umask).  ``data`` is bytes, text (UTF-8), or a function that
    writes to the binary file object it is given.
    """
    tmp = temp_name(path, tag)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            os.fchmod(fd, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass
        with os.fdopen(fd, "wb") as out:
            if callable(data):
                data(out)
            else:
                out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomically(path: Path, data: Data) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new, never a
    half-written one, and a crash leaves one of the two (see ``write_temp`` for ``data``)."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
