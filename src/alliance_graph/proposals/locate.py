"""Find the file and line of a finding: of its triple, of its node, or of the claim behind a
derived plain triple.

Within a file the rules are the build's (``build.places.Places``: a triple on its property's
line in its node's block, a node alone on its type claim, a blank node at its ``[``, found
by the triple pointing at it); the ``Locator`` reads what they ask of the graph from the quads a
validation parsed, and chooses the file, a proposal before the graph's files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..build import truthy
from ..build.lines import LineIndex
from ..build.places import Places
from ..build.statements import value_key
from ..rdf import file_of
from .inputs import Inputs

_TYPE = str(RDF.type)


def _same(term):
    """Return what ``term`` is looked up by: a number or boolean by its value (the checks'
    store gives 1e3 back as "1000", rdflib as "1000.0": neither was found among the parsed
    quads, and its finding went to its node's first line), any other term itself."""
    if isinstance(term, ox.Literal) and not term.language:
        return value_key(term.value, term.datatype.value) or term
    return term


class Locator(Places):
    """Find the file and line of a triple, a node or a derived plain triple."""

    def __init__(self, inputs: Inputs, read_data: bool = False):
        # ``read_data``: a data file validation did not read is read when a line of it is
        # asked (``Inputs.data_text``), where a finding names a value it holds.
        super().__init__(None, LineIndex(inputs.texts, inputs.data_text if read_data else None))
        self.proposals = inputs.proposals
        self.graphs_of: dict[tuple, list[str]] = defaultdict(list)
        self._parents: dict[ox.BlankNode, tuple] = {}
        # blank node -> (file, predicate, object) of the triples stating something of it
        self._of_blank: dict[ox.BlankNode, list[tuple]] = defaultdict(list)
        # node -> the files stating something of it, in the order first met
        self.stated_in: dict[ox.Node, dict[str, None]] = defaultdict(dict)
        for q in inputs.quads:
            g = file_of(q.graph_name)
            self.graphs_of[(q.subject, q.predicate, _same(q.object))].append(g)
            self.stated_in[q.subject][g] = None
            if isinstance(q.subject, ox.BlankNode):
                self._of_blank[q.subject].append((g, q.predicate, q.object))
            if isinstance(q.object, ox.BlankNode):
                self._parents[q.object] = (q.subject, q.predicate, g)
        self._claims: dict[tuple, list[tuple[str, ox.Node]]] = defaultdict(list)
        # subject -> (is not a type claim, file, claim node, its predicate), for entities
        # known by claims
        self.about: dict[ox.Node, list[tuple[bool, str, ox.Node, ox.Node]]] = defaultdict(list)
        self.fact_of: dict[ox.Node, tuple] = {}  # claim -> its (subject, predicate, object)
        for node, c in truthy.claims_of(inputs.quads).items():
            if {"s", "p", "o"} <= c.keys():
                g = file_of(c["graph"])
                self.fact_of[node] = (c["s"], c["p"], c["o"])
                self._claims[(c["s"], c["p"], _same(c["o"]))].append((g, node))
                self.about[c["s"]].append((c["p"].value != _TYPE, g, node, c["p"]))

    # What the rules of ``Places`` read of the graph, from the parsed quads.

    def claims(self, name: str, focus) -> list[tuple[bool, ox.Node, ox.Node]]:
        return [(not_type, node, p) for not_type, g, node, p in self.about.get(focus, ())
                if g == name]

    def parent(self, node: ox.BlankNode, name: str) -> tuple | None:
        # The triple pointing at it in whichever file states it (a proposal's blank node is
        # its own file's alone).
        return self._parents.get(node)

    def described(self, node: ox.BlankNode, name: str) -> list[str]:
        return [t.value for g, p, o in self._of_blank.get(node, ()) if g == name
                for t in (p, o) if isinstance(t, ox.NamedNode)]

    def stated(self, node: ox.BlankNode, name: str) -> list[tuple]:
        return [(p, o) for g, p, o in self._of_blank.get(node, ()) if g == name]

    def stating(self, name: str, s, p, o):
        found = [node for g, node in self._claims.get((s, p, _same(o)), ()) if g == name]
        return min(found, key=lambda c: c.value) if found else None

    def holds(self, s, p, o) -> bool:
        """Return whether the inputs state ``s p o`` or a claim of theirs derives it."""
        return (s, p, _same(o)) in self.graphs_of or (s, p, _same(o)) in self._claims

    def claims_stating(self, s, p, o) -> list[tuple[str, ox.Node]]:
        """Return (file, claim) for each claim stating the triple ``s p o``."""
        return self._claims.get((s, p, _same(o)), [])

    def label(self, node: ox.BlankNode) -> str | None:
        # A proposal's nodes keep the labels it wrote (``[ ]``'s are the parser's, written
        # nowhere).
        return node.value

    def _prefer(self, names: list[str]) -> str:
        for name in names:
            if name in self.proposals:
                return name
        return names[0]

    def locate(self, focus, path, value, prefer: str | None = None):
        """Return (graph name, line) of a finding's triple, or of its focus node."""
        if prefer is not None:  # a check names the file: stay in it
            return prefer, self.line(prefer, focus)
        if path is not None and value is not None:
            names = self.graphs_of.get((focus, path, _same(value)))
            if names:
                name = self._prefer(names)
                return name, self.triple_line(name, focus, path, value)
            claims = self._claims.get((focus, path, _same(value)))
            if claims:  # a derived plain triple: at the claim's rdf:object, which asserts it
                name = self._prefer([c[0] for c in claims])
                return name, self.triple_line(name, focus, path, value)
        if isinstance(focus, ox.BlankNode) and focus in self._parents:
            _, _, g = self._parents[focus]
            return g, self.node_line(g, focus)
        # An entity described only through claims: point at its type claim, else any claim
        # about it, else any mention.
        # A finding on one property of it (a second label) is in a file whose claim gives that
        # property: the proposal adding the label, not whichever proposal came first.
        about = sorted(self.about.get(focus, ()), key=lambda a: (a[3] != path, a[0], a[1],
                                                                  str(a[2])))
        if about:
            giving = [g for _, g, _, p in about if p == path]
            name = self._prefer(giving or [g for _, g, _, _ in about])
            return name, self.line(name, focus, path)
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


def data_lines(inputs: Inputs, locator: Locator) -> Callable:
    """Return ``triple_line`` over every input file: ``locator``'s when validation read data/,
    else a locator's reading a data file the first time a line of it is asked, made then
    (against the prebuilt graph data/ is not read, and most validations ask it nothing), its
    ``written_line``: the file may have been edited since the build, and a line is named only
    where the text still writes the graph's triple."""
    read = inputs.texts
    if all(name in read for _, name, _ in inputs.data):
        return locator.triple_line
    made: list[Locator] = []

    def line(name: str, s, p, o) -> int | None:
        if not made:
            made.append(Locator(inputs, read_data=True))
        return made[0].written_line(name, s, p, o)
    return line
