"""alliance-graph: a citable, validated knowledge graph of U.S.-Israel military cooperation.

What a notebook or a script needs, in a few functions over the modules that do the work::

    import alliance_graph as ag
    kg = ag.load()                                     # build (or reuse the cache) and open
    kg = ag.load(timeout=30)                           # in an engine process, stopped past 30 s
    rows = ag.rows(ag.run(kg, "SELECT ?s ?l WHERE { ?s rdfs:label ?l }", timeout=10))
    turtle = ag.export(kg, "ttl", inferred=True)
    report = ag.validate(["proposal.ttl"])              # report.conforms, report.findings
    ag.add(["proposal.ttl"])                            # merged into data/ if it conforms
    block = ag.cite("000_06b6882714cf1880.txt", "Negev U.S. Radar Base")  # an evidence block

``load``, ``validate``, ``add`` and ``cite`` take ``settings`` (``ag.Settings``; the defaults
when left out; ``ag.Settings(root=DIR)`` for the project in DIR).  Errors: ``ag.QueryError`` (a
query that fails, with the parser's message), ``ag.TimedOut`` (a query in this process past
``run``'s ``timeout``, no longer waited for), ``ag.EngineError`` (a query stopped by ``load``'s
``timeout``), ``ag.ExportError`` (an export that cannot be written as asked), ``ag.LoadError``
(inputs, or a proposal, that cannot be read), ``ag.NoGraphFound`` (settings that name no
Turtle files to build from), ``ag.StoreError`` (a store that cannot be used),
``ag.MergeError`` (conforming facts ``add`` has no file to put in), ``ag.CommitError`` (data
files ``add`` could not write), ``ag.Busy`` (a data folder an add kept locked past a reader's
wait), ``ag.CiteError`` (a passage that cannot be cited as asked); TypeError or ValueError,
naming the parameter, for an argument of the wrong kind.  Ctrl-C is a KeyboardInterrupt
saying what was interrupted (during ``add``, once the data folder holds all of the proposal's
facts or none of them, and which).  The modules imported here are loaded on first use, so ``import
alliance_graph`` stays light.
"""

from __future__ import annotations

__version__ = "0.1.0"


def load(settings=None, *, timeout=None):
    """Return the built graph (``store.graph.KnowledgeGraph``), building it first if needed.

    Queries then run in this process, each on a thread of its own (``waiting.at_once``), so
    that Ctrl-C, or ``run``'s ``timeout``, ends the wait at once; but Oxigraph cannot stop a
    query, so the one given up goes on in the background, on that thread, until its next row
    or its end.  With ``timeout`` (seconds) the graph is read through a query engine in a
    process of its own, as the server reads it: a query running longer, or needing more than
    ``settings.query_memory``, is stopped there and raises ``EngineError``, and Ctrl-C stops
    a running query, its engine restarted (``engine.graph.EngineGraph``; its ``close()``
    stops the engine, as does the end of ``with ag.load(timeout=S) as kg:``; a graph in this
    process takes ``with`` and ``close()`` too, and answers on after them).  Neither can be
    pickled (TypeError): in another process, load the graph there.

    Raises ``NoGraphFound`` for settings naming no Turtle files, ``LoadError`` for inputs
    that do not parse (each file and line said), ``StoreError`` for a store that cannot be
    used, TypeError for a ``timeout`` that is no number, ValueError for one not above 0."""
    from .settings import require_graph
    settings = _settings(settings, "load")
    require_graph(settings)  # as the command line does: an empty folder is no graph
    timeout = None if timeout is None else _seconds(timeout)
    try:
        with _folders_named(settings):
            if timeout is None:
                from .store.graph import load as load_graph
                return load_graph(settings)
            from .engine.graph import isolated_graph
            return isolated_graph(settings.with_(query_timeout=timeout))
    except KeyboardInterrupt:
        # Not re-raised as it came: its traceback ended deep in rdflib's parser or owlrl,
        # which says nothing of what was interrupted, nor whether the cache was harmed.
        raise KeyboardInterrupt("loading the graph was interrupted: a build cut short is "
                                "never used, so ag.load() builds it again") from None


class _folders_named:
    """Add to an OSError raised within a note naming the setting that gives the folder it is
    about: "/x is the cache folder (Settings.cache_dir)" (the OS names only the file)."""

    def __init__(self, settings):
        self.settings = settings

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback):
        from .wording import folder_of
        if isinstance(exc, OSError) and (note := folder_of(self.settings, exc.filename)):
            exc.add_note(str(note))
        return False


def run(kg, sparql: str, *, inferred: bool = False, timeout=None):
    """Run a SPARQL query (project prefixes may stay undeclared); return its answer, read whole:
    for a SELECT, what reads as a ``pyoxigraph.QuerySolutions`` (``isinstance`` holds; iterate
    over its solutions, as often as you like, on any thread; ``variables``); for an ASK, a
    ``pyoxigraph.QueryBoolean`` (``bool(result)``); for a CONSTRUCT or DESCRIBE, a list of
    ``pyoxigraph.Triple``.  ``rows(result)`` gives a SELECT's solutions as dicts.

    Over a graph in this process, the wait ends at once at Ctrl-C (KeyboardInterrupt) or past
    ``timeout`` seconds (``TimedOut``, a TimeoutError); the query given up goes on in the
    background until its next row or its end (Oxigraph cannot stop a query).  A graph loaded
    with ``load(timeout=S)`` stops its queries itself, at its own limit (``EngineError``).

    Raises ``QueryError`` for a query that does not parse (the parser's message, with its
    line and column in ``position``) or fails, ``StoreError`` for a remote store that does
    not answer, TypeError for a query that is not a str, a ``kg`` that is not what ``load``
    returns, an ``inferred`` that is not True or False or a ``timeout`` that is no number,
    ValueError for a ``timeout`` not above 0 (or any, over a graph loaded with one)."""
    from .engine.graph import EngineGraph
    from .query.held import read_whole
    from .query.results import run as run_query
    _graph(kg, "run")
    _flags("run", inferred=inferred)
    if isinstance(kg, EngineGraph):
        if timeout is not None:
            raise ValueError("this graph's queries are stopped at the time limit it was loaded "
                             "with (load(timeout=S)): load it again with the timeout to apply "
                             "to them, rather than give run a timeout")
        return read_whole(run_query(kg, sparql, inferred=inferred))
    timeout = None if timeout is None else _seconds(timeout)
    return _in_process(lambda abandoned: read_whole(run_query(kg, sparql, inferred=inferred),
                                                    abandoned),
                       "the query", timeout, "its next row or its end")


def rows(result) -> list[dict]:
    """Return the solutions of a SELECT (``run``'s result) as a list of dicts, one per row, of
    variable name to Oxigraph term (``.value`` is its text), None for a variable the row leaves
    unbound: what ``pandas.DataFrame`` takes.  An answer with no rows is an empty list (its
    columns are ``result.variables``).  Raises TypeError for an ASK or CONSTRUCT result."""
    from .query.results import rows as result_rows
    return result_rows(result)


def export(kg, fmt: str = "ttl", *, inferred: bool = False, rdf12: bool = False) -> bytes:
    """Return the graph serialized as ``fmt``: ttl, nt, nq, trig, jsonld or xml (RDF/XML), with
    the inferred triples too for ``inferred=True`` and the claims as RDF 1.2 triple terms for
    ``rdf12=True``; or the asserted facts alone as graphml, nodes-csv or edges-csv (for graph
    viewers: Gephi, Cytoscape, networkx; a GraphML node's id is its prefixed name,
    ``id:IronDome``, its IRI the node's ``iri`` attribute).  Raise ``ExportError`` for an
    export that cannot be written as asked (an unknown format, a flag its format cannot
    honour, a temporary folder too full to sort the graph in), TypeError for a ``fmt`` that
    is no str or a flag that is not True or False.  Ctrl-C ends it at once, as it does a
    query."""
    from .engine.graph import EngineGraph
    from .query.export import export as export_graph
    _graph(kg, "export")
    if not isinstance(fmt, str):  # None, b"ttl": "unknown export format None", a ValueError
        raise TypeError(f"export() takes fmt as a format's name, a str such as \"ttl\", not "
                        f"{type(fmt).__name__}")
    _flags("export", inferred=inferred, rdf12=rdf12)
    fmt = fmt.lower()  # "TTL" was unknown, where the command line's --format TTL is ttl
    if isinstance(kg, EngineGraph):  # Ctrl-C stops the engine's work itself
        return export_graph(kg, fmt, inferred=inferred, rdf12=rdf12)
    return _in_process(lambda _: export_graph(kg, fmt, inferred=inferred, rdf12=rdf12),
                       "the export")


def _in_process(work, what: str, timeout: float | None = None, until: str = "its end"):
    """Return ``work(abandoned)``, waited for so that Ctrl-C and ``timeout`` end the wait at
    once, saying that the work goes on in the background until ``until``."""
    import threading

    from .waiting import at_once
    abandoned = threading.Event()
    goes_on = (f"Oxigraph cannot stop it, so {what} goes on in the background, in this "
               f"process, until {until}; a graph loaded with "
               "ag.load(timeout=S) runs queries in a process of its own, where they are stopped")
    try:
        return at_once(lambda: work(abandoned), timeout, abandoned=abandoned,
                       over=f"{what} did not finish within {timeout:g} s (timeout={timeout:g}) "
                            f"and is no longer waited for: {goes_on}" if timeout else "")
    except KeyboardInterrupt:
        # Not re-raised as it came: its traceback ended in threading's join, which says
        # nothing of what was interrupted.
        raise KeyboardInterrupt(f"{what} was interrupted and is no longer waited for: "
                                f"{goes_on}") from None


def _graph(kg, caller: str) -> None:
    """Raise TypeError unless ``kg`` is a graph as ``load`` returns: ag.run(ag.load, ...) or
    a None said "'function' object has no attribute 'query'", from inside the query's thread."""
    if not (callable(getattr(kg, "query", None)) and hasattr(kg, "asserted")):
        raise TypeError(f"{caller}() takes the graph load() returns (kg = ag.load()), "
                        f"not {type(kg).__name__}")


def _flags(caller: str, **given) -> None:
    """Raise TypeError for a flag that is not True or False: inferred="no" is a string that is
    not empty, and was taken as True (the inferred triples queried, or exported, unasked)."""
    for name, value in given.items():
        if not isinstance(value, bool):
            raise TypeError(f"{caller}() takes {name} as True or False, not {value!r}")


def _seconds(timeout) -> float:
    """Return ``timeout`` as a number of seconds: TypeError for what is no number (a str, a
    bool), ValueError for a number not above 0 or past a float's range.  Any real number is
    one (numbers.Real): numpy's int64, from a DataFrame's cell, was refused as no number."""
    from numbers import Real
    from reprlib import repr as short  # 10**400 was quoted whole, 401 digits
    # timeout="5" was a ValueError, said as a number would be that is out of range.
    if isinstance(timeout, bool) or not isinstance(timeout, Real):
        raise TypeError(f"timeout must be a number of seconds above 0 (an int or a float), "
                        f"not {type(timeout).__name__}: {short(timeout)}")
    if not 0 < timeout < float("inf") or timeout > _LONGEST:
        # An int past a float's range was an OverflowError from float(), said of no parameter.
        raise ValueError(f"timeout must be a number of seconds above 0, not {short(timeout)}")
    return float(timeout)


_LONGEST = 1.7976931348623157e308  # sys.float_info.max: the longest float() makes


def validate(paths, settings=None):
    """Check proposed Turtle files (a path, or any iterable of them: str, bytes, Path) with the
    graph; return the report (``proposals.report.Report``): ``conforms``, ``findings`` (each
    with ``severity``, ``message``, ``file`` and ``line``), ``warnings`` (checks that could not
    run).  Findings are data, not errors: raises ``LoadError`` only for a proposal that cannot
    be read or parsed, ``NoGraphFound`` for settings naming no graph, ``Busy`` when an add
    keeps the data folder locked past the wait, TypeError or ValueError for ``paths`` that are
    no paths."""
    from .build import data_folder
    from .proposals.validation import validate as validate_files
    from .settings import require_graph
    settings = _settings(settings, "validate")
    require_graph(settings)  # as the command line does: an empty folder is no graph
    # The data files are read while no add renames them, as the command line reads them: a
    # report on some files before a commit and some after finds what neither state holds.
    try:
        with _folders_named(settings), data_folder.reading(settings.data_dir):
            return validate_files(settings, _paths(paths, "validate"))
    except KeyboardInterrupt:
        # Not re-raised as it came: its traceback ended deep in pyshacl or rdflib, which says
        # nothing of what was interrupted, nor whether anything was left half-written.
        raise KeyboardInterrupt("validate() was interrupted: it writes nothing in the project, "
                                "and a build it cut short is never used") from None


def add(paths, settings=None, into=None):
    """Validate proposed Turtle files (as ``validate`` takes them) and, only if they conform,
    merge them into the data folder (``settings.data_dir``): into the topic file ``into`` (a
    file name such as ``"aid.ttl"``), or by default the one describing their subjects.

    Return ``proposals.add.AddResult``: ``report`` (as ``validate``'s) and ``merged`` (what
    was added where; None when the proposal does not conform, and nothing was written).
    Raises as ``validate`` does, and ``MergeError`` for facts with no file to go to (or an
    ``into`` outside the data folder), ``CommitError`` for data files that cannot be
    written, TypeError for an ``into`` that is no file name."""
    from .proposals.add import add as add_files
    from .settings import require_graph
    settings = _settings(settings, "add")
    require_graph(settings)  # as the command line does: an empty folder is no graph
    before = _data_files(settings.data_dir)
    try:
        with _folders_named(settings):
            return add_files(settings, _paths(paths, "add"), _into(into))
    except KeyboardInterrupt:
        raise KeyboardInterrupt(_add_interrupted(settings.data_dir, before)) from None


def _data_files(data_dir) -> dict:
    """Return each data file's inode: a commit renames a new file over each file it changes."""
    files = data_dir.glob("*.ttl") if data_dir.is_dir() else ()
    return {path.name: path.stat().st_ino for path in files if path.exists()}


def _add_interrupted(data_dir, before: dict) -> str:
    """Return what an add interrupted by Ctrl-C did, once a commit past its journal is finished
    (``transaction.settle``): the notebook's next call, or a server, never sees it half done."""
    from .proposals import transaction
    try:
        transaction.settle(data_dir, timeout=transaction.data_folder.READ_WAIT)
    except (OSError, transaction.CommitError, transaction.Busy) as exc:
        return (f"add() was interrupted in the middle of its commit, which could not be finished "
                f"now ({exc}): the next command or call reading {data_dir} finishes it")
    if _data_files(data_dir) != before:
        return (f"add() was interrupted once its commit was under way, and the commit was "
                f"finished: the proposal's facts are in {data_dir}")
    return f"add() was interrupted before its commit: nothing in {data_dir} changed"


def cite(source, quote, *, name=None, settings=None) -> str:
    """Return the Turtle evidence block citing ``quote``, verbatim, in the source file named
    ``source`` (a file of the sources folder, ``Settings.sources_dir``, by its name alone:
    ``"000_06b6882714cf1880.txt"``), with its offsets, as node ``ev:NAME`` for ``name``
    (default: the source's number and the quote's first words, ``000-negev-u-s-radar``); as
    ``alliance-graph cite`` prints it.

    Raises ``CiteError`` saying what is wrong: a name that is no local name, no sources folder,
    a path or no file of the folder as ``source``, a source that is not text, or (its
    ``QuoteNotFound``) a quote the text does not hold, with where it departs from the text.
    Warns (``CitationNote``) where the built graph cites the passage already, gives the name
    to another quote, or declares no such source document, as the command's notes say."""
    import os
    import warnings

    from .proposals import citing
    from .sources.citations import cite as cite_passage
    from .sources.citations import evidence_name
    settings = _settings(settings, "cite")
    if isinstance(source, (bytes, os.PathLike)):
        source = os.fsdecode(source)
    for what, given in (("source", source), ("quote", quote), ("name", name)):
        if not isinstance(given, str) and not (what == "name" and given is None):
            raise TypeError(f"cite() takes {what} as a string, not {type(given).__name__}")
    block = cite_passage(settings.sources_dir, source, quote, name)
    for note in citing.notes(settings, source, quote, name or evidence_name(source, quote)):
        warnings.warn(note, CitationNote, stacklevel=2)
    return block


class CitationNote(UserWarning):
    """What ``cite`` tells of the block it returns: its passage cited already, its name given
    to another quote, its source declared by no source document (``warnings`` shows each
    once; ``warnings.simplefilter("ignore", ag.CitationNote)`` silences them)."""


def _into(into):
    """Return ``into`` as a str or PathLike (bytes decoded), or None; TypeError naming it for
    anything else (into=3 said "expected str, bytes or os.PathLike object, not int")."""
    import os
    if isinstance(into, bytes):
        return os.fsdecode(into)
    if into is not None and not isinstance(into, (str, os.PathLike)):
        raise TypeError(f"add() takes into as a topic file's name (such as \"aid.ttl\"), "
                        f"not {type(into).__name__}")
    return into


def _settings(settings, caller: str):
    """Return ``settings``, the defaults for None; TypeError for what is not a ``Settings``:
    ag.load("/my/project") said "'str' object has no attribute 'root'"; ValueError for a
    folder that cannot be the one meant (``settings.meant_folders``)."""
    from .settings import FOLDER_FIELDS, Settings, meant_folders
    if settings is None:
        return Settings()
    if not isinstance(settings, Settings):
        raise TypeError(f"{caller}() takes its settings as a Settings "
                        f"(ag.Settings, or from alliance_graph.settings import Settings; "
                        f"{caller}(settings=Settings(root=...))), not {type(settings).__name__}")
    # As the command line's are: Settings(cache_dir="~/cache") made a folder called ~ in the
    # current directory, 8 MB of build written there without a word, and a folder whose
    # links loop stopped on a traceback (RuntimeError: Symlink loop).
    meant_folders({name: getattr(settings, name) for name in (*FOLDER_FIELDS, "store")},
                  "Python expands no ~ in a path (Path(...).expanduser() does)")
    return settings


def _paths(paths, caller: str) -> list:
    """Return ``paths`` (one path, or an iterable of them) as a list of Paths; TypeError or
    ValueError naming ``paths`` for what is not one (ag.validate(3) said "'int' object is not
    iterable", [None] "expected str, bytes or os.PathLike object", and "" checked the folder
    ".", "is not a regular file")."""
    import os
    from os import PathLike
    from pathlib import Path

    # One path is one file: a string is not a list of one-letter file names.
    if isinstance(paths, (str, bytes, PathLike)):
        paths = [paths]
    # Read once: a generator tested for emptiness first was empty by the time it was used,
    # and a proposal with findings was reported to conform, no file checked.
    try:
        paths = [] if paths is None else list(paths)
    except TypeError:
        raise TypeError(f"{caller}() takes paths as a path (str, bytes or os.PathLike) or a "
                        f"list of them, not {type(paths).__name__}") from None
    if not paths:
        raise ValueError("give the Turtle file to check (a path), or a list of them")
    for path in paths:
        if not isinstance(path, (str, bytes, PathLike)):
            raise TypeError(f"{caller}() takes paths as paths (str, bytes or os.PathLike), "
                            f"and one of them is {type(path).__name__}: {path!r}")
        if not os.fspath(path):
            raise ValueError(f"{caller}() was given an empty path ('') among paths: give "
                             "the Turtle file's path")
    return [Path(os.fsdecode(p)) for p in paths]


# The exceptions a caller catches, the converter ``rows`` points at for graphs, and the
# ``Settings`` README writes as ``ag.Settings(root=DIR)``, reachable from here (loaded on first
# use, as the functions are).
_NAMES = {"EngineError": "engine.wire", "QueryError": "store.errors",
          "NoGraphFound": "settings", "Settings": "settings",
          "StoreError": "store.errors", "LoadError": "build.loading",
          "ExportError": "query.export", "TimedOut": "waiting", "to_rdflib": "query.results",
          "CiteError": "sources.citations", "MergeError": "proposals.merge",
          "CommitError": "build.data_folder", "Busy": "build.data_folder"}
# What help(ag) lists (its classes too, loaded by __getattr__) and ``import *`` takes.
__all__ = ["load", "run", "rows", "export", "validate", "add", "cite", "CitationNote", *_NAMES]


def __getattr__(name: str):
    """Return the exception, class or function ``name`` of ``_NAMES``, imported now."""
    if name in _NAMES:
        from importlib import import_module
        return getattr(import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    """Return the module's names and those ``__getattr__`` gives (a notebook completes them)."""
    return sorted({*globals(), *_NAMES})
