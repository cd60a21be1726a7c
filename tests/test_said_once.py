"""said_once: a mistake an analyst makes is one finding, the shape's, not a shape's and a
check's saying the same thing."""

from __future__ import annotations

import pytest

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation
from alliance_graph.proposals.report import CHECK, Finding
from alliance_graph.proposals.said_once import said_once

CLAIM = """
claim:JuniperCobra-region-Mediterranean a ag:Claim ;
    rdf:subject id:JuniperCobra ;
    rdf:predicate ag:region ;
    rdf:object id:Mediterranean ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-juniper-cobra .
"""
EVIDENCE = """
ev:000-prepositioned a ag:Evidence ;
    oa:hasSource src:000_06b6882714cf1881.txt ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "U.S. Military Stockpiles in Israel:" ] ,
        [ a oa:TextPositionSelector ; oa:start 2229 ; oa:end 2264 ] .
"""
# (what the analyst got wrong, the proposal, the line that says it, the shape or check that
# says it, words of the message saying what to write instead)
SLIPS = [
    ("no rank", CLAIM.replace("    ag:rank ag:NormalRank ;\n", ""),
     "claim:JuniperCobra-region-Mediterranean a ag:Claim ;", "claim-rank",
     "ag:PreferredRank, ag:NormalRank or ag:DeprecatedRank"),
    ("misspelt evidence", CLAIM.replace("ev:000-juniper-cobra", "ev:000-juniper-cobr"),
     "    prov:wasDerivedFrom ev:000-juniper-cobr .", "claim-evidence",
     "did you mean <https://alliance-graph.example/id/evidence/000-juniper-cobra>?"),
    ("unknown source", EVIDENCE + CLAIM.replace("ev:000-juniper-cobra", "ev:000-prepositioned"),
     "    oa:hasSource src:000_06b6882714cf1881.txt ;", "evidence-source",
     "did you mean <https://alliance-graph.example/id/source/000_06b6882714cf1880.txt>?"),
    ("misspelt property", CLAIM.replace("rdf:predicate ag:region", "rdf:predicate ag:regoin"),
     "    rdf:predicate ag:regoin ;", "check/unknown-term-violation",
     "claim uses a property the ontology does not declare"),
    ("value of the wrong class", CLAIM.replace("rdf:object id:Mediterranean",
                                               "rdf:object id:AirDomain").replace(
        "ag:region", "ag:participant"),
     "    rdf:object id:AirDomain ;", "event-participant", "must point at an ag:Actor"),
    ("misspelt entity", CLAIM.replace("rdf:object id:Mediterranean",
                                      "rdf:object id:Mediteranean"),
     "    rdf:object id:Mediteranean ;", "check/entity-unlabelled-violation",
     "did you mean <https://alliance-graph.example/id/Mediterranean>?"),
    # The check's words say more here: which ranks, what a subject is.
    ("a rank that is none", CLAIM.replace("ag:rank ag:NormalRank", "ag:rank ag:Normal"),
     "    ag:rank ag:Normal ;", "check/claim-rank-violation",
     "did you mean <https://alliance-graph.example/ontology/NormalRank>?"),
    # A value no number, refused by its datatype, was refused again by each bound it cannot
    # be compared with ("at least 0"; of "5 billion" as an amount, a warning that it is ten
    # trillion or more).
    ("a number written as a string",
     EVIDENCE.replace("1881", "1880").replace("oa:start 2229 ; oa:end 2264",
                                                'oa:start "2227" ; oa:end 2262')
     + CLAIM.replace("ev:000-juniper-cobra", "ev:000-prepositioned"),
     '        [ a oa:TextPositionSelector ; oa:start "2227" ; oa:end 2262 ] .', "position-start",
     'is a plain string'),
    ("an entity by its label", CLAIM.replace("rdf:subject id:JuniperCobra",
                                              'rdf:subject "Juniper Cobra"'),
     '    rdf:subject "Juniper Cobra" ;', "check/claim-subject-violation",
     'is labelled "Juniper Cobra" in the graph: write its IRI'),
]


@pytest.mark.parametrize("slip, text, line, shape, words", SLIPS, ids=[s[0] for s in SLIPS])
def test_a_slip_is_one_finding_on_its_line(slip, text, line, shape, words, settings, kg,
                                           sources_dir, tmp_path):
    # Each was two or three findings on one line, or two lines: "claim has no ag:rank" and
    # "A claim needs exactly one ag:rank: ..."; "cited node is not described as ag:Evidence"
    # and the claim's "needs ... an ag:Evidence node"; "evidence has no oa:hasSource naming a
    # described source document", "source file ... is not in the sources folder" and the
    # shape's; the claim's unknown property and its plain triple's; "not typed as its range
    # ag:Actor" and "must point at an ag:Actor"; "claim's ag:rank is ag:Normal, none of the
    # three ranks: write ..." and "A claim needs exactly one ag:rank"; "claim is about a
    # literal ..." and "A claim needs exactly one rdf:subject, the IRI ..."; of a misspelt
    # entity, no cited type, no cited label and a value outside the range, each with the
    # same "did you mean".
    text = turtle_prologue() + text
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(text, encoding="utf-8")
    report = validation.validate(settings, [proposal], prebuilt=kg.store)
    [finding] = report.findings
    assert (finding.line, finding.shape.rsplit("shapes/", 1)[-1]) == \
        (text.splitlines().index(line) + 1, shape), finding
    assert words in finding.message


def _finding(severity, shape, message="m", **where):
    return Finding(severity, message, shape, "name", file="p.ttl", line=3, **where)


def test_a_check_is_left_out_only_for_a_finding_as_severe():
    # A shape's warning on the same triple must not take a violation's place: the proposal
    # would then conform.
    check = _finding("Violation", str(CHECK["value-outside-range-violation"]), focus="x",
                     path="p", value="v")
    warning = _finding("Warning", "https://alliance-graph.example/shapes/s", focus="x",
                       path="p", value="v")
    assert said_once([warning, check]) == [warning, check]
    violation = _finding("Violation", "https://alliance-graph.example/shapes/s", focus="x",
                         path="p", value="v")
    assert said_once([violation, check]) == [violation]
    other_value = _finding("Violation", "https://alliance-graph.example/shapes/s", focus="x",
                           path="p", value="w")
    assert said_once([other_value, check]) == [other_value, check]


def test_a_bounds_finding_on_a_value_of_no_number_is_left_out_only_beside_one_as_severe():
    bound = _finding("Violation", "https://alliance-graph.example/shapes/s", focus="x", path="p",
                     value='"2605"', component="http://www.w3.org/ns/shacl#MinInclusiveConstraintComponent")
    datatype = _finding("Warning", "https://alliance-graph.example/shapes/s", focus="x", path="p",
                        value='"2605"', component="http://www.w3.org/ns/shacl#DatatypeConstraintComponent")
    assert said_once([datatype, bound]) == [datatype, bound]
    severe = _finding("Violation", "https://alliance-graph.example/shapes/s", focus="x", path="p",
                      value='"2605"', component="http://www.w3.org/ns/shacl#DatatypeConstraintComponent")
    assert said_once([severe, bound]) == [severe]
    # A number out of its bounds is a finding of its own, whatever else is said of it.
    number = '"-1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    out = _finding("Violation", "https://alliance-graph.example/shapes/s", focus="x", path="p",
                   value=number, component="http://www.w3.org/ns/shacl#MinInclusiveConstraintComponent")
    other = _finding("Violation", "https://alliance-graph.example/shapes/t", focus="x", path="p",
                     value=number)
    assert said_once([other, out]) == [other, out]
