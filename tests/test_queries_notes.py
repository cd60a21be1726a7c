"""The catalogue's qualified-claims gives each qualified claim's note, as its description says.

"Claims that carry a validFrom, validUntil or asOf date, with the qualifier and the claim's
note": the query selected no note, so how a date was read from its source (003's 'since its
war with Hamas in Gaza in 2014', valid from 2014 at year precision) was missing beside the
date.  Run over a few triples in a store of their own (the answer on the shipped graph is the
catalogue's reviewed one).
"""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.settings import Settings

QUERY = (Settings().queries_dir / "qualified-claims.rq").read_text(encoding="utf-8")

DATA = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

claim:Noted a ag:Claim ; rdf:subject id:Israel ; rdf:predicate ag:receivesShare ;
    rdf:object id:Share ; ag:rank ag:NormalRank ; ag:validFrom "2014"^^xsd:gYear ;
    ag:note "valid from 2014 at year precision" ;
    ag:disagreementNote "what differs: not the date's reading" .
claim:Bare a ag:Claim ; rdf:subject id:Israel ; rdf:predicate ag:memberOf ;
    rdf:object id:Dialogue ; ag:rank ag:NormalRank ; ag:validFrom "1994"^^xsd:gYear .
"""


def test_a_qualified_claim_comes_with_its_note():
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    rows = {(row["claim"].value.rsplit("/", 1)[1], row["value"].value,
             row["note"].value if row["note"] is not None else None)
            for row in store.query(QUERY)}
    assert rows == {("Noted", "2014", "valid from 2014 at year precision"),
                    ("Bare", "1994", None)}
