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
