"""Claims and their evidence as a page shows them: each claim node read whole (its fact,
rank, qualifiers, notes, links to the claims that disagree) with the quotes it cites and their
sources' grades, fetched 200 at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import AG, PROV, RDF
from .terms import Labeller, Term, sparql_iri, valid_iri

# Properties whose plain triples a claim node or evidence node already shows in its card.
_CLAIM_PARTS = {str(RDF.subject), str(RDF.predicate), str(RDF.object)}


@dataclass
class Evidence:
    """One quote supporting a claim, with the source document it comes from."""

    iri: Term
    exact: str
    prefix: str = ""
    suffix: str = ""
    source: Term | None = None
    source_title: str = ""
    kind: str = ""
    grade: str = ""             # Admiralty reliability notation, A-F
    grade_label: str = ""
    credibility: str = ""       # Admiralty information credibility, 1-6


@dataclass
class Claim:
    """A claim node: a fact with its rank, qualifiers, evidence and disagreements."""

    iri: Term
    subject: Term
    predicate: Term
    object: Term
    rank: str = ""              # "preferred", "normal", "deprecated"
    rank_iri: str = ""
    qualifiers: list[tuple[Term, Term]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)   # ag:disagreementNote
    evidence: list[Evidence] = field(default_factory=list)
    disputed_by: list[str] = field(default_factory=list)   # claim IRIs
    variant_of: list[str] = field(default_factory=list)
    opposed_by: list[str] = field(default_factory=list)     # opposing assessments


_CLAIM_FIELDS = """
SELECT ?c ?p ?o WHERE { VALUES ?c { %s } ?c ?p ?o }
"""
_EVIDENCE_FIELDS = """
SELECT ?e ?source ?exact ?prefix ?suffix ?title ?kind ?grade ?gradeLabel ?cred WHERE {
  VALUES ?e { %s }
  OPTIONAL { ?e oa:hasSelector ?sel . ?sel a oa:TextQuoteSelector ; oa:exact ?exact .
             OPTIONAL { ?sel oa:prefix ?prefix } OPTIONAL { ?sel oa:suffix ?suffix } }
  OPTIONAL { ?e oa:hasSource ?source .
             OPTIONAL { ?source dcterms:title ?title }
             OPTIONAL { ?source ag:sourceKind ?k . ?k rdfs:label ?kind }
             OPTIONAL { ?source ag:reliability ?g . ?g skos:notation ?grade .
                        OPTIONAL { ?g skos:prefLabel ?gradeLabel } } }
  OPTIONAL { ?e ag:credibility ?cg . ?cg skos:notation ?cred }
}
"""


def claims(kg, iris, labeller: Labeller | None = None) -> dict[str, Claim]:
    """Return the claims with the given IRIs, with evidence, keyed by IRI."""
    labeller = labeller or Labeller(kg)
    iris = sorted({i for i in iris if valid_iri(i)})
    fields: dict[str, list[tuple]] = defaultdict(list)
    for start in range(0, len(iris), 200):
        values = " ".join(sparql_iri(i) for i in iris[start:start + 200])
        for row in kg.query(_CLAIM_FIELDS % values):
            fields[row["c"].value].append((row["p"].value, row["o"]))
    wanted = {o.value for pairs in fields.values() for _, o in pairs
              if isinstance(o, ox.NamedNode)}
    labeller.fetch(wanted | set(fields))
    evidence_iris = {o.value for pairs in fields.values() for p, o in pairs
                     if p == str(PROV.wasDerivedFrom) and isinstance(o, ox.NamedNode)}
    evidence = evidence_nodes(kg, evidence_iris, labeller)
    out = {}
    qualifier_props = {str(AG.validFrom), str(AG.validUntil), str(AG.asOf)}
    for iri, pairs in fields.items():
        one = {}
        claim = Claim(labeller.term(ox.NamedNode(iri)), *(None,) * 3)
        for p, o in pairs:
            if p in _CLAIM_PARTS:
                one.setdefault(p, o)
            elif p == str(AG.rank):
                claim.rank_iri = o.value
                claim.rank = labeller.term(o).label
            elif p in qualifier_props:
                claim.qualifiers.append((labeller.term(ox.NamedNode(p)), labeller.term(o)))
            elif p == str(AG.note):
                claim.notes.append(o.value)
            elif p == str(AG.disagreementNote):
                claim.differences.append(o.value)
            elif p == str(PROV.wasDerivedFrom) and o.value in evidence:
                claim.evidence.append(evidence[o.value])
            elif p == str(AG.disputedBy):
                claim.disputed_by.append(o.value)
            elif p == str(AG.variantOf):
                claim.variant_of.append(o.value)
            elif p == str(AG.opposedBy):
                claim.opposed_by.append(o.value)
        if len(one) < 3:
            continue  # not a complete claim node; the checks report it at build time
        claim.subject = labeller.term(one[str(RDF.subject)])
        claim.predicate = labeller.term(one[str(RDF.predicate)])
        claim.object = labeller.term(one[str(RDF.object)])
        claim.qualifiers.sort(key=lambda q: q[0].value)
        claim.evidence.sort(key=lambda e: (e.grade or "Z", e.iri.value))
        out[iri] = claim
    return out


def evidence_nodes(kg, iris, labeller: Labeller) -> dict[str, Evidence]:
    """Return the evidence nodes with the given IRIs: quote, source, kind and grades."""
    out: dict[str, Evidence] = {}
    iris = sorted({i for i in iris if valid_iri(i)})
    for start in range(0, len(iris), 200):
        values = " ".join(sparql_iri(i) for i in iris[start:start + 200])
        for row in kg.query(_EVIDENCE_FIELDS % values):
            e = row["e"].value
            if e in out:
                continue  # a second selector or label: the first is enough for a page
            def val(name, row=row):
                return row[name].value if row[name] is not None else ""
            source = row["source"]
            out[e] = Evidence(
                iri=labeller.term(ox.NamedNode(e)), exact=val("exact"), prefix=val("prefix"),
                suffix=val("suffix"), source=labeller.term(source) if source else None,
                source_title=val("title") or (source.value.rsplit("/", 1)[-1] if source else ""),
                kind=val("kind"), grade=val("grade"), grade_label=val("gradeLabel"),
                credibility=val("cred"))
    return out
