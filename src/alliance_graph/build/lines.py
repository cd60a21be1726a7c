"""Find the line of a file on which a node, a triple or a piece of text is written, for reports.

Parsers do not keep line numbers per triple, so the line is found in the text: of the first
statement the node is the subject of (``statements.py``; a line starting with its name was
taken for one, an indented block was not), else the first line that writes it (no comment,
string nor declaration does).  Names are tried as written: full ``<IRI>`` or any ``prefix:local``
the file's own ``@prefix`` lines allow, escapes undone (``id:No\\~Sea``, an IRI's ``\\u``); a
term the syntax writes without naming it is found there (``rdf:first`` at a list's ``(``,
``rdf:type`` at ``a``, ``rdf:reifies`` at ``<<``, ``{|`` or ``~``).  Every answer is
remembered, so a report with thousands of findings in one file reads each line once per name,
not once per finding.  A triple's value is found by the file's statements (``statements.py``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from urllib.parse import urljoin

from rdflib.namespace import RDF

from ..rdf import turtle_string
from . import turtle_tokens as turtle
from .predicates import predicate_end
from .statements import Statements, statement_lines

# A declaration opens a line, one ended by a carriage return alone too (``BREAK``).
_PREFIX = re.compile(r"(?:^|(?<=\r))\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>",
                     re.M | re.I)
# How many lines after a property's line a literal value may be written on.
_VALUE_LINES = 20


def prefix_block_end(text: str) -> int:
    """Return the offset just past the line of the text's last prefix declaration (0: none)."""
    last = max((m.end() for m in _PREFIX.finditer(text)), default=0)
    return text.find("\n", last) + 1 if last else 0


# Where a line ends: at a line feed, a carriage return, or the two together, as Turtle and the
# parser's own positions read it.  Counting line feeds alone put every finding of a file whose
# lines end in a carriage return (an old Mac editor's) on line 1, where its syntax errors had
# their lines.
BREAK = re.compile(r"\r\n?|\n")
_BYTE_BREAK = re.compile(rb"\r\n?|\n")


def line_number(text: str | bytes, at: int) -> int:
    """Return the 1-based line of offset ``at`` of a text (or of its bytes)."""
    breaks = _BYTE_BREAK if isinstance(text, bytes) else BREAK
    return sum(1 for _ in breaks.finditer(text, 0, at)) + 1


def line_numbers(text: str, offsets) -> list[int]:
    """Return the 1-based line of each of ``offsets`` of a text, its line breaks counted once."""
    breaks = [m.start() for m in BREAK.finditer(text)]
    return [bisect.bisect_left(breaks, at) + 1 for at in offsets]


def column_number(text: str | bytes, at: int) -> int:
    """Return the 1-based column of offset ``at`` on its line (of a text, or of its bytes)."""
    breaks = _BYTE_BREAK if isinstance(text, bytes) else BREAK
    return at - max((m.end() for m in breaks.finditer(text, 0, at)), default=0) + 1


def triple_term_line(text: str) -> int | None:
    """Return the line of the first RDF 1.2 reification or triple term a Turtle text writes
    (``<<``, ``<<(``, an annotation ``{|``, a reifier ``~``), if any."""
    for at, kind, token in turtle.tokens(text):
        if kind == "punct" and token in turtle.RDF12:
            return line_number(text, at)
    return None


def tag_line(text: str, tag: str) -> int | None:
    """Return the line of the first literal a Turtle text writes with language ``tag``
    (``@en--rtl``, in any case, as the parser reads a tag), if any: a search of the text found
    it in a comment or a string first, and missed ``@EN--rtl``."""
    after_string, tag = False, tag.lower()
    for at, kind, token in turtle.tokens(text):
        if after_string and kind == "name" and re.sub(r"\.+$", "", token).lower() == tag:
            return line_number(text, at)
        after_string = kind == "string"
    return None


def _term_lines(text: str | None, declarations: list[tuple]) -> tuple[dict, dict] | None:
    """Return, for a file's text, the line each term first appears on and the line each term
    the syntax writes without naming it (``turtle_tokens.IMPLIED``) first appears on: one
    pass over the text, so that finding thousands of nodes costs a lookup each instead of a
    search of the whole file each.  ``declarations`` are the text's
    (``turtle_tokens.declarations``)."""
    if text is None:
        return None
    newlines = [m.start() for m in re.finditer("\n", text)]
    mentions: dict[str, int] = {}
    implied: dict[str, int] = {}
    opened: int | None = None  # the line of a "(" not yet known to open an empty list
    # Where each @base takes effect, and the base it sets: an <IRI> written relative to it is
    # found by the IRI the parser read too.
    bases = [(at, read) for at, _, prefix, _, read in declarations if prefix is None]
    # A declaration's prefix and IRI name no node ("@prefix b: <.../id/B>" writes no id:B).
    declaring = {at: 1 if prefix is None else 2 for at, _, prefix, _, _ in declarations}
    skip = 0
    for at, kind, token in turtle.tokens(text):
        if at in declaring or skip:
            skip = declaring[at] if at in declaring else skip - 1
            continue
        line = bisect.bisect_left(newlines, at) + 1
        names = turtle.forms(kind, token) if kind not in ("punct", "string") else []
        if kind == "iri" and bases and bases[0][0] < at:
            base = bases[bisect.bisect_left(bases, (at,)) - 1][1]
            names += [f"<{urljoin(base, form[1:-1])}>" for form in names]
        if opened is not None:
            for iri in turtle.IMPLIED["()" if token == ")" else "("]:
                implied.setdefault(iri, opened)
            opened = None
        if token == "(":
            opened = line
        elif kind == "punct" or token == "a":
            for iri in turtle.IMPLIED.get(token, ()):
                implied.setdefault(iri, line)
        elif kind != "string":
            for form in names:
                mentions.setdefault(form, line)
    return mentions, implied


def _line_feeds(texts: dict[str, str]) -> dict[str, str]:
    """Return ``texts`` with each line ended by a line feed, as the lines are counted here: a
    file whose lines end in a carriage return alone (Turtle ends a line at either) was one line
    to the searches, so no node of it was found, and its shapes' findings, placed by their
    node, went to no file and out of its report."""
    return {name: text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
            for name, text in texts.items()}


class LineIndex:
    """Answer "on which line of which file is this node?" over the input texts.

    ``texts`` maps graph names to file texts, or is a function returning that mapping, called
    the first time a line is asked for (the streaming build reads the files only then).
    ``read`` returns the text of a file ``texts`` lacks (None: none), called the first time a
    line of that file is asked for: ``validate`` against the prebuilt graph reads no data file,
    but names the line of a value one holds (``proposals/second_value.py``).
    """

    def __init__(self, texts: dict[str, str] | Callable[[], dict[str, str]],
                 read: Callable[[str], str | None] | None = None):
        self._source, self._read, self._tried = texts, read, set()
        self._texts: dict[str, str] | None = None if callable(texts) else _line_feeds(texts)
        self._prefixes: dict[str, dict] = {}  # file -> namespace -> [(order, prefix)]
        self._declarations: dict[str, list[tuple]] = {}
        self._lines: dict[str, list[str]] = {}
        self._found: dict[tuple, int | None] = {}
        # file -> (term -> line of the first block it opens, term -> line it first appears on)
        self._terms: dict[str, tuple[dict, dict] | None] = {}
        # file -> ((line, column of its "[") of each [ ... ] subject, the subjects by the
        # names they write)
        self._blanks: dict[str, tuple[list[tuple[int, int]], dict[str, set[int]]]] = {}
        self._statements: dict[str, Statements] = {}  # file -> its statements, as read

    def texts(self) -> dict[str, str]:
        """Return the texts, reading them first if they were given as a function."""
        if self._texts is None:
            self._texts = _line_feeds(self._source())
        return self._texts

    def text(self, name: str) -> str | None:
        """Return the text of file ``name``, read by ``read`` once if ``texts`` lacks it."""
        texts = self.texts()
        if name not in texts and self._read is not None and name not in self._tried:
            self._tried.add(name)
            read = self._read(name)
            if read is not None:
                texts.update(_line_feeds({name: read}))
        return texts.get(name)

    def lines(self, name: str) -> list[str]:
        """Return the lines of file ``name`` (empty when it is not known), split at line feeds
        alone as Turtle and the counts here split them (``str.splitlines`` split a text at a
        U+2028, a form feed or a U+0085 pasted into a string too, and each line after was one
        off)."""
        if name not in self._lines:
            text = self.text(name) or ""
            self._lines[name] = text.removesuffix("\n").split("\n") if text else []
        return self._lines[name]

    def spellings(self, name: str, iri: str) -> list[str]:
        """Return the ways a file may write ``iri``: ``<iri>`` and its prefixed names (escapes
        undone), in the order the file declares the prefixes, those that must escape a "/" or
        "#" last."""
        if name not in self._prefixes:
            by_ns: dict[str, list[tuple[int, str]]] = {}
            declared = [(prefix, read) for _, _, prefix, _, read in self.declarations(name)
                        if prefix is not None]
            for order, (prefix, ns) in enumerate(declared):
                if ns:
                    by_ns.setdefault(ns, []).append((order, prefix))  # "" is the default
            self._prefixes[name] = by_ns
        found = []
        for ns, declared in self._prefixes[name].items():
            if len(iri) > len(ns) and iri.startswith(ns):
                local = iri[len(ns):]
                # A local name holds a "/" or "#" only escaped (id:claim\/A), a rarer spelling
                # (looked for by str's own search: a character at a time, 0.12-0.25 s a call
                # for 5 MB).
                found += [("/" in local or "#" in local, order, prefix, local)
                          for order, prefix in declared]
        return [f"<{iri}>"] + [f"{prefix}:{local}" for _, _, prefix, local in sorted(found)]

    def line_of(self, name: str, iri: str) -> int | None:
        """Return the 1-based line in file ``name`` where ``iri`` is described, if found."""
        if name not in self._terms:
            self._terms[name] = _term_lines(self.text(name), self.declarations(name))
        index = self._terms[name]
        if index is None:
            return None
        opened = self.statements(name).subjects.get(("iri", iri))
        if opened:  # the first statement it is the subject of, however indented
            return opened[0]
        mentions, implied = index
        forms = self.spellings(name, iri)
        # Otherwise where it is first written: by a name, or by the syntax (rdf:first by a
        # list's "(").
        found = [mentions[form] for form in forms if form in mentions]
        if iri in implied:
            found.append(implied[iri])
        return min(found, default=None)

    def declarations(self, name: str) -> list[tuple]:
        """Return file ``name``'s prefix and base declarations (``turtle_tokens``), read once:
        the names' spellings, the terms' lines and the prefix slips each read them, three
        passes over every token of a file for its first few lines."""
        if name not in self._declarations:
            self._declarations[name] = list(turtle.declarations(self.text(name) or ""))
        return self._declarations[name]

    def statements(self, name: str) -> Statements:
        """Return the statements of file ``name`` as ``statements.py`` reads them, read once."""
        if name not in self._statements:
            self._statements[name] = statement_lines(self.text(name) or "")
        return self._statements[name]

    def block_lines(self, name: str, iri: str) -> list[int]:
        """Return the lines of the subject blocks ``iri`` opens in file ``name`` after the
        one ``line_of`` gives, in order: a node written in several statements."""
        if self.line_of(name, iri) is None:
            return []
        opened = self.statements(name).subjects.get(("iri", iri), [])
        return sorted(set(opened) - set(opened[:1]))

    def blank_subject(self, name: str, iris: list[str]) -> tuple[int, int] | None:
        """Return (line, column of its "[") of the first statement of file ``name`` whose
        subject is a ``[ ... ]`` writing the predicates and objects ``iris``, else of the first
        writing most of the rarest of them; None when the file opens no statement so.

        The parser gives such a node a name written nowhere, and no triple points at it: a
        top-level ``[ a ag:Claim ; ... ] .``'s findings had no line.  The statements are
        indexed by the names they write, so that placing thousands of them costs a lookup
        each, not a pass over all of them."""
        if name not in self._blanks:
            text = self.text(name) or ""
            found = list(turtle.blank_subjects(text))
            at = [a for a, _ in found]
            by_form: dict[str, set[int]] = {}
            for k, (_, written) in enumerate(found):
                for kind, token in written:
                    for form in turtle.forms(kind, token):
                        by_form.setdefault(form, set()).add(k)
            # (the texts here end their lines in line feeds: _line_feeds)
            self._blanks[name] = (list(zip(line_numbers(text, at),
                                           (a - text.rfind("\n", 0, a) - 1 for a in at))),
                                  by_form)
        places, by_form = self._blanks[name]
        if not places:
            return None
        sets = []
        for iri in set(iris):
            present = [by_form[f] for f in self._forms(name, iri) if f in by_form]
            if present:  # (a set of the index itself where it can be: no copy, never changed)
                sets.append(present[0] if len(present) == 1 else set().union(*present))
        kept = None
        for candidates in sorted(sets, key=len):  # the rarest first; one that would leave
            both = candidates if kept is None else kept & candidates  # none is passed over
            if both:
                kept = both
        return places[min(kept) if kept else 0]

    def _forms(self, name: str, iri: str) -> list[str]:
        """Return the spellings of ``iri`` in file ``name``, ``a`` too for rdf:type."""
        key = ("forms", name, iri)
        if key not in self._found:
            self._found[key] = self.spellings(name, iri) + (["a"] if iri == str(RDF.type) else [])
        return self._found[key]

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
        forms = ("a",) if predicate == str(RDF.type) else tuple(self.spellings(name, predicate))
        for i in range(start - 1, len(lines)):
            if i > start - 1 and lines[i][:1] not in ("", " ", "\t"):
                break  # the next subject block
            end = predicate_end(lines[i], column if i == start - 1 else 0, forms)
            if end is not None:
                return i + 1, end
        return start, column

    def value_line(self, name: str, line: int, value: str) -> int:
        """Return the line at or just after ``line`` where a literal ``value`` is written.

        The lines after ``line`` are searched first: ``line`` is the answer whether it holds
        the value or none does, so it is searched only when a later line does.  Searched
        first, a line of 2 MB holding a file's every statement was scanned again for each
        finding on it (5,000 findings: 4 s)."""
        needle = turtle_string(value)[1:-1]
        lines = self.lines(name)
        later = next((i for i in range(line, min(len(lines), line + _VALUE_LINES))
                      if needle in lines[i]), None)
        return line if later is None or needle in lines[line - 1] else later + 1

    def locate(self, iri: str, prefer: str | None = None) -> tuple[str | None, int | None]:
        """Return (file, line) where ``iri`` is described, trying file ``prefer`` first."""
        texts = self.texts()
        names = ([prefer] if prefer in texts else []) + list(texts)
        for name in names:
            line = self.line_of(name, iri)
            if line is not None:
                return name, line
        return prefer, None
