"""A project's files: where the package finds its project, the folders a project holds, and
the Turtle files its graph is built from (refused, ``NoGraphFound``, where there are none).

Paths default to one project folder (``ontology/``, ``data/``, ``queries/``, the build cache in
``.cache/`` and the source texts in ``../shared/sources`` beside it): the source checkout the
package runs from, else the graph an installed package carries (``alliance_graph/shipped``,
package data), whose build cache goes to the user's cache folder and whose source texts
(it carries none) are looked for in the user's data folder.  The command line looks for
the project first (``project.py``): ``--project DIR`` or ``ALLIANCE_GRAPH_PROJECT``, else the
current directory if it holds ``ontology/`` and ``data/``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from .wording import Metavar, Said, odd_names

if TYPE_CHECKING:
    from .settings import Settings

PACKAGE_DIR = Path(__file__).resolve().parent
# The ontology, data and queries a wheel carries (setup.py maps the checkout's folders here).
SHIPPED = PACKAGE_DIR / "shipped"
# The checkout the package runs from, if it runs from one (src/alliance_graph/project_files.py).
CHECKOUT = PACKAGE_DIR.parents[1]
# The folders a project holds its graph in; the command line takes a folder holding both.
GRAPH_FOLDERS = ("ontology", "data")


def is_project(folder: Path) -> bool:
    """Return whether ``folder`` holds a project's ``ontology/`` and ``data/`` folders."""
    return all((folder / name).is_dir() for name in GRAPH_FOLDERS)


# A checkout serves the files people edit in it; an installed package the graph it carries.
PROJECT_ROOT = CHECKOUT if (CHECKOUT / "pyproject.toml").is_file() and is_project(CHECKOUT) \
    else SHIPPED


def carried(path: Path) -> bool:
    """Return whether ``path`` is in the graph an installed package carries (``SHIPPED``),
    which no command may change: it is shared by every user of the package and lost when it
    is installed again."""
    return Path(path).resolve().is_relative_to(SHIPPED.resolve())


# Whether files are named by their graph's name (``data/aid.ttl``) rather than where they are:
# set in ``POST /validate``'s validating process alone (``name_by_role``).
_BY_ROLE = []


def name_by_role() -> None:
    """Make this process name every input file by its graph's name (``data/aid.ttl``, whatever
    folder ``--data`` gives): ``POST /validate``'s report goes to a remote client, to whom the
    server's folders mean nothing and should not be told (the graph names are those the
    endpoint serves the files as, so the client can look them up)."""
    _BY_ROLE.append(True)


def shown_name(path: Path, name: str) -> str:
    """Return how a finding names the input file ``path`` (its graph's name ``name``): as its
    reader opens it, relative to the current directory when under it (``data/aid.ttl``, run
    from the project), else its absolute path.  It was the graph's name, ``data/aid.ttl``
    whatever ``--data`` named: a path that did not exist, or the project's own file."""
    if _BY_ROLE:
        return name
    absolute = Path(os.path.abspath(path))
    try:
        here = os.getcwd()
        # Not from the root: "tmp/else/aid.ttl" read as a path from wherever it was pasted,
        # beside the proposal named "/tmp/p.ttl" as it was given.
        if os.path.dirname(here) != here:
            return absolute.relative_to(here).as_posix()
    except (ValueError, OSError):  # elsewhere, or the current directory removed
        pass
    return str(absolute)


def folder_shown(path: Path, role: str) -> str:
    """Return how a message names the folder ``path``: as it was given, or by its ``role``
    (``data/``) in ``POST /validate``'s validating process (``name_by_role``), whose remote
    client is not told the server's folders."""
    return role if _BY_ROLE else str(path)


def by_role() -> bool:
    """Whether this process names files and folders by their role (``name_by_role``)."""
    return bool(_BY_ROLE)


def project_paths(root: Path) -> dict[str, Path]:
    """Return the path settings of the project in ``root``: its folders, cache and sources."""
    # The shipped graph sits in site-packages, which may be read-only and is shared by users;
    # nor is there a checkout for the texts to sit beside (its ../shared/sources named a folder
    # inside site-packages, which no one makes): they are looked for in the user's data folder.
    if root == SHIPPED:
        cache, sources = platformdirs.user_cache_path("alliance-graph"), shipped_sources()
    else:
        cache, sources = root / ".cache", root.parent / "shared" / "sources"
    return {"root": root, "ontology_dir": root / "ontology", "data_dir": root / "data",
            "sources_dir": sources, "cache_dir": cache, "queries_dir": root / "queries"}


def shipped_sources() -> Path:
    """Return where the installed package's graph looks for the source texts it does not carry:
    ``sources/`` in the user's data folder (``~/.local/share/alliance-graph/sources``)."""
    return platformdirs.user_data_path("alliance-graph") / "sources"


# The folders a caller may name (the store's own check is ``backends.kind``'s).
FOLDER_FIELDS = ("root", "data_dir", "ontology_dir", "sources_dir", "cache_dir")


def meant_folders(given: Mapping, unexpanded: str) -> None:
    """Raise ValueError for a folder of ``given`` (settings' fields and values) that cannot be
    the one meant: one beginning with a ~ nothing expanded (``unexpanded`` says what did not),
    one named with spaces around it, a folder or directory store whose symbolic links lead
    round in a loop, or a project or cache folder that is a file (``_no_file``).  The command
    line and the Python facade both ask, each where it reads its settings."""
    _no_tilde(given, unexpanded)
    _no_spaces(given)
    _no_loop(given)
    _no_file(given)


def _no_tilde(given: Mapping, unexpanded: str) -> None:
    """Raise ValueError for a folder beginning with a ~ nothing expanded (``--cache=~/x``, a
    variable set in a service's unit file, ``Settings(cache_dir="~/x")``): it named a folder
    called ~ here, which the cache was then made in, and each other folder was said not to
    exist at ./~/..."""
    for name in FOLDER_FIELDS:
        value = given.get(name)
        if isinstance(value, (str, os.PathLike)) and os.fsdecode(value).startswith("~"):
            value = os.fsdecode(value)
            raise ValueError(Said(lambda n, name=name, value=value: (
                f"{n(f'settings.{name}', value)}: {unexpanded}, so it names a "
                f"folder called ~: give the folder's whole path (for a folder of that name, "
                f"{Path(value).absolute()})")))


def _no_spaces(given: Mapping) -> None:
    """Raise ValueError for a folder that does not exist only for the spaces or line end
    around its path (``ALLIANCE_GRAPH_PROJECT="$(cat project.txt)"`` keeps no line end, but
    one read otherwise does): it was "no graph found in /x/proj" followed by a line break,
    naming a folder that looked like the one that exists."""
    for name in FOLDER_FIELDS:
        value = given.get(name)
        if not isinstance(value, (str, os.PathLike)):
            continue
        value = os.fsdecode(value)
        if value == value.strip() or not value.strip():
            continue
        try:
            if os.path.lexists(value) or not os.path.lexists(value.strip()):
                continue
        except ValueError:  # a NUL byte: said where the folder is used
            continue
        raise ValueError(Said(lambda n, name=name, value=value: (
            f"{n(f'settings.{name}', value)}: no such folder, but {value.strip()} is one: "
            "leave out the spaces or line end around its path")))


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


# Where a project's source texts are looked for unless told. "Beside the checkout" misled a
# user whose --project or --sources named a folder elsewhere: it is beside the project's.
SHARED_SOURCES = ("the shared sources folder, which a project looks for at ../shared/sources "
                  "beside its own folder (as CI has it beside the checkout)")


def where_sources_belong(sources_dir: Path) -> str:
    """Return where the source texts belong, for a message saying they are not at
    ``sources_dir``: beside the checkout, unless that is the default of the graph an installed
    package carries, which has no checkout and no texts (a message speaking of "this
    repository" and "the checkout" sent its user looking for what it does not have): the
    folder it looks in then, the user's own."""
    if Path(sources_dir) == shipped_sources():
        return ("the installed package carries none, and looks for them in this folder of "
                "the user's data: copy the project's shared sources folder's texts (*.txt) "
                "here")
    return f"they are no part of a project but {SHARED_SOURCES}"


# What a project or cache folder named by a file is to be instead.
_FOLDERS_MEANT = {"root": "a project folder holding ontology/ and data/",
                  "cache_dir": "the folder to keep the build cache in"}


def _no_file(given: Mapping) -> None:
    """Raise ValueError for a project or cache folder that is something else: the cache's
    was "[Errno 17] File exists" from ALLIANCE_GRAPH_CACHE or Settings(cache_dir=...), and a
    project's "no graph found in FILE (looked in FILE/ontology ...)".  (The command line's
    options are refused so by click; the data, ontology and sources folders say it where
    they are read, the sources' as a warning to validate.)"""
    for name, meant in _FOLDERS_MEANT.items():
        value = given.get(name)
        if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
            continue
        try:
            if os.path.isdir(value) or not os.path.lexists(value):
                continue
        except ValueError:  # a NUL byte: said where the folder is used
            continue
        value = os.fsdecode(value)
        what = "is a file, not a folder" if os.path.isfile(value) else "is not a folder"
        raise ValueError(Said(lambda n, name=name, value=value, what=what, meant=meant: (
            f"{n(f'settings.{name}', value)}: that {what}: give {meant}")))


class NoGraphFound(ValueError):
    """The project the command line found holds no Turtle file to build a graph from."""


def turtle_files(folder: Path) -> list[Path]:
    """Return the Turtle files of ``folder`` the graph is built from, in stable order: every
    ``*.ttl`` but a hidden one.  An editor's lock (Emacs' ``.#aid.ttl``, a link to nowhere) or
    macOS's ``._aid.ttl`` (its metadata, not Turtle) stopped every command."""
    files = sorted(p for p in Path(folder).glob("*.ttl") if not p.name.startswith("."))
    odd_names(*(p.name for p in files))  # a message naming one writes it on one line
    return files


def input_files(settings: Settings) -> list[Path]:
    """Return the Turtle files the graph is built from, ontology first, in stable order;
    raise ``NoGraphFound`` for one that cannot be an input (checked here, where every
    command and library call lists them: the library's ``ag.load`` hung on a pipe and
    stopped on a traceback for a name that is not UTF-8)."""
    paths = turtle_files(settings.ontology_dir) + turtle_files(settings.data_dir)
    for path in paths:
        if not path.is_file():  # a pipe there would hang whatever reads the inputs
            if path.is_symlink() and not path.exists():
                raise NoGraphFound(f"{path} is a symbolic link to {os.readlink(path)}, "
                                   "which does not exist; restore what it names, or "
                                   f"remove the link from {path.parent}")
            raise NoGraphFound(f"{path} is not a regular file; move it out of {path.parent}")
        try:  # the file's graph is named by an IRI holding its name
            path.name.encode("utf-8")
        except UnicodeEncodeError:
            raise NoGraphFound(f"{path}: the file's name is not UTF-8 text, and its graph "
                               "is named by it (graph/<folder>/<name>); rename it") from None
    return paths


def require_graph(settings: Settings) -> None:
    """Raise ``NoGraphFound`` unless ``settings`` name Turtle files to build the graph from:
    an ontology folder holding some and a data folder, both existing.  The command line and
    the Python facade both ask (``ag.load`` of an empty folder gave an empty graph, silently,
    where the command line said "no graph found"); ValueError for a cache folder that is the
    data or the ontology folder, or a data folder that is the ontology folder."""
    root = settings.root
    if not settings.input_files():
        folders = dict.fromkeys([settings.ontology_dir, settings.data_dir])
        # A project folder mistyped was "no graph found in /x/projet (looked in
        # /x/projet/ontology ... for *.ttl files)", as though it were there and empty.
        where = f": the project folder {root} does not exist" if not os.path.lexists(root) \
            else f" in {root} (looked in {' and '.join(str(f) for f in folders)} for *.ttl files)"
        if root.name in GRAPH_FOLDERS and is_project(root.parent):  # --project my-graph/data
            raise NoGraphFound(Said(lambda n: (
                f"no graph found{where}: {root} is the {root.name}/ folder of the project "
                f"{root.parent}; give {n('settings.root', str(root.parent))}")))
        raise NoGraphFound(Said(lambda n: (
            f"no graph found{where}; give a project folder holding ontology/ and data/ with "
            f"{n('settings.root', Metavar('DIR'))}")))
    for name, folder in (("ontology", settings.ontology_dir), ("data", settings.data_dir)):
        if not folder.is_dir():  # else the graph is quietly built without it; the knob is
            # named as it was given (a variable set long ago is easily forgotten)
            raise NoGraphFound(Said(lambda n, name=name, folder=folder: (
                f"the {name} folder {folder} does not exist or is not a folder; make it, or "
                f"give another with {n(f'settings.{name}_dir')}")))
    for name, folder in (("ontology", settings.ontology_dir), ("data", settings.data_dir)):
        if is_project(folder) and not turtle_files(folder):  # --data ~/my-graph: an empty
            # data folder is a graph of the ontology alone, built without a word
            raise NoGraphFound(Said(lambda n, name=name, folder=folder: (
                f"the {name} folder {folder} holds no *.ttl files: it is a project, holding "
                f"ontology/ and data/; give it with {n('settings.root', str(folder))}")))
    if not turtle_files(settings.ontology_dir):  # else every term of the data is unknown,
        # a violation for each use: hundreds of lines that hide the one thing wrong
        raise NoGraphFound(Said(lambda n: (
            f"the ontology folder {settings.ontology_dir} holds no *.ttl files; give the "
            f"project's ontology/ folder (or leave {n('settings.ontology_dir')} out)")))
    _folders_apart(settings)


def _folders_apart(settings: Settings) -> None:
    """Raise ValueError for a data folder that is the ontology folder, and for a cache
    folder that is the data or the ontology folder: the build's N-Quads (two copies of the
    graph) and its store were written in among the files the graph is built from (``--cache
    data``: 17 MB in two N-Quads files and a RocksDB folder for the shipped graph, hundreds of
    MB at 100 k facts), for `git add data` to commit."""
    data, ontology = Path(settings.data_dir).resolve(), Path(settings.ontology_dir).resolve()
    if data == ontology:
        # --data ontology built the ontology alone, its files read twice (their graphs named
        # graph/ontology/... and as data), with 0 claims and exit 0.
        raise ValueError(Said(lambda n: (
            f"{n('settings.data_dir', str(settings.data_dir))} is the ontology folder "
            f"{ontology}: the facts would be the ontology's own files, read twice; give the "
            f"project's data/ folder, or leave {n('settings.data_dir')} out for it")))
    cache = Path(settings.cache_dir).resolve()
    for name in ("data", "ontology"):
        if cache == Path(getattr(settings, f"{name}_dir")).resolve():
            raise ValueError(Said(lambda n, name=name: (
                f"{n('settings.cache_dir', str(settings.cache_dir))} is the {name} folder "
                f"{cache}: the build cache would be written in among the files the graph is "
                f"built from; give the cache a folder of its own, or leave "
                f"{n('settings.cache_dir')} out for its default")))
