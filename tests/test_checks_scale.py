"""No check asks FILTER NOT EXISTS of every triple of the data.

A check scanning every triple (``GRAPH ?graph { ?focus ?path ?value }``) and then asking, of
each, that no claim state it (``FILTER NOT EXISTS { ... }``) grew with the square of the graph:
two data checks so took a 10 k-fact build to 88 s (7e73f70), and language-tag took 3.8 s of
``check`` there with 2,214 tagged literals, minutes at 100 k facts (docs/validation.md, Speed).
Each such check picks its few values in a subquery first, and looks a claim stating one up
from its ``rdf:object`` (OPTIONAL, unbound): 0.09 s.  Read from rdflib's algebra, not timed.
"""

from __future__ import annotations

import pytest
from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from alliance_graph.build import checks
from alliance_graph.namespaces import turtle_prologue
from test_checks import found_in


def _nodes(node):
    """Yield every algebra node under ``node``, itself first."""
    if isinstance(node, CompValue):
        yield node
        for key, child in node.items():
            if key != "_vars":
                yield from _nodes(child)
    elif isinstance(node, (list, tuple)):
        for child in node:
            yield from _nodes(child)


def _scan(pattern) -> bool:
    """Return True for a pattern that is one triple of three variables (in a GRAPH or not,
    with what BINDs add to it: rdflib's algebra puts them under the group's FILTERs)."""
    while getattr(pattern, "name", None) in ("Graph", "Extend"):
        pattern = pattern.p
    return getattr(pattern, "name", None) == "BGP" and len(pattern.triples) == 1 and \
        all(isinstance(term, Variable) for term in pattern.triples[0])


def not_exists_over_every_triple(sparql: str) -> int:
    """Return how many FILTERs holding a NOT EXISTS filter a scan of every triple."""
    return sum(1 for n in _nodes(prepareQuery(sparql).algebra)
               if n.name == "Filter" and _scan(n.p)
               and any(e.name == "Builtin_NOTEXISTS" for e in _nodes(n.expr)))


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
