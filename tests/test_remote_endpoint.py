"""The endpoint in front of a remote store (a real server process in front of a real Oxigraph
or Virtuoso server): answers from it, and a 502 saying so when the store is slow or down."""

import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import servers
from alliance_graph.store import backends
from conftest import loaded_remote
from helpers import fetch

ASK = urllib.parse.quote("ASK { ?c a ag:Claim }")
HEAVY = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                           "?j ?k ?l }")


def http_error(url: str) -> tuple[int, str]:
    """Return the status and body of a request that must fail."""
    try:
        urllib.request.urlopen(url, timeout=60).close()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()
    raise AssertionError(f"{url} answered although it should have failed")


def test_endpoint_over_a_remote_store_answers_then_reports_its_failure(
        mini, empty_store, tmp_path, monkeypatch):
    store = empty_store.url
    backends.load_into_store(mini.with_(store=store))
    # A store slower than this is a failure of the store, not of the query.
    monkeypatch.setenv("ALLIANCE_GRAPH_REMOTE_TIMEOUT", "1")
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    serve = servers.start([str(servers.BIN / "alliance-graph"), "--ontology", mini.ontology_dir,
                           "--data", mini.data_dir, "--cache", mini.cache_dir, "--store", store,
                           "serve", "--port", str(port), "--response-cache", "0",
                           "--timeout", "20"],
                          f"{url}/sparql?query={ASK}", tmp_path / "serve.log")
    try:
        with urllib.request.urlopen(f"{url}/sparql?query={ASK}") as response:
            assert json.load(response)["boolean"] is True
        # Read as Oxigraph reads it before it is sent (query/dialect.py): the parser's 400,
        # as over a local store; what the store itself refuses is the query's too (below).
        status, body = http_error(f"{url}/sparql?query=" + urllib.parse.quote("SELECT ?x {"))
        assert status == 400 and "is never closed (the parser: " in body, body
        # Last before the store stops: it goes on with the heavy query after we give up.
        status, timed_out = http_error(f"{url}/sparql?query={HEAVY}")
        assert status == 502 and "the store did not answer within 1 s" in timed_out, timed_out
        servers.stop(empty_store.process)
        status, body = http_error(f"{url}/sparql?query={ASK}")
        assert status == 502 and "the store behind this service failed" in body, body
        assert "cannot reach the store" in body
        # Where the store lives is not the clients' to know: its host and path were in both.
        for said in (timed_out, body):
            assert urllib.parse.urlsplit(store).netloc not in said, said
    finally:
        servers.stop(serve)


COUNT = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def counted(url: str, tag: str | None = None) -> tuple[int, int | None, str]:
    """Return the status, the count (None for a 304) and the ETag of the COUNT query."""
    request = urllib.request.Request(f"{url}/sparql?query={COUNT}",
                                     headers={"If-None-Match": tag} if tag else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            n = int(json.load(response)["results"]["bindings"][0]["n"]["value"])
            return response.status, n, response.headers["ETag"]
    except urllib.error.HTTPError as err:
        return err.code, None, err.headers["ETag"]


def test_answers_and_their_etags_follow_a_remote_store_filled_again_while_served(
        mini, empty_oxigraph, tmp_path):
    # The answer was kept (and tagged by the version read at start): after the store was
    # filled again, the server went on giving the old count, with the old ETag.
    store = f"{empty_oxigraph}/query"
    backends.load_into_store(mini.with_(store=store))
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    serve = servers.start([str(servers.BIN / "alliance-graph"), "--ontology", mini.ontology_dir,
                           "--data", mini.data_dir, "--cache", mini.cache_dir, "--store", store,
                           "serve", "--port", str(port)],  # the response cache on, as shipped
                          f"{url}/sparql?query={ASK}", tmp_path / "serve.log")
    try:
        status, before, tag = counted(url)
        assert status == 200 and counted(url, tag)[:2] == (304, None)  # the same answer
        update = urllib.parse.urlencode({"update": "INSERT DATA { GRAPH "
                                         "<https://alliance-graph.example/graph/asserted> "
                                         "{ <urn:x> <urn:y> <urn:z> } }"}).encode()
        urllib.request.urlopen(f"{empty_oxigraph}/update", data=update, timeout=60).close()
        status, after, new_tag = counted(url, tag)  # the old tag no longer matches
        assert status == 200 and after == before + 1 and new_tag != tag
    finally:
        servers.stop(serve)


def test_status_and_the_service_description_follow_a_load_into_the_remote_store(
        mini, empty_oxigraph, tmp_path):
    # /status and the service description gave the version and figures read at the server's
    # start however often the store was loaded again: the server now follows each load (its
    # marker names the build it swapped in), as it follows a local store's.
    store = f"{empty_oxigraph}/query"
    settings = mini.with_(store=store)
    backends.load_into_store(settings)
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    serve = servers.start([str(servers.BIN / "alliance-graph"), "--ontology", mini.ontology_dir,
                           "--data", mini.data_dir, "--cache", mini.cache_dir, "--store", store,
                           "serve", "--port", str(port)],
                          f"{url}/sparql?query={ASK}", tmp_path / "serve.log")

    def state():
        with urllib.request.urlopen(f"{url}/status", timeout=60) as response:
            return json.load(response)

    def described():
        request = urllib.request.Request(f"{url}/sparql", headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode()

    try:
        first = state()["version"]
        assert first == backends.build.input_hash(settings)[:32]  # the build loaded
        # Not sandboxed: it said "internet sockets refused (seccomp)" here too.
        assert state()["sandbox"] == "none: the engine reaches the remote store over the network"
        assert first in described()
        data = sorted(mini.data_dir.glob("*.ttl"))[0]
        data.write_text(data.read_text().replace('"Iron Dome"', '"Iron Dome (renamed)"'))
        backends.load_into_store(settings)
        deadline = time.monotonic() + 60  # its looks and the engine's start: slow under load
        while state()["version"] == first:
            assert time.monotonic() < deadline, "the server kept the version of its start"
            time.sleep(0.2)
        now = state()
        assert now["version"] == backends.build.input_hash(settings)[:32] != first
        assert now["builds_followed"] == 1 and now["version"] in described()
        query = urllib.parse.quote('ASK { ?s rdfs:label "Iron Dome (renamed)" }')
        with urllib.request.urlopen(f"{url}/sparql?query={query}", timeout=60) as response:
            assert json.load(response)["boolean"] is True
    finally:
        servers.stop(serve)


@pytest.fixture(scope="module")
def over_virtuoso(request, settings, tmp_path_factory):
    """The /sparql URL of a real `serve` over the session's Virtuoso, the shipped graph
    loaded into it."""
    loaded_remote(request, settings, "virtuoso")
    port = servers.free_port()
    process = servers.start([str(Path(sys.executable).parent / "alliance-graph"), "--store",
                             request.getfixturevalue("virtuoso_server"), "serve", "--port",
                             str(port)], f"http://127.0.0.1:{port}/sparql?query={ASK}",
                            tmp_path_factory.mktemp("serve") / "serve.log", timeout=120)
    yield f"http://127.0.0.1:{port}/sparql"
    servers.stop(process)


def asked(url: str, query: str) -> tuple[int, str]:
    """Return the status and body of a query's answer, a refusal's too."""
    status, _, body = fetch(f"{url}?query={urllib.parse.quote(query)}")
    return status, body.decode()


DOC = Path(__file__).parents[1] / "docs" / "remote-stores.md"


def rows_of(rows: list[str], begins: str) -> str:
    """Return the one table row that begins so."""
    row, = (row for row in rows if row.startswith(begins))
    return row


# docs/remote-stores.md's rows (by how they begin) of a query Virtuoso refuses that the other
# stores answer, a query each row names, and the words of Virtuoso's refusal the row quotes.
REFUSED = [
    ("| a division by zero in an expression", "SELECT (COALESCE(1/?v, -1) AS ?x) "
     "WHERE { VALUES ?v { 0 } }", "22012 Error SR084: Division by 0"),
    ("| a double divided by zero", "SELECT (1e0 / 0 AS ?x) {}", "SR084: Division by 0"),
    ("| `TIMEZONE(NOW())`", "SELECT (TIMEZONE(NOW()) AS ?x) {}",
     "22007 Error Function rdf_timezone_impl needs a datetime with some timezone"),
    ("| `?a rdfs:subClassOf+ ?b`", "SELECT ?a ?b WHERE { ?a rdfs:subClassOf+ ?b } LIMIT 1",
     "37000 Error TR...: transitive start not given"),
    ("| `BNODE()`", "SELECT ?n WHERE { BIND(BNODE() AS ?n) }",
     "37000 Error SP031: SPARQL compiler: Internal error: Built-in function is not implemented"),
    ("| `YEAR(?y)`, `MONTH(?y)` of a year or a month written",
     'SELECT (YEAR("2016"^^xsd:gYear) AS ?x) {}',
     "22007 Error DT001: Function year needs a datetime, date or time as argument 1"),
]


def test_an_error_of_the_querys_own_making_is_the_querys_as_the_doc_says(over_virtuoso,
                                                                         endpoint):
    # Virtuoso stops a whole query at an error SPARQL leaves unbound, with HTTP 500 and its
    # SQL state: a division by zero was a 502, "the store behind this service failed", as if
    # the store were down, for a query the other stores answer.
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    for begins, query, said in REFUSED:
        row = rows_of(rows, begins)
        assert "exit 1, or a 400" in row and said in row.replace("\\", ""), row
        status, body = asked(over_virtuoso, query)
        assert status == 400 and body.startswith("query failed: the store "), body
        assert said in body and "the store behind this service failed" not in body, body
        assert asked(f"{endpoint}/sparql", query)[0] == 200  # the memory store answers it
    # The row's other errors in an expression ("YEAR(\"x\")"), each stopping the query.
    others = re.search(r"and any other error in one \((.*?)\) \|", rows_of(rows, REFUSED[0][0]))
    for example in re.findall(r"`([^`]+)`", others[1]):
        query = f'SELECT ?x WHERE {{ VALUES ?s {{ "a" }} BIND({example} AS ?x) }}'
        status, body = asked(over_virtuoso, query)
        assert status == 400 and "at an error in an expression" in body, (query, body)
        assert asked(f"{endpoint}/sparql", query)[0] == 200
    # What the store's own setting refuses stays the store's: its sorting limit.
    status, body = asked(over_virtuoso, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 20000")
    assert status == 502 and "the store behind this service failed" in body, body
    assert "22023 Error SR353" in body, body
