"""entity_rdf: an entity page's RDF, with the claims about it and their evidence, in pages."""

import re
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

import servers
from alliance_graph.namespaces import ID, PREFIX_IRIS
from alliance_graph.web.pages import entity_rdf
from helpers import fetch

IRON_DOME = str(ID.IronDome)
STATE = "https://alliance-graph.example/ontology/State"
ROOT = Path(__file__).resolve().parents[1]
HYDRA = "http://www.w3.org/ns/hydra/core#"
TURTLE = {"Accept": "text/turtle"}


def test_description_holds_claims_and_their_evidence(pages_kg):
    triples = entity_rdf.description(pages_kg, IRON_DOME)
    subjects = {t.subject.value for t in triples if hasattr(t.subject, "value")}
    assert IRON_DOME in subjects
    assert "https://alliance-graph.example/id/claim/IronDome-coFundedBy-Atlantis" in subjects
    assert "https://alliance-graph.example/id/evidence/blog-atlantis" in subjects
    assert any(t.predicate.value.endswith("#exact") for t in triples)


def test_a_description_that_fits_a_page_is_the_description_as_it_was(pages_kg):
    for iri in (IRON_DOME, STATE):
        d = entity_rdf.page(pages_kg, iri)
        assert (d.number, d.pages, d.cut) == (1, 1, {})
        # The same query (whose order of triples is the engine's, from one call to the next).
        whole = entity_rdf.description(pages_kg, iri)
        assert len(d.triples) == len(whole) and set(d.triples) == set(whole)
        assert entity_rdf.controls(d, iri, "http://h/x", lambda n: f"http://h/x?page={n}") == []
    assert entity_rdf.page(pages_kg, IRON_DOME, 2).triples == []


def pointing(triples, iri):
    """Return the claims (by predicate) whose value is ``iri`` among ``triples``."""
    values = {t.subject.value for t in triples
              if t.predicate.value.endswith("#object") and t.object.value == iri}
    return {t.subject.value: t.object.value for t in triples
            if t.subject.value in values and t.predicate.value.endswith("#predicate")}


@pytest.mark.parametrize("ordered", [True, False])
def test_pages_together_hold_the_whole_description(pages_kg, monkeypatch, ordered):
    # One claim a page per property; ordered by IRI, or (past SORTED_MAX) as the store lists.
    monkeypatch.setattr(entity_rdf, "PAGE", 1)
    if not ordered:
        monkeypatch.setattr(entity_rdf, "SORTED_MAX", 0)
    whole = entity_rdf.description(pages_kg, STATE)
    claims = pointing(whole, STATE)
    assert len(claims) == 2
    first = entity_rdf.page(pages_kg, STATE)
    assert (first.pages, first.cut) == (2, {entity_rdf.RDF_TYPE: 2})
    pages = [first, entity_rdf.page(pages_kg, STATE, 2)]
    seen = [pointing(p.triples, STATE) for p in pages]
    assert [len(s) for s in seen] == [1, 1] and seen[0] != seen[1]
    assert set().union(*(p.triples for p in pages)) == set(whole)
    # The entity's own triples are on every page.
    own = {t for t in whole if t.subject.value == STATE}
    assert all(own <= set(p.triples) for p in pages)
    assert entity_rdf.page(pages_kg, STATE, 3).triples == []


def test_controls_name_the_page_its_entity_and_its_neighbours(pages_kg, monkeypatch):
    monkeypatch.setattr(entity_rdf, "PAGE", 1)
    d = entity_rdf.page(pages_kg, STATE, 2)
    said = {(t.predicate.value, t.object.value) for t in
            entity_rdf.controls(d, STATE, "http://h/s?page=2", lambda n: f"http://h/s?p={n}")}
    assert (entity_rdf.RDF_TYPE, HYDRA + "PartialCollectionView") in said
    assert ("http://xmlns.com/foaf/0.1/primaryTopic", STATE) in said
    assert {(HYDRA + "first", "http://h/s?p=1"), (HYDRA + "last", "http://h/s?p=2"),
            (HYDRA + "previous", "http://h/s?p=1")} <= said
    assert not [p for p, _ in said if p == HYDRA + "next"]
    comment = next(o for p, o in said if p == entity_rdf.RDFS_COMMENT)
    assert "Page 2 of 2" in comment and "rdf:type 2" in comment
    assert entity_rdf.links(d, lambda n: f"/s?p={n}") == \
        '</s?p=1>; rel="first", </s?p=2>; rel="last", </s?p=1>; rel="prev"'


# --- through a real server, on a generated project with a class of more than PAGE instances --

@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The URL of `alliance-graph serve` on bench/generate.py's 6,000 facts: 214 instances of
    each class, so a class's description is two pages."""
    url, process = servers.start_generated(6000, tmp_path_factory.mktemp("entity-rdf"))
    yield url
    servers.stop(process)


def turtle(body: bytes) -> set:
    return set(ox.parse(body, format=ox.RdfFormat.TURTLE))


def constructed(url: str, iri: str) -> set:
    """Return the whole description of ``iri`` as the endpoint constructs it, unbounded."""
    e = f"<{iri}>"
    query = entity_rdf._DESCRIPTION % {"e": e, "claims": entity_rdf._CLAIMS % {"e": e}}
    status, _, body = fetch(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
                            headers=TURTLE)
    assert status == 200, body
    return turtle(body)


@pytest.mark.server  # conftest.py marks by fixture name; this module's own server
def test_a_big_description_comes_in_pages_linked_in_the_header_and_in_hydra(big):
    status, headers, body = fetch(f"{big}/ontology/State", headers=TURTLE)
    assert status == 200
    page1 = turtle(body)
    assert len(pointing(page1, STATE)) == entity_rdf.PAGE
    here = f"{big}/ontology/State"
    controls = {(t.predicate.value, t.object.value) for t in page1 if t.subject.value == here}
    assert (HYDRA + "next", f"{here}?page=2") in controls
    assert (HYDRA + "last", f"{here}?page=2") in controls
    assert ("http://xmlns.com/foaf/0.1/primaryTopic", STATE) in controls
    assert f'<{here}?page=2>; rel="next"' in headers["Link"]
    status, headers, body = fetch(f"{here}?page=2", headers=TURTLE)
    page2 = turtle(body)
    assert status == 200 and f'<{here}>; rel="prev"' in headers["Link"]
    assert 'rel="next"' not in headers["Link"]
    # Both pages, less what they say of themselves, are the whole description.
    data = {t for t in page1 | page2 if not t.subject.value.startswith(big)}
    assert data == constructed(big, STATE)
    assert len(pointing(data, STATE)) > entity_rdf.PAGE


@pytest.mark.server
def test_page_links_keep_the_format_asked_for(big):
    status, headers, body = fetch(f"{big}/ontology/State?format=nt&page=2")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert f'<{big}/ontology/State?format=nt>; rel="first"' in headers["Link"]
    assert f"<{big}/ontology/State?format=nt&page=2> " in body.decode()


@pytest.mark.server
def test_page_links_keep_no_parameter_the_answer_does_not_read(big):
    # Each link and control of a page repeated the request's other parameters: one of 60,000
    # characters was written into the Link header's three links and the page's controls.
    status, headers, body = fetch(f"{big}/ontology/State?format=nt&x={'a' * 60_000}")
    assert status == 200 and f'<{big}/ontology/State?format=nt&page=2>; rel="next"' in \
        headers["Link"] and len(headers["Link"]) < 1000
    assert f"<{big}/ontology/State?format=nt> " in body.decode()  # the page names itself so
    assert "a" * 100 not in body.decode()


@pytest.mark.server
def test_a_small_description_is_unchanged_and_says_nothing_of_pages(big):
    iri = "https://alliance-graph.example/id/E0000100"
    for path in ("/id/E0000100", "/id/E0000100?page=1"):
        status, headers, body = fetch(big + path, headers=TURTLE)
        assert status == 200 and "Link" not in headers
        assert turtle(body) == constructed(big, iri)
    assert fetch(f"{big}/id/E0000100?page=2", headers=TURTLE)[0] == 404


@pytest.mark.server
@pytest.mark.parametrize("asked, status", [
    ("abc", 400), ("0", 400), ("-1", 400), ("1.5", 400), ("%C2%B2", 400), ("", 400),
    ("3", 404), ("99999999999999999999999", 404)])
def test_a_bad_page_is_a_client_error_saying_what_is_wrong(big, asked, status):
    got, _, body = fetch(f"{big}/ontology/State?page={asked}", headers=TURTLE)
    assert got == status, body
    assert (b"whole number" if status == 400 else b"has 2 page(s)") in body


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["ttl", "xml"])
def test_a_description_declares_only_the_prefixes_it_uses(big, fmt):
    # It declared all sixteen of the project's (graph:, oa:, schema: ...) before an entity
    # using four, where answers and Graph Store reads declare those they use.
    status, _, body = fetch(f"{big}/id/E0000100?format={fmt}")
    text = body.decode()
    assert status == 200
    if fmt == "ttl":
        declared = re.findall(r"^@prefix (\w*):", text, re.M)
        used = {name for name in declared if re.search(rf"(?<![\w:<]){name}:\w", text.split(
            "\n", len(declared))[-1])}
    else:
        # Oxigraph's writer declares its: (base directions) itself, of no project prefix.
        declared = [n for n in re.findall(r'xmlns:(\w+)="', text) if n in PREFIX_IRIS]
        used = {name for name in declared if f"<{name}:" in text or f" {name}:" in text}
    assert declared and set(declared) == used
