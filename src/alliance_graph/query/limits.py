"""Bound a query result's size: its bytes, as Oxigraph's own serializer writes them.

The answer is written straight into a buffer that refuses to grow past the limit, so the bytes
are Oxigraph's (no Python object per row, which costs about as much as the query itself on
small answers) and an endless result costs no more memory than the limit: writing stops at the
first chunk past it, and the caller answers with an error status, never a truncated answer.
"""

from __future__ import annotations

import io

import pyoxigraph as ox

from ..wording import Said
from . import csv_results
from .turtle_names import WholeNames

# Oxigraph's writers that may escape a name's last dot (``turtle_names``).
_NAMED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)


class TooManyResults(Exception):
    """A result is larger than the limit allows."""


class Bounded(io.RawIOBase):
    """A write-only buffer that raises TooManyResults past ``limit`` bytes and ``room`` more
    (what a writer of our own writes into, as Oxigraph's do in ``write_bounded``), saying
    ``limit``; ``value()`` is what it holds."""

    def __init__(self, limit: int, room: int = 0):
        self.chunks: list[bytes] = []
        self.size, self.limit, self.room = 0, limit, room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit + self.room:
            within(self.size, self.limit)
        self.chunks.append(bytes(data))
        return len(data)

    def value(self) -> bytes:
        """Return what was written."""
        return b"".join(self.chunks)


def within(size: int, limit: int) -> None:
    """Raise TooManyResults if ``size`` bytes are over ``limit``: a result written, or what a
    rewriting after the writer made of it (``answer.readable_xml``'s ``&#13;``)."""
    if size > limit:
        raise TooManyResults(Said(lambda n: (
            f"the result is larger than {limit:,} bytes "
            f"({n('settings.max_result_bytes')}); add a LIMIT or narrow the query")))


def write_bounded(result, fmt, limit: int, prefixes: dict | None = None,
                  room: int = 0) -> bytes:
    """Return ``result`` written in the Oxigraph format ``fmt``, or raise TooManyResults if it
    is over ``limit`` bytes: query results (solutions, booleans) or an iterable of triples.
    An ASK's answer in CSV or TSV is ``csv_results.boolean``'s.

    Given ``prefixes``, a Turtle or TriG name ending in an escaped dot is written whole
    (``turtle_names``) on its way into the buffer, so the bytes counted are the bytes
    answered: rewritten after the count, a graph of 50 names ``id:CorpN\\.`` given a limit
    of 2,628 bytes (Oxigraph's writing) was answered in 5,037.  ``room``: bytes the writer
    may write past ``limit`` that a rewriting after it takes out (declarations left unused),
    the refusal still saying ``limit``, the one given (it said 50,848 for 50,000)."""
    out = Bounded(limit, room)
    if isinstance(result, ox.QueryBoolean) and fmt in csv_results.BOOLEAN_FORMATS:
        out.write(csv_results.boolean(bool(result), fmt))
    elif isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        result.serialize(out, format=fmt)
    elif prefixes and fmt in _NAMED:
        names = WholeNames(out, prefixes)
        ox.serialize(result, names, format=fmt, prefixes=prefixes)
        names.end()
    else:
        ox.serialize(result, out, format=fmt, prefixes=prefixes)
    return out.value()
