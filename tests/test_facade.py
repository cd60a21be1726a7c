"""The package's facade: what a notebook does with it, end to end."""

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import alliance_graph as ag
from alliance_graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "fixtures" / "shapes"


def test_load_run_rows_export(settings):
    kg = ag.load(settings)
    rows = ag.rows(ag.run(kg, "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"))
    assert [r["l"].value for r in rows] == ["Iron Dome"]
    assert bool(ag.run(kg, "ASK { ?c a rdf:Statement }", inferred=True))
    turtle = ag.export(kg, "ttl")
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) > 1000


def test_validate_and_add_a_proposal(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SHAPES / "base", project / "data")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    settings = Settings.from_json({"root": project})
    assert not ag.validate([SHAPES / "claim-evidence.fail.ttl"], settings).conforms
    proposal = SHAPES / "domain.pass.ttl"
    assert ag.validate([proposal], settings).conforms
    before = {p.name: p.read_bytes() for p in (project / "data").glob("*.ttl")}
    into = sorted((project / "data").glob("*.ttl"))[0]
    result = ag.add([proposal], settings, into=into)
    assert result.report.conforms and result.merged.added
    after = {p.name: p.read_bytes() for p in (project / "data").glob("*.ttl")}
    assert after != before


@pytest.mark.parametrize("query, says", [("ASK {}", "bool(result) is its answer"),
                                         ("CONSTRUCT WHERE { ?s a ag:Claim }", "to_rdflib")])
def test_rows_of_a_result_that_has_none_says_what_to_do_instead(settings, query, says):
    # It was "AttributeError: 'pyoxigraph.QueryBoolean' object has no attribute 'variables'".
    with pytest.raises(TypeError, match=re.escape(says)):
        ag.rows(ag.run(ag.load(settings), query))


def test_one_proposal_may_be_given_as_a_path_alone(tmp_path):
    # A string was taken for a list of one-letter file names ("p: no such file", ...).
    project = tmp_path / "project"
    shutil.copytree(SHAPES / "base", project / "data")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    settings = Settings.from_json({"root": project})
    for given in (str(SHAPES / "domain.pass.ttl"), SHAPES / "domain.pass.ttl"):
        assert ag.validate(given, settings).conforms
