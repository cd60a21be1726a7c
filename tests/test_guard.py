"""The safety checks that run before a query: updates, SERVICE, FROM."""

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
