"""Say what a parser's or a decoder's refusal leaves unsaid, and what to type instead.

A Turtle file written in a word processor or pasted from a web page holds characters that
look like Turtle's own (a no-break space, a curly quotation mark), and one saved in another
encoding than UTF-8 holds bytes that do not decode ("Israel\\x92s", Windows-1252's apostrophe):
the parser quotes such a character as it is ("'“' is not allowed at the beginning of a prefix
name", a zero-width space quoted as nothing at all), and the decoder gives an offset.  A
project prefix used undeclared, and a name written between < > (a relative IRI), the parser
refuses without the line to write instead.  Every file read is told so, the data and ontology
files of a build as a proposal (``loading.read_text``, ``loading.syntax_problem``).
"""

from __future__ import annotations

import json
import re
import unicodedata

from ..clipping import SHOWN, clipped
from ..namespaces import PREFIX_IRIS, prefix_meant
from ..utf16 import is_utf16
from .lines import BREAK, column_number

_BLANK = "a space Turtle does not read as one (pasted from a web page or a word processor): " \
         "retype it as a plain space"
_CURLY = "a curly quotation mark (a word processor's): Turtle's strings are written between " \
         "straight quotes, \" or '"
# A string opened with one quotation mark ends on its line: most often a quote pasted from a
# source across one of its line breaks, else a string left unclosed.
_LINE_JUMP = ("a string opened with one quotation mark, not three, ends on the line it starts "
              "on. A quote pasted across a line break: join its lines with the space the source "
              "has (a break the source itself has is written \\n), or let `alliance-graph cite "
              "SOURCE QUOTE` write its evidence block; a string left unclosed: close it on this "
              "line")
# A byte order mark past a file's start: where files were joined, each saved with one.
_BOM = ("a byte order mark, which an editor may write at a file's start: one inside a file is "
        "left where files were joined one after another (cat a.ttl b.ttl): delete it")
_LOOKALIKE = {"\ufeff": _BOM, "\u201c": _CURLY, "\u201d": _CURLY, "\u2018": _CURLY, "\u2019": _CURLY,
              "\u201e": _CURLY, "\u00ab": _CURLY, "\u00bb": _CURLY}


# A hand edit's slips, by the parser's words, with what to write instead: its message said
# what it could not read ("; is not a valid RDF object"), not the slip that made it.
_SLIPS = [
    (re.compile(r"A dot is expected at the end of statements$"), lambda m:
     "the statement before this point has no final ' .' (a block's last line ends with ' .', "
     "the lines before it with ' ;'), or two of its values have no ';' or ',' between them"),
    (re.compile(r"([;.,\]]) is not a valid RDF object$"), lambda m:
     f"a property is given no value before this '{m[1]}': write its value, or leave out the "
     "property, or the ',' or ';' before it"),
    (re.compile(r"(?i)(true|false) is not a valid RDF object$"), lambda m:
     f"a boolean is written {m[1].lower()}, in lower case"),
    # A value right after another, with nothing between: the parser reads it as the next
    # statement's subject ('"b" is not a valid subject' of 'ag:note "a" "b"').
    # (A number has a digit: a lone '.' is the statement's end, said by the rule after next.)
    (re.compile(r"(\".*\"|'.*'|[-+]?\.?[0-9][\w.+-]*|true|false) is not a valid subject or "
                r"graph name$", re.S), lambda m:
     "a value (a text, a number or a boolean) cannot begin a statement: the value before it "
     "needs a ',' between them (two values of one property: \"a\" , \"b\") or a ';' and the "
     "property it is a value of; a statement's subject is a name, such as id:BlueFlag"),
    (re.compile(r"(@?[A-Za-z][\w-]*) is not a valid (RDF object|subject or graph name|"
                r"predicate)$"), lambda m: _bare_word(m[1], m[2])),
    (re.compile(r"([;.,]) is not a valid subject or graph name$"), lambda m:
     f"a '{m[1]}' where a statement begins: the statement before ended early (a ' .' for a "
     "' ;', or a name ending with a dot, which ends the statement: escape it as \\.)"),
    (re.compile(r"Unexpected end of file$"), lambda m:
     "the file ends inside what opens here, never closed (a string of three quotation marks, "
     "an IRI's <, a [ or a (): close it"),
    (re.compile(r"Invalid IRI code point ' '$"), lambda m:
     "an IRI between < > holds a space: its closing > is missing, or write the space as %20"),
    (re.compile(r"Unexpected escape character '\\.'$"), lambda m:
     "a backslash in a string is written \\\\ (\\n, \\t, \\\" and \\' are the other escapes "
     "Turtle reads)"),
    (re.compile(r"The PREFIX keyword should be followed by a prefix like 'ex:'$"), lambda m:
     "a prefix is declared with its colon, as @prefix ag: <https://alliance-graph.example/"
     "ontology/> ."),
    # "x"@en- (a language tag ending with its hyphen) is read as "x"@en and then a number "-".
    (re.compile(r"An integer should not be empty$"), lambda m:
     "a '-' or '+' with no digits after it: a number is written 42 or -7, and a language tag "
     "ends with a letter or a digit (@en, @en-US)"),
    # id:Negev/Radar: the name ends before the slash, which begins no term.
    (re.compile(r"'([~!$&()*+=/?#@%])' is not allowed at the beginning of a prefix name$"),
     lambda m: f"a name holding '{m[1]}' ends before it: write it escaped (\\{m[1]}) or leave "
               "it out of the name"),
    (re.compile(r"The prefix : has not been declared$"), lambda m:
     "a name begins with its prefix: the project's are written id:Name, ag:term, claim:Name"),
]
# What the parser says of a file ending inside a statement, read as a slip where the text stops
# ("ag is not a valid RDF object" of "ag:rank ag", "Unexpected end"): said of the cut.
CUT_SHORT = ("the file ends inside its last statement: it was cut short (saved half-written, or "
             "a copy or an edit stopped midway: restore it whole), or that statement is "
             "unfinished (finish it, ending it with ' .')")
_SPARQL = ("GRAPH", "INSERT", "DELETE", "DATA", "WHERE", "SELECT", "CONSTRUCT")


def _bare_word(word: str, place: str) -> str:
    """Return what to say of a word the parser could not read as a term where it stands."""
    if word.lower().lstrip("@") in ("prefix", "base"):
        return "Turtle's directives are @prefix and @base, in lower case (or PREFIX and BASE)"
    if word.upper() in _SPARQL:
        return (f"a data file is Turtle, not SPARQL: write its triples alone, without "
                f"{word.upper()} and braces")
    if word == "a" and place == "RDF object":  # the next block's subject read as a property
        return ("'a' where a value belongs: the statement before ended with ' ;' where its "
                "last line ends with ' .'")
    if place == "predicate" and word.lower() in ("an", "is", "type"):
        return "a type is given with a (rdf:type), as in id:Israel a ag:State"
    return ("a word with no prefix: a name is written with its prefix (id:BlueFlag), a text "
            "between quotation marks; the word may follow a quotation mark that ended a "
            "string early (inside a string, write \\\" or \\', or write the string between "
            "the other kind of marks), or a space inside a name")


# A directive's line as each form writes it: Turtle's @prefix and @base end with ' .', and
# SPARQL's PREFIX and BASE (no @, any case) with none.  Either written with the other's end
# was said of the next statement ("A dot is expected", with the advice for a block's lines)
# or of a value ("a value ... cannot begin a statement", of the PREFIX line's dot).
_AT_FORM = re.compile(r"\s*(@prefix|@base)\b[^<]*<[^>]*>\s*(?:#.*)?")
_SPARQL_FORM = re.compile(r"\s*(prefix|base)\b[^<]*<[^>]*>\s*", re.I)
_NO_DOT = "A dot is expected at the end of statements"
_DOT = ". is not a valid subject or graph name"


def directive_slip(text: str, line: int | None, column: int | None, words: str
                   ) -> tuple[int | None, str, int | None]:
    """Return (line, message, column) of the parser's ``words`` at ``line`` and ``column`` of
    ``text``: where they are about a directive written with the other form's end, on the
    directive's own line with what to write (an @prefix line with no final ' .', the error
    being on the next statement; a PREFIX line ending with one), else ``told_apart``'s."""
    if not line:  # a parser's error with no place (its lineno None) was a TypeError here
        return line, told_apart(words), column
    lines = BREAK.split(text)
    if words == _NO_DOT and line <= len(lines):
        before = next((i for i in range(line - 2, -1, -1) if lines[i].strip()
                       and not lines[i].lstrip().startswith("#")), None)
        form = None if before is None else _AT_FORM.fullmatch(lines[before])
        if form:
            return before + 1, _undotted(words, form), lines[before].index(">") + 2
    if words == _DOT and column and line <= len(lines):
        form = _SPARQL_FORM.fullmatch(lines[line - 1][:column - 1])
        if form:
            return line, (f"{words}: {form[1]}, SPARQL's form of @{form[1].lower()} (written "
                          f"without @), ends with no ' .': leave the dot out, or write "
                          f"@{form[1].lower()}, Turtle's form, which ends with one"), column
    return line, told_apart(words), column


def cut_short(text: str, line: int, column: int, words: str) -> tuple[int, str, int]:
    """Return (line, message, column) of the parser's ``words`` of a file ending inside its
    last statement, which ends at ``line`` and ``column``: an @prefix or @base line with no
    final ' .' said to be that (it was said to be a statement cut short or unfinished, the
    directive not named), else ``CUT_SHORT``."""
    lines = BREAK.split(text)
    last = lines[line - 1] if 0 < line <= len(lines) else ""
    form = _AT_FORM.fullmatch(last)
    if form:
        return line, _undotted(shown(words), form), last.index(">") + 2
    return line, f"{shown(words)}: {CUT_SHORT}", column


def _undotted(words: str, form: re.Match) -> str:
    """Return what to say of the @prefix or @base line ``form`` matched, with no final dot."""
    return (f"{words}: the {form[1]} on this line has no final ' .' (Turtle's {form[1]} ends "
            f"with one; {form[1][1:].upper()}, SPARQL's form without @, with none)")


# How a parser's message ends that begins with the file's text it could not read.
_QUOTING = (" is not a valid RDF object", " is not a valid subject or graph name",
            " is not a valid predicate")
_UNDECLARED = re.compile(r"The prefix (.*): has not been declared$", re.S)


def shown(message: str) -> str:
    """Return a parser's ``message`` with the file's text it quotes ``clipped``: a string of
    100 KB written where a statement begins was quoted whole ('"..." is not a valid subject
    or graph name'), and so was a name of 60,000 characters, the advice after them."""
    if len(message) <= SHOWN:
        return message
    end = next((end for end in _QUOTING if message.endswith(end)), None)
    if end is not None:
        return clipped(message[:-len(end)]) + end
    undeclared = _UNDECLARED.match(message)
    if undeclared:
        return f"The prefix {clipped(undeclared[1])}: has not been declared"
    return clipped(message)


def told_apart(message: str) -> str:
    """Return a parser's ``message``, ``shown``, with what to write instead: a project prefix
    left undeclared, with the line declaring it; an IRI between < >, with the project's
    prefixed names; a string's line break, with how to join a quote pasted across one; each
    character it quotes that is not plain ASCII, named, with what it looks like."""
    words = shown(message)
    if message == "No scheme found in an absolute IRI":  # <BlueFlag>, in a file with no @base
        return (f"{message}: an IRI between < > is relative, and the project's files have no "
                "base IRI to resolve it against; write the project's names with their "
                "prefixes, such as id:BlueFlag")
    if message.startswith("Line jumps are not allowed in string literals"):
        return f"{words}: {_LINE_JUMP}"
    fix = next((said(m) for pattern, said in _SLIPS if (m := pattern.match(message))), None)
    if fix:
        return f"{words}: {fix}"
    undeclared = re.match(r"The prefix ([^\s:]*): has not been declared$", message)
    if undeclared and undeclared.group(1) in PREFIX_IRIS:  # the project's: say its line
        prefix = undeclared.group(1)
        return (f"{words}: a file declares the prefixes it uses, as data/*.ttl do "
                f"(@prefix {prefix}: <{PREFIX_IRIS[prefix]}> .)")
    # Quoted, or in the text the parser read on (a byte order mark where files were joined,
    # read as a name's first character: "\ufeff is not a valid subject", "The prefix
    # \ufeffclaim: has not been declared", said unseen and with no word of it).
    unseen = [c for c in message if not c.isascii() and (c.isspace() or
                                                         unicodedata.category(c) == "Cf")]
    # Another's: a project prefix mistyped (rdsf:)?
    if undeclared and not unseen:
        meant = prefix_meant(undeclared.group(1), PREFIX_IRIS)
        if meant:
            return f"{words}: did you mean {meant}:?"
    said = []
    for c in dict.fromkeys(re.findall(r"'(.)'", message) + unseen):
        if c.isascii() and c.isprintable():
            continue
        name = unicodedata.name(c, "a control character")
        why = _LOOKALIKE.get(c) or (_BLANK if c.isspace() or unicodedata.category(c) == "Cf"
                                    else "")
        said.append(f"{c!r} is U+{ord(c):04X} {name}" + (f", {why}" if why else ""))
    return words if not said else f"{words} ({'; '.join(said)})"


# What a text opens with when it is a page or a document of another RDF syntax, not Turtle.
_MARKUP = [(re.compile(r"<!doctype\s+html|<html[\s>]", re.I), "an HTML page (saved from a "
            "browser?)"),
           (re.compile(r"<\?xml|<rdf:RDF[\s>]"), "XML (RDF/XML?)")]


def other_format(text: str, rule: str = "a proposal is Turtle, written as data/*.ttl are"
                 ) -> str:
    """Return what to say of a text that Turtle's parser refused and that is evidently of
    another format ("" when it is not): JSON (JSON-LD, say), XML (RDF/XML) or an HTML page,
    with the ``rule`` it breaks (a proposal's, by default; a build's files say their own).
    Their parser's first words ("{ is not a valid subject or graph name", a relative IRI for
    an HTML page's <html>) spoke of Turtle's syntax, as if a character were wrong."""
    opening = text.lstrip()[:64]
    what = next((said for pattern, said in _MARKUP if pattern.match(opening)), "")
    if not what and opening[:1] in "{[":
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            what = "JSON (JSON-LD?)"
    if not what:
        return ""
    return (f"is {what}, not Turtle: {rule} (another RDF syntax converts to Turtle with any "
            "RDF tool)")


def encoding_hint(data: bytes, start: int) -> str:
    """Return what to add to "is not valid UTF-8 text": that ``data`` (a file's bytes past a
    UTF-8 byte order mark) is UTF-16 text where it evidently is (``is_utf16``), else the byte at
    ``start``, where on its line, and the character it is in Windows-1252, the encoding a file
    that is not UTF-8 is most often saved in."""
    if start >= len(data):
        return ""
    if is_utf16(data):
        return " (it is UTF-16 text, what Windows calls Unicode): save it as UTF-8"
    byte = data[start:start + 1]
    column = column_number(data, start)
    try:
        c = byte.decode("cp1252")
    except UnicodeDecodeError:
        return f" (byte 0x{byte[0]:02X}, the line's byte {column}): save it as UTF-8"
    return (f" (byte 0x{byte[0]:02X}, the line's byte {column}, is {c!r}, U+{ord(c):04X} "
            f"{unicodedata.name(c, 'a control character')}, in Windows-1252: the file was saved "
            "in another encoding than UTF-8; save it as UTF-8)")
