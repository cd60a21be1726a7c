"""Say how to write a value a shape wants of another datatype.

``"1948"`` for a founding date, ``"yes"`` for a flag: the shape said "ag:foundingDate is at
most one xsd:date, xsd:gYearMonth or xsd:gYear literal", which read as a count, and named
neither the value's datatype nor the form to write.  ``datatyped`` adds both: the value as it
should be written when its text is a valid value of a datatype the shape takes
(``"1948"^^xsd:gYear``), else how each of them is written (``loading.FORMS``).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from ..build.loading import FORMS, is_ill_typed
from ..rdf import from_text
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
    if fits:
        written = str(ox.Literal(value.value, datatype=ox.NamedNode(fits[0])))
        return f"{finding.message} ({finding.value} is {typed}: write {written})"
    forms = ", ".join(f"an <{d}> is written {FORMS[d.removeprefix(str(XSD))]}"
                      for d in wanted if d.removeprefix(str(XSD)) in FORMS)
    return f"{finding.message} ({finding.value} is {typed}" + (f"; {forms})" if forms else ")")


def _datatypes(shapes: Graph, shape: URIRef) -> list[str]:
    """Return the datatypes property shape ``shape`` takes: its sh:datatype, or those of the
    members of its sh:or, in their order."""
    found = [str(d) for d in shapes.objects(shape, SH.datatype)]
    for head in shapes.objects(shape, SH["or"]):
        found += [str(d) for member in Collection(shapes, head)
                  for d in shapes.objects(member, SH.datatype)]
    return list(dict.fromkeys(found))
