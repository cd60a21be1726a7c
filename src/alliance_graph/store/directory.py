"""The on-disk store: an Oxigraph (RocksDB) directory holding one build per inputs' hash.

A directory store keeps each build in a subfolder named by the inputs' hash and a ``CURRENT``
file naming the one in use.  A build holds both layouts of ``layout.py`` in one store: the
files' named graphs and ``graph/inferred``, and a copy of the files' triples in
``graph/asserted``, made inside the store so that its blank nodes are the files' own.  A build is written to a temporary folder, renamed, and only then
named in ``CURRENT`` (replaced atomically), so an interrupted build never touches the store in
use and a half-built store is never opened.  A build that no longer opens (a file truncated or
lost under it: RocksDB reports corruption) is built again from the inputs, by ``load`` and by
any command that finds it so: the store is derived data, the inputs are the truth.  Each build's
folder also holds the record of its terms (``layout.Terms``), written before the folder is
renamed into place; a build opened in this process is remembered with it (``recorded_terms``).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ..atomic import remove_stale, temp_glob, write_atomically
from ..build import pipeline as build
from ..settings import Settings
from ..unheld import take_flock
from ..wording import Said
from . import build_folders
from .errors import StoreError, damaged
from .layout import Terms, copy_noting, file_graphs

CURRENT = "CURRENT"
# What builds a store again from the inputs, as a library caller runs it (the command line
# names its own command for it: ``wording``).
LOAD = "alliance_graph.store.backends.load_into_store(settings)"
NAMING_LOCK = ".naming.lock"
_HASH = re.compile(r"[0-9a-f]{32}")


def current_build(folder: Path) -> str | None:
    """Return the input hash of the build a directory store currently serves, if any."""
    try:
        # Bytes, not text: a CURRENT that a crash or a disk error left garbled is no build's
        # name (read as ASCII, it was a UnicodeDecodeError), and is written again by the next.
        name = (folder / CURRENT).read_bytes().strip().decode("ascii", "replace")
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:  # it said "[Errno 20] Not a directory: '.../CURRENT'"
        if folder.exists():  # a file, a device (/dev/null), a pipe: not a folder at all
            raise StoreError(f"{folder} is a file, not a folder for a directory store") from exc
        raise  # a folder above it is a file: said as any path that cannot be used
    return name if _HASH.fullmatch(name) and (folder / f"build-{name}").is_dir() else None


# One build at a time in this process: its threads share the process id that names a build's
# temporary folder, and four ag.load() at once on a new cache emptied each other's
# ("IO error: lock hold by current process", "No such file or directory: .../.tmp-...").
_BUILDING = threading.RLock()


def build_directory(settings: Settings, folder: Path, repair: bool = False) -> str:
    """Build the graph into ``folder`` unless its current build has the same inputs; return
    the input hash it now serves.  ``repair``: a build of the same inputs that does not open
    is built again (``load`` said it served one that no command could open)."""
    with _BUILDING:  # the others, once it is built, find it current
        return _build_directory(settings, folder, repair)


def _build_directory(settings: Settings, folder: Path, repair: bool) -> str:
    _no_loop(settings.cache_dir, "cache_dir")
    _no_loop(folder, "store" if folder == Path(settings.store) else "cache_dir")
    if folder.resolve() == settings.cache_dir.resolve():
        # It built once; once the inputs changed, the cache's own build-<hash>.nq made the
        # folder look like another program's.
        raise StoreError(Said(lambda n: f"{folder} is the cache folder too "
                                        f"({n('settings.cache_dir')}): give "
                                        f"{n('settings.store')} a folder of its own"))
    digest = build.input_hash(settings)[:32]
    if repair and (folder / f"build-{digest}").is_dir():
        try:
            open_build(folder, digest)
        except Damaged:
            _discard(folder, digest)
    if current_build(folder) == digest:
        _remove_dead_beside(folder)
        return digest
    _check_ours(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = held = None
    try:
        if not (folder / f"build-{digest}").is_dir():
            tmp = folder / f".tmp-{digest}-{os.getpid()}"
            with _naming(folder):
                # What killed builds left (a large graph's: gigabytes each) goes before this
                # one is written, not only once a build is made: builds killed again and
                # again (the out-of-memory killer, a service restarted) filled the disk.
                build_folders.remove_dead(folder)
                held = build_folders.hold(tmp)
            try:
                def make(_digest):
                    build_folders.empty(tmp)
                    # _build_in's store is closed when it returns (RocksDB's files too), before
                    # the rename. No garbage collection here: a full one on this thread (the
                    # CLI's worker, ag.load's) freed other threads' garbage, query results
                    # among them, which pyoxigraph refuses to drop off their own thread.
                    _build_in(settings, tmp).write(tmp)

                # Named by the hash of the inputs it was built from, checked again after.
                digest = build.while_unchanged(settings, make)[0][:32]
            except OSError as exc:
                shutil.rmtree(tmp, ignore_errors=True)
                if exc.filename is not None or exc.errno is not None:
                    raise
                # The store engine's own (RocksDB's "IO error: No space left on device: While
                # appending to file: .../bulk-...sst"): it names no folder, so no setting.
                raise _InFolder(None, str(exc), str(folder)) from exc
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        target = folder / f"build-{digest}"
        # Naming a build and removing the others, one command at a time: two builds of
        # different inputs finishing together could each remove the other's, leaving CURRENT
        # naming a folder that is gone.
        with _naming(folder):
            if tmp is not None:
                try:
                    os.rename(tmp, target)
                except OSError as exc:
                    shutil.rmtree(tmp, ignore_errors=True)
                    # Another command built the same inputs meanwhile (two first runs at
                    # once): its build is as good as this one.
                    if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not target.is_dir():
                        raise
            write_atomically(folder / CURRENT, digest + "\n")
            build_folders.remove_old(folder, keep=target.name)
    finally:
        if held is not None:
            os.close(held)
    # A command killed while it named its build leaves its CURRENT's temporary file; once
    # nothing has written one for a while it is no other command's (nothing else removes it).
    remove_stale(folder, (temp_glob(CURRENT),), CURRENT, settings.stale_cache_seconds)
    return digest


def _no_loop(folder: Path, field: str) -> None:
    """Raise StoreError for a folder whose symbolic links lead round in a loop, naming the
    setting that gave it: ``Settings(store=<a loop>)`` was a RuntimeError ("Symlink loop",
    from ``Path.resolve``) and a traceback to a library caller (the command line's options
    are checked before: ``project``)."""
    try:
        os.stat(folder)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            return  # a folder not made yet, or one said where it is used
        raise StoreError(Said(lambda n: f"{n(f'settings.{field}', str(folder))}: its symbolic "
                                        "links lead round in a loop (too many levels of "
                                        "symbolic links): give the folder's real path")) from None
    except ValueError:  # a NUL byte: said where the folder is used
        return


@contextmanager
def _naming(folder: Path, shared: bool = False):
    """Hold the lock that naming a build and removing the others takes: exclusively to do
    that, shared to open a build (which must not be removed while it is being opened)."""
    try:
        lock = open(folder / NAMING_LOCK, "a")
    except OSError as exc:
        # A folder this command may not write (a read-only mount): nobody renames or removes
        # a build in it through this command, so a reader needs no lock there.
        if shared and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            yield
            return
        raise
    with lock:
        # Released when closed, or when the holder dies.  Where the file system has no flock,
        # taken by nobody: its builds are named unheld, as every writer there writes (``take_flock``).
        take_flock(lock.fileno(), shared=shared)
        yield


def _remove_dead_beside(folder: Path) -> None:
    """Remove what killed builds left in ``folder`` when no build is to be made: a build of
    inputs edited, killed, and the edit undone, left its folder (gigabytes for a large graph)
    until a build of other inputs, as every later ``load`` found its build current."""
    if not any(folder.glob(".tmp-*")):  # the usual case: no lock taken, nothing written
        return
    try:
        with _naming(folder):  # as a build removes them: none is held between mkdir and flock
            build_folders.remove_dead(folder)
    except OSError:  # a folder this command may not write: left for one that may
        pass


def _check_ours(folder: Path) -> None:
    """Refuse a folder that holds anything a directory store does not write: it is someone
    else's (another program's Oxigraph store, whose own CURRENT file this one would replace,
    or a folder whose build-* entries old builds' clean-up would delete)."""
    try:
        foreign = sorted(e.name for e in folder.iterdir() if not build_folders.OURS.fullmatch(e.name))
    except FileNotFoundError:
        return
    except NotADirectoryError as exc:
        raise StoreError(f"{folder} is a file, not a folder for a directory store") from exc
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise StoreError(Said(lambda n: f"{folder} is not an alliance-graph directory store (it "
                                        f"holds {shown}); give {n('settings.store')} a new or "
                                        "empty folder, or one it made"))


def _build_in(settings: Settings, folder: Path) -> Terms:
    # Above settings.disk_build_threshold the streaming route runs in the on-disk store
    # itself, every write through the bulk loader, so memory stays bounded however big the
    # graph (a million facts would take 5 GB in memory).  Below it, or when the N-Quads cache
    # of these inputs already exists (the memory backend made it), the build goes through
    # that cache and is bulk-loaded: several times faster.  The store is local, so it is
    # released when this returns.  Returns what its terms hold, noted as they were copied.
    store = ox.Store(str(folder))
    if build.input_bytes(settings) > settings.disk_build_threshold \
            and not build.cache_path(settings).exists():
        build.stream_into(store, settings)
    else:
        _fill(store, build.cached_build(settings))
    terms = Terms()
    copy_noting(store, file_graphs(store), terms)
    _compact(store)
    return terms


def _fill(store: ox.Store, nquads: Path) -> None:
    try:
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise damaged(nquads, exc.msg) from None


def _compact(store: ox.Store) -> None:
    store.flush()
    store.optimize()


def cache_folder(settings: Settings) -> Path:
    """Return the directory store kept in the cache folder beside the memory backend's build."""
    return settings.cache_dir / "store"


def open_directory(settings: Settings, folder: Path) -> ox.Store:
    """Return the directory store for the current inputs, building it first if needed, and
    again if it does not open."""
    return open_current(settings, folder)[0]


def check_name(folder: Path) -> None:
    """Raise OSError (naming ``folder``) when its path is not UTF-8: Oxigraph opens only such a
    folder, and said "The DB path is not valid UTF-8" once the build had run, naming no path."""
    try:
        str(folder).encode("utf-8")
    except UnicodeEncodeError:
        raise _InFolder(errno.EINVAL, "the folder's path is not UTF-8 text, and the store's "
                        "engine (Oxigraph) opens only a folder whose path is: choose another",
                        str(folder)) from None


class _InFolder(OSError):
    """An OSError said as the project says a file's problem, "path: what is wrong", with no
    "[Errno 22]" before it; its filename lets the caller name the setting that gave it."""

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def open_current(settings: Settings, folder: Path) -> tuple[ox.Store, str]:
    """Return ``open_directory``'s store and the input hash of the build it opened: the
    dataset's version is that build's, not the inputs' as hashed again later (edited since,
    they named a build this store does not hold)."""
    check_name(folder)
    repaired = False
    for _ in range(3):
        digest = build_directory(settings, folder)
        # Opened under the lock, which removing old builds takes: a command building other
        # inputs into the same folder removed this build while it was opened, which RocksDB
        # then reported as corruption.
        with _naming(folder, shared=True):
            if (folder / f"build-{digest}").is_dir():
                try:
                    return open_build(folder, digest), digest
                except Damaged:
                    if repaired:
                        raise
                    broken = True
            else:
                broken = False
        if broken:  # built again from the inputs, once
            _discard(folder, digest)
            repaired = True
        # Or replaced meanwhile by another command's build of other inputs: build it again.
    raise StoreError(Said(lambda n: f"{folder} was rebuilt from other inputs each time this "
                                    f"command opened it: give each project a "
                                    f"{n('settings.store')} of its own"))


def _discard(folder: Path, digest: str) -> None:
    """Remove a build that does not open, so that it is built again; StoreError when the
    folder cannot be written (a read-only store cannot be repaired here)."""
    try:
        with _naming(folder):
            shutil.rmtree(folder / f"build-{digest}")
    except OSError as exc:
        raise StoreError(f"the build {digest} in {folder} does not open, and cannot be "
                         f"removed to build it again: {exc.strerror or exc}") from exc


def open_named(folder: Path, digest: str) -> ox.Store:
    """Return the build ``digest`` of ``folder``, never building: raise StoreError if it is
    gone (another command's build of other inputs removed it: opened under the naming lock,
    it is never removed while being opened)."""
    with _naming(folder, shared=True):
        if not (folder / f"build-{digest}").is_dir():
            raise StoreError(f"the build {digest} is no longer in {folder}")
        return open_build(folder, digest)


# The records of the builds this process opened (``layout.Terms``), by input hash: a hash
# names a build's content, so its record is the same in any folder holding it.
_TERMS: dict[str, Terms] = {}


def recorded_terms(digest: str | None) -> Terms | None:
    """Return the record of the terms of the build ``digest``, if this process opened it and
    it has one (None: not known)."""
    return _TERMS.get(digest) if digest is not None else None


class Damaged(StoreError):
    """A build whose files are damaged or lost: derived data, built again from the inputs."""


def open_build(folder: Path, digest: str) -> ox.Store:
    """Return the build ``digest`` of the directory store ``folder``, as it is on disk; raise
    ``Damaged`` for a build that is, StoreError when this process cannot open it."""
    try:
        # Read-only: several server workers can open it at once, and nothing writes to it.
        store = ox.Store.read_only(str(folder / f"build-{digest}"))
    except (RuntimeError, FileNotFoundError) as exc:  # RocksDB's corruption, a file lost
        raise Damaged(Said(lambda n, why=exc: f"cannot open the store in {folder}: {why}; "
                                              f"{n(LOAD, folder)} builds it again from "
                                              "the inputs")) from exc
    except OSError as exc:
        # This process's lot, not the build's (too few file descriptors, memory, rights): a
        # good build was removed to be built again, and the build failed the same way.
        raise StoreError(f"cannot open the store in {folder}: {exc}") from exc
    terms = Terms.recorded(folder / f"build-{digest}")
    if terms is None:  # a build made before the record: not known, whatever was said before
        _TERMS.pop(digest, None)
    else:
        _TERMS[digest] = terms
    return store
