"""Catalogue queries that read claims to tell what the graph holds count only the claims it asserts.

A claim a preferred one hides (of the same subject and property), and a deprecated claim, have
no plain triple: the graph does not hold them.  entities-by-class counted the Defense
Cooperation Act a piece of legislation, by its normal type claim under the preferred
agreement reading, though no ``?x a ag:Legislation`` matched it (and ``alliance-graph stats``
did not count it so); the timeline would date a deprecated claim by its qualifier, and the
Iron Dome card give a deprecated claim's source as one of its facts'.  Run over a few triples
in a store of their own, as the asserted graph holds them (the answers on the shipped graph are
the catalogue's reviewed ones).
"""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.settings import Settings

QUERIES = Settings().queries_dir

DATA = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix src: <https://alliance-graph.example/id/source/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# The agreement reading preferred, the law reading under it: only the first is asserted.
id:Act a ag:Agreement .
claim:Act-type-Agreement a ag:Claim ; rdf:subject id:Act ; rdf:predicate rdf:type ;
    rdf:object ag:Agreement ; ag:rank ag:PreferredRank .
claim:Act-type-Legislation a ag:Claim ; rdf:subject id:Act ; rdf:predicate rdf:type ;
    rdf:object ag:Legislation ; ag:rank ag:NormalRank .

# A membership held since 1994, and a deprecated one dated 1990.
id:Israel ag:memberOf id:Dialogue .
claim:Israel-memberOf-Dialogue a ag:Claim ; rdf:subject id:Israel ; rdf:predicate ag:memberOf ;
    rdf:object id:Dialogue ; ag:rank ag:NormalRank ; ag:validFrom "1994"^^xsd:gYear .
claim:Israel-memberOf-Other a ag:Claim ; rdf:subject id:Israel ; rdf:predicate ag:memberOf ;
    rdf:object id:Other ; ag:rank ag:DeprecatedRank ; ag:validFrom "1990"^^xsd:gYear .

# Iron Dome's fact, cited to one source; a deprecated claim cited to another.
id:IronDome ag:coFundedBy id:UnitedStates .
claim:IronDome-coFundedBy-UnitedStates a ag:Claim ; rdf:subject id:IronDome ;
    rdf:predicate ag:coFundedBy ; rdf:object id:UnitedStates ; ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:held .
claim:IronDome-coFundedBy-Other a ag:Claim ; rdf:subject id:IronDome ;
    rdf:predicate ag:coFundedBy ; rdf:object id:Other ; ag:rank ag:DeprecatedRank ;
    prov:wasDerivedFrom ev:deprecated .
ev:held a ag:Evidence ; oa:hasSource src:held.txt .
ev:deprecated a ag:Evidence ; oa:hasSource src:deprecated.txt .

# A fact two sources give, and a deprecated claim two sources give (the MOU's first year 2016).
claim:Israel-acronym-IL a ag:Claim ; rdf:subject id:Israel ; rdf:predicate ag:acronym ;
    rdf:object "IL" ; ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:held, ev:deprecated .
claim:Israel-acronym-ISR a ag:Claim ; rdf:subject id:Israel ; rdf:predicate ag:acronym ;
    rdf:object "ISR" ; ag:rank ag:DeprecatedRank ; prov:wasDerivedFrom ev:held, ev:deprecated .
"""


def _store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    return store


def _query(name: str):
    return _store().query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))


def test_entities_by_class_counts_the_classes_the_graph_holds():
    counts = {row["class"].value.rsplit("/", 1)[1]: int(row["entities"].value)
              for row in _query("entities-by-class")}
    assert counts == {"Agreement": 1}


def test_the_timeline_dates_no_deprecated_claim():
    assert [(row["when"].value, row["object"].value.rsplit("/", 1)[1])
            for row in _query("timeline")] == [("1994", "Dialogue")]


def test_the_iron_dome_card_gives_the_sources_of_the_facts_it_holds():
    sources = {t.object.value.rsplit("/", 1)[1] for t in _query("iron-dome-card")
               if t.predicate.value == "http://purl.org/dc/terms/source"}
    assert sources == {"held.txt"}


def test_corroborated_facts_are_facts_the_graph_holds():
    # The MOU's first year 2016, which the graph deprecates (its note says why), was listed
    # among the facts two sources corroborate.
    assert {(row["object"].value, int(row["sources"].value))
            for row in _query("corroborated-facts")} == {("IL", 2)}


# The MOU's span: a decade preferred over a first year 2016 (deprecated across the family
# ag:constrains links, docs/data-model.md), the last year 2028 asserted beside both readings.
SPAN = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ag:fromYear ag:constrains ag:toYear, ag:duration .
ag:toYear ag:constrains ag:duration .
claim:MOU-duration a ag:Claim ; rdf:subject id:MOU ; rdf:predicate ag:duration ;
    rdf:object "P10Y"^^xsd:duration ; ag:rank ag:PreferredRank ; ag:disputedBy claim:MOU-fromYear .
claim:MOU-fromYear a ag:Claim ; rdf:subject id:MOU ; rdf:predicate ag:fromYear ;
    rdf:object "2016"^^xsd:gYear ; ag:rank ag:DeprecatedRank ; ag:disputedBy claim:MOU-duration .
claim:MOU-toYear a ag:Claim ; rdf:subject id:MOU ; rdf:predicate ag:toYear ;
    rdf:object "2028"^^xsd:gYear ; ag:rank ag:NormalRank .
claim:MOU-label a ag:Claim ; rdf:subject id:MOU ; rdf:predicate ag:acronym ;
    rdf:object "MOU" ; ag:rank ag:NormalRank .
"""


def test_preferred_claims_shows_the_rival_reading_of_a_property_family():
    # The MOU's preferred decade was listed with no other claim, as if nothing were ranked
    # under it: its rival, the first year 2016 it disputes, is a claim of another property of
    # its family (ag:fromYear constrains ag:duration), and only the same property was read.
    store = ox.Store()
    store.load(SPAN.encode(), ox.RdfFormat.TURTLE)
    rows = store.query((QUERIES / "preferred-claims.rq").read_text(encoding="utf-8"))
    others = {tuple(row[v] and row[v].value.rsplit("/", 1)[1] for v in ("claim", "otherClaim", "otherRank"))
              for row in rows}
    assert others == {("MOU-duration", "MOU-fromYear", "DeprecatedRank"),
                      ("MOU-duration", "MOU-toYear", "NormalRank")}
