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
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..rdf import turtle_string
from ..wording import quoted

# How much context to take around a quote that is not unique on its own; grown until unique.
_CONTEXT_STEP = 16


# A local name the block can write after ev: and src: as it is: ASCII letters, digits, '_',
# '-' and '.', not opening with '-' or '.' nor ending with '.'.  A subset of Turtle's PN_LOCAL
# that needs no escapes, so that no name can end the prefixed name early and smuggle triples
# into the block (``x ; ag:rank ...``), and an empty one cannot leave a bare ``ev:``.
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
LOCAL_NAME_RULE = ("letters A-Z and a-z, digits, '_', '-' and '.', not starting with '-' or '.' "
                   "and not ending with '.'")


class QuoteNotFound(ValueError):
    """The quote is not a verbatim substring of the source text."""


class NotALocalName(ValueError):
    """A name the evidence block would write as a prefixed name (ev:NAME, src:FILE) is not one."""


class SourceNotText(ValueError):
    """A source file's bytes are not UTF-8 text; the message names the file and the byte."""


def evidence_name(file_name: str, exact: str) -> str:
    """Return a name for the evidence node citing ``exact`` in ``file_name``, as the shipped
    data names them: the source's number, then the quote's first words
    (``000-negev-u-s-radar``)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", exact)[:4]]
    return "-".join(re.findall(r"[A-Za-z0-9]+", file_name)[:1] + words) or "evidence"


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


def read_source(path: Path) -> str:
    """Return a source file's text, decoded as UTF-8 exactly as the quotes are compared.

    Raises SourceNotText, naming the file and the first byte that is not UTF-8, otherwise:
    offsets count code points, which a text that does not decode has none of.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceNotText(f"{path}: not UTF-8 text (byte {exc.start}, "
                            f"0x{data[exc.start]:02x}, does not decode)") from None


def source_names(folder: Path) -> set[str]:
    """Return the names of the files in the sources folder, as they are written there.

    A source is named exactly: on a file system that ignores case (macOS, Windows) asking
    for ``004_584D...txt`` finds ``004_584d...txt``, and a block citing the first named a
    source document the graph does not have.
    """
    try:
        return {entry.name for entry in os.scandir(folder) if entry.is_file()}
    except OSError:
        return set()


def case_twin(names: set[str], name: str) -> str | None:
    """Return the name among ``names`` that differs from ``name`` only in case (or in its
    Unicode form), if one does."""
    key = unicodedata.normalize("NFC", name).casefold()
    twins = sorted(n for n in names
                   if n != name and unicodedata.normalize("NFC", n).casefold() == key)
    return twins[0] if twins else None


def sha256_of(path: Path) -> str:
    """Return the lower-case hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    if prefix is not None or suffix is not None:
        for s in starts:
            e = s + len(exact)
            if (prefix is None or text[:s].endswith(prefix)) and (
                suffix is None or text[e:].startswith(suffix)
            ):
                return Location(s, e, prefix, suffix)
        raise QuoteNotFound(f"the quote occurs, but not with the given prefix/suffix: {exact[:80]!r}")
    if len(starts) == 1:
        return Location(starts[0], starts[0] + len(exact), None, None)
    start = starts[0]
    end = start + len(exact)
    width = _CONTEXT_STEP
    while True:
        pre, suf = text[max(0, start - width):start], text[end:end + width]
        matches = [s for s in starts
                   if text[:s].endswith(pre) and text[s + len(exact):].startswith(suf)]
        if len(matches) == 1 or (start - width <= 0 and end + width >= len(text)):
            return Location(start, end, pre, suf)
        width += _CONTEXT_STEP


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
