"""Keep the engine off the network: no socket can be opened once it is sandboxed.

The query checks refuse SERVICE, but they are a reading of the query; this is the floor under
them.  A seccomp filter (through libseccomp, via pyseccomp) makes ``socket(2)`` fail with EPERM,
for every address family, in this thread and every thread started after it, for the life of
the process; Oxigraph's SERVICE client, its DNS lookups and anything else then fail at their
first step.  Not the internet families alone: a name lookup goes to local daemons over Unix
sockets first (nscd, systemd-resolved's NSS module, avahi's for ``.local`` names), and they
ask the network on the engine's behalf.  The engine needs no socket of its own making: it
talks to the front over socket pairs it inherited, which stay open and usable.  Chosen over a
network namespace, which needs privileges (or unprivileged user namespaces, disabled on some
distributions) that a plain user often lacks, while any process may install a seccomp filter
on itself.
"""

from __future__ import annotations

import errno


def deny_network() -> str | None:
    """Forbid opening sockets from now on; return None, or why the filter could not be set.

    Call it before any thread starts (filters are inherited by threads created afterwards).
    """
    try:
        import pyseccomp as seccomp
    except ImportError as exc:  # pragma: no cover - a dependency of record
        return f"pyseccomp is not installed ({exc})"
    try:
        allow = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        allow.add_rule(seccomp.ERRNO(errno.EPERM), "socket")
        allow.load()
    except (OSError, RuntimeError, ValueError) as exc:
        return f"the seccomp filter could not be installed: {exc}"
    return None
