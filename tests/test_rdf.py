"""rdf: terms cross between Oxigraph and rdflib unchanged, graph names map to files, Turtle terms
read back as the same terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph import rdf
from alliance_graph.settings import Settings

XSD = "http://www.w3.org/2001/XMLSchema#"
TERMS = [ox.NamedNode("https://alliance-graph.example/id/IronDome"), ox.BlankNode("b0"),
         ox.Literal("plain"), ox.Literal("Iron Dome", language="en"),
         ox.Literal("3800000000", datatype=ox.NamedNode(XSD + "decimal")),
         ox.Literal('a "quote"\\ on\ntwo lines\tand a tab')]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_terms_cross_to_rdflib_and_back(term):
    assert rdf.to_ox(rdf.to_rdflib_term(term)) == term
    assert rdf.to_ox(rdf.to_rdflib_term(term, skolem=True)) == term


def test_skolemized_blank_nodes_keep_their_ids():
    graph = rdf.to_rdflib([ox.Triple(ox.BlankNode("sel1"), ox.NamedNode("urn:p"),
                                     ox.Literal("x"))], skolem=True)
    assert set(graph.subjects()) == {rdflib.URIRef(rdf.SKOLEM + "sel1")}
    assert rdf.term_text(rdf.to_ox(next(iter(graph.subjects())))) == "_:sel1"
    assert rdf.from_text("_:sel1") == ox.BlankNode("sel1")


def test_graph_names_and_files(tmp_path):
    settings = Settings(root=tmp_path, ontology_dir=tmp_path / "o", data_dir=tmp_path / "d")
    assert rdf.graph_name(settings, tmp_path / "d" / "aid.ttl") == "data/aid.ttl"
    assert rdf.graph_name(settings, tmp_path / "o" / "core.ttl") == "ontology/core.ttl"
    assert rdf.graph_name(settings, tmp_path / "x" / "p.ttl") == "x/p.ttl"
    # A data file that is a link to one kept elsewhere is a data file all the same: named for
    # where it points, it skipped the data checks.
    (tmp_path / "d").mkdir()
    (tmp_path / "kept.ttl").write_text("")
    (tmp_path / "d" / "linked.ttl").symlink_to(tmp_path / "kept.ttl")
    assert rdf.graph_name(settings, tmp_path / "d" / "linked.ttl") == "data/linked.ttl"
    iri = rdf.graph_iri("data/aid.ttl")
    assert rdf.file_of(iri) == "data/aid.ttl" and rdf.is_role(iri, rdf.DATA)
    assert not rdf.is_role(iri, rdf.ONTOLOGY)


@pytest.mark.parametrize("name, iri", [
    ("data/aid.ttl", "data/aid.ttl"),                      # as it was: nothing to encode
    ("data/my notes.ttl", "data/my%20notes.ttl"),           # a traceback in every command
    ("data/x%zz.ttl", "data/x%25zz.ttl"),                   # "%" is the escape itself
    ("data/a<b>#c?.ttl", "data/a%3Cb%3E%23c%3F.ttl"),
    ("data/été.ttl", "data/été.ttl"),                       # an IRI holds it as it is
    # Characters no path of an IRI holds, which a list of what to encode missed: a traceback
    # in every command ("[" and "]" are for an IPv6 host).
    ("data/facts[1].ttl", "data/facts%5B1%5D.ttl"),
    ("data/a\x85\ue000\ufffe.ttl", "data/a%C2%85%EE%80%80%EF%BF%BE.ttl"),
    # A name that is not UTF-8 (Latin-1 "café"), as Python holds it: it was a traceback.
    (b"data/caf\xe9.ttl".decode("utf-8", "surrogateescape"), "data/caf%E9.ttl"),
])
def test_a_file_name_an_iri_cannot_hold_is_percent_encoded_and_read_back(name, iri):
    graph = rdf.graph_iri(name)
    assert graph.value == "https://alliance-graph.example/graph/" + iri
    assert rdf.file_of(graph) == name


def test_every_character_of_a_name_makes_an_iri_read_back_as_the_name():
    # Whatever a file's name holds (but half a surrogate pair, which no name read from a
    # folder holds outside the bytes that are not UTF-8), its graph is an IRI Oxigraph takes.
    for code in (*range(0xD800), *range(0xDC80, 0xDD00), *range(0xE000, 0x110000, 7),
                 *(p << 16 | 0xFFFE for p in range(17)), *(p << 16 | 0xFFFF for p in range(17))):
        name = f"data/a{chr(code)}b.ttl"
        assert rdf.file_of(rdf.graph_iri(name)) == name, hex(code)


@pytest.mark.parametrize("name, iri", [("my facts.ttl", "my%20facts.ttl"),
                                       ("facts[1].ttl", "facts%5B1%5D.ttl")])
def test_a_data_file_named_with_a_space_or_a_bracket_builds(mini, name, iri):
    from alliance_graph.store import graph as store
    (mini.data_dir / "facts.ttl").rename(mini.data_dir / name)
    kg = store.load(mini)
    assert f"https://alliance-graph.example/graph/data/{iri}" in {g.value for g in kg.asserted}


@pytest.mark.parametrize("text", ["line one\nline two", 'a "quote" \\ and \t tab',
                                  "nul \x00 del \x7f bell \x07"])
def test_literals_with_line_breaks_and_control_characters_cross_from_rdflib(text):
    # rdflib's n3() wrote a line break as a long string, which N-Triples has not.
    literal = rdflib.Literal(text)
    [quad] = rdf.from_rdflib([(rdflib.URIRef("http://e/s"), rdflib.URIRef("http://e/p"),
                               literal)], ox.NamedNode("http://e/g"))
    assert quad.object == ox.Literal(text)
    # ... and write as a short Turtle string that reads back, with no raw control character.
    written = rdf.turtle_string(text)
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in written)
    [triple] = ox.parse(f"<http://e/s> <http://e/p> {written} .", format=ox.RdfFormat.TURTLE)
    assert triple.object.value == text


@pytest.mark.parametrize("term", [t for t in TERMS if not isinstance(t, ox.BlankNode)] + [
    ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("012x", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.NamedNode("https://alliance-graph.example/id/with/slash")], ids=str)
def test_turtle_terms_read_back_as_the_same_term(term):
    prefixes = {"id": "https://alliance-graph.example/id/", "xsd": XSD}
    text = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
    text += f"<urn:s> <urn:p> {rdf.turtle_term(term, prefixes)} ."
    [triple] = ox.parse(text, format=ox.RdfFormat.TURTLE)
    assert triple.object == term


@pytest.mark.parametrize("term", [t for t in TERMS if not isinstance(t, ox.BlankNode)] + [
    ox.BlankNode("b0"), ox.NamedNode("mailto:someone@example.org")], ids=str)
def test_term_text_reads_back(term):
    assert rdf.from_text(rdf.term_text(term)) == term


@pytest.mark.parametrize("term", [
    ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")),
    ox.Literal("x", language="ar", direction=ox.BaseDirection.RTL)], ids=str)
def test_a_term_rdflib_has_none_for_is_refused_not_changed(term):
    # Term by term, a triple term failed on its missing .language (AttributeError), and a
    # literal with a base direction became the plain tagged literal: its direction lost.
    with pytest.raises(ValueError, match="rdflib has no term for an RDF 1.2 "):
        rdf.to_rdflib_term(term)
    triple = ox.Triple(ox.BlankNode("b0"), ox.NamedNode("urn:p"), term)
    for ids in ({}, {"keep_ids": True}, {"skolem": True}):
        with pytest.raises(ValueError, match="rdflib has no term for an RDF 1.2 "):
            rdf.to_rdflib([triple], **ids)


def test_a_prefixed_name_is_written_only_where_turtle_reads_one():
    # Python's \w took ½, ², µ, ª and ① for name characters: `add` wrote an IRI holding one
    # as id:Atlantis½, which Turtle (and so the merged data file) does not read.
    prefixes = {"id": "https://alliance-graph.example/id/"}
    for c in "½²µª①":
        iri = f"https://alliance-graph.example/id/Atlantis{c}"
        assert rdf.turtle_iri(iri, prefixes) == f"<{iri}>"
    assert rdf.turtle_iri("https://alliance-graph.example/id/Caf\u00e9-\u05d0", prefixes) \
        == "id:Caf\u00e9-\u05d0"
    for point in [*range(0x80, 0x3100), 0xFDD0, 0xFFFD, 0x1F600, 0xE0100]:
        iri = f"https://alliance-graph.example/id/A{chr(point)}B"
        written = rdf.turtle_iri(iri, prefixes)
        if written == f"<{iri}>":  # some of these are no IRI's either
            continue
        [read] = ox.parse(f"@prefix id: <{prefixes['id']}> .\n<urn:s> <urn:p> {written} .",
                          format=ox.RdfFormat.TURTLE)
        assert read.object == ox.NamedNode(iri), written
