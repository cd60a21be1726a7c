"""Read a source text as its quotes are compared with it: UTF-8, a part at a time, bounded.

One reading serves every command (``cite``, ``check``, ``validate``, ``coverage``, ``POST
/validate``), so each says alike why a file is no source text: no regular file, empty, too big
or not UTF-8, named with its size or the offset of its first bad byte.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from ..settings import MOST_SOURCE_BYTES
from ..utf16 import is_utf16
from .folder_names import not_there

# A file is read (decoded, hashed) this many bytes at a time.
READ = 1 << 20


class SourceNotText(ValueError):
    """A source file that is no text: not UTF-8 (said with the byte), empty, too big, or no
    regular file; ``why`` says which, without the file's name (None: ``opened``'s refusal)."""

    def __init__(self, message: str, why: str | None = None):
        super().__init__(message)
        self.why = why


def read_source(path: Path) -> str:
    """Return a source file's text, decoded as UTF-8 exactly as the quotes are compared.

    Raises SourceNotText, naming the file and why it is no text (``_read``): offsets count
    code points, which a text that does not decode has none of.
    """
    text, why = _read(path, keep=True)
    if why is not None:
        raise SourceNotText(f"{path}: {why}", why)
    return text


def _read(path: Path, keep: bool) -> tuple[str | None, str | None]:
    """Return ``path``'s text (when ``keep``, else None) and None, or None and why it is no
    source text.  Read whole, a 100 MB file that was not UTF-8 (a PDF, a database dump named
    as a source) took 14 s and 462 MB to be refused for its last byte; decoded a part at a
    time it is refused at its first bad byte, and its size is refused before a byte is read:
    a quote is checked against the whole text (an exact substring, its context and offsets
    compared in place), so a text that is kept is held whole, and its size is what bounds the
    memory.  An empty file holds no quote: "quote not found" left its user to find out why."""
    decoder, parts, at, first = codecs.getincrementaldecoder("utf-8")(), [], 0, None
    with opened(path) as f:
        if (size := os.fstat(f.fileno()).st_size) > MOST_SOURCE_BYTES:
            return None, _too_big(size)
        while chunk := f.read(READ):
            first = chunk if first is None else first
            pending = decoder.getstate()[0]  # an unfinished character's bytes, held
            try:
                part = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                read = pending + chunk
                return None, _not_utf8(first, at - len(pending) + exc.start, read[exc.start])
            at += len(chunk)
            if at > MOST_SOURCE_BYTES:  # grown since its size was asked
                return None, _too_big(at)
            if keep:
                parts.append(part)
    if pending := decoder.getstate()[0]:  # the text ends inside a character
        return None, _not_utf8(first, at - len(pending), pending[0])
    if at == 0:
        return None, "an empty file, which holds no quote"
    return ("".join(parts) if keep else None), None


def _too_big(size: int) -> str:
    """Return what to say of a file of ``size`` bytes, past the most a source text may be."""
    return f"a file of {size:,} bytes, more than the {MOST_SOURCE_BYTES:,} a source text may be"


def _not_utf8(head: bytes, at: int, byte: int) -> str:
    """Return what to say of a text, beginning with ``head``, whose byte ``byte`` at ``at``
    does not decode as UTF-8."""
    if is_utf16(head):  # its first byte said nothing of what it is: "byte 0, 0xff"
        return "not UTF-8 text (it is UTF-16 text, what Windows calls Unicode): save it as UTF-8"
    return f"not UTF-8 text (byte {at}, 0x{byte:02x}, does not decode)"


def opened(path: Path):
    """Return source file ``path`` opened, a pipe (whose read never ended) refused unread."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(mode := os.fstat(fd).st_mode):  # (a folder's fdopen: no name said)
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise SourceNotText(f"{path} is {what}: a source is a text file (*.txt)")
    return os.fdopen(fd, "rb")


def unreadable(path: Path) -> str | None:
    """Return why the source file at ``path`` cannot be read as a text (what ``read_source``
    refuses: no regular file, unreadable, empty, too big, not UTF-8), its text not kept; None
    if it can.  A name of the folder that is no file (a folder, a link to nothing) is said as
    what it is."""
    if (gone := not_there(path)) is not None:
        return gone
    try:
        return _read(path, keep=False)[1]
    except OSError as exc:
        return f"a file that cannot be read ({exc.strerror or exc})"
    except SourceNotText:  # (``opened``'s refusal, unread)
        return "a folder, not a text file" if path.is_dir() else "not a regular file"
