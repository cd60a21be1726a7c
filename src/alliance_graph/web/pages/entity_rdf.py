"""An entity's page as RDF (``/id/...`` asked for Turtle, N-Triples, JSON-LD...): the entity's
own triples with the claims about it or pointing to it, and their evidence; and the ontology's
IRI as RDF: the ontology itself, as an editor such as Protégé opens it from its IRI."""

from __future__ import annotations

import pyoxigraph as ox

from ...rdf import ONTOLOGY, file_of, is_role
from .terms import sparql_iri

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
