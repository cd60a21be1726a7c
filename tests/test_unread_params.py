"""A /sparql request with no query but a parameter the endpoint does not read (web/unread_params.py),
over HTTP to a real server process."""

from __future__ import annotations

import urllib.parse

import pytest

from alliance_graph.web.unread_params import unread
from helpers import fetch

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_misspelt_query_parameter_is_a_400_naming_it_not_the_service_description(endpoint,
                                                                                    method):
    # It was the service description, 200 in Turtle, which a script failed to parse as results.
    url = f"{endpoint}/sparql?{urllib.parse.urlencode({'qeury': 'SELECT * WHERE {}'})}"
    status, headers, body = fetch(url, method=method)
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    if method == "GET":
        assert body == (b"the request carries no query; it sends a parameter /sparql does not "
                        b"read: 'qeury' (did you mean query?); send the query in query=, or no "
                        b"parameter for the service description\n")


def test_each_parameter_not_read_is_named_with_the_one_it_meant(endpoint):
    status, _, body = fetch(f"{endpoint}/sparql?Query=ASK%7B%7D&formt=csv&cachebuster=1")
    assert status == 400
    assert ("'Query' (did you mean query?), 'formt' (did you mean format?), 'cachebuster'; "
            in body.decode())


def test_a_misspelt_parameter_beside_a_known_one_is_refused_too(endpoint):
    # default-graph-uri without a query is nothing the description reads either.
    status, _, body = fetch(f"{endpoint}/sparql?default-graph-uri=x&qeury=ASK%7B%7D")
    assert status == 400 and b"'qeury' (did you mean query?)" in body


@pytest.mark.parametrize("query", ["", "?format=ttl", "?output=xml", "?default-graph-uri=x"])
def test_a_get_of_no_parameter_or_of_known_ones_is_the_service_description(endpoint, query):
    status, headers, _ = fetch(f"{endpoint}/sparql{query}")
    assert status == 200 and "text/plain" not in headers["Content-Type"]


def test_a_parameter_not_read_beside_a_query_is_ignored(endpoint):
    # As Oxigraph's server ignores it: YASGUI and others send their own.
    status, _, body = fetch(f"{endpoint}/sparql?query=ASK%7B%7D&_=1712345678&qeury=x",
                            headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and b'"boolean"' in body


def test_a_form_without_a_query_names_its_field_not_read(endpoint):
    # It was "the request carries no query" alone.
    status, _, body = fetch(f"{endpoint}/sparql", data=b"qeury=ASK%7B%7D", headers=FORM)
    assert (status, body) == (400, b"the request carries no query; it sends a form field "
                                   b"/sparql does not read: 'qeury' (did you mean query?)\n")
    status, _, body = fetch(f"{endpoint}/sparql", data=b"format=csv", headers=FORM)
    assert (status, body) == (400, b"the request carries no query\n")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_empty_query_beside_a_misspelt_one_names_it(endpoint, method):
    # A form's blank query= beside the misspelt field the text went in: it was told of the
    # empty query alone.
    fields = urllib.parse.urlencode({"query": " ", "qeury": "ASK {}"})
    if method == "GET":
        status, _, body = fetch(f"{endpoint}/sparql?{fields}")
    else:
        status, _, body = fetch(f"{endpoint}/sparql", data=fields.encode(), headers=FORM)
    where = "parameter" if method == "GET" else "form field"
    assert (status, body.decode()) == (
        400, "the query parameter is empty: send a SPARQL query in it, or no query parameter at "
             f"all for the service description; it sends a {where} /sparql does not read: "
             "'qeury' (did you mean query?)\n")
    status, _, body = fetch(f"{endpoint}/sparql?query=&_=1712345678")  # passed over still
    assert status == 400 and body.endswith(b"for the service description\n"), body


def test_many_parameters_not_read_are_named_a_few_and_counted():
    said = unread({f"p{i}": ["1"] for i in range(12)} | {"query": ["ASK {}"]})
    assert said == "'p0', 'p1', 'p2', 'p3', 'p4' and 7 more"
    assert unread({"format": ["csv"], "inferred": ["true"]}) == ""
    assert unread({"x" * 500: [""]}).endswith("(500 characters)")


def test_the_names_a_client_sends_are_not_kept_after_its_answer():
    # One index served every request and kept each name it was asked of (spelling.Names
    # caches its answers): 400 forms of five 99,000-character field names grew the server
    # by 210 MB, never given back, and its budget of comparisons, once spent, left every
    # later request without its "did you mean".
    import tracemalloc
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(40):
            unread({f"{k}{i:03d}{'x' * 99_000}": ["1"] for k in "abcde"})
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1_000_000, f"{kept:,} bytes kept"
    assert unread({"qeury": ["x"]}) == "'qeury' (did you mean query?)"


def test_a_posts_url_parameter_not_read_is_said_to_be_in_the_url_not_a_form_field(endpoint):
    # An application/sparql-query POST with an empty body and a cache breaker on its URL was
    # told of a "form field /sparql does not read: '_'", of a request that sent no form.
    status, _, body = fetch(f"{endpoint}/sparql?x=1", data=b"",
                            headers={"Content-Type": "application/sparql-query"})
    assert (status, body) == (400, b"the request carries no query; it sends a parameter "
                                   b"/sparql does not read: 'x' (in the URL)\n")
    status, _, body = fetch(f"{endpoint}/sparql?qeury=1", data=b"format=csv&x=1", headers=FORM)
    assert (status, body) == (400, b"the request carries no query; it sends a form field "
                                   b"/sparql does not read: 'x', 'qeury' (did you mean "
                                   b"query?) (in the URL)\n")


def test_a_cache_breaker_alone_still_gets_the_service_description(endpoint):
    # jQuery's cache: false adds _=<time> to a GET; refused, a page's fetch of the service
    # description that way became a 400.  Beside a misspelt name it is not named either.
    status, headers, body = fetch(f"{endpoint}/sparql?_=1712345678")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"sd:Service" in body or b"Service" in body
    status, _, body = fetch(f"{endpoint}/sparql?_=1712345678&qeury=x")
    assert status == 400 and b"'_'" not in body and b"'qeury' (did you mean query?)" in body


def test_bom_is_read_and_named_where_misspelt():
    # /sparql reads bom (web/answer_mark.py): not a parameter it does not read, and the one
    # meant by BOM or boms.
    assert unread({"bom": ["true"]}) == ""
    assert unread({"BOM": ["1"], "boms": ["1"]}) == ("'BOM' (did you mean bom?), 'boms' (did you "
                                                      "mean bom?)")
