"""Oxigraph's reading of a query bound for a remote store (``dialect.read_as_oxigraph``) with
its SERVICE targets stood in for (``service_stand_in``): the query's own errors, where it
says them, and no call of the service."""

import http.server
import threading
from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query.dialect import read_as_oxigraph
from alliance_graph.query.service_stand_in import uncalled
from alliance_graph.sparql import tokenize


def stood_in(text: str, prefixes=PREFIX_IRIS) -> str:
    return uncalled(text, tokenize(text), prefixes)


@pytest.mark.parametrize("text, read", [
    ("ASK { SERVICE <http://s.example/q> { ?s ?p ?o } }",
     "ASK { SERVICE ?_000000000000000000 { ?s ?p ?o } }"),
    # A name the query uses is not taken, SILENT kept, each call stood in for.
    ("ASK { SERVICE SILENT <http://s/> { ?_000000000 ?p ?o } SERVICE <http://t/> {} }",
     "ASK { SERVICE SILENT ?_000000002 { ?_000000000 ?p ?o } SERVICE ?_000000001 {} }"),
    # Keywords glued as Oxigraph reads them, where the prefix is declared nowhere.
    ("PREFIX s: <http://s/> ASK { SERVICEs:q {} . ?s ?p true.SERVICEs: {} }",
     "PREFIX s: <http://s/> ASK { SERVICE?_0 {} . ?s ?p true.SERVICE?_ {} }"),
    ("PREFIX : <http://s/> ASK { SERVICE : {} }", "PREFIX : <http://s/> ASK { SERVICE?_ {} }"),
    # A declared prefix is a name to Oxigraph, and no SERVICE; so is a string, an IRI.
    ("PREFIX service: <http://s/> ASK { ?s service:p 'SERVICE <http://s/>' }", None),
    ("ASK { ?s ?p ?o }", None),
])
def test_each_service_target_is_a_variable_of_its_length_the_query_does_not_use(text, read):
    assert stood_in(text, {}) == (read or text)
    if read and "SERVICE?_ {}" not in read:  # the place of what follows is the user's
        assert len(read) == len(text)


@contextmanager
def service():
    """A SPARQL service answering one empty solution to anything; yield its URL and calls."""
    calls = []

    class Service(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the handler's name is http.server's
            calls.append(self.path)
            body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Service)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql", calls
    finally:
        server.shutdown()
        server.server_close()


def raised(call) -> tuple[type, str] | None:
    try:
        call()
    except (SyntaxError, RuntimeError, OSError) as exc:
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("query", [
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT (COUNT(*) AS ?n) {{ SERVICE SILENT <{url}> {{ }} VALUES ?x {{ 1 2 }} }}",
    "SELECT ?x {{ SERVICE <{url}> {{ ?x ?p ?o FILTER(<urn:the-service-s:f>(?o)) }} }} ORDER BY ?x",
    # What Oxigraph itself refuses, said as it says it and where.
    "ASK {{ SERVICE <{url}> {{ }} BIND(<urn:alliance-graph-test:f>(1) AS ?y) }}",
    "SELECT (<urn:alliance-graph-test:f>(COUNT(*)) AS ?n) {{ SERVICE <{url}> {{ }} }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o FILTER( }} }}",
    "ASK {{ SERVICE <{url}> {{ }} FILTER(nope:x) }}",
])
def test_the_reading_raises_what_oxigraph_raises_and_calls_no_service(query):
    # A query calling an allowed SERVICE was not read at all, since Oxigraph would have
    # called the service (an ASK at once), and the store again: a function no store should
    # run reached the store as written.
    with service() as (url, calls):
        text = query.format(url=url)
        said = raised(lambda: read_as_oxigraph(text, PREFIX_IRIS))
        assert calls == []
        # Oxigraph's own reading, the service called or not.
        assert said == raised(lambda: ox.Store().query(text, prefixes=PREFIX_IRIS)), said
