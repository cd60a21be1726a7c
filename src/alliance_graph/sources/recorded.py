"""Say which source files are not the texts the graph records, of every source at once.

``cite``, ``validate`` and ``coverage`` say so of the sources they read
(``citations.not_recorded``: a checkout writing the texts with CR LF line ends, an edit), and
``check`` of every source the data records a SHA-256 of, where it said nothing: the quotes'
offsets hold in the recorded text, and each of those commands reads this one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS
from .citations import not_recorded
from .folder_names import source_names
from .reading import unreadable

_SHA256 = ox.NamedNode(PREFIX_IRIS["ag"] + "sha256")
_FILE_NAME = ox.NamedNode(PREFIX_IRIS["ag"] + "fileName")


def unrecorded(quads, sources_dir: Path) -> list[tuple[ox.Quad, str, bool]]:
    """Return each ``ag:sha256`` statement of ``quads`` whose source's file in ``sources_dir``
    (its ``ag:fileName``, else its IRI's last segment, as the quote checks name it) is not
    the text it records, or cannot be read as a text at all (``reading.unreadable``: a
    folder or a link to nothing in its place, a file not UTF-8 or unreadable, which cite,
    validate and coverage refuse, and check passed without a word), with what to say of it
    and whether it is the latter (unreadable); a name the folder lacks is passed over (the
    quote checks name it, where they run)."""
    files = {q.subject: q.object.value for q in quads
             if q.predicate == _FILE_NAME and isinstance(q.object, ox.Literal)}
    names = source_names(sources_dir)
    found, seen = [], set()
    for q in quads:
        if q.predicate != _SHA256 or not isinstance(q.object, ox.Literal):
            continue
        name = files.get(q.subject) or q.subject.value.rsplit("/", 1)[-1]
        if (q.subject, q.object) in seen or name not in names and not there(sources_dir, name):
            continue
        seen.add((q.subject, q.object))
        why = unreadable(sources_dir / name)
        said = f"{name} cannot be read as the text the graph records: it is {why}" if why \
            else not_recorded(sources_dir / name, q.object.value)
        if said:
            found.append((q, said, bool(why)))
    return found


def there(folder: Path, name: str) -> bool:
    """Return whether the folder holds something named ``name`` (a file or not, a link to
    nothing too); False for a name no file system holds (with a folder in it, too long)."""
    if not name or "/" in name or name in (".", ".."):
        return False
    try:
        return os.path.lexists(folder / name)
    except (OSError, ValueError):
        return False
