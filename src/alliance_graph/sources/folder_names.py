"""Which file of the sources folder a name means: the names there, as written, and the one a
name given amiss (in another case, short, misspelt, with a folder) most likely meant."""

from __future__ import annotations

import difflib
import errno
import os
import unicodedata
from pathlib import Path

from ..project_files import by_role
from ..wording import quoted


def source_names(folder: Path) -> set[str]:
    """Return the names of the files in the sources folder, as they are written there.

    A source is named exactly: on a file system that ignores case (macOS, Windows) asking
    for ``004_584D...txt`` finds ``004_584d...txt``, and a block citing the first named a
    source document the graph does not have.
    """
    try:
        with os.scandir(folder) as entries:
            return {entry.name for entry in entries if _is_file(entry)}
    except OSError:
        return set()


def _is_file(entry: os.DirEntry) -> bool:
    """Return whether ``entry`` is a file (or a link to one).  A link to itself raised
    ELOOP from ``is_file``, and the whole folder read as holding no source: check passed an
    edited one, and validate found every quote's source missing."""
    try:
        return entry.is_file()
    except OSError:
        return False


def case_twin(names: set[str], name: str) -> str | None:
    """Return the name among ``names`` that differs from ``name`` only in case (or in its
    Unicode form), if one does."""
    key = unicodedata.normalize("NFC", name).casefold()
    twins = sorted(n for n in names
                   if n != name and unicodedata.normalize("NFC", n).casefold() == key)
    return twins[0] if twins else None


def named_instead(names: set[str], name: str) -> str:
    """Return what to add to "no source file NAME": the name among ``names`` that ``name``
    most likely meant (``: the file is named ...`` for one differing in case, ``: did you mean
    ...?`` for the one it begins, as ``000`` or a name without its ``.txt``, or one a
    character or two apart), or nothing."""
    folder, _, base = name.replace("\\", "/").rpartition("/")
    if folder and base:  # a path (tab-completed in a shell): the file's name was meant
        return f": give the file's name alone, without a folder: did you mean {quoted(base)}?" \
            if base in names else named_instead(names, base)
    twin = case_twin(names, name)
    if twin:
        return f": the file is named {quoted(twin)}"
    key = unicodedata.normalize("NFC", name).casefold()
    begun = [n for n in sorted(names) if unicodedata.normalize("NFC", n).casefold().startswith(key)]
    close = begun if len(begun) == 1 and len(key) >= 3 else \
        difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.8)
    return f": did you mean {quoted(close[0])}?" if close else ""


def not_there(path: Path) -> str | None:
    """Return what the folder's name ``path`` is when no file is there: not there, a link
    leading round in a loop (it was "a symbolic link to x.txt, which does not exist"), a link
    to nothing (its target unsaid to ``POST /validate``'s remote client, ``by_role``: a path
    of the server's); None when something is."""
    if path.exists():
        return None
    if not path.is_symlink():
        return "not there"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link leading round in a loop, to no file"
    target = "a file" if by_role() else os.readlink(path)
    return f"a symbolic link to {target}, which does not exist"
