"""Tests for keywords.py: words read as the keywords the engine reads glued in them."""

from __future__ import annotations

import random
import re
import time

import pytest

from alliance_graph.keywords import (
    KEYWORDS,
    declared,
    keyword_run,
    past,
    reads_filter,
    split_glued,
    terms_in,
)
from alliance_graph.sparql import Token, tokenize

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


def read_every_length(word):
    """keyword_run as it was written first: each keyword's length tried at each offset (and a
    number, as the engine reads one in a word: digits, then maybe E and digits)."""
    came_from, todo, furthest = {0: 0}, [0], 0
    lengths = sorted({len(k) for k in KEYWORDS})
    while todo:
        at = todo.pop()
        number = re.match(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:E-?[0-9]+)?", word[at:])
        for length in lengths + ([number.end()] if number else []):
            end = at + length
            if end <= len(word) and end not in came_from and (
                    word[at:end] in KEYWORDS or number and length == number.end()):
                came_from[end] = at
                todo.append(end)
                furthest = max(furthest, end)
    chain = []
    while furthest:
        chain.append((word[came_from[furthest]:furthest], came_from[furthest]))
        furthest = came_from[furthest]
    return chain[::-1]


def test_a_run_of_keywords_is_read_as_trying_every_keyword_at_every_offset_reads_it():
    # keyword_run finds the keywords at an offset by one match of the longest; the runs it
    # reads are the same, down to which keywords reach an offset two ways (INTO, IN TO).
    rng = random.Random(12)
    words = sorted(KEYWORDS)
    pieces = words + [w[:i] for w in words for i in range(1, len(w))] + list("XYZ_.-0ß") + [
        "12", "1E3", "E", "-1", ".5", "-", "1.5E-3"]
    for _ in range(4_000):
        word = "".join(rng.choice(pieces if rng.random() < 0.5 else words)
                       for _ in range(rng.randint(0, 12)))
        assert keyword_run(word) == read_every_length(word), word
    assert keyword_run("INTOINTO") == [("INTO", 0), ("INTO", 4)]
    assert keyword_run("ASCOUNTX") == [("AS", 0), ("COUNT", 2)]
    assert keyword_run("LIMIT5") == [("LIMIT", 0), ("5", 5)]
    assert keyword_run("TRUE1E3FALSE") == [("TRUE", 0), ("1E3", 4), ("FALSE", 7)]


def test_a_long_word_of_keywords_is_read_in_linear_time():
    # Copying the run so far at each keyword took minutes for 100 kB of 'ASAS...'; read a
    # keyword at a time, the three words take about 0.2 s of CPU. How fast is the benchmark's
    # to say (bench/query_bounds.py speed): a bound of 0.25 s here failed on a slow machine.
    started = time.thread_time()
    for word, keywords in (("A" * 99_000, 99_000), ("ASK" * 33_000, 33_000),
                           ("DATATYPE" * 12_000, 12_000), ("AS" * 50_000, 50_000)):
        assert len(keyword_run(word)) == keywords
    assert time.thread_time() - started < 5, "a bound against a hang, not a speed claim"


def test_past_names_the_word_whose_keywords_pass_the_count():
    tokens = tokenize("SELECT * { ?s ?p truetruetrue }")
    assert past(tokens, 9, ["ag"]) is None  # seven tokens, the word three of them: nine
    assert past(tokens, 8, ["ag"]).text == "truetruetrue"
    assert past(tokenize("ASK { ?s ag:p ag:o }"), 6, ["ag"]) is None
    assert past(tokenize("ASK { ?s ag:p ag:o }"), 7, []).text == "ag:o"  # a g:p, a g:o


def test_the_prefixes_known_to_a_query_are_read_on_its_tokens():
    # One function for the checks, the SERVICE stand-in and a remote store's prologue, each of
    # which read them once on its own (only the last asked for a prefix after PREFIX).
    tokens = tokenize('PREFIX ex: <urn:x#> prefix : <urn:y#> # PREFIX no: <urn:z>\n'
                      'SELECT ("PREFIX str: <urn:s>" AS ?x) { PREFIX <urn:w> }')
    assert declared(tokens, ["ag"]) == {"ex", "", "ag"}


@pytest.mark.parametrize("prefix,reads", [
    ("FILTERX", True), ("TRUEFILTERX", True), ("ATRUEFILTERXSD", True), ("AFALSEFILTER", True),
    ("TRUE.FILTERX", True), ("A.TRUE.AFILTERX", True), ("TRUE1FILTERX", True),
    ("MYFILTER", False), ("S.FILTERX", False), ("TRUEX.FILTERY", False), ("FILTRE", False),
])
def test_the_engine_may_read_filter_where_a_run_of_keywords_reaches_it(prefix, reads):
    # FILTER was looked for first or after TRUE or FALSE only: "atruefilterxsd:b(" is "a true
    # FILTER xsd:b(" to the engine, and was read as a name and a collection.
    assert reads_filter(prefix) is reads
