"""A count one of the project's own queries asked a store for, read as a number
(store/numbers.py): a count that is none is the store's fault, said in one line."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_graph.store import numbers
from alliance_graph.store.errors import StoreError
from alliance_graph.store.remote_answers import XSD


@pytest.mark.parametrize("value, read", [("0", 0), ("1131", 1131), ("+7", 7), ("007", 7),
                                         ("9" * 40, int("9" * 40))])
def test_a_count_as_a_store_writes_one_is_read(value, read):
    assert numbers.count(ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))) == read


def test_no_count_is_read_as_the_default():
    assert numbers.count(None) == 0
    assert numbers.count(None, none=-1) == -1


@pytest.mark.parametrize("term", [
    ox.Literal("lots", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
    # Python's int() reads each of these; no store writes a count so.
    ox.Literal("1_000", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal(" 12 ", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("\u0661\u0662", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("9" * 5000, datatype=ox.NamedNode(XSD + "integer")),  # past int()'s digits
    ox.NamedNode("http://example.org/12"),
])
def test_a_count_that_is_no_whole_number_is_the_store_s_fault(term):
    with pytest.raises(StoreError, match="^the store answered .* where a count was asked for: "
                                         "no whole number$") as raised:
        numbers.count(term)
    assert len(str(raised.value)) < 200  # one line, however long the store's value
