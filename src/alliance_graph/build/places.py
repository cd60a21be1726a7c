"""Place a check's finding in its file the way ``validate`` places it (docs/validation.md).

A finding about one triple (a row with ``?path`` and ``?value``: a claim's ``rdf:predicate``, a
triple no claim states) is on the line writing that property in its node's block, a literal
value on its own line, and one about a plain triple a claim of the file derives on that claim's
``rdf:object`` line; a finding about one property of a node and no value (a count) is on the
first claim of the row's file giving that property; a finding about a node alone is on the
first line of its type claim in the row's file, else of another claim about it, else where the
node is written.  The build
placed every finding on its node's line alone: a claim's wrong ``rdf:predicate`` was its first
line, and an entity known by claims only was where its name first appeared (``rdf:subject
id:BlueFlg``), one line off what ``validate`` said of the same file.  These rules are
``validate``'s too (proposals/locate.py reads the graph from its parsed quads); the build's
``Places`` works over the store the checks ran on, so the streaming build, which holds no
quads in Python, places alike.  A blank node is placed where its label is
written as a subject (``_:loose a ag:Claim``), else at its ``[``, by the triple pointing at
it, up the chain of parents, iteratively, to a named node or a ``[ ... ]`` opening a
statement (found in the text by what it writes): of the ``[ ... ]`` its parent's predicate
opens, the one writing what the file states of it (else after that predicate); of several
alike, each node one of its own.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..namespaces import AG, RDF
from ..rdf import file_of, graph_iri, turtle_string
from .bracket_choice import BracketChoice
from .lines import LineIndex
from .loading import written_label
from .statements import value_key

_TYPE = ox.NamedNode(str(RDF.type))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_PREDICATE = ox.NamedNode(str(RDF.predicate))
_OBJECT = ox.NamedNode(str(RDF.object))
_FIRST = ox.NamedNode(str(RDF.first))
_CLAIM = ox.NamedNode(str(AG.Claim))
# What a line writes: a string's text between its quotes, an IRI between < >, a name or a
# number (its statement's final dot left out).
_WRITTEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|(<[^<>\s]*>|[^\s;,"\'<>()\[\]]+)')


def _key(o) -> tuple | None:
    """Return the key ``statements.py`` gives a named node or literal object, else None."""
    if isinstance(o, ox.NamedNode):
        return ("iri", o.value)
    return ("literal", o.value) if isinstance(o, ox.Literal) else None


class Places:
    """Find the line of a finding in a file: of its triple, of its node, or of the claim about
    its node that a finding on the node points at.

    The rules are here alone; what they read of the graph (the claims about a node, the triple
    pointing at a blank node, the label a file wrote a blank node with) is asked of a store,
    the one the build's checks ran on.  ``validate`` reads it from the quads it parsed
    (proposals/locate.py's ``Locator`` answers those three questions and chooses the file).
    """

    def __init__(self, store: ox.Store | None, lines: LineIndex):
        self.store = store
        self.lines = lines
        # blank node -> (line, column) just past the predicate that opens it, or None
        self._blank_at: dict[ox.BlankNode, tuple[int, int] | None] = {}
        # (file, node, its block's line, property) -> the lines of its blocks writing the
        # property, and the line each term or string of theirs is first written on
        self._writing: dict[tuple, tuple[list[int], dict[str, int] | None]] = {}
        # of several [ ... ] one predicate opens, the one each blank node is
        self._choice = BracketChoice(self)

    # What the rules read of the graph.

    def claims(self, name: str, focus) -> list[tuple[bool, ox.Node, ox.Node]]:
        """Return (is not a type claim, claim, its predicate) for each claim of file ``name``
        about ``focus`` (typed ag:Claim there, with an rdf:predicate and an rdf:object)."""
        graph = graph_iri(name)
        found = []
        for q in self.store.quads_for_pattern(None, _SUBJECT, focus, graph):
            claim = q.subject
            if not any(True for _ in self.store.quads_for_pattern(claim, _TYPE, _CLAIM, graph)):
                continue
            if not self._has(claim, _PREDICATE) or not self._has(claim, _OBJECT):
                continue
            predicate = next(self.store.quads_for_pattern(claim, _PREDICATE, None, None)).object
            found.append((predicate != _TYPE, claim, predicate))
        return found

    def parent(self, node: ox.BlankNode, name: str) -> tuple | None:
        """Return (subject, predicate, file) of the triple of file ``name`` pointing at
        ``node``, or None."""
        q = next(iter(self.store.quads_for_pattern(None, None, node, graph_iri(name))), None)
        return None if q is None else (q.subject, q.predicate, file_of(q.graph_name))

    def label(self, node: ox.BlankNode) -> str | None:
        """Return the label the file wrote ``node`` with (``loose`` of ``_:loose``), if any."""
        return written_label(node)

    def described(self, node: ox.BlankNode, name: str) -> list[str]:
        """Return the IRIs of the predicates and objects file ``name`` states of ``node``."""
        return [t.value for q in self.store.quads_for_pattern(node, None, None, graph_iri(name))
                for t in (q.predicate, q.object) if isinstance(t, ox.NamedNode)]

    def stated(self, node: ox.BlankNode, name: str) -> list[tuple]:
        """Return (predicate, object) of each triple file ``name`` states of ``node``."""
        return [(q.predicate, q.object)
                for q in self.store.quads_for_pattern(node, None, None, graph_iri(name))]

    def stating(self, name: str, s, p, o):
        """Return a claim of file ``name`` stating ``s p o`` (with that rdf:subject,
        rdf:predicate and rdf:object), the first by name, or None."""
        graph = graph_iri(name)
        found = [q.subject for q in self.store.quads_for_pattern(None, _SUBJECT, s, graph)
                 if self._states(q.subject, _PREDICATE, p, graph)
                 and self._states(q.subject, _OBJECT, o, graph)]
        return min(found, key=lambda c: c.value) if found else None

    def _states(self, node, predicate, value, graph) -> bool:
        return any(True for _ in self.store.quads_for_pattern(node, predicate, value, graph))

    def _has(self, node, predicate) -> bool:
        return any(True for _ in self.store.quads_for_pattern(node, predicate, None, None))

    # The rules.

    def line(self, name: str, focus, path=None, value=None) -> int | None:
        """Return the line in file ``name`` of a finding on ``focus`` (and on its triple
        ``focus path value`` when the check names one)."""
        if path is not None and value is not None:
            return self.triple_line(name, focus, path, value)
        claim = self.claim_about(name, focus, path)
        return self.node_line(name, claim if claim is not None else focus)

    def claim_about(self, name: str, focus, path=None):
        """Return the claim of file ``name`` about ``focus`` a finding on it points at: one
        giving the finding's property ``path`` first, the first written (a second label is on
        a label claim, not on the entity's type claim), then its type claim, then the others
        by name, or None."""
        if not isinstance(focus, (ox.NamedNode, ox.BlankNode)):
            return None
        found = self.claims(name, focus)
        giving = [claim for _, claim, p in found if p == path]
        if path is not None and giving:  # the first written, as the file is read
            return min(giving, key=lambda c: (self.node_line(name, c) or 0, c.value))
        return min(found, key=lambda f: (f[0], f[1].value))[1] if found else None

    def triple_line(self, name: str, s, p, o) -> int | None:
        """Return the line of ``s p o`` in file ``name``: the ``rdf:object`` line of the claim
        of the file stating it, the line the analyst changes (a plain triple the claim
        derives; the claim's first line said nothing of which of its lines was wrong, and the
        build placed it on the first line of another claim about ``s``), else the property's
        line in s's block (a literal value's own line when it is written further down)."""
        if isinstance(p, ox.NamedNode) and o is not None and s is not None:
            claim = self.stating(name, s, p, o)
            if claim is not None:
                return self._property_line(name, claim, _OBJECT, o)
        return self._property_line(name, s, p, o)

    def written_line(self, name: str, s, p, o) -> int | None:
        """Return the line of ``s p o`` in file ``name`` only where the file's text writes
        that triple (the claim's ``rdf:object``, the statement's value), else None: no node or
        property line stands in.  For a text that may have changed since the quads were read
        (``validate`` against the prebuilt graph reads a data file for a line afterwards): a
        rank edited in the file, or its line deleted, was still named at its old property's
        line, or the claim's first, as giving the graph's value."""
        if isinstance(p, ox.NamedNode) and o is not None and s is not None:
            claim = self.stating(name, s, p, o)
            if claim is not None:
                return self._written_line(name, claim, _OBJECT, o)
        return self._written_line(name, s, p, o)

    def _property_line(self, name: str, s, p, o) -> int | None:
        written = self._written_line(name, s, p, o)
        if written is not None:
            return written
        start = self.node_line(name, s)
        if start is None:
            return start
        line = self._in_blocks(name, s, start, p.value, o) if isinstance(p, ox.NamedNode) \
            else start
        if isinstance(o, ox.Literal):
            return self.lines.value_line(name, line, o.value)
        return line

    def _written_line(self, name: str, s, p, o) -> int | None:
        """Return the line of the object of ``s p o`` as the file's statements write it, read
        from its tokens (``statements.py``), if its subject is named or found there."""
        if not isinstance(p, ox.NamedNode):
            return None
        value = _key(o) or (("_", self.label(o)) if isinstance(o, ox.BlankNode)
                            and self.label(o) is not None else None)
        if value is None and isinstance(o, ox.BlankNode):
            return self._bracket_line(name, s, p, o)
        if value is None:
            return None
        # A literal by its datatype or language first, then by its value alone, then a number
        # or boolean by what it is worth (the store's "1000" is the file's 1e3).
        values = [(*value, "@" + o.language.lower() if o.language else o.datatype.value),
                  value, value_key(o.value, o.datatype.value)] if isinstance(o, ox.Literal) \
            else [value]
        objects = self.lines.statements(name).objects
        for subject in self._subjects(name, s):
            line = next((objects[k] for v in values if (k := (subject, p.value, v)) in objects),
                        None)
            if line is not None:
                return line
        # A label no file writes (validate's Locator gives a [ ... ]'s node the parser's):
        # its [ ... ], where a claim's rdf:object [ ... ] was placed on its first rdf:object.
        return self._bracket_line(name, s, p, o) if isinstance(o, ox.BlankNode) else None

    def _bracket_line(self, name: str, s, p, o: ox.BlankNode) -> int | None:
        """Return the line of the ``[ ... ]`` writing ``o`` as the object of ``s p`` in file
        ``name``, of those ``s p`` opens (``_opened``): a claim's rdf:object [ ... ] was placed
        on the claim's first rdf:object line, another value's (claim-multiple named it there,
        and not from that line).  Not a list's node, written ( ... )."""
        if any(predicate == _FIRST for predicate, _ in self.stated(o, name)):
            return None
        start = self._blank_position(s, name) if isinstance(s, ox.BlankNode) else None
        opened = self._opened(o, s, p, name, start)
        return None if opened is None else opened[1]

    def _subjects(self, name: str, s):
        """Yield the keys ``statements.py`` may give subject ``s`` in file ``name``: its IRI,
        its label, else the ``[ ... ]`` written where it is placed (the first "[" after the
        predicate opening it: an inner one's value was searched for from there as text)."""
        if isinstance(s, ox.NamedNode):
            yield ("iri", s.value)
        elif isinstance(s, ox.BlankNode):
            if self.label(s) is not None:
                yield ("_", self.label(s))
            at = self._blank_position(s, name)
            opened = None if at is None else self.lines.statements(name).bracket_after(*at)
            if opened is not None:
                yield opened

    def _opened(self, node: ox.BlankNode, s, p, file: str, start) -> tuple | None:
        """Return the ``[ ... ]`` of ``file`` writing ``node``, of those ``s p`` opens
        (``statements.py``): the one writing what the file states of it, of several alike
        one of its own (``bracket_choice.py``).  Placed after the predicate, each was on the
        first: an evidence node's second selector, and the findings on its properties, were
        on the first's line."""
        parents = [("iri", s.value)] if isinstance(s, ox.NamedNode) else \
            ([("[", *start)] if start else []) + \
            ([("_", self.label(s))] if self.label(s) is not None else [])
        statements = self.lines.statements(file)
        opening = next(((parent, p.value) for parent in parents
                        if (parent, p.value) in statements.children), None)
        found = statements.children.get(opening, [])
        if len(found) < 2:
            return found[0] if found else None
        return self._choice.choose(node, file, opening, found)

    def _in_blocks(self, name: str, s, start: int, p: str, o) -> int:
        """Return the line writing property ``p`` in a block of ``s`` in file ``name``: of the
        block writing ``o`` there too where several write ``p``, else of the first writing
        ``p``, else ``start``.  A node written in several statements (its block, a line added
        below) had each finding on a triple of the others on its first block's first line.

        The blocks' lines writing ``p``, and what each writes, are read once per node and
        property: each finding went over every block of its node, and then over their lines
        for its value, and 6,000 labels of one node written a line each took 16 s to place."""
        key = (name, s, start, p)
        if key not in self._writing:
            blocks = [start] + (self.lines.block_lines(name, s.value)
                                if isinstance(s, ox.NamedNode) else [])
            found = []
            for block in blocks:
                line, column = self.lines.property_position(name, block, 0, p)
                if column:
                    found.append(line)
            self._writing[key] = (found, None)
        found, written_on = self._writing[key]
        if len(found) > 1 and isinstance(o, (ox.NamedNode, ox.Literal)):
            if written_on is None:  # each term and string a line writes, and its first line
                lines = self.lines.lines(name)
                written_on = {}
                for line in found:
                    for term in _WRITTEN.finditer(lines[line - 1]):
                        written_on.setdefault(next(t for t in term.groups() if t is not None)
                                              .removesuffix("."), line)
                self._writing[key] = (found, written_on)
            written = self.lines.spellings(name, o.value) if isinstance(o, ox.NamedNode) else \
                [o.value, turtle_string(o.value)[1:-1]]
            return min((written_on[w] for w in written if w in written_on), default=found[0])
        return found[0] if found else start

    def node_line(self, name: str, node) -> int | None:
        """Return the line where ``node`` is described in file ``name`` (a blank node: where
        its label is written as a subject, else at its "[", or the predicate pointing at it)."""
        if isinstance(node, ox.NamedNode):
            return self.lines.line_of(name, node.value)
        if isinstance(node, ox.BlankNode):
            label = self._label_line(name, node)
            if label is not None:
                return label
            at = self._blank_position(node, name)
            return None if at is None else at[0]
        return None

    def label_line(self, name: str, label: str) -> int | None:
        """Return the line where file ``name`` first writes blank node ``_:label`` as a
        subject, if it does."""
        # As the file's statements read (statements.py, once per file): a search of each line's
        # start took "_:b" written in a long string for it, and missed one after another
        # statement's "." on its line (its findings had no line).
        opened = self.lines.statements(name).subjects.get(("_", label))
        return opened[0] if opened else None

    def _label_line(self, name: str, node: ox.BlankNode) -> int | None:
        """Return the line where the file first writes ``_:label`` of ``node`` as a subject,
        if it wrote it so."""
        label = self.label(node)
        return None if label is None else self.label_line(name, label)

    def _blank_position(self, node: ox.BlankNode, name: str) -> tuple[int, int] | None:
        # Up the chain of parents to a named node or a blank node already placed ...
        chain, seen, top = [], set(), node
        while isinstance(top, ox.BlankNode) and top not in self._blank_at and top not in seen:
            parent = self.parent(top, name)
            if parent is None:
                break
            seen.add(top)
            chain.append((top, parent))
            top = parent[0]
        if isinstance(top, ox.BlankNode) and top not in self._blank_at and top not in seen:
            # A [ ... ] opening a statement: no triple points at it, so its text tells where.
            file = chain[-1][1][2] if chain else name
            self._blank_at[top] = self.lines.blank_subject(file, self.described(top, file))
        # ... then down again, each found after the predicate that opens its parent.
        for child, (s, p, file) in reversed(chain):
            if isinstance(s, ox.BlankNode):
                start = self._blank_at.get(s)
            else:
                line = self.lines.line_of(file, s.value) if isinstance(s, ox.NamedNode) else None
                start = None if line is None else (line, 0)
            opened = self._opened(child, s, p, file, start)
            if opened is not None:  # its own "[", found by what it writes
                self._blank_at[child] = opened[1:]
                continue
            self._blank_at[child] = None if start is None else \
                self.lines.property_position(file, *start, p.value)
        return self._blank_at.get(node)
