"""unheld: a file or folder no process holds (flock) is answered so, under its lock; one a
real child process holds, a link, and one whose name was given to another entry between its
opening and its lock are not; nor is any on a file system without flock."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_graph import unheld as module
from alliance_graph.proc import stat_fields
from alliance_graph.unheld import unheld
from flock_processes import held_by_another_process, without_flock
from helpers import until


def entries(tmp_path: Path) -> tuple[Path, Path]:
    file, folder = tmp_path / "file", tmp_path / "folder"
    file.write_bytes(b"left by a killed writer\n")
    folder.mkdir()
    (folder / "run").write_bytes(b"a\n")
    return file, folder


def test_an_entry_held_by_another_process_is_held_and_one_let_go_is_unheld(tmp_path):
    for path, folder in zip(entries(tmp_path), (False, True)):
        with held_by_another_process(path):
            with unheld(path, folder=folder) as free:
                assert not free
        with unheld(path, folder=folder) as free:
            assert free
            # held by this process for the block: another cannot take it
            other = os.open(path, os.O_RDONLY)
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(other)
        assert path.exists()  # asking removes nothing
    # let go after the block
    other = os.open(path, os.O_RDONLY)
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(other)


def test_an_entry_of_the_other_kind_a_link_or_none_is_not_unheld(tmp_path):
    file, folder = entries(tmp_path)
    (tmp_path / "to-file").symlink_to(file)
    (tmp_path / "to-folder").symlink_to(folder)
    os.mkfifo(tmp_path / "pipe")  # opened without blocking
    asked = [(folder, False), (file, True), (tmp_path / "to-file", False),
             (tmp_path / "to-folder", True), (tmp_path / "pipe", False), (tmp_path / "gone", False)]
    for path, kind in asked:
        with unheld(path, folder=kind) as free:
            assert not free, path
    # a link is never followed: what it names was never locked through it
    with held_by_another_process(file), held_by_another_process(folder):
        pass


# A process writing into the named pipe argv[1]: it says it opens it, opens it (which waits
# for a reader), says so, and writes a line.
_PIPE_WRITER = """
import os, sys
print("opening", flush=True)
fd = os.open(sys.argv[1], os.O_WRONLY)
print("opened", flush=True)
os.write(fd, b"the user's line\\n")
"""


def test_a_pipe_of_a_temporary_files_name_is_not_opened(tmp_path):
    # Opened to be asked (without blocking), and closed at once: a process waiting to write
    # into it (a user's pipe, named alike) was let through its open, and its write then
    # failed, the reader gone (EPIPE).  A device would be opened too.
    pipe = tmp_path / ".out.nq.0123456789ab.tmp"
    os.mkfifo(pipe)
    writer = subprocess.Popen([sys.executable, "-c", _PIPE_WRITER, str(pipe)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The writer waits in its open: asleep past its line, the open all that is left (0.2 s
        # slept was a guess its start outlasts on a loaded machine, and then nothing waited).
        assert writer.stdout.readline() == "opening\n"
        assert until(lambda: stat_fields(writer.pid)[0] == "S", 30), stat_fields(writer.pid)
        for folder in (False, True):
            with unheld(pipe, folder=folder) as free:
                assert not free
        with pytest.raises(subprocess.TimeoutExpired):
            writer.wait(timeout=1)  # still waiting for a reader
        with open(pipe, "rb") as reader:  # the reader it waited for
            assert reader.read() == b"the user's line\n"
        assert writer.wait(timeout=60) == 0
    finally:
        writer.kill()
        writer.communicate()


@pytest.mark.parametrize("how", ["replaced", "renamed", "removed"])
def test_an_entry_whose_name_changed_between_its_opening_and_its_lock_is_not_unheld(tmp_path,
                                                                                    how):
    # A writer that made it and locks it after a cleanup opened it: the cleanup must not
    # remove the entry that its name now gives.  The two steps of ``unheld`` taken apart.
    file, _ = entries(tmp_path)
    fd = module._opened(file, False)
    try:
        if how == "replaced":
            newer = tmp_path / "newer"
            newer.write_bytes(b"another writer's\n")
            os.replace(newer, file)
        elif how == "renamed":
            file.rename(tmp_path / "elsewhere")
        else:
            file.unlink()
        assert module._taken(file, fd) is False
    finally:
        os.close(fd)
    with unheld(file) as free:  # asked anew: the entry the name gives now, if any
        assert free is (how == "replaced")


@pytest.mark.parametrize("how", ["a file", "a link round in a loop"])
def test_an_entry_whose_folder_was_replaced_between_its_opening_and_its_lock_is_not_unheld(
        tmp_path, how):
    # Its name then gives no entry, and asking it is answered ENOTDIR or ELOOP, not ENOENT:
    # that was raised out of every cleanup (``atomic.remove_unheld`` and the sort's had let
    # any OSError go before they were made one).
    folder = tmp_path / "cache"
    folder.mkdir()
    file = folder / ".main.nq.0123456789ab.tmp"
    file.write_bytes(b"left by a killed writer\n")
    fd = module._opened(file, False)
    try:
        folder.rename(tmp_path / "moved")
        if how == "a file":
            folder.write_bytes(b"the user's\n")
        else:
            folder.symlink_to(folder)
        assert module._taken(file, fd) is False
        assert module.still_named(file, fd) is False
    finally:
        os.close(fd)
    assert (tmp_path / "moved" / file.name).exists()


def test_a_descriptor_the_kernel_will_not_flock_is_not_unheld(tmp_path):
    # EBADF, one of the answers of a file system without flock, given here by the kernel for
    # a descriptor open only as a path (O_PATH).
    file, _ = entries(tmp_path)
    fd = os.open(file, os.O_PATH)
    try:
        with pytest.raises(OSError) as refused:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert refused.value.errno in module.NO_LOCKS
        assert module._taken(file, fd) is False
    finally:
        os.close(fd)


_ASKING = """
import sys
from pathlib import Path
from alliance_graph.unheld import unheld
for path, folder in ((sys.argv[1], False), (sys.argv[2], True)):
    with unheld(Path(path), folder=folder) as free:
        print(free)
"""


def test_on_a_file_system_without_flock_no_entry_is_unheld(tmp_path):
    file, folder = entries(tmp_path)
    done = without_flock(_ASKING, str(file), str(folder))
    assert (done.returncode, done.stdout, done.stderr) == (0, "False\nFalse\n", "")


_TAKING = """
import os, sys
from alliance_graph.unheld import take_flock
fd = os.open(sys.argv[1], os.O_RDONLY)
print(take_flock(fd), take_flock(fd, shared=True))
"""


def test_a_writer_takes_its_flock_or_goes_on_unheld_where_there_is_none(tmp_path):
    file, _ = entries(tmp_path)
    fd = os.open(file, os.O_RDONLY)
    try:
        assert module.take_flock(fd) is True
        with unheld(file) as free:  # what a cleanup then sees: held
            assert free is False
    finally:
        os.close(fd)
    done = without_flock(_TAKING, str(file))
    assert (done.returncode, done.stdout, done.stderr) == (0, "False False\n", "")
