"""The result bound: at most the limit, and a refusal for one more."""

import pyoxigraph as ox
import pytest

from alliance_graph.query import limits


def _solutions(n):
    store = ox.Store()
    for i in range(n):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://p"),
                          ox.Literal(f"v{i}", language="en")))
    return store


def test_bounded_keeps_results_within_the_limit_exactly():
    store = _solutions(5)
    result = limits.bounded(store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"), 5)
    again = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s")
    assert [tuple(s) for s in result] == [tuple(s) for s in again]
    assert len(limits.bounded(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), 5)) == 5


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_bounded_refuses_one_more(query):
    with pytest.raises(limits.TooManyResults, match="more than 4"):
        limits.bounded(_solutions(5).query(query), 4)
