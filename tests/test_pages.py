"""The pages blueprint through Flask's test client: HTML for browsers, RDF for RDF clients."""

import html as html_text
import json
import os
import re
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from flask import Flask

import servers
from alliance_graph.cli import main
from alliance_graph.namespaces import BASE
from alliance_graph.settings import MOST_SOURCE_BYTES
from alliance_graph.store import graph as store
from alliance_graph.store.graph import KnowledgeGraph
from alliance_graph.store.remote import RemoteStore
from alliance_graph.web.pages import views as pages
from alliance_graph.web.service_description import Examples
from helpers import get_with_host

IRON_DOME = "/id/IronDome"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def make_app(kg, settings):
    # A bare Flask app holding only the blueprint, so these tests do not depend on web.py.
    app = Flask(__name__)
    app.register_blueprint(pages.create_blueprint(lambda: kg, settings))
    return app


@pytest.fixture(scope="module")
def client(pages_kg, pages_settings):
    return make_app(pages_kg, pages_settings).test_client()


def html(client, path, status=200):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status, response.text
    return response.text


def test_entity_page_shows_label_type_definition_facts_and_quotes(client):
    page = html(client, IRON_DOME)
    for text in ["<h1 id=\"label\">Iron Dome</h1>", "missile defense system",
                 "A system that intercepts missiles and rockets.", "co-funded by",
                 "Iron Dome, co-funded by the U.S., first intercepted rockets in 2011.",
                 "Defense News test article", "news article", "reliability B", "preferred",
                 "The news article is better sourced than the blog.", "<svg"]:
        assert text in page


def test_disagreeing_claims_are_side_by_side_and_marked(client):
    page = html(client, IRON_DOME)
    conflict = page[page.index('<div class="conflict">'):]
    conflict = conflict[:conflict.index('</div>\n      </div>')]
    assert "Sources disagree" in conflict
    assert conflict.count('<span class="mark">disputed</span>') == 2
    assert "United States" in conflict and "Atlantis" in conflict


def test_markup_from_the_data_is_escaped_everywhere(client):
    for path in ["/id/Atlantis", IRON_DOME, "/id/source/blog.txt", "/search?q=atlantis",
                 "/id/evidence/blog-atlantis"]:
        page = html(client, path)
        assert "<script>window.pwned" not in page and "<script>alert(1)" not in page
        assert "<b>bold</b>" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;Atlantis" in html(client, "/id/Atlantis")


def test_text_from_the_data_is_isolated_so_an_override_reverses_only_itself(client, pages_kg,
                                                                          pages_settings):
    # Regression: a right-to-left override (U+202E) in a literal reversed the rest of its
    # claim's line on an entity page (its rank, its dates and its link read "mialc raey 1102
    # morf dilav derreferp CBA"). Each text from the data is isolated, by dir="auto".
    from alliance_graph.web.pages.terms import Term
    app = make_app(pages_kg, pages_settings)
    with app.test_request_context():
        macros = app.jinja_env.get_template("_macros.html").module
        literal = str(macros.term(Term("literal", "\u202eABC", "\u202eABC", lang="he")))
        assert literal.startswith('<span class="literal" dir="auto">\u202eABC</span>')
        link = str(macros.term(Term("iri", "https://x.example/a", "\u202eA", "/id/a")))
        assert link == '<a href="/id/a" title="https://x.example/a" dir="auto">\u202eA</a>'
    for path in [IRON_DOME, "/id/source/news.txt", "/search?q=intercepted"]:
        page = html(client, path)
        assert '<q dir="auto">' in page and "<q>" not in page, path
    assert '<a href="/id/IronDome" dir="auto">Iron Dome</a>' in html(client, "/search?q=iron")


def test_a_404_page_links_the_search_for_the_names_words(client):
    # A link mistyped (or to an entity since renamed): the page said to try the search box,
    # and the reader retyped the name. It links the search for its words, which finds it.
    page = html(client, "/id/IronDom", status=404)
    link = re.search(r'<a id="search-name" href="([^"]+)">Search for “<bdi>Iron Dom</bdi>”</a>',
                     page).group(1)
    assert html_text.unescape(link) == "/search?q=Iron+Dom"
    assert '<a href="/id/IronDome" dir="auto">Iron Dome</a>' in html(client, link)
    # A name of no word links no empty search.
    assert 'id="search-name"' not in html(client, "/id/---", status=404)


def test_an_examples_link_opens_the_query_page_with_its_query(client, pages_settings):
    (pages_settings.queries_dir / "one-label.rq").write_text(
        "# One label\n# Iron Dome's label.\nSELECT ?l WHERE { id:IronDome rdfs:label ?l }\n",
        encoding="utf-8")
    Examples.of.cache_clear()  # a follower of its own, which sees the file at once
    try:
        page = html(client, "/?example=one-label")
        assert "SELECT ?l WHERE { id:IronDome rdfs:label ?l }\n</textarea>" in page
        assert '<a href="?example=one-label">One label</a>' in page  # listed without a script
        # A query given beside it wins, as the permalink it is.
        assert "ASK {}</textarea>" in html(client, "/?example=one-label&query=ASK+%7B%7D")
        response = client.get("/?example=nope", headers={"Accept": "text/html"})
        assert response.status_code == 404 and said(response) == \
            "no example query is named 'nope'"
    finally:
        (pages_settings.queries_dir / "one-label.rq").unlink()
        Examples.of.cache_clear()  # the next test's follower has not seen it


@pytest.mark.parametrize("path, meant", [
    ("/id/irondome", "id:IronDome"), ("/id/IronDome/", "id:IronDome"),
    ("/ontology/sourcedocument", "ag:SourceDocument"),
    # a '#' percent-encoded: the name before it was not offered
    ("/id/IronDome%23overview-section", "id:IronDome"), ("/id/IronDom%23frag", "id:IronDome")])
def test_a_404_names_the_name_likely_meant(client, path, meant):
    # /id/irondome linked the search for "irondome", which finds nothing (no label holds it),
    # and /id/IronDome/ was told only that the graph says nothing about it.
    page = html(client, path, status=404)
    href = "/" + meant.replace("id:", "id/").replace("ag:", "ontology/")
    assert f'Did you mean <a id="meant" href="{href}"><bdi>{meant}</bdi></a>?' in page
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and response.text.endswith(
        f"in this graph; did you mean <https://alliance-graph.example{href}>?\n")
    # A name none is close to, or of no namespace the project mints names in, is told so alone.
    for path in ("/id/zzzzqqqxx", "/shapes/IronDome"):
        assert 'id="meant"' not in html(client, path, status=404)


def test_unknown_iri_is_a_404_page(client):
    page = html(client, "/id/Nowhere", status=404)
    assert "https://alliance-graph.example/id/Nowhere" in page
    assert client.get("/ontology/nothing", headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("accept, parse_as", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_rdf_clients_get_the_description_in_their_format(client, accept, parse_as):
    response = client.get(IRON_DOME, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    # The endpoint's Content-Type for the format, charset and all (N-Triples went without).
    text = accept in ("text/turtle", "application/n-triples")
    assert response.headers["Content-Type"] == accept + ("; charset=utf-8" if text else "")
    assert response.headers["Vary"] == "Accept"
    triples = list(ox.parse(response.data, format=parse_as))
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert "https://alliance-graph.example/id/claim/IronDome-coFundedBy-Atlantis" in subjects
    assert any(t.predicate.value == "http://www.w3.org/ns/oa#exact" for t in triples)


def test_browser_accept_header_gets_html_and_format_parameter_overrides(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get(IRON_DOME, headers={"Accept": browser}).mimetype == "text/html"
    assert client.get(IRON_DOME + "?format=turtle", headers={"Accept": browser}).mimetype == "text/turtle"
    assert client.get(IRON_DOME + "?format=pdf").status_code == 400


def test_unproducible_accept_is_406(client):
    response = client.get(IRON_DOME, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_source_page_leads_with_title_kind_grade_hash_and_groups_facts_by_topic(client):
    page = html(client, "/id/source/news.txt")
    head = page[:page.index('<section class="topics">')]
    for text in ["Defense News test article", "news article", "usually reliable", "0" * 64,
                 "12 facts from 2 quotes"]:
        assert text in head
    topics = page[page.index('<section class="topics">'):page.index('<section class="text">')]
    assert '<details class="topic">' in topics and "<summary>facts" in topics
    # The link is named by its fact: the line's subject, itself and its value.
    fact = re.search(r'<li><a href="/id/IronDome" dir="auto" id="(s\d+)">.*?<a class="pred" '
                     r'href="/id/claim/IronDome-coFundedBy-UnitedStates" id="(p\d+)" '
                     r'aria-labelledby="([^"]*)">co-funded by</a> <a href="/id/UnitedStates" '
                     r'dir="auto" id="(o\d+)">', topics, re.S)
    assert fact and fact[3] == f"{fact[1]} {fact[2]} {fact[4]}", topics
    # Without the texts, the page says so instead of showing them.
    assert 'id="no-text"' in page and "not on this server" in page


NEWS = ("Intro. Iron Dome, co-funded by the U.S., first intercepted rockets in 2011. Something "
        "uncited. The MOU was signed on 14 September 2016 and runs from fiscal year 2019.\n")


def test_source_page_highlights_the_cited_spans_of_its_text(pages_kg, pages_settings, tmp_path):
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    client = make_app(pages_kg, pages_settings.with_(sources_dir=tmp_path)).test_client()
    page = html(client, "/id/source/news.txt")
    assert "2 of 4 sentences cited (50%)" in page
    assert "differs from the text on this server" in page   # the fixture's hash is all zeros
    text = page[page.index('<div class="source-text">'):]
    marks = [m.rsplit('<mark class="cited" title="quoted 1 time">', 1)[1]
             for m in text.split("</mark>")[:-1]]
    assert marks == ["Iron Dome, co-funded by the U.S., first intercepted rockets in 2011.",
                     "The MOU was signed on 14 September 2016 and runs from fiscal year 2019."]
    assert 'id="q-1"' in text and 'href="#q-1"' in page


def test_source_page_places_a_quote_whose_offsets_are_no_integers_by_its_text(
        pages_kg, pages_settings, tmp_path):
    # A data file's oa:start "abc" builds (the build runs no shapes): the page was a 500, a
    # ValueError of int() and a traceback in the log.
    from alliance_graph.store.graph import KnowledgeGraph
    oa, integer = "http://www.w3.org/ns/oa#", ox.NamedNode(XSD + "integer")
    held = ox.Store()
    held.bulk_extend(q for g in pages_kg.asserted
                     for q in pages_kg.store.quads_for_pattern(None, None, None, g))
    for q in list(held.quads_for_pattern(None, ox.NamedNode(oa + "hasSource"), None, None)):
        if q.object.value.endswith("/news.txt"):
            position = ox.BlankNode()
            held.extend([ox.Quad(q.subject, ox.NamedNode(oa + "hasSelector"), position, q.graph_name),
                         ox.Quad(position, ox.NamedNode(RDF + "type"),
                                 ox.NamedNode(oa + "TextPositionSelector"), q.graph_name),
                         ox.Quad(position, ox.NamedNode(oa + "start"),
                                 ox.Literal("abc", datatype=integer), q.graph_name),
                         ox.Quad(position, ox.NamedNode(oa + "end"),
                                 ox.Literal("1e3", datatype=integer), q.graph_name)])
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    kg = KnowledgeGraph.from_store(held)
    page = html(make_app(kg, pages_settings.with_(sources_dir=tmp_path)).test_client(),
                "/id/source/news.txt")
    assert "2 of 4 sentences cited (50%)" in page


def test_source_text_holding_markup_stays_text(pages_kg, pages_settings, tmp_path):
    (tmp_path / "blog.txt").write_text("<script>window.pwned=1</script> Atlantis paid for Iron "
                                       "Dome <script>alert(1)</script>", encoding="utf-8")
    client = make_app(pages_kg, pages_settings.with_(sources_dir=tmp_path)).test_client()
    page = html(client, "/id/source/blog.txt")
    assert "<script>" not in page and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert '<mark class="cited" title="quoted 1 time">Atlantis paid for Iron Dome &lt;script&gt;' in page


def test_shipped_source_pages_are_small_and_agree_with_coverage(endpoint, sources_dir):
    report = CliRunner().invoke(main, ["coverage", "--format", "json"]).output
    for entry in json.loads(report):
        with urllib.request.urlopen(f"{endpoint}/id/source/{entry['source']}", timeout=60) as r:
            page = r.read().decode()
        # 003's was 582 KB; the ids naming each fact's link by its fact took it from 186 KB
        # to 215 KB (the words written again hidden, to 296 KB), and facts cited since grow it.
        assert len(page) < 240_000, (entry["source"], len(page))
        assert f"{entry['cited']} of {entry['total']} sentences cited" in page
        assert "matches the text on this server" in page


def test_ontology_pages_show_definition_hierarchy_and_usage(client):
    page = html(client, "/ontology/MissileDefenseSystem")
    assert "A system that intercepts missiles and rockets." in page
    assert 'href="/ontology/System"' in page
    assert "Iron Dome" in page  # an instance
    assert 'href="/ontology/MissileDefenseSystem"' in html(client, "/ontology/System")  # subclass
    assert "Used in 2 claims" in html(client, "/ontology/coFundedBy")
    assert "alliance-graph ontology" in html(client, "/ontology/")


def test_search_answers_json_to_scripts_and_html_to_browsers(client):
    found = client.get("/search?q=iron", headers={"Accept": "application/json"}).get_json()
    assert found[0] == {"iri": "https://alliance-graph.example/id/IronDome", "label": "Iron Dome",
                        "href": "/id/IronDome", "type": "missile defense system",
                        "match": "label", "property": "rdfs:label", "text": "Iron Dome"}
    assert 'href="/id/IronDome"' in html(client, "/search?q=iron")
    # A browser's Accept, and none at all; each answer says it depends on the header.
    browser = client.get("/search?q=iron", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    plain = client.get("/search?q=iron")
    assert browser.mimetype == "text/html" and plain.mimetype == "application/json"
    assert browser.headers["Vary"] == plain.headers["Vary"] == "Accept"


@pytest.mark.parametrize("accept", ["image/png", "application/json;q=0, text/html;q=0",
                                    "text/csv, application/xml"])
def test_search_refuses_an_accept_it_cannot_satisfy_406(client, accept):
    # Regression: JSON was sent whatever the client said it could read, where the entity
    # pages answer 406.
    response = client.get("/search?q=iron", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.text == "this page can be had as application/json, text/html\n"
    assert response.headers["Vary"] == "Accept"


def test_search_page_shows_a_quote_with_its_claim_and_entity(client):
    page = html(client, "/search?q=first+intercepted")
    hit = page[page.index('<li class="hit match-quote">'):]
    assert "<mark>first intercepted</mark>" in hit  # the phrase searched for, one mark
    assert 'href="/id/claim/IronDome-coFundedBy-UnitedStates"' in hit
    assert 'href="/id/IronDome"' in hit and 'href="/id/source/news.txt"' in hit


def test_search_limit_is_bounded_and_checked(client):
    json = {"Accept": "application/json"}
    assert len(client.get("/search?q=e&limit=3", headers=json).get_json()) == 3
    assert len(client.get("/search?q=e&limit=0100", headers=json).get_json()) <= 100
    assert client.get("/search?q=e&limit=lots", headers=json).status_code == 400
    assert "Nothing in a label" in html(client, "/search?q=zzzz-nothing")


@pytest.mark.parametrize("limit", ["0", "000", "-5", "101", "1000", "", "lots", "3.0", " 3",
                                   "\u0663", "1_0", "9" * 5000])
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_search_limit_out_of_range_is_a_400_saying_what_is_allowed(client, limit, accept):
    # Regression: limit=0 (and -5) was taken as 1, a page then listing one hit, and 1000 as
    # 100 without a word; "\u0663" (an Arabic-Indic 3) and "1_0" were read as numbers.
    response = client.get("/search", query_string={"q": "e", "limit": limit},
                          headers={"Accept": accept})
    assert response.status_code == 400, (limit, response.status_code)
    assert said(response) == "limit must be a whole number from 1 to 100"


@pytest.mark.parametrize("page, status", [("1", 200), ("2", 404), ("0", 400), ("x", 400),
                                          ("\u0663", 400), ("9" * 30, 404),
                                          ("9" * 4301, 404), ("0" * 5000, 400)])
def test_a_timeline_page_is_a_whole_number_within_its_pages(client, page, status):
    response = client.get("/timeline", query_string={"page": page})
    assert response.status_code == status
    if status != 200:
        assert response.mimetype == "text/plain" and b"page" in response.data


def said(response) -> str:
    """Return what an error says: its plain text, or the words of the site's error page
    (which must be one, with the site's header and its search box)."""
    if response.mimetype == "text/plain":
        return response.text.rstrip("\n")
    assert response.mimetype == "text/html", response.mimetype
    assert '<form class="search"' in response.text and 'role="alert"' in response.text
    found = re.search(r'<p class="error" role="alert"><bdi>(.*?)</bdi></p>', response.text, re.S)
    return html_text.unescape(found.group(1))


# What a browser sends (Chromium's, for a page it navigates to).
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize("page, status, words, link", [
    ("x", 400, "page must be a whole number from 1", '<a href="/timeline">'),
    ("0", 400, "page must be a whole number from 1", '<a href="/timeline">'),
    ("2", 404, "the timeline has 1 page(s)", '<a href="/timeline">'),
    ("9" * 4301, 404, "the timeline has 1 page(s)", '<a href="/timeline">')])
def test_a_browser_is_told_a_timeline_pages_error_in_a_page_of_the_site(client, page, status,
                                                                       words, link):
    # A bad ?page= was a bare line of plain text in the browser, with no header, no search
    # box and no way back into the site, where an unknown entity is a page of its own.
    response = client.get("/timeline", query_string={"page": page},
                          headers={"Accept": BROWSER})
    assert (response.status_code, response.mimetype) == (status, "text/html")
    assert said(response) == words and link in response.text
    heading = {400: "Bad request", 404: "Not found"}[status]
    assert f"<title>{heading} ({status}) · alliance-graph</title>" in response.text
    assert response.headers["Vary"] == "Accept"
    # Other clients (curl's */*, a script) get the plain text they had.
    for accept in ("*/*", "text/plain", None):
        plain = client.get("/timeline", query_string={"page": page},
                           headers={"Accept": accept} if accept else {})
        assert (plain.status_code, plain.mimetype, plain.text) == (status, "text/plain",
                                                                    words + "\n")


def test_a_store_that_fails_under_a_page_is_its_error_502_in_a_page_of_the_site(pages_settings):
    # A store that is down (nothing listens at its address): the timeline, an entity and a
    # search were plain text to a browser (a 500 where only the blueprint is mounted).
    down = RemoteStore(f"http://127.0.0.1:{servers.free_port()}/query", timeout=5)
    app = make_app(KnowledgeGraph(down, down, []), pages_settings)
    app.logger.disabled = True  # the one line it logs is the app's to keep
    client = app.test_client()
    for path in ("/timeline", IRON_DOME, "/search?q=iron"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert (response.status_code, response.mimetype) == (502, "text/html"), path
        assert said(response).startswith("the store behind this service failed: ") \
            and "cannot reach" in said(response), said(response)
        assert "Traceback" not in response.text
        plain = client.get(path, headers={"Accept": "*/*"})
        assert (plain.status_code, plain.mimetype) == (502, "text/plain")
        assert plain.text.rstrip("\n") == said(response)


# Python reads no more than 4,300 digits as a number: past that, ?page= was a 500.
@pytest.mark.parametrize("page, status", [("9" * 30, 404), ("9" * 4301, 404),
                                          ("0" * 4301 + "1", 200), ("0" * 5000, 400)])
def test_an_entity_rdf_page_of_many_digits_is_past_the_last_not_a_server_error(client, page,
                                                                               status):
    response = client.get(IRON_DOME, query_string={"page": page},
                          headers={"Accept": "text/turtle"})
    assert response.status_code == status, response.data[:200]
    if status == 404:
        assert response.mimetype == "text/plain" and b"has 1 page(s)" in response.data


def test_a_timeline_page_says_which_facts_it_shows_and_links_its_neighbours(client, pages_kg):
    # The fixture's three dated facts, a page of one each: the middle page.
    from flask import render_template

    from alliance_graph.web.pages import timeline
    page = timeline.events(pages_kg, 2, size=1)
    with client.application.test_request_context("/timeline?page=2"):
        text = render_template("timeline.html", page=page, events=page.events)
    assert "Facts 2–2 of 3 (page 2 of 3)." in text
    assert 'rel="prev" href="?page=1"' in text and 'rel="next" href="?page=3"' in text
    assert text.count("2016 MOU") >= 1 and "Iron Dome" not in text.split("<main", 1)[-1]


def test_timeline_lists_dated_facts_with_precision(client):
    page = html(client, "/timeline")
    assert page.index("2011") < page.index("2016-09-14") < page.index("2018-10")
    for precision in ("year", "month", "day"):
        assert f'precise to the {precision}' in page


def test_query_page_offers_the_catalogue_examples(pages_kg, pages_settings, tmp_path):
    (tmp_path / "b-second.rq").write_text("# Second </script> example\n# Asks.\nASK {}\n")
    (tmp_path / "a-first.rq").write_text("# First example\n# Lists.\nSELECT * { ?s ?p ?o }\n")
    app = make_app(pages_kg, pages_settings.with_(queries_dir=tmp_path))
    page = html(app.test_client(), "/")
    assert page.index(">First example</option>") < page.index(">Second &lt;/script&gt; example</option>")
    # The examples travel to the script as JSON that cannot close its <script> element.
    assert "Second </script>" not in page
    assert "<textarea" in page and 'action="/sparql"' in page


@pytest.mark.parametrize("query", ["\nSELECT ?x WHERE {\n  ?x foo:bar ?y }", "\n\nASK {}",
                                   "ASK {}"])
def test_a_permalink_fills_the_editor_with_its_query_whole(client, query):
    # HTML drops a line break right after <textarea>: a permalink to a query starting with
    # one opened it a line short, its errors a line off from the sender's, and running it
    # unchanged added a history entry for another address.
    import html as html_mod
    import urllib.parse
    page = html(client, "/?" + urllib.parse.urlencode({"query": query}))
    held = html_mod.unescape(re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page,
                                       re.S).group(1))
    assert (held[1:] if held.startswith("\n") else held) == query  # as a browser reads it


def test_query_page_offers_only_examples_within_the_endpoints_bounds(pages_kg, pages_settings,
                                                                    tmp_path):
    # Regression: the examples were picked with the default bounds, so a server started with
    # lower ones (serve --max-query-elements 3) offered a query it then refused 400.
    (tmp_path / "a-small.rq").write_text("# Small example\n# One pattern.\nASK { ?s ?p ?o }\n")
    (tmp_path / "b-large.rq").write_text(
        "# Large example\n# Five patterns.\nASK { ?a ?b ?c . ?c ?d ?e . ?e ?f ?g . ?g ?h ?i . "
        "?i ?j ?k }\n")
    settings = pages_settings.with_(queries_dir=tmp_path, max_query_elements=3)
    page = html(make_app(pages_kg, settings).test_client(), "/")
    assert ">Small example</option>" in page and "Large example" not in page
    page = html(make_app(pages_kg, settings.with_(max_query_elements=100)).test_client(), "/")
    assert ">Large example</option>" in page


def test_query_page_without_examples(client):
    assert "no example queries yet" in html(client, "/")


def test_the_app_factory_serves_the_pages_beside_the_endpoint(pages_kg, pages_settings):
    from alliance_graph.web.app import create_app
    client = create_app(pages_settings, kg=pages_kg).test_client()
    page = html(client, "/id/Atlantis")
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;Atlantis" in page
    assert "<script>window.pwned" not in page
    assert client.get("/sparql?query=ASK%7B%7D").status_code == 200


@pytest.mark.parametrize("path", ["/id/%9D", "/id/a%0Cb", "/ontology/%0C", "/id/a%20b",
                                  "/id/%ED%A0%80", "/id/a%00b", "/id/a%0Ab", "/ontology/a%0A",
                                  "/shapes/a%0Ab"])
def test_paths_no_iri_can_hold_are_400_with_a_plain_message(client, path):
    # Plain text to an RDF client, the site's error page to a browser.
    for accept, media in (("text/html", "text/html"), ("text/turtle", "text/plain")):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 400, response.text
        assert response.mimetype == media
        assert "does not name a valid IRI" in said(response)


def test_links_to_shapes_lead_to_their_pages(kg, settings):
    # Ontology pages link the shapes that use a term (agsh:claim-disputedBy ...); the site had
    # no route for /shapes/, so every such link was werkzeug's bare 404.
    client = make_app(kg, settings).test_client()
    page = html(client, "/ontology/Claim")
    shapes = set(re.findall(r'href="(/shapes/[^"]+)"', page))
    assert shapes
    for path in shapes:
        assert 'title="http://www.w3.org/ns/shacl#message"' in html(client, path)
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200


def test_the_shapes_page_lists_every_shape(kg, settings):
    # /ontology/ lists its terms (each rdfs:isDefinedBy ag:); /shapes/ listed none, its shapes
    # naming no vocabulary, so a reader had no way from it to any shape.
    shapes = rdflib.Graph().parse(Path(__file__).parent.parent / "ontology" / "shapes.ttl")
    named = {str(s) for kind in (rdflib.SH.NodeShape, rdflib.SH.PropertyShape)
             for s in shapes.subjects(rdflib.RDF.type, kind) if isinstance(s, rdflib.URIRef)}
    assert len(named) > 100
    page = html(make_app(kg, settings).test_client(), "/shapes/")
    listed = {BASE + path.lstrip("/") for path in re.findall(r'href="(/shapes/[^"]+)"', page)}
    assert named == listed, sorted(named ^ listed)


def test_a_404_page_varies_by_accept(client):
    # A cache may keep a 404: the HTML one must not be handed to an RDF client, or back.
    for accept in ("text/html", "text/turtle"):
        response = client.get("/id/Nowhere", headers={"Accept": accept})
        assert response.status_code == 404 and response.headers["Vary"] == "Accept"


@pytest.mark.parametrize("host", ["xn--a.b", "a_b"])
def test_the_validation_form_names_its_url_for_any_host_name(endpoint, host):
    # The form's curl line took werkzeug's url_root, which decodes an IDNA host name: a Host
    # of "xn--a.b" (no valid IDNA) made GET /validate a 500, and "a_b" was left out.
    status, _, body = get_with_host(endpoint, "/validate", host, "text/html")
    assert status == 200, body
    assert f"proposal.ttl http://{host}/validate</code>".encode() in body


@pytest.mark.parametrize("host", ["a_b", "xn--a.b"])
def test_a_folder_without_its_slash_redirects_to_it_whatever_the_host(endpoint, host):
    # werkzeug's redirect was absolute, built from the Host it parsed: "a_b" made it
    # Location: http:///ontology/.  It is relative now, and keeps the query.
    status, headers, _ = get_with_host(endpoint, "/ontology?format=nt", host)
    assert status == 308 and headers["Location"] == "/ontology/?format=nt"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_rdf_of_an_entity_holds_each_triple_once(client):
    lines = client.get(IRON_DOME, headers={"Accept": "application/n-triples"}).text.splitlines()
    assert len(lines) > 20 and len(lines) == len(set(lines))


@pytest.mark.parametrize("path", ["/", IRON_DOME, "/id/Nowhere", "/id/%0C", "/search?q=iron",
                                  "/timeline", "/static/pages/pages.css", IRON_DOME + "?format=nt"])
def test_every_page_response_forbids_sniffing_and_inline_scripts(client, path):
    with client.get(path) as response:  # a static file is a stream: close it
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        # frame-ancestors is CSP level 2: older browsers read only X-Frame-Options.
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_over_http_broken_paths_are_400_and_every_answer_forbids_sniffing(endpoint):
    for path in ["/id/%9D", "/id/a%0Cb", "/ontology/%0C"]:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(endpoint + path, timeout=30)
        assert answer.value.code == 400
        assert answer.value.headers["X-Content-Type-Options"] == "nosniff"
        assert b"does not name a valid IRI" in answer.value.read()
    request = urllib.request.Request(endpoint + "/search?q=QME",
                                     headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        hits = json.loads(response.read())
    assert hits[0]["match"] == "alternative label" and hits[0]["text"] == "QME"


@pytest.mark.parametrize("path", [
    "/id/%00", "/id/%FF%FE", "/id/%C0%AF", "/id/%E2%80%AE", "/id/..%2F..%2Fetc%2Fpasswd",
    "/id/" + "x" * 3000, "/id/a%25zz", "/id/%3E%20%3Fp%20%3Fo%20%7D%20%23", "/ontology/%7B%7D",
    "/id/IronDome?format=%00", "/search?q=%00%FF", "/search?q=" + "%22%7D" * 200,
    "/search?limit=-5&q=iron", "/vocabulary.json?x=%FF"])
def test_hostile_paths_are_answered_never_a_500(client, path):
    with client.get(path, headers={"Accept": "text/html"}) as response:
        assert response.status_code in (200, 400, 404), (path, response.status_code)


# A claim, its evidence and its source named by urn: IRIs: valid RDF the project would not
# mint, whose pages must not link them (they used to get href="None", a link to /id/None).
URN_GRAPH = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://alliance-graph.example/id/Thing> ag:validFrom "2001"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<urn:x:claim> a ag:Claim ; rdf:subject <https://alliance-graph.example/id/Thing> ;
    rdf:predicate ag:validFrom ; rdf:object "2001"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
    prov:wasDerivedFrom <urn:x:evidence>, <urn:x:evidence2> .
<urn:x:evidence> a ag:Evidence ; oa:hasSource <urn:x:source> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "a quote" ] .
<urn:x:source> a ag:SourceDocument ; dcterms:title "A source" .
<urn:x:evidence2> a ag:Evidence ; oa:hasSource <https://alliance-graph.example/id/source/s.txt> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "another quote" ] .
<https://alliance-graph.example/id/source/s.txt> a ag:SourceDocument ; ag:fileName "s.txt" .
"""


@pytest.fixture(scope="module")
def urn_client(pages_settings):
    from alliance_graph.store.graph import KnowledgeGraph
    store = ox.Store()
    store.load(URN_GRAPH.encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://alliance-graph.example/graph/data/urn.ttl"))
    return make_app(KnowledgeGraph.from_store(store), pages_settings).test_client()


@pytest.mark.parametrize("path, shown", [("/id/Thing", "a quote"), ("/timeline", "2001"),
                                         ("/id/Thing", "A source"),
                                         ("/id/source/s.txt", "another quote")])
def test_iris_that_cannot_be_links_are_shown_without_one(urn_client, path, shown):
    page = html(urn_client, path)
    assert shown in page and 'href="None"' not in page


def test_rdf_xml_that_xml_cannot_carry_is_a_406(pages_settings):
    # Oxigraph writes a control character as it is: the entity's RDF/XML was a 200 that no
    # XML parser reads.  The same description in N-Triples carries it.
    from alliance_graph.store.graph import KnowledgeGraph
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://alliance-graph.example/id/A"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("a \x01 b"),
                      ox.NamedNode("https://alliance-graph.example/graph/data/a.ttl")))
    client = make_app(KnowledgeGraph.from_store(store), pages_settings).test_client()
    response = client.get("/id/A?format=xml")
    assert response.status_code == 406 and "cannot be written as application/rdf+xml" in response.text
    assert client.get("/id/A?format=nt").status_code == 200


def test_shape_pages_write_terms_compactly_and_blank_nodes_with_what_they_say(kg, settings):
    # Whole IRIs (<http://www.w3.org/ns/shacl#message>) pushed a phone's page sideways, and
    # sh:qualifiedValueShape's value was an opaque _:id.
    client = make_app(kg, settings).test_client()
    page = html(client, "/shapes/evidence-quote")
    assert "<h1 id=\"label\">agsh:evidence-quote</h1>" in page
    assert ">sh:qualifiedValueShape</a>" in page and "&lt;http://www.w3.org/ns/shacl#" not in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "[ sh:class oa:TextQuoteSelector ]" in text and "_:" not in text
    # A list as a list, blank nodes in it too; a list's member names the shape it is in.
    assert re.search(r"sh:or\s*\( \[ sh:datatype xsd:date \] \[ sh:datatype xsd:gYearMonth \]",
                     re.sub(r"<[^>]+>", "", html(client, "/shapes/claim-validFrom")))
    assert "agsh:StanceShape › sh:in" in html(client, "/ontology/SupportiveStance")


@pytest.mark.parametrize("path, echoed", [
    ("/search?q=%E2%80%AEmoc.live", "\u202emoc.live"),
    ("/id/%E2%80%AEmoc.live", "https://alliance-graph.example/id/\u202emoc.live"),
])
def test_text_a_reader_sent_is_isolated_where_a_page_echoes_it(client, path, echoed):
    # A right-to-left override in the search text reordered the heading around it.
    page = client.get(path, headers={"Accept": "text/html"}).text
    main = page[page.index("<main "):]
    assert main.count(echoed) >= 1
    assert main.count(echoed) == main.count(f"<bdi>{echoed}</bdi>")


@pytest.mark.parametrize("path, named", [
    ("/id/%3Cscript%3E", "'<' (U+003C LESS-THAN SIGN)"),
    ("/id/a%22b", "'\"' (U+0022 QUOTATION MARK)"),
    ("/id/%9D", "(U+FFFD REPLACEMENT CHARACTER, what a percent-encoding that is not UTF-8"),
    ("/ontology/a%0Cb", "'\\x0c' (U+000C a control character)"),
])
def test_a_path_no_iri_can_hold_is_told_which_character_is_at_fault(client, path, named):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 400 and named in said(response), response.text


def test_the_query_page_tells_its_script_how_many_rows_to_draw_and_how_long_a_link_may_be(
        client, pages_settings):
    page = html(client, "/")
    config = json.loads(re.search(r'id="page-config">(.*?)</script>', page).group(1))
    assert config["maxRows"] == pages.SHOWN_ROWS == 1000
    assert config["maxLink"] == pages_settings.max_request_header_bytes - pages.BROWSER_HEADERS
    # Without scripts, the form says where the answer goes and offers its format.
    noscript = page[page.index("<noscript>"):page.index("</noscript>")]
    assert "/sparql" in noscript and 'name="format"' in noscript
    assert '<option value="csv">CSV</option>' in noscript


def test_a_class_of_many_instances_shows_a_bounded_page_linking_the_query_of_them_all(
        pages_settings):
    # A class of 3,571 instances (100 k facts) made a page of 3.2 MB: every type claim a card.
    import urllib.parse

    from alliance_graph.web.app import create_app
    from test_entity import MANY, many_instances_graph
    client = create_app(pages_settings, kg=many_instances_graph()).test_client()
    page = html(client, "/ontology/State")
    assert page.count('<article class="claim') == pages.entity_mod.MAX_GROUP < MANY
    more = MANY - pages.entity_mod.MAX_GROUP
    assert f"and {more} more claims ({MANY} in all)" in page
    link = re.search(r'<a href="(/\?query=[^"]+)">list them all</a>', page).group(1)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(link.replace("&amp;", "&")).query)["query"][0]
    # The query page opens with it, and the endpoint lists every claim.
    assert "SELECT ?claim ?subject ?rank" in html(client, link.replace("&amp;", "&"))
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert len(answer.text.strip().splitlines()) == MANY + 1


@pytest.mark.parametrize("bare", [True, False])
def test_a_graph_iri_not_held_is_a_404_and_a_held_one_leads_to_its_read(pages_kg,
                                                                        pages_settings, bare):
    # /graph/nope.ttl was sent on (303) to the Graph Store read, which then answered 404.
    from alliance_graph.web.app import create_app
    app = make_app(pages_kg, pages_settings) if bare else create_app(pages_settings, kg=pages_kg)
    client = app.test_client()
    for path in ("/graph/nope.ttl", "/graph/data/nope.ttl", "/graph/data/", "/graph/",
                 "/graph/data/facts.ttl/x", "/graph/data/facts.ttl%0A"):
        for accept in ("text/html", "text/turtle"):
            response = client.get(path, headers={"Accept": accept})
            assert response.status_code == 404, (path, response.status_code)
            assert response.mimetype == "text/plain" and "no graph <" in response.text
    for name in ("data/facts.ttl", "inferred"):
        response = client.get(f"/graph/{name}?format=nt")
        iri = f"https://alliance-graph.example/graph/{name}"
        assert response.status_code == 303 and response.headers["Location"] == \
            "/rdf-graphs?" + urllib.parse.urlencode({"format": "nt", "graph": iri})
        if not bare:
            read = client.get(response.headers["Location"])
            assert read.status_code == 200 and read.mimetype == "application/n-triples"
    if not bare:
        # Which graphs there are is the service's to say: a redirect takes no query slot,
        # which it would wait for while the client's queries hold them all.
        shares, taken = app.extensions["alliance_graph"].queries, []
        share = shares.share
        shares.share = lambda *args, **kwargs: taken.append(args) or share(*args, **kwargs)
        try:
            assert client.get("/graph/data/facts.ttl").status_code == 303
            assert client.get("/graph/nope.ttl").status_code == 404
        finally:
            del shares.share
        assert taken == []


BIDI_GRAPH = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://alliance-graph.example/id/A> rdfs:label "\\u202eEvil" .
<https://alliance-graph.example/id/B> rdfs:label "x\\u2069\\u202eEvil" .
<https://alliance-graph.example/id/C> rdfs:label "\\u2067\\u202eEvil" .
<https://alliance-graph.example/id/source/s.txt> a ag:SourceDocument ;
    dcterms:title "\\u202eEvil" ; ag:fileName "s.txt" .
"""


@pytest.mark.parametrize("path, title", [
    ("/id/A", "\u2068\u202eEvil\u2069"),
    # A PDI of the label's own would have closed the isolate round it: it is left out.
    ("/id/B", "\u2068x\u202eEvil\u2069"),
    # An isolate the label opens is closed, so that the last PDI closes the page's own.
    ("/id/C", "\u2068\u2067\u202eEvil\u2069\u2069"),
    ("/id/source/s.txt", "\u2068\u202eEvil\u2069"),
])
def test_a_label_in_the_title_is_isolated_so_an_override_reverses_only_itself(
        pages_settings, path, title):
    # A right-to-left override in a label reversed "· alliance-graph" in the tab's title,
    # where no <bdi> can go.
    from alliance_graph.store.graph import KnowledgeGraph
    store = ox.Store()
    store.load(BIDI_GRAPH.encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://alliance-graph.example/graph/data/bidi.ttl"))
    client = make_app(KnowledgeGraph.from_store(store), pages_settings).test_client()
    page = html(client, path)
    assert re.search(r"<title>(.*?)</title>", page, re.S).group(1) == \
        f"{title} · alliance-graph"


SCRIPTS = sorted((Path(pages.__file__).parent / "static").glob("*.js")) + \
    sorted((Path(__file__).parents[1] / "editor" / "src").glob("*.js"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_the_pages_scripts_stay_small(path):
    # test_architecture counts the Python modules only: query.js had grown to 411 lines.
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.name} has {lines} lines: split it by what its parts do"


BIDI_PROPOSAL = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
claim:x a ag:Claim ; rdf:subject id:IronDome ; rdf:predicate rdfs:label ;
    rdf:object "\u202eabc def"@en ; ag:rank ag:NormalRank ; ag:note "%s" .
""" % ("long " * 600)


def test_a_findings_value_in_the_validation_report_keeps_its_quotes_and_tag_in_place(kg,
                                                                                        settings):
    # A right-to-left override in a proposed literal reversed its closing quote and language
    # tag in the report's value column ('"cba ne@"fed'), and a note of thousands of
    # characters was shown whole: the text is isolated from its quotes and tag, and cut.
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    response = client.post("/validate", data={"turtle": BIDI_PROPOSAL},
                           headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    values = [html_text.unescape(re.sub(r"\s+", " ", cells[4])) for cells in
              re.findall(r'<tr class="finding[^"]*">\s*' + r"<td[^>]*>(.*?)</td>\s*" * 6,
                         response.text, re.S)]
    assert '"<bdi>\u202eabc def</bdi>"@en' in values, values
    long = [v for v in values if "long long" in v]
    assert long and all(v == '"<bdi>' + ("long " * 40) + '…</bdi>" (3,000 characters)'
                        for v in long), long
    assert "long " * 41 not in response.text[response.text.index('id="report"'):]


def test_a_value_is_split_into_its_quotes_its_text_and_its_tag():
    from alliance_graph.web.pages.terms import value_parts
    assert value_parts('"a"@en--rtl') == ('"', "a", '"@en--rtl')
    assert value_parts('"a \\" b"^^<http://www.w3.org/2001/XMLSchema#integer>') == \
        ('"', 'a \\" b', '"^^<http://www.w3.org/2001/XMLSchema#integer>')
    assert value_parts('"x"') == ('"', "x", '"')
    assert value_parts("https://alliance-graph.example/id/A") == \
        ("", "https://alliance-graph.example/id/A", "")
    assert value_parts("_:b1") == ("", "_:b1", "")


def test_a_long_value_is_cut_in_the_text_reports_words():
    # The page cut and counted a value's N-Triples text, escapes and all (an escape cut in
    # two, '\\…', and a longer count than the text report's): one wording now, the report's
    # (clipping.literal_parts), the text cut and counted as the value holds it.
    from alliance_graph.clipping import literal_said
    from alliance_graph.web.pages.terms import value_parts
    literal = ox.Literal("a" * 199 + '"' + "b" * 1000, language="en")
    parts = value_parts(str(literal))
    assert parts == ('"', "a" * 199 + '\\"…', '"@en (1,200 characters)')
    assert "".join(parts) == literal_said(literal)


@pytest.mark.parametrize("path, iri", [
    ("/graph/!%5B%3E@", "!%5B%3E@"),
    ("/graph/data/a%5D.ttl", "data/a%5D.ttl"),
])
def test_a_graph_path_of_any_characters_names_a_graph(client, path, iri):
    # graph_iri raised ValueError on a character a file's name keeps as it is ("["): a 500
    # and a traceback in the server's log, then a 400; such a name is a graph like any other.
    for accept in ("text/html", "text/turtle"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 404, response.text
        assert f"no graph <{BASE}graph/{iri}> here" in response.text


def test_a_graph_path_of_a_byte_that_is_no_utf8_names_the_graph_of_that_byte(endpoint):
    # The graph of a file whose name holds the byte (caf\xe9.ttl is graph/caf%E9.ttl), not of
    # U+FFFD, werkzeug's reading of the path: the server's WSGI path holds the byte.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{endpoint}/graph/data/caf%E9.ttl", timeout=30)
    assert missing.value.code == 404
    assert f"no graph <{BASE}graph/data/caf%E9.ttl> here" in missing.value.read().decode()


def test_a_graph_of_a_name_with_brackets_is_found(pages_settings, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(pages_settings.data_dir, data)
    (data / "facts.ttl").rename(data / "facts[1].ttl")
    settings = pages_settings.with_(data_dir=data, cache_dir=tmp_path / "cache")
    app = make_app(store.load(settings), settings).test_client()
    response = app.get("/graph/data/facts%5B1%5D.ttl")
    assert response.status_code == 303
    assert "graph=" + urllib.parse.quote(f"{BASE}graph/data/facts%5B1%5D.ttl", safe="") in \
        response.headers["Location"]


def test_a_literals_base_direction_is_shown_with_its_language(pages_settings):
    # "שלום"@he--rtl (RDF 1.2) was shown as "שלום" @he, a term the graph does not hold, in
    # whatever direction its letters suggested.
    from alliance_graph.store.graph import KnowledgeGraph
    store = ox.Store()
    store.load(b'<https://alliance-graph.example/id/A> <http://www.w3.org/2000/01/rdf-schema#'
               b'comment> "abc"@he--rtl , "def"@en .', format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://alliance-graph.example/graph/data/a.ttl"))
    client = make_app(KnowledgeGraph.from_store(store), pages_settings).test_client()
    page = html(client, "/id/A")
    assert '<span class="literal" dir="rtl">abc</span> <span class="lang">@he--rtl</span>' in page
    assert '<span class="literal" dir="auto">def</span> <span class="lang">@en</span>' in page


def test_an_entity_page_links_the_names_its_notes_give(kg, settings):
    # Iran's cooperation with North Korea: its type claim's note sends the reader to the
    # proposition on whether they cooperate, which was text to copy and expand by hand.
    page = make_app(kg, settings).test_client().get(
        "/id/IranNorthKoreaMilitaryCooperation", headers={"Accept": "text/html"}).text
    assert ('<a href="/id/Proposition-IranNorthKoreaCooperation">'
            "id:Proposition-IranNorthKoreaCooperation</a>") in page


@pytest.mark.parametrize("path, current", [
    ("/", "Query"), ("/timeline", "Timeline"), ("/timeline?page=1", "Timeline"),
    ("/ontology/", "Ontology"), ("/id/IronDome", None), ("/search?q=iron", None)])
def test_the_header_names_the_page_one_is_on(client, path, current):
    # Nothing told a screen reader (or the eye) which of the four pages was shown.
    page = html(client, path)
    nav = page[page.index('<nav aria-label="Pages">'):]
    nav = nav[:nav.index("</nav>")]
    assert re.findall(r'aria-current="page">([^<]*)</a>', nav) == ([current] if current else [])


@pytest.mark.parametrize("path", ["/id/evidence/blog-atlantis", "/id/claim/IronDome-coFundedBy-UnitedStates"])
def test_a_claim_or_evidence_page_does_not_link_to_itself(client, path):
    # The quote's card on its own page linked "evidence" to the page itself (beside the type's
    # link "evidence", to ag:Evidence), the claim's card "claim of ..." to its own: a link a
    # screen reader lists that goes nowhere.
    page = html(client, path)
    assert f'href="{path}"' not in page


def test_a_page_refused_unread_for_its_size_is_headed_so(endpoint):
    # The front's refusal of a body over its limit is the site's error page for a browser,
    # which was headed "Error 413", its title "Error 413 (413)".
    host, port = urllib.parse.urlsplit(endpoint).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: 99000000\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413 "), head
    assert "<h1>Too large</h1>" in body and "<title>Too large (413)" in body, body
    assert "99,000,000 bytes, over this server's limit" in html_text.unescape(body)


@pytest.mark.parametrize("path", ["/ontology/", "/id/MissileDefense", "/id/JuniperOak"])
def test_terms_of_one_label_on_a_page_are_links_of_their_own_names(endpoint, path):
    # A class and a property of one label ('cooperation area', 'joint exercise') named on one
    # page (the ontology's list of terms; an entity's type and a property pointing at it)
    # were two links of that name, each to another term.
    request = urllib.request.Request(endpoint + path, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode()
    names: dict[str, set] = {}
    for href, text in re.findall(r'<a href="(/ontology/[^"#]*)"[^>]*>(.*?)</a>', page, re.S):
        names.setdefault(html_text.unescape(re.sub(r"<[^>]+>", "", text)).strip(), set()).add(href)
    assert len(names) > 1 and all(len(hrefs) == 1 for hrefs in names.values()), \
        {name: hrefs for name, hrefs in names.items() if len(hrefs) > 1}


def post_notes(endpoint, data: bytes, content_type="application/x-www-form-urlencoded"):
    """POST ``data`` to the query page's /query/notes; return (status, Content-Type, body)."""
    request = urllib.request.Request(endpoint + "/query/notes", data=data, headers={
        "Content-Type": content_type, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.headers["Content-Type"], refused.read().decode()


def notes_of(endpoint, query: str) -> dict:
    status, content_type, body = post_notes(
        endpoint, urllib.parse.urlencode({"query": query}).encode())
    assert (status, content_type) == (200, "application/json"), (status, body)
    return json.loads(body)


def test_the_query_pages_notes_name_each_name_the_graph_holds_nowhere_with_the_one_meant(
        endpoint):
    # A misspelt class or entity matched nothing and the query page said "(0 rows)" alone,
    # where the command line's query notes it: the page asks /query/notes for an empty answer.
    assert notes_of(endpoint, "SELECT ?s WHERE { ?s a ag:MissileDefenceSystem }") == {
        "notes": ["ag:MissileDefenceSystem is in no triple of the graph: did you mean "
                  "ag:MissileDefenseSystem?"], "more": 0}
    assert notes_of(endpoint, "ASK { id:IronDom ?p ?o }")["notes"] == [
        "id:IronDom is in no triple of the graph: did you mean id:IronDome?"]
    # No rows, every name the graph's: nothing to say. Nor of a text that does not parse
    # (/sparql says its error).
    for query in ("SELECT ?s WHERE { ?s a ag:MissileDefenseSystem ; ag:coFundedBy id:IronDome }",
                  "SELECT ?s WHERE { ?s a ag:MissileDefenceSystem ", "INSERT DATA { id:a id:b 1 }",
                  ""):
        assert notes_of(endpoint, query) == {"notes": [], "more": 0}, query
    # The text is read, never run: a SERVICE in it calls nowhere.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.5)
        service = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        # (a name within it is the service's, noted where written outside it too)
        assert notes_of(endpoint, f"ASK {{ SERVICE <{service}> {{ ?s a ag:Clam }} ?s a ag:Clam }}")[
            "notes"] == ["ag:Clam is in no triple of the graph: did you mean ag:Claim?"]
        with pytest.raises(TimeoutError):
            listener.accept()


def test_the_query_pages_notes_are_held_to_the_limits_of_a_query(endpoint):
    # Open to anyone as /sparql is: a text over max_query_bytes (100,000) is refused before
    # it is decoded, as /sparql refuses it, in plain text; one naming thousands of names
    # within it is answered the first MOST_NOTES notes and the count of the rest.
    status, content_type, body = post_notes(endpoint, b"query=" + b"%41" * 100_001)
    assert (status, content_type) == (400, "text/plain; charset=utf-8")
    assert "100,001 bytes long; the limit is 100,000" in body
    names = " ".join(f"id:MadeUp{i}" for i in range(5000))
    said = notes_of(endpoint, f"SELECT * WHERE {{ VALUES ?x {{ {names} }} }}")
    assert len(said["notes"]) == 20 and said["more"] == 4980
    assert said["notes"][0].startswith("id:MadeUp0 is in no triple of the graph")
    # Too deep for the engine to parse safely: /sparql's bound and words.
    status, _, body = post_notes(endpoint, urllib.parse.urlencode(
        {"query": "SELECT * {" + "{" * 40 + "}" * 41}).encode())
    assert status == 400 and "more than 32 deep" in body
    # A form alone, with one query field; never a GET.
    assert post_notes(endpoint, b"SELECT * {}", "application/sparql-query")[0] == 415
    assert post_notes(endpoint, b"qeury=ASK{}")[:2] == (400, "text/plain; charset=utf-8")
    assert post_notes(endpoint, b"query=ASK{}&query=ASK{}")[0] == 400
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(endpoint + "/query/notes?query=ASK%7B%7D", timeout=30)
    with refused.value:
        assert refused.value.code == 405


def test_the_query_pages_notes_of_thousands_of_names_are_answered_within_the_time_limit(
        tmp_path):
    # The name meant was looked for of every name in no triple, though the page shows 20:
    # each search scans the namespace's names in the server's own process, held to no time
    # limit, and a 100,000-byte text of 6,384 made-up claim: names kept a 12,000-fact server
    # (--timeout 2) 3.9 s on notes it did not send.
    import random
    import string

    url, process = servers.start_generated(12000, tmp_path, "--timeout", "2")
    try:
        rng = random.Random(5)
        names, size = ["claim:E0000000-x"], 0
        while size < 97_000:
            names.append("claim:" + "".join(rng.choices(string.ascii_letters,
                                                        k=rng.randint(5, 12))))
            size += len(names[-1]) + 1
        # The work is the server's CPU (3.9 s of it before), timed so: a loaded machine
        # stretches the wall clock's 0.5 s past the limit without the server doing more.
        cpu = servers.cpu_seconds(process.pid)
        said = notes_of(url, f"SELECT * WHERE {{ VALUES ?x {{ {' '.join(names)} }} }}")
        took = servers.cpu_seconds(process.pid) - cpu
        assert took < 2, f"{took:.1f} s of the server's CPU"
        assert len(said["notes"]) == 20 and said["more"] == len(set(names)) - 20
        # The first still name the one meant.
        assert said["notes"][0].startswith("claim:E0000000-x is in no triple of the graph: "
                                           "did you mean claim:E0000000-"), said["notes"][0]
    finally:
        servers.stop(process)


@pytest.mark.parametrize("make, why", [
    (lambda p: os.mkfifo(p), "not a regular file"),
    (lambda p: p.write_bytes(b"%PDF-1.7\n\xe2\xe3\xcf\xd3"), "not UTF-8 text (byte 9, 0xe2"),
    (lambda p: p.write_bytes(b""), "an empty file, which holds no quote"),
    (lambda p: (p.write_bytes(b"."), os.truncate(p, MOST_SOURCE_BYTES + 1)),
     f"a file of {MOST_SOURCE_BYTES + 1:,} bytes"),
    (lambda p: p.mkdir(), "a folder, not a text file"),
], ids=["fifo", "pdf", "empty", "too-big", "folder"])
def test_a_source_file_that_is_no_text_is_said_so_on_its_page(pages_kg, pages_settings, tmp_path,
                                                              make, why):
    # The page read the file whole, as bytes decoded with replacement characters: a pipe
    # held the request's thread until a writer came, a big file was read at every request,
    # and a PDF was shown as mojibake; it is read as the commands read a source now.
    make(tmp_path / "news.txt")
    client = make_app(pages_kg, pages_settings.with_(sources_dir=tmp_path)).test_client()
    done = []
    reader = threading.Thread(target=lambda: done.append(html(client, "/id/source/news.txt")),
                              daemon=True)
    reader.start()
    reader.join(10)
    if not done:  # a pipe's reader waiting for a writer: give it one, so the thread ends
        with open(tmp_path / "news.txt", "wb"):
            pass
        reader.join(10)
        pytest.fail("the page waited on the source file")
    page = done[0]
    assert "unknown: the file on this server is no text to read" in page
    note = page[page.index('id="no-text"'):]
    assert f"it is {why}" in note and str(tmp_path) not in page, note[:400]
    assert "matches the text" not in page and "differs from the text" not in page
