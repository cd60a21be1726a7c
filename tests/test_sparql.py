"""What a query's text says before an engine reads it: whether it names graphs."""

import pytest

from alliance_graph.sparql import uses_dataset


@pytest.mark.parametrize("text", [
    "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * FROM <https://alliance-graph.example/graph/data/aid.ttl> { ?s ?p ?o }",
    "SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }",
    "select * {graph?g{}}",
    "SELECT * { SERVICE <urn:s> { ?s ?p ?o } }",
])
def test_queries_naming_graphs(text):
    assert uses_dataset(text)


@pytest.mark.parametrize("text", [
    # The project's own IRIs hold "graph" (alliance-graph.example): an IRI is not a keyword.
    "PREFIX ag: <https://alliance-graph.example/ontology/> SELECT ?p { ?c a ag:Claim }",
    'SELECT * { ?s ?p "GRAPH FROM SERVICE" }',
    "SELECT * { ?s ?p ?o } # a GRAPH in a comment",
    "SELECT ?graph { ?graph a ?class }",
    "SELECT * { ?s ag:graphOf ?o }",
])
def test_queries_not_naming_graphs(text):
    assert not uses_dataset(text)
