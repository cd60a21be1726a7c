"""Atomic file writes (atomic.py): the old file or the new one, never half of one, modes kept
and no temporary file left behind."""

import os
from pathlib import Path

import pytest

from alliance_graph import atomic


def test_write_atomically_keeps_the_mode_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old", "utf-8")
    os.chmod(path, 0o640)
    atomic.write_atomically(path, "new")
    atomic.write_atomically(tmp_path / "bytes.bin", b"\x00\x01")
    atomic.write_atomically(tmp_path / "written.txt", lambda out: out.write(b"by a function"))
    assert path.read_text("utf-8") == "new" and path.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "written.txt").read_bytes() == b"by a function"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bytes.bin", "file.txt", "written.txt"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old", "utf-8")

    def fails(out):
        out.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic.write_atomically(path, fails)
    assert path.read_text("utf-8") == "old"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["file.txt"]
