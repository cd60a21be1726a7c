"""rdf: terms cross between Oxigraph and rdflib unchanged, graph names map to files, Turtle terms
read back as the same terms, and atomic writes keep modes and leave no temporary file."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_write_atomically_keeps_the_mode_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old", "utf-8")
    os.chmod(path, 0o640)
    rdf.write_atomically(path, "new")
    rdf.write_atomically(tmp_path / "bytes.bin", b"\x00\x01")
    rdf.write_atomically(tmp_path / "written.txt", lambda out: out.write(b"by a function"))
    assert path.read_text("utf-8") == "new" and path.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "written.txt").read_bytes() == b"by a function"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bytes.bin", "file.txt", "written.txt"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old", "utf-8")

    def fails(out):
        out.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        rdf.write_atomically(path, fails)
    assert path.read_text("utf-8") == "old"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["file.txt"]


@pytest.mark.parametrize("term", [t for t in TERMS if not isinstance(t, ox.BlankNode)] + [
    ox.BlankNode("b0"), ox.NamedNode("mailto:someone@example.org")], ids=str)
def test_term_text_reads_back(term):
    assert rdf.from_text(rdf.term_text(term)) == term
