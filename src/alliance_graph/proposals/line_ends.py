"""Warn of a text value holding a carriage return before a line feed (``\\r\\n``).

A long string written over several lines (a note between triple quotes) keeps the line ends
of its file, and a proposal saved with Windows line endings gave the graph a note of
``"line one\\r\\nline two"``: it conformed and ``add`` wrote it so, where the graph's texts
break a line with ``\\n`` alone (a query comparing, splitting or showing it meets a character
no other text has).  A quote and its context are left to the quote checks, which compare them
with their source and say where a ``\\r\\n`` departs from it.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import OA
from ..rdf import file_of

TITLE = "text holding a Windows line break"
MESSAGE = ("the text holds \\r\\n, a carriage return before a line feed, as a string written "
           "over several lines keeps the line ends of a file saved with Windows line endings: "
           "the graph's texts break a line with \\n alone; save the file with Unix line "
           "endings (LF), or write the break as \\n")
_QUOTED = {str(OA.exact), str(OA.prefix), str(OA.suffix)}


def windows_breaks(quads, proposals: set[str]) -> list[ox.Quad]:
    """Return the quads of the files ``proposals`` whose literal holds ``\\r\\n`` (not a
    quote's: the quote checks compare those with their source)."""
    return [q for q in quads if isinstance(q.object, ox.Literal) and "\r\n" in q.object.value
            and q.predicate.value not in _QUOTED and file_of(q.graph_name) in proposals]
