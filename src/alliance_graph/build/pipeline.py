"""The build pipeline: Turtle files -> checked quads -> truthy triples -> OWL 2 RL closure.

The result is a list of quads: every file in its own named graph (with the plain triples its
claims assert), and the inferred triples in ``graph/inferred``.  Building runs owlrl, which is
the slow step, so the result is cached on disk as N-Quads keyed by a hash of every input; a
second start with the same inputs only reads the cache, and starts at once (threads or
processes) share one build (``cache_lock.py``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import __version__, atomic, rdf
from ..settings import Settings

# The code that decides what a build contains: every module of build/ and every check query.
# Its source is part of the cache key, so a changed (or new) module or query never serves a
# stale build.  Read as files, not imported: opening a finished build (the query engine's
# process) needs its hash, not the build's libraries (rdflib, owlrl); the functions that
# build import the modules they run.
_HERE = Path(__file__).parent
_CHECK_QUERIES = _HERE / "violations"
_LAYOUT = _HERE.parent / "store" / "layout.py"


def pipeline_files() -> list[Path]:
    """Return the source files of the pipeline's modules and of its check queries, and of the
    store's layout, which writes what a build leaves beside its quads (its terms' record): a
    build made before that changed would be reused as it was."""
    return sorted(_HERE.glob("*.py")) + sorted(_CHECK_QUERIES.rglob("*.rq")) + [_LAYOUT]


def input_hash(settings: Settings) -> str:
    """Return a hash of every input file's name and bytes, of the pipeline's code and of which
    ontology files are not reasoned over (``Settings.unreasoned_files``): a build reasoning
    over the alignments was served, and named, the default build made before it."""
    digest = hashlib.sha256(__version__.encode())
    for path in pipeline_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(b"\0".join(n.encode() for n in sorted(set(settings.unreasoned_files))) + b"\0")
    for path in settings.input_files():
        digest.update(settings.graph_name(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _unreasoned_graphs(settings: Settings) -> set[ox.NamedNode]:
    return {rdf.graph_iri(rdf.in_role(rdf.ONTOLOGY, name)) for name in settings.unreasoned_files}


def reasoned_quads(quads: list[ox.Quad], settings: Settings) -> list[ox.Quad]:
    """Return the quads that take part in reasoning (not alignments nor shapes)."""
    skip = _unreasoned_graphs(settings)
    return [q for q in quads if q.graph_name not in skip]


def input_paths(settings: Settings, extra: list[Path] = ()) -> list[tuple[Path, str]]:
    """Return (path, graph name) for every input file, plus ``extra`` files."""
    return [(p, settings.graph_name(p)) for p in [*settings.input_files(), *extra]]


def file_names(settings: Settings, extra: list[Path] = ()) -> dict[str, str]:
    """Return each input file's graph name -> its name as the build's problems show it
    (``project_files.shown_name``: as its reader opens it, from the current directory)."""
    from ..project_files import shown_name
    return {name: shown_name(path, name) for path, name in input_paths(settings, extra)}


def shown_names(settings: Settings, extra: list[Path] = ()):
    """Return the function naming each input file (by its graph's name) as the build's
    problems name it (``file_names``); any other name, a folder's, as it is."""
    names = file_names(settings, extra)
    return lambda name: names.get(name, name)


def input_bytes(settings: Settings) -> int:
    """Return the total size of the input files."""
    return sum(p.stat().st_size for p in settings.input_files())


def is_large(settings: Settings) -> bool:
    """Return True when the inputs are big enough for the streaming build (streaming.py)."""
    return input_bytes(settings) > settings.streaming_threshold


def stream_into(store: ox.Store, settings: Settings) -> None:
    """Build the graph inside ``store`` by the streaming route, never holding it in Python.

    Raises ``loading.LoadError`` listing each problem with its file and line.
    """
    from . import streaming
    paths = input_paths(settings)
    skip = _unreasoned_graphs(settings)
    reasoned = [rdf.graph_iri(name) for _, name in paths]
    streaming.build_into(store, paths, [g.value for g in reasoned if g not in skip],
                         shown_names(settings))


@dataclass
class Asserted:
    """The parsed files plus the plain triples their claims assert, and the files' texts."""

    quads: list[ox.Quad]
    texts: dict[str, str]


def asserted(settings: Settings, extra: list[Path] = ()) -> Asserted:
    """Parse the inputs (plus ``extra`` files) and derive the plain triples; no checks yet.

    Raises ``loading.LoadError`` for unreadable files, syntax errors and ill-typed literals.
    """
    from . import loading, truthy
    from .problem_list import renamed
    try:
        quads, texts = loading.load_files(input_paths(settings, extra))
    except loading.LoadError as exc:
        raise loading.LoadError(renamed(exc.problems, shown_names(settings, extra))) from None
    return Asserted(quads + truthy.truthy_quads(quads), texts)


def build_quads(settings: Settings, extra: list[Path] = ()) -> list[ox.Quad]:
    """Run the whole pipeline over the inputs (plus ``extra`` files) and return every quad.

    Raises ``loading.LoadError`` listing each problem with its file and line.
    """
    from . import checks, loading
    parsed = asserted(settings, extra)
    problems = checks.problems(parsed.quads, parsed.texts, kinds=checks.BUILD,
                               shown=shown_names(settings, extra))
    if problems:
        raise loading.LoadError(problems)
    return parsed.quads + closure(reasoned_quads(parsed.quads, settings), settings)


def closure(quads: list[ox.Quad], settings: Settings) -> list[ox.Quad]:
    """Return the OWL 2 RL closure: owlrl (the reference) for small graphs, rules.py above
    ``settings.rules_threshold`` quads, where owlrl's pure-Python fixpoint would take hours."""
    from . import reasoning, rules
    if len(quads) <= settings.rules_threshold:
        return reasoning.owl_rl_closure(quads)
    return rules.closure(quads)


# The name of every build's cache file (``cache_path``): the cleanups of the cache folder take
# these alone (by ``build-*.nq``, a user's own ``build-2024.nq``, or ``.build-notes.nq.lock``,
# kept in a ``--cache`` shared with other files, went with a build of other inputs).
BUILD_GLOB = "build-" + "[0-9a-f]" * 32 + ".nq"


def cache_path(settings: Settings) -> Path:
    """Return the cache file a build with the current inputs is kept in."""
    return settings.cache_dir / f"build-{input_hash(settings)[:32]}.nq"


def whole(path: Path) -> bool:
    """Return True when the N-Quads file ``path`` ends as Oxigraph writes every one, with a
    line's end: a cache cut short (a copy interrupted, a disk's error) is no build, and was
    read as one, its last quad a syntax error (a traceback) or dropped from the store."""
    try:
        with open(path, "rb") as nquads:
            nquads.seek(-1, os.SEEK_END)  # an empty file: EINVAL, no build either
            return nquads.read(1) == b"\n"
    except OSError:
        return False


# Builds tried before giving up on inputs that keep changing while they are read.
ATTEMPTS = 3


def while_unchanged(settings: Settings, make, discard=lambda made: None):
    """Return ``(hash, make(hash))`` for inputs that did not change while ``make`` read them.

    A build is named by the inputs' hash, taken before they are read: an ``add`` or an editor
    saving a file meanwhile would leave one state's graph under the other's name, served
    again whenever that state came back and stamped with the wrong version.  So the hash is
    taken again afterwards, and on a change ``discard`` drops what was made and it is made
    again (a build that failed meanwhile too: the half-changed files may be what failed)."""
    from .loading import LoadError, Problem
    for _ in range(ATTEMPTS):
        digest = input_hash(settings)
        try:
            made = make(digest)
        except LoadError:
            if input_hash(settings) == digest:
                raise
            continue
        if input_hash(settings) == digest:
            return digest, made
        discard(made)
    raise LoadError([Problem(str(settings.data_dir), None, f"the input files changed during "
                             f"each of {ATTEMPTS} builds; run the command again once they "
                             "are no longer being written")])


def cached_build(settings: Settings) -> Path:
    """Return the path of an N-Quads file holding the current build, building it if needed.

    The file is written to a temporary name and renamed, so a half-written cache is never read.
    Callers wanting it at once share one build (``cache_lock``): the others wait for it.
    Large inputs take the streaming route: built in an in-memory store, dumped from it.
    """
    path = cache_path(settings)
    # here: opening a finished build needs none of the build's modules (cache_lock, to remove a
    # killed build's lock, only the data folder's light lock modules)
    from . import cache_lock
    if whole(path):
        # What a build of other inputs killed as it wrote left (the inputs' edit since undone:
        # no build is made, and none of this name was written, to remove it), and its lock.
        atomic.remove_abandoned(path.parent, BUILD_GLOB)
        cache_lock.remove_abandoned(path.parent, BUILD_GLOB)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # A failed build's problems, named from its builder's current directory, are another's
    # only if it names the files alike.
    with cache_lock.building(path, file_names(settings)):
        return path if whole(path) else _build_cache(settings)


def _build_cache(settings: Settings) -> Path:
    from . import cache_lock

    def make(_digest):
        if is_large(settings):
            store = ox.Store()
            stream_into(store, settings)
            return lambda out: store.dump(out, format=ox.RdfFormat.N_QUADS)
        quads = build_quads(settings)
        return lambda out: ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)

    digest, write = while_unchanged(settings, make)
    path = settings.cache_dir / f"build-{digest[:32]}.nq"
    atomic.write_atomically(path, write)
    atomic.remove_stale(path.parent, (BUILD_GLOB, atomic.temp_glob(BUILD_GLOB)), path.name,
                        settings.stale_cache_seconds)
    # A killed build's lock, once no process holds it (this build's own is held): by its age,
    # among the stale files, it stayed 10 minutes, and a build holding it longer lost it.
    cache_lock.remove_abandoned(path.parent, BUILD_GLOB)
    return path
