"""Terms as pages show them: where a link may go, which IRIs reach a query, labels."""

import json
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import flask
import pytest

from alliance_graph.web.pages import terms


def test_local_path_only_for_project_iris():
    assert terms.local_path("https://alliance-graph.example/id/source/a b.txt") == \
        "/id/source/a%20b.txt"
    assert terms.local_path("http://www.w3.org/ns/prov#Entity") is None


@pytest.mark.parametrize("local", ["id/a%41", "id/a%25b", "id/a?b=c", "id/a#b", "id/Caf\u00e9",
                                   "id/source/a b.txt", "ontology/x;y"])
def test_a_local_link_decodes_to_its_iri(local):
    # The server (waitress, werkzeug) percent-decodes a path once; the page's IRI is then
    # BASE + that path, so a link must encode exactly what decoding undoes.
    path = terms.local_path("https://alliance-graph.example/" + local)
    assert urllib.parse.unquote(path) == "/" + local


def test_links_drawn_while_answering_carry_the_prefix_the_site_is_served_at():
    # Behind a proxy at /graph/ (SCRIPT_NAME /graph) a link to /id/X left the site.
    with flask.Flask(__name__).test_request_context("/id/X",
                                                    base_url="http://localhost/graph/"):
        assert terms.link_for("https://alliance-graph.example/id/IronDome") == \
            "/graph/id/IronDome"
        assert terms.query_link("ASK {}").startswith("/graph/?query=")
        assert terms.link_for("https://example.org/x") == "https://example.org/x"


def test_only_http_iris_become_links():
    assert terms.link_for("javascript:alert(1)") is None
    assert terms.link_for("data:text/html,<b>") is None
    assert terms.link_for("HTTPS://example.org/x") == "HTTPS://example.org/x"
    assert terms.link_for("https://alliance-graph.example/id/IronDome") == "/id/IronDome"


@pytest.mark.parametrize("value", ["a b", "x>y", "\x0c", "urn:a\ud800", "", "<urn:x>"])
def test_what_no_iri_can_hold_never_reaches_a_query(value):
    assert not terms.valid_iri(value)
    with pytest.raises(ValueError):
        terms.sparql_iri(value)


def test_an_iri_is_written_as_a_sparql_reference():
    assert terms.sparql_iri("https://alliance-graph.example/id/IronDome") == \
        "<https://alliance-graph.example/id/IronDome>"


def test_labels_prefer_english_or_untagged_and_fall_back_to_the_short_name(kg):
    labeller = terms.Labeller(kg)
    iron_dome = terms.sparql_iri("https://alliance-graph.example/id/IronDome")[1:-1]
    labeller.fetch([iron_dome, "https://alliance-graph.example/id/NoSuchThing"])
    assert labeller.labels[iron_dome] == "Iron Dome"
    import pyoxigraph as ox
    term = labeller.term(ox.NamedNode("https://alliance-graph.example/id/NoSuchThing"))
    assert term.label == "id:NoSuchThing" and term.href == "/id/NoSuchThing"


@pytest.mark.parametrize("local", ["id/../timeline", "id/.", "..", "id/a/./b", "shapes/x/.."])
def test_an_iri_with_a_dot_segment_links_nowhere(local):
    # The browser resolves "." and ".." away (and %2e%2e too): /id/../timeline led to the
    # timeline. Nor may it link to itself: its host is not a real site.
    assert terms.local_path("https://alliance-graph.example/" + local) is None
    assert terms.link_for("https://alliance-graph.example/" + local) is None
    assert terms.link_for("https://alliance-graph.example/id/a..b/.x") == "/id/a..b/.x"


@pytest.mark.parametrize("local", ["/evil.example/x", "//evil.example", "/", "/\\evil.example"])
def test_an_iri_with_an_empty_first_segment_links_nowhere(local):
    # BASE + "/evil.example/x" linked to //evil.example/x: a link a browser takes to another
    # site, shown as a project IRI (a query page's answer, a /validate report's focus node).
    assert terms.local_path("https://alliance-graph.example/" + local) is None
    assert terms.link_for("https://alliance-graph.example/" + local) is None
    assert terms.link_for("https://alliance-graph.example/id//x") == "/id//x"


RESULTS_JS = Path(terms.__file__).parent / "static" / "results.js"


@pytest.mark.parametrize("local, expected", [
    ("/evil.example/x", None), ("//evil.example", None), ("/", None), ("id/../x", None),
    ("", "/"), ("id/IronDome", "/id/IronDome"), ("id//x", "/id//x"), ("id/a?b", "/id/a%3Fb"),
])
@pytest.mark.parametrize("root", ["", "/graph"])
def test_the_query_page_links_a_project_iri_as_the_server_does(local, expected, root):
    # results.js's href() draws the answers' links: the same rule as local_path, under the
    # prefix the site is served at (the page's config.root).
    if shutil.which("node") is None:
        if os.environ.get("CI"):  # .ci/run installs it: a green CI run has run this
            pytest.fail("node is needed to run results.js's href (Debian's nodejs)")
        pytest.skip("needs node to run results.js's href")
    source = RESULTS_JS.read_text(encoding="utf-8")
    start = source.index("  function href(iri) {")
    body = source[start:source.index("\n  }\n", start) + 4]
    script = (f"const config = {{base: 'https://alliance-graph.example/', root: '{root}'}};\n"
              + body
              + "\nprocess.stdout.write(JSON.stringify(href(process.argv[1])));")
    out = subprocess.run(["node", "-e", script, "https://alliance-graph.example/" + local],
                         capture_output=True, text=True, check=True, timeout=30).stdout
    assert json.loads(out) == (expected and root + expected)


@pytest.mark.parametrize("value, named", [
    ("https://alliance-graph.example/id/<script>", "'<' (U+003C LESS-THAN SIGN)"),
    ('https://alliance-graph.example/id/a"b', "'\"' (U+0022 QUOTATION MARK)"),
    ("https://alliance-graph.example/id/a b", "' ' (U+0020 SPACE)"),
    ("https://alliance-graph.example/id/a\x0cb", "'\\x0c' (U+000C a control character)"),
    ("https://alliance-graph.example/id/\ufffd", "U+FFFD REPLACEMENT CHARACTER, what a "
                                                 "percent-encoding that is not UTF-8 decodes to"),
    ("urn:a\ud800", "U+D800 half of a surrogate pair"),
    ("https://alliance-graph.example/id/a%zz", "'%zz': a '%' must be followed by two hex"),
    ("https://alliance-graph.example/id/a#b#c", "Oxigraph's IRI parser says:"),
])
def test_what_keeps_a_text_from_being_an_iri_is_named(value, named):
    assert named in terms.iri_problem(value)
    assert not terms.valid_iri(value)
    assert terms.iri_problem("https://alliance-graph.example/id/Caf\u00e9") is None


def test_pages_write_shacl_terms_and_shapes_as_prefixed_names_queries_do_not_get():
    from alliance_graph.namespaces import PREFIX_IRIS
    assert terms.shorten("http://www.w3.org/ns/shacl#qualifiedValueShape") == \
        "sh:qualifiedValueShape"
    assert terms.shorten("https://alliance-graph.example/shapes/evidence-quote") == \
        "agsh:evidence-quote"
    assert terms.shorten("https://alliance-graph.example/id/IronDome") == "id:IronDome"
    assert "sh" not in PREFIX_IRIS  # a query declares sh: itself, as at any other endpoint


@pytest.mark.parametrize("iri, words", [
    ("https://alliance-graph.example/id/IronDom", "Iron Dom"),
    ("https://alliance-graph.example/id/USAid", "US Aid"),
    ("https://alliance-graph.example/id/F35_sales", "F35 sales"),
    ("https://alliance-graph.example/id/claim/IronDome-coFundedBy-UnitedStates",
     "Iron Dome co Funded By United States"),
    ("https://alliance-graph.example/id/%D7%A9%D7%9C%D7%95%D7%9D", "\u05e9\u05dc\u05d5\u05dd"),
    ("https://alliance-graph.example/id/---", ""),
])
def test_a_names_words_are_its_last_segment_cut_at_capitals_and_punctuation(iri, words):
    assert terms.name_words(iri) == words
