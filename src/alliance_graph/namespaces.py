"""The IRIs the project mints and the vocabularies it reuses, in one table.

The project's IRIs live under ``https://alliance-graph.example/``: ``.example`` is reserved
(RFC 2606) for documentation, so no real site is claimed.  The server answers for these IRIs
by path (``/id/...``, ``/ontology/...``), whatever host it runs on.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

BASE = "https://alliance-graph.example/"

AG = Namespace(BASE + "ontology/")          # classes and properties
ID = Namespace(BASE + "id/")                # entities
CLAIM = Namespace(BASE + "id/claim/")       # claim nodes
EV = Namespace(BASE + "id/evidence/")       # evidence nodes
SRC = Namespace(BASE + "id/source/")        # source documents, by file name
GRADE = Namespace(BASE + "id/grade/")       # Admiralty reliability / credibility concepts
GRAPH = Namespace(BASE + "graph/")          # named graphs: graph/<file path>, graph/inferred
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = SDO

INFERRED_GRAPH = GRAPH["inferred"]
ASSERTED_GRAPH = GRAPH["asserted"]

# Prefixes bound in every graph, query and export the project writes.
PREFIXES = {
    "ag": AG,
    "id": ID,
    "claim": CLAIM,
    "ev": EV,
    "src": SRC,
    "grade": GRADE,
    "graph": GRAPH,
    "oa": OA,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "schema": SCHEMA,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

# The same table as plain strings, for Oxigraph (query prefixes, serializer prefixes).
PREFIX_IRIS = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def shorten(iri: str) -> str:
    """Return ``iri`` as a prefixed name if a project prefix covers it, else as ``<iri>``."""
    for prefix, ns in PREFIX_IRIS.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and local and "/" not in local and "#" not in local:
            return f"{prefix}:{local}"
    return f"<{iri}>"


def turtle_prologue() -> str:
    """Return the @prefix lines for every project prefix, for Turtle the project writes."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def sparql_prologue() -> str:
    """Return the PREFIX lines for every project prefix, for queries written by users."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def bind_prefixes(graph):
    """Bind the project's prefixes on an rdflib graph and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
