"""What Linux's ``/proc`` says of a process: the fields of its ``stat`` file, its resident
memory."""

from __future__ import annotations

import os


def stat_fields(pid: int) -> list[str] | None:
    """Return the fields of ``/proc/<pid>/stat`` that follow the command name, the process's
    state first (so field N of proc(5) is at index N - 3), or None where there is no such
    file (the process is gone, or this is not Linux).  The command name is cut off at the last
    parenthesis: it may hold spaces and parentheses itself."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read().decode("utf-8", "replace")
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def rss_bytes(pid: int | str = "self") -> int:
    """Return a process's resident memory in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
