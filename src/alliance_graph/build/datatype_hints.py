"""What the shapes say an ill-typed literal's property takes, told by a build as ``validate``
tells it.

A data file's ``"2016"^^xsd:date`` for ``ag:asOf`` stopped the build with the form of a date
alone ("(written 2016-05-31)"), where ``validate`` of the same file added "and ag:asOf takes
an xsd:gYear too: write "2016"^^xsd:gYear" from the shapes.  Both routes of a build
(``loading.load_files``, ``streaming.load_files``) read the shapes here, only once a literal is
ill-typed: the ontology files that declare SHACL shapes (``Shapes``), and ``told`` adds what
they say the literal's property takes (``ill_typed``, the words ``validate``'s finding has).
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from ..clipping import literal_said
from ..namespaces import shorten
from ..rdf import ONTOLOGY, quiet_rdflib, turtle_term

_SHACL = str(SH)
_OBJECT, _PREDICATE = str(RDF.object), str(RDF.predicate)
PREDICATE = ox.NamedNode(_PREDICATE)


class Shapes:
    """The SHACL shapes among a build's input files ``paths`` ((path, name) pairs): the
    ontology files naming SHACL's namespace, read as one rdflib graph when first asked
    (``graph``; None where none reads), a build of well-typed data never reading them."""

    def __init__(self, paths: list[tuple[Path, str]]):
        self._paths = [path for path, name in paths if name.startswith(f"{ONTOLOGY}/")]

    @functools.cached_property
    def graph(self) -> Graph | None:
        shapes, found = Graph(), False
        for path in self._paths:
            try:
                text = path.read_text(encoding="utf-8-sig")
                if _SHACL in text:
                    with quiet_rdflib():
                        shapes.parse(data=text, format="turtle")
                    found = True
            except (OSError, ValueError, SyntaxError):  # rdflib's BadSyntax is a SyntaxError
                # Its own problem is said by the build, on its line: no hint from it.
                continue
        return shapes if found else None


def told(problems: list, bad: list, shapes: Shapes | None, text: str,
         bracketed: dict | None = None) -> list:
    """Return ``problems`` (``loading.ill_typed_report``'s, one per triple of ``bad``, each
    stating an ill-typed literal, in file ``text``) each saying what the shapes say its
    property takes: a claim's value's, the property its claim names (``rdf:predicate``), as
    validate names it.  ``bracketed``: the property each claim written ``[ ]`` names, by its
    node as the parse that found ``bad`` named it (``claims``), a parse of ``text`` again
    naming it anew."""
    graph = shapes.graph if shapes is not None and bad else None
    if graph is None:
        return problems
    claimed = {**_claimed(text), **(bracketed or {})} \
        if any(t.predicate.value == _OBJECT for t in bad) else {}
    # What each property takes read from the shapes once, and each message made once: per
    # literal, 10,000 ill-typed ones took 1.3 s where the build said them in 0.35 s unhinted.
    paths = [claimed.get(t.subject, t.predicate).value if t.predicate.value == _OBJECT
             else t.predicate.value for t in bad]
    takes = {path: taken(graph, URIRef(path)) for path in dict.fromkeys(paths)}
    # Which of them each value is valid as, in one cast per datatype (``ill_typed_among``):
    # a cast per value and datatype was still 0.6 s of 10,000 distinct values' 1.2 s.
    from .loading import ill_typed_among  # loading reads this module's hints
    invalid = ill_typed_among((t.object.value for t in bad),
                              dict.fromkeys(d for path in takes for d in takes[path]))
    said: dict[tuple, str] = {}
    hinted = []
    for p, t, path in zip(problems, bad, paths):
        key = (p.message, t.object, path)
        if key not in said:
            fits = [d for d in takes[path] if t.object.value not in invalid[d]]
            said[key] = ill_typed(p.message, t.object, path, graph, None, wanted=takes[path],
                                  fits=fits)
        hinted.append(dataclasses.replace(p, message=said[key]))
    return hinted


def claims(triples) -> dict:
    """Return the property each claim of ``triples`` written ``[ ]`` (a blank node) names."""
    return {t.subject: t.object for t in triples if is_bracketed_claim(t)}


def is_bracketed_claim(t) -> bool:
    """Return whether triple ``t`` is a blank node's ``rdf:predicate`` (``told``'s
    ``bracketed``)."""
    return t.predicate == PREDICATE and isinstance(t.subject, ox.BlankNode) and \
        isinstance(t.object, ox.NamedNode)


def _claimed(text: str) -> dict:
    """Return the property each claim of ``text`` names, by the claim's node (a node written
    ``[ ]`` is named anew at each parse: ``told``'s ``bracketed`` names it)."""
    try:
        return {t.subject: t.object for t in ox.parse(text, format=ox.RdfFormat.TURTLE)
                if t.predicate.value == _PREDICATE and isinstance(t.object, ox.NamedNode)}
    except SyntaxError:  # read before: a file that does not parse has no ill-typed literal
        return {}


def ill_typed(message: str, literal: ox.Literal, path: str | None, shapes: Graph,
              shape: str | None, wanted: list[str] | None = None,
              fits: list[str] | None = None) -> str:
    """Return the message of ill-typed ``literal``'s finding, saying what the shape that
    refused it (``shape``, on property ``path``; with none, the shapes on ``path``) takes
    instead when that is another datatype:
    the form of the literal's own datatype, which the message gives, would be refused next;
    and, when it takes the literal's datatype too, another it takes that the text is a valid
    value of (a year and month written as a date)."""
    from .loading import is_ill_typed  # loading reads this module's hints
    # No shape refusing it (a node of no class the shapes target, a claim not typed ag:Claim):
    # what the shapes declare the property takes, which a shape would say.  The dates
    # (ag:validUntil, ag:validFrom, ag:asOf) have no rdfs:range, xsd:gYear being outside OWL
    # 2's datatypes: their shapes are where their range is declared.
    if wanted is None:  # (given: what ``taken`` said of ``path`` already)
        wanted = datatypes(shapes, URIRef(shape)) if shape is not None else \
            taken(shapes, URIRef(path)) if path is not None else []
    if not wanted:
        return message
    takes, forms, prop, names = _takes(tuple(wanted), path)
    said = message.split(" (written ", 1)[0]
    if fits is None:  # (given: those of ``wanted`` the literal's text is valid as)
        fits = [d for d in wanted
                if not is_ill_typed(ox.Literal(literal.value, datatype=ox.NamedNode(d)))]
    # Its text clipped, the datatype kept (``literal_said``): 60,000 digits were said whole.
    written = fits and literal_said(ox.Literal(literal.value, datatype=ox.NamedNode(fits[0])),
                                    lambda term: turtle_term(term, {"xsd": str(XSD)}))
    if literal.datatype.value in wanted:
        # "2018-10"^^xsd:date for ag:validFrom, which takes a year and month too, was told
        # only how a date is written, as though the day were what it lacked.
        return f"{message}, and {prop} takes an {names[fits[0]]} too: write {written}" \
            if fits else message
    if fits:
        return f"{said}, and {prop} takes an {takes}: write {written}"
    return f"{said}, and {prop} takes an {takes}" + (f" ({forms})" if forms else "")


@functools.lru_cache(maxsize=256)
def _takes(wanted: tuple[str, ...], path: str | None) -> tuple[str, str, str, dict]:
    """Return how ``ill_typed`` names the datatypes ``wanted`` all ("xsd:date, xsd:gYearMonth
    or xsd:gYear"), how each is written, property ``path``, and each datatype: made once, where
    each literal's message made them anew (an IRI shortened 4 times each, 0.3 s of 10,000)."""
    from .loading import FORMS  # loading reads this module's hints
    names = {d: shorten(d) for d in wanted}
    listed = list(names.values())
    takes = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"
    forms = ", ".join(f"an {names[d]} is written {FORMS[d.removeprefix(str(XSD))]}"
                      for d in wanted if d.removeprefix(str(XSD)) in FORMS)
    return takes, forms, shorten(path) if path is not None else "its property", names


def taken(shapes: Graph, path: URIRef) -> list[str]:
    """Return the datatypes the property shapes on property ``path`` take, where those that
    give any agree (else none: a class's shape may take what another's refuses)."""
    found = {tuple(found) for shape in shapes.subjects(SH.path, path)
             if (found := datatypes(shapes, shape))}
    return list(found.pop()) if len(found) == 1 else []


def datatypes(shapes: Graph, shape: URIRef) -> list[str]:
    """Return the datatypes property shape ``shape`` takes: its sh:datatype, or those of the
    members of its sh:or, in their order."""
    found = list(shapes.objects(shape, SH.datatype))
    for head in shapes.objects(shape, SH["or"]):
        try:
            members = list(Collection(shapes, head))
        except ValueError:  # a list round a cycle (rdflib's refusal, which was a build's
            continue        # traceback): no datatype said of it, the literal's form still is
        found += [d for member in members for d in shapes.objects(member, SH.datatype)]
    # Only IRIs Oxigraph takes: a shape's sh:datatype "a b", 42 or [ ] was a build's traceback
    # (ox.NamedNode's ValueError), where the literal's form alone is said.
    iris = []
    for d in dict.fromkeys(found):
        try:
            iris += [ox.NamedNode(d).value] if isinstance(d, URIRef) else []
        except ValueError:
            continue
    return iris
