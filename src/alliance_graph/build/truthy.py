"""Derive the plain "s p o" triples from the claims, Wikidata-style.

For each subject and predicate, the preferred claims are asserted if there are any, otherwise
the normal ones; deprecated claims never are.  Each derived triple goes into the named graph of
the claim it comes from, so it still knows its file.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..namespaces import AG, RDF

_TYPE = ox.NamedNode(str(RDF.type))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_PREDICATE = ox.NamedNode(str(RDF.predicate))
_OBJECT = ox.NamedNode(str(RDF.object))
_RANK = ox.NamedNode(str(AG.rank))
CLAIM_CLASS = ox.NamedNode(str(AG.Claim))
PREFERRED = ox.NamedNode(str(AG.PreferredRank))
NORMAL = ox.NamedNode(str(AG.NormalRank))
DEPRECATED = ox.NamedNode(str(AG.DeprecatedRank))


def claims_of(quads: list[ox.Quad]) -> dict[ox.Node, dict]:
    """Return, per claim node, its subject, predicate, object, rank and graph (where given)."""
    fields = {_SUBJECT: "s", _PREDICATE: "p", _OBJECT: "o", _RANK: "rank"}
    claims: dict[ox.Node, dict] = {}
    for q in quads:
        if q.predicate == _TYPE and q.object == CLAIM_CLASS:
            claims.setdefault(q.subject, {})["graph"] = q.graph_name
    for q in quads:
        key = fields.get(q.predicate)
        if key and q.subject in claims:
            claims[q.subject].setdefault(key, q.object)
    return claims


def truthy_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Return the plain triples the claims assert, each in its claim's named graph."""
    by_sp: dict[tuple, list[dict]] = defaultdict(list)
    for claim in claims_of(quads).values():
        if {"s", "p", "o", "rank"} <= claim.keys() and claim["rank"] in (PREFERRED, NORMAL):
            by_sp[(claim["s"], claim["p"])].append(claim)
    derived = set()
    for (s, p), claims in by_sp.items():
        best = PREFERRED if any(c["rank"] == PREFERRED for c in claims) else NORMAL
        for c in claims:
            if c["rank"] == best and isinstance(s, (ox.NamedNode, ox.BlankNode)) \
                    and isinstance(p, ox.NamedNode):
                derived.add(ox.Quad(s, p, c["o"], c["graph"]))
    return sorted(derived, key=str)
