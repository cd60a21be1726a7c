"""The facade's graph: ``load`` it, ``run`` a query over it, read a SELECT's ``rows``, and
``export`` it; each waited for so that Ctrl-C (and a timeout) ends the wait at once."""

from __future__ import annotations

from .arguments import flags, folders_named, graph_given, seconds, settings_given


def load(settings=None, *, timeout=None):
    """Return the built graph (``store.graph.KnowledgeGraph``), building it first if needed:
    the graph of ``settings``, else of the project in the current directory if it holds
    ``ontology/`` and ``data/``, as the command line finds it, else the defaults'.

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
    from ..settings import require_graph
    settings = settings_given(settings, "load")
    require_graph(settings)  # as the command line does: an empty folder is no graph
    timeout = None if timeout is None else seconds(timeout)
    from .query_names import loaded_from
    try:
        with folders_named(settings):
            if timeout is None:
                from ..store.graph import load as load_graph
                return loaded_from(load_graph(settings), settings)
            from ..engine.graph import isolated_graph
            return loaded_from(isolated_graph(settings.with_(query_timeout=timeout)), settings)
    except KeyboardInterrupt:
        # Not re-raised as it came: its traceback ended deep in rdflib's parser or owlrl,
        # which says nothing of what was interrupted, nor whether the cache was harmed.
        raise KeyboardInterrupt("loading the graph was interrupted: a build cut short is "
                                "never used, so ag.load() builds it again") from None


def run(kg, sparql: str, *, inferred: bool = False, timeout=None):
    """Run a SPARQL query (project prefixes may stay undeclared); return its answer, read whole:
    for a SELECT, what reads as a ``pyoxigraph.QuerySolutions`` (``isinstance`` holds; iterate
    over its solutions, as often as you like, on any thread; ``variables``); for an ASK, a
    ``pyoxigraph.QueryBoolean`` (``bool(result)``); for a CONSTRUCT or DESCRIBE, a list of
    ``pyoxigraph.Triple``, each blank node labelled so that every RDF syntax writes it
    (``BNODE("a:b")``'s label "a:b" relabelled, as the command line writes it:
    ``query.blank_labels``).  ``rows(result)`` gives a SELECT's solutions as dicts.

    Over a graph in this process, the wait ends at once at Ctrl-C (KeyboardInterrupt) or past
    ``timeout`` seconds (``TimedOut``, a TimeoutError); the query given up goes on in the
    background until its next row or its end (Oxigraph cannot stop a query).  A graph loaded
    with ``load(timeout=S)`` stops its queries itself, at its own limit (``EngineError``).

    A project name the graph holds nowhere (``ag:MissileDefenceSystem``: a misspelt class,
    property or entity matches nothing) is an ``AbsentNameWarning`` (a UserWarning) naming
    the name likely meant, as the command line's ``query`` notes it; over a graph loaded with
    ``load(timeout=S)``, the name alone (finding the one meant reads every typed name of its
    namespace, which the limit could stop, and the engine with it).  The notes are made after
    the answer, in what is left of ``timeout``, those not made by then left out: the first for
    a namespace of a graph reads those names (0.5 s at 100 k facts; kept with the graph once
    read).  Under ``warnings.simplefilter("error")``
    the warning is raised, and the answer not returned: filter this category apart.

    Raises ``QueryError`` for a query that does not parse (the parser's message, with its
    line and column in ``position``) or fails, ``StoreError`` for a remote store that does
    not answer, TypeError for a query that is not a str, a ``kg`` that is not what ``load``
    returns, an ``inferred`` that is not True or False or a ``timeout`` that is no number,
    ValueError for a ``timeout`` not above 0 (or any, over a graph loaded with one)."""
    import time
    import warnings

    from ..engine.graph import EngineGraph
    from ..query.absent_names import AbsentNameWarning
    from ..query.blank_labels import Carried, carried_whole
    from ..query.held import read_whole
    from ..query.results import run as run_query
    from ..store.errors import QueryError
    from .query_names import named_instead, settings_of
    graph_given(kg, "run")
    flags("run", inferred=inferred)
    try:
        if isinstance(kg, EngineGraph):
            if timeout is not None:
                raise ValueError("this graph's queries are stopped at the time limit it was "
                                 "loaded with (load(timeout=S)): load it again with the "
                                 "timeout to apply to them, rather than give run a timeout")
            answer = read_whole(run_query(kg, sparql, inferred=inferred))
        else:
            timeout = None if timeout is None else seconds(timeout)
            began = time.monotonic()
            answer = _in_process(lambda abandoned: read_whole(
                run_query(kg, sparql, inferred=inferred), abandoned),
                "the query", timeout, "its next row or its end")
    except QueryError as exc:
        # A file's or a catalogue query's name, as the command line takes them: "expected
        # CONSTRUCT" alone (``query_names``), looked up in the graph's own project.
        if isinstance(sparql, str) and (hint := named_instead(sparql, str(exc),
                                                              settings_of(kg))):
            raise QueryError(str(exc) + hint, exc.position) from None
        raise
    if isinstance(answer, list):  # a graph's: its labels as the command line writes them
        # The engine's came relabelled so (its query op): relabelled again, each label was
        # another ("x613a62" said "x78363133613632"), not what the graph in process says.
        answer = Carried(answer) if isinstance(kg, EngineGraph) else \
            carried_whole(answer, sparql)
    # A misspelt name: no rows, and not a word of why (the command line's query noted it).
    left = None if timeout is None else timeout - (time.monotonic() - began)
    for note in _notes_within(kg, sparql, left):
        warnings.warn(note, AbsentNameWarning, stacklevel=2)
    return answer


def _notes_within(kg, sparql: str, left: float | None) -> list[str]:
    """Return the absent-name notes of ``sparql`` made within ``left`` seconds, what is left
    of ``run``'s timeout (``absent_names.within``).  Not the name meant over an engine: that
    read was stopped at a small limit (0.18 s at 100 k facts), the answer lost and the engine
    restarted."""
    from ..engine.graph import EngineGraph
    from ..query.absent_names import within
    return within(kg, sparql, left, meant=not isinstance(kg, EngineGraph))


def rows(result) -> list[dict]:
    """Return the solutions of a SELECT (``run``'s result) as a list of dicts, one per row, of
    variable name to Oxigraph term (``.value`` is its text), None for a variable the row leaves
    unbound: what ``pandas.DataFrame`` takes.  An answer with no rows is an empty list (its
    columns are ``result.variables``).  Raises TypeError for an ASK or CONSTRUCT result."""
    from ..query.results import rows as result_rows
    return result_rows(result)


def export(kg, fmt: str = "ttl", *, inferred: bool = False, rdf12: bool = False) -> bytes:
    """Return the graph serialized as ``fmt``: ttl (or turtle), nt, nq, trig, jsonld or xml
    (RDF/XML), with the inferred triples too for ``inferred=True`` and the claims as RDF 1.2
    triple terms for ``rdf12=True``; or the asserted facts alone as graphml, nodes-csv or edges-csv (for graph
    viewers: Gephi, Cytoscape, networkx; a GraphML node's id is its prefixed name,
    ``id:IronDome``, its IRI the node's ``iri`` attribute).  Raise ``ExportError`` for an
    export that cannot be written as asked (an unknown format, a file's name given as one, a flag its format cannot
    honour, a temporary folder too full to sort the graph in), TypeError for a ``fmt`` that
    is no str or a flag that is not True or False.  Ctrl-C ends it at once, as it does a
    query."""
    from ..engine.graph import EngineGraph
    from ..query.export import export as export_graph
    graph_given(kg, "export")
    if not isinstance(fmt, str):  # None, b"ttl": "unknown export format None", a ValueError
        raise TypeError(f"export() takes fmt as a format's name, a str such as \"ttl\", not "
                        f"{type(fmt).__name__}")
    flags("export", inferred=inferred, rdf12=rdf12)
    _not_a_file_name(fmt)
    fmt = fmt.lower()  # "TTL" was unknown, where the command line's --format TTL is ttl
    fmt = "ttl" if fmt == "turtle" else fmt  # as --format turtle is
    _known(fmt)
    if isinstance(kg, EngineGraph):  # Ctrl-C stops the engine's work itself
        return export_graph(kg, fmt, inferred=inferred, rdf12=rdf12)
    return _in_process(lambda _: export_graph(kg, fmt, inferred=inferred, rdf12=rdf12),
                       "the export")


def _known(fmt: str) -> None:
    """Raise ``ExportError`` for a format's name written otherwise (``"json"`` for jsonld),
    saying the one meant, as the command line's ``--format`` does (``format_names``)."""
    from ..clipping import clipped
    from ..query.export import ALL_FORMATS, ExportError
    from .format_names import meant, said
    if fmt not in ALL_FORMATS and (names := meant(fmt, ALL_FORMATS)):
        raise ExportError(f"unknown export format {clipped(fmt, show=repr)}: {said(names)} "
                          f"(the formats: "
                          f"{', '.join(ALL_FORMATS)})")


def _not_a_file_name(fmt: str) -> None:
    """Raise ``ExportError`` for a file name given as the format (``export(kg, "graph.ttl")``,
    as ``export -o graph.ttl`` takes one), saying how to write the file: it was "unknown export
    format 'graph.ttl'", the format's name in it unsaid."""
    from pathlib import PurePath

    from ..clipping import clipped
    from ..query.export import ALL_FORMATS, ExportError, formats_named_by
    from .format_names import meant
    if fmt.lower() in ALL_FORMATS or "." not in fmt:
        return
    name = "graph" + fmt if fmt.startswith(".") else fmt  # ".ttl": no suffix
    named = formats_named_by(name)
    if not named and meant(fmt, ALL_FORMATS):
        return  # a format's name written otherwise ("json.ld") is ``_known``'s
    # An extension of no format, but plainly meaning one ("graph.ntriples": nt), as the
    # command line's export -o says it.
    named = named or meant(PurePath(name).suffix[1:], ALL_FORMATS)
    if not named:
        return
    shown = " or ".join(repr(f) for f in named)
    # A long name said ``clipped``, as the command line says one: a 100 KB name was said
    # whole, twice; where it is cut, the advice names it ``name``.
    given = clipped(fmt, show=repr)
    if fmt.startswith(".") and "." not in fmt[1:]:
        raise ExportError(f"{given} is a file extension: give the format's name, {shown}")
    path = repr(fmt) if given == repr(fmt) else "name"
    raise ExportError(f"{given} is a file's name: export() takes a format's name ({shown}) and "
                      f"returns the bytes, for you to write: Path({path}).write_bytes("
                      f"export(kg, {named[0]!r}))" + (", name the file's" if path == "name"
                                                     else ""))


def _in_process(work, what: str, timeout: float | None = None, until: str = "its end"):
    """Return ``work(abandoned)``, waited for so that Ctrl-C and ``timeout`` end the wait at
    once, saying that the work goes on in the background until ``until``."""
    import threading

    from ..waiting import at_once
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
