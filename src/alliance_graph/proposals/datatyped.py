"""Say how to write a value a shape wants of another datatype.

``"1948"`` for a founding date, ``"yes"`` for a flag: the shape said "ag:foundingDate is at
most one xsd:date, xsd:gYearMonth or xsd:gYear literal", which read as a count, and named
neither the value's datatype nor the form to write.  ``datatyped`` adds both: the value as it
should be written when its text is a valid value of a datatype the shape takes
(``"1948"^^xsd:gYear``), else how each of them is written (``loading.FORMS``).

An ill-typed literal (``"2021-05-01"^^xsd:dateTime``) has one finding, the ill-typed one; it
said how its own datatype is written (``2016-05-31T14:00:00Z``), which the shape refuses in
turn when the property takes other datatypes (``ag:asOf``: a date, a year and month, a year).
``ill_typed`` says what the property takes and how to write the value as one of them.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from ..build.loading import FORMS, is_ill_typed
from ..clipping import literal_said
from ..namespaces import shorten
from ..rdf import from_text, turtle_term
from .report import Finding

_COMPONENTS = {str(SH.DatatypeConstraintComponent), str(SH.OrConstraintComponent)}
_STRING = str(XSD.string)


def datatyped(finding: Finding, shapes: Graph) -> str:
    """Return ``finding``'s message, saying how to write its literal value when the shape
    that fired wants literals of other datatypes."""
    if finding.component not in _COMPONENTS or not (finding.value or "").startswith('"'):
        return finding.message
    wanted = _datatypes(shapes, URIRef(finding.shape))
    value = from_text(finding.value)
    local = value.datatype.value.removeprefix(str(XSD))
    if not wanted or value.datatype.value in wanted or (
            local != value.datatype.value and local not in FORMS and local != "string"):
        # (An XML Schema name of no datatype, ``xsd:gyear``: the spelling hint names the one
        # meant.)
        return finding.message
    typed = "a plain string" if value.datatype.value == _STRING else \
        f"typed <{value.datatype.value}>" if value.language is None else \
        f"a string tagged @{value.language}"
    fits = [d for d in wanted if not is_ill_typed(ox.Literal(value.value, datatype=ox.NamedNode(d)))]
    # The value and the literal to write said with their text clipped (``literal_said``), the
    # datatype to write kept: a value of 60,000 characters was said twice, 120 KB.
    said = literal_said(value)
    if fits:
        written = literal_said(ox.Literal(value.value, datatype=ox.NamedNode(fits[0])))
        return f"{finding.message} ({said} is {typed}: write {written})"
    forms = ", ".join(f"an <{d}> is written {FORMS[d.removeprefix(str(XSD))]}"
                      for d in wanted if d.removeprefix(str(XSD)) in FORMS)
    return f"{finding.message} ({said} is {typed}" + (f"; {forms})" if forms else ")")


def ill_typed(message: str, literal: ox.Literal, path: str | None, shapes: Graph,
              shape: str | None) -> str:
    """Return the message of ill-typed ``literal``'s finding, saying what the shape that
    refused it (``shape``, on property ``path``; with none, the shapes on ``path``) takes
    instead when that is another datatype:
    the form of the literal's own datatype, which the message gives, would be refused next;
    and, when it takes the literal's datatype too, another it takes that the text is a valid
    value of (a year and month written as a date)."""
    # No shape refusing it (a node of no class the shapes target, a claim not typed ag:Claim):
    # what the shapes declare the property takes, which a shape would say.  The dates
    # (ag:validUntil, ag:validFrom, ag:asOf) have no rdfs:range, xsd:gYear being outside OWL
    # 2's datatypes: their shapes are where their range is declared.
    wanted = _datatypes(shapes, URIRef(shape)) if shape is not None else \
        _taken(shapes, URIRef(path)) if path is not None else []
    if not wanted:
        return message
    names = [shorten(d) for d in wanted]
    takes = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    said = message.split(" (written ", 1)[0]
    prop = shorten(path) if path is not None else "its property"
    fits = [d for d in wanted if not is_ill_typed(ox.Literal(literal.value, datatype=ox.NamedNode(d)))]
    # Its text clipped, the datatype kept (``literal_said``): 60,000 digits were said whole.
    written = fits and literal_said(ox.Literal(literal.value, datatype=ox.NamedNode(fits[0])),
                                    lambda term: turtle_term(term, {"xsd": str(XSD)}))
    if literal.datatype.value in wanted:
        # "2018-10"^^xsd:date for ag:validFrom, which takes a year and month too, was told
        # only how a date is written, as though the day were what it lacked.
        return f"{message}, and {prop} takes an {shorten(fits[0])} too: write {written}" \
            if fits else message
    if fits:
        return f"{said}, and {prop} takes an {takes}: write {written}"
    forms = ", ".join(f"an {shorten(d)} is written {FORMS[d.removeprefix(str(XSD))]}"
                      for d in wanted if d.removeprefix(str(XSD)) in FORMS)
    return f"{said}, and {prop} takes an {takes}" + (f" ({forms})" if forms else "")


def _taken(shapes: Graph, path: URIRef) -> list[str]:
    """Return the datatypes the property shapes on property ``path`` take, where those that
    give any agree (else none: a class's shape may take what another's refuses)."""
    taken = {tuple(found) for shape in shapes.subjects(SH.path, path)
             if (found := _datatypes(shapes, shape))}
    return list(taken.pop()) if len(taken) == 1 else []


def _datatypes(shapes: Graph, shape: URIRef) -> list[str]:
    """Return the datatypes property shape ``shape`` takes: its sh:datatype, or those of the
    members of its sh:or, in their order."""
    found = [str(d) for d in shapes.objects(shape, SH.datatype)]
    for head in shapes.objects(shape, SH["or"]):
        found += [str(d) for member in Collection(shapes, head)
                  for d in shapes.objects(member, SH.datatype)]
    return list(dict.fromkeys(found))
