"""The OWL 2 RL rules this ontology needs, run as SPARQL updates to a fixpoint inside Oxigraph.

owlrl is the reference closure, but it works on an rdflib graph in pure Python and takes hours
on a million cited facts.  These rules are the subset of the OWL 2 RL rule tables (W3C OWL 2
Profiles, section 4.3) that the ontology's constructs trigger: equality, property axioms
(domain, range, sub/equivalent/inverse, symmetric, transitive, functional) and class axioms
(sub/equivalent class), with the schema rules that chain them.  Oxigraph evaluates each rule
as one ``INSERT ... WHERE`` over all triples, so a round costs a few joins on indexes.

``closure`` returns the same triples as ``reasoning.owl_rl_closure`` (after the same tautology
filter) as long as the ontology stays within ``SUPPORTED``; ``unsupported`` names any OWL term
it uses beyond that, and tests/test_rules.py checks both on the shipped data.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

from .namespaces import INFERRED_GRAPH
from .reasoning import tautology_sparql

# Scratch graphs in the reasoning store: what was given, and what the rules derived.
_GIVEN = "urn:alliance-graph:rules:given"
_DERIVED = "urn:alliance-graph:rules:derived"

# Each rule is (name, template, pattern) in OWL 2 RL's naming; templates may hold several
# triples.  Literal subjects are filtered out: RDF cannot store them and owlrl's are dropped
# by the tautology filter anyway.
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
    ("prp-eqp", "?x ?p2 ?y . ?x ?p1 ?y",
     "{ ?p1 owl:equivalentProperty ?p2 . ?x ?p1 ?y } UNION "
     "{ ?p1 owl:equivalentProperty ?p2 . ?x ?p2 ?y }"),
    ("prp-inv1", "?y ?p2 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p1 ?y FILTER(!isLiteral(?y))"),
    ("prp-inv2", "?y ?p1 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p2 ?y FILTER(!isLiteral(?y))"),
    ("cax-sco", "?x a ?c2", "?c1 rdfs:subClassOf ?c2 . ?x a ?c1"),
    ("cax-eqc", "?x a ?c2 . ?x a ?c1",
     "{ ?c1 owl:equivalentClass ?c2 . ?x a ?c1 } UNION { ?c1 owl:equivalentClass ?c2 . ?x a ?c2 }"),
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
_OWL = str(rdflib.OWL)


def unsupported(quads) -> set[str]:
    """Return the OWL terms used in ``quads`` whose rules are not in RULES."""
    used = set()
    for q in quads:
        for term in (q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_OWL):
                used.add(term.value[len(_OWL):])
    return used - SUPPORTED


def _using(given) -> str:
    # USING makes the rule read the given graphs and the derived triples as one default graph,
    # so the rules run over the asserted graphs where they are, without copying them.
    return "".join(f"USING <{g}> " for g in [*given, _DERIVED])


def _updates(given) -> list[str]:
    using = _using(given)
    return [f"INSERT {{ GRAPH <{_DERIVED}> {{ {template} }} }} {using}WHERE {{ {pattern} }}"
            for _, template, pattern in RULES]


_PREFIXES = {"owl": _OWL, "rdfs": str(rdflib.RDFS), "rdf": str(rdflib.RDF)}


def _count(store: ox.Store, graph: str) -> int:
    # Counted in the store: iterating millions of quads in Python each round is the cost the
    # streaming build avoids.
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)


def saturate(store: ox.Store, given=(_GIVEN,), max_rounds: int = 100) -> int:
    """Apply RULES to the ``given`` graphs until nothing new is derived; return the rounds run."""
    updates = _updates(given)
    count = -1
    for rounds in range(1, max_rounds + 1):
        for update in updates:
            store.update(update, prefixes=_PREFIXES)
        new_count = _count(store, _DERIVED)
        if new_count == count:
            return rounds
        count = new_count
    raise RuntimeError(f"OWL 2 RL rules did not reach a fixpoint in {max_rounds} rounds")


def infer_in_store(store: ox.Store, given: list[str]) -> int:
    """Put the closure of the ``given`` graphs into the inferred graph of ``store``.

    What the rules derive that is neither asserted in a given graph nor a tautology (the
    filter owlrl's route applies, as SPARQL) is kept; the scratch graph is dropped.  Returns
    the number of inferred triples.
    """
    saturate(store, given)
    inferred = str(INFERRED_GRAPH)
    store.update(f"INSERT {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} "
                 f"{''.join(f'USING <{g}> ' for g in given)}USING NAMED <{_DERIVED}> "
                 f"WHERE {{ GRAPH <{_DERIVED}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} "
                 f"FILTER(!{tautology_sparql()}) }}")
    store.update(f"DROP SILENT GRAPH <{_DERIVED}>")
    return _count(store, inferred)


def closure(quads) -> list[ox.Quad]:
    """Return the triples the OWL 2 RL rules add to ``quads``, in the inferred graph."""
    given = ox.NamedNode(_GIVEN)
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, given) for q in quads)
    infer_in_store(store, [_GIVEN])
    return sorted(store.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH))),
                  key=str)
