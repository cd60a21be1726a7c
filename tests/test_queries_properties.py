"""Named queries that read a property read each of its sub-properties too.

A catalogue query runs over the asserted graph, where a fact holds only the property its claim
gives it: ``id:UnitedStatesIsraelAlliance ag:deters id:Iran`` is no ``ag:counters`` triple
there, though ``ag:deters`` is a sub-property of ``ag:counters``, so a query asking
``?who ag:counters ?threat`` silently misses what deters or operates against the threat, as
threats and missile-defense-systems did, and exercises counted no organizer (``ag:performedBy``)
among an exercise's participants.  The test reads which properties each query reads (as
predicates, in property paths, in VALUES of a variable standing as a predicate, and as the
``rdf:predicate`` of a claim) from rdflib's algebra of the query, and fails on a sub-property
the ontology declares of one of them that the query reads nowhere, unless the query reads the
hierarchy itself (``?via rdfs:subPropertyOf* ag:fundingAmount``) or the gap is one listed below
with its reason.  Likewise a query reading one property of a family that constrains itself
(``ag:constrains``: a first year, last year and duration) reads the others, and one reading a
symmetric property (``ag:cooperatesWith``) or one of two inverses (``ag:operates``,
``ag:operatedBy``) reads it both ways.
"""

from __future__ import annotations

import pytest

from alliance_graph.settings import Settings
from query_reading import reads, reads_backwards

QUERIES = sorted(Settings().queries_dir.glob("*.rq"))
AG = "https://alliance-graph.example/ontology/"

# Sub-properties a query leaves out on purpose, with why.
LEFT_OUT = {
    ("deprecated-claims.rq", AG + "disagreementNote"):
        "the editor's note says why the claim is ranked so; what differs is source-disagreements'",
    ("preferred-claims.rq", AG + "disagreementNote"):
        "the editor's note says why the claim is ranked so; what differs is source-disagreements'",
    ("qualified-claims.rq", AG + "disagreementNote"):
        "the editor's note says how a date was read; what differs is source-disagreements'",
}


def _rows(kg, text: str) -> list[dict]:
    """Return a query's rows, each variable's value as Oxigraph's term, the result let go
    here.  The tests read each query with rdflib's SPARQL parser (``reads``), whose pyparsing
    keeps the exceptions it catches in cycles with their frames, and those frames' callers
    reach the test's own: a CI run found the 41 results the tests held in their frames among
    that garbage at the file's end (``conftest.garbage_collected_here``)."""
    result = kg.query(text)
    names = [v.value for v in result.variables]
    return [{name: solution[name] for name in names} for solution in result]


def test_the_reader_finds_what_queries_read():
    assert AG + "counters" in reads(Settings().queries_dir / "threats.rq")[0]
    # VALUES of a variable standing as a predicate, and of a claim's rdf:predicate.
    assert AG + "deters" in reads(Settings().queries_dir / "adversaries.rq")[0]
    assert AG + "questionedBy" in reads(Settings().queries_dir / "assessments.rq")[0]
    # A property path's alternatives, and the hierarchy read by the query itself.
    assert AG + "location" in reads(Settings().queries_dir / "stockpiles.rq")[0]
    assert reads(Settings().queries_dir / "aid-amounts.rq")[1]
    assert AG + "cooperatesWith" in reads_backwards(
        Settings().queries_dir / "intelligence-cooperation.rq")


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_reading_a_property_reads_its_sub_properties(kg, query):
    properties, reads_hierarchy = reads(query)
    if reads_hierarchy or not properties:
        return
    listed = " ".join(f"<{p}>" for p in sorted(properties))
    rows = _rows(kg, f"""SELECT DISTINCT ?sub ?super WHERE {{
        VALUES ?super {{ {listed} }} ?sub rdfs:subPropertyOf+ ?super . FILTER (?sub != ?super) }}""")
    left_out = sorted({(r["sub"].value, r["super"].value) for r in rows
                       if r["sub"].value not in properties
                       and (query.name, r["sub"].value) not in LEFT_OUT})
    assert left_out == [], f"{query.name} reads no sub-property of {left_out} (sub, super)"


def test_each_sub_property_left_out_is_left_out_still():
    for name, sub in LEFT_OUT:
        assert sub not in reads(Settings().queries_dir / name)[0], (name, sub)


# Members of a property family a query leaves out on purpose, with why.
FAMILY_LEFT_OUT = {
    ("timeline.rq", AG + "duration"): "a duration dates nothing: the timeline lists dates",
}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_reading_a_span_reads_its_whole_property_family(kg, query):
    # Properties that constrain each other (ag:constrains: an agreement's first year, last
    # year and duration) are ranked across their family: the MOU's first year, 2016, is
    # deprecated against 003's 'decade', so a query reading spans by their years alone showed
    # the MOU ending in 2028 from no start, and the $5 billion 'over the next decade' (a
    # duration, no years) as a total of no span at all.
    properties = reads(query)[0]
    rows = _rows(kg, """SELECT DISTINCT ?a ?b WHERE {
        { ?a ag:constrains ?b } UNION { ?b ag:constrains ?a } }""")
    left_out = sorted({r["b"].value for r in rows if r["a"].value in properties}
                      - properties - {p for q, p in FAMILY_LEFT_OUT if q == query.name})
    assert left_out == [], f"{query.name} reads a span without {left_out}"


def test_each_family_member_left_out_is_left_out_still():
    for name, member in FAMILY_LEFT_OUT:
        assert member not in reads(Settings().queries_dir / name)[0], (name, member)


# Symmetric links the data checks hold written both ways (claim-link: on both claims).
BOTH_WAYS = {AG + "disputedBy", AG + "variantOf", AG + "opposedBy"}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_reading_a_symmetric_or_inverse_property_reads_it_both_ways(kg, query):
    # The asserted graph holds a symmetric link the way its claim is written: the CIA and the
    # NSA cooperate with Mossad, and intelligence-cooperation had Mossad cooperating with no
    # one; of two inverse properties (operates, operatedBy) it holds the one its claim uses.
    properties = reads(query)[0]
    backwards = reads_backwards(query)
    symmetric = {r["p"].value for r in _rows(kg, "SELECT ?p { ?p a owl:SymmetricProperty }")}
    one_way = sorted((symmetric & properties) - backwards - BOTH_WAYS)
    assert one_way == [], f"{query.name} reads the symmetric {one_way} one way only"
    inverses = _rows(kg, "SELECT ?a ?b { { ?a owl:inverseOf ?b } UNION { ?b owl:inverseOf ?a } }")
    missing = sorted({(r["a"].value, r["b"].value) for r in inverses
                      if r["a"].value in properties and r["b"].value not in properties})
    assert missing == [], f"{query.name} reads a property without its inverse: {missing}"


def test_the_timeline_reads_every_property_the_shapes_type_as_a_date(kg):
    # "Every dated fact in time order": a date property the timeline does not name would leave
    # its facts off it, with nothing to say so (the site's timeline reads them from the shapes).
    dated = {r["p"].value for r in _rows(kg, """PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT DISTINCT ?p WHERE {
          ?shape sh:path ?p .
          { ?shape sh:datatype ?d } UNION { ?shape sh:or/rdf:rest*/rdf:first/sh:datatype ?d }
          FILTER (isIRI(?p) && ?d IN (xsd:date, xsd:gYearMonth, xsd:gYear, xsd:dateTime)) }""")}
    assert AG + "date" in dated
    assert sorted(dated - reads(Settings().queries_dir / "timeline.rq")[0]) == []


# How precisely a source gives a figure: about it, at most it, at least it.
PRECISION = {AG + "approximate", AG + "upperBound", AG + "lowerBound"}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_reading_how_precise_a_figure_is_reads_each_way(query):
    # mou-terms ("each amount's value, period and bounds") and budget-shares read whether a
    # figure is approximate or a ceiling, not whether it is a floor ('more than', 'at least'):
    # such a figure would have read as the value itself.
    properties = reads(query)[0]
    if properties & PRECISION:
        assert sorted(PRECISION - properties) == [], f"{query.name} reads no {PRECISION - properties}"


# Super-properties a query leaves out on purpose, with why.
SUPER_LEFT_OUT = {
    ("source-disagreements.rq", AG + "note"):
        "its notes say what differs (ag:disagreementNote); an editor's note says why a claim is "
        "ranked so, which preferred-claims and deprecated-claims give",
}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_reading_every_sub_property_of_a_property_reads_it_too(kg, query):
    # assessments listed who takes each position on a proposition (affirmedBy, deniedBy,
    # questionedBy) and missed an assessment written as ag:assessedBy, a position taken and not
    # said which, which the ontology allows and the shapes accept beside a stated one: a query
    # reading a property's every sub-property means the property, and a fact written with the
    # property itself is one of what it asks for.
    properties, reads_hierarchy = reads(query)
    if reads_hierarchy or not properties:
        return
    rows = _rows(kg, """SELECT ?super ?sub WHERE {
        ?sub rdfs:subPropertyOf ?super . FILTER (?sub != ?super && isIRI(?super)) }""")
    subs: dict[str, set[str]] = {}
    for r in rows:
        subs.setdefault(r["super"].value, set()).add(r["sub"].value)
    missed = sorted(p for p, s in subs.items()
                    if p.startswith(AG) and s <= properties and p not in properties
                    and (query.name, p) not in SUPER_LEFT_OUT)
    assert missed == [], f"{query.name} reads every sub-property of {missed} but not the property"


def test_each_super_property_left_out_is_left_out_still():
    for name, prop in SUPER_LEFT_OUT:
        assert prop not in reads(Settings().queries_dir / name)[0], (name, prop)


# Properties the data's facts use that no named query names, with how they are asked after.
UNNAMED = {
    AG + "fundingAmount": "aid-amounts and aid-in-force-2020 read it through its hierarchy "
                          "(?via rdfs:subPropertyOf* ag:fundingAmount), mou-terms by ?term",
    AG + "annualAssistance": "a sub-property of ag:fundingAmount, read through its hierarchy",
    AG + "missileDefenseFunding": "a sub-property of ag:fundingAmount, read through its hierarchy",
    AG + "throughProgram": "an amount's program, which aid-amounts gives the other way round "
                           "(the program's ag:fundingAmount, its providedBy column)",
}


def test_every_property_a_fact_uses_is_asked_after_by_a_named_query(kg):
    # An analyst asking what the MoU binds Israel to (ag:provision), what the United States
    # gets back (ag:strategicFootholdFor), whose NATO's headquarters is (ag:headquarters) or who
    # else FMF benefits (ag:beneficiary) found no named query: the facts were in the graph and
    # no query read their property. A property a fact uses is read by one, or said above how.
    read = set().union(*(reads(query)[0] for query in QUERIES))
    used = {r["p"].value for r in _rows(kg,
        "SELECT DISTINCT ?p WHERE { ?c a ag:Claim ; rdf:predicate ?p }")}
    assert AG + "provision" in used
    assert sorted(used - read - set(UNNAMED)) == []
    assert sorted(set(UNNAMED) & read) == [], "a property listed as unnamed is read: drop it"
