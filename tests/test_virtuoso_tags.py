"""A language tag written in a query, sent to Virtuoso in lower case (store/virtuoso_tags.py),
as Oxigraph reads it; over the session's real Virtuoso, answered as the memory store answers,
in tests/test_remote.py (whose Virtuoso is loaded already)."""

from __future__ import annotations

import pytest

from alliance_graph.store.virtuoso_tags import lowered, strlang_cased


@pytest.mark.parametrize("query, sent", [
    ('SELECT (LANG("a"@EN-us) AS ?l) { ?s ?p "x"@De }', 'SELECT (LANG("a"@en-us) AS ?l) { ?s ?p "x"@de }'),
    # What only looks like a tag is left: in a string, an IRI, a comment.
    ('SELECT ("a@EN" AS ?x) { <urn:a@B> ?p ?o } # "x"@EN', None),
    ('ASK { ?s ?p """a\n"""@EN-GB }', 'ASK { ?s ?p """a\n"""@en-gb }'),
])
def test_each_tag_is_lowered_and_nothing_else(query, sent):
    assert lowered(query) == (sent or query)
    assert len(lowered(query)) == len(query)  # a place in the store's message stays the user's


CASED = 'CONCAT(LCASE(SUBSTR({}, 1, 3)), UCASE(SUBSTR({}, 4)))'


@pytest.mark.parametrize("query, sent", [
    ('SELECT (STRLANG(?s, "en-us") AS ?x) {}',
     'SELECT (STRLANG(?s, ' + CASED.format('"en-us"', '"en-us"') + ') AS ?x) {}'),
    # A call within the text's argument; the tag's expression written again on one line.
    ("SELECT (strlang(STRLANG(?s, ?t), LANG( ?l )) AS ?x) {}",
     "SELECT (strlang(STRLANG(?s, " + CASED.format("?t", "?t") + "), "
     + CASED.format("LANG( ?l )", "LANG( ?l )") + ") AS ?x) {}"),
    ('SELECT (STRLANG("a", IF(?b, "en", # a note\n"fr")) AS ?x) {}', None),  # a line break
    ('SELECT (STRLANG("a", STRLANG("b", "c")) AS ?x) {}',  # the inner call alone
     'SELECT (STRLANG("a", STRLANG("b", ' + CASED.format('"c"', '"c"') + ')) AS ?x) {}'),
    ('SELECT ("STRLANG(a, b)" AS ?x) {} # STRLANG(?s, ?t)', None),  # no call
])
def test_strlang_s_tag_is_sent_in_the_case_virtuoso_takes(query, sent):
    assert strlang_cased(query) == (sent or query)
