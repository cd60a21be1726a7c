"""A catalogue file read: its text, or the catalogue's one error, whose one-line message names
the file (and the line where one is known): ``catalogue.py`` reads the queries, the manifest
and the reviewed answers through it, ``catalogue_lock.py`` says through it that another update
holds the folder, and the endpoint reads its examples with it."""

from __future__ import annotations

from pathlib import Path


class CatalogueError(ValueError):
    """The catalogue is malformed or unreadable: a query without a title or that fails, a
    manifest entry without a file, a file that does not parse; the message says which file."""


def read_text(path: Path, most: int = -1) -> str:
    """Return a catalogue file's text, or raise CatalogueError naming the file (and line), or
    its size past ``most`` bytes, once ``most`` + 1 are read (an example grown since its stat).

    A byte-order mark, as some editors begin a UTF-8 file with, is no part of it: a query
    saved so was refused as not starting with its '# Title' line (which it did), a reviewed
    answer as no JSON, though the query command reads the same file as the query it is.
    What is no regular file is refused unread: a named pipe there was waited on for good (by
    ``catalogue``, and by ``serve`` reading its examples before it listened)."""
    try:
        regular(path)
        with path.open("rb") as file:
            data = file.read(most + 1 if most >= 0 else -1)
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > most >= 0:
        raise CatalogueError(f"{path}: over {most:,} bytes")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CatalogueError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None


def regular(path: Path) -> None:
    """Raise CatalogueError for a catalogue file that is there but is no regular file."""
    if path.exists() and not path.is_file():
        raise CatalogueError(f"{path}: is not a regular file: a catalogue file is a text "
                             f"file; move it out of {path.parent}")
