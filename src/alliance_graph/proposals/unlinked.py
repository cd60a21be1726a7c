"""Find the claims of a proposal that disagree with a claim of the graph and are not linked.

A property an entity takes one value of (``sh:maxCount 1`` in the shapes of its classes: an
agreement's ``ag:toYear``, a weapon system's ``ag:rangeCategory``, ...) stated with another
value than a claim of the graph gives is a
disagreement between sources, which docs/data-model.md ("Disagreements") records as a link
between the two claims (``ag:disputedBy``, or ``ag:variantOf`` for one fact at another
precision), written both ways with a note.  Left unlinked, nothing records it: ranked
preferred, the new claim takes the other's place in the plain graph and the catalogue's
``source-disagreements`` does not list the pair; ranked normal, the shapes refuse a second
value without saying why.  ``unlinked`` says it, as a warning: two values of such a property
qualified in time differently (``ag:validFrom``, ``ag:validUntil``, ``ag:asOf``; one of them
only) may both hold, two given for the same time cannot (both ``ag:asOf "2020"``: every
qualified pair was let through, the one-value shape then refusing the second value unsaid).
Two claims the plain graph both asserts (both ranked normal, none preferred) are not warned of:
the one-value shape refuses the second value, and its finding names the claim giving the other
and says to rank and link them (``second_value``); the warning said it again, at the top and
the end of the report, with no line.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from ..namespaces import AG
from ..rdf import file_of
from .report import term_said

_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate,
                                                                RDF.object))
_RANK = ox.NamedNode(str(AG.rank))
_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_PREFERRED = ox.NamedNode(str(AG.PreferredRank))
_NORMAL = ox.NamedNode(str(AG.NormalRank))
_LINKS = {ox.NamedNode(str(AG[p])) for p in ("disputedBy", "variantOf", "opposedBy")}
_QUALIFIERS = {ox.NamedNode(str(AG[p])) for p in ("validFrom", "validUntil", "asOf")}
# Properties of one value that sources name more than once by design: a preferred label and
# others ranked below it (agsh:entity-label-single), a type.
_MANY = {str(RDFS.label), str(RDF.type)}
_XSD = "http://www.w3.org/2001/XMLSchema#"
# The numeric datatypes, whose values compare as numbers (SPARQL's "=").
_NUMERIC = {_XSD + t for t in (
    "decimal", "integer", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte")}


def single_valued(shapes: Graph, ontology: list[ox.Quad]) -> dict[str, set[str]]:
    """Return, per class, the IRIs of the properties the shapes allow its instances one value
    of: those of the node shapes targeting it or a class it is a subclass of."""
    own: dict[str, set[str]] = defaultdict(set)
    for shape in shapes.subjects(SH.targetClass, None):
        for target in shapes.objects(shape, SH.targetClass):
            for prop in shapes.objects(shape, SH.property):
                path = shapes.value(prop, SH.path)
                if str(shapes.value(prop, SH.maxCount)) == "1" and path is not None \
                        and not str(path).startswith(str(RDF)) and str(path) not in _MANY:
                    own[str(target)].add(str(path))
    parents: dict[str, set[str]] = defaultdict(set)
    for q in ontology:
        if q.predicate == _SUBCLASS and isinstance(q.object, ox.NamedNode):
            parents[q.subject.value].add(q.object.value)
    found = {}
    for start in set(own) | set(parents):
        seen, stack = set(), [start]
        while stack:  # the class and every class above it
            c = stack.pop()
            if c not in seen:
                seen.add(c)
                stack.extend(parents.get(c, ()))
        found[start] = set().union(*(own.get(c, set()) for c in seen))
    return found


def unlinked(quads: list[ox.Quad], proposed: set[str], one: dict[str, set[str]],
             shown=lambda name: name) -> list[str]:
    """Return a warning for each claim of the ``proposed`` files (names) stating a property
    its subject takes one value of (``one``: ``single_valued``, by the classes the claims of
    ``quads`` type it with) that another claim of ``quads`` gives another value, the two
    claims linked neither way; ``shown`` names a file as the report does."""
    claims: dict[ox.Node, dict] = defaultdict(lambda: {"links": set(), "qualified": set(),
                                                       "files": set()})
    for q in quads:
        claim = claims[q.subject]
        if q.predicate in (_SUBJECT, _PREDICATE, _OBJECT, _RANK):
            claim[q.predicate] = q.object
        elif q.predicate in _LINKS:
            claim["links"].add(q.object)
        elif q.predicate in _QUALIFIERS:
            claim["qualified"].add((q.predicate, _value(q.object)))
        claim["files"].add(file_of(q.graph_name))
    stated = [(n, c) for n, c in claims.items()
              if all(k in c for k in (_SUBJECT, _PREDICATE, _OBJECT))]
    types = defaultdict(set)
    for _, claim in stated:
        if claim[_PREDICATE] == _TYPE and isinstance(claim[_OBJECT], ox.NamedNode):
            types[claim[_SUBJECT]].add(claim[_OBJECT].value)
    by_fact = defaultdict(list)
    for node, claim in stated:
        single = set().union(*(one.get(c, set()) for c in types.get(claim[_SUBJECT], ())))
        if claim[_PREDICATE].value in single:
            by_fact[(claim[_SUBJECT], claim[_PREDICATE])].append(node)
    said, pairs = [], set()
    for (subject, predicate), nodes in by_fact.items():
        ranks = {claims[n].get(_RANK) for n in nodes}
        best = _PREFERRED if _PREFERRED in ranks else _NORMAL
        asserted = {n for n in nodes if claims[n].get(_RANK) == best}
        for new in [n for n in nodes if claims[n]["files"] & proposed]:
            for other in nodes:
                a, b = claims[new], claims[other]
                if _value(a[_OBJECT]) == _value(b[_OBJECT]) or other in a["links"] \
                        or new in b["links"] or a["qualified"] != b["qualified"] \
                        or frozenset((new, other)) in pairs \
                        or (new in asserted and other in asserted):
                    continue
                pairs.add(frozenset((new, other)))
                where = ", ".join(sorted(shown(f) for f in b["files"]))
                took = (" (preferred, this claim takes the other's place in the plain graph, "
                        "unrecorded)") if a.get(_RANK) == _PREFERRED else ""
                said.append(
                    f"{term_said(new)} gives {term_said(subject)} {term_said(predicate)} "
                    f"{term_said(a[_OBJECT])}, where {term_said(other)} ({where}) gives "
                    f"{term_said(b[_OBJECT])}, and the property takes one value{took}: if the "
                    "sources disagree, link the two claims with ag:disputedBy (ag:variantOf "
                    "for one fact at another precision), both ways, each with an "
                    "ag:disagreementNote (docs/data-model.md, Disagreements)")
    return said


def _value(term):
    """Return what a value is, to compare two: a number by its value, however written
    (3800000000.0 and "3800000000"^^xsd:decimal are one value: the same fact restated, which
    the duplicate-claim check names, not a disagreement to link), any other term as it is."""
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            number = Decimal(term.value.strip())
        except InvalidOperation:
            return term
        return term if number.is_nan() else number  # NaN equals nothing, sNaN raises
    return term
