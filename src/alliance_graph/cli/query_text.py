"""What ``alliance-graph query`` is given: a query file, ``-`` (standard input), a catalogue
name, or the query's text; read as UTF-8, and said plainly when it is none of them."""

from __future__ import annotations

import difflib
import os
import re
import stat
import sys
from pathlib import Path

import click

from ..build.hints import encoding_hint
from ..build.lines import line_number
from ..clipping import clipped
from ..lexer import tokenize
from ..query.bounds import DEFAULT_BOUNDS, too_long
from ..settings import Settings
from ..utf16 import utf16_said
from ..wording import Said, no_names
from .main import EXIT_NO, fail

# The most bytes of a query file or standard input read: more than any query the bounds let
# through (``query.bounds``), with a byte-order mark, so that a query past them is still
# refused as before; read whole, a file of 300 MB took 640 MB before it was.
_MOST = DEFAULT_BOUNDS.max_bytes + 3


def _within(data: bytes, what: str) -> bytes:
    """Return ``data`` (``_MOST + 1`` bytes at most), or exit 1 when it has more than
    ``_MOST``: the query is past the bounds ``query.results.run`` would refuse it for, said
    as it says it (the limit alone: no option of `query` sets it)."""
    if len(data) > _MOST:
        refusal = too_long(what, None, DEFAULT_BOUNDS.max_bytes)
        fail(Said(lambda n: f"query failed: {refusal}"), EXIT_NO)
    return data


def _mode(path: Path) -> int | None:
    """Return the mode of what ``path`` names (links followed), or None where it names nothing
    a query could be read from: no such path, or a name no file can have (too long for the
    file system, holding a NUL byte)."""
    try:
        return path.stat().st_mode
    except (OSError, ValueError):
        return None


def _is_file(path: Path) -> bool:
    mode = _mode(path)
    return mode is not None and stat.S_ISREG(mode)


def _readable(path: Path) -> bool:
    """Return whether ``path`` names something a query may be read from: a file, or what is
    not a folder, such as a pipe (``query <(...)``'s ``/dev/fd/63``, ``/dev/stdin``)."""
    mode = _mode(path)
    return mode is not None and not stat.S_ISDIR(mode)


def _is_folder(path: Path) -> bool:
    mode = _mode(path)
    return mode is not None and stat.S_ISDIR(mode)


# What a path that is no regular file names, by its mode's file type, for a message.
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe (FIFO)",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket"}


def _catalogue_file(path: Path) -> None:
    """Exit 2 when a catalogue name's ``queries/NAME.rq`` is there but is no regular file: a
    named query is a file of the project.  A named pipe there was read until it ended (for
    good when nothing wrote to it), and a folder was "no query named 'x'; did you mean x?"."""
    mode = _mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        fail(f"{path} is {_KINDS.get(stat.S_IFMT(mode), 'no regular file')}, not a file: a "
             "named query is a .rq text file in the catalogue: put one there in its place (a "
             "query is read from a pipe given as a path: query FILE)")
    if mode is None and os.path.islink(path):  # (False for a name too long to have)
        # A link to nothing, or a loop of links: "no query named 'x'; did you mean x?".
        why = "gone"
        try:
            path.stat()
        except OSError as exc:
            why = exc.strerror
        fail(f"{path} is a link to {clipped(os.readlink(path), show=repr)}, which leads to no "
             f"file ({why}): a named query is a .rq text file in the catalogue: mend the link, "
             "or put the file there in its place")


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    """Say why ``data`` is no query text: UTF-16 (what Windows' PowerShell writes with ``>``,
    told by its byte-order mark), else the line of the first byte that is not UTF-8, as the
    build says a data file's (``build.hints.encoding_hint``): "(byte 29)", counted from the
    file's start, left the user to find it, and the Latin-1 character it is unnamed."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "is UTF-16 text: save it as UTF-8"
    body = error.object  # past a byte order mark, which utf-8-sig read
    return (f"is not valid UTF-8 text at line {line_number(body, error.start)}"
            + encoding_hint(body, error.start))


def _no_text(data: bytes, binary: str = "a binary file") -> str | None:
    """Say why ``data``, holding a NUL byte, is no query text (None when it holds none): UTF-16
    with no byte-order mark (Latin script saved as "Unicode"), else a binary file, by the line
    of its first NUL.  Both were read on as SPARQL: "query failed: syntax error ... '\\x00'
    (U+0000) starts no SPARQL token here", exit 1, or, past the NUL, an executable's first byte
    that is not UTF-8 told as Windows-1252 text ("save it as UTF-8")."""
    if b"\x00" not in data:
        return None
    if utf16 := utf16_said(data):
        return utf16.removesuffix(" (Turtle is UTF-8)")
    line = line_number(data, data.index(b"\x00"))
    return f"is {binary}, not a SPARQL query (a NUL byte at line {line})"


def _some(text: str, what: str) -> str:
    """Return ``text``, or exit 2 when it holds no query (nothing, white space, comments), as
    for an empty argument: an empty file was "query failed: error at 1:1: expected [_] (the
    query is empty ...)", exit 1, naming no file."""
    if not tokenize(text, 1):
        kind = "is empty" if not text else "holds only white space" if not text.strip() \
            else "holds no query, only comments"
        fail(f"{what} {kind}: write a SELECT, ASK, CONSTRUCT or DESCRIBE query in it")
    return text


def _not_rdf(path: Path) -> None:
    """Exit 2 for a file its extension says is RDF data (``data/aid.ttl``): it was parsed as
    SPARQL, and refused as a query of too many triple patterns, or for a word at its line."""
    from ..query.export import FORMATS, formats_named_by
    from ..query.results import GRAPH_FORMATS
    syntax = [GRAPH_FORMATS[f].oxigraph.name for f in formats_named_by(str(path)) if f in FORMATS]
    if syntax:
        fail(f"{path} is RDF data ({syntax[0]}), not a SPARQL query: give the query's text, a "
             ".rq file or a catalogue name (the graph is built from data/ and ontology/; "
             f"`alliance-graph validate {path}` checks the facts a proposal holds)")


# A catalogue name: one word of letters, digits, "-" and "_" (a query has at least braces).
_NAME = re.compile(r"[A-Za-z0-9_-]+")
# One word holding nothing a query without a space needs (``ASK{}``, ``DESCRIBE<x>``,
# ``DESCRIBE?x``, ``DESCRIBE*``): a folder, or a path when it has a folder or an extension.
_WORD = re.compile(r"[^\s{}<>?$*]+")
_PATH = re.compile(r".*(/|\\|\.[A-Za-z0-9]+$).*")


def _no_query_file(word: str) -> None:
    """Exit 2 for a query argument that is a path naming no file."""
    if _PATH.fullmatch(word):
        beside = f"{word}.rq"
        fail(f"no query file {clipped(word)}" + (f"; did you mean {beside}?"
                                                 if _is_file(Path(beside)) else ""))


# The most catalogue names a message lists (the shipped catalogue has 55): a folder of 20,000
# queries made a message of 166 KB.
_MOST_NAMES = 100


def _listed(names: list[str]) -> str:
    """Return ``names`` as a message lists them, at most ``_MOST_NAMES``, then how many more."""
    more = len(names) - _MOST_NAMES
    return ", ".join(names[:_MOST_NAMES]) + (f" and {more:,} more" if more > 0 else "")


def read_query(settings: Settings, query_or_file: str) -> str:
    """Return query text from an argument that is a file, ``-``, a catalogue name, or a query.

    An argument is a query unless it names an existing file (or catalogue entry), whatever its
    length: a long inline query is never taken for a file name.
    """
    if query_or_file == "-":
        if sys.stdin is None:
            fail("standard input is closed: give the query as text or a file")
        if sys.stdin.isatty():  # else `query -` typed at a prompt waited, without a word
            click.echo("reading the query from the terminal: end it with Ctrl-D", err=True)
        try:
            # Bytes, decoded here: the text layer made bytes that are not UTF-8 surrogates,
            # which failed later with a traceback.  utf-8-sig: a byte-order mark, which some
            # editors write, is not the query's.
            stream = getattr(sys.stdin, "buffer", None)
            data = _within(stream.read(_MOST + 1), "the query on standard input") \
                if stream else None
            if stream and (why := _no_text(data, "binary data")):
                fail(f"the query on standard input {why}")
            text = data.decode("utf-8-sig") if stream else sys.stdin.read(_MOST + 1)
            return _some(text.removeprefix("\ufeff"), "the query on standard input")
        except UnicodeDecodeError as exc:
            fail(f"the query on standard input {_not_utf8(data, exc)}")
    # A catalogue name is a file's name in queries/, not a path (queries/ / "/x/q" is "/x/q").
    named = [] if re.search(r"[/\\]", query_or_file) else \
        [settings.queries_dir / f"{query_or_file}.rq"]
    # Not only a file: a pipe too, which "no query file /dev/fd/63" said did not exist.
    for candidate in [Path(query_or_file), *named]:
        if candidate in named:
            _catalogue_file(candidate)
        if _readable(candidate):
            _not_rdf(candidate)
            try:
                with candidate.open("rb") as file:
                    data = _within(file.read(_MOST + 1), f"the query file {candidate}")
                if why := _no_text(data):
                    fail(f"cannot read the query file {candidate}: it {why}")
                text = data.decode("utf-8-sig")
            except OSError as exc:
                fail(f"cannot read the query file {candidate}: {exc}")
            except UnicodeDecodeError as exc:
                fail(f"cannot read the query file {candidate}: it {_not_utf8(data, exc)}")
            return _some(text, f"the query file {candidate}")
    # A folder, once no catalogue name (a folder "aid-amounts" here still runs the catalogue's):
    # "dir.rq" was "no query file dir.rq", and "my queries" was parsed ("expected CONSTRUCT").
    if _is_folder(Path(query_or_file)):
        fail(f"{query_or_file} is a folder: give a query file (.rq) in it, a catalogue name, "
             "or the query's text")
    if query_or_file.endswith(".rq"):  # meant as a file, not a query that would fail to parse
        # A catalogue file named from elsewhere ("aid-amounts.rq" outside the checkout).
        catalogued = settings.queries_dir / Path(query_or_file).name
        fail(f"no query file {clipped(query_or_file)}" + (
            f"; the catalogue's is {catalogued}, run by its name: query {catalogued.stem}"
            if _is_file(catalogued) else ""))
    # A word pasted with a space or a line's end around it ("aid-amounts ") is the same slip:
    # it was parsed as SPARQL ("expected CONSTRUCT", of no name).
    word = query_or_file.strip()
    if _WORD.fullmatch(word):  # a path, which no query is: "expected CONSTRUCT"
        _no_query_file(word)
    if _NAME.fullmatch(word):
        # One word, which no query is: a catalogue name mistyped, not SPARQL to parse
        # ("expected CONSTRUCT" at 1:10 said nothing of the name).
        names = sorted(p.stem for p in settings.queries_dir.glob("*.rq"))
        # Compared in lower case: AID-AMOUNTS is as close to aid-amounts as a name can be.
        lower = {name.lower(): name for name in names}
        close = [word] if word in names else \
            [lower[n] for n in difflib.get_close_matches(word.lower(), lower, n=3)]
        if not settings.queries_dir.is_dir():  # it read as a folder there without queries
            fail(f"no query named {clipped(query_or_file, show=repr)}: the project has no catalogue of named "
                 f"queries ({settings.queries_dir} does not exist); give the query's text or "
                 "a .rq file")
        fail(f"no query named {clipped(query_or_file, show=repr)} in {settings.queries_dir}"
             + (f"; did you mean {', '.join(close)}?" if close else
                f"; the named queries are: {_listed(names)}" if names else ""))
    try:
        query_or_file.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8 arrive as lone surrogates
        fail("the query is not valid UTF-8 text")
    no_names(query_or_file)  # noted as every argument is (main's parse_args): a text, not a name
    return query_or_file

