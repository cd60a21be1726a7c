"""Everything the graph says about one IRI, as plain values: its claims, their quotes, its links.

``describe`` gathers what an entity page shows: the entity's labels and types, every claim
about it or pointing to it (with rank, qualifiers, evidence quotes and the sources' grades),
the claims that disagree with those, and the plain statements no claim covers (ontology terms,
source documents, claim and evidence nodes have only those).  ``description`` returns the same
neighbourhood as RDF triples for RDF clients.  Only SPARQL is used, so any backend serves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import AG, OWL, RDF, RDFS, SKOS
from ...store import numbers
from . import blank_nodes
from .claim_cards import Claim, Evidence, claims, evidence_nodes
from .terms import Labeller, Term, by_text, shared_labels, shorten, sparql_iri, valid_iri

# How many incoming statements of one property a page lists before it only counts them.
MAX_INCOMING = 200
# How many claims of one property (one direction) a page shows as cards before it only counts
# them and links the query listing them all: a class of 3,571 instances (100 k facts) made a
# page of 3.2 MB, its type claims each a card with its quote.
MAX_GROUP = 50
# Up to how many rows a bounded list is ordered before it is cut (by IRI, preferred claims
# first): ordering 100,000 claim IRIs to show 200 took 4 s on a directory store, so past this
# a page shows the first the store lists, and says how many there are.
SORTED_MAX = 2000
RANK_ORDER = {str(AG.PreferredRank): 0, str(AG.NormalRank): 1, str(AG.DeprecatedRank): 2}


@dataclass
class Group:
    """The claims of one property, outgoing (entity is the subject) or incoming (the object)."""

    predicate: Term
    incoming: bool
    claims: list[Claim]
    total: int = 0              # claims of the group in the graph; more than shown: cut
    query: str = ""             # SPARQL listing them all, for a group that is cut

    @property
    def hidden(self) -> int:
        """Return how many of the group's claims the page does not show."""
        return max(0, self.total - len(self.claims))


@dataclass
class Entity:
    """What a page or an RDF client is told about one IRI."""

    iri: Term
    label: str
    types: list[Term]
    class_definitions: list[tuple[Term, str]]      # (class, its skos:definition)
    definition: str = ""
    groups: list[Group] = field(default_factory=list)
    related: dict[str, Claim] = field(default_factory=dict)   # disagreeing claims, by IRI
    statements: list[tuple[Term, list[Term]]] = field(default_factory=list)
    incoming: list[tuple[Term, list[Term], int]] = field(default_factory=list)
    supported: list[Claim] = field(default_factory=list)      # for sources and evidence
    shared: set[str] = field(default_factory=set)   # IRIs named with their prefixed names too
    supported_count: int = 0
    supported_query: str = ""                                 # lists them all, when cut
    usage: list[Claim] = field(default_factory=list)          # for properties
    usage_count: int = 0
    usage_query: str = ""
    own_claim: Claim | None = None                            # for claim nodes
    own_evidence: Evidence | None = None                      # for evidence nodes

    def incoming_query(self, p: str) -> str:
        """Return the SPARQL listing everything pointing at the entity by ``p``."""
        return (f"# Everything whose {shorten(p)} is {shorten(self.iri.value)}.\n"
                f"SELECT ?s WHERE {{ ?s {sparql_iri(p)} {sparql_iri(self.iri.value)} }} "
                "ORDER BY ?s\n")

    def rows(self, group: Group) -> list[list[tuple[Claim, str]]]:
        """Return a group's claims in rows: a lone claim, or claims that disagree side by side.

        Each claim comes with its mark: "" alone, else "disputed", "variant" or "opposed".
        """
        shown: set[str] = set()
        out = []
        for c in group.claims:
            if c.iri.value in shown:
                continue
            shown.add(c.iri.value)
            row = [(c, "")]
            for mark, others in (("disputed", c.disputed_by), ("variant", c.variant_of),
                                 ("opposed", c.opposed_by)):
                for other in others:
                    if other in self.related and other not in shown:
                        shown.add(other)
                        row.append((self.related[other], mark))
            if len(row) > 1:
                row[0] = (c, row[1][1])
            out.append(row)
        return out


def exists(kg, iri: str) -> bool:
    """Return True if any asserted triple mentions ``iri`` as subject or object."""
    ref = sparql_iri(iri)
    return bool(kg.query(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} }}"))


def _group(claim_list: list[Claim], iri: str) -> list[Group]:
    groups: dict[tuple, Group] = {}
    for c in claim_list:
        incoming = c.subject.value != iri
        key = (incoming, c.predicate.value)
        groups.setdefault(key, Group(c.predicate, incoming, [])).claims.append(c)
    for g in groups.values():
        g.claims.sort(key=lambda c: (RANK_ORDER.get(c.rank_iri, 3), by_text(c.object.label),
                                     c.iri.value))
    # rdf:type and rdfs:label first, then the others by label; incoming after outgoing.
    first = {str(RDF.type): 0, str(RDFS.label): 1}
    return sorted(groups.values(), key=lambda g: (g.incoming, first.get(g.predicate.value, 2),
                                                  g.predicate.label.lower()))


def describe(kg, iri: str) -> Entity | None:
    """Return what the graph says about ``iri``, or None if no asserted triple mentions it."""
    if not valid_iri(iri) or not exists(kg, iri):
        return None
    ref = sparql_iri(iri)
    lab = Labeller(kg)
    # The entity's own plain statements.
    own: dict[str, list] = defaultdict(list)
    for row in kg.query(f"SELECT ?p ?o WHERE {{ {ref} ?p ?o }}"):
        own[row["p"].value].append(row["o"])
    lab.fetch([iri, *own, *(o.value for os in own.values() for o in os
                            if isinstance(o, ox.NamedNode))])
    types = [lab.term(o) for o in own.get(str(RDF.type), []) if isinstance(o, ox.NamedNode)]
    types.sort(key=lambda t: by_text(t.label))
    definitions = []
    for t in types:
        for row in kg.query(f"SELECT ?d WHERE {{ {sparql_iri(t.value)} skos:definition ?d }}"):
            definitions.append((t, row["d"].value))
    own_def = next((o.value for o in own.get(str(SKOS.definition), [])), "")
    entity = Entity(lab.term(ox.NamedNode(iri)), lab.labels.get(iri) or shorten(iri), types,
                    definitions, own_def)

    # Claims about it and pointing to it (at most MAX_GROUP per property and direction), and
    # the claims those disagree with.
    sizes = _group_sizes(kg, ref)
    claim_iris = set()
    for (incoming, p), (n, _) in sizes.items():
        claim_iris |= _group_claims(kg, ref, p, incoming, n)
    found = claims(kg, claim_iris, lab)
    entity.groups = _group(list(found.values()), iri)
    for g in entity.groups:
        g.total = max(len(g.claims), sizes.get((g.incoming, g.predicate.value), (0, 0))[0])
        if g.hidden:
            g.query = group_query(iri, g.predicate.value, g.incoming)
    linked = {o for c in found.values() for o in c.disputed_by + c.variant_of + c.opposed_by}
    linked |= {row["c"].value for row in kg.query(
        f"SELECT DISTINCT ?c WHERE {{ VALUES ?mine {{ {' '.join(map(sparql_iri, claim_iris))} }} "
        f"?c ag:disputedBy|ag:variantOf|ag:opposedBy ?mine }}")} if claim_iris else set()
    entity.related = {**found, **claims(kg, linked - set(found), lab)}
    # Links are symmetric in meaning; record the reverse direction where only one is written.
    for c in list(entity.related.values()):
        for other, attr in [(o, "disputed_by") for o in c.disputed_by] + \
                           [(o, "variant_of") for o in c.variant_of] + \
                           [(o, "opposed_by") for o in c.opposed_by]:
            back = entity.related.get(other)
            if back is not None and c.iri.value not in getattr(back, attr):
                getattr(back, attr).append(c.iri.value)

    # Plain statements no claim covers (ontology terms, sources, claim and evidence nodes).
    claimed = {(c.predicate.value, c.object.value) for c in found.values()
               if c.subject.value == iri}
    for g in entity.groups:
        if g.hidden and not g.incoming:  # the values of the claims not shown are claimed too
            claimed |= {(g.predicate.value, row["o"].value) for row in kg.query(
                f"SELECT DISTINCT ?o WHERE {{ ?c rdf:subject {ref} . ?c a ag:Claim ; "
                f"rdf:predicate {sparql_iri(g.predicate.value)} ; rdf:object ?o }}")}
    # Blank values are written with what they say (read with their own triples).
    blanks = blank_nodes.values(kg, iri, lab) if any(
        isinstance(o, ox.BlankNode) for os in own.values() for o in os) else {}
    for p in sorted(own, key=lambda p: (p != str(RDF.type), lab.term(ox.NamedNode(p)).label)):
        values = [lab.term(o) for o in own[p] if (p, o.value) not in claimed
                  and not isinstance(o, ox.BlankNode)] + blanks.get(p, [])
        if values:
            entity.statements.append((lab.term(ox.NamedNode(p)),
                                      sorted(values, key=lambda t: by_text(t.label))))
    entity.incoming = _incoming(kg, iri, lab, {p: subjects for (incoming, p), (_, subjects)
                                               in sizes.items() if incoming})

    kinds = {t.value for t in types}
    if str(AG.Claim) in kinds:
        entity.own_claim = claims(kg, [iri], lab).get(iri)
    supports = None
    if str(AG.SourceDocument) in kinds:
        supports = f"?e oa:hasSource {ref} . ?c prov:wasDerivedFrom ?e"
    if str(AG.Evidence) in kinds:
        supports = f"?c prov:wasDerivedFrom {ref}"
        entity.own_evidence = evidence_nodes(kg, [iri], lab).get(iri)
    if supports:
        entity.supported_count = _count_where(kg, supports)
        entity.supported = _claims_where(kg, supports, lab, entity.supported_count)
        if entity.supported_count > len(entity.supported):
            entity.supported_query = _listing(f"Every claim {shorten(iri)} supports.", supports)
    if kinds & {str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(RDF.Property)}:
        uses = f"?c rdf:predicate {ref}"
        entity.usage_count = _count_where(kg, uses)
        entity.usage = _claims_where(kg, uses, lab, entity.usage_count)
        if entity.usage_count > len(entity.usage):
            entity.usage_query = _listing(f"Every claim by {shorten(iri)}.", uses)
    # The IRIs the page names whose label another of them shares, which it writes with their
    # prefixed names too (_macros.term): nine labels name a class and a property both, and a
    # page naming both ('cooperation area', a type and a property pointing at the entity)
    # had two links of one name, each to another term.
    shared = shared_labels((label, i) for i, label in lab.labels.items() if label)
    entity.shared = {i for i, label in lab.labels.items() if label in shared}
    return entity


def _listing(title: str, pattern: str) -> str:
    """Return the SPARQL listing every claim matching ``pattern`` with its statement."""
    return (f"# {title}\nSELECT DISTINCT ?c ?subject ?property ?value WHERE {{\n  {pattern} .\n"
            f"  ?c a ag:Claim ; rdf:subject ?subject ; rdf:predicate ?property ; "
            f"rdf:object ?value .\n}} ORDER BY ?c\n")


def _count_where(kg, pattern: str) -> int:
    """Return how many claims match ``pattern`` (which binds ``?c``)."""
    row = next(iter(kg.query(
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {pattern} . ?c a ag:Claim }}")))
    return numbers.count(row["n"])


def _claims_where(kg, pattern: str, lab: Labeller, count: int) -> list[Claim]:
    """Return at most MAX_INCOMING of the claims matching ``pattern``, the first by IRI (of
    ``count`` in all: past SORTED_MAX, the first the store lists)."""
    # The claim's type after the pattern that binds it: written first, Oxigraph read every
    # claim of the graph and joined them to the pattern.
    order = " ORDER BY ?c" if count <= SORTED_MAX else ""
    iris = [r["c"].value for r in kg.query(
        f"SELECT DISTINCT ?c WHERE {{ {pattern} . ?c a ag:Claim }}{order} LIMIT {MAX_INCOMING}")]
    found = claims(kg, iris, lab)
    return sorted(found.values(), key=lambda c: (by_text(c.subject.label), c.predicate.label,
                                                 by_text(c.object.label)))


def _group_sizes(kg, ref: str) -> dict[tuple[bool, str], tuple[int, int]]:
    """Return, per (incoming, property), how many claims are about the entity (outgoing) or
    point at it (incoming), and for incoming ones from how many subjects."""
    # Each branch starts from the entity: with the claim's type outside the UNION, Oxigraph
    # read every claim of the graph first (0.5 s per page at 100 k facts).
    # The direction is a string: Virtuoso answers a bound `true` as "1"^^xsd:integer, and the
    # page of an entity read from it lost every incoming group.
    rows = kg.query(
        f"SELECT ?p ?way (COUNT(DISTINCT ?c) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) WHERE {{ "
        f"{{ ?c rdf:subject {ref} . ?c a ag:Claim ; rdf:predicate ?p ; rdf:object ?o "
        f'BIND("out" AS ?way) }} UNION '
        f"{{ ?c rdf:object {ref} . ?c a ag:Claim ; rdf:predicate ?p ; rdf:subject ?s "
        f'FILTER(?s != {ref}) BIND("in" AS ?way) }} }} GROUP BY ?p ?way')
    return {(r["way"].value == "in", r["p"].value): (numbers.count(r["n"]), numbers.count(r["subjects"]))
            for r in rows if isinstance(r["p"], ox.NamedNode)}


def _group_pattern(ref: str, p: str, incoming: bool) -> str:
    if incoming:
        return (f"?c rdf:object {ref} . ?c a ag:Claim ; rdf:predicate {sparql_iri(p)} ; "
                f"rdf:subject ?s FILTER(?s != {ref})")
    return f"?c rdf:subject {ref} . ?c a ag:Claim ; rdf:predicate {sparql_iri(p)} ; rdf:object ?o"


def _group_claims(kg, ref: str, p: str, incoming: bool, n: int) -> set[str]:
    """Return the IRIs of a group's claims: all of them up to MAX_GROUP, else MAX_GROUP of
    them, preferred first (when there are at most SORTED_MAX to order)."""
    pattern = _group_pattern(ref, p, incoming)
    if n <= MAX_GROUP:
        return {r["c"].value for r in kg.query(f"SELECT DISTINCT ?c WHERE {{ {pattern} }}")}
    order = ""
    if n <= SORTED_MAX:
        pattern += (" OPTIONAL { ?c ag:rank ?r } BIND(IF(?r = ag:PreferredRank, 0, "
                    "IF(?r = ag:NormalRank, 1, IF(?r = ag:DeprecatedRank, 2, 3))) AS ?rank)")
        order = " ORDER BY ?rank ?c"
    return {r["c"].value for r in kg.query(
        f"SELECT DISTINCT ?c ?rank WHERE {{ {pattern} }}{order} LIMIT {MAX_GROUP}")}


def group_query(iri: str, p: str, incoming: bool) -> str:
    """Return the SPARQL listing every claim of one group, for a page's "and N more" link."""
    ref, prop = sparql_iri(iri), sparql_iri(p)
    if incoming:
        return (f"# Every claim whose value is {shorten(iri)}, by {shorten(p)}.\n"
                f"SELECT ?claim ?subject ?rank WHERE {{\n"
                f"  ?claim rdf:object {ref} ; rdf:predicate {prop} ; rdf:subject ?subject .\n"
                f"  OPTIONAL {{ ?claim ag:rank ?rank }}\n}} ORDER BY ?subject ?claim\n")
    return (f"# Every claim of {shorten(iri)} by {shorten(p)}.\n"
            f"SELECT ?claim ?value ?rank WHERE {{\n"
            f"  ?claim rdf:subject {ref} ; rdf:predicate {prop} ; rdf:object ?value .\n"
            f"  OPTIONAL {{ ?claim ag:rank ?rank }}\n}} ORDER BY ?value ?claim\n")


def _incoming(kg, iri: str, lab: Labeller, claimed: dict[str, int]
              ) -> list[tuple[Term, list[Term], int]]:
    """Return plain triples pointing at ``iri`` by property, skipping what claims show
    (``claimed``: per property, how many subjects claims point at it from); a blank node
    pointing at it is shown as the IRI it hangs from (a shape, for a list member)."""
    ref = sparql_iri(iri)
    counts = {r["p"].value: numbers.count(r["n"]) for r in kg.query(
        f"SELECT ?p (COUNT(?s) AS ?n) WHERE {{ ?s ?p {ref} "
        f"FILTER(?p NOT IN (rdf:subject, rdf:object)) }} GROUP BY ?p")}
    held = blank_nodes.holders(kg, iri, lab)
    out = []
    for p, n in sorted(counts.items()):
        holders, blank = held.get(p, ([], 0))
        hidden = claimed.get(p, 0)
        # Enough rows to find MAX_INCOMING that no claim shows (when claims show fewer than
        # SORTED_MAX of them), ordered when there are few enough.
        order = " ORDER BY ?s" if n <= SORTED_MAX else ""
        rows = kg.query(f"SELECT ?s WHERE {{ ?s {sparql_iri(p)} {ref} FILTER(!isBlank(?s)) }}"
                        f"{order} LIMIT {MAX_INCOMING + min(hidden, SORTED_MAX)}")
        subjects = [r["s"] for r in rows]
        shown_by_claims = _claimed_subjects(kg, ref, p, subjects) if hidden else set()
        subjects = [s for s in subjects if s.value not in shown_by_claims]
        if not subjects and not holders:
            continue
        lab.fetch([s.value for s in subjects if isinstance(s, ox.NamedNode)])
        terms = sorted((lab.term(s) for s in subjects[:MAX_INCOMING]),
                       key=lambda t: by_text(t.label))
        out.append((lab.term(ox.NamedNode(p)), terms + holders, n - hidden - blank + len(holders)))
    return sorted(out, key=lambda x: by_text(x[0].label))


def _claimed_subjects(kg, ref: str, p: str, subjects) -> set[str]:
    """Return which of ``subjects`` a claim shows pointing at the entity by ``p``."""
    iris = [s.value for s in subjects if isinstance(s, ox.NamedNode)]
    out = set()
    for start in range(0, len(iris), 200):
        values = " ".join(sparql_iri(i) for i in iris[start:start + 200])
        out |= {r["s"].value for r in kg.query(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?c rdf:subject ?s ; "
            f"rdf:predicate {sparql_iri(p)} ; rdf:object {ref} . ?c a ag:Claim }}")}
    return out
