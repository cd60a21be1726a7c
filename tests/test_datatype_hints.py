"""An ill-typed literal of a data file is told, by both routes of a build, what the shapes say
its property takes, as ``validate`` tells it (build/datatype_hints.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_graph.build import loading
from alliance_graph.build import pipeline as build
from alliance_graph.settings import Settings

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ag: <https://alliance-graph.example/ontology/> .
<urn:shape> a sh:NodeShape ; sh:targetClass ag:Claim ; sh:property [
    sh:path ag:asOf ; sh:maxCount 1 ;
    sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] ) ] ,
  [ sh:path ag:amount ; sh:datatype xsd:decimal ] .
"""
DATA = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ag: <https://alliance-graph.example/ontology/> .
<urn:c1> a ag:Claim ;
    ag:asOf "2016"^^xsd:date .
<urn:c2> ag:asOf "2016-13-45"^^xsd:date .
<urn:c3> ag:amount "May 2016"^^xsd:dateTime .
<urn:c4> a ag:Claim ; rdf:predicate ag:asOf ;
    rdf:object "2016-05"^^xsd:dateTime .
"""


@pytest.fixture
def project(tmp_path) -> Settings:
    """A project of one shapes file and one data file, in tmp_path."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "ontology" / "shapes.ttl").write_text(SHAPES)
    (tmp_path / "data" / "dates.ttl").write_text(DATA)
    return Settings(root=tmp_path, ontology_dir=tmp_path / "ontology",
                    data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")


def _streamed(settings):
    build.stream_into(ox.Store(), settings)


@pytest.mark.parametrize("route", [build.build_quads, _streamed], ids=["memory", "streaming"])
def test_an_ill_typed_date_is_told_what_its_property_takes_on_both_routes(project, route):
    # The build said the lexical form's problem alone ("(written 2016-05-31)"), where
    # validate says, from the shapes, that ag:asOf takes a year as it is written.
    with pytest.raises(loading.LoadError) as refused:
        route(project)
    said = {(p.file, p.line): p.message for p in refused.value.problems}
    dates = str(project.data_dir / "dates.ttl")  # named as its reader opens it
    assert said == {
        (dates, 5): 'ill-typed literal "2016" is not a valid xsd:date (written '
                               '2016-05-31), and ag:asOf takes an xsd:gYear too: write '
                               '"2016"^^xsd:gYear',
        # A date's form it has not: the form is what to fix, as validate says it.
        (dates, 6): 'ill-typed literal "2016-13-45" is not a valid xsd:date '
                               "(written 2016-05-31)",
        (dates, 7): 'ill-typed literal "May 2016" is not a valid xsd:dateTime, and '
                               "ag:amount takes an xsd:decimal (an xsd:decimal is written "
                               "3800000000 or 7.5)",
        # A claim's value: the property its claim names, as validate names it.
        (dates, 9): 'ill-typed literal "2016-05" is not a valid xsd:dateTime, and '
                               "ag:asOf takes an xsd:date, xsd:gYearMonth or xsd:gYear: write "
                               '"2016-05"^^xsd:gYearMonth'}


def test_without_shapes_an_ill_typed_literal_is_said_as_before(project):
    (project.ontology_dir / "shapes.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(loading.LoadError) as refused:
        build.build_quads(project)
    assert [p.message for p in refused.value.problems][0] == (
        'ill-typed literal "2016" is not a valid xsd:date (written 2016-05-31)')


@pytest.mark.parametrize("route", [build.build_quads, _streamed], ids=["memory", "streaming"])
def test_a_claim_written_as_brackets_is_told_its_property_as_a_labelled_one(project, route):
    # Its node named anew when the text was parsed again for the claims' properties, a claim
    # written [ ... ] was told no hint where one written _:k was told its property's.
    (project.data_dir / "dates.ttl").write_text(
        DATA.split("<urn:c1>")[0] + "<urn:x> ag:says [ a ag:Claim ; rdf:predicate ag:asOf ;\n"
        '    rdf:object "2016-05"^^xsd:dateTime ] .\n')
    with pytest.raises(loading.LoadError) as refused:
        route(project)
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (5, 'ill-typed literal "2016-05" is not a valid xsd:dateTime, and ag:asOf takes an '
            'xsd:date, xsd:gYearMonth or xsd:gYear: write "2016-05"^^xsd:gYearMonth')]


def test_shapes_whose_list_is_a_cycle_leave_the_literal_said_as_before(project):
    # rdflib refused the sh:or list round a cycle with a ValueError: the build's traceback.
    (project.ontology_dir / "shapes.ttl").write_text(
        SHAPES.split("<urn:shape>")[0]
        + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
          "<urn:shape> a sh:NodeShape ; sh:targetClass ag:Claim ; sh:property [\n"
          "    sh:path ag:asOf ; sh:or _:l ] .\n"
          "_:l rdf:first [ sh:datatype xsd:gYear ] ; rdf:rest _:l .\n")
    with pytest.raises(loading.LoadError) as refused:
        build.build_quads(project)
    assert [p.message for p in refused.value.problems][0] == (
        'ill-typed literal "2016" is not a valid xsd:date (written 2016-05-31)')


@pytest.mark.parametrize("datatype", ['"a b"', "42", "[ ]"])
def test_a_shape_whose_datatype_is_no_iri_leaves_the_literal_said_as_before(project, datatype):
    # ox.NamedNode refused the text ("Invalid IRI code point ' '"): the build's traceback.
    (project.ontology_dir / "shapes.ttl").write_text(
        SHAPES.split("<urn:shape>")[0] + "<urn:shape> a sh:NodeShape ; sh:targetClass "
        f"ag:Claim ; sh:property [ sh:path ag:asOf ; sh:datatype {datatype} ] .\n")
    with pytest.raises(loading.LoadError) as refused:
        build.build_quads(project)
    assert [p.message for p in refused.value.problems][0] == (
        'ill-typed literal "2016" is not a valid xsd:date (written 2016-05-31)')


def counted(monkeypatch, module, *names) -> dict[str, int]:
    """Count the calls of each function ``names`` of ``module`` from here on, in the dict
    returned."""
    calls = dict.fromkeys(names, 0)

    def counting(name, real):
        def count(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return count

    for name in names:
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    return calls


def test_many_ill_typed_literals_ask_the_shapes_once_per_property(project, monkeypatch):
    # The shapes were asked what a property takes once per literal (rdflib's lookups), and
    # each repeated message made anew: 10,000 ill-typed dates took 1.5 s to say with hints,
    # 0.3 s without.  Now once per property and once per message, counted here (the time is
    # a benchmark's to say; a ratio of two timings was this test and could flake under load).
    from alliance_graph.build import datatype_hints

    calls = counted(monkeypatch, datatype_hints, "taken", "ill_typed")
    (project.data_dir / "dates.ttl").write_text(DATA.split("<urn:c1>")[0] + "".join(
        f'<urn:c{i}> a ag:Claim ; ag:asOf "2016"^^xsd:date .\n' for i in range(2_000)))
    with pytest.raises(loading.LoadError) as refused:
        build.build_quads(project)
    problems = refused.value.problems
    assert len(problems) == 2_000 and len({p.line for p in problems}) == 2_000
    assert all("ag:asOf takes" in p.message for p in problems), problems[0].message
    assert calls == {"taken": 1, "ill_typed": 1}


@pytest.mark.parametrize("route", [build.build_quads, _streamed], ids=["memory", "streaming"])
def test_distinct_ill_typed_values_are_cast_once_each_with_the_hints(project, monkeypatch, route):
    # 10,000 distinct ill-typed dates took 1.2 s to say with hints, 0.5 s without: each value
    # cast again to each datatype ag:asOf takes (a query each, 0.6 s) and the datatypes'
    # names shortened again for each message (0.3 s).  Now the casts a value's hint needs are
    # one query per datatype, and the names made once: counted, each message as it was.
    from alliance_graph.build import datatype_hints

    casts, names = (counted(monkeypatch, loading, "_engine_reads"),
                    counted(monkeypatch, datatype_hints, "shorten"))
    (project.data_dir / "dates.ttl").write_text(DATA.split("<urn:c1>")[0] + "".join(
        f'<urn:c{i}> a ag:Claim ; ag:asOf "{1000 + i}-{"05" if i % 2 else "5"}"^^xsd:date .\n'
        for i in range(1_000)))
    with pytest.raises(loading.LoadError) as refused:
        route(project)
    problems = refused.value.problems
    assert [p.message for p in problems[:2]] == [
        'ill-typed literal "1000-5" is not a valid xsd:date (written 2016-05-31)',
        'ill-typed literal "1001-05" is not a valid xsd:date (written 2016-05-31), and ag:asOf '
        'takes an xsd:gYearMonth too: write "1001-05"^^xsd:gYearMonth']
    assert len(problems) == 1_000 and len({p.message for p in problems}) == 1_000
    # One cast per literal as the build reads it (1,000 and the shapes' sh:maxCount; was
    # 4,001: 3 more for each hint); 3 datatypes and 1 property named, or none where a test
    # before named them (was 4,500: 4 per message, and the one each "write" names).
    assert casts == {"_engine_reads": 1_001} and names["shorten"] <= 4
