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

# The graph the quads handed to ``closure`` are put in, in its own reasoning store.
_GIVEN = "urn:alliance-graph:rules:given"

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


# Where a rule's conclusion goes.  Conclusions already present in any of these graphs are not
# derived again, so every round adds only new triples and nothing asserted is copied.
_TAUTOLOGIES = "urn:alliance-graph:rules:tautologies"
_TYPE, _THING = str(rdflib.RDF.type), str(rdflib.OWL.Thing)
# Owl:Thing's instances are the one tautology that grows with the data (one per typed node).
# A rule reads "?x a owl:Thing" only through a class axiom on owl:Thing or an axiom about
# rdf:type itself; without those the triple leads nowhere and is not kept even as scratch.
THING_CONSUMED = f"""ASK {{ {{ <{_THING}> ?axiom ?c FILTER(?axiom IN (rdfs:subClassOf,
  owl:equivalentClass, owl:sameAs)) }} UNION {{ ?c ?axiom <{_THING}> FILTER(?axiom IN
  (owl:equivalentClass, owl:sameAs)) }} UNION {{ <{_TYPE}> ?axiom ?c FILTER(?axiom IN
  (rdfs:domain, rdfs:range, rdfs:subPropertyOf, owl:equivalentProperty, owl:inverseOf,
  owl:sameAs, rdf:type)) }} UNION {{ ?c ?axiom <{_TYPE}> FILTER(?axiom IN
  (rdfs:subPropertyOf, owl:equivalentProperty, owl:inverseOf, owl:sameAs)) }} }}"""


def _terms(template: str) -> list[str]:
    return [{"a": f"<{_TYPE}>"}.get(t, t) for t in template.split()]


def _templates() -> list[tuple[str, list[str], str]]:
    """Return (name, [subject, predicate, object], pattern), one template triple each.

    The schema rules come first: within a round each rule sees what the ones before it added,
    so the instance rules then use the closed schema and most graphs saturate in one round
    (plus one that finds nothing new), each round costing a pass over the data."""
    ordered = sorted(RULES, key=lambda rule: not rule[0].startswith("scm-"))
    return [(name, _terms(triple), pattern)
            for name, template, pattern in ordered for triple in template.split(" . ")]


def _queries(others: list[str], keep_thing: bool) -> list[str]:
    # Each rule is a SELECT of the new conclusions, marked tautology or not, and its answer
    # goes in through the bulk loader: a SPARQL INSERT on an on-disk store is one RocksDB
    # transaction held in memory (3.4 GB at 100 k facts); the bulk loader writes in batches.
    # "Already known" looks the triple up in all graphs at once (one index seek) and then
    # ignores the ``others``, graphs that are not reasoned over; restricting GRAPH to the known
    # graphs with FROM NAMED made Oxigraph seek once per graph, twice as slow at 100 k facts.
    drop = "" if keep_thing else f"FILTER(!(sameTerm(?p_, <{_TYPE}>) && sameTerm(?o_, <{_THING}>)))"
    other = f"FILTER(?known_ NOT IN ({', '.join(f'<{g}>' for g in others)}))" if others else ""
    return [f"SELECT ?s_ ?p_ ?o_ ?tautology_ WHERE {{ {pattern} "
            f"BIND({s} AS ?s_) BIND({p} AS ?p_) BIND({o} AS ?o_) "
            # What RDF cannot hold (a literal subject) is dropped, as CONSTRUCT would.
            f"FILTER(isIRI(?s_) || isBlank(?s_)) {drop} "
            f"FILTER NOT EXISTS {{ GRAPH ?known_ {{ ?s_ ?p_ ?o_ }} {other} }} "
            f"BIND({tautology_sparql('?s_', '?p_', '?o_')} AS ?tautology_) }}"
            for _, (s, p, o), pattern in _templates()]


_PREFIXES = {"owl": _OWL, "rdfs": str(rdflib.RDFS), "rdf": str(rdflib.RDF)}


def add_all(store: ox.Store, quads) -> int:
    """Bulk-load ``quads`` (an iterable, consumed lazily) into ``store``; return how many."""
    count = 0

    def counted():
        nonlocal count
        for quad in quads:
            count += 1
            yield quad

    store.bulk_extend(counted())
    return count


def _count(store: ox.Store, graph: str) -> int:
    # Counted in the store: iterating millions of quads in Python is the cost the streaming
    # build avoids.
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)


def saturate(store: ox.Store, given: list[str], inferred: str, max_rounds: int = 100) -> int:
    """Apply RULES to the ``given`` graphs until nothing new is derived; return the rounds run.

    New conclusions go to ``inferred``, except tautologies, which go to a scratch graph the
    rules still read (``?c rdfs:subClassOf owl:Thing`` gives every domain owl:Thing).
    """
    known = [ox.NamedNode(g) for g in (*given, inferred, _TAUTOLOGIES)]
    keep_thing = bool(store.query(THING_CONSUMED, prefixes=_PREFIXES, default_graph=known))
    others = [g.value for g in store.named_graphs() if g not in known]
    queries = _queries(others, keep_thing)
    targets = {True: ox.NamedNode(_TAUTOLOGIES), False: ox.NamedNode(inferred)}
    for rounds in range(1, max_rounds + 1):
        added = 0
        for query in queries:
            rows = store.query(query, prefixes=_PREFIXES, default_graph=known)
            added += add_all(store, (
                ox.Quad(r["s_"], r["p_"], r["o_"], targets[r["tautology_"].value == "true"])
                for r in rows))
        if added == 0:
            return rounds
    raise RuntimeError(f"OWL 2 RL rules did not reach a fixpoint in {max_rounds} rounds")


def infer_in_store(store: ox.Store, given: list[str]) -> int:
    """Put the closure of the ``given`` graphs into the inferred graph of ``store``.

    What the rules derive that is neither asserted in a given graph nor a tautology (the
    filter owlrl's route applies, as SPARQL) is kept; the tautologies' scratch graph, which
    holds only schema-sized conclusions, is dropped.  Returns the number of inferred triples.
    """
    inferred = str(INFERRED_GRAPH)
    saturate(store, given, inferred)
    store.remove_graph(ox.NamedNode(_TAUTOLOGIES))
    return _count(store, inferred)


def closure(quads) -> list[ox.Quad]:
    """Return the triples the OWL 2 RL rules add to ``quads``, in the inferred graph."""
    given = ox.NamedNode(_GIVEN)
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, given) for q in quads)
    infer_in_store(store, [_GIVEN])
    return sorted(store.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH))),
                  key=str)
