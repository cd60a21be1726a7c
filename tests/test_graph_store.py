"""Graph Store Protocol reads and the dataset dump, over real HTTP."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest


def fetch(endpoint, path, accept=None):
    request = urllib.request.Request(endpoint + path, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def count(endpoint, query):
    _, _, body = fetch(endpoint, "/sparql?" + urllib.parse.urlencode({"query": query}))
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_asserted_union(endpoint):
    status, ctype, body = fetch(endpoint, "/rdf-graphs?default")
    assert status == 200 and ctype.startswith("text/turtle")
    triples = set(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert len(triples) == count(endpoint, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o "
                                           "{ ?s ?p ?o } }")


def test_one_named_graph_and_an_unknown_one(endpoint, settings):
    name = "https://alliance-graph.example/graph/ontology/core.ttl"
    status, ctype, body = fetch(endpoint, "/rdf-graphs?" + urllib.parse.urlencode({"graph": name}),
                                "application/n-triples")
    assert status == 200 and ctype.startswith("application/n-triples")
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == count(
        endpoint, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
    status, _, body = fetch(endpoint, "/rdf-graphs?graph=http%3A%2F%2Fexample.org%2Fnone")
    assert status == 404 and b"http://example.org/none" in body


@pytest.mark.parametrize("accept, fmt", [(None, ox.RdfFormat.TRIG),
                                         ("application/n-quads", ox.RdfFormat.N_QUADS)])
def test_dataset_dump_holds_every_quad(endpoint, accept, fmt):
    status, _, body = fetch(endpoint, "/dataset", accept)
    assert status == 200
    quads = list(ox.parse(body, format=fmt))
    assert len(quads) == count(endpoint, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    assert any(q.graph_name.value.endswith("/graph/inferred") for q in quads)


def test_dataset_as_turtle_is_406(endpoint):
    assert fetch(endpoint, "/dataset", "text/turtle")[0] == 406


def test_dataset_trig_opens_each_graph_block_once(endpoint):
    status, _, body = fetch(endpoint, "/dataset?format=trig")
    openings = [line for line in body.decode().splitlines() if line.rstrip().endswith("{")]
    assert status == 200 and len(openings) == len(set(openings)) > 1
