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
dot in a string ("\\\\.") is never taken for a name's escaped dot.  A name holds no white
space, and no escape is one, so the bytes are passed on up to the last space or line end of
each chunk, the rest kept (in pieces, joined once) for the next: a name is read whole, and a
50 MB literal written as one line, kept whole and joined with each chunk, took 98 s to pass
on (0.25 s to write).  Only the lines holding "\\." are searched for names: one in a 14 MB
answer searched the whole of it, 0.7 s.
"""

from __future__ import annotations

import re

# A prefixed name whose local part ends in "\.": its prefix, and its local part.  It starts
# after no escaped bracket ("id:a\(b" holds none): each start within a name searched on to
# its end, and a 300 KB IRI ".(a:.(a:..." in an answer took 160 s to pass on, 0.01 s now.
_NAME = re.compile(rb"(?<![^\s(\[{^])(?<!\\[(\[{^])([A-Za-z][\w\-]*)?:"
                   rb"((?:[^\s\\;,()\[\]{}\"<>^#]|\\.)*\\\.)(?=[\s;,)\]}]|$)", re.M)
_ESCAPE = re.compile(rb"\\(.)")


def whole(data: bytes, prefixes: dict[str, str]) -> bytes:
    """Return Turtle or TriG ``data`` (ending where a name cannot go on) with each name
    ``_NAME`` finds written as its IRI, ``prefixes`` the ones the writer was given."""
    at = data.find(b"\\.")
    if at < 0:  # most documents: one scan at C speed
        return data

    def iri(m: re.Match) -> bytes:
        ns = prefixes.get((m.group(1) or b"").decode())
        if ns is None:
            return m.group(0)
        return b"<" + ns.encode() + _ESCAPE.sub(rb"\1", m.group(2)) + b">"
    parts, done = [], 0
    while at >= 0:  # each line holding "\." (a name is on one line)
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at) + 1 or len(data)
        parts += (data[done:start], _NAME.sub(iri, data[start:end]))
        done = end
        at = data.find(b"\\.", end)
    parts.append(data[done:])
    return b"".join(parts)


class WholeNames:
    """A binary stream a Turtle or TriG writer writes into, passing on to ``out`` what it
    writes with ``whole``'s names; ``end()`` once the writer is done."""

    def __init__(self, out, prefixes: dict[str, str] | None):
        self.out, self.prefixes, self.pending = out, prefixes or {}, []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        cut = max(data.rfind(b"\n"), data.rfind(b" ")) + 1
        if not cut:  # no name ends in it: kept, to be joined once
            self.pending.append(data)
            return len(data)
        self.out.write(whole(b"".join((*self.pending, data[:cut])), self.prefixes))
        self.pending = [data[cut:]] if cut < len(data) else []
        return len(data)

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()

    def end(self) -> None:
        """Write what the last chunk left."""
        if self.pending:
            self.out.write(whole(b"".join(self.pending), self.prefixes))
            self.pending = []
