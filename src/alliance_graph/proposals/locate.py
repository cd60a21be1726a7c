"""Find the file and line of a finding: of its triple, of its node, or of the claim behind a
derived plain triple.

A blank node has no name to search for, so its line is the line of the triple that points at
it, found from its parent's line.  Lines are worked out once per node, walking the chain of
parents iteratively, so nodes nested thousands deep cost one step each, never a recursion.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..build import truthy
from ..build.lines import LineIndex
from ..rdf import file_of
from .inputs import Inputs

_TYPE = str(RDF.type)


class Locator:
    """Find the file and line of a triple, a node or a derived plain triple."""

    def __init__(self, inputs: Inputs):
        self.proposals = inputs.proposals
        self.lines = LineIndex(inputs.texts)
        self.graphs_of: dict[tuple, list[str]] = defaultdict(list)
        self.parent: dict[ox.BlankNode, tuple] = {}
        # node -> the files stating something of it, in the order first met
        self.stated_in: dict[ox.Node, dict[str, None]] = defaultdict(dict)
        for q in inputs.quads:
            g = file_of(q.graph_name)
            self.graphs_of[(q.subject, q.predicate, q.object)].append(g)
            self.stated_in[q.subject][g] = None
            if isinstance(q.object, ox.BlankNode):
                self.parent[q.object] = (q.subject, q.predicate, g)
        self.claims: dict[tuple, list[tuple[str, ox.Node]]] = defaultdict(list)
        # subject -> (is not a type claim, file, claim node), for entities known by claims
        self.about: dict[ox.Node, list[tuple[bool, str, ox.Node]]] = defaultdict(list)
        for node, c in truthy.claims_of(inputs.quads).items():
            if {"s", "p", "o"} <= c.keys():
                g = file_of(c["graph"])
                self.claims[(c["s"], c["p"], c["o"])].append((g, node))
                self.about[c["s"]].append((c["p"].value != _TYPE, g, node))
        # blank node -> (line, column) just past the predicate that opens it
        self._blank_at: dict[ox.BlankNode, tuple[int, int] | None] = {}

    def _prefer(self, names: list[str]) -> str:
        for name in names:
            if name in self.proposals:
                return name
        return names[0]

    def node_line(self, name: str, node) -> int | None:
        """Return the line where ``node`` is described in file ``name`` (a blank node: where
        the triple pointing at it is written, in that triple's file)."""
        if isinstance(node, ox.NamedNode):
            return self.lines.line_of(name, node.value)
        if isinstance(node, ox.BlankNode) and node in self.parent:
            return self._blank_line(node)
        return None

    def _blank_line(self, node: ox.BlankNode) -> int | None:
        # Up the chain of parents to a named node or a blank node already placed ...
        chain, seen = [], set()
        while isinstance(node, ox.BlankNode) and node in self.parent \
                and node not in self._blank_at and node not in seen:
            seen.add(node)
            chain.append(node)
            node = self.parent[node][0]
        # ... then down again, each found after the predicate that opens its parent.
        for child in reversed(chain):
            s, p, g = self.parent[child]
            if isinstance(s, ox.BlankNode):
                start = self._blank_at.get(s)
            else:
                line = self.lines.line_of(g, s.value) if isinstance(s, ox.NamedNode) else None
                start = None if line is None else (line, 0)
            self._blank_at[child] = None if start is None else \
                self.lines.property_position(g, *start, p.value)
        at = self._blank_at.get(chain[0] if chain else node)
        return None if at is None else at[0]

    def triple_line(self, name: str, s, p, o) -> int | None:
        """Return the line of ``s p o`` in file ``name``: the property's line in s's block
        (a literal value's own line when it is written further down)."""
        start = self.node_line(name, s)
        if start is None or name not in self.lines.texts():
            return start
        line = self.lines.property_line(name, start, p.value)
        if isinstance(o, ox.Literal):
            return self.lines.value_line(name, line, o.value)
        return line

    def locate(self, focus, path, value, prefer: str | None = None):
        """Return (graph name, line) of a finding's triple, or of its focus node."""
        if prefer is not None:  # a check names the file: stay in it
            about = sorted((not_type, n.value) for not_type, g, n in self.about.get(focus, ())
                           if g == prefer)
            if about:
                return prefer, self.lines.line_of(prefer, about[0][1])
            return prefer, self.node_line(prefer, focus)
        if path is not None and value is not None:
            names = self.graphs_of.get((focus, path, value))
            if names:
                name = self._prefer(names)
                return name, self.triple_line(name, focus, path, value)
            claims = self.claims.get((focus, path, value))
            if claims:  # a derived plain triple: point at the claim that asserts it
                name = self._prefer([c[0] for c in claims])
                node = next(n for g, n in claims if g == name)
                return name, self.node_line(name, node)
        if isinstance(focus, ox.BlankNode) and focus in self.parent:
            _, _, g = self.parent[focus]
            return g, self.node_line(g, focus)
        # An entity described only through claims: point at its type claim, else any claim
        # about it, else any mention.
        about = sorted(self.about.get(focus, ()), key=lambda a: (a[0], a[1], str(a[2])))
        if about:
            name = self._prefer([g for _, g, _ in about])
            node = next(n for _, g, n in about if g == name)
            return name, self.node_line(name, node)
        # The file stating something of it, though its name be found nowhere in the text: a
        # finding placed by a text search alone went to no file where the search failed (a
        # file of carriage returns alone), and so out of its proposal's report.
        stated = self.stated_in.get(focus)
        if stated:
            name = self._prefer(list(stated))
            return name, self.node_line(name, focus)
        if isinstance(focus, ox.NamedNode):
            for name in [*self.proposals, *self.lines.texts()]:
                line = self.lines.line_of(name, focus.value)
                if line is not None:
                    return name, line
        return None, None
