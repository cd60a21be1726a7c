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


CAST = '<http://www.w3.org/2001/XMLSchema#integer>("{}")'


@pytest.mark.parametrize("query, sent", [
    ("SELECT (1000000000000000000 AS ?z) {}", "SELECT ({0} AS ?z) {{}}"),
    # A sign stays an operator, as the grammar reads it: ?x -N is ?x + -N.
    ("SELECT (?x -9223372036854775807 AS ?z) {} ORDER BY (+1000000000000000000)",
     "SELECT (?x - {1} AS ?z) {{}} ORDER BY (+ {0})"),
    ('PREFIX x: <http://www.w3.org/2001/XMLSchema#> SELECT * { FILTER(?a IN '
     '("1000000000000000000"^^x:integer, "-1000000000000000000"^^<http://www.w3.org/2001/'
     'XMLSchema#integer>)) }',
     "PREFIX x: <http://www.w3.org/2001/XMLSchema#> SELECT * {{ FILTER(?a IN ({0}, - {0})) }}"),
    # Where no expression can be (a pattern, VALUES, a collection, a template, LIMIT), a
    # number of 18 digits or of another datatype: as written.
    ("CONSTRUCT { ?s ?p 1000000000000000000 } WHERE { ?s ?p ( 1000000000000000000 ) "
     "VALUES ?z { 1000000000000000000 } BIND(999999999999999999 AS ?y) } "
     "LIMIT 1000000000000000000", None),
    ('SELECT ("1000000000000000000"^^xsd:long AS ?z) ("01000000000000000000"^^xsd:integer '
     'AS ?y) ("1000000000000000000"^^<urn:integer> AS ?w) (1000000000000000000.0 AS ?v) {}',
     None),
])
def test_an_integer_of_19_digits_in_an_expression_is_sent_cast(query, sent):
    expected = query if sent is None else sent.format(
        CAST.format("1000000000000000000"), CAST.format("9223372036854775807"))
    assert virtuoso_integers.cast(query) == expected
