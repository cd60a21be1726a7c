"""data_folder's settling of what an interrupted write left: a temporary file a real process
holds is spared and one nobody holds removed, under its lock; on a file system without flock
every one is left, as the other cleanups leave theirs.  (The data folder's locks and commits:
test_transaction.py.)"""

from __future__ import annotations

import contextlib
import os
import subprocess

import pytest

from alliance_graph.build import data_folder
from flock_processes import held_by_another_process, without_flock

KILLED = ".one.ttl.add-0123456789ab.tmp"
WRITING = ".all.ttl.0123456789ab.tmp"


def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "one.ttl").write_text("<urn:a> <urn:b> 1 .\n", "utf-8")
    for name in (KILLED, WRITING):
        (folder / name).write_text("<urn:a> <urn:b> ", "utf-8")
    return folder


def test_a_leftover_held_by_a_write_under_way_is_spared_and_the_others_removed(tmp_path):
    folder = data(tmp_path)
    with held_by_another_process(folder / WRITING):
        assert data_folder.needs_settling(folder)
        assert data_folder.settle(folder) == [
            "removed 1 temporary file(s) an interrupted write left"]
        assert {p.name for p in folder.iterdir()} == {data_folder.LOCK, WRITING, "one.ttl"}
        assert not data_folder.needs_settling(folder)
    assert data_folder.settle(folder) == ["removed 1 temporary file(s) an interrupted write left"]
    assert {p.name for p in folder.iterdir()} == {data_folder.LOCK, "one.ttl"}


_SETTLING = """
import sys
from pathlib import Path
from alliance_graph.build import data_folder
folder = Path(sys.argv[1])
print(data_folder.needs_settling(folder), data_folder.settle(folder))
"""


def test_on_a_file_system_without_flock_a_leftover_is_left(tmp_path):
    # There no write can be told held: the next command removed an export's temporary file
    # under way (its rename then failed), where the other cleanups leave every one.
    folder = data(tmp_path)
    done = without_flock(_SETTLING, str(folder))
    assert (done.returncode, done.stdout, done.stderr) == (0, "False []\n", "")
    assert {p.name for p in folder.iterdir()} == {WRITING, KILLED, "one.ttl"}


@contextlib.contextmanager
def immutable(path):
    """Make ``path`` one this process may not change for the block (``chattr +i``: root's
    permissions do not stop root; a folder so is one no entry is made in or removed from)."""
    if os.geteuid() != 0:
        pytest.skip("chattr +i needs root")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"chattr +i: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextlib.contextmanager
def unwritable(folder):
    """Make ``folder`` one this process may not write for the block (a read-only mount's)."""
    if os.geteuid() == 0:
        with immutable(folder):
            yield
        return
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)


def test_leftovers_in_a_folder_this_user_may_not_write_are_left_and_the_folder_read(tmp_path):
    # A read-only data folder (a read-only mount, an image) holding a killed write's file, or
    # another user's folder a data file links into: every command failed, "the data folder
    # ... is mid-change and could not be settled: cannot lock data/: Read-only file system"
    # or "Permission denied", where nothing was mid-change.
    folder = data(tmp_path)
    with unwritable(folder):
        assert not data_folder.needs_settling(folder)
        assert data_folder.settle(folder) == []
    assert {p.name for p in folder.iterdir()} == {WRITING, KILLED, "one.ttl"}
    shared = tmp_path / "shared"
    shared.mkdir()
    (folder / "one.ttl").rename(shared / "one.ttl")
    (folder / "one.ttl").symlink_to(shared / "one.ttl")
    (folder / KILLED).rename(shared / KILLED)
    (folder / WRITING).unlink()
    with unwritable(shared):
        assert not data_folder.needs_settling(folder)
        assert data_folder.settle(folder) == []
    assert {p.name for p in shared.iterdir()} == {"one.ttl", KILLED}


def test_a_leftover_that_cannot_be_removed_is_left_and_said(tmp_path):
    # (A file of another user's in a sticky folder, as /tmp is, another user may not remove
    # either.)  Its PermissionError was raised out of settle: every command failed.
    folder = data(tmp_path)
    with immutable(folder / KILLED):
        assert data_folder.settle(folder) == [
            "removed 1 temporary file(s) an interrupted write left",
            f"left 1 temporary file(s) an interrupted write left, which this user may not "
            f"remove: {folder / KILLED}"]
    assert {p.name for p in folder.iterdir()} == {data_folder.LOCK, KILLED, "one.ttl"}


def test_a_data_file_linked_round_in_a_loop_is_no_error_to_settling(tmp_path):
    # Looked for what was written beside the file it names: "RuntimeError: Symlink loop
    # from data/loop.ttl" (Path.resolve), a traceback to a caller that checked the links first
    # and then found one made a loop (the command line and the library refuse such a link).
    folder = data(tmp_path)
    (folder / "loop.ttl").symlink_to("loop.ttl")
    assert data_folder.needs_settling(folder)
    assert data_folder.settle(folder) == ["removed 2 temporary file(s) an interrupted write left"]
    assert {p.name for p in folder.iterdir()} == {data_folder.LOCK, "loop.ttl", "one.ttl"}
