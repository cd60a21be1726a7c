"""Where the built graph lives: in memory, in an on-disk Oxigraph directory, or a remote store.

``Settings.store`` chooses: ``memory`` (built at start), a directory path (``directory.py``), or
the ``http(s)`` query URL of a SPARQL 1.1 store (``remote.py``).  ``open_graph`` hands back a
``KnowledgeGraph`` answering the same calls, whichever it is.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .. import atomic
from ..build import pipeline as build
from ..settings import Settings
from ..wording import Said
from . import addresses, directory, memory, remote_load, remote_quads
from .directory import LOAD, build_directory
from .errors import StoreError, damaged
from .layout import ASSERTED, file_graphs
from .remote import RemoteStore

__all__ = ["StoreError", "kind", "open_graph", "reopen_graph", "prepare", "dataset_version",
           "latest_build", "load_into_store", "write_remote_document"]


def kind(spec: str) -> str:
    """Return "memory", "remote" or "directory" for a ``Settings.store`` value; raise StoreError
    for one that is likely a slip (empty, padded, another URL scheme, a "Memory"), which would
    otherwise name a folder to make a store in."""

    def store(n) -> str:  # the value, as its caller gave it
        return n("settings.store", spec)

    if spec == "memory":
        return "memory"
    if spec.startswith(addresses.SCHEMES):
        addresses.check(spec, "settings.store")
        return "remote"
    if not spec.strip() or spec != spec.strip():
        raise StoreError(Said(lambda n: f"{store(n)}: give memory, a folder, or a store's "
                                        "http(s) URL (no spaces around it)"))
    if "://" in spec or spec.lower() == "memory":
        raise StoreError(Said(lambda n: f"{store(n)}: give memory (lower case), a folder, or a "
                                        "store's http:// or https:// query URL"))
    # A URL mistyped ("http:/host/query", "http//host/query", "localhost:7878/query") or a
    # "~" no shell expanded (a variable in a service's unit file) made folders named "http:"
    # or "~" here.
    if _SCHEME.match(spec) or _SLIPPED_SCHEME.match(spec):
        raise StoreError(Said(lambda n: f"{store(n)} looks like a URL, but not an http:// or "
                                        "https:// one: give the store's whole query URL, or "
                                        f"./{spec} for a folder of that name"))
    # An address without its scheme ("127.0.0.1:7878/query", "[::1]:7878") named a folder
    # here too, and the command answered from a store built from this machine's data, as if
    # from the remote one.
    if _ADDRESS.match(spec):
        raise StoreError(Said(lambda n: f"{store(n)} looks like a store's address without an "
                                        "http:// or https:// before it: give the store's whole "
                                        f"query URL, or ./{spec} for a folder of that name"))
    if spec.startswith("~"):
        raise StoreError(Said(lambda n: f"{store(n)}: no shell expanded its ~, so it names a "
                                        "folder called ~: give the folder's whole path, or "
                                        f"./{spec} for a folder of that name"))
    return "directory"


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# An IPv4 or IPv6 address, then a port: where a folder's name would hardly begin so.
_ADDRESS = re.compile(r"(\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:.]*\]):\d+(/|$)")
_SLIPPED_SCHEME = re.compile(r"https?//", re.IGNORECASE)  # its colon left out


def open_graph(settings: Settings, anonymous: bool = False):
    """Return the ``KnowledgeGraph`` in the store ``settings.store`` names, filled with the
    current build: both layouts of ``graph.py`` for each backend.  ``anonymous``: a remote
    store's messages do not say where it is (``RemoteStore.anonymous``)."""
    from .graph import KnowledgeGraph
    backend = kind(settings.store)
    if backend == "memory":
        # The two layouts of one build: inputs edited between opening them would pair one
        # state's main with another's files, so each is named and they are checked to agree.
        # The folder's name is checked before the build, whose cache it would be written in.
        directory.check_name(directory.cache_folder(settings))
        for _ in range(build.ATTEMPTS):
            digest = memory.main_file(settings).name.removeprefix("main-").removesuffix(".nq")
            store, opened = directory.open_current(settings, directory.cache_folder(settings))
            if opened == digest:
                return KnowledgeGraph(memory.open_main(settings, digest), store,
                                      file_graphs(store), main_is_split=True, version=digest)
        raise StoreError(f"the inputs in {settings.data_dir} changed each time the graph was "
                         "opened; try again once they are no longer being written")
    if backend == "directory":
        store, digest = directory.open_current(settings, Path(settings.store))
        return KnowledgeGraph(store, store, file_graphs(store), version=digest)
    remote = RemoteStore.from_settings(settings, anonymous)
    held = remote.held_graphs()
    if ASSERTED not in held:
        what = ("an alliance-graph build of an older layout (no graph/asserted)" if held
                else "no alliance-graph graphs")
        # Named without its query string (a key, perhaps), as every remote message names it.
        raise StoreError(Said(lambda n: f"{remote.named(settings.store)} holds {what}; fill "
                                        "it with " + ("`load`" if anonymous else
                                                      n(LOAD, settings.store))))
    return KnowledgeGraph(remote, remote, file_graphs(remote))


def reopen_graph(settings: Settings):
    """Return ``(graph, version)`` for a query engine started under a running server.

    The current inputs' build if it is made (or nothing is built yet: then as ``open_graph``),
    else the build the store last made: an engine restarted after a time or memory limit, or a
    crash, must never run the pipeline itself.  It would fail for as long as a data file is
    half edited (every restart failing, the server left with no engine to answer), and hold
    queries for minutes on a large graph; the build a ``load`` made, or the one the server
    was started with, serves meanwhile, under its own version.  The build is chosen once and
    opened by name: choosing, then opening "the current one", built the inputs edited in
    between (and the server then followed that build, which no ``load`` had made)."""
    backend = kind(settings.store)
    if backend != "remote":
        folder = (directory.cache_folder(settings) if backend == "memory"
                  else Path(settings.store))
        digest = build.input_hash(settings)[:32]
        chosen = digest if (folder / f"build-{digest}").is_dir() \
            else directory.current_build(folder)
        if chosen is not None:
            from .graph import KnowledgeGraph
            store = directory.open_named(folder, chosen)
            if backend == "directory":
                return KnowledgeGraph(store, store, file_graphs(store), version=chosen), chosen
            return KnowledgeGraph(memory.open_main(settings, chosen), store, file_graphs(store),
                                  main_is_split=True, version=chosen), chosen
    # A remote store's messages reach the server's clients, in its 502s: they do not say
    # where the store lives (the server's log names --store; its address named a store's
    # host and path to anyone who asked while it was down).  A graph's own engine
    # (``ag.load(timeout=S)``) names it to its caller, who gave it.
    kg = open_graph(settings, anonymous=not settings.caller_engine)
    return kg, dataset_version(settings, kg)


def prepare(settings: Settings) -> None:
    """Build what opening the graph needs (nothing is loaded into this process); raise
    ``LoadError`` for broken inputs, ``StoreError`` for a store that cannot be used."""
    backend = kind(settings.store)
    if backend == "memory":
        memory.main_file(settings)
        build_directory(settings, directory.cache_folder(settings))
    elif backend == "directory":
        build_directory(settings, Path(settings.store))
    else:
        open_graph(settings)


def dataset_version(settings: Settings, kg) -> str:
    """Return a name for the graph's content: the build's input hash for a local store; for a
    remote one, the build ``load`` swapped in, or, for a store filled by other means, a hash
    of its graphs' sizes (a remote store's other changes, anyone's to make, are not seen)."""
    if getattr(kg, "version", None):  # the build it opened (the inputs may have changed since)
        return kg.version
    if kind(settings.store) != "remote":
        return build.input_hash(settings)[:32]
    loaded = remote_load.loaded_build(kg.main)  # the build `load` swapped in, if it did
    if loaded is not None:
        return loaded
    sizes = sorted((r["g"].value, r["n"].value) for r in kg.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", per_file=True))
    return hashlib.sha256(repr((settings.store, sizes)).encode()).hexdigest()[:32]


def latest_build(settings: Settings) -> str | None:
    """Return the build a query engine started now would open when the inputs have not
    changed since: the one ``load`` made last (a local store's ``CURRENT``, one small file;
    a remote store's load marker, one small query), or None when no ``load`` named one."""
    backend = kind(settings.store)
    if backend == "remote":
        return remote_load.loaded_build(RemoteStore.from_settings(settings))
    return directory.current_build(directory.cache_folder(settings) if backend == "memory"
                                   else Path(settings.store))


def load_into_store(settings: Settings) -> str:
    """Build the graph into the configured store (push it, for a remote); return a summary."""
    backend = kind(settings.store)
    if backend == "memory":
        # Both layouts, as a server's start makes them: a running server follows the build
        # named in the cache folder's store (``latest_build``).
        prepare(settings)
        return (f"built {build.cached_build(settings)} and {memory.main_file(settings).name} "
                "(the memory store loads the latter at start)")
    if backend == "directory":
        digest = build_directory(settings, Path(settings.store), repair=True)
        return f"directory store {settings.store} serves build {digest}"
    # Its URLs checked before the build is made (addresses.check), not once it is.
    remote = RemoteStore.from_settings(settings)
    nquads = build.cached_build(settings)
    # The documents killed loads left beside the cache (one each, the size of two builds):
    # nothing else removes them.  One another load is sending is held, and spared.
    atomic.remove_abandoned(nquads.parent, remote_quads.STAGED)
    atomic.remove_stale(nquads.parent, (remote_quads.EARLIER_STAGED_GLOB,), "",
                        settings.stale_cache_seconds)
    try:
        graphs = remote_load.load(remote, nquads)
    except SyntaxError as exc:  # read whole before a quad is sent: the build in use is kept
        raise damaged(nquads, exc.msg) from None
    return f"loaded {len(graphs)} named graphs into {remote.named(settings.store)}"  # no key


def write_remote_document(settings: Settings, out: Path) -> str:
    """Write the N-Quads a remote store is filled with (every graph of the build, and
    graph/asserted and graph/asserted-and-inferred: ``remote_quads``) to ``out``, for a
    store's own bulk loader; return a summary."""
    # Written aside and renamed, so a failed write never leaves half a file at ``out``.
    nquads = build.cached_build(settings)
    nans: set[str] = set()
    try:
        atomic.write_output(out, lambda stream: remote_quads.write_document(nquads, stream,
                                                                            nans=nans))
    except SyntaxError as exc:
        raise damaged(nquads, exc.msg) from None
    # `load` into a Virtuoso refuses a NaN (remote_load._refuse_unkept); its bulk loader is
    # not ours to stop, so the file's reader is told before loading it there.
    caution = (f"; the build holds NaN ({'; '.join(sorted(nans)[:3])}), which Virtuoso 7.2 "
               "cannot keep (inserting one breaks its indexes): leave it out before loading "
               "the file into a Virtuoso") if nans else ""
    return Said(lambda n: f"wrote {out}: load it with the store's own bulk loader, then point "
                          f"{n('settings.store')} at its query URL{caution}")
