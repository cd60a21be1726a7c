"""The probe telling a whole graph answer of Virtuoso's from a cut one (store/virtuoso_rows.py);
against a real Virtuoso in test_remote.py."""

import pyoxigraph as ox
import pytest

from alliance_graph.store.virtuoso_rows import UNLIMITED, cut_at, limited, probe


@pytest.mark.parametrize("count", [1, 9, 10, 11, 99, 100, 101, 12_345])
def test_a_probe_makes_exactly_the_triples_it_asks_for_all_distinct(count):
    triples = ox.Store().query(probe(count))
    assert len(set(triples)) == count


class Store:
    """Sends at most ``most`` triples of any answer, as Virtuoso at a row limit."""

    def __init__(self, most):
        self.most, self.probes = most, []

    def send(self, query):
        self.probes.append(query)
        asked = len(list(ox.Store().query(query)))
        return min(asked, self.most)


def test_an_answer_is_whole_once_the_store_sent_one_triple_more():
    store = Store(most=21)
    assert cut_at(20, store.send) is None          # the probe of 21 came whole
    assert cut_at(21, store.send) == 21            # a probe of 22 got 21: cut
    assert cut_at(30, store.send) == 21
    assert cut_at(0, store.send) is None and len(store.probes) == 3  # an empty one: no probe


def test_each_answer_is_probed_for_the_limit_the_store_has_now():
    # What a probe showed was kept for the store's lifetime: a Virtuoso restarted with a lower
    # limit had its cut answers pass as whole (3,001 of 13,246 triples, a 200 from serve), and
    # one restarted with a higher limit had answers refused at the old one.
    store = Store(most=10**9)
    assert cut_at(50, store.send) is None
    store.most = 21  # restarted with ResultSetMaxRows = 20
    assert cut_at(21, store.send) == 21
    store.most = 10**9  # and again with a higher one
    assert cut_at(30, store.send) is None and len(store.probes) == 3


@pytest.mark.parametrize("query, sent, cap", [
    ("SELECT * { ?s ?p ?o } OFFSET 10", "SELECT * { ?s ?p ?o } OFFSET 10 LIMIT @", None),
    ("SELECT * { ?s ?p ?o } LIMIT 5 OFFSET 10", None, None),
    ("SELECT * { ?s ?p ?o } offset 10 limit 5", None, None),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } OFFSET 3 } } OFFSET 2 # OFFSET 9",
     "SELECT * { { SELECT ?s { ?s ?p ?o } OFFSET 3 LIMIT @ } } OFFSET 2 LIMIT @ # OFFSET 9",
     None),
    ("SELECT ?offset { ?offset <urn:OFFSET> \"OFFSET 1\" }", None, None),
    ("SELECT * { ?s ?p ?o } OFFSET 1 VALUES ?s { 1 }",
     "SELECT * { ?s ?p ?o } OFFSET 1 LIMIT @ VALUES ?s { 1 }", None),
    # Sorted: the rows the default sorting limit leaves, and an answer of as many refused;
    # where the answer is not those rows (a subquery's, a graph), the store refuses the sort.
    ("SELECT ?s { ?s ?p ?o FILTER EXISTS { ?s ?p ?o } } ORDER BY ?s OFFSET 10",
     "SELECT ?s { ?s ?p ?o FILTER EXISTS { ?s ?p ?o } } ORDER BY ?s OFFSET 10 LIMIT 9990", 9990),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s OFFSET 3 } }",
     "SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s OFFSET 3 LIMIT @ } }", None),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s } } OFFSET 3",
     "SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s } } OFFSET 3 LIMIT @", None),
    ("CONSTRUCT WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 3",
     "CONSTRUCT WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 3 LIMIT @", None),
    ("SELECT ?s { ?s ?p ?o } ORDER BY ?s OFFSET 10000",
     "SELECT ?s { ?s ?p ?o } ORDER BY ?s OFFSET 10000 LIMIT @", None),
])
def test_an_offset_without_a_limit_is_given_one(query, sent, cap):
    assert limited(query) == (query if sent is None else sent.replace("@", str(UNLIMITED)), cap)
