"""prefix_slips: a project prefix declared with another namespace is one finding, on its line."""

from __future__ import annotations

import pytest

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

# Evidence of a passage data/ cites already under another name would be a finding of its own:
# the block is new, cited by an amendment of a claim of data/.
BLOCK = """
ev:000-negev-permanent a ag:Evidence ;
    oa:hasSource src:000_06b6882714cf1880.txt ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "The only permanent U.S. military installation in Israel" ] ,
        [ a oa:TextPositionSelector ; oa:start 2605 ; oa:end 2660 ] .

claim:NegevRadarBase-locatedIn-Israel prov:wasDerivedFrom ev:000-negev-permanent .
"""


def validated(settings, kg, tmp_path, prologue: str):
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(prologue + BLOCK, encoding="utf-8")
    return validation.validate(settings, [proposal], prebuilt=kg.store)


def test_the_block_conforms_with_the_projects_prefixes(settings, kg, tmp_path, sources_dir):
    assert validated(settings, kg, tmp_path, turtle_prologue()).findings == []


@pytest.mark.parametrize("prefix, written, meant, read", [
    # Fifteen findings, none on the @prefix line: each triple of the evidence block "not one
    # of an evidence node's properties", the selectors' types uncited, oa:hasSource missing.
    ("oa", "http://www.w3.org/ns/oa/", "http://www.w3.org/ns/oa#",
     "oa:TextPositionSelector reads <http://www.w3.org/ns/oa/TextPositionSelector>"),
    # Two findings, neither saying a word of the prefix: the citation was to be written "as
    # a cited claim".
    ("prov", "http://www.w3.org/ns/prov", "http://www.w3.org/ns/prov#",
     "prov:wasDerivedFrom reads <http://www.w3.org/ns/provwasDerivedFrom>"),
], ids=["slash-for-hash", "hash-left-out"])
def test_a_prefix_of_another_namespace_is_one_finding_on_its_line(settings, kg, tmp_path,
                                                                  sources_dir, prefix, written,
                                                                  meant, read):
    prologue = turtle_prologue().replace(f"@prefix {prefix}: <{meant}> .",
                                         f"@prefix {prefix}: <{written}> .")
    assert prologue != turtle_prologue()
    report = validated(settings, kg, tmp_path, prologue)
    [finding] = report.findings
    assert finding.line == prologue.splitlines().index(f"@prefix {prefix}: <{written}> .") + 1
    assert finding.message == (
        f"@prefix {prefix}: <{written}> is not the namespace of {prefix}: (<{meant}>, as the "
        f"data files declare it): each {prefix}: name of this file is another term, which the "
        f"graph does not have ({read}); write @prefix {prefix}: <{meant}> ."), finding.message
    assert not report.conforms


def test_a_prefix_of_another_namespace_the_file_does_not_use_is_no_finding(settings, kg,
                                                                          tmp_path, sources_dir):
    prologue = turtle_prologue().replace("@prefix skos: <http://www.w3.org/2004/02/skos/core#>",
                                         "@prefix skos: <http://www.w3.org/2004/02/skos/core/>")
    assert prologue != turtle_prologue()
    assert validated(settings, kg, tmp_path, prologue).findings == []


def test_a_datatypes_prefix_of_another_namespace_is_one_finding(settings, kg, tmp_path):
    # "1987"^^xsd:gYear under xsd: <...XMLSchema>, the # left out: its datatype was
    # <http://www.w3.org/2001/XMLSchemagYear>, and the shape's finding said to write
    # "1987"^^xsd:gYear, as the proposal had.
    prologue = turtle_prologue().replace("<http://www.w3.org/2001/XMLSchema#>",
                                         "<http://www.w3.org/2001/XMLSchema>")
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(prologue + '\nclaim:MajorNonNATOAlly-type ag:asOf "1987"^^xsd:gYear .\n',
                        encoding="utf-8")
    [finding] = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    assert finding.shape.endswith("/prefix-namespace"), finding
    assert "(xsd:gYear reads <http://www.w3.org/2001/XMLSchemagYear>)" in finding.message
