"""Which ``[ ... ]`` of a file a blank node of the graph is, of the several its parent's
predicate opens (``Places._blank_position``): the one writing what the file states of it.

A node is first looked for by its triples' lookups (``statements.py``'s ``written``, a
number by its value), its rarest first, one no such ``[ ... ]`` writes passed over, then by
what its own ``[ ... ]`` write, and theirs, down to ``DEPTH`` levels (``_candidates``):
thousands of ``[ ... ]`` under one predicate compared each with each were minutes.  Those left are then compared whole, down to ``DEPTH`` levels: each triple of
the node written by the ``[ ... ]``, a literal by its language or datatype too (the lookups
take ``"a"@en`` for ``"a"``), a number by its value (``+7`` for the store's ``7``, which no
lookup finds), a ``_:label`` by its label, its own ``[ ... ]`` alike.  Told apart by one
level only, two nodes differing three levels down, or by a literal's language or datatype,
or by a number not written as the store gives it back, were each placed at the first ``[``
of the two left, or at the other, as the findings were asked for: both on one line.

Of those left, which the graph cannot tell apart, each node takes one of its own, the first
not yet taken, one writing no more than it states first.  The choice is made once per kind of
node (what it states, ``_shape``), each node of that kind taking the next: made anew for
each, 4,000 alike took 10 s to place, and 10,000 about a minute.
"""

from __future__ import annotations

import pyoxigraph as ox

from .statements import value_key

# How many levels of [ ... ] below a node are compared (a chain thousands deep is not).
DEPTH = 8


class BracketChoice:
    """The ``[ ... ]`` each blank node of a file is, chosen for ``places`` (a ``Places``: the
    triples the file states of a node, its label, the file's statements)."""

    def __init__(self, places):
        self.places = places
        # (file, the subject and predicate opening them) -> the [ ... ] given to a node
        self._given: dict[tuple, set[tuple]] = {}
        # (file, opening, a node's shape) -> [the [ ... ] such a node may be, best first,
        # the first of them maybe not yet given]
        self._ranked: dict[tuple, list] = {}
        self._counted: dict[str, dict[tuple, int]] = {}
        self._found: dict[tuple, set | None] = {}  # (file, a shape) -> ``_candidates``

    def choose(self, node: ox.BlankNode, file: str, opening: tuple, found: list[tuple]) -> tuple:
        """Return the ``[ ... ]`` of ``found`` (those ``opening`` opens in ``file``) that
        ``node`` is, and take it: no other node is given it while one is left."""
        shape, size = self._shape(node, file, DEPTH)
        key = (file, opening, shape)
        if key not in self._ranked:
            self._ranked[key] = [self._rank(shape, size, file, opening, found), 0]
        ranked, at = self._ranked[key]
        given = self._given.setdefault((file, opening), set())
        while at < len(ranked) and ranked[at] in given:
            at += 1
        self._ranked[key][1] = at
        chosen = ranked[at] if at < len(ranked) else ranked[0]
        given.add(chosen)
        return chosen

    def _shape(self, node: ox.BlankNode, file: str, depth: int) -> tuple[frozenset, int]:
        """Return what the file states of ``node`` as statements.py keys it, and how many
        triples: ("iri", predicate, IRI), ("literal", predicate, value, its language or
        datatype, its value's key), ("_", predicate, label) for a ``_:label`` the file writes
        so, ("[", predicate, its shape) for another blank node (None below ``depth``)."""
        statements = self.places.lines.statements(file)
        shape, size = set(), 0
        for q, o in self.places.stated(node, file):
            size += 1
            p = q.value
            if isinstance(o, ox.NamedNode):
                shape.add(("iri", p, o.value))
            elif isinstance(o, ox.Literal):
                tag = "@" + o.language.lower() if o.language else o.datatype.value
                shape.add(("literal", p, o.value, tag, value_key(o.value, o.datatype.value)))
            elif isinstance(o, ox.BlankNode):
                label = self.places.label(o)
                if label is not None and (p, ("_", label)) in statements.written:
                    shape.add(("_", p, label))
                else:
                    shape.add(("[", p, self._shape(o, file, depth - 1)[0] if depth else None))
            else:  # an RDF 1.2 triple term: not compared
                shape.add(("?", p))
        return frozenset(shape), size

    def _rank(self, shape: frozenset, size: int, file: str, opening: tuple,
              found: list[tuple]) -> list[tuple]:
        """Return the ``[ ... ]`` of ``found`` a node of ``shape`` may be, best first: those
        writing all of it (one writing no more first), then those the lookups left."""
        writers = self._writers(shape, file, opening)
        kept = self._narrowed(shape, file, writers)
        if writers is None:  # told by its own [ ... ] alone, or by nothing: all of found
            parents = self.places.lines.statements(file).parents
            kept = {b for b in kept or () if parents.get(b) == opening} or set(found)
        whole = [b for b in sorted(kept) if self._writes(b, shape, file)]
        if not whole and len(kept) < len(found):  # the lookups went astray: each compared
            whole = [b for b in found if self._writes(b, shape, file)]
        sizes = self._sizes(file)
        rest = sorted(set(kept).difference(whole))
        return sorted(whole, key=lambda b: sizes.get(b, 0) != size) + \
            sorted(rest, key=lambda b: sizes.get(b, 0) != size)

    def _narrowed(self, shape: frozenset, file: str, kept: set | None) -> set | None:
        """Return those of ``kept`` (None: any) holding, under each predicate of ``shape``
        opening a ``[ ... ]``, one its own ``[ ... ]`` may be (``_candidates``)."""
        parents = self.places.lines.statements(file).parents
        for part in shape:
            if part[0] == "[" and part[2] is not None and (kept is None or len(kept) > 1):
                inner = self._candidates(part[2], file)
                if inner:
                    holding = {opened[0] for b in inner
                               if (opened := parents.get(b)) and opened[1] == part[1]}
                    kept = holding if kept is None else kept & holding or kept
        return kept

    def _candidates(self, shape: frozenset, file: str) -> set | None:
        """Return the ``[ ... ]`` of ``file`` a node of ``shape`` may be, by the lookups of
        what it writes and, below, of what its own ``[ ... ]`` write (None: no lookup tells):
        by one level only, a node told apart three levels down was compared with every
        ``[ ... ]`` its predicate opens (2,000 took 11 s)."""
        key = (file, shape)
        if key not in self._found:
            self._found[key] = self._narrowed(shape, file, self._writers(shape, file))
        return self._found[key]

    def _writers(self, shape: frozenset, file: str, opening=None) -> set | None:
        """Return the ``[ ... ]`` of ``file`` (opened by ``opening``, if given) writing each
        named, literal or labelled object of ``shape``, by the lookups, its rarest first, one
        no such ``[ ... ]`` writes passed over; None where it has none."""
        statements = self.places.lines.statements(file)
        keys = [(part[1], ("iri", part[2]) if part[0] == "iri" else ("_", part[2])
                 if part[0] == "_" else part[4] or ("literal", part[2]))
                for part in shape if part[0] in ("iri", "literal", "_")]
        kept = None
        for writing in sorted((statements.written.get(key, set()) for key in keys), key=len):
            both = {b for b in writing if opening is None or statements.parents.get(b) == opening} \
                if kept is None else kept & writing
            kept = both or kept
        return kept

    def _writes(self, bracket: tuple, shape: frozenset | None, file: str) -> bool:
        """Return whether the ``[ ... ]`` ``bracket`` writes every triple of ``shape``."""
        if shape is None:  # below the levels compared
            return True
        statements = self.places.lines.statements(file)
        objects = statements.objects
        for part in shape:
            kind, p = part[0], part[1]
            if kind == "iri":
                ok = (bracket, p, ("iri", part[2])) in objects
            elif kind == "literal":
                ok = (bracket, p, ("literal", part[2], part[3])) in objects or \
                    part[4] is not None and (bracket, p, part[4]) in objects
            elif kind == "_":
                ok = (bracket, p, ("_", part[2])) in objects
            elif kind == "[":
                ok = any(self._writes(inner, part[2], file)
                         for inner in statements.children.get((bracket, p), ()))
            else:
                ok = True
            if not ok:
                return False
        return True

    def _sizes(self, file: str) -> dict[tuple, int]:
        """Return how many triples each ``[ ... ]`` of ``file`` writes (read once per file)."""
        if file not in self._counted:
            statements = self.places.lines.statements(file)
            sizes: dict[tuple, int] = {}
            for (s, _, o) in statements.objects:  # each triple once: by its untyped key
                if s[0] == "[" and len(o) == 2:
                    sizes[s] = sizes.get(s, 0) + 1
            for s, _ in statements.parents.values():
                if s[0] == "[":
                    sizes[s] = sizes.get(s, 0) + 1
            self._counted[file] = sizes
        return self._counted[file]
