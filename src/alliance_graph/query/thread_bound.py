"""A query result held for a reader: Oxigraph's result, read once, on the thread that ran it.

pyoxigraph's results may not cross threads: read from another one (a query run in a worker
thread, its rows read in the main one), the process aborts on a Rust assertion, no exception
raised, and a notebook's kernel dies with it.  And a result is an iterator: read a second
time it gave no rows, silently.  ``ThreadBound`` holds the result, answers both with a
``RuntimeError`` that says what to do, and otherwise behaves as the result (iteration, its
``variables``, ``bool`` of an ASK).  ``ag.run`` no longer hands one out as is: it reads the
answer whole on its own thread, and ``held.Solutions``, a ``ThreadBound`` that makes the
result afresh for each reading, is what a SELECT gives.  ``unwrap`` gives the result itself
to ``results.rows`` and its kin, which accept either.
"""

from __future__ import annotations

import threading


class ThreadBound:
    """A query result that may be read once, on the thread that made it."""

    __slots__ = ("_result", "_thread", "_read")

    def __init__(self, result):
        self._result, self._thread, self._read = result, threading.get_ident(), False

    def result(self, consume: bool):
        """Return the result itself; RuntimeError on another thread, or (``consume``) once
        it has been read."""
        if threading.get_ident() != self._thread:
            raise RuntimeError("this query's result was made on another thread: read it on "
                               "the thread that ran the query (pyoxigraph aborts the process "
                               "otherwise); in a thread pool, run the query and read its rows "
                               "in the same task")
        if consume:
            if self._read:
                raise RuntimeError("this query's result has been read already: a result is "
                                   "read once (keep ag.rows(...) of it, or run the query "
                                   "again)")
            self._read = True
        return self._result

    def __iter__(self):
        return iter(self.result(consume=True))

    def __bool__(self):
        return bool(self.result(consume=False))

    def __getattr__(self, name):
        return getattr(self.result(consume=False), name)

    def __repr__(self):
        return f"<ThreadBound {type(self._result).__name__}>"


def unwrap(result, consume: bool = True):
    """Return Oxigraph's result, whether ``result`` is one or a ``ThreadBound`` holding it."""
    return result.result(consume) if isinstance(result, ThreadBound) else result
