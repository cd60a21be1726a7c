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


def test_an_untyped_claim_keeps_the_spelling_hints_of_what_it_writes(settings, kg, tmp_path):
    # The one finding dropped the hints the per-line findings gave: a misspelt property and
    # datatype were told only once the claim was typed.
    text = turtle_prologue() + """
claim:MemorandumOfUnderstanding2016-toYear-2029
    rdf:subject id:MemorandumOfUnderstanding2016 ;
    rdf:predicate ag:toYr ;
    rdf:object "2029"^^xsd:gyear ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-fmf .
"""
    proposal = tmp_path / "untyped.ttl"
    proposal.write_text(text, encoding="utf-8")
    [finding] = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    assert "is not typed ag:Claim" in finding.message
    assert finding.message.endswith(
        "(<https://alliance-graph.example/ontology/toYr> is not a term of the ontology: did you "
        "mean <https://alliance-graph.example/ontology/toYear>?; "
        "<http://www.w3.org/2001/XMLSchema#gyear> is no XML Schema datatype: did you mean "
        "<http://www.w3.org/2001/XMLSchema#gYear>?)"), finding.message


def test_an_untyped_claim_with_a_misspelt_part_is_still_a_claim(settings, kg, tmp_path):
    # `rdf:predicat` and no type: a finding per line, each saying to write the triple as a
    # cited claim (five, and the unknown term); now the claim's one finding and the term's.
    text = turtle_prologue() + CLAIM.replace("rdf:predicate", "rdf:predicat")
    proposal = tmp_path / "untyped.ttl"
    proposal.write_text(text, encoding="utf-8")
    findings = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    lines = text.splitlines()
    assert sorted((f.line, f.shape.rsplit("/", 1)[-1]) for f in findings) == [
        (lines.index("claim:BlueFlag-participant-Israel-again") + 1, "uncited-triple-violation"),
        (lines.index("    rdf:predicat ag:participant ;") + 1, "unknown-term-violation")]
    [unknown] = [f for f in findings if "unknown-term" in f.shape]
    assert "did you mean <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate>?" in \
        unknown.message


def test_an_untyped_claim_of_a_long_name_is_named_clipped(settings, kg, tmp_path):
    # A claim named by 60,000 characters was named whole: a message of 60 KB, its advice after.
    name = "C" * 60_000
    proposal = tmp_path / "untyped.ttl"
    proposal.write_text(turtle_prologue() + CLAIM.replace(
        "BlueFlag-participant-Israel-again", name), encoding="utf-8")
    [finding] = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    assert finding.message == (
        f"<https://alliance-graph.example/id/claim/{name[:160]}…> (60,040 characters) states a "
        "fact (rdf:subject, rdf:predicate, rdf:object) but is not typed ag:Claim: write "
        "`a ag:Claim ;` after its name, as a claim's first line does"), finding.message[-300:]
    assert finding.focus.endswith(name)  # the node whole, for the JSON and Turtle reports
