"""The checks the facade (``alliance_graph.load``, ``run``, ...) makes of what a caller gives
it: settings, a graph, flags, seconds, proposals' paths, a topic file's name; each refused as a
TypeError or ValueError naming the parameter, before any work starts."""

from __future__ import annotations

import os
from contextlib import contextmanager
from numbers import Real
from pathlib import Path
from reprlib import repr as short  # 10**400 was quoted whole, 401 digits


@contextmanager
def folders_named(settings):
    """Add to an OSError raised within a note naming the setting that gives the folder it is
    about: "/x is the cache folder (Settings.cache_dir)" (the OS names only the file)."""
    try:
        yield
    except OSError as exc:
        from ..wording import folder_of
        if note := folder_of(settings, exc.filename):
            exc.add_note(str(note))
        raise


def graph_given(kg, caller: str) -> None:
    """Raise TypeError unless ``kg`` is a graph as ``load`` returns: ag.run(ag.load, ...) or
    a None said "'function' object has no attribute 'query'", from inside the query's thread."""
    if not (callable(getattr(kg, "query", None)) and hasattr(kg, "asserted")):
        raise TypeError(f"{caller}() takes the graph load() returns (kg = ag.load()), "
                        f"not {type(kg).__name__}")


def flags(caller: str, **given) -> None:
    """Raise TypeError for a flag that is not True or False: inferred="no" is a string that is
    not empty, and was taken as True (the inferred triples queried, or exported, unasked)."""
    for name, value in given.items():
        if not isinstance(value, bool):
            raise TypeError(f"{caller}() takes {name} as True or False, not {value!r}")


def seconds(timeout) -> float:
    """Return ``timeout`` as a number of seconds: TypeError for what is no number (a str, a
    bool), ValueError for a number not above 0 or past a float's range.  Any real number is
    one (numbers.Real): numpy's int64, from a DataFrame's cell, was refused as no number."""
    # timeout="5" was a ValueError, said as a number would be that is out of range.
    if isinstance(timeout, bool) or not isinstance(timeout, Real):
        raise TypeError(f"timeout must be a number of seconds above 0 (an int or a float), "
                        f"not {type(timeout).__name__}: {short(timeout)}")
    if not 0 < timeout < float("inf") or timeout > _LONGEST:
        # An int past a float's range was an OverflowError from float(), said of no parameter.
        raise ValueError(f"timeout must be a number of seconds above 0, not {short(timeout)}")
    return float(timeout)


_LONGEST = 1.7976931348623157e308  # sys.float_info.max: the longest float() makes


def into_name(into):
    """Return ``into`` as a str or PathLike (bytes decoded), or None; TypeError naming it for
    anything else (into=3 said "expected str, bytes or os.PathLike object, not int")."""
    if isinstance(into, bytes):
        return os.fsdecode(into)
    if into is not None and not isinstance(into, (str, os.PathLike)):
        raise TypeError(f"add() takes into as a topic file's name (such as \"aid.ttl\"), "
                        f"not {type(into).__name__}")
    return into


def settings_given(settings, caller: str):
    """Return ``settings``; for None, those of the project in the current directory, else the
    defaults, as the command line given no option nor variable finds it (``project.found_from``,
    warning as its note does of a folder holding half a project); TypeError for what is not a
    ``Settings``: ag.load("/my/project") said "'str' object has no attribute 'root'";
    ValueError for a folder that cannot be the one meant (``settings.meant_folders``)."""
    from .. import project
    from ..settings import FOLDER_FIELDS, Settings, meant_folders
    if settings is None:
        cwd = project.current_directory()
        settings = project.found_from(cwd)
        if note := project.unread(cwd, settings):
            import warnings
            warnings.warn(str(note), UserWarning, stacklevel=3)  # at the caller's call
        return settings
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


def paths_given(paths, caller: str) -> list:
    """Return ``paths`` (one path, or an iterable of them) as a list of Paths; TypeError or
    ValueError naming ``paths`` for what is not one (ag.validate(3) said "'int' object is not
    iterable", [None] "expected str, bytes or os.PathLike object", and "" checked the folder
    ".", "is not a regular file")."""
    # One path is one file: a string is not a list of one-letter file names.
    if isinstance(paths, (str, bytes, os.PathLike)):
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
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError(f"{caller}() takes paths as paths (str, bytes or os.PathLike), "
                            f"and one of them is {type(path).__name__}: {path!r}")
        if not os.fspath(path):
            raise ValueError(f"{caller}() was given an empty path ('') among paths: give "
                             "the Turtle file's path")
    return [Path(os.fsdecode(p)) for p in paths]
