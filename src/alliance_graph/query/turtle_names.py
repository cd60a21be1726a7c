"""Turtle and TriG rdflib reads: a prefixed name ending in an escaped dot is written whole.

Oxigraph's Turtle and TriG writers shorten an IRI ending in "." with a prefix, escaping the
dot as Turtle allows (``id:Corp\\.``).  rdflib's Turtle and TriG readers (7.6; its issue 933)
stop at that dot and refuse the whole document ("objectList expected"): an entity named
``<https://alliance-graph.example/id/Corp.>`` made every Turtle and TriG export of its graph
unreadable there.  ``WholeNames`` passes the writer's bytes on with each such name written as
the IRI it stands for, ``<https://alliance-graph.example/id/Corp.>``; the rest is as written.

Oxigraph writes "\\." nowhere else: a string's backslash is written "\\\\", its other escapes
are \\" \\n \\r \\t \\b \\f \\u, and an IRI holds no backslash; a name is read from its start
(after white space, a bracket or "^^"), escapes pairwise, so one escaped backslash before a
dot in a string ("\\\\.") is never taken for a name's escaped dot.  A name is on one line, so
the bytes are read a line at a time, the end of the last chunk kept for the next.
"""

from __future__ import annotations

import re

# A prefixed name whose local part ends in "\.": its prefix, and its local part.
_NAME = re.compile(rb"(?<![^\s(\[{^])([A-Za-z][\w\-]*)?:"
                   rb"((?:[^\s\\;,()\[\]{}\"<>^#]|\\.)*\\\.)(?=[\s;,)\]}]|$)", re.M)
_ESCAPE = re.compile(rb"\\(.)")


def whole(data: bytes, prefixes: dict[str, str]) -> bytes:
    """Return Turtle or TriG ``data`` (whole lines) with each name ``_NAME`` finds written as
    its IRI, ``prefixes`` the ones the writer was given."""
    if b"\\." not in data:  # most documents: one scan at C speed
        return data

    def iri(m: re.Match) -> bytes:
        ns = prefixes.get((m.group(1) or b"").decode())
        if ns is None:
            return m.group(0)
        return b"<" + ns.encode() + _ESCAPE.sub(rb"\1", m.group(2)) + b">"
    return _NAME.sub(iri, data)


class WholeNames:
    """A binary stream a Turtle or TriG writer writes into, passing on to ``out`` what it
    writes with ``whole``'s names; ``end()`` once the writer is done."""

    def __init__(self, out, prefixes: dict[str, str] | None):
        self.out, self.prefixes, self.pending = out, prefixes or {}, b""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        text = self.pending + data
        cut = text.rfind(b"\n") + 1
        self.pending = text[cut:]
        if cut:
            self.out.write(whole(text[:cut], self.prefixes))
        return len(data)

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()

    def end(self) -> None:
        """Write what the last line left."""
        if self.pending:
            self.out.write(whole(self.pending, self.prefixes))
            self.pending = b""
