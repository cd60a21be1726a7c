"""alliance-graph: a citable, validated knowledge graph of U.S.-Israel military cooperation.

What a notebook or a script needs, in five functions over the modules that do the work::

    import alliance_graph as ag
    kg = ag.load()                                     # build (or reuse the cache) and open
    kg = ag.load(timeout=30)                           # the same, each query stopped past 30 s
    rows = ag.rows(ag.run(kg, "SELECT ?s ?l WHERE { ?s rdfs:label ?l }"))
    turtle = ag.export(kg, "ttl", inferred=True)
    report = ag.validate(["proposal.ttl"])              # report.conforms, report.findings
    ag.add(["proposal.ttl"])                            # merged into data/ if it conforms

Each takes ``settings`` (``alliance_graph.settings.Settings``; the defaults when left out).
Errors: ``ag.QueryError`` (a query that fails, with the parser's message), ``ag.EngineError``
(a query stopped by ``timeout``), ``ag.LoadError`` (inputs that do not build), ``ag.StoreError``
(a store that cannot be used).  The modules imported here are loaded on first use, so
``import alliance_graph`` stays light.
"""

from __future__ import annotations

__version__ = "0.1.0"


def load(settings=None, *, timeout=None):
    """Return the built graph (``store.graph.KnowledgeGraph``), building it first if needed.

    Queries then run in this process, where nothing stops one, not even Ctrl-C: Oxigraph does
    not come back to Python while it evaluates.  With ``timeout`` (seconds) the graph is read
    through a query engine in a process of its own, as the server reads it: a query running
    longer, or needing more than ``settings.query_memory``, is stopped and raises
    ``EngineError``, and Ctrl-C stops a running query at once (``engine.graph.EngineGraph``;
    its ``close()`` stops the engine)."""
    from .settings import Settings
    if timeout is None:
        from .store.graph import load as load_graph
        return load_graph(settings)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
            or not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be a number of seconds above 0, not {timeout!r}")
    from .engine.client import isolated_graph
    return isolated_graph((settings or Settings()).with_(query_timeout=float(timeout)))


def run(kg, sparql: str, *, inferred: bool = False):
    """Run a SPARQL query (project prefixes may stay undeclared); return Oxigraph's result,
    to be read once, on this thread (``query.thread_bound``: read from another thread,
    pyoxigraph aborts the process; a RuntimeError says so instead)."""
    from .query.results import run as run_query
    from .query.thread_bound import ThreadBound
    return ThreadBound(run_query(kg, sparql, inferred=inferred))


def rows(result) -> list[dict]:
    """Return SELECT solutions as dicts of variable name to Oxigraph term."""
    from .query.results import rows as result_rows
    return result_rows(result)


def export(kg, fmt: str = "ttl", *, inferred: bool = False, rdf12: bool = False) -> bytes:
    """Return the graph serialized as ``fmt`` (ttl, nt, nq, trig, jsonld, xml, graphml, ...)."""
    from .query.export import export as export_graph
    return export_graph(kg, fmt, inferred=inferred, rdf12=rdf12)


def validate(paths, settings=None):
    """Check proposed Turtle files (a path, or a list of them) with the graph; return the
    report (``report.conforms``)."""
    from .proposals.validation import validate as validate_files
    from .settings import Settings
    return validate_files(settings or Settings(), _paths(paths))


def add(paths, settings=None, into=None):
    """Validate proposed Turtle files (a path, or a list of them) and, only if they conform,
    merge them into data/."""
    from .proposals.add import add as add_files
    from .settings import Settings
    return add_files(settings or Settings(), _paths(paths), into)


def _paths(paths) -> list:
    import os
    from os import PathLike
    from pathlib import Path

    # One path is one file: a string is not a list of one-letter file names.
    if isinstance(paths, (str, bytes, PathLike)):
        paths = [paths]
    # Read once: a generator tested for emptiness first was empty by the time it was used,
    # and a proposal with findings was reported to conform, no file checked.
    paths = [] if paths is None else list(paths)
    if not paths:
        raise ValueError("give the Turtle file to check (a path), or a list of them")
    return [Path(os.fsdecode(p)) for p in paths]


# The exceptions a caller catches, and the converter ``rows`` points at for graphs, reachable
# from here (loaded on first use, as the functions are).
_NAMES = {"EngineError": "engine.wire", "QueryError": "store.errors",
          "StoreError": "store.errors", "LoadError": "build.loading",
          "to_rdflib": "query.results"}


def __getattr__(name: str):
    if name in _NAMES:
        from importlib import import_module
        return getattr(import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
