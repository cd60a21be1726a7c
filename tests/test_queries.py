"""Queries: rows for notebooks, rdflib graphs back, the standard result formats, clear errors."""

import csv
import io
import json

import pyoxigraph as ox
import pytest

from alliance_graph.query import results as queries

SELECT = "SELECT ?claim ?s WHERE { ?claim a ag:Claim ; rdf:subject ?s } ORDER BY ?claim LIMIT 5"
CONSTRUCT = """CONSTRUCT { ?s rdfs:label ?l } WHERE {
  { SELECT DISTINCT ?s ?l WHERE { ?c a ag:Claim ; rdf:subject ?s . ?s rdfs:label ?l } ORDER BY ?s LIMIT 5 }
}"""


def test_rows_are_dicts_of_terms(kg):
    rows = queries.rows(queries.run(kg, SELECT))
    assert len(rows) == 5
    assert set(rows[0]) == {"claim", "s"}
    assert isinstance(rows[0]["claim"], ox.NamedNode)


def test_construct_comes_back_as_an_rdflib_graph(kg):
    graph = queries.to_rdflib(queries.run(kg, CONSTRUCT))
    assert len(graph) == 5
    assert dict(graph.namespaces())["ag"]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])  # CSV: Oxigraph writes it, cannot read it
def test_select_results_parse_back(kg, fmt):
    data = queries.serialize(queries.run(kg, SELECT), fmt)
    parsed = ox.parse_query_results(data, format=queries.RESULT_FORMATS[fmt].oxigraph)
    assert len(list(parsed)) == 5


def test_json_results_follow_the_sparql_json_shape(kg):
    doc = json.loads(queries.serialize(queries.run(kg, SELECT), "json"))
    assert doc["head"]["vars"] == ["claim", "s"]
    assert doc["results"]["bindings"][0]["claim"]["type"] == "uri"
    rows = list(csv.DictReader(io.StringIO(queries.serialize(queries.run(kg, SELECT), "csv").decode())))
    assert rows[0]["claim"] == doc["results"]["bindings"][0]["claim"]["value"]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "xml", "trig", "nq"])
def test_graph_results_parse_back(kg, fmt):
    data = queries.serialize(queries.run(kg, CONSTRUCT), fmt)
    assert len(list(ox.parse(data, format=queries.GRAPH_FORMATS[fmt].oxigraph))) == 5


def test_ask_and_table(kg):
    assert queries.table(queries.run(kg, "ASK { ?c a ag:Claim }")) == "true"
    text = queries.table(queries.run(kg, SELECT))
    assert text.splitlines()[0].split() == ["claim", "s"]
    assert text.endswith("(5 rows)")
    assert "claim:" in text  # IRIs shortened with the project's prefixes


def test_syntax_error_carries_the_parser_position(kg):
    with pytest.raises(queries.QueryError, match=r"1:\d+"):
        queries.run(kg, "SELECT ?x WHERE { ?x ?y }")


def test_format_that_does_not_fit_the_query_form_is_refused(kg):
    with pytest.raises(queries.QueryError, match="cannot be written as 'turtle'"):
        queries.serialize(queries.run(kg, SELECT), "turtle")
