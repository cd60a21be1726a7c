"""labelled: a literal where an IRI belongs names the node it stands for."""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.namespaces import BASE, turtle_prologue
from alliance_graph.proposals import validation
from alliance_graph.proposals.labelled import labelled
from alliance_graph.proposals.report import Finding

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


def test_a_long_entity_and_label_are_named_clipped(settings, kg, tmp_path):
    # An entity and the label it was given, 60,000 characters each, were said whole in the
    # advice to write its IRI: 120 KB before it.
    proposal = tmp_path / "long-label.ttl"
    proposal.write_text(turtle_prologue() + f"""
id:{'E' * 60_000} a ag:Country ; rdfs:label "{'L' * 60_000}" .
claim:FxLongLabel a ag:Claim ;
    rdf:subject "{'L' * 60_000}" ; rdf:predicate ag:participant ; rdf:object id:Israel ;
    ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:000-blue-flag .
""", encoding="utf-8")
    report = validation.validate(settings, [proposal], prebuilt=None)
    [said] = [f.message for f in report.findings
              if f.shape.endswith("check/claim-subject-violation")]
    assert said.endswith(f"(<{BASE}id/{'E' * 166}…> (60,034 characters) is labelled "
                         f'"{"L" * 200}…" (60,000 characters) in the graph: write its IRI)'), \
        said[-600:]
    assert len(said) < 1_000


def test_a_long_file_name_and_its_source_are_named_clipped():
    # A source document and its file name, 60,000 characters each, were said whole in the
    # advice to write the source's IRI.
    name, source = "f" * 60_000, f"{BASE}id/source/{'S' * 60_000}"
    graph = ox.Store()
    graph.add(ox.Quad(ox.NamedNode(source), ox.NamedNode(f"{BASE}ontology/fileName"),
                      ox.Literal(name)))
    finding = Finding("Violation", "An evidence node needs exactly one oa:hasSource",
                      f"{BASE}shapes/evidence-source", "evidence-source", focus=f"{BASE}id/ev",
                      path="http://www.w3.org/ns/oa#hasSource", value=f'"{name}"')
    said = labelled(finding, graph)
    assert said.endswith(f"(<{BASE}id/source/{'S' * 159}…> (60,041 characters) is the source "
                         f'document of the file "{"f" * 200}…" (60,000 characters): write its '
                         "IRI)"), said[-600:]
    assert len(said) < 1_000


def test_a_name_written_between_quotation_marks_is_told_to_be_written_without():
    # prov:wasDerivedFrom "ev:000-blue-flag": "A claim needs at least one prov:wasDerivedFrom
    # link to an ag:Evidence node", and not a word of the quotation marks around the name.
    graph = ox.Store()
    graph.add(ox.Quad(ox.NamedNode(f"{BASE}id/evidence/000-blue-flag"),
                      ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(f"{BASE}ontology/Evidence")))
    message = "A claim needs at least one prov:wasDerivedFrom link to an ag:Evidence node."
    for written in ("ev:000-blue-flag", f"<{BASE}id/evidence/000-blue-flag>"):
        finding = Finding("Violation", message, f"{BASE}shapes/claim-evidence", "claim evidence",
                          focus=f"{BASE}id/claim/x", path="http://www.w3.org/ns/prov#wasDerivedFrom",
                          value=f'"{written}"')
        assert labelled(finding, graph) == f'{message} ("{written}" is a string: write the ' \
            f"name {written} without quotation marks)"
    # A name of no node, of no project prefix, or a text of more: as it was.
    for written in ("ev:000-blue-flags", "ex:000-blue-flag", "see ev:000-blue-flag"):
        finding = Finding("Violation", message, f"{BASE}shapes/claim-evidence", "claim evidence",
                          value=f'"{written}"')
        assert labelled(finding, graph) == message
