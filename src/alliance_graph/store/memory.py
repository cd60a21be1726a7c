"""The memory backend's ``main`` store: the build's asserted triples in one graph, in memory.

Loaded at every start from ``main-<hash>.nq``, the ``main`` layout of the N-Quads build cache
(``layout.write_main``), written once per build beside it; Oxigraph's parser reads it at native
speed.  The per-file layout stays on disk in the cache folder's directory store.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pyoxigraph as ox

from .. import atomic
from ..build import pipeline as build
from ..settings import Settings
from . import sorted_lines
from .errors import StoreError, damaged
from .layout import write_main

# The name of every build's ``main`` file, the only ones the cleanups take (as
# ``pipeline.BUILD_GLOB``: a user's own ``main-notes.nq`` in a shared ``--cache`` stays).
MAIN_GLOB = "main-" + "[0-9a-f]" * 32 + ".nq"

def main_file(settings: Settings) -> Path:
    """Return the ``main`` layout file of the current build, writing it first if needed."""
    nquads = build.cached_build(settings)
    path = nquads.with_name(nquads.name.replace("build-", "main-", 1))
    if not build.whole(path) and _write_main(path, nquads):
        atomic.remove_stale(path.parent, (MAIN_GLOB, atomic.temp_glob(MAIN_GLOB)),
                            path.name, settings.stale_cache_seconds)
    else:  # as the build cache's (``pipeline.cached_build``)
        atomic.remove_abandoned(path.parent, MAIN_GLOB)
    from ..build import cache_lock  # here: opening a build needs no other build module
    cache_lock.remove_abandoned(path.parent, MAIN_GLOB)  # a killed writer's lock, unheld
    # A killed sort's runs, by their hold and their names, not their age: ".sort-*" among the
    # stale files took a user's own ``.sort-notes/`` in a shared cache folder, and a sort
    # under way for longer than the grace.
    sorted_lines.remove_abandoned(path.parent)
    return path


def built_main_file(settings: Settings, digest: str) -> Path:
    """Return the ``main`` layout file of the build ``digest`` (an input hash's first 32
    digits), writing it from that build's cache file if needed, never building."""
    path = settings.cache_dir / f"main-{digest}.nq"
    if not build.whole(path):
        nquads = settings.cache_dir / f"build-{digest}.nq"
        if not build.whole(nquads):
            raise StoreError(f"the build {digest} is no longer in {settings.cache_dir}")
        _write_main(path, nquads)
    return path


def _write_main(path: Path, nquads: Path) -> bool:
    """Write the ``main`` layout file ``path`` of the build ``nquads``; return False when
    another caller wrote it meanwhile (those wanting it at once write it once: ``cache_lock``)."""
    from ..build.cache_lock import building  # here: opening a build needs no build module
    with building(path):
        if build.whole(path):
            return False
        try:
            atomic.write_atomically(path, partial(write_main, nquads))
        except ValueError:  # a line of the build with no graph term (``layout.main_line``)
            raise damaged(nquads, "a line that is no quad") from None
    return True


def open_main(settings: Settings, digest: str | None = None) -> ox.Store:
    """Return a new in-memory store holding the ``main`` layout of the current build (of the
    build ``digest``, if given: see ``built_main_file``)."""
    store = ox.Store()
    path = main_file(settings) if digest is None else built_main_file(settings, digest)
    # load(), not bulk_load(): into memory it is the faster of the two and leaves a smaller
    # process (at 100 k facts 3.8 s and 403 MiB against 4.6 s and 433 MiB).
    try:
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise damaged(path, exc.msg) from None
    return store
