"""Say which source files are not the texts the graph records, of every source at once.

``cite``, ``validate`` and ``coverage`` say so of the sources they read
(``citations.not_recorded``: a checkout writing the texts with CR LF line ends, an edit), and
``check`` of every source the data records a SHA-256 of, where it said nothing: the quotes'
offsets hold in the recorded text, and each of those commands reads this one.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS
from .citations import not_recorded
from .folder_names import source_names

_SHA256 = ox.NamedNode(PREFIX_IRIS["ag"] + "sha256")
_FILE_NAME = ox.NamedNode(PREFIX_IRIS["ag"] + "fileName")


def unrecorded(quads, sources_dir: Path) -> list[tuple[ox.Quad, str]]:
    """Return each ``ag:sha256`` statement of ``quads`` whose source's file in ``sources_dir``
    (its ``ag:fileName``, else its IRI's last segment, as the quote checks name it) is not
    the text it records, with what to say of it; a file the folder lacks is passed over (the
    quote checks name it, where they run)."""
    files = {q.subject: q.object.value for q in quads
             if q.predicate == _FILE_NAME and isinstance(q.object, ox.Literal)}
    names = source_names(sources_dir)
    found, seen = [], set()
    for q in quads:
        if q.predicate != _SHA256 or not isinstance(q.object, ox.Literal):
            continue
        name = files.get(q.subject) or q.subject.value.rsplit("/", 1)[-1]
        if name not in names or (q.subject, q.object) in seen:
            continue
        seen.add((q.subject, q.object))
        said = not_recorded(sources_dir / name, q.object.value)
        if said:
            found.append((q, said))
    return found
