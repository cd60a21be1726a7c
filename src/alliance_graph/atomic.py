"""Atomic file writes: a file is replaced so that readers see the old one or the new one, never
a half-written one, and a crash leaves one of the two.  Used by the build cache, the stores'
marker and layout files, ``catalogue --update`` (several files, all or none: ``replace_all``),
and ``add``'s commit (which renames several files as one unit, with a journal)."""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import secrets
import shutil
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .unheld import still_named, take_flock, unheld

Data = bytes | str | Callable


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename, a new or removed file) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# The name of a temporary file written beside a file named ``name``: hidden (a leading dot,
# added even to a name that has one: the journal ``.alliance-graph.journal`` writes
# ``..alliance-graph.journal.<random>.tmp``), then ``tag`` and a random part.  ``temp_name``
# makes names from it and ``temp_glob`` matches them, so a cleanup finds every name a write
# can leave.
_TEMP = ".{name}.{tag}{random}.tmp"


def temp_name(path: Path, tag: str = "") -> Path:
    """Return a fresh hidden name beside ``path``: ``.<name>.<tag><random>.tmp``."""
    return path.with_name(_TEMP.format(name=path.name, tag=tag, random=secrets.token_hex(6)))


def temp_glob(name: str, tag: str = "") -> str:
    """Return the glob matching every name ``temp_name`` gives a file named ``name`` with
    ``tag``, and no other; ``name`` is itself a glob (``"*.ttl"``: any Turtle file's), so a
    literal name is passed through ``glob.escape``.  The random part is its 12 hex digits: a
    "*", it took a user's own ``.notes.ttl.mine.tmp`` in ``queries/`` for an update's."""
    return _TEMP.format(name=name, tag=glob.escape(tag), random="[0-9a-f]" * 12)


def _write(out, data: Data) -> None:
    if callable(data):
        data(out)
    else:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_temp(path: Path, data: Data, tag: str = "", *, held: bool = False,
               tracked: bool = False) -> Path:
    """Write ``data`` to a new temporary file beside ``path``, flushed to disk; return it.

    The file gets the mode of the file it will replace, or for a new file the mode any new
    file gets (0666 less the umask).  ``data`` is bytes, text (UTF-8), or a function that
    writes to the binary file object it is given.  ``held``: the file is held (flock) by this
    process, so that ``remove_abandoned`` spares it, until the caller releases it once it is
    renamed; ``tracked``: held, and one ``discard_unfinished`` removes.
    """
    fd = None
    while fd is None:  # (a held file removed as it was made takes another name)
        tmp = temp_name(path, tag)
        fd = _create_held(tmp, tracked) if held or tracked else os.open(tmp, _CREATE, 0o666)
    try:
        try:
            os.fchmod(fd, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass
        with os.fdopen(fd, "wb") as out:
            _write(out, data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        release(tmp)
        if exc.filename is not None or exc.errno is None:
            raise
        # A write into the open file (a full disk, a file-size limit) names no file: said as
        # is, "[Errno 28] No space left on device" left the reader to guess which folder was
        # full (``load`` named the store's, where the cache's was).
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        release(tmp)
        raise
    return tmp


def write_atomically(path: Path, data: Data, *, tracked: bool = False) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new, never a
    half-written one, and a crash leaves one of the two (see ``write_temp`` for ``data``).
    ``tracked``: the temporary file is one ``discard_unfinished`` removes until it is renamed.
    What an earlier write of ``path`` killed outright left is removed first
    (``remove_abandoned``)."""
    remove_abandoned(path.parent, glob.escape(path.name))
    tmp = write_temp(path, data, held=True, tracked=tracked)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        release(tmp)
    fsync_folder(path.parent)


class PartlyReplaced(OSError):
    """A ``replace_all`` whose rename failed part-way, after some files were replaced, and
    that could not put them all back: ``new`` are the files holding their new text, ``old``
    those holding their old (never replaced, or put back), and ``kept`` the hidden files
    keeping the old text of the new ones, to put back by hand."""

    def __init__(self, cause: OSError, new: list[Path], old: list[Path], kept: dict[Path, Path],
                 why: OSError):
        super().__init__(cause.errno, cause.strerror, cause.filename)
        self.new, self.old, self.kept, self.why = new, old, kept, why

    def said(self) -> str:
        """Return what is new, what old, and where the old texts are, on one line."""
        kept = "; ".join(f"{path}'s old text is in {backup}" for path, backup in self.kept.items())
        return (f"{self.filename}: could not be written ({self.strerror}), and the files "
                f"already replaced could not be put back ({self.why.strerror or self.why}): "
                f"new: {', '.join(map(str, self.new))}; old: "
                f"{', '.join(map(str, self.old)) or 'none'}" + (f"; {kept}" if kept else ""))


def replace_all(files: dict[Path, Data]) -> None:
    """Replace every file of ``files`` with its data (see ``write_temp``), all or none: each
    new text is written to a temporary file beside its target first, and only once every one
    is on disk are they renamed over their targets.  A write that fails (a full disk, a
    file-size limit) leaves every target as it was and no temporary file; written one by one,
    the files before it were new and those after it old.  Each old file is kept (a hard link
    beside it) until every rename is done: a rename that fails (a target made a folder) puts
    back those already replaced (and removes those that were new) before the error is
    raised, as the caller says none was changed; if one cannot be put back, ``PartlyReplaced``
    says which files are new and which old, and keeps their old texts.  (No journal: a crash
    between the renames, a matter of microseconds, can still leave some renamed; ``add``'s
    commit, ``proposals.transaction``, keeps one for that.)"""
    temps: list[tuple[Path, Path]] = []
    olds: dict[Path, Path | None] = {}
    done: list[Path] = []
    kept: dict[Path, Path] = {}  # old texts not put back: left for the user
    try:
        for path, data in files.items():
            temps.append((path, write_temp(path, data)))
        for path, _ in temps:
            olds[path] = _keep_old(path)
        for path, tmp in temps:
            try:
                os.replace(tmp, path)
            except OSError as exc:  # named as the target, not as the hidden file renamed
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
            done.append(path)
    except OSError as exc:
        if done:
            try:
                _put_back(done, olds, exc, list(files))
            except PartlyReplaced as partly:
                kept = partly.kept
                raise
        raise
    finally:
        for _, tmp in temps:  # those not renamed: every one, when a write failed
            tmp.unlink(missing_ok=True)
        for old in olds.values():
            if old is not None and old not in kept.values():
                old.unlink(missing_ok=True)
    for folder in {path.parent for path in files}:
        fsync_folder(folder)


def _keep_old(path: Path) -> Path | None:
    """Return a hidden name beside ``path`` keeping the file it names now (a hard link, else
    a copy), or None where nothing is there to keep (a new file; a folder, which no rename
    replaces)."""
    try:
        kind = path.lstat().st_mode
    except FileNotFoundError:
        return None
    if not (stat.S_ISREG(kind) or stat.S_ISLNK(kind)):
        return None
    old = temp_name(path, "old")
    try:
        os.link(path, old, follow_symlinks=False)
    except OSError:  # a file system without hard links
        return write_temp(path, path.read_bytes(), "old")
    return old


def _put_back(done: list[Path], olds: dict[Path, Path | None], cause: OSError,
              paths: list[Path]) -> None:
    """Put back the files of ``done`` as they were before ``replace_all`` (their ``olds``, or
    none), or raise ``PartlyReplaced`` where one cannot be."""
    new, failed = [], None
    for path in reversed(done):
        try:
            if olds[path] is None:
                path.unlink()
            else:
                os.replace(olds[path], path)
        except OSError as exc:
            new.append(path)
            failed = failed or exc
    if failed is None:
        return
    kept = {path: olds[path] for path in new if olds[path] is not None}
    raise PartlyReplaced(cause, sorted(new), [p for p in paths if p not in new], kept,
                         failed) from cause


# The temporary files of outputs a user named, while they are written (``write_output``): a
# command interrupted by Ctrl-C ends at once, with os._exit, since its writing thread may be
# inside the engine (``cli.main``), so no ``finally`` removes them; ``discard_unfinished`` does.
# (Not the caches': ``remove_abandoned`` does; nor ``add``'s, which its journal may need.)
_UNFINISHED: set[Path] = set()
# Each temporary file ``write_temp(held=True)`` writes maps to a descriptor holding it (flock)
# to its rename or removal: one a SIGKILL left, held by nobody once the dead writer's lock was
# released, is removed by the next such write (``remove_abandoned``), one being written spared.
_HELD: dict[Path, int] = {}
_HELD_LOCK = threading.Lock()
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def _create_held(tmp: Path, tracked: bool) -> int | None:
    # Made, held and tracked under the lock: a command ending between the two (Ctrl-C as the
    # file appeared) found nothing to remove, and the file stayed (seen once in a CI run).
    with _HELD_LOCK:
        fd = os.open(tmp, _CREATE, 0o666)
        try:
            take_flock(fd)  # (no flock here: written unheld, and none taken for abandoned)
        except OSError:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        _HELD[tmp] = os.dup(fd)  # the caller closes ``fd`` once written; this one holds on
        if tracked:
            _UNFINISHED.add(tmp)
    if not still_named(tmp, fd):
        # ``remove_abandoned`` held it between its creation and the lock above, and removed
        # it: the write goes to a name of its own.
        release(tmp)
        os.close(fd)
        return None
    return fd


def release(tmp: Path) -> None:
    """Let go of ``tmp``, which ``write_temp(held=True)`` wrote, once renamed or removed."""
    with _HELD_LOCK:
        held = _HELD.pop(tmp, None)
        _UNFINISHED.discard(tmp)
    if held is not None:
        os.close(held)  # releases its lock, now that it is renamed (or removed)


# The name ``temp_name`` gives a file written with no tag: its target's name, then the random
# part.  DOTALL: a target's name may hold a line feed, and its killed write's file stayed.
_WRITTEN = re.compile(r"\.(.+)\.[0-9a-f]{12}\.tmp", re.DOTALL)


def remove_abandoned(folder: Path, name: str) -> None:
    """Remove the hidden temporary files that a ``write_atomically`` of a file of ``folder``
    whose name ``name`` (a glob: ``glob.escape`` a literal name) matches left (its writer
    killed outright, SIGKILL or the power cut), that no process holds; one being written now,
    by another process writing such a file, is held and spared."""
    for entry in folder.glob(temp_glob(name)):
        written = _WRITTEN.fullmatch(entry.name)  # not another tag's (``replace_all``'s old)
        if written and fnmatch.fnmatchcase(written[1], name):
            remove_unheld(entry)


def remove_unheld(path: Path) -> None:
    """Remove the regular file ``path`` if no process holds it (flock), under its lock
    (``unheld``: one held, gone or a link is left, and every one where there is no flock)."""
    with unheld(path) as free:
        if free:
            try:
                path.unlink()
            except OSError:  # gone meanwhile, or a folder we may not write: left
                pass


def discard_unfinished() -> None:
    """Remove the temporary files of the outputs still being written (``write_output``), for a
    process about to end without unwinding its threads.  A thread still writing one writes on
    into a file no longer named, and its rename, if it comes, fails: the output is left as it
    was before."""
    with _HELD_LOCK:
        unfinished = list(_UNFINISHED)
    for tmp in unfinished:  # still held: another command's remove_abandoned spares it
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def write_output(path: Path, data: Data) -> None:
    """Write a file a user named (``export -o``, ``load --nquads``): a regular file, or a new
    one, is replaced atomically (a failed write, a full disk, leaves the old one whole); a
    symbolic link is followed, so the file it names is replaced and the link kept; anything
    else (a pipe, a device) is written into as it is, never replaced by a file; and so is one of
    this process's descriptors (``/dev/stdout``, ``/dev/fd/3``), appended to: it is where the
    shell pointed it, and ``-o /dev/stdout >> log`` replaced the log with the export."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)  # of what a link names
    except FileNotFoundError:
        regular = True  # a new file (or a link to one)
    descriptor = _descriptor(path)
    if not regular or descriptor:
        try:
            with open(path, "ab" if descriptor else "wb") as out:
                _write(out, data)
        except OSError as exc:
            if exc.errno is None or exc.filename is not None:
                raise
            # A write names no file: `export -o /dev/full` said "a file or folder could not
            # be used: [Errno 28] No space left on device", of no file.
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        return
    try:
        write_atomically(path.resolve() if path.is_symlink() else path, data, tracked=True)
    except OSError as exc:
        if exc.errno is None:
            raise
        # Named as the user gave it, not as the hidden temporary file beside it that failed.
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


# A path naming an open descriptor: this process's, or (as /proc/self reads) another's.
_DESCRIPTOR = re.compile(r"/(?:proc/(?:self|thread-self|\d+)|dev)/fd/\d+")


def _descriptor(path: Path) -> bool:
    """Return whether ``path``, or a link it leads through, names an open descriptor
    (``/dev/stdout`` is a link to ``/proc/self/fd/1``)."""
    hop = os.path.abspath(path)
    for _ in range(40):  # as the kernel follows links
        if _DESCRIPTOR.fullmatch(hop):
            return True
        try:
            hop = os.path.normpath(os.path.join(os.path.dirname(hop), os.readlink(hop)))
        except OSError:  # no link: an ordinary path
            return False
    return False


def remove_stale(folder: Path, patterns: tuple[str, ...], keep: str,
                 grace: float | None) -> None:
    """Remove the entries of ``folder`` matching ``patterns`` (globs), except ``keep``, that
    nothing has written for ``grace`` seconds (None: every one, however new): older builds.
    The grace spares what another command is writing or about to read (a build just made,
    for inputs changed since); one already open stays readable, as POSIX keeps a removed file
    alive until closed.  None is for a caller whose lock excludes every other writer: a
    file's time, set by a file server's clock, may be ahead of this one's (0 would spare it).
    """
    cutoff = None if grace is None else time.time() - grace
    for pattern in patterns:
        for entry in folder.glob(pattern):
            try:
                if entry.name == keep or cutoff is not None and entry.lstat().st_mtime > cutoff:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            except OSError:  # gone already, or not ours to remove: it only costs disk
                continue
