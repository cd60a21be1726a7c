"""Terms as pages show them: where a link may go, which IRIs reach a query, labels."""

import urllib.parse

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
