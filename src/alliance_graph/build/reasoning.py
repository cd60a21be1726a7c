"""The OWL 2 RL closure, computed by owlrl, kept apart from the asserted triples.

owlrl also derives tautologies that every OWL 2 RL graph holds (``x owl:sameAs x``, every class
a subclass of itself and of ``owl:Thing``, facts about the RDF/OWL vocabularies themselves).
They say nothing about this graph and would swamp it, so they are dropped; what is kept is
what the ontology adds to the data (superclasses, inverse and symmetric links, domains, ...).
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..namespaces import INFERRED_GRAPH
from ..rdf import from_rdflib, to_rdflib

_REFLEXIVE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty,
              RDFS.subClassOf, RDFS.subPropertyOf}
_VOCABULARIES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
_TOP = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


def is_tautology(s, p, o) -> bool:
    """Return True for inferred triples that hold in every OWL 2 RL closure."""
    if not isinstance(s, (rdflib.URIRef, rdflib.BNode)):
        return True
    if str(s).startswith(_VOCABULARIES):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if o in _TOP and p in (RDF.type, RDFS.subClassOf):
        return True
    return p == OWL.sameAs and isinstance(o, rdflib.Literal)


def tautology_sparql(s: str = "?s", p: str = "?p", o: str = "?o") -> str:
    """Return ``is_tautology`` as a SPARQL expression over the given variables.

    Built from the same constants, so the in-store closure (rules.py) drops exactly what the
    owlrl route drops without bringing every inferred triple into Python.
    """
    def terms(nodes):
        return ", ".join(f"<{n}>" for n in sorted(nodes))
    vocabularies = " || ".join(f'STRSTARTS(STR({s}), "{ns}")' for ns in _VOCABULARIES)
    return (f"(!(isIRI({s}) || isBlank({s})) || {vocabularies}"
            f" || ({p} IN ({terms(_REFLEXIVE)}) && sameTerm({s}, {o}))"
            f" || ({o} IN ({terms(_TOP)}) && {p} IN (<{RDF.type}>, <{RDFS.subClassOf}>))"
            f" || (sameTerm({p}, <{OWL.sameAs}>) && isLiteral({o})))")


def owl_rl_closure(quads) -> list[ox.Quad]:
    """Return the triples the OWL 2 RL closure adds to ``quads``, in the inferred graph."""
    import owlrl  # imported here: the serving processes open a built graph, never reason

    graph = to_rdflib(quads)
    asserted = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(graph)
    inferred = sorted(t for t in graph if t not in asserted and not is_tautology(*t))
    return from_rdflib(inferred, ox.NamedNode(str(INFERRED_GRAPH)))
