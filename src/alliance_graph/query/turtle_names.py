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

A run of no space longer than ``_HELD`` is passed on up to where a name starts that may
still be going on at its end (``_reaching``), or all of it where none may (in a literal: a
name starts only after white space, a bracket or "^"), the bytes passed before it read
with it (``whole``'s ``start``: they tell whether a name may start).  A 50 MB literal of no
space was held whole until its end, 101 MB at the peak of Python's allocations (the pieces,
then joined); 0.3 MB now, in the same time (0.4 to 0.6 s).  Only a name that long is held
whole still, as it must be to be written whole (a 5 MB one 1.2 s, 1.1 s before).
"""

from __future__ import annotations

import re

# A prefixed name whose local part ends in "\.": its prefix, and its local part.  It starts
# after no escaped bracket ("id:a\(b" holds none): each start within a name searched on to
# its end, and a 300 KB IRI ".(a:.(a:..." in an answer took 160 s to pass on, 0.01 s now.
_NAME = re.compile(rb"(?<![^\s(\[{^])(?<!\\[(\[{^])([A-Za-z][\w\-]*)?:"
                   rb"((?:[^\s\\;,()\[\]{}\"<>^#]|\\.)*\\\.)(?=[\s;,)\]}]|$)", re.M)
_ESCAPE = re.compile(rb"\\(.)")
# Where a name may start (as ``_NAME``'s) and how far it may go, which at a run's end is a name
# that may still be going on: a prefix not yet ended, a local part, a last backslash whose
# pair is to come.  Possessive, so never backtracking (the local part's two alternatives
# start differently anyway): a 5 MB name is read in 0.02 s.
_REACH = re.compile(rb"(?<![^\s(\[{^])(?<!\\[(\[{^])(?:[A-Za-z][\w\-]*+)?"
                    rb"(?::(?:[^\s\\;,()\[\]{}\"<>^#]++|\\.)*+\\?)?")
# What a name may start after within a run of no space or line end: a bracket not escaped
# (``_NAME`` starts none after "\("), other white space.
_STARTS_AFTER = re.compile(rb"[(\[{^\t\r\x0b\x0c](?<!\\[(\[{^])")
# What ends every name (a character a name holds only escaped, after an even run of
# backslashes), read backwards: no name before the last one goes on past a run's end.  Each
# place a name may start read from the run's start took 6 s for a 16 MB literal of "(" (or
# "^"; 0.02 s before the run was passed on in parts).
_ENDS_NAMES = re.compile(rb"[\s;,()\[\]{}\"<>^#](?:\\\\)*+(?!\\)")
# The most bytes of no space or line end held before passing on what no name can be part of.
_HELD = 1 << 16


def whole(data: bytes, prefixes: dict[str, str], start: int = 0) -> bytes:
    """Return Turtle or TriG ``data`` (ending where a name cannot go on) with each name
    ``_NAME`` finds written as its IRI, ``prefixes`` the ones the writer was given; of
    ``data`` past ``start`` alone where given, the bytes before it only read (what came
    before, which tells where a name may start)."""
    at = data.find(b"\\.", start)
    if at < 0:  # most documents: one scan at C speed
        return data[start:] if start else data

    def iri(m: re.Match) -> bytes:
        ns = prefixes.get((m.group(1) or b"").decode())
        if ns is None:
            return m.group(0)
        return b"<" + ns.encode() + _ESCAPE.sub(rb"\1", m.group(2)) + b">"
    parts, done = [], start
    while at >= 0:  # each line holding "\." (a name is on one line)
        end = data.find(b"\n", at) + 1 or len(data)
        for m in _NAME.finditer(data, max(data.rfind(b"\n", 0, at) + 1, start), end):
            parts += (data[done:m.start()], iri(m))
            done = m.end()
        at = data.find(b"\\.", end)
    parts.append(data[done:])
    return b"".join(parts)


def _reaching(run: bytes, start: int) -> int | None:
    """Return where in ``run`` (past ``start``, the bytes before it passed on already) the
    first name that may go on past its end starts, None if none may.  The places a name may
    start are read in order, each name's reach passed over: one inside it (after an escaped
    bracket) reaches where it does."""
    last = _ENDS_NAMES.search(run[start:][::-1])
    at = start if last is None else len(run) - last.start()
    while True:
        m = _REACH.match(run, at)
        if m is not None and m.end() > at:  # a name, or what may become one, starts here
            if m.end() == len(run):
                return at
            at = m.end()
        after = _STARTS_AFTER.search(run, at)
        if after is None:
            return None
        at = after.end()


class WholeNames:
    """A binary stream a Turtle or TriG writer writes into, passing on to ``out`` what it
    writes with ``whole``'s names; ``end()`` once the writer is done."""

    def __init__(self, out, prefixes: dict[str, str] | None):
        self.out, self.prefixes, self.pending = out, prefixes or {}, []
        self.held, self.most = 0, _HELD
        self.before = b""  # the last bytes passed on, which tell where a name may start

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        cut = max(data.rfind(b"\n"), data.rfind(b" ")) + 1
        if not cut:  # no name ends in it: kept, to be joined once
            self.pending.append(data)
            self.held += len(data)
            if self.held > self.most:
                self._pass_some()
            return len(data)
        self._pass(b"".join((*self.pending, data[:cut])))
        self.pending = [data[cut:]] if cut < len(data) else []
        self.held, self.most = len(data) - cut, _HELD
        return len(data)

    def _pass(self, data: bytes) -> None:
        self.out.write(whole(self.before + data, self.prefixes, len(self.before))
                       if b"\\." in data else data)
        self.before = (self.before + data[-2:])[-2:]

    def _pass_some(self) -> None:
        """Pass on the held run up to where a name may start that may still be going on."""
        run = self.before + b"".join(self.pending)
        start = len(self.before)
        cut = _reaching(run, start)
        cut = len(run) if cut is None else cut
        if cut > start:
            self._pass(run[start:cut])
            self.pending = [run[cut:]] if cut < len(run) else []
            self.held = len(run) - cut
        else:
            self.pending = [run[start:]]
        self.most = max(_HELD, 2 * self.held)  # a long name: held, and looked at again later

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()

    def end(self) -> None:
        """Write what the last chunk left."""
        if self.pending:
            self._pass(b"".join(self.pending))
            self.pending = []
