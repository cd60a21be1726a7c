"""Say how to write a value a shape wants of another datatype.

``"1948"`` for a founding date, ``"yes"`` for a flag: the shape said "ag:foundingDate is at
most one xsd:date, xsd:gYearMonth or xsd:gYear literal", which read as a count, and named
neither the value's datatype nor the form to write.  ``datatyped`` adds both: the value as it
should be written when its text is a valid value of a datatype the shape takes
(``"1948"^^xsd:gYear``), else how each of them is written (``loading.FORMS``).

An ill-typed literal (``"2021-05-01"^^xsd:dateTime``) has one finding, the ill-typed one; it
said how its own datatype is written (``2016-05-31T14:00:00Z``), which the shape refuses in
turn when the property takes other datatypes (``ag:asOf``: a date, a year and month, a year).
``ill_typed`` says what the property takes and how to write the value as one of them, in
the words a build says it in (``build.datatype_hints``, where it is).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH, XSD

from ..build.datatype_hints import datatypes, ill_typed  # noqa: F401 (ill_typed: validation's)
from ..build.loading import FORMS, is_ill_typed
from ..clipping import literal_said
from ..rdf import from_text
from .report import Finding

_COMPONENTS = {str(SH.DatatypeConstraintComponent), str(SH.OrConstraintComponent)}
_STRING = str(XSD.string)


def datatyped(finding: Finding, shapes: Graph) -> str:
    """Return ``finding``'s message, saying how to write its literal value when the shape
    that fired wants literals of other datatypes."""
    if finding.component not in _COMPONENTS or not (finding.value or "").startswith('"'):
        return finding.message
    wanted = datatypes(shapes, URIRef(finding.shape))
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
