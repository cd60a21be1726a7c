"""Content negotiation: a table of Accept headers and the format each must choose."""

import pytest

from alliance_graph.query.refused import Refused
from alliance_graph.query.results import GRAPH_FORMATS, RESULT_FORMATS
from alliance_graph.web.negotiation import (
    DATASET_OFFERS,
    GRAPH_OFFERS,
    RESULT_OFFERS,
    by_parameter,
    choose,
    parse_accept,
    pick_formats,
)

CASES = [
    # (Accept header, offers, expected format name or None for 406)
    (None, RESULT_OFFERS, "json"),
    ("", RESULT_OFFERS, "json"),
    ("*/*", RESULT_OFFERS, "json"),
    ("*/*", GRAPH_OFFERS, "turtle"),
    ("*", GRAPH_OFFERS, "turtle"),
    ("application/sparql-results+xml", RESULT_OFFERS, "xml"),
    ("text/csv", RESULT_OFFERS, "csv"),
    ("text/tab-separated-values", RESULT_OFFERS, "tsv"),
    ("application/json", RESULT_OFFERS, "json"),
    ("text/*", RESULT_OFFERS, "csv"),
    ("application/sparql-results+json;q=0.5, text/csv", RESULT_OFFERS, "csv"),
    ("application/sparql-results+json;q=0.5, text/csv;q=0.4", RESULT_OFFERS, "json"),
    # The most specific range sets a type's q, even when a wildcard weighs more.
    ("text/*;q=1, text/csv;q=0.1, */*;q=0.5", RESULT_OFFERS, "tsv"),
    ("text/csv;q=0", RESULT_OFFERS, None),
    ("text/csv;q=0, */*;q=0.1", RESULT_OFFERS, "json"),
    ("text/html", RESULT_OFFERS, None),
    ("text/html", GRAPH_OFFERS, None),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", GRAPH_OFFERS, "xml"),
    ("application/n-triples", GRAPH_OFFERS, "nt"),
    ("text/plain", GRAPH_OFFERS, "nt"),
    ("application/ld+json", GRAPH_OFFERS, "jsonld"),
    ("application/rdf+xml", GRAPH_OFFERS, "xml"),
    ("application/trig", GRAPH_OFFERS, "trig"),
    ("application/n-quads", GRAPH_OFFERS, "nq"),
    ("TEXT/TURTLE", GRAPH_OFFERS, "turtle"),
    ("text/turtle;charset=utf-8;q=0.2, application/ld+json;q=0.3", GRAPH_OFFERS, "jsonld"),
    ("application/sparql-results+json", GRAPH_OFFERS, None),
    ("text/turtle", RESULT_OFFERS, None),
    ("text/turtle", DATASET_OFFERS, None),
    ("*/*", DATASET_OFFERS, "trig"),
    ("application/n-quads", DATASET_OFFERS, "nq"),
    ("text/csv;q=abc, text/tab-separated-values;q=0.1", RESULT_OFFERS, "tsv"),
    # Nothing but empty elements is no preference, like an empty header (it was a 406).
    (",", GRAPH_OFFERS, "turtle"),
    (" , ;q=0.5 ,", RESULT_OFFERS, "json"),
    # Older or unregistered names that Oxigraph's server answers to (they were 406s here).
    ("text/tsv", RESULT_OFFERS, "tsv"),
    ("application/x-sparql-results+json", RESULT_OFFERS, "json"),
    ("application/x-sparql-results+xml", RESULT_OFFERS, "xml"),
    ("text/json", RESULT_OFFERS, "json"),
    ("text/json", GRAPH_OFFERS, "jsonld"),
    ("application/n3", GRAPH_OFFERS, "turtle"),
    ("application/turtle", GRAPH_OFFERS, "turtle"),
    ("text/tsv", GRAPH_OFFERS, None),
    # Each of a format's names is weighed on its own, the format taking the best: the alias
    # listed first set the format's q (XML, N-Triples, JSON-LD, Turtle were chosen here).
    ("application/json;q=0.2, application/sparql-results+xml;q=0.5, "
     "application/sparql-results+json", RESULT_OFFERS, "json"),
    ("application/json;q=0, */*", RESULT_OFFERS, "json"),
    ("text/plain;q=0.1, text/turtle;q=0.5, application/n-triples", GRAPH_OFFERS, "nt"),
    ("application/json;q=0.1, text/turtle;q=0.5, application/ld+json", GRAPH_OFFERS, "jsonld"),
    ("application/xml;q=0.1, application/sparql-results+json;q=0.5, "
     "application/sparql-results+xml", RESULT_OFFERS, "xml"),
    # An alias's own weight still counts when it is the better name.
    ("application/json, application/sparql-results+json;q=0.1, text/csv;q=0.5", RESULT_OFFERS,
     "json"),
    # A comma in a quoted parameter value is no list separator: JSON-LD's q went to a range
    # 'b"', and JSON-LD was chosen at q=1 over the Turtle the client preferred.
    ('application/ld+json;profile="http://e/a, http://e/b";q=0.1, text/turtle;q=0.5',
     GRAPH_OFFERS, "turtle"),
    ('text/csv;x="a,b";q=0.2, application/sparql-results+xml;q=0.3', RESULT_OFFERS, "xml"),
    # A weight sent quoted is the number it quotes (it was read as 0: N-Triples refused).
    ('application/n-triples;q="0.5", text/turtle;q=0.4', GRAPH_OFFERS, "nt"),
]


@pytest.mark.parametrize("accept, offers, expected", CASES)
def test_choose(accept, offers, expected):
    assert choose(accept, offers) == expected


def test_parse_accept_clamps_weights():
    assert parse_accept("text/csv;q=7, text/tsv;q=-1") == [("text/csv", 1.0), ("text/tsv", 0.0)]


# A weight Python's float() reads but no qvalue is (nan, inf, an exponent, an underscore) is
# unreadable, so 0 as "q=abc" is: "nan" was a weight every comparison took as false, so the
# JSON that application/json;q=0.5 accepts was refused (406) after a nan for its own name,
# and "inf" or "1e400" outranked the client's q=0.9.
@pytest.mark.parametrize("accept, expected", [
    ("application/sparql-results+json;q=nan, application/json;q=0.5", "json"),
    ("application/json;q=0.5, application/sparql-results+json;q=NaN", "json"),
    ("application/sparql-results+json;q=abc, application/json;q=0.5", "json"),
    ("text/csv;q=inf, application/json;q=0.9", "json"),
    ("text/csv;q=1e400, application/json;q=0.9", "json"),
    ("text/csv;q=1_0, application/json;q=0.9", "json"),
    ("text/csv;q=-inf, application/json;q=0.9", "json"),
    ("text/csv;q=nan", None),
    ("text/csv;q=1.000, application/json;q=0.9", "csv"),
    ("text/csv;q=.95, application/json;q=0.9", "csv"),
    ("text/csv;q= 1. , application/json;q=0.9", "csv"),
])
def test_a_weight_no_qvalue_spells_is_unreadable(accept, expected):
    assert choose(accept, RESULT_OFFERS) == expected


def test_parse_accept_reads_quoted_strings_whole():
    assert parse_accept('a/b;p="x\\"y,z;w";q=0.2, c/d;q="0.3"') == [("a/b", 0.2), ("c/d", 0.3)]


@pytest.mark.parametrize("value, offers, expected", [
    ("json", RESULT_OFFERS, "json"),
    ("text/csv", RESULT_OFFERS, "csv"),
    ("ttl", GRAPH_OFFERS, "turtle"),
    ("N-Triples", GRAPH_OFFERS, "nt"),
    ("json-ld", GRAPH_OFFERS, "jsonld"),
    ("xml", GRAPH_OFFERS, "xml"),
    ("turtle", RESULT_OFFERS, None),
    ("yaml", GRAPH_OFFERS, None),
    # What SPARQLWrapper sends for its N3, RDFXML and JSON return formats, in any case.
    ("n3", GRAPH_OFFERS, "turtle"),
    ("rdf+xml", GRAPH_OFFERS, "xml"),
    ("JSON", GRAPH_OFFERS, "jsonld"),
    ("JSON", RESULT_OFFERS, "json"),
    ("n3", RESULT_OFFERS, None),
    # RDF/XML's names never stand for SPARQL's results XML (rdf+xml gave it, its media type
    # a 406).
    ("rdf+xml", RESULT_OFFERS, None),
    ("rdf", RESULT_OFFERS, None),
    ("application/rdf+xml", RESULT_OFFERS, None),
    # A "+" written into a URL unescaped arrives as a space (they were 406s).
    ("application/sparql-results json", RESULT_OFFERS, "json"),
    ("application/rdf xml", GRAPH_OFFERS, "xml"),
    ("rdf xml", GRAPH_OFFERS, "xml"),
    ("application/ld json", GRAPH_OFFERS, "jsonld"),
])
def test_format_parameter(value, offers, expected):
    assert by_parameter(value, offers) == expected


@pytest.mark.parametrize("accept, requested, offers, expected", [
    # Formats that carry every answer end the list: nothing after them is ever needed.
    ("text/turtle, application/rdf+xml", None, GRAPH_OFFERS, ["turtle"]),
    ("application/rdf+xml, text/turtle;q=0.5", None, GRAPH_OFFERS, ["xml", "turtle"]),
    ("application/rdf+xml, application/ld+json;q=0.9, */*;q=0.1", None, GRAPH_OFFERS,
     ["xml", "jsonld", "turtle"]),
    ("application/rdf+xml", None, GRAPH_OFFERS, ["xml"]),
    ("text/html,application/xml;q=0.9,*/*;q=0.8", None, RESULT_OFFERS, ["xml", "json"]),
    ("application/rdf+xml, text/turtle;q=0", None, GRAPH_OFFERS, ["xml"]),  # q=0: not accepted
    # A format parameter names the one format: nothing else is tried.
    ("text/turtle", "xml", GRAPH_OFFERS, ["xml"]),
    # Sent twice, the first value this server knows (SPARQLWrapper's pair for RDF/XML).
    ("application/rdf+xml", ["rdf+xml", "application/rdf+xml"], GRAPH_OFFERS, ["xml"]),
    ("text/turtle", ["bogus", "text/turtle"], GRAPH_OFFERS, ["turtle"]),
    ("text/turtle", ["", "nt"], GRAPH_OFFERS, ["nt"]),
    ("text/turtle", [""], GRAPH_OFFERS, ["turtle"]),  # a blank format leaves it to Accept
])
def test_the_formats_to_try_are_the_accepted_ones_up_to_one_that_carries_all(
        accept, requested, offers, expected):
    table = GRAPH_FORMATS if offers is GRAPH_OFFERS else RESULT_FORMATS
    assert [f.name for f in pick_formats(requested, offers, table, accept)] == expected


def test_a_format_parameter_naming_nothing_here_is_406_naming_what_was_sent():
    with pytest.raises(Refused) as refused:
        pick_formats(["yaml", "toml"], GRAPH_OFFERS, GRAPH_FORMATS, "text/turtle")
    assert refused.value.status == 406 and "'yaml' / 'toml'" in str(refused.value)


def test_no_format_to_try_is_406():
    with pytest.raises(Refused) as refused:
        pick_formats(None, RESULT_OFFERS, RESULT_FORMATS, "image/png")
    assert refused.value.status == 406


def test_a_long_accept_header_is_ranked_without_being_kept():
    # Any client may send an Accept of 60 KB: 512 of them, each kept by the ranking's cache,
    # held 36 MB of the front's memory for good.  A browser's few hundred characters are kept.
    from alliance_graph.web import negotiation
    offers = [("json", ["application/sparql-results+json"]), ("xml", ["application/xml"])]
    long = "text/x-never, " * 4000 + "application/xml;q=0.5"
    asked = negotiation._ranked.cache_info().misses
    assert negotiation.acceptable(long, offers) == ["xml"]
    assert choose(long + ", */*;q=0.1", offers) == "xml"
    assert negotiation._ranked.cache_info().misses == asked  # never looked up, never kept
    assert choose("application/xml, text/x-kept-by-this-test;q=0.1", offers) == "xml"
    assert negotiation._ranked.cache_info().misses == asked + 1


def test_a_406_for_an_unreadable_weight_says_the_weight_is_why(endpoint):
    # Accept: text/turtle;q=abc was a 406 saying none of the formats can be produced, Turtle
    # among them: its weight, unreadable, is read as 0 (so that it never wins over readable
    # ones), and that is what the client needs to hear.
    from urllib.parse import quote

    from helpers import fetch
    url = endpoint + "/sparql?query=" + quote("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1")
    status, _, body = fetch(url, headers={"Accept": "text/turtle;q=abc"})
    assert status == 406 and body.decode().startswith(
        "the Accept header's weight in text/turtle;q=abc is no qvalue (a qvalue is 0 or 1, or "
        "a decimal between them of at most three digits after the point, as q=0.5: RFC 9110, "
        "12.4.2; no exponent as in 1e0, no sign, never empty), so it is read as 0, not "
        "acceptable"), body
    # A q with no "=" was quoted "q=", not as sent; q=1e0 was called no number, which it is.
    for sent in ("text/turtle;q", "Text/Turtle ; q=1e0"):
        status, _, body = fetch(url, headers={"Accept": sent})
        assert status == 406 and body.decode().startswith(
            f"the Accept header's weight in {sent} is no qvalue (a qvalue is 0 or 1"), body
    assert fetch(url, headers={"Accept": "text/turtle;q=0.5"})[0] == 200
    # Its bytes as typed, UTF-8: 'q=ä' was quoted 'q=Ã¤' (the header read as latin-1).
    for sent, shown in ((b"text/turtle;q=\xc3\xa4", "q=ä is"), (b"text/turtle;q=\xe4", "q=\\xe4 is")):
        status, _, body = fetch(url, headers={"Accept": sent})
        assert status == 406 and shown in body.decode(), body
    # A weight of a range naming nothing here is not what stopped it.
    status, _, body = fetch(url, headers={"Accept": "image/png;q=abc"})
    assert status == 406 and body.startswith(b"none of the formats in the Accept header")
