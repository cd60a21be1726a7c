"""Find the line of a file on which a node, a triple or a piece of text is written, for reports.

Parsers do not keep line numbers per triple, so the line is found in the text: the first line
that starts with the node's name (a subject block, as the files are laid out), otherwise the
first line that mentions it.  Names are tried as written: full ``<IRI>`` or any ``prefix:local``
the file's own ``@prefix`` lines allow.  Every answer is remembered, so a report with thousands
of findings in one file reads each line once per name, not once per finding.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache

from rdflib.namespace import RDF

from ..rdf import turtle_string

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.M | re.I)
# How many lines after a property's line a literal value may be written on.
_VALUE_LINES = 20


def prefixes(text: str) -> dict[str, str]:
    """Return the prefixes a Turtle text declares ("" for the default one)."""
    return {p or "": ns for p, ns in _PREFIX.findall(text)}


def prefix_block_end(text: str) -> int:
    """Return the offset just past the line of the text's last prefix declaration (0: none)."""
    last = max((m.end() for m in _PREFIX.finditer(text)), default=0)
    return text.find("\n", last) + 1 if last else 0


def line_at(text: str, needle: str) -> int | None:
    """Return the 1-based line of the first occurrence of ``needle`` in ``text``, if any."""
    at = text.find(needle)
    return None if at == -1 else text.count("\n", 0, at) + 1


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


class StringLines:
    """Answer "on which line is this quoted string first written?" for many strings at once.

    The text's short string literals are indexed in one pass; a string the index misses (a
    long or single-quoted literal) is searched for in the text.
    """

    def __init__(self, text: str):
        self.text = text
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._first: dict[str, int] = {}
        for m in _STRING.finditer(text):
            self._first.setdefault(m.group(), m.start())

    def line(self, needle: str) -> int | None:
        """Return the 1-based line of the first occurrence of ``needle``, if any."""
        at = self._first.get(needle)
        if at is None:
            at = self.text.find(needle)
            if at == -1:
                return None
        return bisect.bisect_left(self._newlines, at) + 1


@lru_cache(maxsize=4096)
def _mention(forms: tuple[str, ...]) -> re.Pattern:
    """Return the pattern of a name, in any of its spellings, written as a term in a line.

    One pattern for all spellings, so a search stops at the first of them: searching for each
    in turn scanned a long line to its end for every spelling not on it."""
    spelled = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(^|[\s;\[])(?:{spelled})(?=[\s;,.\]]|$)")


# A term as the files write it: an <IRI> whole (it may hold "(", ")" and ","; cut at them,
# <http://e/a(b)> had no line), or a run of characters up to whitespace or punctuation.
_TERM = re.compile(r"<[^<>\s]*>|[^\s;,\[\]()<]+")
# A \u or \U escape, which an <IRI> may be written with.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _term_lines(text: str | None) -> tuple[dict, dict] | None:
    """Return, for a file's text, the line of the first subject block each term opens and the
    line each term first appears on: one pass over the text, so that finding thousands of
    nodes costs a lookup each instead of a search of the whole file each."""
    if text is None:
        return None
    newlines = [m.start() for m in re.finditer("\n", text)]
    starts: dict[str, int] = {}
    mentions: dict[str, int] = {}
    for m in _TERM.finditer(text):
        term = m.group().rstrip(".")  # a statement's final dot may touch its last term
        if not term:
            continue
        line = bisect.bisect_left(newlines, m.start()) + 1
        # An escaped <IRI> is found by the IRI it stands for too.
        spelled = [term] + ([_ESCAPE.sub(lambda e: chr(int(e.group(1) or e.group(2), 16)), term)]
                            if term[0] == "<" and "\\" in term else [])
        for form in spelled:
            mentions.setdefault(form, line)
            if m.start() == 0 or text[m.start() - 1] == "\n":
                starts.setdefault(form, line)
    return starts, mentions


class LineIndex:
    """Answer "on which line of which file is this node?" over the input texts.

    ``texts`` maps graph names to file texts, or is a function returning that mapping, called
    the first time a line is asked for (the streaming build reads the files only then).
    """

    def __init__(self, texts: dict[str, str] | Callable[[], dict[str, str]]):
        self._source = texts
        self._texts: dict[str, str] | None = None if callable(texts) else texts
        self._prefixes: dict[str, dict] = {}  # file -> namespace -> [(order, prefix)]
        self._lines: dict[str, list[str]] = {}
        self._found: dict[tuple, int | None] = {}
        # file -> (term -> line of the first block it opens, term -> line it first appears on)
        self._terms: dict[str, tuple[dict, dict] | None] = {}

    def texts(self) -> dict[str, str]:
        """Return the texts, reading them first if they were given as a function."""
        if self._texts is None:
            self._texts = self._source()
        return self._texts

    def lines(self, name: str) -> list[str]:
        """Return the lines of file ``name`` (empty when it is not known)."""
        if name not in self._lines:
            self._lines[name] = self.texts().get(name, "").splitlines()
        return self._lines[name]

    def spellings(self, name: str, iri: str) -> list[str]:
        """Return the ways a file may write ``iri``: ``<iri>`` and its prefixed names, in the
        order the file declares the prefixes."""
        if name not in self._prefixes:
            by_ns: dict[str, list[tuple[int, str]]] = {}
            for order, (prefix, ns) in enumerate(_PREFIX.findall(self.texts().get(name, ""))):
                if ns:
                    by_ns.setdefault(ns, []).append((order, prefix))  # "" is the default
            self._prefixes[name] = by_ns
        by_ns = self._prefixes[name]
        # A local name cannot hold an unescaped "/" or "#": no file writes it that way, so only
        # namespaces ending at or after the last of them can spell this IRI.
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        found = sorted((order, prefix, k) for k in range(max(cut, 1), len(iri))
                       for order, prefix in by_ns.get(iri[:k], ()))
        return [f"<{iri}>"] + [f"{prefix}:{iri[k:]}" for _, prefix, k in found]

    def line_of(self, name: str, iri: str) -> int | None:
        """Return the 1-based line in file ``name`` where ``iri`` is described, if found."""
        if name not in self._terms:
            self._terms[name] = _term_lines(self.texts().get(name))
        index = self._terms[name]
        if index is None:
            return None
        starts, mentions = index
        forms = self.spellings(name, iri)
        for table in (starts, mentions):
            for form in forms:
                if form in table:
                    return table[form]
        return None

    def property_line(self, name: str, start: int, predicate: str) -> int:
        """Return the line of ``predicate`` in the subject block that opens on line ``start``
        (``start`` itself when the block does not write it)."""
        return self.property_position(name, start, 0, predicate)[0]

    def property_position(self, name: str, line: int, column: int,
                          predicate: str) -> tuple[int, int]:
        """Return (line, column just past it) of the first ``predicate`` written at or after
        ``column`` of ``line`` within that subject block; (line, column) when there is none.

        A nested blank node's own properties follow the predicate that opens it, so they are
        searched for from there, not from the start of the line."""
        key = ("property", name, line, column, predicate)
        if key not in self._found:
            self._found[key] = self._property_position(name, line, column, predicate)
        return self._found[key]

    def _property_position(self, name: str, start: int, column: int,
                           predicate: str) -> tuple[int, int]:
        lines = self.lines(name)
        forms = ["a"] if predicate == str(RDF.type) else self.spellings(name, predicate)
        pattern = _mention(tuple(forms))
        for i in range(start - 1, len(lines)):
            if i > start - 1 and lines[i][:1] not in ("", " ", "\t"):
                break  # the next subject block
            m = pattern.search(lines[i], column if i == start - 1 else 0)
            if m:
                return i + 1, m.end()
        return start, column

    def value_line(self, name: str, line: int, value: str) -> int:
        """Return the line at or just after ``line`` where a literal ``value`` is written."""
        needle = turtle_string(value)[1:-1]
        lines = self.lines(name)
        for i in range(line - 1, min(len(lines), line + _VALUE_LINES)):
            if needle in lines[i]:
                return i + 1
        return line

    def locate(self, iri: str, prefer: str | None = None) -> tuple[str | None, int | None]:
        """Return (file, line) where ``iri`` is described, trying file ``prefer`` first."""
        texts = self.texts()
        names = ([prefer] if prefer in texts else []) + list(texts)
        for name in names:
            line = self.line_of(name, iri)
            if line is not None:
                return name, line
        return prefer, None
