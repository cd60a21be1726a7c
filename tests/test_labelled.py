"""labelled: a literal where an IRI belongs names the node it stands for."""

from __future__ import annotations

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

EVIDENCE = """
ev:000-stockpiles-heading a ag:Evidence ;
    oa:hasSource "000_06b6882714cf1880.txt" ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "U.S. Military Stockpiles in Israel:" ] ,
        [ a oa:TextPositionSelector ; oa:start 2227 ; oa:end 2262 ] .

claim:NegevRadarBase-type prov:wasDerivedFrom ev:000-stockpiles-heading .
"""


def test_a_source_given_by_its_file_name_is_named_by_its_iri(settings, kg, tmp_path):
    # "An evidence node needs exactly one oa:hasSource, a described ag:SourceDocument
    # (src:<file name>)." of "000_06b6882714cf1880.txt", the source it names left unsaid.
    proposal = tmp_path / "file-name.ttl"
    text = turtle_prologue() + EVIDENCE
    proposal.write_text(text, encoding="utf-8")
    report = validation.validate(settings, [proposal], prebuilt=kg.store)
    [finding] = [f for f in report.findings if f.shape.endswith("/evidence-source")]
    assert finding.message.endswith(
        '(<https://alliance-graph.example/id/source/000_06b6882714cf1880.txt> is the source '
        'document of the file "000_06b6882714cf1880.txt": write its IRI)'), finding.message
    assert finding.line == text.splitlines().index(
        '    oa:hasSource "000_06b6882714cf1880.txt" ;') + 1
