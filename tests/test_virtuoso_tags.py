"""A language tag written in a query, sent to Virtuoso in lower case (store/virtuoso_tags.py),
as Oxigraph reads it; over the session's real Virtuoso, answered as the memory store answers."""

from __future__ import annotations

import pytest

from alliance_graph.query import results as queries
from alliance_graph.store.virtuoso_tags import lowered
from conftest import loaded_remote


@pytest.mark.parametrize("query, sent", [
    ('SELECT (LANG("a"@EN-us) AS ?l) { ?s ?p "x"@De }', 'SELECT (LANG("a"@en-us) AS ?l) { ?s ?p "x"@de }'),
    # What only looks like a tag is left: in a string, an IRI, a comment.
    ('SELECT ("a@EN" AS ?x) { <urn:a@B> ?p ?o } # "x"@EN', None),
    ('ASK { ?s ?p """a\n"""@EN-GB }', 'ASK { ?s ?p """a\n"""@en-gb }'),
])
def test_each_tag_is_lowered_and_nothing_else(query, sent):
    assert lowered(query) == (sent or query)
    assert len(lowered(query)) == len(query)  # a place in the store's message stays the user's


@pytest.mark.server
@pytest.mark.parametrize("query", [
    'SELECT (LANG("a"@EN-us) AS ?l) {}',  # Virtuoso: "EN-us"
    'SELECT (COUNT(*) AS ?n) { FILTER(sameTerm("a"@en, "a"@EN)) }',  # 0
    'SELECT (COUNT(*) AS ?n) { BIND("a"@En AS ?x) FILTER(LANG(?x) = "en") }',  # 0
])
def test_a_tag_written_in_another_case_is_answered_over_virtuoso_as_oxigraph_does(
        request, settings, kg, query):
    virtuoso = loaded_remote(request, settings, "virtuoso")
    assert [list(r) for r in queries.run(virtuoso, query)] == \
        [list(r) for r in queries.run(kg, query)]
