"""Put an add's new subject blocks where a contributor would write them, not at the file's end.

A topic file of data/ is laid out in sections (docs/data-model.md): its prefixes, a header
comment, ``# --- evidence ---`` with the evidence blocks, then ``# --- claims ---`` with the
claim blocks grouped by their rdf:subject, each group under a ``# id:Subject`` comment line;
the source documents stand together (data/sources.ttl).  Every new block used to be appended
at the end, so a new evidence node landed after the last claim and a claim about ``id:F35``
far from the ``# id:F35`` group.  ``place`` puts a new evidence block at the end of the
evidence section, a new claim after the last block of its subject's group (or, for a subject
the file has no group for, under a new heading at the end of the claims section) and a source
document after the file's last source document.  A block with no such place (any block of a
file with neither section heading) is handed back for the caller to append at the end.

A file with one section heading of the two is read as the layout would have it.  With a
claims heading alone, the evidence section is what comes before it: a new evidence block
goes just above the claims heading (it went at the file's end, after the claims).  With an
evidence heading alone, the claims section starts at the section's first claim block (after
the line of the statement before it, so the subject heading above that claim is the claims
section's): new evidence goes after the last block before the claims, a new claim to its
group there; a file with no claim block there takes new claims at its end, under a new
``# --- claims ---`` line as long as its evidence line.

A subject heading is a comment line of the claims section (not a section heading) whose first
word names a subject, as an IRI in angle brackets or a prefixed name of a prefix the file
declares (a final ``.`` or ``:`` is the sentence's, not the name's), and which, that name
alone (``# id:F35``) or with other words after it (``# id:F35 (fighters)``,
``# id:F35 — F-35 Adir``), stands over that subject's claims: the first claim below it, before
the next comment line starting with a name, is about that subject.  Words after a name, or
none, do not tell a heading from a note (``# id:F35SalesToIsrael is the sale, below``); what
stands under the line does.  A line with no claim under it opens a group before its first claim, unless
another heading of the file heads its subject's group (the line is then a note naming that
subject, at the end of some group).  A heading naming the subject of the group it stands in
continues that group.  Only one-word headings were read, so a contributor's
``# id:F35 (fighters)`` was none and a new claim about id:F35 went under a second ``# id:F35``
at the end of the section; and any one-word comment (``# TODO``) was a heading that ended the
group it stood in.  Then a line with words was a heading when the file claimed something of
its subject, wherever it stood: ``# id:F35 — F-35 Adir`` over a group with no claim yet was a
note (its first claim went under a second heading at the end), and a note in id:F35's group
starting ``# id:F35SalesToIsrael`` took that subject's new claims and ended id:F35's group;
a name alone (``# id:F35SalesToIsrael`` over id:F35's claims) did so wherever it stood.
Other comments are notes inside their group, neither starting one nor ending one:
``# the figures below are from 2016``, ``# see also id:F35`` (its first word is no name),
``# ag:note values are the source's`` (no claim below it is about ag:note).  What the claims
are about is read from the file's parse, made only when a comment or a missing heading needs
it (a few milliseconds for the largest file of data/).

The headings are found by a scan of the file's top-level statements and comments, each
statement's end by ``amend.statement_end``, so a ``# --- claims`` inside a long string or a
comment line inside a block is not a heading; a file with no line reading like a section
heading anywhere is not scanned unless a source document is to go after its others.  The
caller checks that the placed text states exactly the old facts and the new ones, and appends
at the end when it does not.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..namespaces import AG
from ..rdf import DATA, file_of, is_role
from .amend import statement_end

EVIDENCE, CLAIM, SOURCE = "evidence", "claim", "source"  # kinds of block
_EVIDENCE, _CLAIMS = "evidence", "claims"  # sections, by their headings' first word

# "# --- claims -----": a section heading; "# id:F35", "# <https://...> (fighters)": the name a
# subject heading of the claims section starts with (a prefixed name or an IRI).
_SECTION = re.compile(r"#\s*-{3,}\s*([A-Za-z]+)")
# A line starting as a section heading does, wherever it stands (in a string too): a file with
# none has no section, so no place for a block but a source document's.
_SECTION_LINE = re.compile(r"^#\s*-{3,}\s*[A-Za-z]", re.M)
_GROUP = re.compile(r"#\s+(<[^<>\s]*>|(?:[\w.:%-]|\\.)+)")
# SPARQL-style PREFIX and BASE lines end without a dot.
_SPARQL_DIRECTIVE = re.compile(r"(?i)(?:PREFIX|BASE)\s")
_ESCAPE = re.compile(r"\\(.)")  # a local name's escaped character
_DECLARATION_LINE = re.compile(r"^[ \t]*(?:@prefix|PREFIX)\s", re.M | re.I)
_DECLARATION = re.compile(r"(?i)@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>")
_SPACE = re.compile(r"\s*")
_SUBJECT = re.compile(r"[^\s;,]+")
_TYPE = ox.NamedNode(str(RDF.type))
_RDF_SUBJECT = ox.NamedNode(str(RDF.subject))
_KINDS = {ox.NamedNode(str(AG.Claim)): CLAIM, ox.NamedNode(str(AG.Evidence)): EVIDENCE,
          ox.NamedNode(str(AG.SourceDocument)): SOURCE}
_KIND_NODES = {k: node for node, k in _KINDS.items()}


# A section heading as data/*.ttl write it: the section's name, then dashes to column 95.
_HEADING_WIDTH = 95


def new_file(kinds) -> str:
    """Return the text a new topic file starts from (``add --into new.ttl``), to go below its
    prefixes: the line the data files open with saying their layout, and a heading for each
    section the blocks of ``kinds`` go to, so that ``place`` writes them as in the others
    (evidence, then claims under a heading per subject; they came in the order of their IRIs,
    claims and evidence mixed, no heading at all)."""
    names = [name for kind, name in ((EVIDENCE, _EVIDENCE), (CLAIM, _CLAIMS)) if kind in kinds]
    return "\n# Written per docs/data-model.md: evidence blocks, then claim blocks grouped by " \
        "subject.\n" + "".join(f"\n{f'# --- {name} '.ljust(_HEADING_WIDTH, '-')}\n"
                               for name in names)


def read_file(raw: bytes) -> tuple[str, Callable[[str], str]]:
    """Return a data file's text as placement reads it, past its byte-order mark and each line
    ended by a line feed, and the function writing a merged text back as the file was written.

    A byte-order mark is not the text's (kept, "add" failed on every such file), but it is the
    file's, and is written back (it was dropped, a change to the file's first line that nobody
    asked for); so are its line ends, CR LF or a carriage return alone (an old Mac editor's:
    one line to the placement, such a file took an amendment at its end, its prefixes declared
    again, in lines ended by line feeds among its own).  A file ending lines both ways is read
    and written as it is: a line feed alone in a CR LF file, inside a long string, was written
    back as a CR LF, another value of a fact the add did not touch."""
    bom, lf, cr = raw.startswith(codecs.BOM_UTF8), raw.count(b"\n"), raw.count(b"\r")
    end = "\r\n" if lf and lf == cr == raw.count(b"\r\n") else "\r" if cr and not lf else "\n"
    text = raw.decode("utf-8-sig").replace(end, "\n")
    return text, lambda merged: ("\ufeff" if bom else "") + merged.replace("\n", end)


def kind(subject, proposal, stored) -> tuple[str | None, ox.Node | None]:
    """Return what kind of block ``subject``'s is (and a claim's rdf:subject), from the
    proposal's triples and those data/ holds of it (each a ``blocks.Triples``)."""
    kinds = {_KINDS[t] for t in (*proposal.objects(subject, _TYPE),
                                 *stored.objects(subject, _TYPE)) if t in _KINDS}
    if kinds != {CLAIM}:
        return (kinds.pop() if len(kinds) == 1 else None), None
    entities = {*proposal.objects(subject, _RDF_SUBJECT), *stored.objects(subject, _RDF_SUBJECT)}
    return (CLAIM, entities.pop()) if len(entities) == 1 else (None, None)


def sources_in(data, target: Path) -> list:
    """Return the source documents that ``data`` (a store of data/'s graphs) has in the data
    file ``target``."""
    return [q.subject for q in data.quads_for_pattern(None, _TYPE, _KIND_NODES[SOURCE])
            if is_role(q.graph_name, DATA) and Path(file_of(q.graph_name)).name == target.name]


@dataclass(frozen=True)
class Block:
    """A new subject block as written (ending with its newline), what kind of node it is
    (``EVIDENCE``, ``CLAIM``, ``SOURCE``, or None: no place of its own) and, for a claim, its
    rdf:subject as the file writes it."""

    text: str
    kind: str | None = None
    entity: str = ""


@dataclass
class Layout:
    """A file's top-level statements (start, end of the line of their final dot, subject as
    written), its comment lines starting a line (start, end, text) and its directives
    (``@prefix``, ``PREFIX``, ``@base``, ``BASE``: start, end of their line), in file order."""

    statements: list[tuple[int, int, str]]
    comments: list[tuple[int, int, str]]
    directives: list[tuple[int, int]] = field(default_factory=list)

    def last_end(self, lo: int, hi: int, default: int) -> int:
        """Return the end of the line of the last statement starting in [lo, hi), else
        ``default``."""
        k = bisect_left(self._starts, hi) - 1
        return self.statements[k][1] if k >= 0 and self.statements[k][0] >= lo else default

    def starting_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Return the statements starting in [lo, hi)."""
        return self.statements[bisect_left(self._starts, lo):bisect_left(self._starts, hi)]

    def __post_init__(self):
        self._starts = [start for start, _, _ in self.statements]


def scan(text: str, until: int | None = None) -> Layout | None:
    """Return the top-level layout of Turtle ``text`` (up to the first statement or comment
    starting past ``until``, when given); None when a statement has no end (the file is not
    one this scan reads, so nothing is placed in it)."""
    statements, comments, directives = [], [], []
    i, size = 0, len(text)
    while True:
        i = _SPACE.match(text, i).end()
        if i >= size or (until is not None and i > until):
            return Layout(statements, comments, directives)
        line_end = text.find("\n", i)
        line_end = size if line_end < 0 else line_end
        if text[i] == "#":
            if i == 0 or text[i - 1] == "\n":
                comments.append((i, line_end, text[i:line_end].rstrip()))
            i = line_end
            continue
        if _SPARQL_DIRECTIVE.match(text, i):
            directives.append((i, line_end))
            i = line_end
            continue
        end = statement_end(text, i)
        if end is None:
            return None
        after = text.find("\n", end)
        after = size if after < 0 else after
        if text[i] == "@":  # @prefix, @base
            directives.append((i, after))
        statements.append((i, after, _SUBJECT.match(text, i).group()))
        i = end + 1


def declarations(text: str) -> tuple[dict[str, str], int] | None:
    """Return the prefixes Turtle ``text`` declares ("" for the default one; a prefix declared
    twice: its last namespace) and the end of the line of its last prefix declaration (0:
    none); None when ``scan`` cannot read it.

    Only declarations at the top level count: an ``@prefix`` line inside a long string is the
    string's.  Read from every line that starts like one, it was taken for the file's last
    declaration, and the prefixes a new block needed were written into that string (the
    merged file did not parse, and the add was refused), or its namespace for the file's.
    The scan stops at the last line that reads like one (the prefixes' lines, in most files),
    so a large file costs a search, not a scan.
    """
    last_line = max((m.start() for m in _DECLARATION_LINE.finditer(text)), default=None)
    if last_line is None:
        return {}, 0
    layout = scan(text, last_line)
    if layout is None:
        return None
    declared, last = {}, 0
    for start, end in layout.directives:
        match = _DECLARATION.match(text, start)
        if match is not None:
            declared[match[1] or ""] = match[2]
            last = end
    return declared, last


def place(text: str, blocks: list[Block], sources: frozenset[str] = frozenset()):
    """Return ``text`` with the ``blocks`` that have a place in its layout written there, and
    the blocks that have none (in their order), for the caller to append.

    ``sources`` are the source documents the file holds, as it writes them: a new source
    document goes after the last of their blocks.
    """
    # Scanned only where a block may have a place: a file with no line like a section
    # heading has none but after its source documents (a generated 14 MB file: 0.17 s).
    placed = any(b.kind == SOURCE for b in blocks) \
        or any(b.kind for b in blocks) and _SECTION_LINE.search(text)
    layout = scan(text) if placed else None
    if layout is None:
        return text, list(blocks)
    # name -> (start of its heading line, end of that line, the section's end)
    sections: dict[str, tuple[int, int, int]] = {}
    headings = [(start, end, m.group(1).lower(), line) for start, end, line in layout.comments
                if (m := _SECTION.match(line))]
    for k, (start, end, name, _) in enumerate(headings):
        sections.setdefault(name, (start, end, headings[k + 1][0] if k + 1 < len(headings)
                                   else len(text)))
    declared = {}
    for start, _ in layout.directives:
        if match := _DECLARATION.match(text, start):
            declared[match[1] or ""] = match[2]
    named = lambda name: _iri(name, declared)  # noqa: E731
    parsed = cache(lambda: _claims_of(text))  # only if a heading or its absence needs it
    opened = ""  # a claims heading to write before the new groups: the file has none
    if _EVIDENCE in sections and _CLAIMS not in sections:
        start, heading_end, stop = sections[_EVIDENCE]
        first = next((s for s, _, subject in layout.statements
                      if heading_end <= s < stop and named(subject) in parsed()[0]), None)
        if first is None:
            sections[_CLAIMS] = (stop, stop, stop)
            line = next(line for s, _, _, line in headings if s == start)
            word = _SECTION.match(line).span(1)
            opened = "\n\n" + line[:word[0]] + "claims" + line[word[1]:] \
                + ("--" if line.endswith("-") else "")
        else:
            cut = layout.last_end(heading_end, first, heading_end)
            sections[_EVIDENCE], sections[_CLAIMS] = (start, heading_end, cut), (cut, cut, stop)
    groups = _groups(layout, sections.get(_CLAIMS), named, lambda: parsed()[1])
    last_source = max((end for start, end, subject in layout.statements if subject in sources),
                      default=None)
    pieces: list[tuple[int, int, str]] = []  # (where, order there, text)
    new_groups: dict[str, tuple[str, list[str]]] = {}  # IRI -> (as written, blocks)
    left = []
    for block in blocks:
        body = block.text.rstrip("\n")
        if block.kind == EVIDENCE and _EVIDENCE in sections:
            _, heading_end, stop = sections[_EVIDENCE]
            pieces.append((layout.last_end(heading_end, stop, heading_end), 0, "\n\n" + body))
        elif block.kind == EVIDENCE and _CLAIMS in sections:  # just above the claims heading
            pieces.append((sections[_CLAIMS][0], 0, body + "\n\n"))
        elif block.kind == SOURCE and last_source is not None:
            pieces.append((last_source, 0, "\n\n" + body))
        elif block.kind == CLAIM and named(block.entity) in groups:
            pieces.append((groups[named(block.entity)], 1, "\n\n" + body))
        elif block.kind == CLAIM and _CLAIMS in sections and block.entity:
            new_groups.setdefault(named(block.entity), (block.entity, []))[1].append(body)
        else:
            left.append(block)
    if new_groups:
        _, heading_end, stop = sections[_CLAIMS]
        # At the file's end (after a comment closing it too) where the claims heading is new.
        where = len(text.rstrip()) if opened else layout.last_end(heading_end, stop, heading_end)
        pieces += [(where, 2, (opened if k == 0 else "") + f"\n\n# {entity}\n\n"
                    + "\n\n".join(bodies)) for k, (entity, bodies) in enumerate(new_groups.values())]
    out, at = [], 0
    for where, _, piece in sorted(pieces, key=lambda p: (p[0], p[1])):
        out += [text[at:where], piece]
        at = where
    return "".join(out) + text[at:], left


def _iri(name: str, declared: dict[str, str]) -> str:
    """Return the IRI a subject heading or a claim's rdf:subject names, as ``<IRI>``: a
    prefixed name by the file's prefixes, escapes undone; else the name as written."""
    if name.startswith("<") and name.endswith(">"):
        return name
    prefix, colon, local = name.partition(":")
    if not colon or prefix not in declared:
        return name
    return "<" + declared[prefix] + _ESCAPE.sub(r"\1", local) + ">"


def _claims_of(text: str) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Return the claims Turtle ``text`` states (nodes of type ag:Claim or with an
    rdf:subject) and, per claim with an rdf:subject, the subjects it gives, each as
    ``<IRI>``; none when it does not parse."""
    try:
        triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError):
        return frozenset(), {}
    claims, about = set(), {}
    for t in triples:
        if t.predicate == _RDF_SUBJECT or (t.predicate == _TYPE and t.object == _KIND_NODES[CLAIM]):
            claims.add(str(t.subject))
        if t.predicate == _RDF_SUBJECT and isinstance(t.object, ox.NamedNode):
            about[str(t.subject)] = about.get(str(t.subject), frozenset()) | {str(t.object)}
    return frozenset(claims), about


def _groups(layout: Layout, claims: tuple[int, int, int] | None, named, about) -> dict[str, int]:
    """Return, per subject heading of the claims section (module docstring), by the IRI it
    names (``named``), where a block joins its group: after the group's last statement, else
    after the heading.  ``about()`` maps each claim of the file to the rdf:subjects it gives."""
    if claims is None:
        return {}
    _, heading_end, stop = claims
    lines = []  # comment lines starting with a name: (start, end, IRI)
    for start, end, line in layout.comments:
        if heading_end <= start < stop and not _SECTION.match(line) \
                and (m := _GROUP.match(line)):
            name = m[1] if m[1].startswith("<") else m[1].rstrip(".:")
            if (iri := named(name)).startswith("<"):
                lines.append((start, end, iri))
    # A line naming a subject, alone or with words after it: True when the first claim below
    # it (before the next such line) is about its subject, False when about another, None
    # when no claim follows.
    heads = []
    for k, (_, end, iri) in enumerate(lines):
        until = lines[k + 1][0] if k + 1 < len(lines) else stop
        heads.append(next((iri in subjects for _, _, written in layout.starting_in(end, until)
                           if (subjects := about().get(named(written)))), None))
    headed = {iri for (_, _, iri), head in zip(lines, heads) if head}
    found = []  # a line naming the subject of the group it stands in continues that group
    for (start, end, iri), head in zip(lines, heads):
        if (head or (head is None and iri not in headed)) and (not found or found[-1][2] != iri):
            found.append((start, end, iri))
    groups: dict[str, int] = {}
    for k, (_, end, iri) in enumerate(found):
        group_stop = found[k + 1][0] if k + 1 < len(found) else stop
        groups.setdefault(iri, layout.last_end(end, group_stop, end))
    return groups
