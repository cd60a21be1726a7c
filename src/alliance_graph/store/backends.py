"""Where the built graph lives: in memory, in an on-disk Oxigraph directory, or a remote store.

``Settings.store`` chooses: ``memory`` (built at start), a directory path (``directory.py``), or
the ``http(s)`` query URL of a SPARQL 1.1 store (``remote.py``).  ``open_store`` hands back a
store answering pyoxigraph's read calls, whichever it is.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from ..build import pipeline as build
from ..settings import Settings
from . import remote_load
from .directory import build_directory, open_directory
from .errors import StoreError
from .remote import ASSERTED, RemoteStore

__all__ = ["StoreError", "kind", "open_store", "load_into_store", "write_remote_document"]


def kind(spec: str) -> str:
    """Return "memory", "remote" or "directory" for a ``--store`` value."""
    if spec == "memory":
        return "memory"
    if spec.startswith(("http://", "https://")):
        return "remote"
    return "directory"


def open_store(settings: Settings):
    """Return the store ``settings.store`` names, filled with the current build."""
    backend = kind(settings.store)
    if backend == "memory":
        store = ox.Store()
        store.bulk_load(path=str(build.cached_build(settings)), format=ox.RdfFormat.N_QUADS)
        return store
    if backend == "directory":
        return open_directory(settings, Path(settings.store))
    remote = RemoteStore.from_settings(settings)
    held = remote.held_graphs()
    if ASSERTED not in held:
        what = ("an alliance-graph build of an older layout (no graph/asserted)" if held
                else "no alliance-graph graphs")
        raise StoreError(f"{settings.store} holds {what}; fill it with "
                         f"`alliance-graph --store {settings.store} load`")
    return remote


def load_into_store(settings: Settings) -> str:
    """Build the graph into the configured store (push it, for a remote); return a summary."""
    backend = kind(settings.store)
    if backend == "memory":
        return f"built {build.cached_build(settings)} (the memory store rebuilds from it at start)"
    if backend == "directory":
        digest = build_directory(settings, Path(settings.store))
        return f"directory store {settings.store} serves build {digest}"
    graphs = remote_load.load(RemoteStore.from_settings(settings), build.cached_build(settings))
    return f"loaded {len(graphs)} named graphs into {settings.store}"


def write_remote_document(settings: Settings, out: Path) -> str:
    """Write the N-Quads a remote store is filled with (every graph of the build and
    graph/asserted) to ``out``, for a store's own bulk loader; return a summary."""
    partial = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:  # written aside and renamed, so a failed write never leaves half a file at ``out``
        remote_load.write_document(build.cached_build(settings), partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return f"wrote {out}: load it with the store's own bulk loader, then --store its query URL"
