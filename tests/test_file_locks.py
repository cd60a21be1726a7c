"""file_locks: a byte of a file or the whole file locked, as the kernel keeps the lock per open
file, taken at once or waited for within a deadline."""

from __future__ import annotations

import fcntl
import os
import time

import pytest

from alliance_graph.build import file_locks


@pytest.fixture
def two_opens(tmp_path):
    path = tmp_path / "lock"
    path.write_bytes(b"")
    fds = [os.open(path, os.O_RDWR) for _ in range(2)]
    yield fds
    for fd in fds:
        os.close(fd)


@pytest.mark.skipif(not file_locks.OFD, reason="open-file-description locks are Linux's")
def test_a_byte_held_alone_keeps_out_another_open_of_the_file_not_another_byte(two_opens):
    first, second = two_opens
    assert file_locks.take(first, fcntl.F_WRLCK, 0) is True
    assert file_locks.take(second, fcntl.F_RDLCK, 0) is False
    assert file_locks.take(second, fcntl.F_WRLCK, 1) is True
    assert file_locks.take(first, fcntl.F_UNLCK, 0) is True
    assert file_locks.take(second, fcntl.F_RDLCK, 0) is True


def test_a_wait_past_its_deadline_says_it_waits_and_gives_up(two_opens):
    first, second = two_opens
    said = []
    assert file_locks.flocked(first, fcntl.LOCK_EX, None, lambda: said.append(1))
    assert not said
    gave_up = file_locks.flocked(second, fcntl.LOCK_SH, time.monotonic() + 0.05,
                                 lambda: said.append(1))
    assert gave_up is False and said
    fcntl.flock(first, fcntl.LOCK_UN)
    assert file_locks.flocked(second, fcntl.LOCK_SH, time.monotonic() + 0.05, lambda: None)
