"""The project and settings a command runs with: its options, else the ``ALLIANCE_GRAPH_*``
variables, else the project found from the current directory (``for_command_line``).

``settings.py`` holds the defaults and ``Settings``, which reads nothing; this is where the
command line's reading of its surroundings lives, and what it refuses there.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path

from .settings import (
    GRAPH_FOLDERS,
    PROJECT_ROOT,
    Settings,
    from_environment,
    is_project,
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
    _no_tilde(given)
    _no_loop(given)
    root = Path(given["root"]).resolve() if given.get("root") else find_project(cwd)
    settings = Settings.from_json({**given, "root": root})
    require_graph(settings)
    return settings


# The folders a command line may name (the store's own check is ``backends.kind``'s).
FOLDER_FIELDS = ("root", "data_dir", "ontology_dir", "sources_dir", "cache_dir")


def _no_tilde(given: Mapping) -> None:
    """Raise ValueError for a folder beginning with a ~ no shell expanded (``--cache=~/x``,
    a variable set in a service's unit file): it named a folder called ~ here, which the cache
    was then made in, and each other folder was said not to exist at ./~/..."""
    for name in FOLDER_FIELDS:
        value = given.get(name)
        if isinstance(value, (str, os.PathLike)) and os.fsdecode(value).startswith("~"):
            value = os.fsdecode(value)
            raise ValueError(Said(lambda n, name=name, value=value: (
                f"{n(f'settings.{name}', value)}: no shell expanded its ~, so it names a "
                f"folder called ~: give the folder's whole path (for a folder of that name, "
                f"{Path(value).absolute()})")))


def _no_loop(given: Mapping) -> None:
    """Raise ValueError for a folder, or a directory store, whose path runs into symbolic links
    leading round in a loop: ``--project`` and ``--store`` so named stopped with a traceback
    (RuntimeError: Symlink loop, from ``Path.resolve``), ``--cache`` was "[Errno 17] File
    exists", ``--sources`` was taken for one holding no text."""
    for name in (*FOLDER_FIELDS, "store"):
        value = given.get(name)
        if not isinstance(value, (str, os.PathLike)) or not os.fspath(value) or \
                name == "store" and (value == "memory" or "://" in os.fsdecode(value)):
            continue
        try:
            os.stat(value)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                continue  # said where the folder is used, as before
            value = os.fsdecode(value)
            raise ValueError(Said(lambda n, name=name, value=value: (
                f"{n(f'settings.{name}', value)}: its symbolic links lead round in a loop "
                "(too many levels of symbolic links): give the folder's real path"))) from None
        except ValueError:  # a NUL byte: said where the folder is used
            continue
