"""query --timeout's answer: printed whole and exit 0, or cut short and told it did not finish."""

import contextlib
import io
import os
import random
import sys
import threading
import time

import pytest

from alliance_graph import waiting
from alliance_graph.cli import timed_answer

ANSWER = "".join(f"row {i}\n" for i in range(3))


def answered(work, timeout: float) -> tuple[bool, str]:
    """Run ``work`` as `query --timeout` does, its standard output a line-buffered stream (a
    terminal's); return whether it was told it did not finish, and what it printed."""
    before, out = sys.stdout, io.BytesIO()
    sys.stdout = terminal = io.TextIOWrapper(out, encoding="utf-8", line_buffering=True)
    try:
        timed_answer.written_within(work, timeout, over="did not finish")
        late = False
    except waiting.TimedOut:
        late = True
    finally:
        sys.stdout = before
    time.sleep(0.002)  # what a work given up writes after it (nothing) shows by then
    printed = out.getvalue().decode()
    terminal.detach()
    return late, printed


def test_an_answer_printed_whole_is_not_then_said_unfinished():
    # Printed whole, the work's thread lingering past the limit (Oxigraph dropping its
    # result): `query --timeout 0.0001 'ASK {}'` printed "true", then said it did not finish.
    def work():
        sys.stdout.write(ANSWER)
        time.sleep(0.02)

    late, printed = answered(work, 0.005)
    assert late and printed != ANSWER and ANSWER.startswith(printed)


@pytest.mark.parametrize("linger", [0.0, 0.0002])
def test_at_absurd_limits_an_answer_is_whole_and_on_time_or_cut_and_late(linger):
    def work():
        for line in ANSWER.splitlines(keepends=True):
            sys.stdout.write(line)
        if linger:
            time.sleep(linger)

    chance = random.Random(7)
    seen = set()
    for _ in range(300):
        late, printed = answered(work, chance.uniform(0, 0.0006))
        assert (late, printed == ANSWER) in {(True, False), (False, True)}, (late, printed)
        seen.add(late)
    assert seen == {True, False} or not linger  # both ends of the race were run


def test_no_limit_and_the_work_own_failure_are_as_without_one():
    assert timed_answer.written_within(lambda: 42, None) == 42

    def failing():
        sys.stdout.write("row 0\n")
        raise ValueError("query failed")

    before = sys.stdout
    with pytest.raises(ValueError, match="query failed"):
        answered(failing, 5)
    assert sys.stdout is before


def test_a_reader_not_reading_does_not_hold_the_limit_back():
    # `query --timeout 2 ... | less` (a pager not yet read): the piece being written held the
    # lock the limit takes to give up, and the command ended when the reader read, not at 2 s.
    reading, writing = os.pipe()
    before = sys.stdout
    sys.stdout = pipe = io.TextIOWrapper(io.FileIO(writing, "wb"), encoding="utf-8")
    stop = threading.Event()

    def work():
        while not stop.is_set():
            sys.stdout.write("x" * 65536)  # past the pipe's buffer: blocked

    # The reader goes at 3 s (the blocked write fails then): before, the limit waited for it.
    # (At 1.5 s with the limit's 0.2 s bounded by 1 s, a loaded machine had 0.8 s to spare.)
    closing = threading.Lock()
    closed = []

    def reader_gone():
        with closing:
            if not closed:
                closed.append(os.close(reading))

    gone = threading.Timer(3.0, reader_gone)
    gone.start()
    began = time.monotonic()
    try:
        with pytest.raises(waiting.TimedOut):
            timed_answer.written_within(work, 0.2, over="did not finish")
        took = time.monotonic() - began
    finally:
        sys.stdout = before
        stop.set()
        gone.cancel()
        reader_gone()  # the blocked write fails: the work's thread ends
        time.sleep(0.05)
        with contextlib.suppress(OSError):
            pipe.close()
    assert took < 2.0, took
