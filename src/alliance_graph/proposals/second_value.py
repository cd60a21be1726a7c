"""Say where the other value is when a proposal gives a node of data/ a second one.

README's amendments add to a claim of data/ (a note, a link, a qualifier), and a contributor
reads them as a way to change one too: ``claim:X ag:rank ag:PreferredRank .`` to rank a claim
anew.  ``add`` only adds, so the claim then has two ranks, and the shapes say "A claim needs
exactly one ag:rank" of the proposal's line, the rank already there unnamed.  ``second_value``
names it, its file and line (``data/exercises.ttl:221``: the file alone left the rank to be
searched for), and says how a value is replaced.  A value a claim of data/ gives
(``ag:toYear`` of an agreement known by claims) is named with its claim: a proposal's claim of
another value made the plain graph hold two, and the finding on the count read as the finding
on the new value's datatype did, word for word; the two claims are ranked, not edited away.  A node of data/ a proposal describes again as
if new (``ev:000-stockpiles``, an evidence node's name taken for a new one's) gets a second
quote, said "needs exactly one oa:hasSelector [ a oa:TextQuoteSelector ... ]" of the proposal's
block, the node of data/ unnamed: the finding says the node is described there already and
that a new one needs a name of its own.  A node given two values in the proposals alone (a
claim's two ``rdf:object``) was told "needs exactly one rdf:object" on its first line, neither
value named: the finding names each and its line, as the build's ``claim-multiple`` does
(``build/other_values.py``).
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from ..build import other_values, truthy
from ..rdf import file_of
from .report import Finding, term_said


def _said(term) -> str:
    # The node whole, between brackets: the message gives it to look for in the files.
    return term_said(term, prefixed=False)


_MAX_COUNT = "http://www.w3.org/ns/shacl#MaxCountConstraintComponent"
_QUALIFIED_MAX = "http://www.w3.org/ns/shacl#QualifiedMaxCountConstraintComponent"


def second_value(finding: Finding, quads: list[ox.Quad], proposed: set[str],
                 shown=lambda name: name, line_of=None) -> str:
    """Return ``finding``'s message, with the values the rest of the graph gives its node for
    its property when it is a count past a maximum that a proposal made so by adding one
    (``shown`` names a file as the report does), else, given ``line_of`` (file, s, p, o ->
    the line writing that triple), with each value and its place (``SecondValues`` for
    many findings of one graph)."""
    return SecondValues(quads, proposed, shown, line_of).said(finding)


class SecondValues:
    """What ``second_value`` says of the findings of one graph, its quads and claims indexed
    by node and property once: read again for each finding, 1,200 claims of two objects each
    took 21 s of a 29 s validate (every quad and every claim, for each)."""

    def __init__(self, quads: list[ox.Quad], proposed: set[str], shown=lambda name: name,
                 line_of=None):
        self.quads, self.proposed, self.shown, self.line_of = quads, proposed, shown, line_of
        self._given: dict[tuple, list[ox.Quad]] | None = None
        self._claims: dict[tuple, list[tuple]] | None = None

    def given(self, node, path) -> list[ox.Quad]:
        """Return the quads giving ``node`` a value of ``path``, in the graph's order."""
        if self._given is None:
            self._given = {}
            for q in self.quads:
                self._given.setdefault((q.subject, q.predicate), []).append(q)
        return self._given.get((node, path), [])

    def claims(self, node, path) -> list[tuple]:
        """Return (claim, its fields) of each claim giving ``node`` a value of ``path`` that
        the plain graph holds (a preferred or normal rank)."""
        if self._claims is None:
            self._claims = {}
            for claim, c in truthy.claims_of(self.quads).items():
                if "o" in c and c.get("rank") in (truthy.PREFERRED, truthy.NORMAL):
                    self._claims.setdefault((c.get("s"), c.get("p")), []).append((claim, c))
        return self._claims.get((node, path), [])

    def said(self, finding: Finding) -> str:
        """Return ``finding``'s message, as ``second_value`` says it."""
        if finding.component not in (_MAX_COUNT, _QUALIFIED_MAX) or not finding.path \
                or not finding.focus or finding.focus.startswith(("_:", '"')):
            return finding.message
        node, path = ox.NamedNode(finding.focus), ox.NamedNode(finding.path)
        given = self.given(node, path)
        held = [q for q in given if file_of(q.graph_name) not in self.proposed]
        added = len(held) < len(given)
        # Where a value of data/ is: file:line, the line the rival is written on (its file
        # alone left it to be searched for); the file where no line is found.
        at = functools.partial(_at, self.shown, self.line_of, node, path)
        if held:
            if not added:
                return finding.message
            if finding.component == _QUALIFIED_MAX:  # values that are blank nodes: the node's
                first: dict = {}  # file -> the first line of its values
                for q in held:
                    name, line = at(file_of(q.graph_name), q.object)
                    first[name] = min(first.get(name, line), line,
                                      key=lambda n: (n is None, n or 0))
                files = ", ".join(_where(name, line) for name, line in sorted(first.items()))
                return (f"{finding.message} ({_said(node)} is described in {files} already: a "
                        "proposal's facts about it are added to that node, so to describe "
                        "another one, give it a name of its own)")
            there = "; ".join(f"{_where(*place)} gives {value}" for place, value in sorted(
                {(at(file_of(q.graph_name), q.object), _said(q.object)) for q in held},
                key=lambda h: (h[0][0], h[0][1] or 0, h[1])))
            return (f"{finding.message} ({there} already: add only adds facts, so to replace "
                    "a value there, edit that file)")
        message = _claimed(finding.message, self.claims(node, path), self.proposed, at)
        if message != finding.message or self.line_of is None \
                or finding.component != _MAX_COUNT:
            return message
        values: dict = {}  # value -> the places writing it
        for q in given:
            place = at(file_of(q.graph_name), q.object)
            if place not in values.setdefault(q.object, []):
                values[q.object].append(place)
        said = other_values.note(values, finding.file, finding.line) if len(values) > 1 else ""
        return f"{message} ({said})" if said else message


def _claimed(message: str, claims: list[tuple], proposed: set[str], at) -> str:
    """Return ``message`` naming the ``claims`` of data/ that give a node a value of a
    property the plain graph holds, when a proposal's claim gives it one more (``at``: where
    a value of a file is, as ``_at``)."""
    held, added = [], False
    for claim, c in claims:
        if file_of(c["graph"]) in proposed:
            added = True
        else:
            held.append((file_of(c["graph"]), claim, c["o"]))
    if not added or not held:
        return message
    there = "; ".join(f"claim {claim} in {_where(*place)} gives {value}"
                      for place, claim, value in sorted(
                          {(at(name, o), _said(claim), _said(o)) for name, claim, o in held},
                          key=lambda h: (h[0][0], h[0][1] or 0, h[1], h[2])))
    return (f"{message} ({there} already: for one value in the plain graph, rank the better "
            "supported claim ag:PreferredRank or the other ag:DeprecatedRank, linked with "
            "ag:disputedBy if the sources disagree (docs/data-model.md, Disagreements))")


def _at(shown, line_of, node, path, name: str, value) -> tuple[str, int | None]:
    """Return (the file ``name`` as shown, the line writing ``node path value`` there, or None
    when ``line_of`` is None or finds none)."""
    return shown(name), None if line_of is None else line_of(name, node, path, value)


def _where(name: str, line: int | None) -> str:
    return name if line is None else f"{name}:{line}"
