"""The probe telling a whole graph answer of Virtuoso's from a cut one (store/virtuoso_rows.py);
against a real Virtuoso in test_remote.py."""

import pyoxigraph as ox
import pytest

from alliance_graph.store.virtuoso_rows import Rows, probe


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


def test_an_answer_is_whole_once_the_store_sent_one_triple_more_and_that_is_kept():
    rows, store = Rows(), Store(most=21)
    assert rows.cut_at(20, store.send) is None          # the probe of 21 came whole
    assert rows.cut_at(5, store.send) is None and len(store.probes) == 1  # known: no probe
    assert rows.cut_at(21, store.send) == 21            # a probe of 22 got 21: cut
    assert rows.cut_at(30, store.send) == 21 and len(store.probes) == 2   # the most, kept
    assert rows.cut_at(20, store.send) is None and len(store.probes) == 2


def test_a_store_sending_everything_is_asked_once_per_larger_answer():
    rows, store = Rows(), Store(most=10**9)
    for count in (3, 2, 50, 40, 50):
        assert rows.cut_at(count, store.send) is None
    assert len(store.probes) == 2  # for 3 (4 came), for 50 (51 came: under 51 is whole)
