"""Keywords glued together written apart for Virtuoso (store/virtuoso_words.py); over a real
Virtuoso, answered as the memory store answers, in tests/test_remote.py."""

import pytest

from alliance_graph.store.virtuoso_words import parted


@pytest.mark.parametrize("query, sent", [
    ("SELECTDISTINCT ?c {} ORDERBY ?c OFFSET2 LIMIT3",
     "SELECT DISTINCT ?c {} ORDER BY ?c OFFSET 2 LIMIT 3"),
    ("askWhere{}", "ask Where{}"),
    # What is no run of keywords alone stays: a variable, a prefixed name, a string, a word
    # the engine reads only in part, a keyword.
    ('SELECT ?selectdistinct { ?s ex:askwhere "ORDERBY" } # LIMIT3', None),
    ("SELECT * { ?s a ?o } LIMIT 3", None),
    ("SELECTx * {}", None),
])
def test_each_word_of_keywords_is_written_apart_and_nothing_else(query, sent):
    assert parted(query) == (sent or query)
