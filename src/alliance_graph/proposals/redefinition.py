"""Find proposals that declare or alter ontology terms: ontology changes go through review."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS, SH

from ..namespaces import AG
from ..rdf import file_of

_ONTOLOGY_PREDICATES = {str(p) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain,
                                         RDFS.range, OWL.equivalentClass, OWL.inverseOf)}
_ONTOLOGY_TYPES = {str(t) for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                    OWL.AnnotationProperty, RDF.Property, OWL.Ontology, RDFS.Class)}


def redefinitions(quads, new: set[str]) -> list[tuple[str, ox.Node]]:
    """Return (file, subject) for each subject of a graph named in ``new`` that declares an
    ontology term: an ``ag:`` subject, an ontology axiom, an OWL term, or a class, property or
    shape typing."""
    found = set()
    ag = str(AG)
    for q in quads:
        name = file_of(q.graph_name)
        if name not in new:
            continue
        s, p, o = q.subject, q.predicate.value, q.object
        if (isinstance(s, ox.NamedNode) and s.value.startswith(ag)) \
                or p in _ONTOLOGY_PREDICATES or p.startswith(str(OWL)) \
                or (p == str(RDF.type) and isinstance(o, ox.NamedNode)
                    and (o.value in _ONTOLOGY_TYPES or o.value.startswith(str(SH)))):
            found.add((name, s))
    return sorted(found, key=str)
