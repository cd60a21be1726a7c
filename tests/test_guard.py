"""The safety checks that run before a query: updates, SERVICE, FROM; and the result bound."""

import threading
import time

import pyoxigraph as ox
import pytest

from alliance_graph.query import guard

P = {"ag": "https://alliance-graph.example/ontology/"}


@pytest.mark.parametrize("text", [
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX ag: <x:> DELETE WHERE { ?s ag:p ?o }",
    "load <http://example.org/data.ttl>",
    "# a comment\nBASE <http://x/> DROP ALL",
    "CLEAR GRAPH <http://x/>",
    "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(text):
    with pytest.raises(guard.Refused) as refused:
        guard.check(text, P)
    assert refused.value.status == 403 and "read-only" in str(refused.value)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(text):
    with pytest.raises(guard.Refused, match="outbound"):
        guard.check(text, P)


def test_allowed_service_passes():
    plan = guard.check("SELECT * { SERVICE <http://ok/sparql> { ?s ?p ?o } }", P,
                       ("http://ok/sparql",))
    assert plan.form == "SELECT"


@pytest.mark.parametrize("text", [
    'SELECT ?x WHERE { ?x ag:name "SERVICE <http://example.org/> and INSERT" }',
    "# SERVICE <http://example.org/>\nASK { ?s ?p ?o }",
    "SELECT ?service WHERE { ?service a ag:Service }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
])
def test_keywords_in_strings_comments_iris_and_names_are_not_refused(text):
    guard.check(text, P)


def test_form_and_from_clauses():
    plan = guard.check("PREFIX g: <https://g/>\nCONSTRUCT { ?s ?p ?o } FROM g:one "
                       "FROM NAMED <https://g/two> WHERE { ?s ?p ?o }", P)
    assert (plan.form, plan.from_graphs, plan.from_named) == \
        ("CONSTRUCT", ["https://g/one"], ["https://g/two"])


def _solutions(n):
    store = ox.Store()
    for i in range(n):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://p"),
                          ox.Literal(f"v{i}", language="en")))
    return store


def test_bounded_keeps_results_within_the_limit_exactly():
    store = _solutions(5)
    result = guard.bounded(store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"), 5)
    again = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s")
    assert [tuple(s) for s in result] == [tuple(s) for s in again]
    assert len(guard.bounded(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), 5)) == 5


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_bounded_refuses_one_more(query):
    with pytest.raises(guard.TooManyResults, match="more than 4"):
        guard.bounded(_solutions(5).query(query), 4)


def test_watchdog_fires_after_the_limit_and_not_before():
    dog, fired = guard.Watchdog(tick=0.01), threading.Event()
    with dog.guard(0.05, fired.set):
        pass
    time.sleep(0.1)
    assert not fired.is_set()
    with dog.guard(0.05, fired.set):
        assert fired.wait(1)
