"""The triples a Turtle text writes, each with the line its object is written on, read from the
text's tokens (``turtle_tokens``) as the statements nest: a subject, its ``;`` and ``,`` lists,
``[ ... ]`` and ``( ... )`` inside them, prefixes and a base as they are declared.

Placing a finding on a triple by searching the lines after its property for the value's text
found ``"3.8"`` in ``"3.8 billion"`` a line above it, missed a value written on the line after
a ``,``, and took an inner ``[ ... ]``'s value for its parent's.  Not a parser: the file was
parsed before; a triple this reading cannot name (its subject a ``[ ... ]``, a list's member,
an RDF 1.2 triple term, after which it stops) is left to the searches of ``lines.py``.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import urljoin

from rdflib.namespace import RDF

from . import turtle_tokens as turtle

_TYPE = str(RDF.type)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
# The subject of a list's members: named nowhere (a "[ ... ]" is named by where its "[" is).
_UNNAMED = ("unnamed",)
# A statement's final dot, touching its last term or alone (a local name ends in a dot only
# escaped).
_END = re.compile(r"(?<!\\)\.$")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?")
# The datatypes a store keeps by value, not as written: Oxigraph gives "+7", "1e3", ".5",
# "1"^^xsd:boolean back as "7", "1000", "0.5", "true" (rdflib has forms of its own).
_DECIMALS = {_XSD + name for name in (
    "decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte")}
_FLOATS = {_XSD + "double", _XSD + "float"}
# What a gap between two tokens says: a ";" or a ","; a comment's text is none of it.
_SEPARATOR = re.compile(r"#[^\n]*|([;,])")


class Statements(NamedTuple):
    """What ``statement_lines`` reads of a text."""

    objects: dict[tuple, int]  # (subject, predicate, object) -> the line its object is on
    subjects: dict[tuple, list[int]]  # a named subject -> the lines of its statements
    brackets: list[tuple]  # each [ ... ], in order
    children: dict[tuple, list[tuple]]  # (subject, predicate) -> the [ ... ] it opens
    parents: dict[tuple, tuple]  # a [ ... ] -> the (subject, predicate) opening it
    # (predicate, object) -> the [ ... ] writing it (a number or boolean by its value too)
    written: dict[tuple, set[tuple]]

    def bracket_after(self, line: int, column: int) -> tuple | None:
        """Return the first ``[ ... ]`` opening at or after ``column`` of ``line``."""
        at = bisect.bisect_left(self.brackets, ("[", line, column))
        return self.brackets[at] if at < len(self.brackets) else None


def statement_lines(text: str) -> Statements:
    """Return, for each triple ``text`` writes of a subject named or written ``[ ... ]``, the
    1-based line its object is first written on; each named subject's statements' lines, in
    order; the ``[ ... ]`` in order, and those each subject and predicate open, in order.  A
    subject or object is ``("iri", IRI)`` (prefixed names and relative IRIs
    resolved, escapes undone), ``("_", label)`` for ``_:label``, ``("[", line, column)`` for
    a ``[ ... ]`` by where its "[" is (1-based line, 0-based column), or an object
    ``("literal", value)``, and ``("literal", value, datatype or "@" and its language)``; a
    predicate is its IRI."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    prefixes: dict[str, str] = {}
    base: str | None = None
    found: dict[tuple, int] = {}
    opened: dict[tuple, list[int]] = {}
    brackets: list[tuple] = []
    children: dict[tuple, list[tuple]] = {}
    parents: dict[tuple, tuple] = {}
    written: dict[tuple, set[tuple]] = {}
    # Each frame: [subject, predicate, what comes next: "s", "p", "o" or "," (a separator)]
    stack: list[list] = [[None, None, "s"]]
    directive: list[str] = []  # the keyword and tokens of a declaration being read
    typed = False  # a "^^" of its own just read: the datatype's name comes next
    # A string object and its line, until its language or datatype is read: (subject,
    # predicate, value, line)
    pending: tuple | None = None
    end = 0
    # Each term token's key, made once while the prefixes and base stay as they are: one
    # string and tuple for every writing of a name (a 14.6 MB file's keys, each made anew,
    # were ~250 MB and 4 s).
    terms: dict[tuple, object] = {}

    def term_of(kind: str, token: str, place: str):
        if kind == "string":  # (mostly written once: kept, each would be held twice)
            return _term(kind, token, prefixes, base, place)
        key = (kind, token, place)
        if key not in terms:
            terms[key] = _term(kind, token, prefixes, base, place)
        return terms[key]

    for at, kind, token in turtle.tokens(text, brackets=True):
        suffix = typed or (kind == "name" and token[:1] in ("@", "^") and stack[-1][2] == ",")
        if pending is not None and not suffix:  # a plain string
            _typed(found, written, pending, _STRING)
            pending = None
        for m in _SEPARATOR.finditer(text, end, at):
            if m.group(1):
                stack[-1][2] = "p" if m.group(1) == ";" else "o"
        end = at + len(token)
        frame = stack[-1]
        if kind == "punct" and token in turtle.RDF12:
            break  # a triple term: what follows is left to the searches
        if directive:
            directive.append(token)
            if kind == "iri":
                iri = _iri(token, base)
                if directive[0].endswith("base"):
                    base = iri
                elif len(directive) == 3:
                    prefixes[directive[1].removesuffix(":")] = iri
                directive = []
                terms.clear()  # what a name stands for from here on
            continue
        if kind == "name" and frame[2] == "s" and len(stack) == 1 \
                and token.lower() in ("@prefix", "prefix", "@base", "base"):
            directive = [token.lower()]
            continue
        if kind == "bracket":
            if token == "[":
                line = bisect.bisect_left(newlines, at) + 1
                brackets.append(("[", line, at - newlines[line - 2] - 1 if line > 1 else at))
                if frame[2] in ("o", ",") and frame[0] is not _UNNAMED and frame[1]:
                    children.setdefault((frame[0], frame[1]), []).append(brackets[-1])
                    parents[brackets[-1]] = (frame[0], frame[1])
                _taken(frame, brackets[-1])
                stack.append([brackets[-1], None, "p"])
            elif len(stack) > 1:
                stack.pop()
            continue
        if token in ("(", ")"):
            if token == "(":
                _taken(frame, _UNNAMED)
                stack.append([_UNNAMED, None, "o"])
            elif len(stack) > 1:
                stack.pop()
            continue
        if suffix:  # a literal's language or datatype: no term of a triple
            if pending is not None and token != "^^":
                written_as = "@" + token[1:].rstrip(".").lower() if token[0] == "@" else \
                    term_of(kind, token.removeprefix("^^"), "p")
                _typed(found, written, pending, written_as)
                pending = None
            typed = token == "^^"
        elif frame[2] == "p":
            frame[1] = _TYPE if token == "a" else term_of(kind, token, "p")
            frame[2] = "o"
        elif frame[2] in ("s", "o"):
            term = term_of(kind, token, frame[2])
            if frame[2] == "s" and term is not None:
                opened.setdefault(term, []).append(bisect.bisect_left(newlines, at) + 1)
            if frame[2] == "o" and frame[0] is not _UNNAMED and None not in (frame[0], frame[1],
                                                                             term):
                line = bisect.bisect_left(newlines, at) + 1
                found.setdefault((frame[0], frame[1], term), line)
                if kind == "string":
                    pending = (frame[0], frame[1], term[1], line)
                elif term[0] == "literal":  # a number or a boolean: its datatype by its form
                    _typed(found, written, (frame[0], frame[1], term[1], line),
                           _form_type(term[1]))
                if frame[0][0] == "[":
                    written.setdefault((frame[1], term), set()).add(frame[0])
            _taken(frame, term)
        if kind == "name" and _END.search(token) and len(stack) == 1:
            stack[0] = [None, None, "s"]
    if pending is not None:
        _typed(found, written, pending, _STRING)
    return Statements(found, opened, brackets, children, parents, written)


def _typed(found: dict, written: dict, literal: tuple, datatype: str | None) -> None:
    """Record (subject, predicate, value, line) ``literal`` by its datatype (or "@" and its
    language) too: ``ag:acronym "BF"^^xsd:token`` below ``ag:acronym "BF"`` is its own; and a
    number or boolean by its value, as a ``[ ... ]`` writing it too (``+7``, which a store
    gives back as ``7``, was found in none, and its node compared with every other)."""
    subject, predicate, value, line = literal
    if datatype is not None:
        found.setdefault((subject, predicate, ("literal", value, datatype)), line)
        by_value = value_key(value, datatype)
        if by_value is not None:
            found.setdefault((subject, predicate, by_value), line)
            if subject[0] == "[":
                written.setdefault((predicate, by_value), set()).add(subject)


def value_key(lexical: str, datatype: str) -> tuple | None:
    """Return the key of a number or boolean by its value (None for another literal, or one
    not of its datatype): the store gives it back in a form of its own, and a finding on
    ``ag:x 1e3`` (``"1000"``) written below the subject's first line was placed there."""
    written = lexical.strip()  # (XML Schema's whitespace facet: collapsed)
    if datatype == _XSD + "boolean":
        value = {"true": True, "1": True, "false": False, "0": False}.get(written)
    elif datatype in _FLOATS and written in ("INF", "+INF", "-INF"):
        value = float(written)
    elif datatype in _FLOATS | _DECIMALS and _NUMBER.fullmatch(written):
        value = float(written) if datatype in _FLOATS else Decimal(written)
    else:  # another datatype, or no number (Python's own would take "1_000", "NaN")
        value = None
    return None if value is None else ("value", datatype, value)


def _form_type(written: str) -> str:
    """Return the datatype of a number or boolean written bare."""
    if written in ("true", "false"):
        return _XSD + "boolean"
    if "e" in written.lower():
        return _XSD + "double"
    return _XSD + ("decimal" if "." in written else "integer")


def _taken(frame: list, term) -> None:
    """Move ``frame`` past the subject or object ``term`` it has just been given."""
    if frame[2] == "s":
        frame[0], frame[2] = term, "p"
    elif frame[0] is not _UNNAMED or frame[1] is not None:  # a list's members go on
        frame[2] = ","


def _iri(token: str, base: str | None) -> str:
    iri = turtle.forms("iri", token)[-1][1:-1]
    return urljoin(base, iri) if base else iri


def _term(kind: str, token: str, prefixes: dict[str, str], base: str | None, place: str):
    """Return the key of a term token (None for one this reading cannot name)."""
    if kind == "iri":
        return _iri(token, base) if place == "p" else ("iri", _iri(token, base))
    if kind == "string":
        return ("literal", turtle.string_value(token))
    names = turtle.forms(kind, token)
    if not names:
        return None
    name = names[-1]
    if name.startswith("_:"):
        return ("_", name[2:])
    if place == "o" and (name in ("true", "false") or _NUMBER.fullmatch(name)):
        return ("literal", name)
    prefix, colon, local = name.partition(":")
    if not colon or prefix not in prefixes:
        return None
    iri = prefixes[prefix] + local
    return iri if place == "p" else ("iri", iri)
