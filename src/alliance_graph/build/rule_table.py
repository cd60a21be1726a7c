"""The OWL 2 RL rules ``rules.py`` runs: the subset of the W3C OWL 2 Profiles rule tables
(section 4.3) that the ontology's constructs trigger, and the OWL vocabulary they cover."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS

# Each rule is (name, template, body) in OWL 2 RL's naming: templates may hold several triples,
# a body is triple patterns joined by " . " and maybe a FILTER (rules with a choice are split
# in two, so that each body is a plain join: see _Rule).  Literal subjects are filtered out:
# RDF cannot store them and owlrl's are dropped by the tautology filter anyway.
RULES: list[tuple[str, str, str]] = [
    ("eq-sym", "?y owl:sameAs ?x", "?x owl:sameAs ?y"),
    ("eq-trans", "?x owl:sameAs ?z", "?x owl:sameAs ?y . ?y owl:sameAs ?z"),
    ("eq-rep-s", "?s2 ?p ?o", "?s owl:sameAs ?s2 . ?s ?p ?o"),
    ("eq-rep-p", "?s ?p2 ?o", "?p owl:sameAs ?p2 . ?s ?p ?o"),
    ("eq-rep-o", "?s ?p ?o2", "?o owl:sameAs ?o2 . ?s ?p ?o"),
    ("prp-dom", "?x a ?c", "?p rdfs:domain ?c . ?x ?p ?y"),
    ("prp-rng", "?y a ?c", "?p rdfs:range ?c . ?x ?p ?y FILTER(!isLiteral(?y))"),
    ("prp-fp", "?y1 owl:sameAs ?y2",
     "?p a owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 "
     "FILTER(?y1 != ?y2 && !isLiteral(?y1))"),
    ("prp-ifp", "?x1 owl:sameAs ?x2",
     "?p a owl:InverseFunctionalProperty . ?x1 ?p ?y . ?x2 ?p ?y FILTER(?x1 != ?x2)"),
    ("prp-symp", "?y ?p ?x", "?p a owl:SymmetricProperty . ?x ?p ?y FILTER(!isLiteral(?y))"),
    ("prp-trp", "?x ?p ?z", "?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z"),
    ("prp-spo1", "?x ?p2 ?y", "?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y"),
    ("prp-eqp1", "?x ?p2 ?y", "?p1 owl:equivalentProperty ?p2 . ?x ?p1 ?y"),
    ("prp-eqp2", "?x ?p1 ?y", "?p1 owl:equivalentProperty ?p2 . ?x ?p2 ?y"),
    ("prp-inv1", "?y ?p2 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p1 ?y FILTER(!isLiteral(?y))"),
    ("prp-inv2", "?y ?p1 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p2 ?y FILTER(!isLiteral(?y))"),
    ("cax-sco", "?x a ?c2", "?c1 rdfs:subClassOf ?c2 . ?x a ?c1"),
    ("cax-eqc1", "?x a ?c2", "?c1 owl:equivalentClass ?c2 . ?x a ?c1"),
    ("cax-eqc2", "?x a ?c1", "?c1 owl:equivalentClass ?c2 . ?x a ?c2"),
    # scm-cls: only its "subclass of owl:Thing" part matters here (the rest is reflexive and
    # filtered); through scm-dom1/scm-rng1 it gives every property domain/range owl:Thing.
    ("scm-cls", "?c rdfs:subClassOf owl:Thing", "?c a owl:Class"),
    ("scm-sco", "?c1 rdfs:subClassOf ?c3",
     "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3"),
    ("scm-eqc1", "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1",
     "?c1 owl:equivalentClass ?c2"),
    ("scm-eqc2", "?c1 owl:equivalentClass ?c2",
     "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1"),
    ("scm-spo", "?p1 rdfs:subPropertyOf ?p3",
     "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3"),
    ("scm-eqp1", "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1",
     "?p1 owl:equivalentProperty ?p2"),
    ("scm-eqp2", "?p1 owl:equivalentProperty ?p2",
     "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1"),
    ("scm-dom1", "?p rdfs:domain ?c2", "?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2"),
    ("scm-dom2", "?p1 rdfs:domain ?c", "?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2"),
    ("scm-rng1", "?p rdfs:range ?c2", "?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2"),
    ("scm-rng2", "?p1 rdfs:range ?c", "?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2"),
]

# The OWL vocabulary the rules above give meaning to (besides rdf:type and the rdfs: terms).
SUPPORTED = {"sameAs", "FunctionalProperty", "InverseFunctionalProperty", "SymmetricProperty",
             "TransitiveProperty", "equivalentProperty", "inverseOf", "equivalentClass",
             # Declarations and annotations: no OWL 2 RL rule derives anything new from them.
             "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty",
             "NamedIndividual", "Ontology", "versionIRI", "versionInfo", "imports", "Thing",
             "deprecated"}
_OWL = PREFIX_IRIS["owl"]


def unsupported(quads) -> set[str]:
    """Return the OWL terms used in ``quads`` whose rules are not in RULES."""
    used = set()
    for q in quads:
        for term in (q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_OWL):
                used.add(term.value[len(_OWL):])
    return used - SUPPORTED


