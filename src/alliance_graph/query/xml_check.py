"""Read the XML Oxigraph writes as an XML parser would, at the cost of a scan of its bytes.

Oxigraph's two XML writers (SPARQL results XML, RDF/XML) escape text and attribute values, so
what can make their XML unreadable is narrow: a character XML 1.0 has no place for (a C0
control but tab, line feed and carriage return; U+FFFE, U+FFFF), anywhere; and in RDF/XML an
element name made from a predicate IRI: none left after its "/" or "#" (``oxprefix:``,
``ag:``), a character expat's name tables refuse (U+2070 and many others XML 1.0's fifth
edition allows), a prefix nothing binds (``xmlns:foo``), a reserved namespace bound.  expat read
every byte (300,000 rows of SPARQL XML on the command line: 0.8 s became 1.4 s); here C-level
scans (``bytes.translate``, a regex that stops only at a tag whose name is not plain ASCII)
find those places, and expat reads only them: a start tag on its own, beside the document's
root element and its namespaces, which is all Oxigraph's names depend on.  The verdict is
expat's, and so are the words and the line and column (tests compare them, cut into pieces
of every size, with expat's over the whole document).  But for one that is not: in RDF/XML,
an element named rdf:aboutEach, rdf:aboutEachPrefix or rdf:bagID (RDF/XML's old terms, which
Oxigraph writes for such a property or class) is XML that every RDF/XML parser refuses, and
is refused here too, in words of its own; so is an rdf:nodeID that is no XML name (a label
``BNODE("1")`` made), which rdflib and rapper refuse.
"""

from __future__ import annotations

import re
from unicodedata import category
from xml.parsers import expat

# Deleted before looking, leaving only what XML 1.0 refuses (the C0 controls but tab, line
# feed and carriage return) and 0xEF, the lead byte of U+FFFE and U+FFFF.
_ALLOWED = bytes(b for b in range(256)
                 if (b >= 0x20 or b in b"\t\n\r") and b != 0xEF)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_NOT_CONTINUING = bytes(range(0x80)) + bytes(range(0xC0, 0x100))  # all but UTF-8's 0x80-0xBF
# A tag whose name is not a plain one: an ASCII name, or prefix:name with a prefix other than
# xmlns, ended by white space, "/" or ">" (a tag cut at the end of a piece is one too).
_ODD_TAG = re.compile(rb"<(?![/?]?(?!xmlns:)[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?[\s/>])")
_NAME = re.compile(rb"</?([^\s/>]*)")
# An element named with one of RDF/XML's old terms (its grammar's oldTerms), as Oxigraph writes
# one for such a property or class: the project's prefixes bind rdf:, and no literal or IRI
# holds a raw "<".  XML, which expat reads, but every RDF/XML parser refuses it.
_OLD_TERM = re.compile(rb"<rdf:(aboutEach|aboutEachPrefix|bagID)[\s/>]")
# A blank node's label that is no XML name: a digit first, or a colon, which Oxigraph takes
# from BNODE("1") and BNODE("a:b").  XML, which expat reads, but rdflib and rapper refuse the
# document ("rdf:nodeID value is not a valid NCName").  Only a tag holds a raw '"' (Oxigraph
# writes one in text or a value as &quot;), so the attribute is found by its text alone, at
# the speed of a search for it (a pattern from the tag's "<" tripled the check's time).  A
# label holding a character past ASCII is judged as rdflib judges an NCName (``_name``):
# BNODE("\u2070a"), BNODE("a\u203F") or BNODE("\u3001") made labels it refuses, which passed here.
_NODE_ID = re.compile(rb'rdf:nodeID="([0-9][^"]*|[^":]*:[^"]*|[^"]*[\x80-\xff][^"]*)"')
_NAME_START = frozenset(("Ll", "Lu", "Lo", "Lt", "Nl"))
_NAME_GOES_ON = _NAME_START | {"Mc", "Me", "Mn", "Lm", "Nd"}
_DECLARATION = re.compile(rb'\sxmlns(?::[^\s=]*)?="[^"]*"')
_ROOT = re.compile(rb"<[^?!]")
_INVALID_TOKEN = expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]
_NO_ELEMENTS = expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]


def _name(label: str) -> bool:
    """Return whether the blank node label ``label`` is an XML name as rdflib's RDF/XML reader
    (``is_ncname``: Unicode's categories) takes one."""
    return bool(label) and (label[0] == "_" or category(label[0]) in _NAME_START) and all(
        c in "_-.\u00b7\u0387" or category(c) in _NAME_GOES_ON for c in label[1:])


def _unnamed_label(data: bytes) -> re.Match | None:
    """Return the first rdf:nodeID in ``data`` whose label is no XML name, if one is."""
    for found in _NODE_ID.finditer(data):
        label = found.group(1)
        if label.isascii() or not _name(label.decode("utf-8", "replace")):
            return found
    return None


def _characters(data: bytes) -> int:
    """Return how many characters the UTF-8 ``data`` holds (expat counts columns so)."""
    if data.isascii():
        return len(data)
    return len(data) - len(data.translate(None, _NOT_CONTINUING))


def _old_term(name: str, line: int, column: int) -> expat.ExpatError:
    """Return the error of an element named with one of RDF/XML's old terms, at ``line`` and
    ``column``: XML, but no RDF/XML parser reads it."""
    exc = expat.ExpatError(f"the element rdf:{name} is one of RDF/XML's old syntax names, "
                           f"which no RDF/XML parser reads: line {line}, column {column}")
    exc.code, exc.lineno, exc.offset = None, line, column
    return exc


def _node_id(label: str, line: int, column: int) -> expat.ExpatError:
    """Return the error of an rdf:nodeID that is no XML name, at ``line`` and ``column``."""
    exc = expat.ExpatError(f"the blank node label {label!r} is no XML name, which rdf:nodeID "
                           f"must be (no RDF/XML parser reads it): line {line}, column {column}")
    exc.code, exc.lineno, exc.offset = None, line, column
    return exc


def _error(code: int, line: int, column: int) -> expat.ExpatError:
    """Return the ExpatError expat raises for ``code`` at ``line`` and ``column``."""
    exc = expat.ExpatError(f"{expat.ErrorString(code)}: line {line}, column {column}")
    exc.code, exc.lineno, exc.offset = code, line, column
    return exc


class XmlCheck:
    """Read XML as Oxigraph writes it, a piece at a time (``feed``), and raise
    ``expat.ExpatError`` where, and in the words, expat would; each piece as ``xml_kept``
    writes it (no raw carriage return).  ``names``: read element names too (RDF/XML makes
    them from predicate IRIs; SPARQL results XML has only its own).  A document Oxigraph
    ended (its writer returned) is taken as ended: only one with nothing in it is refused at
    its end, as expat refuses it."""

    def __init__(self, names: bool = True):
        self.names = names
        self.pending = b""  # the end of the last piece, read again with the next
        self.line, self.column = 1, 0  # where ``pending`` starts, as expat counts
        self.root: bytes | None = None  # the root element's start tag, once read
        self.root_name = b""
        self.read: set = set()  # the odd start tags expat read: (name, declarations), name
        self.empty = True

    def feed(self, data: bytes, last: bool = False) -> None:
        """Read ``data``, the next piece; ``last`` once the document is whole."""
        text = self.pending + data if self.pending else data
        self.empty = self.empty and not text
        if last and self.empty:
            raise _error(_NO_ELEMENTS, 1, 0)
        cut = len(text) if last else self._whole(text)
        seen = text if cut == len(text) else text[:cut]
        wrong = self._first_wrong_character(seen)
        old = _OLD_TERM.search(seen) if self.names else None
        label = _unnamed_label(seen) if self.names else None
        if label is not None and (old is None or label.start(1) < old.start()):
            old = label
        if old is not None and wrong is not None and wrong < old.start():
            old = None  # the character comes first
        if self.names:
            self._read_tags(text, seen, wrong if old is None else old.start())
        if old is label and label is not None:
            raise _node_id(label.group(1).decode(), *self._at(text, label.start(1)))
        if old is not None:
            raise _old_term(old.group(1).decode(), *self._at(text, old.start()))
        if wrong is not None:
            raise _error(_INVALID_TOKEN, *self._at(text, wrong))
        if not last:
            self.line, self.column = self._at(seen, len(seen))
            self.pending = text[cut:]

    def _whole(self, text: bytes) -> int:
        """Return where the part of ``text`` that can be read now ends: before a tag or a
        character the piece cut short."""
        cut = len(text)
        if self.names and (start := text.rfind(b"<")) >= 0 and text.find(b">", start) < 0:
            cut = start
        if text.endswith(b"\xef"):
            cut = min(cut, len(text) - 1)
        elif text.endswith(b"\xef\xbf"):
            cut = min(cut, len(text) - 2)
        return cut

    @staticmethod
    def _first_wrong_character(text: bytes) -> int | None:
        """Return where the first character XML 1.0 refuses is in ``text``, if one is."""
        found = text.translate(None, _ALLOWED)
        if not found:
            return None
        places = [text.find(c) for c in _NONCHARACTERS if b"\xef" in found]
        if found.strip(b"\xef"):
            places.append(_CONTROL.search(text).start())
        places = [p for p in places if p >= 0]
        return min(places) if places else None

    def _read_tags(self, text: bytes, seen: bytes, before: int | None) -> None:
        """Have expat read each odd start tag in ``seen`` (up to ``before``) not read yet."""
        starts = [m.start() for m in _ODD_TAG.finditer(seen)]
        if self.root is None and (root := _ROOT.search(seen)):
            starts.append(root.start())
        for start in sorted(set(starts)):
            if before is not None and start > before:
                return
            self._read_tag(text, start)

    def _read_tag(self, text: bytes, start: int) -> None:
        """Have expat read the tag at ``start`` in its document's root, unless it read one
        of that name and those namespace declarations already."""
        end = text.find(b">", start)
        tag = text[start:] if end < 0 else text[start:end + 1]
        name = _NAME.match(tag).group(1)
        closing = tag.startswith(b"</")
        key = name if closing else (name, tuple(_DECLARATION.findall(tag)))
        if key in self.read:  # an end tag: its start tag was read
            return
        is_root = self.root is None and not closing
        context = b"" if is_root else self.root or b""
        document = context + b"\n" + tag
        if end >= 0 and not closing and not tag.endswith(b"/>"):
            document += b"</" + name + b">"
        if not is_root and self.root is not None:
            document += b"</" + self.root_name + b">"
        try:
            expat.ParserCreate(namespace_separator=" ").Parse(document, True)
        except expat.ExpatError as exc:
            raise self._moved(exc, context.count(b"\n") + 2, *self._at(text, start)) from None
        if is_root:
            self.root, self.root_name = tag, name
        self.read.update((key, name))

    @staticmethod
    def _moved(exc: expat.ExpatError, tag_line: int, line: int, column: int):
        """Return ``exc``, raised at ``tag_line`` of a tag read on its own, as at the tag's
        ``line`` and ``column`` in the document."""
        if exc.lineno == tag_line:
            return _error(exc.code, line, column + exc.offset)
        if exc.lineno > tag_line:
            return _error(exc.code, line + exc.lineno - tag_line, exc.offset)
        return _error(exc.code, exc.lineno, exc.offset)

    def _at(self, text: bytes, end: int) -> tuple[int, int]:
        """Return the line and column of ``text[end]``, ``text`` starting where
        ``pending`` does."""
        part = text[:end]
        lines = part.count(b"\n")
        if not lines:
            return self.line, self.column + _characters(part)
        return self.line + lines, _characters(part[part.rfind(b"\n") + 1:])
