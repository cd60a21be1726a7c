"""The OWL 2 RL rules this ontology needs, run as SPARQL to a fixpoint inside Oxigraph.

owlrl is the reference closure, but it works on an rdflib graph in pure Python and takes hours
on a million cited facts.  These rules are the subset of the OWL 2 RL rule tables (W3C OWL 2
Profiles, section 4.3) that the ontology's constructs trigger: equality, property axioms
(domain, range, sub/equivalent/inverse, symmetric, transitive, functional) and class axioms
(sub/equivalent class), with the schema rules that chain them.  Each rule is a SELECT of
conclusions not yet in the store, bulk-loaded back in; after the first round a rule only
joins what was added since it last ran (semi-naive, see ``_variants``), so the rounds that
close a chain or confirm the fixpoint cost seconds, not another pass over every triple.

The rules are a table in ``rule_table.py``; this module runs them.  ``closure`` returns the same
triples as ``reasoning.owl_rl_closure`` (after the same tautology filter) as long as the ontology
stays within ``rule_table.SUPPORTED``; ``rule_table.unsupported`` names any OWL term it uses
beyond that, and tests/test_rules.py checks both on the shipped data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH_IRI, PREFIX_IRIS
from .reasoning import tautology_sparql
from .rule_table import RULES

# The graph the quads handed to ``closure`` are put in, in its own reasoning store.
_GIVEN = "urn:alliance-graph:rules:given"

# Where a rule's conclusion goes.  Conclusions already present in any of these graphs are not
# derived again, so every round adds only new triples and nothing asserted is copied.
_TAUTOLOGIES = "urn:alliance-graph:rules:tautologies"
_TYPE, _THING = PREFIX_IRIS["rdf"] + "type", PREFIX_IRIS["owl"] + "Thing"
# owl:Thing's instances are the one tautology that grows with the data (one per typed node).
# A rule reads "?x a owl:Thing" only through a class axiom on owl:Thing or an axiom about
# rdf:type itself; without those the triple leads nowhere and is not kept even as scratch.
THING_CONSUMED = f"""ASK {{ {{ <{_THING}> ?axiom ?c FILTER(?axiom IN (rdfs:subClassOf,
  owl:equivalentClass, owl:sameAs)) }} UNION {{ ?c ?axiom <{_THING}> FILTER(?axiom IN
  (owl:equivalentClass, owl:sameAs)) }} UNION {{ <{_TYPE}> ?axiom ?c FILTER(?axiom IN
  (rdfs:domain, rdfs:range, rdfs:subPropertyOf, owl:equivalentProperty, owl:inverseOf,
  owl:sameAs, rdf:type)) }} UNION {{ ?c ?axiom <{_TYPE}> FILTER(?axiom IN
  (rdfs:subPropertyOf, owl:equivalentProperty, owl:inverseOf, owl:sameAs)) }} }}"""


_PREFIXES = {p: PREFIX_IRIS[p] for p in ("owl", "rdfs", "rdf")}


def _terms(triple: str) -> list[str]:
    return [{"a": f"<{_TYPE}>"}.get(t, t) for t in triple.split()]


def _iri(term: str) -> str | None:
    """Return the IRI a constant term names (None for a variable)."""
    if term.startswith("?"):
        return None
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    return _PREFIXES[prefix] + local


@dataclass
class _Rule:
    """One template triple of a rule, with its body's triple patterns and filter."""

    name: str
    head: list[str]
    atoms: list[list[str]]
    condition: str


def _rules() -> list[_Rule]:
    """Return the rules, one template triple each.

    The schema rules come first: within a round each rule sees what the ones before it added,
    so the instance rules then use the closed schema and most graphs saturate in one round."""
    ordered = sorted(RULES, key=lambda rule: not rule[0].startswith("scm-"))
    out = []
    for name, template, body in ordered:
        joined, _, condition = body.partition(" FILTER")
        atoms = [_terms(atom) for atom in joined.split(" . ")]
        for triple in template.split(" . "):
            out.append(_Rule(name, _terms(triple), atoms, "FILTER" + condition if condition else ""))
    return out


# Up to this many added triples of one predicate are remembered exactly (schema axioms, a few
# sameAs links); beyond it only the predicate, and for rdf:type the classes, are.
_EXACT = 1000


@dataclass
class _Added:
    """What was added since a rule last ran: per predicate the (subject, object) pairs, or None
    once there are too many (or blank nodes, which VALUES cannot name); rdf:type's classes."""

    pairs: dict = field(default_factory=dict)
    classes: set = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def note(self, s, p: str, o) -> None:
        if p == _TYPE:
            self.classes.add(o.value)
        pairs = self.pairs.setdefault(p, set())
        if pairs is None:
            return
        if len(pairs) >= _EXACT or isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            self.pairs[p] = None
        else:
            pairs.add((s, o))

    def merge(self, other: _Added) -> None:
        self.classes |= other.classes
        for p, pairs in other.pairs.items():
            mine = self.pairs.setdefault(p, set())
            if mine is not None:
                self.pairs[p] = None if pairs is None or len(mine) + len(pairs) > _EXACT \
                    else mine | pairs


def _values(variables: list[str], rows) -> str:
    rows = sorted({" ".join(str(t) for t in row) for row in rows})
    return f"VALUES ({' '.join(variables)}) {{ {' '.join(f'({r})' for r in rows)} }}"


def _exactly(atom: list[str], pairs) -> str | None:
    """Return VALUES binding ``atom``'s subject and object variables to the added pairs that
    fit its constants, None when none fits."""
    s, _, o = atom
    variables = [v for v in dict.fromkeys((s, o)) if v.startswith("?")]
    rows = []
    for subject, obj in pairs:
        if (not s.startswith("?") and str(subject) != _constant(s)) \
                or (not o.startswith("?") and str(obj) != _constant(o)) \
                or (s == o and subject != obj):
            continue
        bound = {s: subject, o: obj}
        rows.append([bound[v] for v in variables])
    if not rows:
        return None
    return _values(variables, rows) if variables else ""


def _constant(term: str) -> str:
    iri = _iri(term)
    return f"<{iri}>" if iri is not None else term


def _restricted(atom: list[str], added: _Added) -> tuple[str, bool] | None:
    """Return (VALUES clause, exact) limiting ``atom`` to triples added, or None when it can
    match none of them; exact clauses name the triples, the others a predicate or class."""
    _, predicate, obj = atom
    if predicate.startswith("?"):
        return _values([predicate], ([ox.NamedNode(p)] for p in added.pairs)), False
    iri = _iri(predicate)
    if iri not in added.pairs:
        return None
    if added.pairs[iri] is not None:
        values = _exactly(atom, added.pairs[iri])
        return None if values is None else (values, True)
    if iri != _TYPE:
        return "", False
    if obj.startswith("?"):
        return _values([obj], ([ox.NamedNode(c)] for c in added.classes)), False
    return ("", False) if _iri(obj) in added.classes else None


def _variants(rule: _Rule, added: _Added | None) -> list[str]:
    """Return the bodies to evaluate: the whole body the first time (``added`` None), then
    one per atom that can match an added triple, that atom limited to what was added.

    This is semi-naive evaluation: a conclusion not yet drawn needs a premise added since the
    rule last ran, so the other variants find nothing.  Premises are named exactly where they
    are few, else by predicate or class: exact triples of every kind would need a delta graph
    per round, and deleting one from an on-disk store is a transaction held in memory.  An
    exact limit goes first (it is the most selective); a coarse one just before its atom,
    after the axioms that bind it."""
    atoms = [" ".join(atom) for atom in rule.atoms]
    if added is None:
        return [f"{' . '.join(atoms)} {rule.condition}"]
    bodies = []
    for i, atom in enumerate(rule.atoms):
        limit = _restricted(atom, added)
        if limit is None:
            continue
        values, exact = limit
        if exact:
            body = f"{values} {' . '.join(atoms)}"
        else:
            body = " . ".join(atoms[:i] + [f"{values} {atoms[i]}"] + atoms[i + 1:])
        bodies.append(f"{body} {rule.condition}")
    return bodies


def _query(rule: _Rule, body: str, others: list[str], keep_thing: bool) -> str:
    # A SELECT of the new conclusions, marked tautology or not, whose answer goes in through
    # the bulk loader: a SPARQL INSERT on an on-disk store is one RocksDB transaction held in
    # memory (3.4 GB at 100 k facts); the bulk loader writes in batches.  "Already known"
    # looks the triple up in all graphs at once (one index seek) and then ignores ``others``,
    # graphs not reasoned over; limiting GRAPH to the known graphs with FROM NAMED made
    # Oxigraph seek once per graph, twice as slow at 100 k facts.
    s, p, o = rule.head
    drop = "" if keep_thing else f"FILTER(!(sameTerm(?p_, <{_TYPE}>) && sameTerm(?o_, <{_THING}>)))"
    other = f"FILTER(?known_ NOT IN ({', '.join(f'<{g}>' for g in others)}))" if others else ""
    return (f"SELECT ?s_ ?p_ ?o_ ?tautology_ WHERE {{ {body} "
            f"BIND({s} AS ?s_) BIND({p} AS ?p_) BIND({o} AS ?o_) "
            # What RDF cannot hold (a literal subject) is dropped, as CONSTRUCT would.
            f"FILTER(isIRI(?s_) || isBlank(?s_)) {drop} "
            f"FILTER NOT EXISTS {{ GRAPH ?known_ {{ ?s_ ?p_ ?o_ }} {other} }} "
            f"BIND({tautology_sparql('?s_', '?p_', '?o_')} AS ?tautology_) }}")


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


def _matches_nothing(store: ox.Store, atom: list[str], known) -> bool:
    """Return True when an atom with a fixed predicate matches no triple."""
    if atom[1].startswith("?"):
        return False
    return not store.query(f"ASK {{ {' '.join(atom)} }}", prefixes=_PREFIXES,
                           default_graph=known)


def saturate(store: ox.Store, given: list[str], inferred: str, max_rounds: int = 100) -> int:
    """Apply RULES to the ``given`` graphs until nothing new is derived; return the rounds run.

    New conclusions go to ``inferred``, except tautologies, which go to a scratch graph the
    rules still read (``?c rdfs:subClassOf owl:Thing`` gives every domain owl:Thing).
    """
    known = [ox.NamedNode(g) for g in (*given, inferred, _TAUTOLOGIES)]
    keep_thing = bool(store.query(THING_CONSUMED, prefixes=_PREFIXES, default_graph=known))
    others = [g.value for g in store.named_graphs() if g not in known]
    targets = {True: ox.NamedNode(_TAUTOLOGIES), False: ox.NamedNode(inferred)}
    rules = _rules()
    pending: list[_Added | None] = [None] * len(rules)

    def routed(rows, added: _Added):
        for r in rows:
            subject, predicate, obj = r["s_"], r["p_"], r["o_"]
            added.note(subject, predicate.value, obj)
            yield ox.Quad(subject, predicate, obj, targets[r["tautology_"].value == "true"])

    for rounds in range(1, max_rounds + 1):
        if rounds > 1 and not any(pending):
            return rounds - 1
        for i, rule in enumerate(rules):
            since, pending[i] = pending[i], _Added()
            if since is not None and not since:
                continue  # nothing added since it last ran
            if any(_matches_nothing(store, atom, known) for atom in rule.atoms):
                # Nothing to join with yet (most graphs state no owl:sameAs): the query
                # planner may still start from the big atom, so the rule is not asked.
                continue
            for body in _variants(rule, since):
                added = _Added()
                rows = store.query(_query(rule, body, others, keep_thing), prefixes=_PREFIXES,
                                   default_graph=known)
                if add_all(store, routed(rows, added)):
                    for other in pending:
                        if other is None:
                            continue  # not run yet: its first run reads everything
                        other.merge(added)
    raise RuntimeError(f"OWL 2 RL rules did not reach a fixpoint in {max_rounds} rounds")


def infer_in_store(store: ox.Store, given: list[str]) -> int:
    """Put the closure of the ``given`` graphs into the inferred graph of ``store``.

    What the rules derive that is neither asserted in a given graph nor a tautology (the
    filter owlrl's route applies, as SPARQL) is kept; the tautologies' scratch graph, which
    holds only schema-sized conclusions, is dropped.  Returns the number of inferred triples.
    """
    inferred = INFERRED_GRAPH_IRI
    saturate(store, given, inferred)
    store.remove_graph(ox.NamedNode(_TAUTOLOGIES))
    return _count(store, inferred)


def closure(quads) -> list[ox.Quad]:
    """Return the triples the OWL 2 RL rules add to ``quads``, in the inferred graph."""
    given = ox.NamedNode(_GIVEN)
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, given) for q in quads)
    infer_in_store(store, [_GIVEN])
    return sorted(store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH_IRI)),
                  key=str)
