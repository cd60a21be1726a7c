"""A group of VALUES alone sent to Virtuoso with FILTER(true) beside it
(store/virtuoso_values.py); over a real Virtuoso, answered as the memory store answers, in
tests/test_remote.py."""

import pytest

from alliance_graph.store.virtuoso_values import filled


@pytest.mark.parametrize("query, sent", [
    ("SELECT ?o { { ?o ?p 1 } UNION { VALUES ?o { 1 } } }",
     "SELECT ?o { { ?o ?p 1 } UNION { VALUES ?o { 1 }  FILTER(true) } }"),
    ("SELECT * {{{values(?o ?z){(1 UNDEF)}.}}UNION{VALUES ?x {()}}}",
     "SELECT * {{{values(?o ?z){(1 UNDEF)}. FILTER(true) }}UNION{VALUES ?x {()} FILTER(true) }}"),
    # Beside anything else a group's VALUES keeps its rows: nothing is added.
    ("SELECT ?o { { VALUES ?o { 1 } ?o ?p ?x } UNION { BIND(1 AS ?o) } } VALUES ?p { 2 }",
     None),
    ("SELECT ?o { ?o ?p ?x VALUES ?o { 1 } }", None),
    ('SELECT ?o { ?o ?p "{ VALUES ?o { 1 } }" } # { VALUES ?o { 1 } }', None),
])
def test_a_group_of_values_alone_is_sent_with_a_filter_and_nothing_else(query, sent):
    assert filled(query) == (sent or query)


def test_the_lines_stay_the_user_s():
    # The store's messages number the lines as the user wrote them.
    query = "SELECT ?o {\n  { VALUES ?o { 1 }\n}\n  UNION { ?o ?p ?q }\n}"
    assert filled(query).split("\n") == ["SELECT ?o {", "  { VALUES ?o { 1 }",
                                         " FILTER(true) }", "  UNION { ?o ?p ?q }", "}"]
