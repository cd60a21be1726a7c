"""What the query editor completes: the project's prefixes and the ontology's terms, from the graph.

Served as ``/vocabulary.json``; the editor fetches it once.  Terms are the classes and
properties the graph declares, each as the prefixed name a query would write, with its
``rdfs:label`` and ``skos:definition`` to show beside it.
"""

from __future__ import annotations

from ...namespaces import PREFIX_IRIS, shorten

_TERMS = """
SELECT ?t ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) WHERE {
  VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property")
                         (owl:DatatypeProperty "property") (owl:AnnotationProperty "property")
                         (rdf:Property "property") }
  ?t a ?type FILTER(isIRI(?t))
  OPTIONAL { ?t rdfs:label ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }
  OPTIONAL { ?t skos:definition ?d FILTER(LANG(?d) = "" || LANGMATCHES(LANG(?d), "en")) }
} GROUP BY ?t ?kind
"""


def vocabulary(kg) -> dict:
    """Return the prefixes and the ontology's classes and properties, for completion."""
    terms = {}
    for row in kg.query(_TERMS):
        name = shorten(row["t"].value)
        if name.startswith("<"):
            continue  # no project prefix covers it: a query would have to spell the IRI out
        terms[name] = {"name": name, "kind": row["kind"].value,
                       "label": row["label"].value if row["label"] is not None else "",
                       "definition": row["definition"].value if row["definition"] else ""}
    # Case alone breaks a tie (ag:Headquarters, the class, before ag:headquarters): sorted
    # on the folded name alone, the two came in the store's order, which Virtuoso's is not
    # the local store's, so the list and the editor's completions changed with the store.
    return {"prefixes": dict(PREFIX_IRIS),
            "terms": sorted(terms.values(), key=lambda t: (t["name"].lower(), t["name"]))}
