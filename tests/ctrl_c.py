"""Ctrl-C at a chosen point of real work, for the tests of what an interrupt leaves behind."""

import os
import signal
from pathlib import Path


def before_renaming_onto(target: Path, monkeypatch) -> None:
    """Send this process SIGINT (Ctrl-C) just before the first ``os.replace`` onto ``target``
    (an add's rename of a data file: its journal, the commit point, written already); the
    KeyboardInterrupt comes at once, before the rename is made.  Later renames are made as
    ever."""
    rename = os.replace

    def ctrl_c_first(source, destination):
        if Path(destination) == target:
            monkeypatch.setattr(os, "replace", rename)
            os.kill(os.getpid(), signal.SIGINT)
        return rename(source, destination)

    monkeypatch.setattr(os, "replace", ctrl_c_first)
