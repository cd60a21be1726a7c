"""Turtle text split into the tokens finding a term's line needs (``lines.py``): comments
passed over, strings, ``<IRI>``s, the punctuation that writes a term without naming it, and
every other run of characters; the names a term token stands for, and the value a string
token writes.  Not a parser: the files were parsed before anything looks for a line.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from rdflib.namespace import RDF

# Turtle's tokens, as far as finding terms needs them: comments (passed over), strings (what
# they hold is no term: "see id:A" is not where id:A is written), an <IRI> whole (it may hold
# "(", ")" and ","; cut at them, <http://e/a(b)> had no line), the punctuation that writes a
# term without naming it, and any other run of characters: a prefixed name with its
# backslash escapes (cut at an escaped ",", claim:A\,b had no line), a keyword, a number.
# Strings and names are runs between escapes, each run taken whole (possessive): repeating one
# character at a time cost Python's matcher about 120 bytes a character, 580 MB for a 4.9 MB note.
_TOKEN = re.compile(r"""
    (?P<comment> \#[^\n]* )
  | (?P<string> "{3}(?:[^"\\]++|\\.|"(?!""))*+"{3} | '{3}(?:[^'\\]++|\\.|'(?!''))*+'{3}
      | "[^"\\\n]*+(?:\\.[^"\\\n]*+)*+" | '[^'\\\n]*+(?:\\.[^'\\\n]*+)*+' )
  | (?P<iri> <[^<>\s]*> )
  | (?P<punct> <<\(? | \{\| | [~()] )
  | (?P<bracket> [\[\]] )
  | (?P<name> (?:[^\s;,\[\](){}<>"'\#~|\\]++|\\.)++ )
""", re.X)
# A \u or \U escape, which an <IRI> may be written with.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# RDF 1.2's reification syntax: << s p o >>, the triple term <<( s p o )>>, an annotation
# {| ... |}, a reifier ~ name.
RDF12 = ("<<", "<<(", "{|", "~")
# The terms a file writes with punctuation or a keyword rather than by name.
REIFIES = str(RDF) + "reifies"  # RDF 1.2's, which rdflib does not name
IMPLIED = {
    "a": [str(RDF.type)],
    "<<": [REIFIES], "{|": [REIFIES], "~": [REIFIES],
    "(": [str(RDF.first), str(RDF.rest), str(RDF.nil)],  # a list with members
    "()": [str(RDF.nil)],                                   # the empty list
}


def tokens(text: str, brackets: bool = False):
    """Yield (offset, kind, token) for the strings, terms and punctuation of a Turtle text in
    order, passing over comments (and a blank node's square brackets, unless asked for)."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "comment" and (brackets or m.lastgroup != "bracket"):
            yield m.start(), m.lastgroup, m.group()


# A statement's final dot, touching its last term or not (a local name ends in a dot only
# escaped).
_END = re.compile(r"(?<!\\)\.$")


def blank_subjects(text: str):
    """Yield (offset of its "[", the tokens after it) for each statement of a Turtle text whose
    subject is a blank node written ``[ ... ]``: the one node the parser names nowhere and no
    triple points at, so that only the text tells where it is."""
    depth, expect, directive = 0, True, 0  # expect: the next token opens a statement
    opened, written = None, []
    for at, kind, token in tokens(text, brackets=True):
        if directive:  # SPARQL's PREFIX p: <iri> and BASE <iri> end without a dot
            directive -= 1
            expect = directive == 0
            continue
        if expect and kind == "name" and token.lower() in ("prefix", "base"):
            directive = 2 if token.lower() == "prefix" else 1
            continue
        if kind == "bracket":
            if token == "[" and depth == 0 and expect:
                opened, written = at, []
            depth = depth + 1 if token == "[" else max(depth - 1, 0)
            expect = False
            continue
        if opened is not None:
            written.append((kind, token))
        expect = depth == 0 and kind == "name" and bool(_END.search(token))
        if expect and opened is not None:
            yield opened, written
            opened = None
    if opened is not None:
        yield opened, written


# A string's escapes: \uXXXX, \UXXXXXXXX and a character's.
_STRING_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_CHARACTERS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def string_value(token: str) -> str:
    """Return the value a Turtle string token writes: its quotes off, its escapes undone."""
    quotes = 3 if token[:3] in ('"""', "'''") else 1
    body = token[quotes:-quotes]
    if "\\" not in body:
        return body
    return _STRING_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16))
                              if m.group(3) is None else _CHARACTERS.get(m.group(3), m.group(3)),
                              body)


def forms(kind: str, token: str) -> list[str]:
    """Return the names a term token stands for: as written and with its escapes undone (an
    <IRI>'s \\u and \\U, a prefixed name's backslashes)."""
    if kind == "iri":
        if "\\" not in token:
            return [token]
        return [token, _ESCAPE.sub(lambda e: chr(int(e.group(1) or e.group(2), 16)), token)]
    # A statement's final dot may touch its last term (a local name ends in a dot only
    # escaped), and a literal's "^^" its datatype.
    token = re.sub(r"(?<!\\)\.+$", "", token.removeprefix("^^"))
    if "\\" not in token:
        return [token] if token else []
    return [token, re.sub(r"\\(.)", r"\1", token)]


def declarations(text: str):
    """Yield (offset, keyword, prefix or None for a base, IRI as written, as read) for each
    top-level ``@prefix``, ``PREFIX``, ``@base`` and ``BASE`` of Turtle ``text`` (a file the
    parser read), a relative IRI resolved against the base in effect.  Comments and strings are
    passed over (an "@prefix" line inside a long string is the string's), and so is a
    language tag (``"x"@prefix``)."""
    base, after = None, -1  # after: where the last string ended
    # Each keyword waits for the one (a base) or two (a prefix) tokens after it, read as they
    # come: the whole file's tokens listed first were held at once, about 100 bytes a token
    # (hundreds of MB for a big data file), for the few that follow a keyword.
    waiting: list[tuple[int, str, str, list]] = []
    for at, kind, token in tokens(text):
        if waiting:
            for _, _, _, rest in waiting:
                rest.append((kind, token))
            while waiting and len(waiting[0][3]) == (1 if waiting[0][2].endswith("base") else 2):
                opened, written, keyword, rest = waiting.pop(0)
                if keyword.endswith("base"):
                    if rest[0][0] == "iri":
                        base = urljoin(base, rest[0][1][1:-1]) if base else rest[0][1][1:-1]
                        yield opened, written, None, base, base
                elif rest[0][0] == "name" and rest[0][1].endswith(":") and rest[1][0] == "iri":
                    iri = rest[1][1][1:-1]
                    yield opened, written, rest[0][1][:-1], iri, (urljoin(base, iri) if base
                                                                  else iri)
        if kind == "string":
            after = at + len(token)
            continue
        keyword = token.lower()
        if kind == "name" and at != after and keyword in ("@prefix", "prefix", "@base", "base") \
                and (not keyword.startswith("@") or token == keyword):
            waiting.append((at, token, keyword, []))


# A number as Turtle writes one, and the digits a comma touching it goes on with.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")


def glued_numbers(text: str):
    """Yield (offset, the numbers as written) of each run of numbers a comma joins with no
    space (``2,582``): two values to Turtle, which a comma separates, written as one number
    with a thousands separator.  Strings and comments are passed over."""
    run: list[str] = []
    start = end = -1
    for at, kind, token in tokens(text):
        written = re.sub(r"\.$", "", token) if kind == "name" else ""
        if run and at == end + 1 and text[end] == "," and _DIGITS.fullmatch(written):
            run.append(written)
        else:
            if len(run) > 1:
                yield start, run
            run, start = ([written], at) if _NUMBER.fullmatch(written) else ([], -1)
        end = at + len(written)
    if len(run) > 1:
        yield start, run


def prefixes(text: str) -> dict[str, str]:
    """Return the prefixes a Turtle text declares ("" for the default one), each namespace as
    the parser reads it: against the base in effect (``@prefix ex: <vocab/>``)."""
    return dict(declared(text))


def declared(text: str) -> list[tuple[str, str]]:
    """Return (prefix, namespace as read) for each prefix declaration of a Turtle text, in
    order: the namespace written relative to an ``@base`` resolved (read as written, a name
    of such a prefix was found nowhere, and its findings had no line)."""
    return [(prefix, read) for _, _, prefix, _, read in declarations(text)
            if prefix is not None]
