"""An answer written to standard output within ``query --timeout``: whole, or cut and told so.

The answer is written on the thread ``waiting.at_once`` runs it on, while this one waits for
the time limit.  At a terminal (standard output line-buffered) the whole of a small answer
was out before that thread ended, and a limit passing in between printed the answer, then
"query failed: it did not finish within 1e-06 s", exit 1 (an earlier session saw it; about
one try in ten at ``--timeout 0.0001``).  So each write to standard output is held back
until the next one, and the last is written as the work ends, under the lock the time limit
takes to give up: a limit passing first leaves the answer visibly short of its end (its
last piece never written), and an answer whose last piece is out has finished (exit 0).
"""

from __future__ import annotations

import io
import sys
import threading

from .. import waiting


class _Held(io.RawIOBase):
    """The bytes standard output is given, each piece written when the next comes."""

    def __init__(self, out):
        self.out = out  # standard output's binary stream
        self.lock = threading.Lock()
        self.piece = b""
        self.given_up = self.whole = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        with self.lock:
            if not self.given_up:  # (given up: the process is ending without it)
                self._out()
                self.piece = bytes(data)
        return len(data)

    def end(self, whole: bool) -> None:
        """Write the last piece (the answer ``whole`` when the work returned), unless the
        time limit gave up first."""
        with self.lock:
            if not self.given_up:
                self._out()
                self.whole = whole

    def give_up(self) -> bool:
        """Return whether the answer is short of its end, writing no more of it if so."""
        with self.lock:
            self.given_up = not self.whole
            return self.given_up

    def _out(self) -> None:
        piece, self.piece = self.piece, b""
        if piece:
            self.out.write(piece)
            self.out.flush()


def written_within(work, timeout: float | None, *, over: str = ""):
    """Return ``work()``, which writes its answer to ``sys.stdout``, as ``waiting.at_once``
    does; raise ``waiting.TimedOut(over)`` past ``timeout`` only when the answer written is
    short of its end (when its end was written first, return None: it finished)."""
    before = sys.stdout
    if timeout is None or getattr(before, "buffer", None) is None:
        return waiting.at_once(work, timeout, over=over)
    before.flush()
    held = _Held(before.buffer)
    sys.stdout = gated = io.TextIOWrapper(io.BufferedWriter(held), encoding=before.encoding,
                                          errors=before.errors,
                                          line_buffering=before.line_buffering)

    def answering():
        whole = False
        try:
            value = work()
            gated.flush()
            whole = True
            return value
        finally:
            if not whole:  # what it wrote before it failed, as without a limit
                try:
                    gated.flush()
                except (OSError, ValueError):  # (the failure may be this very write's)
                    pass
            held.end(whole)

    try:
        value = waiting.at_once(answering, timeout, over=over)
    except waiting.TimedOut:
        if held.give_up():  # standard output left as it is: the work may still write there
            raise
        value = None
    except KeyboardInterrupt:  # (Ctrl-C: as a time limit given up)
        raise
    except BaseException:  # the work's own, raised here as it ended (``fail``'s exit too)
        sys.stdout = before
        raise
    sys.stdout = before
    return value
