"""No check asks FILTER NOT EXISTS of every triple of the data.

A check scanning every triple (``GRAPH ?graph { ?focus ?path ?value }``) and then asking, of
each, that no claim state it (``FILTER NOT EXISTS { ... }``) grew with the square of the graph:
two data checks so took a 10 k-fact build to 88 s (7e73f70), and language-tag took 3.8 s of
``check`` there with 2,214 tagged literals, minutes at 100 k facts (docs/validation.md, Speed).
Each such check picks its few values in a subquery first, and looks a claim stating one up
from its ``rdf:object`` (OPTIONAL, unbound): 0.09 s.  value-datatype was of the shape too, the
scan joined to the ontology's datatype ranges, and asked the shapes about every value of such
a property: 4.4 s at 10 k facts, 0.002 s with its values picked first.  Read from rdflib's
algebra, not timed.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery

from alliance_graph.build import checks, pipeline
from alliance_graph.namespaces import turtle_prologue
from alliance_graph.rdf import graph_iri
from alliance_graph.settings import Settings
from query_reading import nodes, outer_tests_in_exists
from test_checks import found_in


def _scans(pattern) -> bool:
    """Return True for a group that matches one triple of three variables (in a GRAPH or not)
    and no subquery binds any of them first: a scan of every triple."""
    found = list(nodes(pattern))
    return not any(n.name == "ToMultiSet" for n in found) and any(
        n.name == "BGP" and any(all(isinstance(term, Variable) for term in triple)
                                for triple in n.triples) for n in found)


def not_exists_over_every_triple(sparql: str) -> int:
    """Return how many FILTERs holding a NOT EXISTS filter a scan of every triple."""
    return sum(1 for n in nodes(prepareQuery(sparql).algebra)
               if n.name == "Filter" and _scans(n.p)
               and any(e.name == "Builtin_NOTEXISTS" for e in nodes(n.expr)))


OLD_LANGUAGE_TAG = """SELECT ?focus WHERE {
  GRAPH ?graph { ?focus ?path ?value }
  FILTER(isLITERAL(?value) && LANG(?value) != "")
  FILTER NOT EXISTS { GRAPH ?graph { ?claim <urn:s> ?focus ; <urn:p> ?path ; <urn:o> ?value } }
}"""


def test_the_reader_finds_a_not_exists_over_every_triple():
    assert not_exists_over_every_triple(OLD_LANGUAGE_TAG) == 1
    assert not_exists_over_every_triple(OLD_LANGUAGE_TAG.replace(
        "GRAPH ?graph { ?focus ?path ?value }", "GRAPH ?graph { ?focus <urn:x> ?value }")) == 0


@pytest.mark.parametrize("check", checks.all_checks(), ids=lambda c: c.name)
def test_no_check_asks_not_exists_of_every_triple(check):
    assert not_exists_over_every_triple(check.sparql) == 0, \
        f"{check.name}: pick the values in a subquery first, then look their claims up"


OLD_OUTSIDE_DOMAIN = """SELECT ?focus WHERE {
  ?focus <urn:p> ?domain .
  FILTER NOT EXISTS {
    FILTER(?domain IN (<urn:a>, <urn:b>))
    GRAPH ?graph { ?stating a <urn:c> ; <urn:s> ?focus }
  }
}"""


def test_the_reader_finds_a_test_of_outer_variables_inside_exists():
    assert outer_tests_in_exists(OLD_OUTSIDE_DOMAIN) == 1
    assert outer_tests_in_exists(OLD_OUTSIDE_DOMAIN.replace("?domain IN", "?stating IN")) == 0


@pytest.mark.parametrize("check", checks.all_checks(), ids=lambda c: c.name)
def test_no_check_tests_outer_variables_inside_exists(check):
    # subject-outside-domain so written took 35 to 63 s at 10 k facts in about one run of five
    # (0.06 s in the others): the test is written before the EXISTS, joined by || or &&.
    assert outer_tests_in_exists(check.sparql) == 0, \
        f"{check.name}: test what the group does not bind outside its (NOT) EXISTS"


def test_a_tagged_value_is_found_once_on_its_claim_and_alone_on_its_triple():
    # The claim's plain triple (what the build's truthy step adds) is the claim's finding,
    # on its rdf:object line; a tagged value no claim states is found on its own.
    text = turtle_prologue() + (
        '\nclaim:A-purpose a ag:Claim ;\n    rdf:subject id:A ;\n    rdf:predicate ag:purpose ;\n'
        '    rdf:object "drills"@en .\n'
        'id:A ag:purpose "drills"@en .\n'
        'id:B ag:note "a note"@en .\n')
    lines = text.splitlines()
    found = found_in(text, "language-tag-violation")
    assert sorted((p.line, p.message.split(": the data")[0]) for p in found) == [
        (lines.index('    rdf:object "drills"@en .') + 1,
         "value of http://www.w3.org/1999/02/22-rdf-syntax-ns#object has the language tag @en"),
        (lines.index('id:B ag:note "a note"@en .') + 1,
         "value of https://alliance-graph.example/ontology/note has the language tag @en")], found


def test_a_value_with_white_space_is_found_once_on_its_claim_and_alone_on_its_triple():
    text = turtle_prologue() + (
        '\nclaim:A-purpose a ag:Claim ;\n    rdf:subject id:A ;\n    rdf:predicate ag:purpose ;\n'
        '    rdf:object "drills " .\n'
        'id:A ag:purpose "drills " .\n'
        'id:B ag:note " a note" .\n')
    lines = text.splitlines()
    found = found_in(text, "value-whitespace-violation")
    assert sorted(p.line for p in found) == [lines.index('    rdf:object "drills " .') + 1,
                                             lines.index('id:B ag:note " a note" .') + 1], found


def found_with_ontology(text: str, name: str) -> list:
    """Return what check ``name`` finds in ``text`` as data/x.ttl beside the shipped ontology."""
    store = ox.Store()
    for path, graph in pipeline.input_paths(Settings()):
        if graph.startswith("ontology/"):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph_iri(graph))
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph_iri("data/x.ttl"))
    [check] = [c for c in checks.all_checks() if c.name == name]
    return checks.run_check(store, check, checks.LineIndex({"data/x.ttl": text}))


OUT_OF_PLACE = turtle_prologue() + (
    '\nid:A a ag:Threat ;\n    ag:acronym "AB"^^xsd:token ;\n    ag:statementContent "said" ;\n'
    '    ag:stance id:B .\nid:B a ag:Threat .\nid:C a ag:AttributedStatement ;\n'
    '    ag:statementContent "said" ;\n    ag:stance id:B .\n')


ID = "https://alliance-graph.example/id/"


@pytest.mark.parametrize("name, expected", [
    ("value-datatype-violation", [('    ag:acronym "AB"^^xsd:token ;', "A")]),
    ("subject-outside-domain-violation", [("id:A a ag:Threat ;", "A"),
                                          ("id:A a ag:Threat ;", "A")]),  # content, stance
    ("value-outside-range-violation", [("    ag:stance id:B .", "A"),
                                       ("    ag:stance id:B .", "C")]),
])
def test_the_checks_walking_types_find_what_they_found(name, expected):
    # Each picks its triples in a subquery now, before the types and shapes are looked at.
    lines = OUT_OF_PLACE.splitlines()
    found = found_with_ontology(OUT_OF_PLACE, name)
    at = [lines.index(line) + 1 for line, _ in expected]
    if expected[-1][1] == "C":  # the second stance line is C's
        at[-1] = len(lines) - lines[::-1].index("    ag:stance id:B .")
    assert sorted((p.line, p.message.rsplit(": ", 1)[1].split(" [")[0]) for p in found) == \
        sorted((line, ID + node) for line, (_, node) in zip(at, expected)), found
