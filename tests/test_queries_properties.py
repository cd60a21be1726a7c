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
with its reason.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, URIRef, Variable
from rdflib.paths import Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from alliance_graph.settings import Settings

QUERIES = sorted(Settings().queries_dir.glob("*.rq"))
AG = "https://alliance-graph.example/ontology/"

# Sub-properties a query leaves out on purpose, with why.
LEFT_OUT = {
    ("deprecated-claims.rq", AG + "disagreementNote"):
        "the editor's note says why the claim is ranked so; what differs is source-disagreements'",
    ("preferred-claims.rq", AG + "disagreementNote"):
        "the editor's note says why the claim is ranked so; what differs is source-disagreements'",
}


def _path_iris(path) -> set[URIRef]:
    """Return the IRIs a property path is made of."""
    if isinstance(path, URIRef):
        return {path}
    parts = getattr(path, "args", None) or [getattr(path, "path", None) or path.arg]
    return set().union(*(_path_iris(p) for p in parts))


def _walk(node, triples: list, values: list) -> None:
    """Gather the triple patterns and VALUES rows anywhere in an algebra expression."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            triples.extend(node.triples)
        if node.name == "values":
            values.extend(node.res)
        for child in node.values():
            _walk(child, triples, values)
    elif isinstance(node, (list, tuple)):
        for child in node:
            _walk(child, triples, values)


def reads(path) -> tuple[set[str], bool]:
    """Return the properties a query reads, and whether it reads rdfs:subPropertyOf."""
    triples: list = []
    values: list = []
    _walk(prepareQuery(path.read_text(encoding="utf-8")).algebra, triples, values)

    def named(term) -> set[URIRef]:
        if isinstance(term, Variable):
            return {row[term] for row in values if isinstance(row.get(term), URIRef)}
        if isinstance(term, Path):
            return _path_iris(term)
        return {term} if isinstance(term, URIRef) else set()

    properties: set[URIRef] = set()
    for _, predicate, obj in triples:
        properties |= named(predicate)
        if predicate == RDF.predicate:  # a claim of that property
            properties |= named(obj)
    return {str(p) for p in properties}, RDFS.subPropertyOf in properties


def test_the_reader_finds_what_queries_read():
    assert AG + "counters" in reads(Settings().queries_dir / "threats.rq")[0]
    # VALUES of a variable standing as a predicate, and of a claim's rdf:predicate.
    assert AG + "deters" in reads(Settings().queries_dir / "adversaries.rq")[0]
    assert AG + "questionedBy" in reads(Settings().queries_dir / "assessments.rq")[0]
    # A property path's alternatives, and the hierarchy read by the query itself.
    assert AG + "location" in reads(Settings().queries_dir / "stockpiles.rq")[0]
    assert reads(Settings().queries_dir / "aid-amounts.rq")[1]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_reading_a_property_reads_its_sub_properties(kg, query):
    properties, reads_hierarchy = reads(query)
    if reads_hierarchy or not properties:
        return
    listed = " ".join(f"<{p}>" for p in sorted(properties))
    rows = kg.query(f"""SELECT DISTINCT ?sub ?super WHERE {{
        VALUES ?super {{ {listed} }} ?sub rdfs:subPropertyOf+ ?super . FILTER (?sub != ?super) }}""")
    left_out = sorted({(r["sub"].value, r["super"].value) for r in rows
                       if r["sub"].value not in properties
                       and (query.name, r["sub"].value) not in LEFT_OUT})
    assert left_out == [], f"{query.name} reads no sub-property of {left_out} (sub, super)"


def test_each_sub_property_left_out_is_left_out_still():
    for name, sub in LEFT_OUT:
        assert sub not in reads(Settings().queries_dir / name)[0], (name, sub)
