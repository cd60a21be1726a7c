"""Tests for keywords.py: words read as the keywords the engine reads glued in them."""

from __future__ import annotations

import pytest

from alliance_graph.keywords import KEYWORDS, split_glued, terms_in
from alliance_graph.sparql import Token

ELEMENTS = frozenset(("OPTIONAL", "FILTER", "GRAPH", "SERVICE"))


def pieces(text: str, wanted=ELEMENTS):
    split = split_glued(Token("PNAME_LN" if ":" in text else "NAME", text, 10), wanted)
    return None if split is None else [(t.kind, t.text, t.start) for t in split]


@pytest.mark.parametrize("text,expected", [
    ("trueOPTIONAL", [("NAME", "true", 10), ("NAME", "OPTIONAL", 14)]),
    # Case as written, offsets in the query: what a refusal points at.
    ("falseFilterNOW", [("NAME", "false", 10), ("NAME", "Filter", 15), ("NAME", "NOW", 21)]),
    ("trueOPTIONALxyz", [("NAME", "true", 10), ("NAME", "OPTIONAL", 14),
                         ("NAME", "xyz", 22)]),
    ("trueGRAPHex:g", [("NAME", "true", 10), ("NAME", "GRAPH", 14),
                       ("PNAME_LN", "ex:g", 19)]),
    ("false.serviceex:", [("NAME", "false", 10), (".", ".", 15), ("NAME", "service", 16),
                          ("PNAME_NS", "ex:", 23)]),
])
def test_a_word_of_glued_keywords_is_read_as_the_keywords(text, expected):
    assert pieces(text) == expected


@pytest.mark.parametrize("text", [
    "OPTIONAL",  # a keyword as written
    "truefalse",  # keywords, none of them wanted
    "xOPTIONAL",  # the engine reads no keyword at its start
    "ex:optional",
])
def test_a_word_without_a_wanted_keyword_at_its_start_stays_whole(text):
    assert pieces(text) is None


def test_every_keyword_is_upper_case_and_one_word():
    assert all(k == k.upper() and k.replace("_", "").isalnum() for k in KEYWORDS)
    assert {"SELECT", "OPTIONAL", "SERVICE", "STR", "GROUP_CONCAT"} <= KEYWORDS


@pytest.mark.parametrize("text,terms", [
    ("true", 1), ("truefalse", 2), ("TrueFalseTrue", 3), ("xyz", 1),
    ("truetrue:a", 3), ("truetrue:", 3), ("ex:a", 1), (":a", 1), ("a.b:c", 2),
    ("ag:a", 1),  # declared: a name, though it begins with the keyword a
])
def test_a_word_or_an_undeclared_prefix_is_as_many_terms_as_its_keywords(text, terms):
    assert terms_in(text, {"ag"}) == terms


@pytest.mark.parametrize("text, prefixes, found", [
    ("SELECT * { ?s wd:P31 ?o }", ["ag"], "wd:P31"),
    ("SELECT * { ?s :p ?o }", ["ag"], ":p"),
    ("PREFIX x: <http://x/> SELECT * { ?s x:p y: }", [], "y:"),
    ("SELECT * { ?s agx:p ?o }", ["ag"], "agx:p"),  # A is a keyword: 'gx:' is no prefix
    ("SELECT * { ?s graph:p ?o }", ["graph"], None),  # declared, though GRAPH is a keyword
    ("PREFIX x: <http://x/> SELECT * { ?s x:p ?o }", [], None),
    ('SELECT * { ?s ?p "wd:P31" }', [], None),
    # Keywords glued to a declared prefix: FILTER :(1) to the engine.
    ("PREFIX : <http://e/> SELECT * { ?s ?p ?o FILTER:(1) }", [], None)])
def test_the_first_prefix_declared_nowhere_is_found(text, prefixes, found):
    from alliance_graph.keywords import undeclared
    from alliance_graph.sparql import tokenize
    token = undeclared(tokenize(text), prefixes)
    assert (token and token.text) == found
