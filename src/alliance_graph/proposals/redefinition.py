"""Find proposals that declare or alter ontology terms: ontology changes go through review."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS, SH

from ..namespaces import AG
from ..rdf import file_of

_ONTOLOGY_PREDICATES = {str(p) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain,
                                         RDFS.range, OWL.equivalentClass, OWL.inverseOf)}
_ONTOLOGY_TYPES = {str(t) for t in (RDF.Property, RDFS.Class, RDFS.Datatype)}
# Vocabularies whose terms only the ontology and shapes may say anything of: a proposal
# typing rdfs:label an owl:FunctionalProperty (owlrl would then merge entities sharing a
# label), or describing a shape, alters them.
_VOCABULARIES = (str(RDF), str(RDFS), str(OWL), str(SH), str(AG),
                 "https://alliance-graph.example/shapes/")


def redefinitions(quads, new: set[str]) -> list[tuple[str, ox.Node]]:
    """Return (file, subject) for each subject of a graph named in ``new`` that declares or
    alters an ontology term: a subject of the ontology's, the shapes' or a standard
    vocabulary's (``ag:``, ``rdfs:label``, a shape), an ontology axiom, an OWL or SHACL
    property, or a typing as a class, property, OWL term or shape."""
    found = set()
    for q in quads:
        name = file_of(q.graph_name)
        if name not in new:
            continue
        s, p, o = q.subject, q.predicate.value, q.object
        if (isinstance(s, ox.NamedNode) and s.value.startswith(_VOCABULARIES)) \
                or p in _ONTOLOGY_PREDICATES or p.startswith((str(OWL), str(SH))) \
                or (p == str(RDF.type) and isinstance(o, ox.NamedNode)
                    and (o.value in _ONTOLOGY_TYPES or o.value.startswith((str(OWL), str(SH))))):
            found.add((name, s))
    return sorted(found, key=str)
