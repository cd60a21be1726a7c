"""The catalogue's aid-in-force-2020 reads each amount's years from the agreement providing it.

Run over a few triples in a store of their own (its answer on the shipped graph is the
catalogue's reviewed one), as the asserted graph holds them: a memorandum typed
``ag:MemorandumOfUnderstanding`` only (a subclass of ``ag:Agreement``), an amount it provides
each year, and an amount no agreement provides, which must take no agreement's span.
"""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.settings import Settings

QUERY = (Settings().queries_dir / "aid-in-force-2020.rq").read_text(encoding="utf-8")

DATA = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ag:MemorandumOfUnderstanding rdfs:subClassOf ag:Agreement .
ag:annualAssistance rdfs:subPropertyOf ag:fundingAmount .

id:Memorandum a ag:MemorandumOfUnderstanding ;
    ag:toYear "2028"^^xsd:gYear ; ag:duration "P10Y"^^xsd:duration ;
    ag:annualAssistance id:Yearly .
id:Yearly a ag:MonetaryAmount ; ag:amountValue 3800000000.0 ; ag:currency "USD" .
id:Unattached a ag:MonetaryAmount ; ag:amountValue 5.0 ; ag:currency "USD" .
"""


def _answer() -> dict[str, dict[str, str]]:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    return {row["amount"].value: {v: row[v].value for v in ("agreement", "toYear", "duration")
                                  if row[v] is not None}
            for row in store.query(QUERY)}


def test_an_amount_takes_the_span_of_the_memorandum_providing_it():
    assert _answer()["https://alliance-graph.example/id/Yearly"] == {
        "agreement": "https://alliance-graph.example/id/Memorandum", "toYear": "2028",
        "duration": "P10Y"}


def test_an_amount_no_agreement_provides_takes_no_agreements_span():
    assert "https://alliance-graph.example/id/Unattached" not in _answer()
