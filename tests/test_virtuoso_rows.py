"""The probe telling a whole graph answer of Virtuoso's from a cut one (store/virtuoso_rows.py);
against a real Virtuoso in test_remote.py."""

import pyoxigraph as ox
import pytest

from alliance_graph.store.virtuoso_rows import cut_at, probe


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
