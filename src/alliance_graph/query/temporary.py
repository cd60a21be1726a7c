"""The export's temporary files, whose failures are said as theirs, not the output file's.

``export`` sorts the graph's lines in runs spilled to temporary files and holds RDF/XML in one
before writing it, in the temporary folder (``TMPDIR``, else the system's).  When that folder
was full, the OSError came out of Oxigraph's writer as a new OSError naming no file, and
``atomic.write_output`` named the output file in it (the graph viewers' formats sort too,
``network_read``): ``export -o /big/disk/graph.ttl`` said
"cannot write /big/disk/graph.ttl: No space left on device", sending the user to free a disk
that had room.  Here an OSError of a temporary file becomes ``SpillFailed``, which is no
OSError, so Oxigraph's writers and ``write_output`` pass it on as it is, for the export to say.
"""

from __future__ import annotations

import contextlib
import tempfile

from ..store.sorted_lines import LineSorter


class SpillFailed(Exception):
    """A temporary file of the export could not be made, written or read (``cause``)."""

    def __init__(self, cause: OSError):
        super().__init__(str(cause))
        self.cause = cause

    def said(self) -> str:
        """Return what failed, and where, for the user."""
        why = self.cause.strerror or str(self.cause)
        return (f"the temporary folder {tempfile.gettempdir()} could not hold the export's "
                f"temporary files ({why}): free space there, or point TMPDIR at a folder "
                "with room (an export holds about the graph's N-Triples size there)")


class Temporary:
    """A binary file in front of a temporary one (``file``: one to write, a sort's runs), its
    OSErrors raised as SpillFailed.  No io class: closing one (as the garbage collector does
    an io object) would flush a file already closed, or close a sort still read."""

    def __init__(self, file):
        self.file = file

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def write(self, data) -> int:
        try:
            return self.file.write(data)
        except OSError as exc:
            raise SpillFailed(exc) from exc

    def read(self, size: int = -1) -> bytes:
        try:
            return self.file.read(size)
        except OSError as exc:
            raise SpillFailed(exc) from exc

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def flush(self) -> None:
        flush = getattr(self.file, "flush", None)
        if flush is not None:
            try:
                flush()
            except OSError as exc:
                raise SpillFailed(exc) from exc


class Sorter(LineSorter):
    """A LineSorter whose runs' files failing is SpillFailed: the graph viewers' formats sort
    with one, fed by Python rather than by Oxigraph's writers, so that an OSError of the
    store's answers read within ``add`` stays the store's."""

    def _write_run(self) -> None:
        try:
            super()._write_run()
        except OSError as exc:
            raise SpillFailed(exc) from exc

    def _merge(self, files, runs):
        try:
            return spilled(super()._merge(files, runs))
        except OSError as exc:  # a run's file that does not open
            raise SpillFailed(exc) from exc


def spilled(lines):
    """Yield the sorted ``lines``, read back from the runs' files: an OSError as SpillFailed."""
    try:
        yield from lines
    except OSError as exc:
        raise SpillFailed(exc) from exc


@contextlib.contextmanager
def held_file():
    """Yield a new temporary file to hold an answer in, as a ``Temporary``; removed after."""
    try:
        file = tempfile.TemporaryFile()
    except OSError as exc:
        raise SpillFailed(exc) from exc
    with file:
        yield Temporary(file)
