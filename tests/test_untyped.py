"""untyped: a claim written without ``a ag:Claim`` is one finding saying so."""

from __future__ import annotations

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

CLAIM = """
claim:BlueFlag-participant-Israel-again
    rdf:subject id:BlueFlag ;
    rdf:predicate ag:participant ;
    rdf:object id:Israel ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-blue-flag .
"""


def test_a_claim_without_its_type_is_one_finding_saying_to_type_it(settings, kg, tmp_path):
    # Its five lines were five findings, "triple with rdf:subject is not stated by any claim
    # in this file: write it as a cited claim (claim:... is not in the graph: did you mean
    # claim:BlueFlag-participant-Israel?)", and so on for each property.
    text = turtle_prologue() + CLAIM
    proposal = tmp_path / "untyped.ttl"
    proposal.write_text(text, encoding="utf-8")
    report = validation.validate(settings, [proposal], prebuilt=kg.store)
    [finding] = report.findings
    first = text.splitlines().index("claim:BlueFlag-participant-Israel-again") + 1
    assert finding.line == first
    assert finding.message == (
        "<https://alliance-graph.example/id/claim/BlueFlag-participant-Israel-again> states a "
        "fact (rdf:subject, rdf:predicate, rdf:object) but is not typed ag:Claim: write "
        "`a ag:Claim ;` after its name, as a claim's first line does")
    typed = tmp_path / "typed.ttl"
    typed.write_text(turtle_prologue() + CLAIM.replace(
        "-again\n", "-again a ag:Claim ;\n"), encoding="utf-8")
    assert "not typed ag:Claim" not in str(validation.validate(settings, [typed],
                                                               prebuilt=kg.store))
