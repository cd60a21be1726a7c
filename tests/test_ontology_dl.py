"""The OWL ontology is one a DL reasoner accepts: HermiT (through owlready2, as Protege runs it)
finds it consistent, with no unsatisfiable class, and every datatype it names is in the OWL 2
datatype map (the precision OWL 2 cannot say, such as xsd:gYear, is in the shapes).

HermiT runs on Java: without ``java`` the reasoner tests skip with a message, except under
``CI=true``, where they fail (.ci/run installs Debian's Java runtime).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

# https://www.w3.org/TR/owl2-syntax/#Datatype_Maps, plus rdf:langString, which RDF 1.1 put in
# rdf:PlainLiteral's place and which the OWL API and HermiT accept.
OWL2_DATATYPES = {OWL.real, OWL.rational, RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString,
                  RDFS.Literal} | {XSD[name] for name in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long "
    "int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string "
    "normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI "
    "dateTime dateTimeStamp").split()}


def reasoned_files(settings) -> list[Path]:
    """Return the ontology files the build reasons over (not the alignments, not the shapes)."""
    return [p for p in sorted(settings.ontology_dir.glob("*.ttl"))
            if p.name not in settings.unreasoned_files]


def parsed(paths: list[Path], extra: str = "") -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph.parse(data=extra, format="turtle") if extra else graph


def datatypes(graph: rdflib.Graph) -> set:
    """Return every datatype the graph names: as a range or restriction, or of a literal."""
    named = {o for o in graph.objects() if isinstance(o, rdflib.URIRef) and o.startswith(str(XSD))}
    typed = {o.datatype for o in graph.objects() if isinstance(o, rdflib.Literal) and o.datatype}
    return named | typed


def test_the_ontology_reasoned_over_is_core_and_domain(settings):
    assert [p.name for p in reasoned_files(settings)] == ["core.ttl", "domain.ttl"]


def test_every_datatype_the_ontology_names_is_in_the_owl2_datatype_map(settings):
    outside = datatypes(parsed(reasoned_files(settings))) - OWL2_DATATYPES
    assert not outside, f"not in the OWL 2 datatype map (say it in shapes.ttl): {sorted(outside)}"


def test_the_datatype_check_sees_a_range_outside_the_map(settings):
    extra = ("@prefix ag: <https://alliance-graph.example/ontology/> . @prefix xsd: "
             "<http://www.w3.org/2001/XMLSchema#> . ag:duration "
             "<http://www.w3.org/2000/01/rdf-schema#range> xsd:duration .")
    assert datatypes(parsed(reasoned_files(settings), extra)) - OWL2_DATATYPES == {XSD.duration}


@pytest.fixture(scope="module")
def java():
    """The Java runtime HermiT needs; skip loudly without one (fail under CI)."""
    if shutil.which("java") is None:
        message = ("java not found: HermiT cannot check the ontology here "
                   "(apt-get install default-jre-headless; CI installs it)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def hermit(graph: rdflib.Graph, folder: Path) -> list[str]:
    """Run HermiT over ``graph``; return its unsatisfiable classes, raise if inconsistent."""
    import owlready2  # imported here: only these tests need it

    path = folder / "ontology.nt"
    graph.serialize(destination=path, format="nt", encoding="utf-8")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    # owl:Nothing is listed beside the classes found equivalent to it.
    return sorted(str(c.iri) for c in world.inconsistent_classes() if c is not owlready2.Nothing)


def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(settings, java,
                                                                           tmp_path):
    assert hermit(parsed(reasoned_files(settings)), tmp_path) == []


BROKEN = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def test_hermit_refuses_a_datatype_outside_the_map(settings, java, tmp_path):
    import owlready2

    graph = parsed(reasoned_files(settings), BROKEN + "ag:duration rdfs:range xsd:duration .")
    with pytest.raises(owlready2.OwlReadyJavaError, match="is not part of the OWL 2 datatype map"):
        hermit(graph, tmp_path)


def test_hermit_reports_an_unsatisfiable_class(settings, java, tmp_path):
    graph = parsed(reasoned_files(settings), BROKEN + (
        "ag:Impossible a owl:Class ; rdfs:subClassOf ag:State, ag:Person .\n"
        "ag:State owl:disjointWith ag:Person ."))
    assert hermit(graph, tmp_path) == ["https://alliance-graph.example/ontology/Impossible"]
