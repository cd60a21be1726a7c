"""proc.py: the fields of a process's /proc stat file, read from real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from alliance_graph.proc import stat_fields
from helpers import until


def test_a_running_process_s_state_and_start_are_read_past_a_name_with_parentheses(tmp_path):
    # The command name is the file's name: one with ") (" in it must not shift the fields.
    odd = tmp_path / "odd ) ( name"
    odd.symlink_to(sys.executable)
    child = subprocess.Popen([str(odd), "-c", "import time; time.sleep(60)"])
    try:
        fields = stat_fields(child.pid)
        # D (waiting on the disk) too: a child starting under load was caught so in a CI run.
        assert fields is not None and fields[0] in ("R", "S", "D")
        assert int(fields[1]) == os.getpid()  # field 4, the parent
        assert int(fields[19]) > 0             # field 22, the start time in ticks
        child.send_signal(signal.SIGSTOP)
        # Stopped once the kernel has it stop, not 0.2 s later (a loaded machine's guess).
        assert until(lambda: stat_fields(child.pid)[0] == "T", 10), stat_fields(child.pid)
    finally:
        child.kill()
        child.wait()
    assert stat_fields(child.pid) is None  # reaped: gone
