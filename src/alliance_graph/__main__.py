"""The ``alliance-graph`` command's entry (its console script) and ``python -m alliance_graph``.

Kept apart from ``cli/`` so that it runs before the command line's modules are imported.
"""

from __future__ import annotations

import io
import sys

from .wording import STREAM  # light: no RDF library is imported for it


class _Stdout(io.FileIO):
    """Standard output's file, whose failed writes say whose they were (``STREAM``): the OS
    names no file for a write to a descriptor, so `export > /dev/full` was "a file or folder
    could not be used: [Errno 28] No space left on device", said like a full cache folder."""

    def write(self, data):
        try:
            return super().write(data)
        except OSError as exc:
            setattr(exc, STREAM, "standard output")
            raise


def _own_stdout(stdout):
    """Return ``stdout`` written through ``_Stdout``, buffered and configured as it was;
    ``stdout`` itself when it is no descriptor's (closed, ``>&-``: None)."""
    buffer = getattr(stdout, "buffer", None)
    try:
        fd = stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return stdout
    stdout.flush()
    raw = _Stdout(fd, "wb", closefd=False)
    # PYTHONUNBUFFERED (python -u) gives standard output no buffer: its text goes out at once.
    return io.TextIOWrapper(raw if isinstance(buffer, io.FileIO) else io.BufferedWriter(raw),
                            encoding=stdout.encoding, errors=stdout.errors,
                            line_buffering=stdout.line_buffering,
                            write_through=getattr(stdout, "write_through", False))


def run() -> None:
    """Run the command line, with three things settled before anything else.

    - Output that cannot fail on a file's name: a name that is not UTF-8 is held by Python
      as lone surrogates, which a UTF-8 locale's strict stream refused (a traceback in the
      middle of a report); each such byte is written as ``wording.shown`` writes it,
      ``bad\\xff.ttl``, on both streams, where standard error wrote "bad\\udcff.ttl" and
      standard output the raw byte, which a terminal shows as a replacement character.  Nor
      on a console of another encoding (latin-1, cp437): a character it cannot carry (the
      sources' en dashes and curly quotes, Hebrew) is written as its escape (``\u2013``),
      where the first one stopped the command on a traceback.
    - A failed write to standard output (full, or gone) saying so (``_Stdout``).
    - Ctrl-C while the modules load (about the first tenth of a second) ends the command as
      it does later, "interrupted" and exit 130, not with a traceback.
    """
    from .wording import SHOWN

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=SHOWN)
    sys.stdout = _own_stdout(sys.stdout)
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
