"""An integer constant Virtuoso would read as another number, refused before it is sent
(store/virtuoso_integers.py); over a real Virtuoso in tests/test_remote.py."""

from __future__ import annotations

import pytest

from alliance_graph.store import virtuoso_integers
from alliance_graph.store.errors import QueryError


@pytest.mark.parametrize("query", [
    "SELECT (9223372036854775807 AS ?z) (-9223372036854775807 AS ?y) {}",
    "SELECT (99999999999999999999999.0 AS ?z) (1e30 AS ?y) {}",
    'SELECT ?s { ?s ?p "99999999999999999999999" } # 99999999999999999999999',
    "SELECT (0000000000000000001 AS ?z) (0999999999999999999 AS ?y) {}",
    "SELECT * { ?s ex:true99999999999999999999 ?o } LIMIT3 # OFFSET99999999999999999999",
])
def test_what_virtuoso_reads_exactly_is_sent(query):
    virtuoso_integers.check(query)


@pytest.mark.parametrize("query, text, position", [
    ("SELECT (99999999999999999999999 AS ?z) {}", "99999999999999999999999", (1, 9)),
    ("SELECT ?z {\n  VALUES ?z { 9223372036854775808 } }", "9223372036854775808", (2, 15)),
    ("ASK { ?s ?p -9223372036854775808 }", "-9223372036854775808", (1, 13)),
    ("SELECT (+" + "9" * 5000 + " AS ?z) {}", "+" + "9" * 5000, (1, 9)),
    # Glued to a keyword, as the engine reads it and Virtuoso is sent it written apart:
    # VALUES ?x {true99999999999999999999} came back 139843667828808 from Virtuoso, exit 0.
    ("SELECT ?x { VALUES ?x {true99999999999999999999} }", "99999999999999999999", (1, 28)),
    ("SELECT * {}\nLIMIT3OFFSET99999999999999999999", "99999999999999999999", (2, 13)),
])
def test_an_integer_past_64_bits_is_refused_saying_where(query, text, position):
    with pytest.raises(QueryError) as refused:
        virtuoso_integers.check(query)
    assert str(refused.value).startswith("Virtuoso reads an integer past 9,223,372,036,854,775,"
                                         f"807 as another number, without a word ({text} at "
                                         f"line {position[0]}, column {position[1]})")
    assert refused.value.position == position


@pytest.mark.parametrize("query, text, written", [
    # Virtuoso counts the digits written: these came back 139843447215024, 139843447214696.
    ("SELECT (000000000000000000001 AS ?z) {}", "000000000000000000001", "1"),
    ("SELECT ?z { VALUES ?z { -00000000000000000000 } }", "-00000000000000000000", "-0"),
    ("SELECT (09223372036854775807 AS ?z) {}", "09223372036854775807", "9223372036854775807"),
])
def test_an_integer_of_more_than_19_digits_with_leading_zeros_is_refused(query, text, written):
    with pytest.raises(QueryError) as refused:
        virtuoso_integers.check(query)
    assert f"more than 19 digits, leading zeros counted, as another number, without a word " \
           f"({text} at line 1, column " in str(refused.value)
    assert str(refused.value).endswith(f"write it without its leading zeros, {written}")
