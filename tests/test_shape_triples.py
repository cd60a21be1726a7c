"""shape_triples: a shape's finding naming no one property is on the triple at fault."""

from __future__ import annotations

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

TWO_TYPES = """
claim:FxTwoTypes-type a ag:Claim ;
    rdf:subject id:FxTwoTypes ;
    rdf:predicate rdf:type ;
    rdf:object ag:State ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .

claim:FxTwoTypes-label a ag:Claim ;
    rdf:subject id:FxTwoTypes ;
    rdf:predicate rdfs:label ;
    rdf:object "Two types" ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .

claim:FxTwoTypes-stance a ag:Claim ;
    rdf:subject id:FxTwoTypes ;
    rdf:predicate rdf:type ;
    rdf:object ag:Stance ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .
"""

AFFIRMED = """
claim:Proposition-AidAtUSExpense-affirmedBy-IronDome a ag:Claim ;
    rdf:subject id:Proposition-AidAtUSExpense ;
    rdf:predicate ag:affirmedBy ;
    rdf:object id:IronDome ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .
"""


def validated(settings, kg, tmp_path, body: str):
    text = turtle_prologue() + body
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(text, encoding="utf-8")
    return text.splitlines(), validation.validate(settings, [proposal], prebuilt=kg.store)


def test_a_closed_lists_finding_is_on_the_type_claim_naming_its_class(settings, kg, tmp_path):
    # A node typed a State, then a Stance, the ontology's closed list of five: the finding,
    # "a proposal cannot add one", was on the first line of the first type claim, which
    # types it a State and is right.
    lines, report = validated(settings, kg, tmp_path, TWO_TYPES)
    [finding] = [f for f in report.findings if f.shape.endswith("/StanceShape")]
    assert finding.line == lines.index("    rdf:object ag:Stance ;") + 1, finding


def test_an_alternative_paths_finding_is_on_the_claim_giving_the_value(settings, kg, tmp_path):
    # A proposition of data/ affirmed by a weapon system: the assessor shape's finding was on
    # the first line of a claim about the proposition (its type claim, where it has one in
    # the file), not on the value of the claim naming the wrong assessor.
    lines, report = validated(settings, kg, tmp_path, AFFIRMED)
    [finding] = [f for f in report.findings if f.shape.endswith("/proposition-assessor")]
    assert finding.line == lines.index("    rdf:object id:IronDome ;") + 1, finding
    assert finding.path == "https://alliance-graph.example/ontology/affirmedBy"
