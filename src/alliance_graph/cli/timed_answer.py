"""An answer written to standard output within ``query --timeout``: whole, or cut and told so.

The answer is written on the thread ``waiting.at_once`` runs it on, while this one waits for
the time limit.  At a terminal (standard output line-buffered) the whole of a small answer
was out before that thread ended, and a limit passing in between printed the answer, then
"query failed: it did not finish within 1e-06 s", exit 1 (an earlier session saw it; about
one try in ten at ``--timeout 0.0001``).  So each write to standard output is held back
until the next one, and the last is written as the work ends, under the lock the time limit
takes to give up: a limit passing first leaves the answer visibly short of its end (its
last piece never written), and an answer whose last piece is out has finished (exit 0).
The lock is not held while a piece is written: a reader not reading (a pager, `| (sleep 60;
head)`) blocked that write, and the limit, waiting for the lock, with it (measured: exit 1
when the reader read, not at the limit).
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
        self.ended = threading.Event()  # the last piece written (or not to be)
        self.failed: BaseException | None = None  # that write's failure (a full disk)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        with self.lock:
            if self.given_up:  # (the process is ending without it)
                return len(data)
            piece, self.piece = self.piece, bytes(data)
        self._out(piece)  # (one thread writes: the pieces keep their order)
        return len(data)

    def end(self, whole: bool) -> None:
        """Write the last piece (the answer ``whole`` when the work returned), unless the
        time limit gave up first."""
        try:
            with self.lock:
                if self.given_up:
                    return
                self.whole = whole  # decided here: the limit no longer cuts it
                piece, self.piece = self.piece, b""
            self._out(piece)
        except BaseException as exc:
            self.failed = exc
            raise
        finally:
            self.ended.set()

    def give_up(self) -> bool:
        """Return whether the answer is short of its end, writing no more of it if so."""
        with self.lock:
            self.given_up = not self.whole
            return self.given_up

    def _out(self, piece: bytes) -> None:
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
        while not held.ended.wait(0.2):  # its last piece being written (Ctrl-C: at once)
            pass
        if held.failed is not None:  # (the limit passed as it failed: its failure stands)
            sys.stdout = before
            raise held.failed from None
        value = None
    except KeyboardInterrupt:  # (Ctrl-C: as a time limit given up)
        raise
    except BaseException:  # the work's own, raised here as it ended (``fail``'s exit too)
        sys.stdout = before
        raise
    sys.stdout = before
    return value
