"""Say, of a query ``run`` could not parse, that it is a file's or a named query's name.

The command line takes a ``.rq`` file or a catalogue name where it takes a query
(``alliance-graph query aid-amounts``); ``run`` takes the query's text alone, and given
``"aid-amounts"`` or ``"queries/aid-amounts.rq"`` said only the parser's "error at 1:10:
expected CONSTRUCT", leaving its caller to guess that the name was read as SPARQL.  The
names are looked for in the ``queries/`` of the project the graph was loaded from
(``loaded_from``); the current directory's only for a graph ``load`` did not make.  A path
from that project's root (``queries/aid-amounts.rq``) is its file, where the current directory
holds none of the name.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

from ..keywords import KEYWORDS
from ..settings import Settings

# One word as a file's or a catalogue query's name is written (no query is one word of these).
_NAME = re.compile(r"[\w.~/\\:-]+")


# The settings each graph ``load`` returned was loaded with, by the graph's id (a
# ``KnowledgeGraph`` compares by value, so is no key), each dropped with its graph: a graph
# knows its stores, not its project.
_LOADED: dict[int, Settings] = {}


def loaded_from(graph, settings: Settings):
    """Return ``graph``, noting that ``settings`` are the ones it was loaded with."""
    _LOADED[id(graph)] = settings
    weakref.finalize(graph, _LOADED.pop, id(graph), None)
    return graph


def settings_of(graph) -> Settings | None:
    """Return the settings ``load`` loaded ``graph`` with; None for a graph made otherwise."""
    return _LOADED.get(id(graph))


def _catalogued(word: str, settings: Settings | None) -> Path | None:
    """Return the catalogue file ``word`` (a query's name, or its file's) names in the project
    of ``settings`` (the graph's), else in the project a call given no settings reads
    (``project.found_from``), else None.
    The current directory's alone was read: a graph loaded from another folder was told of
    that directory's catalogue, or of none."""
    from .. import project
    # The catalogue file's own name too: "aid-amounts.rq" was told it named no file here, the
    # file in queries/ beside it unsaid.
    word = word.removesuffix(".rq")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", word):
        return None
    try:
        folder = settings.queries_dir if settings is not None else \
            project.found_from(project.current_directory()).queries_dir
        path = folder / f"{word}.rq"
        return path if path.is_file() else None
    except (OSError, ValueError):  # a current directory gone, a name too long: no hint
        return None


def _in_project(word: str, settings: Settings | None) -> Path | None:
    """Return the file ``word``, a path relative to the graph's project
    (``queries/aid-amounts.rq``), names there, else None: run from another directory, such a
    name was "of no file here", the file beside the graph unsaid."""
    if settings is None or Path(word).is_absolute():
        return None
    try:
        path = Path(settings.root) / word
        inside = path.resolve().is_relative_to(Path(settings.root).resolve())  # not ../x.rq
        return path if inside and path.is_file() else None
    except (OSError, ValueError):
        return None


def named_instead(sparql: str, message: str, settings: Settings | None = None) -> str:
    """Return what to add to ``message``, the parser's refusal of ``sparql``, when ``sparql``
    is one word that names a query file or a catalogue query (of the project of ``settings``,
    the graph's) rather than being one: how to
    read it (``Path(...).read_text()``); "" otherwise, and for a word the refusal already
    says is a misspelt keyword (``SELEC``)."""
    word = sparql.strip()
    if not _NAME.fullmatch(word) or word.upper() in KEYWORDS or "SPARQL keyword" in message:
        return ""
    try:
        is_file = Path(word).is_file()
    except (OSError, ValueError):
        is_file = False
    if is_file:
        path, what = word, "a file's name"
    elif (catalogued := _catalogued(word, settings)) is not None:
        path, what = str(catalogued), "a named query's name"
    elif (found := _in_project(word, settings)) is not None:
        path, what = str(found), "the name of a file of the graph's project"
    elif word.endswith(".rq"):
        return (f" ({word!r} reads as a query file's name, of no file here: run() takes the "
                "query's text; read a file with run(kg, Path(...).read_text()))")
    else:
        return ""
    return (f" ({word!r} is {what}: run() takes the query's text; read the file: "
            f"run(kg, Path({path!r}).read_text()))")
