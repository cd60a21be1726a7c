"""The file a command writes as its user names it (``export -o``, ``load --nquads``): checked
before the graph is read, its failure said as what it is, and no temporary file of it left
behind by a signal ending the command (``ended_by_signals``); standard output written through
``Sink``; and the byte order mark ``--bom`` begins a CSV with (``byte_order_mark``)."""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import signal
import threading
from pathlib import Path
from xml.parsers import expat

from .. import atomic
from ..query.xml_check import XmlCheck
from ..settings import Settings
from .main import fail


def output_file(settings: Settings, output: str | None) -> Path | None:
    """Return the file ``export -o`` names, or None for standard output (``-``, or no -o);
    exit 2 for a name that would change the files the graph is built from (an empty one is
    refused as a usage error by its type, ``PathType``)."""
    if output is None or output == "-":
        return None
    file_name(output)
    folder = Path(output).parent
    if not folder.is_dir():  # said before the export is made, and as what it is
        fail(f"cannot write {output}: the folder {folder} does not exist" if not folder.exists()
             else f"cannot write {output}: {folder} is not a folder")
    return not_an_input(settings, Path(output), "-o")


def file_name(given: str) -> str:
    """Return ``given``; exit 2 for a name ending in a slash, a folder's: Path() drops the slash, so
    ``-o out/`` wrote a file named ``out`` where the user meant a folder."""
    if given.endswith(("/", os.sep)):
        fail(f"cannot write {given}: it names a folder (it ends in {given[-1]}); give a file "
             "name")
    return given


def not_an_input(settings: Settings, path: Path, option: str) -> Path:
    """Return ``path``, or exit 2 when writing it would change the graph's own input files
    (``export -o data/aid.ttl`` and ``load --nquads data/aid.ttl`` replaced one) or a file of
    the build cache; compared resolved, so ``..``, links and relative names count."""
    try:
        clash = input_clash(settings, path)
    except RuntimeError:  # Python 3.11's word for a link that leads back to itself
        fail(f"cannot write {path}: Too many levels of symbolic links")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    if clash:
        fail(f"{option} {path} {clash}: write to a file outside {settings.data_dir} and "
             f"{settings.ontology_dir}")
    cache = settings.cache_dir.resolve()
    if cache == path.resolve() or cache in path.resolve().parents:
        # ``load --nquads`` given the cache's own build-<hash>.nq wrote the store's document
        # over the build it was reading from: every later command read that as the build.
        fail(f"{option} {path} is in the build cache {settings.cache_dir}, whose files the "
             f"commands read as the graph: write to a file outside it")
    return path


def input_clash(settings: Settings, path: Path) -> str:
    """Return how writing ``path`` would change the build's inputs, the data and ontology
    *.ttl files ("" if it would not); compared resolved, so ``..`` and links count."""
    target = path.resolve()
    for source in settings.input_files():
        if source.resolve() == target:
            return f"would overwrite {source}, one of the files the graph is built from"
    folders = {settings.data_dir.resolve(), settings.ontology_dir.resolve()}
    if target.parent in folders and target.suffix == ".ttl":  # read by the next build
        return f"would add {target} to the files the graph is built from"
    return ""


def cannot_write(path: Path, exc: OSError) -> str:
    """Return why ``path`` could not be written (``exc``, raised naming it), for the user.

    A folder that exists may make no file: /proc and /sys, a FUSE or network mount, refuse
    one with "No such file or directory" (/proc) of a folder that is there, which was said
    as it came ("[Errno 2] No such file or directory: '/proc/nope.ttl'").  A symbolic link
    is written through to the file it names, whose folder may be missing."""
    folder = path.resolve().parent if path.is_symlink() else path.parent
    leads = f" (the symbolic link {path} leads there)" if path.is_symlink() else ""
    if not folder.is_dir():
        return f"cannot write {path}: the folder {folder} does not exist{leads}"
    if exc.errno == errno.ENOENT:
        return (f"cannot write {path}: no file can be made in the folder {folder}{leads}, "
                f"which exists (making one there says: {exc.strerror}); write to a file "
                "in another folder")
    return f"cannot write {path}: {exc.strerror or exc}"


@contextlib.contextmanager
def ended_by_signals():
    """While an output is written (``export -o``, ``load --nquads``), have SIGTERM (``kill``,
    ``timeout``, a service stopped) and SIGHUP (the terminal closed) remove its hidden
    temporary file, then end the process by the signal as before: it stayed beside the user's
    file, as large as the export had grown.  A signal ignored (``nohup``) stays ignored.  Only
    then: a Python handler runs once the main thread is back from the engine, and a `load`
    into a directory store is killed at once, as ever."""
    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    for number, handler in before.items():
        if handler is signal.SIG_DFL and threading.current_thread() is threading.main_thread():
            signal.signal(number, _end_by)
    try:
        yield
    finally:
        for number, handler in before.items():
            if handler is signal.SIG_DFL and signal.getsignal(number) is _end_by:
                signal.signal(number, handler)


def _end_by(number, frame) -> None:
    atomic.discard_unfinished()
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)


class Uncarried(Exception):
    """The answer holds what its format cannot carry: in XML a control character or an IRI
    with no element name (Oxigraph writes them all the same, as XML no parser reads), in
    JSON-LD an RDF 1.2 triple term."""


class Sink(io.RawIOBase):
    """A binary stream in front of another that remembers why a write to it failed: Oxigraph
    reports it as an error of the query's, which a closed pipe (`| head`) is not.  In ``xml``
    a carriage return is written ``&#13;``, as the endpoint writes it (``readable_xml``), and
    each piece is read as an XML parser reads it before it is written (``XmlCheck``; RDF/XML's
    element ``names`` too): the endpoint refuses XML no parser reads (406), and the command
    wrote it and exited 0.  ``end`` ends what was written
    with a line end (CRLF in ``csv``) unless it ends with a line feed already.  ``first``
    comes before the first bytes written (``byte_order_mark``), none if nothing is."""

    def __init__(self, stream, xml: bool = False, csv: bool = False, names: bool = True,
                 first: bytes = b""):
        self.stream, self.failed, self.last, self.first = stream, None, b"\n", first
        self.line_end = b"\r\n" if csv else b"\n"
        self.parser = XmlCheck(names) if xml else None
        if xml:  # imported here: query.answer is the endpoint's, no command's help needs it
            from ..query.answer import xml_kept
            self.kept = xml_kept

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.failed is not None:  # Oxigraph may write again what a failed write held
            raise self.failed
        size, data = len(data), bytes(data)
        if self.parser is not None:
            data = self.kept(data)
            self._read(data, False)
        data, self.first = self.first + data, b""
        try:
            self.stream.write(data)
            self.last = data[-1:] or self.last
            return size
        except OSError as exc:
            self.failed = exc
            raise

    def _read(self, data: bytes, last: bool) -> None:
        try:
            self.parser.feed(data, last)
        except expat.ExpatError as exc:
            self.failed = Uncarried(f"it holds a character or an IRI XML cannot carry (the XML "
                                 f"written would be {exc})")
            raise self.failed from None

    def end(self) -> None:
        """Check that the XML written is whole, once the answer is written, and end its last
        line: Oxigraph's JSON, XML, JSON-LD and RDF/XML, and its CSV and TSV of an ASK
        (``true``), end with none, and the shell's prompt came on that line.  Nothing written
        (a graph of no triples) stays nothing."""
        if self.parser is not None:
            self._read(b"", True)
            self.parser = None  # the line end comes after the document, not in it
        if self.last != b"\n":
            self.write(self.line_end)


def byte_order_mark(asked: bool, fmt: str, formats: tuple[str, ...]) -> bytes:
    """Return the UTF-8 byte order mark ``--bom`` asked for (Excel on Windows reads a CSV file
    without one in the system's code page: "David’s Sling" as "Davidâ€™s Sling"), else b"";
    exit 2 where ``fmt`` is none of ``formats``, the CSV and TSV ones it applies to."""
    if asked and fmt not in formats:
        fail(f"--bom applies to {' and '.join(f'--format {f}' for f in formats)}, not to "
             f"--format {fmt}")
    return codecs.BOM_UTF8 if asked else b""


# Excel on Windows reads a CSV file without a byte order mark in the system's code page.
BOM_HELP = ("Begin a {} with a UTF-8 byte order mark, which Excel on Windows needs to "
            "read its text as UTF-8 (not by default: Python's csv module reading UTF-8, for "
            "one, takes the mark for part of the first column's name).")
