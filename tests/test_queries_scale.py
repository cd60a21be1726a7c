"""No catalogue query is written in a shape whose cost grows with the square of the graph.

Timed on a generated graph of 10 k facts (bench/generate.py; docs/catalogue.md, Speed), two
named queries took seconds where the others take milliseconds, and minutes at 100 k:

- deprecated-claims wrote its evidence's patterns after an OPTIONAL; Oxigraph read them apart
  (every quote of the graph) and joined them to the claims after it: 18 s at 10 k facts, 0.02 s
  with the OPTIONAL last.
- single-source-claims asked of each claim and source that no *other* source be cited
  (``FILTER NOT EXISTS { ... ?other ... FILTER(?other != ?source) }``), and the engine read
  every claim's sources again for each: 10 s at 10 k facts, 0.15 s counting each claim's
  sources once in a group.

Each shape is read from rdflib's algebra of the query, not timed.
"""

from __future__ import annotations

import pytest
from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery

from alliance_graph.settings import Settings
from query_reading import nodes, outer_tests_in_exists

QUERIES = sorted(Settings().queries_dir.glob("*.rq"))


def _pattern_variables(node) -> set[Variable]:
    """Return the variables of the triple patterns under ``node``."""
    return {term for n in nodes(node) if n.name == "BGP" for triple in n.triples
            for term in triple if isinstance(term, Variable)}


def required_after_optional(text: str) -> int:
    """Return how many groups join required triple patterns after an OPTIONAL of theirs."""
    return sum(1 for n in nodes(prepareQuery(text).algebra)
               if n.name == "Join" and getattr(n.p1, "name", None) == "LeftJoin"
               and getattr(n.p2, "name", None) == "BGP" and n.p2.triples)


def other_than_outside(text: str) -> int:
    """Return how many NOT EXISTS compare a variable of their own patterns, with !=, to one
    bound outside them: "no other than this one", asked again of every row."""
    found = 0
    for n in nodes(prepareQuery(text).algebra):
        if n.name == "Builtin_NOTEXISTS":
            own = _pattern_variables(n.graph)
            found += sum(1 for rel in nodes(n.graph) if rel.name == "RelationalExpression"
                         and rel.op == "!=" and isinstance(rel.expr, Variable)
                         and isinstance(rel.other, Variable)
                         and (rel.expr in own) != (rel.other in own))
    return found


OLD_DEPRECATED = """PREFIX ag: <https://alliance-graph.example/ontology/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT * WHERE {
  ?claim ag:rank ag:DeprecatedRank ; prov:wasDerivedFrom ?evidence .
  OPTIONAL { ?claim ag:note ?note }
  ?evidence oa:hasSource ?source .
}"""
OLD_SINGLE = """PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?source (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  ?claim prov:wasDerivedFrom/oa:hasSource ?source .
  FILTER NOT EXISTS { ?claim prov:wasDerivedFrom/oa:hasSource ?other . FILTER(?other != ?source) }
} GROUP BY ?source"""


def test_the_readers_find_the_two_shapes():
    assert required_after_optional(OLD_DEPRECATED) == 1
    assert required_after_optional(OLD_DEPRECATED.replace(
        "  OPTIONAL { ?claim ag:note ?note }\n  ?evidence oa:hasSource ?source .",
        "  ?evidence oa:hasSource ?source .\n  OPTIONAL { ?claim ag:note ?note }")) == 0
    assert other_than_outside(OLD_SINGLE) == 1
    assert other_than_outside("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s a ?o } }") == 0


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_no_required_patterns_after_an_optional(query):
    assert required_after_optional(query.read_text(encoding="utf-8")) == 0, \
        f"{query.name}: write the OPTIONAL after the patterns every answer needs"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_no_not_exists_of_another_than_this(query):
    assert other_than_outside(query.read_text(encoding="utf-8")) == 0, \
        f"{query.name}: count the values in a group instead (HAVING COUNT(DISTINCT ...) = 1)"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_no_test_of_outer_variables_inside_exists(query):
    assert outer_tests_in_exists(query.read_text(encoding="utf-8")) == 0, \
        f"{query.name}: test what the group does not bind outside its (NOT) EXISTS"
