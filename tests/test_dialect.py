"""What only a store's own dialect reads, refused at the endpoint (query/dialect.py), met
over a real `serve` process in front of a real Virtuoso server."""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import servers
from conftest import loaded_remote

COMMAND = str(Path(sys.executable).parent / "alliance-graph")
WRITTEN = "urn:alliance-graph-test:written"


def ask(url: str, query: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"{url}?query={urllib.parse.quote(query)}",
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def written(store: str) -> int:
    """Return how many triples the store holds in the graph a test tried to write."""
    status, body = ask(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{WRITTEN}> {{ ?s ?p ?o }} }}")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def over_virtuoso(request, settings, tmp_path_factory):
    """(the endpoint's /sparql URL, the Virtuoso's) for a real `serve` over the session's
    Virtuoso, the shipped graph loaded into it."""
    loaded_remote(request, settings, "virtuoso")
    store = request.getfixturevalue("virtuoso_server")
    port = servers.free_port()
    process = servers.start([COMMAND, "--store", store, "serve", "--port", str(port)],
                            f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D",
                            tmp_path_factory.mktemp("serve") / "serve.log", timeout=120)
    yield f"http://127.0.0.1:{port}/sparql", store
    servers.stop(process)


@pytest.mark.server
def test_a_function_named_by_a_relative_iri_never_calls_a_stores_procedure(over_virtuoso):
    # Virtuoso calls a function IRI it does not know as its SQL procedure DB.DBA.<the IRI>:
    # a relative one, which no BASE resolved, named any procedure, and TTLP (granted with
    # the SPARQL_UPDATE the setup asks for) wrote the triple given into the store through
    # this read-only endpoint: 200, and the triple was there.
    endpoint, store = over_virtuoso
    turtle = f'"<urn:a> <urn:b> <urn:c> .", "", "{WRITTEN}"'
    for query in (f"SELECT (<TTLP>({turtle}) AS ?x) {{}}",
                  f"SELECT ?x {{ BIND(<TTLP>({turtle}) AS ?x) }}",
                  f"PREFIX v: <> SELECT (v:TTLP({turtle}) AS ?x) {{}}",
                  f"BASE <TTLP> SELECT (<>({turtle}) AS ?x) {{}}"):
        status, body = ask(endpoint, query)
        assert status == 400 and body.startswith(b"syntax error (at line 1, column "), body
        assert b"expected an IRI with its scheme" in body and b"relative" in body, body
    assert written(store) == 0
    assert written(store) == 0


@pytest.mark.server
def test_a_function_oxigraph_does_not_know_never_reaches_the_store(over_virtuoso, endpoint):
    # An absolute IRI called as a function reached Virtuoso, which looked it up among its SQL
    # procedures ("Undefined procedure DB.DBA.http://example.org/TTLP", a 502 naming the
    # store's internals; a procedure of that name, if a DBA made one, would have run).  Now
    # the query is read as Oxigraph reads it first, and refused as the memory store's
    # endpoint refuses it.
    over, store = over_virtuoso
    turtle = f'"<urn:a> <urn:b> <urn:c> .", "", "{WRITTEN}"'
    for query in (f"BASE <http://example.org/> SELECT (<TTLP>({turtle}) AS ?x) {{}}",
                  'SELECT ?x { BIND(<urn:alliance-graph-test:f>("a") AS ?x) }',
                  'PREFIX f: <urn:f:> ASK { ?s ?p ?o FILTER(f:g(?o)) }'):
        status, body = ask(over, query)
        assert status == 400 and b"custom function <" in body and b"is not supported" in body
        assert (status, body) == ask(f"{endpoint}/sparql", query)  # the memory store's answer, word for word
    assert written(store) == 0
    # A predicate before a collection is no call: the store answers it.
    status, body = ask(over, "ASK { ?s <urn:alliance-graph-test:p> (1 2) }")
    assert status == 200 and json.loads(body)["boolean"] is False, body


@pytest.mark.server
def test_xpaths_functions_never_reach_the_store(over_virtuoso):
    # Virtuoso runs XPath's functions called by their IRIs (under the 2004 draft's namespace,
    # ".../xpath-functions/#" and the scheme xpath: too): fn:doc("x") ended a Virtuoso
    # process, the store gone for every user (502, "cannot reach the store") until someone
    # restarted it; in this one only its SPARQL user's want of permission on the procedure
    # fetching a URI (502, "No permission to execute procedure
    # DB.DBA.XML_URI_GET_STRING_OR_ENT") stopped it.
    endpoint, store = over_virtuoso
    for query in ('SELECT (<http://www.w3.org/2005/xpath-functions#doc>("x") AS ?x) {}',
                  'PREFIX f: <http://www.w3.org/2004/07/xpath-functions#> '
                  'SELECT (f:doc("x") AS ?x) {}',
                  'SELECT ?x { BIND(<http://www.w3.org/2005/xpath-functions/#doc>("x") AS ?x) }',
                  'SELECT (<xpath:doc>("x") AS ?x) {}'):
        status, body = ask(endpoint, query)
        assert status == 403 and b"is of XPath's functions" in body, body
    assert written(store) == 0  # the store still answers


@pytest.mark.server
def test_a_stores_own_variables_never_reach_it(over_virtuoso):
    # Virtuoso reads ?:uid as a variable of the SQL it runs the query in: the query reached
    # it, and its answer (502, "No column UID") showed what it had looked for.
    endpoint, _ = over_virtuoso
    status, body = ask(endpoint, "PREFIX : <http://e/> SELECT (?:uid AS ?y) {}")
    assert status == 400 and b"'?:uid' is read by a store as a variable of its own" in body
