"""A language tag written in a query, sent to Virtuoso in lower case (store/virtuoso_tags.py),
as Oxigraph reads it; over the session's real Virtuoso, answered as the memory store answers,
in tests/test_remote.py (whose Virtuoso is loaded already)."""

from __future__ import annotations

import pytest

from alliance_graph.store.virtuoso_tags import lowered


@pytest.mark.parametrize("query, sent", [
    ('SELECT (LANG("a"@EN-us) AS ?l) { ?s ?p "x"@De }', 'SELECT (LANG("a"@en-us) AS ?l) { ?s ?p "x"@de }'),
    # What only looks like a tag is left: in a string, an IRI, a comment.
    ('SELECT ("a@EN" AS ?x) { <urn:a@B> ?p ?o } # "x"@EN', None),
    ('ASK { ?s ?p """a\n"""@EN-GB }', 'ASK { ?s ?p """a\n"""@en-gb }'),
])
def test_each_tag_is_lowered_and_nothing_else(query, sent):
    assert lowered(query) == (sent or query)
    assert len(lowered(query)) == len(query)  # a place in the store's message stays the user's
