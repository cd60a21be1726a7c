"""The project and settings a command runs with: its options, else the ``ALLIANCE_GRAPH_*``
variables, else the project found from the current directory (``for_command_line``).

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
from .wording import Said


def find_project(cwd: Path | None) -> Path:
    """Return the project folder a command uses when none is given: ``cwd`` if it holds
    ``ontology/`` and ``data/``, else the checkout the package runs from, else the shipped graph."""
    return cwd.resolve() if cwd is not None and is_project(cwd) else PROJECT_ROOT


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
