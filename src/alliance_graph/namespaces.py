"""The IRIs the project mints and the vocabularies it reuses, in one table.

The project's IRIs live under ``https://alliance-graph.example/``: ``.example`` is reserved
(RFC 2606) for documentation, so no real site is claimed.  The server answers for these IRIs
by path (``/id/...``, ``/ontology/...``), whatever host it runs on.
"""

import difflib
import re
from collections.abc import Iterable

BASE = "https://alliance-graph.example/"

# Prefixes bound in every graph, query and export the project writes, as plain strings: what
# Oxigraph takes (query and serializer prefixes).  Plain strings so that the query engine's
# process, which needs nothing else from here, does not load rdflib (20 MB per process).
PREFIX_IRIS = {
    "ag": BASE + "ontology/",          # classes and properties
    "id": BASE + "id/",                # entities
    "claim": BASE + "id/claim/",       # claim nodes
    "ev": BASE + "id/evidence/",       # evidence nodes
    "src": BASE + "id/source/",        # source documents, by file name
    "grade": BASE + "id/grade/",       # Admiralty reliability / credibility concepts
    "graph": BASE + "graph/",          # named graphs: graph/<file path>, graph/inferred
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
INFERRED_GRAPH_IRI = PREFIX_IRIS["graph"] + "inferred"
ASSERTED_GRAPH_IRI = PREFIX_IRIS["graph"] + "asserted"

# The same namespaces as rdflib objects (AG, ID, ..., RDF, XSD; PREFIXES maps prefix to
# namespace), made on first use: module attributes looked up through __getattr__ (PEP 562).
_RDFLIB_NAMES = {"AG": "ag", "ID": "id", "CLAIM": "claim", "EV": "ev", "SRC": "src",
                 "GRADE": "grade", "GRAPH": "graph", "OA": "oa", "PROV": "prov",
                 "DCTERMS": "dcterms", "SKOS": "skos", "SCHEMA": "schema", "SDO": "schema",
                 "OWL": "owl", "RDF": "rdf", "RDFS": "rdfs", "XSD": "xsd"}


def __getattr__(name: str):
    if name in _RDFLIB_NAMES or name in ("PREFIXES", "INFERRED_GRAPH", "ASSERTED_GRAPH"):
        from rdflib import Namespace, URIRef

        spaces = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}
        globals().update({n: spaces[prefix] for n, prefix in _RDFLIB_NAMES.items()},
                         PREFIXES=spaces, INFERRED_GRAPH=URIRef(INFERRED_GRAPH_IRI),
                         ASSERTED_GRAPH=URIRef(ASSERTED_GRAPH_IRI))
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# A prefixed name's local part that SPARQL and Turtle read with no escape (PN_LOCAL without
# PLX): any other, such as "Foo(bar)", "x½" or "v1.", was shortened all the same, and the query
# editor offered ag:Foo(bar) to complete, a name no query parses.
_PN_CHARS_U = ("A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
               "\U00010000-\U000effff")
_PN_CHARS = _PN_CHARS_U + "\\-0-9\xb7\u0300-\u036f\u203f\u2040"
# One run of dots at most, as Oxigraph reads a local name (its rule 169, terminals.py): with
# two, "id:a.b.c" was offered, and a query using it read "id:a.b" and failed on ".c".
_LOCAL = re.compile(f"[{_PN_CHARS_U}0-9:][{_PN_CHARS}:]*"
                    f"(?:\\.+[{_PN_CHARS}:]+)?")


def shorten(iri: str, prefixes: dict[str, str] = PREFIX_IRIS) -> str:
    """Return ``iri`` as a prefixed name if one of ``prefixes`` (the project's) covers it
    with a local part a query reads as it is, else as ``<iri>``."""
    for prefix, ns in prefixes.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and _LOCAL.fullmatch(local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def prefix_meant(written: str, known: Iterable[str]) -> str | None:
    """Return the prefix of ``known`` that ``written`` (undeclared) is a slip for, or None:
    the one of the same letters first (``rdsf`` is ``rdfs``, though ``rdf`` is closer to
    difflib), else the closest, compared in lower case (``Ag`` is ``ag``).  Turtle's
    undeclared prefix (``build/hints.py``) and a query's (``sparql.py``) say it alike."""
    lower = {k.lower(): k for k in sorted(known)}
    # Neither rule can take a prefix over twice and a third as long as every known one (the
    # same letters are as many; difflib's ratio, 2 * matched / both lengths, stays under its
    # cutoff), and difflib read one of 5 MB, pasted into a file or a query, for 1.4 s.
    if len(written) > 3 * max(map(len, lower), default=0):
        return None
    same = [k for w, k in lower.items() if sorted(w) == sorted(written.lower())]
    close = difflib.get_close_matches(written.lower(), list(lower), n=1, cutoff=0.6)
    return same[0] if same else lower[close[0]] if close else None


def turtle_prologue() -> str:
    """Return the @prefix lines for every project prefix, for Turtle the project writes."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIX_IRIS.items())


def sparql_prologue() -> str:
    """Return the PREFIX lines for every project prefix, for queries written by users."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_IRIS.items())


def bind_prefixes(graph):
    """Bind the project's prefixes on an rdflib graph and return it."""
    for prefix, ns in PREFIX_IRIS.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
