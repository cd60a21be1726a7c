"""An entity's page as RDF (``/id/...`` asked for Turtle, N-Triples, JSON-LD...): the entity's
own triples with the claims about it or pointing to it, and their evidence; and the ontology's
IRI as RDF: the ontology itself, as an editor such as Protégé opens it from its IRI.

The claims pointing at an entity are as many as the graph makes them (a class of 3,571
instances at 100 k facts: 2 MB of Turtle), so a description comes in pages: every page holds
the entity's own triples and the claims about it, whole, and ``PAGE`` claims pointing at it by
each property; page N the Nth ``PAGE`` of each.  A description that fits one page is as it
always was; one that does not says so in Hydra's terms (``controls``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...namespaces import PREFIX_IRIS, shorten
from ...rdf import ONTOLOGY, file_of, is_role
from ...store import numbers
from .entity import MAX_INCOMING, SORTED_MAX
from .terms import sparql_iri

PAGE = MAX_INCOMING  # claims pointing at the entity by one property, a page (as on its page)
HYDRA = "http://www.w3.org/ns/hydra/core#"
RDF_TYPE, RDFS_COMMENT = PREFIX_IRIS["rdf"] + "type", PREFIX_IRIS["rdfs"] + "comment"
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"

# Each branch starts from the entity, the claim's type after it: with ``?s a ag:Claim`` first,
# Oxigraph read every claim of the graph (1.5 s for one entity's few triples at 100 k facts).
_CLAIMS = "{ ?c rdf:subject %(e)s . ?c a ag:Claim } UNION { ?c rdf:object %(e)s . ?c a ag:Claim }"
_DESCRIPTION = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(%(e)s AS ?s) ?s ?p ?o }
  UNION { { SELECT DISTINCT ?c WHERE { %(claims)s } } BIND(?c AS ?s) ?s ?p ?o }
  UNION { { SELECT DISTINCT ?c WHERE { %(claims)s } } ?c prov:wasDerivedFrom ?s . ?s ?p ?o }
  UNION { { SELECT DISTINCT ?c WHERE { %(claims)s } }
          ?c prov:wasDerivedFrom/oa:hasSelector ?s . ?s ?p ?o }
}
"""


def description(kg, iri: str) -> list[ox.Triple]:
    """Return the triples of ``iri``, of the claims about or pointing to it, and of their evidence,
    each once (the query's branches overlap, and CONSTRUCT keeps what each branch finds)."""
    e = sparql_iri(iri)
    return list(dict.fromkeys(kg.query(_DESCRIPTION % {"e": e, "claims": _CLAIMS % {"e": e}})))


# The claims pointing at the entity, per property (none: a claim without one), each once.
_SIZES = """
SELECT ?p (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c rdf:object %(e)s . ?c a ag:Claim OPTIONAL { ?c rdf:predicate ?p }
} GROUP BY ?p"""
_ABOUT = "SELECT DISTINCT ?c WHERE { ?c rdf:subject %(e)s . ?c a ag:Claim }"
_POINTING = "SELECT DISTINCT ?c WHERE { ?c rdf:object %(e)s . ?c a ag:Claim %(by)s }%(order)s"
_PAGE = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(%(e)s AS ?s) ?s ?p ?o }
  UNION { VALUES ?c { %(claims)s } BIND(?c AS ?s) ?s ?p ?o }
  UNION { VALUES ?c { %(claims)s } ?c prov:wasDerivedFrom ?s . ?s ?p ?o }
  UNION { VALUES ?c { %(claims)s } ?c prov:wasDerivedFrom/oa:hasSelector ?s . ?s ?p ?o }
}
"""


@dataclass
class Description:
    """One page of an entity's description, and how many pages there are."""

    triples: list[ox.Triple]
    number: int
    pages: int
    cut: dict[str | None, int] = field(default_factory=dict)  # property: claims by it, > PAGE


def page(kg, iri: str, number: int = 1) -> Description:
    """Return page ``number`` (from 1) of ``iri``'s description; no triples past the last."""
    e = sparql_iri(iri)
    sizes = {r["p"].value if r["p"] is not None else None: numbers.count(r["n"])
             for r in kg.query(_SIZES % {"e": e})}
    cut = {p: n for p, n in sizes.items() if n > PAGE}
    pages = max([1] + [-(-n // PAGE) for n in cut.values()])
    if pages == 1:
        return Description(description(kg, iri) if number == 1 else [], number, 1)
    if number > pages:  # not asked of the engine: an OFFSET it could not read is a 500
        return Description([], number, pages, cut)
    claims = [r["c"] for r in kg.query(_ABOUT % {"e": e})]
    for p, n in sizes.items():
        if n <= (number - 1) * PAGE:
            continue
        by = f"; rdf:predicate {sparql_iri(p)}" if p is not None else \
            "FILTER NOT EXISTS { ?c rdf:predicate ?any }"
        # Ordered by IRI when few enough to order (ordering 3,571 claim IRIs took 0.35 s at
        # 100 k facts, each comparison two reads); past that in the store's order, which is
        # the same at every request while a build is served.
        order = " ORDER BY ?c" if n <= SORTED_MAX else ""
        claims += [r["c"] for r in kg.query(_POINTING % {"e": e, "by": by, "order": order}
                                            + f" LIMIT {PAGE} OFFSET {(number - 1) * PAGE}")]
    values = " ".join(dict.fromkeys(sparql_iri(c.value) for c in claims
                                    if isinstance(c, ox.NamedNode)))
    triples = list(dict.fromkeys(kg.query(_PAGE % {"e": e, "claims": values})))
    return Description(triples, number, pages, cut)


def controls(d: Description, iri: str, here: str, url: Callable[[int], str]) -> list[ox.Triple]:
    """Return the triples saying that ``d`` is one page of several (none when it is whole):
    ``here`` is the page's own URL, ``url(n)`` the URL of page n."""
    if d.pages == 1:
        return []
    n = ox.NamedNode
    page_iri = n(here)
    links = {"first": 1, "last": d.pages}
    if d.number > 1:
        links["previous"] = d.number - 1
    if d.number < d.pages:
        links["next"] = d.number + 1
    counts = ", ".join(f"{shorten(p) if p else 'no property'} {count:,}"
                       for p, count in sorted(d.cut.items(), key=lambda x: x[0] or ""))
    comment = (f"Page {d.number} of {d.pages} of the description of {shorten(iri)}: its own "
               f"statements and the claims about it are on every page, the claims pointing at "
               f"it {PAGE} a page per property (of {counts}). The other pages are linked by "
               f"hydra:next, hydra:previous, hydra:first and hydra:last, and so is each in the "
               f"HTTP Link header.")
    return [ox.Triple(page_iri, n(RDF_TYPE), n(HYDRA + "PartialCollectionView")),
            ox.Triple(page_iri, n(FOAF_PRIMARY_TOPIC), n(iri)),
            ox.Triple(page_iri, n(RDFS_COMMENT), ox.Literal(comment)),
            *(ox.Triple(page_iri, n(HYDRA + rel), n(url(k))) for rel, k in links.items())]


def links(d: Description, url: Callable[[int], str]) -> str:
    """Return the HTTP Link header of a page of several (RFC 8288's first, prev, next, last)."""
    rels = [("first", 1), ("last", d.pages)]
    if d.number > 1:
        rels.append(("prev", d.number - 1))
    if d.number < d.pages:
        rels.append(("next", d.number + 1))
    return ", ".join(f'<{url(k)}>; rel="{rel}"' for rel, k in rels)


def ontology(kg) -> list[ox.Triple]:
    """Return the ontology's triples: every file of ontology/ but the shapes (served at
    /shapes/), each triple once."""
    graphs = [g for g in kg.asserted
              if is_role(g, ONTOLOGY) and file_of(g) != f"{ONTOLOGY}/shapes.ttl"]
    return list(dict.fromkeys(q.triple for q in kg.graph_quads(graphs)))


def version_iris(kg) -> set[str]:
    """Return the ontology's version IRIs (``owl:versionIRI``), which stand for it."""
    return {row["v"].value for row in kg.query(
        "SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionIRI ?v }")}
