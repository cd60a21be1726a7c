"""Name the entity a claim gives by its label where its IRI belongs.

A contributor who writes what the source says writes ``rdf:subject "Blue Flag"`` or
``rdf:object "Israel"`` for a property linking entities.  The checks say a claim's subject is
an entity ``id:<Name>``, or that the property links to one, and leave the contributor to find
which IRI that is; ``labelled`` adds the entity the graph labels so (``id:BlueFlag``), when
the label names one or a few.  Likewise a source's file name where its IRI belongs
(``oa:hasSource "000_06b6882714cf1880.txt"``): the source document of that ``ag:fileName``.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..clipping import bracketed, clipped, literal_said
from ..namespaces import PREFIX_IRIS
from ..rdf import from_text
from .report import AGSH, CHECK, Finding

_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_RDF = PREFIX_IRIS["rdf"]
_PATHS = {_RDF + "subject", _RDF + "object"}
# The rules whose finding on a literal says an entity's IRI belongs there.
_WANT_AN_ENTITY = {str(CHECK["claim-subject-violation"]), str(CHECK["claim-value-violation"]),
                   str(AGSH["claim-subject"])}
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FILE_NAME = ox.NamedNode(PREFIX_IRIS["ag"] + "fileName")
_SOURCE = PREFIX_IRIS["oa"] + "hasSource"
_WANT_A_SOURCE = str(AGSH["evidence-source"])
# More entities of one label than this name none: the label tells them apart no better.
_AT_MOST = 3


def labelled(finding: Finding, graph: ox.Store) -> str:
    """Return ``finding``'s message, with the entities ``graph`` labels as its literal value
    when it says a claim's subject or object should be an entity's IRI, or the node a
    literal's text names (``_name_quoted``)."""
    if quoted := _name_quoted(finding, graph):
        return quoted
    if finding.shape == _WANT_A_SOURCE and finding.path == _SOURCE:
        return _file_named(finding, graph)
    if finding.shape not in _WANT_AN_ENTITY or finding.path not in _PATHS \
            or not (finding.value or "").startswith('"'):
        return finding.message
    try:
        value = from_text(finding.value)
    except (SyntaxError, ValueError):
        return finding.message
    entities = sorted({q.subject.value for q in graph.quads_for_pattern(
        None, _LABEL, ox.Literal(value.value), None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(PREFIX_IRIS["id"])})
    if not entities or len(entities) > _AT_MOST:
        return finding.message
    # The entities and the label named clipped (``clipping.py``): an entity and a label of
    # 60,000 characters each were said whole, 120 KB before the advice.
    label = literal_said(value)
    if len(entities) == 1:
        return (f"{finding.message} ({bracketed(entities[0])} is labelled {label} in the graph: "
                "write its IRI)")
    named = " and ".join(bracketed(iri) for iri in entities)
    return (f"{finding.message} ({named} are labelled {label} in the graph: write the IRI of "
            "the one meant)")


def _file_named(finding: Finding, graph: ox.Store) -> str:
    """Return ``finding``'s message, with the source document whose file name its literal
    value is."""
    try:
        value = from_text(finding.value)
    except (SyntaxError, ValueError):
        return finding.message
    if not isinstance(value, ox.Literal):
        return finding.message
    sources = sorted({q.subject.value for q in graph.quads_for_pattern(
        None, _FILE_NAME, ox.Literal(value.value), None) if isinstance(q.subject, ox.NamedNode)})
    if len(sources) != 1:
        return finding.message
    return (f"{finding.message} ({bracketed(sources[0])} is the source document of the file "
            f"{literal_said(value)}: write its IRI)")


# A name as Turtle writes it, with a prefix or between < >.
_NAME = re.compile(r"([A-Za-z][\w.-]*):([^\s\"<>]+)|<([^\s<>\"]+)>")


def _name_quoted(finding: Finding, graph: ox.Store) -> str | None:
    """Return ``finding``'s message saying that its value, a string, is the name of a node
    ``graph`` holds written between quotation marks (``prov:wasDerivedFrom
    "ev:000-blue-flag"``: "A claim needs at least one prov:wasDerivedFrom link to an
    ag:Evidence node", the slip unsaid); None when it is not."""
    if not (finding.value or "").startswith('"'):
        return None
    try:
        value = from_text(finding.value)
    except (SyntaxError, ValueError):
        return None
    written = value.value.strip() if isinstance(value, ox.Literal) and \
        value.datatype.value == _STRING and value.language is None else ""
    name = _NAME.fullmatch(written)
    if name is None or (name[1] is not None and name[1] not in PREFIX_IRIS):
        return None
    try:
        node = ox.NamedNode(name[3] or PREFIX_IRIS[name[1]] + name[2])
    except ValueError:
        return None
    if next(iter(graph.quads_for_pattern(node, None, None, None)), None) is None:
        return None
    return (f"{finding.message} ({literal_said(value)} is a string: write the name "
            f"{clipped(written)} without quotation marks)")
