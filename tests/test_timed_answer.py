"""query --timeout's answer: printed whole and exit 0, or cut short and told it did not finish."""

import io
import random
import sys
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
