"""The project and settings a command runs with: its options, else the ``ALLIANCE_GRAPH_*``
variables, else the project found from the current directory (``for_command_line``); and the
project a notebook's call given no settings reads, found from the current directory alone
(``found_from``), as the command line finds it when given nothing.

``settings.py`` holds the defaults and ``Settings``, which reads nothing; this is where the
command line's reading of its surroundings lives, and what it refuses there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .settings import (
    FOLDER_FIELDS,
    GRAPH_FOLDERS,
    PROJECT_ROOT,
    Settings,
    from_environment,
    is_project,
    meant_folders,
    require_graph,
    turtle_files,
)
from .wording import Metavar, Said


def find_project(cwd: Path | None) -> Path:
    """Return the project folder a command uses when none is given: ``cwd`` if it holds
    ``ontology/`` and ``data/``, else the checkout the package runs from, else the shipped graph."""
    return cwd.resolve() if cwd is not None and is_project(cwd) else PROJECT_ROOT


def current_directory() -> Path | None:
    """Return the current directory, or None where it was removed (``os.getcwd`` fails)."""
    try:
        return Path.cwd()
    except OSError:
        return None


def found_from(cwd: Path | None) -> Settings:
    """Return the settings of the project found from ``cwd`` (``find_project``), reading no
    variable: what the facade's calls given no settings use, so that ``ag.load()`` in a
    notebook opened in a project reads the graph ``alliance-graph stats`` there reads (it read
    the checkout's, the facts just added there missing without a word)."""
    root = find_project(cwd)
    return Settings() if root == PROJECT_ROOT else Settings(root=root)


def unread(cwd: Path | None, settings: Settings) -> Said | None:
    """Return a note for a ``cwd`` holding half a project (``half_a_project``) that ``settings``
    do not read, else None: the answers come from another graph, while the folder here looks
    meant to be the graph."""
    read = (settings.data_dir.resolve(), settings.ontology_dir.resolve())
    if _in_a_project(cwd) and not any((cwd.parent / name).resolve() in read
                                      for name in GRAPH_FOLDERS):
        return Said(lambda n: (
            f"{cwd} is the {cwd.name}/ folder of the project {cwd.parent}, which is not read: "
            f"the graph is built from {settings.ontology_dir} and {settings.data_dir} (run "
            f"from {cwd.parent}, or give {n('settings.root', str(cwd.parent))})"))
    half = half_a_project(cwd)
    if not half or (cwd / half[0]).resolve() in read:
        return None
    return Said(lambda n: (
        f"{cwd / half[0]} is not read: {cwd} holds no {half[1]}/, so it is no project; the "
        f"graph is built from {settings.ontology_dir} and {settings.data_dir} (give "
        f"{n('settings.root', Metavar('DIR'))}, or {n('settings.data_dir', Metavar('DIR'))} "
        f"and {n('settings.ontology_dir', Metavar('DIR'))})"))


def _in_a_project(cwd: Path | None) -> bool:
    """Return whether ``cwd`` is the ``data/`` or ``ontology/`` folder of a project, holding
    Turtle files: a user who went into it (to edit a file) and ran a command there was
    answered from the checkout's graph without a word."""
    return cwd is not None and cwd.name in GRAPH_FOLDERS and bool(turtle_files(cwd)) \
        and is_project(cwd.parent)


def half_a_project(cwd: Path | None) -> tuple[str, str] | None:
    """Return (the folder held, the one missing) when ``cwd`` holds Turtle files in one of
    ``ontology/`` and ``data/`` but not the other folder: not a project, though it looks
    meant as one (``find_project`` then takes another graph); else None."""
    if cwd is None:
        return None
    held = [name for name in GRAPH_FOLDERS if (cwd / name).is_dir()]
    if len(held) != 1 or not turtle_files(cwd / held[0]):
        return None
    return held[0], next(name for name in GRAPH_FOLDERS if name not in held)


def for_command_line(options: Mapping, environ: Mapping[str, str], cwd: Path | None) -> Settings:
    """Return the settings a command runs with: its ``options`` (None: not given), else the
    ``ALLIANCE_GRAPH_*`` variables, else the project found from ``cwd``; raise ``NoGraphFound``
    when they name no Turtle file to build the graph from."""
    given = from_environment(environ)
    given.update({name: value for name, value in options.items() if value is not None})
    meant_folders(given, "no shell expanded its ~")
    if cwd is None:  # the current directory was removed (main found none)
        _nothing_relative(given)
    root = Path(given["root"]).resolve() if given.get("root") else find_project(cwd)
    settings = Settings.from_json({**given, "root": root})
    require_graph(settings)
    return settings


def _nothing_relative(given: Mapping) -> None:
    """Raise ValueError for a folder given as a relative path while the current directory no
    longer exists: ``--project .`` there was "a file or folder could not be used: [Errno 2]
    No such file or directory", naming nothing (from ``os.getcwd``)."""
    for name in (*FOLDER_FIELDS, "store"):
        value = given.get(name)
        if not isinstance(value, (str, os.PathLike)) or os.path.isabs(value) or \
                name == "store" and (value == "memory" or "://" in os.fsdecode(value)):
            continue
        value = os.fsdecode(value)
        raise ValueError(Said(lambda n, name=name, value=value: (
            f"{n(f'settings.{name}', value)}: the current directory no longer exists (it was "
            "removed), so a path relative to it names nothing: give the folder's whole path, "
            "or cd to a folder that exists")))
