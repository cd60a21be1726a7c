"""The command's start (``alliance_graph.__main__``, the console script's entry): a Ctrl-C from
the first moment code of ours runs is the command's "interrupted", exit 130."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = str(Path(sys.executable).parent / "alliance-graph")
# Read by Python's site at its start (PYTHONPATH): a SIGINT sent to the process by itself as it
# begins to import the module CTRL_C_AT names, at that moment and no other, where a signal sent
# from outside after a guessed time lands anywhere in the tenth of a second the start takes.
_SITE = """import os, signal, sys
_at = os.environ["CTRL_C_AT"]
def _hook(event, args):
    global _at
    if event == "import" and args[0] == _at:
        _at = None
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(_hook)
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
