"""A string typed xsd:string sent to Virtuoso as the plain string it is
(store/virtuoso_strings.py); over a real Virtuoso, answered as the memory store answers, in
tests/test_remote.py."""

import time

import pytest

from alliance_graph.store.virtuoso_strings import untyped


@pytest.mark.parametrize("query, sent", [
    ('SELECT ?s { ?s ?p "a"^^<http://www.w3.org/2001/XMLSchema#string> }',
     'SELECT ?s { ?s ?p "a" }'),
    ("PREFIX x: <http://www.w3.org/2001/XMLSchema#> SELECT ?s { VALUES ?o { 'a'^^x:string "
     '"""b"""^^x:string } }',
     "PREFIX x: <http://www.w3.org/2001/XMLSchema#> SELECT ?s { VALUES ?o { 'a' \"\"\"b\"\"\" } }"),
    # Another datatype, a prefix naming another namespace, a string in a comment or a
    # string, a type on the next line (the lines stay the user's): as written.
    ('PREFIX x: <urn:x#> SELECT * { ?s ?p "a"^^x:string, "1"^^<http://www.w3.org/2001/'
     'XMLSchema#integer> } # "a"^^xsd:string', None),
    ('SELECT * { ?s ?p "\\"a\\"^^xsd:string", "b"^^\n<http://www.w3.org/2001/XMLSchema#string> }',
     None),
])
def test_a_string_typed_xsd_string_is_sent_plain_and_nothing_else(query, sent):
    assert untyped(query) == (sent or query)


def test_many_literals_are_read_once():
    # Each literal's prefix was looked up over the whole query: 5,000 of them took 6.7 s.
    query = ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * { VALUES ?x { "
             + '"a"^^xsd:string ' * 5000 + "} }")
    # This thread's CPU, which a loaded machine's clock would stretch past the bound.
    started = time.thread_time()
    assert untyped(query).count('"a"') == 5000
    assert time.thread_time() - started < 2
