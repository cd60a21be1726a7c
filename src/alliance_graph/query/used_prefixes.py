"""Which of the project's prefixes a document declares: the ones its writer uses, no other.

An export is never held, so its lines are watched as they are sorted (``UsedPrefixes``); a
query answer or a Graph Store read is held within the answers' size anyway, so its body is
read once written, and its declarations kept to the prefixes named there (``written``).

Oxigraph's writers stream, so they declare every prefix they are given before the first
triple: an export given all sixteen declared ``graph:`` in Turtle, which no triple uses, and
``id:``, ``claim:``, ``ev:`` ... in RDF/XML, which names only properties and classes with
them.  rdflib's writers scan the graph first, which the export cannot afford (it never holds
the graph).  Here the N-Triples lines the export sorts are watched as the store writes them:
a line holding a namespace's IRI where the writer may shorten it (anywhere in Turtle but
``rdf:type`` as a predicate, written ``a``; as a property or a class in RDF/XML) is written
by the writer itself, alone, with the prefixes under names the line cannot hold, and the
namespace is used if its name is.  So what is declared is what Oxigraph's writer shortens
(which IRI it shortens with which prefix, the longest namespace winning; a number's datatype
left out), not a copy of its rules.  Giving the writer a prefix too few only writes an IRI
whole (and RDF/XML declares its namespace on the element), never a document that does not
parse; after ``_MISSES`` lines a namespace did not turn out used in, it is declared as before,
so that a graph writing a namespace only where it is never shortened costs no more.
"""

from __future__ import annotations

import re
import secrets

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS
from . import limits
from .results import prefixes_for

_MISSES = 256
_NT = ox.RdfFormat.N_TRIPLES
_TYPE = re.escape(f"<{PREFIX_IRIS['rdf']}type>")


def _pattern(prefixes: dict[str, str], ns: str, xml: bool) -> re.Pattern:
    """Return the pattern of an N-Triples line's IRI in namespace ``ns``, where it may be
    written shortened: not in a longer namespace of ``prefixes`` (``claim:``'s IRIs are no
    ``id:``'s), nor ``rdf:type`` as a predicate in Turtle; a property or class in RDF/XML."""
    longer = "|".join(re.escape(o[len(ns):]) for o in prefixes.values()
                      if o != ns and o.startswith(ns))
    iri = "<" + re.escape(ns) + (f"(?!{longer})" if longer else "")
    if xml:  # a line's predicate, or its class, also inside a triple term
        return re.compile(f"(?:^|<<\\( )[^ ]+ (?:{_TYPE} )?{iri}".encode(), re.M)
    if ns == PREFIX_IRIS["rdf"]:
        iri += "(?!type> [<\"_])"
    return re.compile(iri.encode())


class UsedPrefixes:
    """A binary file in front of another (``watching``: where the export's N-Triples lines
    go) that finds in those lines the prefixes Oxigraph's writer of ``rdf_format`` uses;
    ``prefixes()`` then gives them, to declare."""

    def __init__(self, rdf_format, prefixes: dict[str, str] = PREFIX_IRIS):
        self.out, self.format, self.all = None, rdf_format, prefixes
        xml = rdf_format == ox.RdfFormat.RDF_XML
        # RDF/XML's writer names the rdf namespace rdf: whatever it is given, and declares it.
        self._used = {p for p, ns in prefixes.items() if xml and ns == PREFIX_IRIS["rdf"]}
        self._pending = {p: _pattern(prefixes, ns, xml) for p, ns in prefixes.items()
                         if p not in self._used}
        self._misses = dict.fromkeys(prefixes, 0)
        self._partial = b""
        # Names no line holds, by chance or by design: a literal writing "ag:" is no use.
        salt = "x" + secrets.token_hex(8)
        self._disguised = {p: f"{p}{salt}" for p in prefixes}

    def watching(self, out) -> UsedPrefixes:
        """Return this file, writing into ``out`` from now on."""
        self.out = out
        return self

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def write(self, data) -> int:
        """Write ``data`` into ``out``, looking for the prefixes in its whole lines."""
        self.out.write(data)
        if self._pending:
            held = self._partial + bytes(data)
            end = held.rfind(b"\n") + 1
            self._partial = held[end:]
            self._look(held[:end])
        return len(data)

    def _look(self, lines: bytes) -> None:
        for prefix, pattern in list(self._pending.items()):
            for match in pattern.finditer(lines):
                start = lines.rfind(b"\n", 0, match.start()) + 1
                line = lines[start:lines.find(b"\n", match.end()) + 1]
                self._misses[prefix] += 1
                if self._shortened(line, prefix) or self._misses[prefix] > _MISSES:
                    self._used.add(prefix)
                    del self._pending[prefix]
                    break

    def _shortened(self, line: bytes, prefix: str) -> bool:
        """Return whether the writer writes ``line`` with ``prefix``'s namespace shortened."""
        try:
            written = ox.serialize(ox.parse(line, format=_NT), format=self.format, prefixes={
                self._disguised[p]: ns for p, ns in self.all.items()}).decode()
        except (SyntaxError, OSError, ValueError, RuntimeError):
            # Not a line the store writes, or one the writer refuses (rdf:ID as a property
            # in RDF/XML): said used, as before, the export's own writing saying the rest.
            return True
        name = self._disguised[prefix]
        return written.count(f"{name}:") > written.count(f"@prefix {name}:")

    def prefixes(self) -> dict[str, str]:
        """Return the prefixes used in the lines written so far (the last, unended, too),
        in the order of the prefixes given."""
        if self._partial:
            self._look(self._partial + b"\n")
            self._partial = b""
        return {p: ns for p, ns in self.all.items() if p in self._used}


# What Oxigraph's writers put before the first triple: Turtle's and TriG's @prefix lines, and
# RDF/XML's declaration and rdf:RDF start tag with its xmlns attributes.
_PREFIX_LINES = re.compile(rb"(?:@prefix ([A-Za-z][\w.-]*)?: <[^>\n]*> \.\n)*")
_XML_HEAD = re.compile(rb'(<\?xml[^>]*\?>\s*<rdf:RDF)((?:\s+xmlns:[\w.-]+="[^"]*")*)(\s*/?>)')
_XMLNS = re.compile(rb'\s+xmlns:([\w.-]+)="[^"]*"')
# A byte that may come just before a prefix's name in a name it is part of ("prev:" is no
# "ev:", "p.ag:" no "ag:"): before a prefixed name the writers put a space, "<", "/", "^^"...
_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def _named(data: bytes, name: bytes, start: int) -> bool:
    """Return whether ``name:`` stands in ``data`` past ``start`` as a prefixed name does."""
    token = name + b":"
    at = data.find(token, start)
    while at != -1:
        if data[at - 1] not in _NAME_BYTES:
            return True
        at = data.find(token, at + 1)
    return False


def declaring_used(data: bytes, rdf_format, prefixes: dict[str, str] = PREFIX_IRIS) -> bytes:
    """Return a Turtle, TriG or RDF/XML document Oxigraph wrote (``data``, given every one of
    ``prefixes``) declaring only those of ``prefixes`` its triples are written with.

    A query answer or a Graph Store read is written whole within the answers' size (held
    anyway), so its body is read once written, rather than watched as ``UsedPrefixes`` watches
    the export's lines: a prefix is used if its name stands before a colon as a prefixed name
    does.  The same text in a literal ("see ag:Claim") keeps a prefix that is then declared
    and unused, as every one was; a prefix the writer used is never left out, which would
    make a document that does not parse.  The rest of the bytes is kept as written."""
    if rdf_format == ox.RdfFormat.RDF_XML:
        head = _XML_HEAD.match(data)
        if head is None:  # not Oxigraph's start tag: left as it is
            return data
        body = head.end()
        kept = b"".join(a.group(0) for a in _XMLNS.finditer(head.group(2))
                        if a.group(1).decode() not in prefixes or _named(data, a.group(1), body))
        new_head = head.group(1) + kept + head.group(3)
    else:
        head = _PREFIX_LINES.match(data)
        body = head.end()
        lines = ((line, line[len(b"@prefix "):line.index(b":")])
                 for line in data[:body].splitlines(keepends=True))
        new_head = b"".join(line for line, name in lines
                            if name.decode() not in prefixes or _named(data, name, body))
    if body == len(new_head):
        return data
    return b"".join((new_head, memoryview(data)[body:]))


def written(result, rdf_format, max_bytes: int, prefixes: dict[str, str] = PREFIX_IRIS) -> bytes:
    """Return a query's result (an answer's solutions, or triples or quads to write) written
    in the Oxigraph format ``rdf_format`` within ``max_bytes`` (``limits.write_bounded``),
    a document declaring those of ``prefixes`` (the project's) it uses (``declaring_used``),
    no other: the one writing of query answers, Graph Store reads and the description.  In
    Turtle and TriG a name ending in an escaped dot is written whole (``turtle_names``): a
    CONSTRUCT's answer wrote ``id:Corp\\.``, which rdflib refuses, where dumps did not."""
    prefixes = prefixes if prefixes_for(rdf_format) else None
    if not prefixes:
        return limits.write_bounded(result, rdf_format, max_bytes)
    # Names written whole as they are counted, before the declarations are read (it may
    # leave one unused).  Counted with every declaration, an answer of 2,372 bytes (its
    # own) was refused at a limit of 3,000: the writer is given room for those left out,
    # and the answer answered is held to the limit.
    data = limits.write_bounded(result, rdf_format, max_bytes, prefixes,
                                room=_declared(rdf_format, prefixes))
    data = declaring_used(data, rdf_format, prefixes)
    limits.within(len(data), max_bytes)
    return data


def _declared(rdf_format, prefixes: dict[str, str]) -> int:
    """Return the bytes the writer's declarations of ``prefixes`` take in ``rdf_format``:
    the most ``declaring_used`` may leave out."""
    one = [ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))]
    return max(0, len(ox.serialize(one, format=rdf_format, prefixes=prefixes))
               - len(ox.serialize(one, format=rdf_format)))
