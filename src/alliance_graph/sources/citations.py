"""Find quotes in source texts, and write the evidence node that cites one.

A quote is cited as a Web Annotation TextQuoteSelector (the verbatim text, with a prefix and
suffix only when the text alone occurs more than once) plus a TextPositionSelector whose
start/end are character offsets into the decoded text, as the Web Annotation model counts them
(code points, end exclusive).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..clipping import clipped, counted, cut
from ..namespaces import PREFIX_IRIS
from ..project_files import SHARED_SOURCES, where_sources_belong
from ..rdf import turtle_string
from ..wording import Said, quoted
from .folder_names import named_instead, source_names
from .reading import READ, SourceNotText, opened, read_source

# How much context to take around a quote that is not unique on its own; grown until unique.
_CONTEXT_STEP = 16


# A local name the block can write after ev: and src: as it is: ASCII letters, digits, '_',
# '-' and '.', not opening with '-' or '.' nor ending with '.'.  A subset of Turtle's PN_LOCAL
# that needs no escapes, so that no name can end the prefixed name early and smuggle triples
# into the block (``x ; ag:rank ...``), and an empty one cannot leave a bare ``ev:``.
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
LOCAL_NAME_RULE = ("letters A-Z and a-z, digits, '_', '-' and '.', not starting with '-' or '.' "
                   "and not ending with '.'")


class CiteError(ValueError):
    """A passage that cannot be cited as asked (``cite``); the message says what is wrong and
    what to give instead."""


class QuoteNotFound(CiteError):
    """The quote is not a verbatim substring of the source text."""


class NotALocalName(CiteError):
    """A name the evidence block would write as a prefixed name (ev:NAME, src:FILE) is not one."""


def evidence_name(file_name: str, exact: str) -> str:
    """Return a name for the evidence node citing ``exact`` in ``file_name``, as the shipped
    data names them: the source's number, then the quote's first words
    (``000-negev-u-s-radar``)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", exact)[:4]]
    return "-".join(re.findall(r"[A-Za-z0-9]+", file_name)[:1] + words) or "evidence"


_EVIDENCE = PREFIX_IRIS["ev"]


def _without_prefix(name: str) -> str | None:
    """Return the local name of ``name`` given with the evidence namespace (``ev:000-x``,
    ``<https://.../evidence/000-x>``), or None: ``--name ev:000-x`` was told only which
    characters a name may hold, with no word of the ``ev:`` the block itself writes."""
    for written in ("ev:", _EVIDENCE, f"<{_EVIDENCE}"):
        if name.startswith(written):
            local = name[len(written):].removesuffix(">" if written.startswith("<") else "")
            return local if is_local_name(local) else None
    return None


def is_local_name(name: str) -> bool:
    """Return whether ``name`` can be written after ``ev:`` or ``src:`` as it is."""
    return _LOCAL_NAME.fullmatch(name) is not None


@dataclass(frozen=True)
class Location:
    """Where a quote sits in a text: offsets and the context that makes it unique."""

    start: int
    end: int
    prefix: str | None
    suffix: str | None


def missing_sources(sources_dir: Path) -> Said:
    """Return what to say when the source texts are not at ``sources_dir``: where they belong,
    and the setting that points at them (``Settings.sources_dir``; the command line's option).
    A path that is there but no folder is said to be what it is: "no source texts at
    texts.txt" read as though the file were missing, where the setting named a file, not the
    folder holding it."""
    try:
        there = sources_dir.exists()
    except OSError:  # a name no file system holds (over 255 bytes): nothing is there
        there = False
    what = "is a file, not a folder" if there and sources_dir.is_file() else \
        "is not a folder" if there else ""
    if what:
        return Said(lambda n: f"the source texts' folder {sources_dir} {what}: point "
                              f"{n('settings.sources_dir')} at the folder that holds the "
                              f"texts (*.txt), {SHARED_SOURCES}")
    # Where they belong said by project_files: the installed package has no checkout.
    return Said(lambda n: f"no source texts at {sources_dir}: "
                          f"{where_sources_belong(sources_dir)}; point "
                          f"{n('settings.sources_dir')} at a copy of it")


def sha256_of(path: Path) -> str:
    """Return the lower-case hex SHA-256 of a file's bytes, read a part at a time.  Opened as
    a source is (``opened``): a file the folder listed, made a named pipe since, raises
    SourceNotText, where its open waited for a writer, and check or the server with it."""
    with opened(path) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _digest(path: Path) -> tuple[str, bool]:
    """Return ``sha256_of(path)`` and whether the file holds a CR LF, read a part at a time."""
    sha, crlf, last = hashlib.sha256(), False, b""
    with opened(path) as f:
        while chunk := f.read(READ):
            sha.update(chunk)
            crlf = crlf or b"\r\n" in chunk or (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    return sha.hexdigest(), crlf


def not_recorded(path: Path, recorded: str) -> str | None:
    """Return what to say of a source file whose SHA-256 is not ``recorded``, the graph's:
    offsets computed from it, or checked or counted against it, do not hold in the text the
    graph records.  A checkout that wrote the sources with Windows line ends (git's
    core.autocrlf) shifted every offset past the first line, and ``cite``, ``validate`` and
    ``coverage`` went on without a word.  None when it is that text (or cannot be read: the
    caller says so).  A digest written in capitals or with spaces is that text's still (the
    file was said to be edited): its form is its shape's finding, not the file's."""
    try:
        digest, crlf = _digest(path)
    except (OSError, SourceNotText):
        return None
    if digest == recorded.strip().lower():
        return None
    why = ("its lines end in CR LF (Windows line ends, as a checkout converting them writes: "
           "set git's core.autocrlf to false and check the file out again)") \
        if crlf else "it was edited, or is another copy"
    return f"{path.name} is not the text the graph records (its SHA-256 is not {recorded}): {why}"


def offsets(start, end) -> tuple[int, int] | None:
    """Return a position selector's (start, end), from its terms as a query binds them; None
    when it has none or they are no integers: the build runs no shapes, and a data file's
    ``oa:start "abc"`` stopped coverage and the source's page with a traceback.  The quote
    is then placed by its text, as one without offsets is."""
    try:
        return None if start is None or end is None else (int(start.value), int(end.value))
    except ValueError:
        return None


def occurrences(text: str, exact: str) -> list[int]:
    """Return every start offset of ``exact`` in ``text`` (overlapping ones included)."""
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def locate(text: str, exact: str, prefix: str | None = None, suffix: str | None = None) -> Location:
    """Locate ``exact`` in ``text``, honouring a given prefix/suffix, and return its Location.

    Without prefix and suffix, a quote that occurs more than once gets the shortest context
    on both sides that makes it unique; with them, the first occurrence they match is taken.
    """
    if not exact:
        raise QuoteNotFound("the quote is empty")
    if exact.isspace():  # found between any two words, it cites none of them
        raise QuoteNotFound(f"the quote is only white space ({exact!r}): quote the words "
                            "that support the claim")
    starts = occurrences(text, exact)
    if not starts:
        raise QuoteNotFound(f"not a verbatim substring of the source: {exact[:80]!r}")
    # Contexts compared in place: text[:s] copied the text up to each occurrence (5 s, 1 MB).
    if prefix is not None or suffix is not None:
        for s in starts:
            e = s + len(exact)
            if (prefix is None or text.endswith(prefix, 0, s)) and (
                suffix is None or text.startswith(suffix, e)
            ):
                return Location(s, e, prefix, suffix)
        raise QuoteNotFound(f"the quote occurs, but not with the given prefix/suffix: {exact[:80]!r}")
    if len(starts) == 1:
        return Location(starts[0], starts[0] + len(exact), None, None)
    start, end = starts[0], starts[0] + len(exact)
    # The first occurrence, with the narrowest context (a multiple of the step on each side)
    # with which it occurs once, or the text's whole.  A context that settles it settles every
    # wider one, so the width is searched for by halves, each width asking whether the quote
    # with it occurs again (str.find, in linear time): widened a step at a time, comparing
    # every occurrence, a quote in a periodic text (23 characters 8,000 times) took a minute.
    def settles(steps: int) -> bool:
        at, width = max(0, start - steps * _CONTEXT_STEP), steps * _CONTEXT_STEP
        return text.find(text[at:end + width], at + 1) == -1

    low, high = 1, max(1, -(-max(start, len(text) - end) // _CONTEXT_STEP))  # high: the whole
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if settles(middle) else (middle + 1, high)
    width = low * _CONTEXT_STEP
    return Location(start, end, text[max(0, start - width):start], text[end:end + width])


def evidence_turtle(evidence_name: str, file_name: str, text: str, exact: str) -> str:
    """Return a Turtle block for an evidence node citing ``exact`` in the named source.

    Raises NotALocalName when ``evidence_name`` or ``file_name`` cannot be written as the
    local name of ev:/src: (see LOCAL_NAME_RULE): the block would not be the Turtle it looks.
    """
    if not is_local_name(evidence_name):
        raise NotALocalName(f"{evidence_name!r} is not a valid evidence name (ev:NAME): "
                            f"use only {LOCAL_NAME_RULE}")
    if not is_local_name(file_name):
        raise NotALocalName(f"{quoted(file_name)} cannot be cited as src:{file_name}: a source file "
                            f"name may use only {LOCAL_NAME_RULE}")
    loc = locate(text, exact)
    quote = [f"oa:exact {turtle_string(exact)}"]
    if loc.prefix is not None:
        quote.append(f"oa:prefix {turtle_string(loc.prefix)}")
    if loc.suffix is not None:
        quote.append(f"oa:suffix {turtle_string(loc.suffix)}")
    selector = " ;\n            ".join(quote)
    return (
        f"ev:{evidence_name} a ag:Evidence ;\n"
        f"    oa:hasSource src:{file_name} ;\n"
        f"    oa:hasSelector [ a oa:TextQuoteSelector ;\n"
        f"            {selector} ] ,\n"
        f"        [ a oa:TextPositionSelector ; oa:start {loc.start} ; oa:end {loc.end} ] .\n"
    )


def cite(sources_dir: Path, source: str, quote: str, name: str | None = None) -> str:
    """Return the Turtle evidence block citing ``quote`` in the file named ``source`` (a file
    of ``sources_dir``, named exactly, not a path), with its offsets, as node ``ev:NAME``
    (``name``; by default ``evidence_name``'s).

    Raises CiteError saying what is wrong in its reader's words (``wording.Said``: ``name='x'``
    to a library caller): a name that is no local name, no sources folder, a ``source`` that
    is a path or no file of the folder (a name differing only in case is named), a source that
    cannot be read as text; QuoteNotFound, a CiteError, for a quote the text does not hold,
    saying where it departs from the text.
    """
    sources_dir = Path(sources_dir)
    # The name is written into the block as it is: anything but a plain local name would
    # write Turtle that does not parse, or that says more than the one evidence node.
    if name is not None and not is_local_name(name):
        local = _without_prefix(name)
        if local is not None:  # ev:000-x, written as the block writes it, said to drop ev:
            given = "ev:" if name.startswith("ev:") else "the evidence namespace"
            raise NotALocalName(Said(lambda n: f"{n('name', name)} is not a valid evidence "
                                               f"name: give the name alone, "
                                               f"{n('name', local)}, without {given} (the "
                                               f"block writes ev:{local})"))
        raise NotALocalName(Said(lambda n: f"{n('name', name)} is not a valid evidence name: "
                                           f"use only {LOCAL_NAME_RULE}"))
    if not _is_folder(sources_dir):
        raise CiteError(missing_sources(sources_dir))
    # Only a file of the folder is a source: a path would read (and cite) any file at all.
    names = source_names(sources_dir)
    if "/" in source or "\\" in source or source in ("", ".", ".."):
        # (A source's IRI copied from Turtle, <https://.../source/NAME>, ends with its '>'.)
        base = source.replace("\\", "/").rpartition("/")[2].removesuffix(">")
        meant = f": did you mean {quoted(base)}?" if base in names else ""
        # Echoed bounded, as every message says a value (100 KB pasted was said whole).
        raise CiteError(Said(lambda n: f"{n('source', cut(source))}{counted(source)} is not a "
                                       f"file name: give the name of a file in {sources_dir}, "
                                       f"without a folder{meant}"))
    if source not in names:
        # There, but no file (a named pipe, a folder): "no source file" sent its user looking
        # for one that was in the folder's listing.
        if os.path.lexists(sources_dir / source):
            raise CiteError(f"{sources_dir / source} is not a regular file: a source is a "
                            "text file (*.txt)")
        # Given the other way round (the quote first): "no source file 'Negev U.S. Radar
        # Base'" left its user to see that the quote was taken for the file.
        swapped = f": the quote, {quoted(quote)}, is a source file's name: give the source " \
            "first, then the quote" if quote.strip() in names else ""
        raise CiteError(f"no source file {clipped(source, show=quoted)} in {sources_dir}"
                        + (swapped or named_instead(names, source)))
    path = sources_dir / source
    try:
        text = read_source(path)
    except SourceNotText as exc:
        raise CiteError(str(exc)) from None
    except OSError as exc:  # unreadable, or gone since the folder was listed
        raise CiteError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return evidence_turtle(evidence_name(source, quote) if name is None else name,
                               source, text, quote)
    except QuoteNotFound as exc:
        # Where it departs from the text, as validate says it: a curly apostrophe, an en
        # dash, a line break typed as a space look alike.
        from .departure import departure  # imported here: departure imports this module
        where = departure(text, quote) + _typed_escapes(text, quote)
        raise QuoteNotFound(f"{source}: {exc}" + (f"; {where[:-2]}" if where else "")) \
            from None


# What a quote copied across a line break is typed with in a shell's quotes: \n stays a
# backslash and an n, and the quote was told only "'\n' ... where the quote has 'n'".
_ESCAPES = {"\\n": "\n", "\\t": "\t", "\\r": "\r"}


def _typed_escapes(text: str, quote: str) -> str:
    """Return "...; " saying that ``quote`` writes a line break or tab as its escape, two
    characters a shell passes as typed, where the text holds it there ("" otherwise)."""
    meant = quote
    for typed, character in _ESCAPES.items():
        meant = meant.replace(typed, character)
    if meant == quote or meant not in text:
        return ""
    return ("the quote writes a line break or tab as a backslash and a letter (\\n, \\t), which "
            "a shell passes as typed: give the character itself (in bash, $'...\\n...'); ")


def _is_folder(path: Path) -> bool:
    """Return whether ``path`` is a folder; False for a name no file system holds (over 255
    bytes), where ``is_dir`` raised."""
    try:
        return path.is_dir()
    except OSError:
        return False
