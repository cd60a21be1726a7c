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

``load``, ``validate``, ``add`` and ``cite`` take ``settings`` (``ag.Settings``;
``ag.Settings(root=DIR)`` for the project in DIR; left out, the project in the current directory
if it holds ontology/ and data/, as the command line finds it, else the defaults). Errors:
``ag.QueryError`` (a query that fails, with the parser's message), ``ag.TimedOut`` (a query in
this process past ``run``'s ``timeout``, no longer waited for), ``ag.EngineError`` (a query
stopped by ``load``'s ``timeout``), ``ag.ExportError`` (an export that cannot be written as
asked), ``ag.LoadError`` (inputs, or a proposal, that cannot be read), ``ag.NoGraphFound``
(settings that name no Turtle files to build from), ``ag.StoreError`` (a store that cannot be
used), ``ag.MergeError`` (conforming facts ``add`` has no file to put in), ``ag.CommitError``
(data files ``add`` could not write), ``ag.Busy`` (a data folder an add kept locked past a
reader's wait), ``ag.CiteError`` (a passage that cannot be cited as asked); a warning,
``ag.AbsentNameWarning`` (a UserWarning: a query names a project name the graph holds nowhere,
with the name likely meant, as the command line's ``query`` notes it); TypeError or
ValueError, naming the parameter, for an argument of the wrong kind. Ctrl-C is a
KeyboardInterrupt saying what was interrupted (during ``add``, once the data folder holds all of
the proposal's facts or none of them, and which). The modules imported here are loaded on first
use, so ``import alliance_graph`` stays light.
"""

from __future__ import annotations

__version__ = "0.1.0"


# The functions, which live in facade/ (their checks of what a caller gives in
# facade/arguments.py), the exceptions a caller catches, the converter ``rows`` points at for
# graphs, and the ``Settings`` README writes as ``ag.Settings(root=DIR)``, reachable from here,
# each module loaded on first use.  Nothing is imported here: the command line's start imports
# this package first, outside any code of its own that could catch a Ctrl-C (``__main__.run``),
# and the facade's imports (threading, shlex, numbers) made that a traceback.
_NAMES = {"load": "facade.graph", "run": "facade.graph", "rows": "facade.graph",
          "export": "facade.graph", "validate": "facade.proposals", "add": "facade.proposals",
          "cite": "facade.proposals", "CitationNote": "facade.proposals",
          "EngineError": "engine.wire", "QueryError": "store.errors",
          "NoGraphFound": "settings", "Settings": "settings",
          "StoreError": "store.errors", "LoadError": "build.loading",
          "ExportError": "query.export", "TimedOut": "waiting", "to_rdflib": "query.results",
          "CiteError": "sources.citations", "MergeError": "proposals.merge",
          "CommitError": "build.data_folder", "Busy": "build.data_folder",
          "AbsentNameWarning": "query.absent_names"}
# What help(ag) lists (its classes too, loaded by __getattr__) and ``import *`` takes.
__all__ = list(_NAMES)


def __getattr__(name: str):
    """Return the exception, class or function ``name`` of ``_NAMES``, imported now."""
    if name in _NAMES:
        from importlib import import_module
        value = globals()[name] = getattr(import_module(f".{_NAMES[name]}", __name__), name)
        return value  # (kept: asked again, it is found without this call)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    """Return the module's names and those ``__getattr__`` gives (a notebook completes them)."""
    return sorted({*globals(), *_NAMES})
