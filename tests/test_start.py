"""The command's start (``alliance_graph.__main__``, the console script's entry): a Ctrl-C from
the first moment code of ours runs is the command's "interrupted", exit 130; and one at its
end, in its own process (``cli/main._end``), as it was started to take it."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = str(Path(sys.executable).parent / "alliance-graph")
# Read by Python's site at its start (PYTHONPATH): a SIGINT sent to the process by itself as it
# begins to import the module CTRL_C_AT names, at that moment and no other, where a signal sent
# from outside after a guessed time lands anywhere in the tenth of a second the start takes.
_SITE = """import atexit, os, signal, sys
_at = os.environ["CTRL_C_AT"]
if _at == "exit":  # the last of the exit hooks _end runs, once the command is done
    atexit.register(os.kill, os.getpid(), signal.SIGINT)
def _hook(event, args):
    global _at
    if event == "import" and args[0] == _at:
        _at = None
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(_hook)
def _called(frame, event, arg):  # as the function CTRL_C_AT names ("call:NAME") is called
    if event == "call" and _at == "call:" + frame.f_code.co_name:
        sys.setprofile(None)
        os.kill(os.getpid(), signal.SIGINT)
if _at.startswith("call:"):
    sys.setprofile(_called)
"""


@pytest.mark.parametrize("module", ["alliance_graph.wording", "shlex",
                                    "threading", "click",
                                    "alliance_graph.cli.main"])
def test_ctrl_c_while_the_start_imports_its_modules_is_interrupted_and_exit_130(module,
                                                                                tmp_path):
    # The package's __init__ (the facade's modules: threading, shlex, numbers) and __main__'s
    # own imports (wording, pathlib) ran as the console script imported its entry, before any
    # code of ours could catch a KeyboardInterrupt: its traceback, the process killed by the
    # signal.  The modules named are imported there before, by run() or the command line after.
    (tmp_path / "sitecustomize.py").write_text(_SITE, encoding="utf-8")
    done = subprocess.run([COMMAND, "--version"], capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(tmp_path), "CTRL_C_AT": module})
    assert (done.returncode, done.stdout) == (130, b""), done.stderr
    assert done.stderr == b"interrupted\n"


def test_a_ctrl_c_ignored_as_the_command_started_is_ignored_as_it_ends(tmp_path):
    # A shell script's `cmd &` starts it with SIGINT ignored, so that its user's Ctrl-C is
    # not for it: so is each validating process of a `serve &`, in the script's process group.
    # The command's end set a handler over it (main._note_ctrl_c), so one landing as it ended
    # made it "interrupted", exit 130: a validation's client was answered 503, "its process was
    # stopped by a signal (SIGINT) sent to it alone", for a Ctrl-C its server ignored.
    (tmp_path / "sitecustomize.py").write_text(_SITE, encoding="utf-8")
    done = subprocess.run([COMMAND, "--version"], capture_output=True, timeout=60,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
                          env={**os.environ, "PYTHONPATH": str(tmp_path), "CTRL_C_AT": "exit"})
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"alliance-graph, version ")


def test_a_ctrl_c_as_the_command_ends_before_it_is_noted_is_interrupted_and_exit_130(tmp_path):
    # The command done, its group's invoke sets Ctrl-C to be noted, not raised, in its
    # ``finally`` (main._note_ctrl_c); a KeyboardInterrupt raised there, after the handlers of
    # the command's own, reached click: "Aborted!", exit 1 (CI: a SIGINT 10 ms after a query's
    # answer was read, once in a run). Sent as that function is called, here, every time.
    (tmp_path / "sitecustomize.py").write_text(_SITE, encoding="utf-8")
    done = subprocess.run([COMMAND, "cite", "000_06b6882714cf1880.txt", "Iron Dome"],
                          capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(tmp_path),
                               "CTRL_C_AT": "call:_note_ctrl_c"})
    assert (done.returncode, done.stderr.splitlines()[-1:]) == (130, [b"interrupted"]), \
        done.stderr
