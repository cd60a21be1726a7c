"""A query's answer read whole, as ``ag.run`` hands it out: Oxigraph's own result to its reader,
readable again and on any thread.

``ag.run`` reads the answer on a thread of its own (``waiting.at_once``, so that Ctrl-C ends
the wait), and pyoxigraph's results may not cross threads: read from another, the process
aborts on a Rust assertion.  So the answer is read whole there, into what may cross: the
boolean of an ASK (``Boolean``, reading as a ``pyoxigraph.QueryBoolean``), the triples of a CONSTRUCT or DESCRIBE (a
list of ``pyoxigraph.Triple``, as the engine process gives them), and the solutions of a
SELECT as SPARQL JSON, held by ``Solutions``, which makes a ``pyoxigraph.QuerySolutions`` of
them afresh for each reading, on the reader's thread.
"""

from __future__ import annotations

import io
import os
import threading

import pyoxigraph as ox

from . import csv_results, results
from .thread_bound import ThreadBound, unwrap

_JSON = ox.QueryResultsFormat.JSON
_CSV = ox.QueryResultsFormat.CSV


class Solutions(ThreadBound):
    """A SELECT answer read whole: ``isinstance(s, pyoxigraph.QuerySolutions)`` holds, and it
    reads as one (iteration, ``variables``, ``serialize``), as often as asked, on any thread.

    A ``ThreadBound`` (``thread_bound.unwrap`` gives the ``QuerySolutions`` to the functions
    of ``results``); ``__class__`` names the class it stands for, as proxies do.  One iterator
    of it is still Oxigraph's: read it on the thread that made it.  ``serialize`` writes CSV
    as the command line and the endpoint do (``csv_results.write``), every other format by
    Oxigraph's writer."""

    __slots__ = ("_json",)

    def __init__(self, data: bytes):  # noqa: D107 - ThreadBound's own state is not used
        self._json = data

    def result(self, consume: bool = True) -> ox.QuerySolutions:
        """Return the solutions as Oxigraph's ``QuerySolutions``, made now on this thread."""
        return ox.parse_query_results(self._json, format=_JSON)

    def serialize(self, output=None, format=None):  # pyoxigraph's own parameter names
        """Write the solutions as ``QuerySolutions.serialize`` does (into ``output``, a binary
        file or a path, else returned as bytes; in ``format``, else the one the path's
        extension names), but CSV by ``csv_results.write``: Oxigraph's writer left an IRI
        holding a comma, and a triple term, unquoted (``dbr:Washington,_D.C.`` split its row
        into one field more, a literal's line break into two rows) and an unbound value of a
        one-column answer an empty line, which readers pass over."""
        named = format if format is not None else _extension_format(output)
        if named != _CSV:
            return self.result().serialize(output, format)
        if output is None:
            out = io.BytesIO()
            csv_results.write(self.result(), out)
            return out.getvalue()
        if isinstance(output, (str, os.PathLike)):
            with open(output, "wb") as out:
                csv_results.write(self.result(), out)
            return None
        csv_results.write(self.result(), output)
        return None

    @property
    def __class__(self):
        return ox.QuerySolutions

    def __reduce__(self):
        # Copied or pickled as what it holds: the ``__class__`` above sent copy.copy into
        # ThreadBound's __getattr__ (RecursionError) and made pickle refuse it ("args[0]
        # from __newobj__ args has the wrong class").
        return Solutions, (self._json,)

    def __repr__(self):
        names = " ".join(str(v) for v in self.result().variables)
        return f"<QuerySolutions read whole: {names or 'no variables'}>"


class Boolean:
    """An ASK answer read whole: reads as Oxigraph's ``QueryBoolean`` (``isinstance``, ``bool``,
    ``==``, ``serialize``), its CSV and TSV written as the command line and the endpoint
    write them (``csv_results.boolean``: ``_askResult`` and one row), every other format by
    Oxigraph's writer, whose CSV was the bare word ``true`` (read back as no row)."""

    __slots__ = ("_answer",)

    def __init__(self, answer: ox.QueryBoolean):
        self._answer = answer

    def __bool__(self) -> bool:
        return bool(self._answer)

    def __eq__(self, other):
        return self._answer == _answer_of(other)

    def __hash__(self):
        return hash(self._answer)

    # Ordered as Oxigraph's (false before true): sorting ag.run's answers raised a TypeError.
    def __lt__(self, other):
        return self._answer < _answer_of(other)

    def __le__(self, other):
        return self._answer <= _answer_of(other)

    def __gt__(self, other):
        return self._answer > _answer_of(other)

    def __ge__(self, other):
        return self._answer >= _answer_of(other)

    def serialize(self, output=None, format=None):  # pyoxigraph's own parameter names
        """Write the answer as ``QueryBoolean.serialize`` does, CSV and TSV but as above."""
        named = format if format is not None else _extension_format(output)
        if named not in csv_results.BOOLEAN_FORMATS:
            return self._answer.serialize(output, format)
        data = csv_results.boolean(bool(self._answer), named)
        if output is None:
            return data
        if isinstance(output, (str, os.PathLike)):
            with open(output, "wb") as out:
                out.write(data)
        else:
            output.write(data)
        return None

    @property
    def __class__(self):
        return ox.QueryBoolean

    def __reduce__(self):  # copied or pickled as its value, as ``Solutions`` is
        return _boolean, (bool(self._answer),)

    def __repr__(self):
        return repr(self._answer)


def _answer_of(other):
    """Return Oxigraph's answer a ``Boolean`` holds, anything else as it is."""
    return other._answer if isinstance(other, Boolean) else other


def _boolean(value: bool) -> Boolean:
    """Return the ``Boolean`` of ``value``, Oxigraph's answer made afresh."""
    json = b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}"
    return Boolean(ox.parse_query_results(json, format=_JSON))


def _extension_format(output):
    """Return the results format a path's extension names, as pyoxigraph reads it (None for
    a file object, or a name with no known extension)."""
    if not isinstance(output, (str, os.PathLike)):
        return None
    extension = os.path.splitext(os.fspath(output))[1][1:]
    return ox.QueryResultsFormat.from_extension(extension) if extension else None


class _Written(io.BytesIO):
    """A buffer that refuses more once ``abandoned`` is set: a SELECT nobody waits for any
    more stops at its next rows, rather than filling memory for hours."""

    def __init__(self, abandoned: threading.Event | None):
        super().__init__()
        self.abandoned = abandoned

    def write(self, data) -> int:
        if self.abandoned is not None and self.abandoned.is_set():
            raise OSError("the query's answer is no longer waited for")
        return super().write(data)


def read_whole(result, abandoned: threading.Event | None = None):
    """Return a pyoxigraph query result read whole: a ``Boolean``, a list of triples, or
    ``Solutions``; read no further once ``abandoned`` is set.  Raise QueryError for a query
    that fails while it is read."""
    kind = results.kind_of(result)
    if kind == "ask":
        return Boolean(unwrap(result, consume=False))
    if kind == "graph":
        triples = []
        with results.evaluating():
            for triple in unwrap(result):
                if abandoned is not None and abandoned.is_set():
                    break
                triples.append(triple)
        return triples
    out = _Written(abandoned)
    results.serialize(result, "json", out)
    return Solutions(out.getvalue())
