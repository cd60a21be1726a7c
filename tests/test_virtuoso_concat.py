"""A GROUP_CONCAT without a SEPARATOR, given SPARQL's default before Virtuoso reads it
(store/virtuoso_concat.py); against a real Virtuoso in test_remote.py."""

import pytest

from alliance_graph.store.virtuoso_concat import separated


@pytest.mark.parametrize("query, sent", [
    ("SELECT (GROUP_CONCAT(?x) AS ?c) {}", 'SELECT (GROUP_CONCAT(?x; SEPARATOR=" ") AS ?c) {}'),
    ("SELECT (group_concat(DISTINCT STR(?x)) AS ?c) {}",
     'SELECT (group_concat(DISTINCT STR(?x); SEPARATOR=" ") AS ?c) {}'),
    # A separator of its own is kept; a ";" in a string or deeper in brackets is none.
    ('SELECT (GROUP_CONCAT(?x; SEPARATOR=",") AS ?c) {}',
     'SELECT (GROUP_CONCAT(?x; SEPARATOR=",") AS ?c) {}'),
    ('SELECT (GROUP_CONCAT(CONCAT(?a, ";", STR(?b))) AS ?c) {}',
     'SELECT (GROUP_CONCAT(CONCAT(?a, ";", STR(?b)); SEPARATOR=" ") AS ?c) {}'),
    ("SELECT (GROUP_CONCAT(?x) AS ?c) (GROUP_CONCAT(?y)AS ?d) {}",
     'SELECT (GROUP_CONCAT(?x; SEPARATOR=" ") AS ?c) (GROUP_CONCAT(?y; SEPARATOR=" ")AS ?d) {}'),
    # Not the aggregate: a name, a string, a comment.
    ("SELECT ?x { ?x ex:GROUP_CONCAT ?y }", "SELECT ?x { ?x ex:GROUP_CONCAT ?y }"),
    ('SELECT ("GROUP_CONCAT(?x)" AS ?x) {} # GROUP_CONCAT(?y)',
     'SELECT ("GROUP_CONCAT(?x)" AS ?x) {} # GROUP_CONCAT(?y)'),
])
def test_a_group_concat_is_sent_with_a_separator(query, sent):
    assert separated(query) == sent
