"""Write the graph as RDF for other tools, optionally with inferred triples or as RDF 1.2.

Quad formats (N-Quads, TriG) keep the named graphs, so every triple still says which file it
came from; triple formats merge the graphs.  ``rdf12`` rewrites each claim's RDF 1.1
reification (``rdf:subject``/``rdf:predicate``/``rdf:object``) as one RDF 1.2
``rdf:reifies`` triple term, by a single CONSTRUCT: the two forms map one to one.  The graph
viewers' formats (GraphML, node and edge CSV) are written by ``network.py``.
"""

from __future__ import annotations

import io

import pyoxigraph as ox

from ..namespaces import RDF
from . import network
from .results import GRAPH_FORMATS, prefixes_for

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")
QUAD_FORMATS = {"nq", "trig"}
# Every format `export` writes: the RDF syntaxes, then the graph viewers' network formats.
ALL_FORMATS = FORMATS + network.FORMATS

_REIFICATION = {ox.NamedNode(str(RDF[p])) for p in ("subject", "predicate", "object")}
_TO_RDF12 = """
CONSTRUCT { ?claim rdf:reifies <<( ?s ?p ?o )>> }
WHERE { ?claim a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
"""


class ExportError(ValueError):
    """The export cannot be written as asked."""


def rdf12_quads(kg, quads: list[ox.Quad]) -> list[ox.Quad]:
    """Return ``quads`` with each claim's reification triples replaced by ``rdf:reifies``."""
    claim_graph = {}
    kept = []
    for q in quads:
        if q.predicate in _REIFICATION:
            claim_graph[q.subject] = q.graph_name
        else:
            kept.append(q)
    reifies = [ox.Quad(t.subject, t.predicate, t.object, claim_graph[t.subject])
               for t in kg.query(_TO_RDF12) if t.subject in claim_graph]
    return kept + reifies


def _graph_order(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def export(kg, fmt: str = "ttl", *, inferred: bool = False, rdf12: bool = False) -> bytes:
    """Return the graph serialized in ``fmt`` (one of ALL_FORMATS)."""
    if fmt in network.FORMATS:
        if inferred or rdf12:
            raise ExportError(f"{fmt} holds the asserted entities and facts only; "
                              "--inferred and --rdf12 apply to the RDF formats")
        return network.write(kg, fmt)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; "
                          f"choose one of: {', '.join(ALL_FORMATS)}")
    if rdf12 and fmt == "jsonld":
        raise ExportError("JSON-LD has no syntax for RDF 1.2 triple terms; "
                          "use --rdf12 with ttl, nt, nq, trig or xml")
    quads = kg.quads(inferred=inferred)
    if rdf12:
        quads = rdf12_quads(kg, quads)
    out = io.BytesIO()
    target = GRAPH_FORMATS[fmt].oxigraph
    prefixes = prefixes_for(target)
    if fmt in QUAD_FORMATS:
        # Graph first: TriG writes one block per run of quads in the same graph, so sorting by
        # subject first (as str(quad) does) reopened every graph's block many times.
        ox.serialize(sorted(quads, key=_graph_order), out, format=target, prefixes=prefixes)
    else:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        ox.serialize(triples, out, format=target, prefixes=prefixes)
    return out.getvalue()
