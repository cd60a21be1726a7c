"""The graphs a query runs over: the request's, else its FROM and FROM NAMED, else the graph's
own default; the same for the endpoint and the library (``results.run``, the CLI)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import guard
from alliance_graph.query import results as queries
from alliance_graph.query.dataset import Dataset
from alliance_graph.query.refused import Refused
from helpers import run_cli

G = "https://alliance-graph.example/graph/"
SOURCES, AID, INFERRED = G + "data/sources.ttl", G + "data/aid.ttl", G + "inferred"
HELD = {SOURCES, AID, INFERRED}


def plan(text: str):
    return guard.check(text, PREFIX_IRIS)


@pytest.mark.parametrize("text, request_graphs, inferred, expected", [
    # No FROM: the graph's own default, per file when the query writes GRAPH.
    ("ASK {}", ((), ()), False, Dataset(False, False)),
    ("ASK { GRAPH ?g {} }", ((), ()), True, Dataset(True, True)),
    # FROM and FROM NAMED, each graph once.
    (f"ASK FROM <{AID}> FROM <{AID}> FROM NAMED <{SOURCES}> {{}}", ((), ()), False,
     Dataset(default=(AID,), named=(SOURCES,))),
    # FROM NAMED alone: the default graph is empty.
    (f"ASK FROM NAMED <{AID}> {{}}", ((), ()), False, Dataset(default=(), named=(AID,))),
    # The request's graphs replace the query's FROM and FROM NAMED whole.
    (f"ASK FROM <{AID}> {{}}", ((), (SOURCES,)), False, Dataset(default=(), named=(SOURCES,))),
    # inferred adds the inferred graph to a default graph named.
    (f"ASK FROM <{AID}> {{}}", ((), ()), True, Dataset(default=(AID, INFERRED), named=())),
])
def test_the_graphs_a_query_runs_over(text, request_graphs, inferred, expected):
    assert Dataset.resolve(HELD, INFERRED, plan(text), inferred, *request_graphs) == expected


@pytest.mark.parametrize("text, request_graphs", [
    ("ASK FROM <http://e/elsewhere> {}", ((), ())),
    ("ASK {}", ((), ("http://e/elsewhere",))),
])
def test_a_graph_not_held_is_a_400_never_fetched(text, request_graphs):
    with pytest.raises(Refused) as refused:
        Dataset.resolve(HELD, INFERRED, plan(text), False, *request_graphs)
    assert refused.value.status == 400 and "<http://e/elsewhere> is not held" in str(
        refused.value)


def count(kg, text: str, **kw) -> int:
    return int(queries.rows(queries.run(kg, text, **kw))[0]["n"].value)


def test_the_library_honours_from_and_from_named(kg):
    # They were ignored: every FROM counted the whole graph (13,160 triples on the data of
    # the day), FROM <graph/inferred> too, and a FROM of no graph answered all the same.
    everything = count(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    sources = count(kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SOURCES}> {{ ?s ?p ?o }} }}")
    inferred = count(kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}")
    assert 0 < sources < everything and 0 < inferred
    assert count(kg, f"SELECT (COUNT(*) AS ?n) FROM <{SOURCES}> WHERE {{ ?s ?p ?o }}") == sources
    assert count(kg, f"SELECT (COUNT(*) AS ?n) FROM <{INFERRED}> WHERE {{ ?s ?p ?o }}") == \
        inferred
    assert count(kg, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{AID}> WHERE {{ ?s ?p ?o }}") == 0
    assert count(kg, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{AID}> WHERE "
                     "{ GRAPH ?g { ?s ?p ?o } }") == count(
        kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{AID}> {{ ?s ?p ?o }} }}")
    with pytest.raises(queries.QueryError, match="is not held here"):
        queries.run(kg, "ASK FROM <http://e/elsewhere> {}")


def test_the_cli_answers_a_from_as_the_endpoint_does():
    text = f"SELECT (COUNT(*) AS ?n) FROM <{SOURCES}> WHERE {{ ?s ?p ?o }}"
    shipped = Path(__file__).parents[1] / "data"
    by_cli = run_cli("query", text, "--format", "csv", data=shipped)
    by_endpoint = run_cli("serve", "--get", "/sparql?format=csv&query="
                          + urllib.parse.quote(text), data=shipped)
    assert by_cli.exit_code == by_endpoint.exit_code == 0
    assert by_cli.output.split() == by_endpoint.output.split()
    assert int(by_cli.output.split()[1]) < 100  # the sources' file, not the whole graph
