"""Whose each of an Oxigraph server's errors is, the query's or the store's, and the error it
writes into an answer it had begun (store/oxigraph_errors.py): read from its messages, then
met through the command line, ``run`` and the endpoint over the session's real Oxigraph
server."""

import subprocess
import sys
import urllib.parse
from email.message import Message
from pathlib import Path

import pytest

import servers
from alliance_graph.query import results as queries
from alliance_graph.store.errors import QueryError, StoreError
from alliance_graph.store.oxigraph_errors import (
    broken_off,
    from_oxigraph,
    of_the_query,
    streamed,
    the_stores,
)
from alliance_graph.store.remote import RemoteStore
from conftest import loaded_remote
from helpers import fetch
from test_remote import answering, proxied, reply


def headers(server: str = "Oxigraph/0.5.13", media: str = "text/plain") -> Message:
    said = Message()
    said["Server"], said["Content-Type"] = server, media
    return said


def sent(query: str) -> bytes:
    return urllib.parse.urlencode({"query": query}).encode()


SELECT = "SELECT * WHERE { ?s ?p ?o }"
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"


@pytest.mark.parametrize("message, query, whose", [
    ("The custom function <urn:f> is not supported", SELECT, "query"),
    ("The custom function <urn:f> requires between 1 and 2 arguments, but 3 were given",
     SELECT, "query"),
    ("The variable encoding the service name is unbound", SELECT, "query"),
    ("The service <urn:x> is not supported", SELECT, "query"),
    ('"x" is not a valid service name', SELECT, "query"),
    # A SERVICE call that failed says so in the words of whatever failed.
    ("Connection refused (os error 111)", SERVICE, "query"),
    ("Error 404 Not Found returned by http://127.0.0.1:1/sparql with payload:", SERVICE,
     "query"),
    ("Connection refused (os error 111)", SELECT, "store"),
    # The store's own, a SERVICE called or not: its time limit (--timeout-s), its storage.
    ("The SPARQL operation has been cancelled", SERVICE, "store"),
    ("IO error: No space left on device: While appending to file", SERVICE, "store"),
    ("Corruption: block checksum mismatch", SELECT, "store"),
    # "SERVICE" in a string or a comment calls nothing.
    ("Connection refused (os error 111)", 'SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE',
     "store"),
])
def test_whose_an_oxigraph_error_is(message, query, whose):
    assert of_the_query(message, True, sent(query)) == (whose == "query")


def test_only_an_oxigraph_servers_answer_and_a_querys_are_read_so():
    message = "The custom function <urn:f> is not supported"
    assert not of_the_query(message, False, sent(SELECT))
    assert not of_the_query(message, True, urllib.parse.urlencode({"update": "x"}).encode())


# The bodies an Oxigraph 0.5.13 server sent with HTTP 200 for a query whose evaluation failed
# once its answer had begun.
@pytest.mark.parametrize("media, body, said", [
    ("application/sparql-results+json", '{"head":{"vars":["o","p","s"]},"results":'
     '{"bindings":[The port 1 is not allowed for HTTP(S)', "The port 1 is not allowed"),
    ("application/sparql-results+json", '{"head":{"vars":["x"]},"results":{"bindings":['
     '{"x":{"type":"literal","value":"a],[b"}},{"x":{"type":"uri","value":"urn:a"}}'
     "Connection refused (os error 111)", "Connection refused (os error 111)"),
    ("application/n-triples", '<urn:a> <urn:b> "c. d" .\n_:b <urn:b> <urn:c> .\nError 404 Not '
     "Found returned by http://x/ with payload:\nPOST / is not supported", "Error 404 Not Found"),
    ("application/n-triples", "The variable encoding the service name is unbound",
     "The variable encoding the service name is unbound"),
    # A message whose first word reads as JSON (a service name that is a literal).
    ("application/sparql-results+json", '{"head":{"vars":["s"]},"results":{"bindings":['
     '{"s":{"type":"literal","value":"x"}}"x" is not a valid service name',
     '"x" is not a valid service name'),
    # What no error broke off is none: a document cut short, another server's.
    ("application/sparql-results+json", '{"head":{"vars":["x"]},"results":{"bindings":[{"x":',
     None),
    ("application/sparql-results+json", '{"head":{"vars":["x"]},"results":{"bindings":[]}',
     None),
    ("application/n-triples", "<urn:a> <urn:b> <urn:c> .\n", None),
])
def test_the_error_written_into_a_begun_answer(media, body, said):
    found = streamed(headers(media=media), body.encode(), True)
    assert (found is None) if said is None else found.startswith(said)
    assert streamed(headers("Virtuoso/07.20", media), body.encode(), False) is None


@pytest.mark.parametrize("server, data, seen", [
    ("Oxigraph/0.5.13", b"", True),
    # Behind nginx, which writes its own Server: Oxigraph's JSON, without a space in it.
    ("nginx", b'{"head":{"vars":["s"]},"results":{"bindings":[', True),
    ("nginx", b'{"head":{},"boolean":true}', True),
    ("nginx", b'{ "head": {\n    "vars": [ "s" ]\n  } ,', False),  # a store spacing its own
    ("Virtuoso/07.20.3229", b'{"head":{}}', False),
    # Nothing in it tells: the store's earlier answers do (StoreClient.from_oxigraph).
    ("nginx", b"<urn:a> <urn:b> <urn:c> .\n", None),
    ("nginx", b"The custom function <urn:f> is not supported", None),
])
def test_an_answer_is_oxigraph_s_by_its_server_else_by_its_json(server, data, seen):
    assert from_oxigraph(headers(server), data) is seen


@pytest.fixture(scope="module")
def over_oxigraph(request, settings):
    """The session's Oxigraph server, the shipped graph loaded into it: (its --store URL, the
    graph read through it)."""
    kg = loaded_remote(request, settings, "oxigraph")
    assert isinstance(kg.main, RemoteStore)
    return kg.main.query_url, kg


# Port 1 is refused by Oxigraph's own HTTP client at once: no request leaves the machine.
UNREACHABLE = "http://127.0.0.1:1/sparql"
QUERY_S = [
    # Its 500: an unknown function, a SERVICE that fails before any row.
    ("SELECT ?x WHERE { ?s ?p ?o BIND(<urn:f>(1) AS ?x) }", "The custom function <urn:f>"),
    (f"ASK {{ SERVICE <{UNREACHABLE}> {{ ?s ?p ?o }} }}", "The port 1 is not allowed"),
    # Its 200, then the error, where the rows would be.
    (f"SELECT * WHERE {{ SERVICE <{UNREACHABLE}> {{ ?s ?p ?o }} }}",
     "The port 1 is not allowed"),
    (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{UNREACHABLE}> {{ ?s ?p ?o }} }}",
     "The port 1 is not allowed"),
]


@pytest.mark.parametrize("query, said", QUERY_S)
def test_run_over_oxigraph_says_the_querys_own_error(over_oxigraph, query, said):
    _, kg = over_oxigraph
    with pytest.raises(QueryError, match="the store could not evaluate the query: ") as caught:
        queries.run(kg, query)
    assert said in str(caught.value)


# Each error of the query's own making the installed Oxigraph server says, provoked: its
# wording is what ``oxigraph_errors`` reads, and another version may word them otherwise.
OXIGRAPH = "0.5.13"
PROVOKED = [
    ("SELECT ?x WHERE { BIND(<urn:f>(1) AS ?x) }", "The custom function <urn:f> is not supported"),
    ('SELECT ?x WHERE { BIND(xsd:integer("1", 2) AS ?x) }',
     "The custom function <http://www.w3.org/2001/XMLSchema#integer> requires between 1 and 1 "
     "arguments, but 2 were given"),
    ("ASK { SERVICE ?s { } }", "The variable encoding the service name is unbound"),
    ('SELECT * WHERE { BIND("x" AS ?s) LATERAL { SERVICE ?s { } } }',
     '"x" is not a valid service name'),
    ("ASK { SERVICE <urn:x> { } }", "A URI scheme must be set, found urn:x"),
    ("ASK { SERVICE <ftp://127.0.0.1/> { } }", "Not supported URL scheme: ftp"),
    (f"ASK {{ SERVICE <{UNREACHABLE}> {{ }} }}", "The port 1 is not allowed for HTTP(S)"),
]


@pytest.mark.parametrize("query, said", PROVOKED)
def test_oxigraph_0_5_13_says_each_error_of_the_querys_making_so(over_oxigraph, query, said):
    url, kg = over_oxigraph
    status, answered, _ = fetch(f"{url}?query=ASK%7B%7D")
    assert status == 200 and answered["Server"] == f"Oxigraph/{OXIGRAPH}", (
        f"the Oxigraph server is {answered['Server']}, not {OXIGRAPH}: provoke each of its "
        "errors again, and read their wording in store/oxigraph_errors.py")
    with pytest.raises(QueryError, match="the store could not evaluate the query: ") as caught:
        queries.run(kg, query)
    assert said in str(caught.value)


def test_the_command_line_exits_1_for_the_querys_error_over_oxigraph(over_oxigraph, settings):
    url, _ = over_oxigraph
    for query, said in QUERY_S[::2]:
        done = subprocess.run([str(servers.BIN / "alliance-graph"), "--ontology",
                               settings.ontology_dir, "--data", settings.data_dir, "--cache",
                               settings.cache_dir, "--store", url, "query", query],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        line, = done.stderr.strip().splitlines()
        assert line.startswith("error: query failed: the store could not evaluate") and said \
            in line, line


def test_the_stores_own_error_in_a_begun_answer_is_the_stores():
    # A storage error written into the rows: the store's failure, said as such.
    error = broken_off("IO error: No space left on device", True, sent(SERVICE),
                       QueryError, "the store")
    assert isinstance(error, StoreError) and "broke off its answer" in str(error)
    assert isinstance(broken_off("Connection refused (os error 111)", True, sent(SERVICE),
                                 QueryError, "the store"), QueryError)


def test_the_stores_time_limit_is_said_to_be_its_own():
    # `oxigraph serve --timeout-s 1` stopped a COUNT of a three-way product so, 200 sent
    # (and a query before its first row with a 500): said bare, nothing told whose limit it was.
    error = broken_off("The SPARQL operation has been cancelled", True, sent(SERVICE),
                       QueryError, "the store")
    assert isinstance(error, StoreError) and "oxigraph serve --timeout-s" in str(error)
    assert "own time limit" in the_stores("The SPARQL operation has been cancelled", True)
    assert the_stores("The SPARQL operation has been cancelled", False) == ""
    assert the_stores("IO error: No space left on device", True) == ""


@pytest.fixture(scope="module")
def serving_oxigraph(over_oxigraph, tmp_path_factory):
    """The /sparql URL of a real `serve` over the session's Oxigraph, calling UNREACHABLE
    allowed."""
    url, _ = over_oxigraph
    port = servers.free_port()
    ask = urllib.parse.quote("ASK {}")
    process = servers.start([str(Path(sys.executable).parent / "alliance-graph"), "--store",
                             url, "serve", "--port", str(port), "--allow-service", UNREACHABLE],
                            f"http://127.0.0.1:{port}/sparql?query={ask}",
                            tmp_path_factory.mktemp("serve") / "serve.log", timeout=120)
    yield f"http://127.0.0.1:{port}/sparql"
    servers.stop(process)


def test_the_endpoint_answers_400_for_the_querys_error_over_oxigraph(serving_oxigraph):
    # A failing SERVICE call, before and after the store began its answer: a 502, "the store
    # behind this service failed", as if the store were down.
    for query, said in QUERY_S[1:]:
        status, _, body = fetch(f"{serving_oxigraph}?query={urllib.parse.quote(query)}")
        assert status == 400 and said in body.decode(), (query, status, body)
        assert body.decode().startswith("query failed: the store could not evaluate")


@pytest.mark.server
def test_oxigraph_0_5_13_says_its_own_time_limit_so(tmp_path):
    # The store's error, provoked as the query's are above: a server started with a time
    # limit of its own (the session's has none) stops a COUNT over 2,000^3 rows of its data
    # once it has begun the answer, and writes the error into it.
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(servers.BIN / "oxigraph"), "serve", "--location",
                             str(tmp_path / "store"), "--bind", f"127.0.0.1:{port}",
                             "--timeout-s", "1"], f"{url}/query?query=ASK%7B%7D",
                            tmp_path / "oxigraph.log")
    try:
        triples = "".join(f"<urn:s{n}> <urn:p> <urn:o{n}> .\n" for n in range(2000))
        status, answered, _ = fetch(f"{url}/store?default", triples.encode(),
                                    {"Content-Type": "application/n-triples"}, "POST")
        assert status in (200, 201, 204) and answered["Server"] == f"Oxigraph/{OXIGRAPH}"
        with pytest.raises(StoreError) as stopped:
            RemoteStore(f"{url}/query", timeout=60).select(
                "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", [],
                rejected=QueryError)
    finally:
        servers.stop(process)
    assert str(stopped.value) == (
        f"{url}/query broke off its answer, begun with HTTP 200, with an error: The SPARQL "
        "operation has been cancelled (the store's own time limit, oxigraph serve "
        "--timeout-s, stopped the query: narrow it, or raise the limit)")


@pytest.mark.parametrize("query, said", QUERY_S)
def test_an_oxigraph_behind_a_proxy_says_the_querys_own_error(over_oxigraph, query, said):
    # Told by its Server header alone, an Oxigraph behind nginx (which writes its own) was
    # any store: its 500 was the store's failure (exit 2), an error it wrote after HTTP 200
    # "a malformed answer".  Its earlier answers, its JSON, tell it.
    url, _ = over_oxigraph
    with proxied(url) as proxy:
        with pytest.raises(QueryError, match="the store could not evaluate the query: ") as caught:
            RemoteStore(proxy).query(query)
    assert said in str(caught.value)


@pytest.mark.parametrize("status, page", [
    (502, b"<html><head><title>502 Bad Gateway</title></head></html>"),
    (500, b"<html><head><title>500 Internal Server Error</title></head></html>"),
])
def test_a_proxys_own_error_before_an_oxigraph_is_the_stores(status, page):
    # The store's answers were Oxigraph's, and the query calls a SERVICE: the proxy's own
    # page (the store down) is still the store's failure, not the query's.
    def respond(handler):
        query = urllib.parse.parse_qs(handler.body.decode())["query"][0]
        if "SERVICE" in query:
            reply(handler, status, "text/html", page)
        else:
            reply(handler, 200, "application/sparql-results+json",
                  b'{"head":{},"boolean":false}' if query.startswith("ASK")
                  else b'{"head":{"vars":["g"]},"results":{"bindings":[]}}')

    with answering(respond) as url:
        with pytest.raises(StoreError, match=f"answered HTTP {status} "):
            RemoteStore(url).query(SERVICE)


def test_an_answer_is_told_by_its_first_bytes_alone():
    # lstrip() of the whole answer copied it, up to remote_max_answer_bytes (a GiB), to read
    # its first byte.
    class Whole(bytes):
        def lstrip(self, *chars):
            raise AssertionError("the whole answer was copied")

    rows = Whole(b'{"head":{"vars":["s"]},"results":{"bindings":[' + b" " * 1000 + b"]}}")
    assert from_oxigraph(headers("nginx"), rows) is True
