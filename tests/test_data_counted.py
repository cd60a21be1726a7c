"""Every source that states a fact is counted for it.

corroborated-facts, facts-by-source and single-source-claims count the sources a fact's claim
cites. A source that states the fact in a passage cited for a narrower one (a sum of aid, what a
partnership counters) and is not cited for the fact itself makes the fact look less attested
than it is: 'the United States provides aid to Israel' read as 001's and 002's alone, though
000 and 003 each give a sum of it. Each test finds such a source by the graph's own links.
"""

from __future__ import annotations


def test_every_source_giving_a_sum_of_aid_is_counted_for_the_aid(kg):
    """000 ('Israel receives approximately $3.8 billion annually in U.S. military assistance')
    and 003 ('The MoU guarantees $5 billion in US aid for Israel’s missile defense') each give
    a sum the United States provides Israel, yet 'the United States provides aid to Israel' cited
    001 and 002 alone, so corroborated-facts and facts-by-source undercounted it. Every source an
    amount's giver and receiver are cited from is a source of the aid between them."""
    stated = {(r["g"].value, r["r"].value, r["src"].value) for r in kg.query("""
        SELECT ?g ?r ?src WHERE {
          ?amount a ag:MonetaryAmount ; ag:provider ?g ; ag:recipient ?r .
          ?c rdf:subject ?amount ; rdf:predicate ag:provider ; rdf:object ?g ;
             prov:wasDerivedFrom/oa:hasSource ?src .
          ?d rdf:subject ?amount ; rdf:predicate ag:recipient ; rdf:object ?r ;
             prov:wasDerivedFrom/oa:hasSource ?src }""")}
    counted = {(r["g"].value, r["r"].value, r["src"].value) for r in kg.query("""
        SELECT ?g ?r ?src WHERE { ?c rdf:predicate ag:providesAidTo ; rdf:subject ?g ;
                                     rdf:object ?r ; prov:wasDerivedFrom/oa:hasSource ?src }""")}
    assert len({src for _, _, src in stated}) >= 3, "few sources give sums: did the data move?"
    assert sorted(stated - counted) == []


def test_every_source_giving_a_sum_through_a_program_is_counted_for_its_giver_and_receiver(kg):
    """000 gives the yearly $3.8 billion as Foreign Military Financing 'in U.S. military
    assistance', yet 'Foreign Military Financing is provided by the United States' did not
    cite it, while the sum's own giver did: a program's giver and receiver are cited from every
    source giving a sum through it."""
    missing = [tuple(term.value.rsplit("/", 1)[1] for term in row) for row in kg.query("""
        SELECT ?program ?role ?who ?src WHERE {
          ?amount ag:throughProgram ?program .
          VALUES ?role { ag:provider ag:recipient }
          ?c rdf:subject ?amount ; rdf:predicate ?role ; rdf:object ?who ;
             prov:wasDerivedFrom/oa:hasSource ?src .
          FILTER NOT EXISTS { ?d rdf:subject ?program ; rdf:predicate ?role ; rdf:object ?who ;
                                 prov:wasDerivedFrom/oa:hasSource ?src } }""")]
    assert kg.query("ASK { ?amount ag:throughProgram ?program ; ag:provider ?who }")
    assert sorted(missing) == []


def test_a_source_saying_what_a_partnership_does_is_counted_for_its_partners(kg):
    """003 ('The US and Israel have worked together for years to mitigate missile threats from
    Iran and North Korea') is cited for what the U.S.–Israel alliance counters, yet neither
    partner of the alliance cited it: facts-by-source and corroborated-facts read the partners
    as stated by 000, 001 and 002 alone. A source cited for a partnership's countering is cited
    for one of its partners at least (the intelligence cooperation's CIA, NSA and Mossad are
    000's words, its United States and Israel 001's)."""
    uncounted = [tuple(t.value.rsplit("/", 1)[1] for t in row) for row in kg.query("""
        SELECT DISTINCT ?partnership ?src WHERE {
          ?partnership ag:partner ?anyone .
          ?c rdf:subject ?partnership ; rdf:predicate ag:counters ;
             prov:wasDerivedFrom/oa:hasSource ?src .
          FILTER NOT EXISTS { ?d rdf:subject ?partnership ; rdf:predicate ag:partner ;
                                 prov:wasDerivedFrom/oa:hasSource ?src } }""")]
    assert kg.query("ASK { ?p ag:partner ?x ; ag:counters ?t }")
    assert sorted(uncounted) == []


# What a partnership does, read as the field it cooperates in: a joint missile defense system is
# missile defense cooperation, a countering of terrorism counterterrorism cooperation, a joint
# exercise joint training (000's 'Blue Flag: Air combat training', 001's 'Joint Training and
# Military Exercises'), aid one partner gives another military aid (003's 'US aid for Israel’s
# missile defense'). ?c is the claim saying it.
AREAS = {
    "JointTraining": "?c rdf:subject ?partnership ; rdf:predicate ag:jointExercise",
    "MissileDefense": "?c rdf:subject ?partnership ; rdf:predicate ag:jointProgram ; rdf:object ?x ."
                      " ?x a ag:MissileDefenseSystem",
    "Counterterrorism": "?c rdf:subject ?partnership ; rdf:predicate ag:counters ; rdf:object ?x ."
                        " VALUES ?x { id:Terrorism id:TerroristNetworks }",
    "MilitaryAid": "?partnership ag:partner ?giver, ?receiver . ?c rdf:subject ?giver ;"
                   " rdf:predicate ag:providesAidTo ; rdf:object ?receiver",
}

def test_a_source_saying_what_a_partnership_does_is_counted_for_the_field_it_cooperates_in(kg):
    """The U.S.–Israel alliance's counterterrorism cooperation cited 002 alone, though 000 ('Post-
    9/11 Counterterrorism Cooperation (2000s–Present): The U.S.-Israel alliance deepened with
    joint efforts against terrorism') and 001 are cited for its countering of terrorism, and its
    missile defense cooperation left out 002's 'Joint investment and co-production of systems
    like Iron Dome', cited for its joint programs: single-source-claims listed the first as the
    company blog's word alone."""
    uncounted = []
    for area, does in AREAS.items():
        uncounted += [(area, *(t.value.rsplit("/", 1)[1] for t in row)) for row in kg.query(f"""
            SELECT DISTINCT ?partnership ?src WHERE {{
              ?partnership ag:cooperationArea id:{area} .
              {does} .
              ?c prov:wasDerivedFrom/oa:hasSource ?src .
              FILTER NOT EXISTS {{ ?d rdf:subject ?partnership ; rdf:predicate ag:cooperationArea ;
                                     rdf:object id:{area} ; prov:wasDerivedFrom/oa:hasSource ?src }}
            }}""")]
    assert kg.query("ASK { ?p ag:cooperationArea id:Counterterrorism ; ag:counters id:Terrorism }")
    assert sorted(uncounted) == []
