"""How the validating process of ``POST /validate`` ended (``web/validating_process.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from alliance_graph.web.validating_process import interrupted, stopped_by

TRACEBACK = "Traceback (most recent call last):\n  File \"<frozen site>\", line 1\nKeyboardInterrupt\n"


@pytest.mark.parametrize(("code", "out", "err", "expected"), [
    (130, "", "interrupted\n", True),                    # the command's own Ctrl-C
    (-signal.SIGINT, "", "", True),                      # killed by the signal itself
    (1, "", TRACEBACK, True),                            # in Python's start: no code of ours ran
    (1, "", "", False),                                  # no report, for another reason
    (1, '{"conforms": false}', TRACEBACK, False),        # a report of findings is read as one
    (1, "", TRACEBACK + "error: after it\n", False),     # the traceback not the last word
    (0, '{"conforms": true}', "", False),
    (2, "", "error: could not validate: x\n", False),
])
def test_an_end_is_read_as_an_interruption_only_as_sigint_ends_it(code, out, err, expected):
    assert interrupted(subprocess.CompletedProcess([], code, out, err)) is expected


def test_a_ctrl_c_in_pythons_own_start_is_read_as_one(tmp_path):
    # What Python does, made so every time: a KeyboardInterrupt raised while the site module
    # loads (where a Ctrl-C lands in the first milliseconds) is exit 1 and its traceback.
    (tmp_path / "sitecustomize.py").write_text("raise KeyboardInterrupt\n")
    done = subprocess.run([sys.executable, "-c", "print('never')"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 1 and interrupted(done)


@pytest.mark.parametrize(("code", "err", "expected"), [
    (130, "interrupted\n", signal.SIGINT), (-signal.SIGINT, "", signal.SIGINT),
    (1, TRACEBACK, signal.SIGINT), (-signal.SIGTERM, "", signal.SIGTERM),
    (-signal.SIGKILL, "", signal.SIGKILL), (-signal.SIGHUP, "", signal.SIGHUP),
    (-signal.SIGQUIT, "", signal.SIGQUIT), (-signal.SIGSEGV, "", None),
    (-signal.SIGABRT, "", None), (-signal.SIGBUS, "", None), (1, "", None), (0, "", None),
    (-(signal.SIGRTMIN + 1), "", None)])
def test_the_signal_that_stopped_it_is_any_but_a_crashs(code, err, expected):
    # A SIGTERM to the validating process was "the server's graph cannot be read"; a SIGKILL
    # (the out-of-memory killer's), SIGHUP or SIGQUIT so still, "exit -9" logged as an ERROR.
    assert stopped_by(subprocess.CompletedProcess([], code, "", err)) is expected
