"""Real processes for the tests of the cleanups that remove what no process holds (flock): one
holding a file or folder (``held_by_another_process``), and one running Python code whose
every ``flock`` the kernel answers ENOLCK (``without_flock``), as a file system without flock
does (some network and FUSE ones): a seccomp filter installed before the code runs, so the
code under test is the real one, only the system call's answer differs.
No such file system can be mounted here (a FUSE one needs libfuse, an NFS one a server).
Linux on x86-64 only (the filter names the system call by its number there); elsewhere a test
using it is skipped."""

from __future__ import annotations

import contextlib
import platform
import subprocess
import sys
from pathlib import Path

import pytest

# The filter, in classic BPF: on x86-64, flock (system call 73) returns ENOLCK; every other
# call, and every call of another architecture, is let through.
_PREAMBLE = """
import ctypes, errno, struct
libc = ctypes.CDLL(None, use_errno=True)
LD_ABS, JEQ, RET = 0x20, 0x15, 0x06
AUDIT_ARCH_X86_64, FLOCK = 0xC000003E, 73
ALLOW, ERRNO = 0x7FFF0000, 0x00050000
program = [(LD_ABS, 0, 0, 4), (JEQ, 0, 3, AUDIT_ARCH_X86_64), (LD_ABS, 0, 0, 0),
           (JEQ, 0, 1, FLOCK), (RET, 0, 0, ERRNO | errno.ENOLCK), (RET, 0, 0, ALLOW)]
code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in program))
fprog = struct.pack("HxxxxxxQ", len(program), ctypes.addressof(code))
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) or libc.prctl(
        PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0):
    raise SystemExit(f"seccomp: {errno.errorcode[ctypes.get_errno()]}")
import fcntl, os
try:
    fcntl.flock(os.open("/", os.O_RDONLY), fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError as exc:
    assert exc.errno == errno.ENOLCK, exc
else:
    raise SystemExit("seccomp: flock was not refused")
"""


# A process holding the file or folder argv[1] names (flock) until its standard input ends.
_HOLDING = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def held_by_another_process(path: Path):
    """Hold ``path`` (flock) in a child process for the block."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDING, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
        holder.stdout.close()


def without_flock(code: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``code`` (``sys.argv[1:]`` are ``args``) where flock answers ENOLCK; skip the test
    where the filter cannot be installed."""
    if sys.platform != "linux" or platform.machine() != "x86_64":
        pytest.skip("the seccomp filter is written for Linux on x86-64")
    done = subprocess.run([sys.executable, "-c", _PREAMBLE + code, *args],
                          capture_output=True, text=True, timeout=120)
    if done.returncode and done.stderr.startswith("seccomp:"):
        pytest.skip(done.stderr.strip())
    return done
