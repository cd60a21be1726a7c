"""shacl: the shapes are meta-checked once per shapes text, and broken shapes are named."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from alliance_graph.build.loading import LoadError
from alliance_graph.proposals import shacl
from alliance_graph.rdf import to_ox, to_rdflib

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:ex:> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:label ; sh:minCount MIN ] .
"""
DATA = "@prefix ex: <urn:ex:> .\nex:a a ex:Thing .\n"


def test_a_finding_and_the_meta_check_remembered(settings, tmp_path):
    settings = settings.with_(cache_dir=tmp_path)
    text = SHAPES.replace("MIN", "1")
    shapes = Graph().parse(data=text, format="turtle")
    report = shacl.validate_with_shapes(settings, Graph().parse(data=DATA, format="turtle"),
                                        Graph(), shapes, text)
    [row] = shacl.shacl_rows(report, shapes)
    assert row[0] == "Violation" and str(row[4]) == "urn:ex:a"
    assert shacl.meta_marker(settings, text).exists()
    assert not shacl.meta_marker(settings, text + " ").exists(), "keyed by the shapes' text"


def test_broken_shapes_are_refused_with_the_shapes_file(settings, tmp_path):
    text = SHAPES.replace("MIN", '"one"')
    with pytest.raises(LoadError, match="ontology/shapes.ttl: the shapes are not valid SHACL"):
        shacl.validate_with_shapes(settings.with_(cache_dir=tmp_path),
                                   Graph().parse(data=DATA, format="turtle"), Graph(),
                                   Graph().parse(data=text, format="turtle"), text)
    assert list(Path(tmp_path).iterdir()) == [], "broken shapes are never remembered as checked"


def test_blank_nodes_reach_pyshacl_as_blank_nodes(settings, tmp_path):
    # Blank nodes crossed as urn:bnode: IRIs, so sh:nodeKind sh:IRI passed on them: a claim
    # whose rdf:subject was [ ] conformed, and add wrote it.
    text = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:ex:> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:about ; sh:nodeKind sh:IRI ] .
"""
    quads = list(ox.parse("@prefix ex: <urn:ex:> .\nex:a a ex:Thing ; ex:about _:x .\n"
                          "_:y a ex:Thing ; ex:about ex:b .\n", format=ox.RdfFormat.TURTLE))
    blanks = {q.object for q in quads if isinstance(q.object, ox.BlankNode)} | \
        {q.subject for q in quads if isinstance(q.subject, ox.BlankNode)}
    shapes = Graph().parse(data=text, format="turtle")
    report = shacl.validate_with_shapes(settings.with_(cache_dir=tmp_path),
                                        to_rdflib(quads, keep_ids=True), Graph(), shapes, text)
    [row] = shacl.shacl_rows(report, shapes)
    assert str(row[4]) == "urn:ex:a"
    assert to_ox(row[6]) in blanks, "the blank value keeps the id it was parsed with"


def test_an_ill_typed_literal_of_a_finding_prints_no_traceback(settings, kg, tmp_path, caplog):
    # pyshacl copies each value it reports into its report graph, and rdflib logged a
    # warning with a whole traceback ("Failed to convert Literal lexical form to value ...
    # ValueError: invalid literal for int()") for an ill-typed one, on validate's stderr,
    # above its report.
    from alliance_graph.namespaces import turtle_prologue
    from alliance_graph.proposals import validation

    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(turtle_prologue() + (
        '\nev:000-x a ag:Evidence ;\n    oa:hasSource src:000_06b6882714cf1880.txt ;\n'
        '    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Noble Dina" ] ,\n'
        '        [ a oa:TextPositionSelector ; oa:start "12x"^^xsd:integer ; oa:end 2095 ] .\n'
        "\nclaim:NobleDina-label prov:wasDerivedFrom ev:000-x .\n"), encoding="utf-8")
    with caplog.at_level("WARNING"):
        report = validation.validate(settings, [proposal], prebuilt=kg.store)
    assert any("ill-typed" in f.message for f in report.findings), report.findings
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []
