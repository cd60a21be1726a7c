"""prefix_slips: a project prefix declared with another namespace is one finding, on its line,
in a proposal and in a data file."""

from __future__ import annotations

import pytest

from alliance_graph.build import pipeline as build
from alliance_graph.build import prefix_slips
from alliance_graph.build.loading import LoadError
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


@pytest.mark.parametrize("declared, said", [
    # Quoted back as "@prefix prov: <...> ... write @prefix prov: <...#> .", a line the file
    # did not write, in a syntax other than its own.
    ("PREFIX prov: <http://www.w3.org/ns/prov>",
     "PREFIX prov: <http://www.w3.org/ns/prov> is not the namespace of prov:"),
    # Not found at all: the declaration's <prov> was read as written, not as the parser read
    # it against the base, and the finding on the citation had no line.
    ("@base <http://www.w3.org/ns/> .\n@prefix prov: <prov> .",
     "@prefix prov: <prov> (read against the base as <http://www.w3.org/ns/prov>) is not the "
     "namespace of prov:"),
], ids=["sparql-prefix", "relative-to-base"])
def test_a_slip_is_quoted_as_written(settings, kg, tmp_path, declared, said):
    prologue = turtle_prologue().replace("@prefix prov: <http://www.w3.org/ns/prov#> .", declared)
    assert prologue != turtle_prologue()
    [finding] = validated(settings, kg, tmp_path, prologue).findings
    assert finding.line == prologue.splitlines().index(declared.splitlines()[-1]) + 1
    assert finding.message.startswith(said), finding.message
    write = "PREFIX prov: <http://www.w3.org/ns/prov#>" if declared.startswith("PREFIX") else \
        "@prefix prov: <http://www.w3.org/ns/prov#> ."
    assert finding.message.endswith(f"; write {write}"), finding.message


def test_only_a_top_level_declaration_is_read():
    # A string's "@prefix" line, a comment's and a language tag named "prefix" declare nothing.
    text = ('# @prefix prov: <http://e/> .\n<http://e/s> <http://e/p> """\n@prefix oa: <http://e/> .\n'
            '""", "x"@prefix .\nBASE <http://w/ns/>\nprefix prov: <prov>\n')
    assert [d[1:] for d in prefix_slips.declarations(text)] == [
        ("BASE", None, "http://w/ns/", "http://w/ns/"),
        ("prefix", "prov", "prov", "http://w/ns/prov")]


def test_a_data_files_slip_is_one_problem_on_its_line_in_the_build(mini):
    # The build said one finding on each name the prefix misread (each claim "cites no
    # evidence (prov:wasDerivedFrom)", the citations uncited triples of an unknown property),
    # none on the @prefix line, where validate gave one there.
    facts = mini.data_dir / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("<http://www.w3.org/ns/prov#>", "<http://www.w3.org/ns/prov>"),
                     encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build.build_quads(mini)
    [problem] = refused.value.problems
    assert (problem.file, problem.line) == (str(facts), 7)
    assert problem.message.startswith("@prefix prov: <http://www.w3.org/ns/prov> is not the "
                                      "namespace of prov:"), problem.message
    assert problem.message.endswith("write @prefix prov: <http://www.w3.org/ns/prov#> . "
                                    "[prefix-namespace]"), problem.message


UNCITED = """
claim:NegevRadarBase-partner-UnitedStates a ag:Claim ;
    rdf:subject id:NegevRadarBase ;
    rdf:predicate ag:partner ;
    rdf:object id:UnitedStates ;
    ag:rank ag:NormalRank .
"""


def test_a_slip_leaves_out_only_the_findings_it_explains(settings, kg, tmp_path, sources_dir):
    # A claim citing nothing at all, in the file of a prov: slip: its finding (a claim needs
    # a prov:wasDerivedFrom) was left out with the misread citation's, its property being
    # under the prefix, and the proposal was told of the @prefix line alone.
    prologue = turtle_prologue().replace("<http://www.w3.org/ns/prov#>",
                                         "<http://www.w3.org/ns/prov>")
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(prologue + BLOCK + UNCITED, encoding="utf-8")
    text = proposal.read_text(encoding="utf-8").splitlines()
    findings = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    uncited = text.index("claim:NegevRadarBase-partner-UnitedStates a ag:Claim ;") + 1
    assert {(f.shape.rsplit("/", 1)[-1], f.line) for f in findings} >= {
        ("prefix-namespace", text.index("@prefix prov: <http://www.w3.org/ns/prov> .") + 1),
        ("claim-evidence", uncited)}, findings
    # The misread citation of the amended claim says nothing of its own.
    assert all("NegevRadarBase-locatedIn-Israel" not in (f.focus or "") for f in findings)


def slipped_build(settings, added: str) -> tuple[list[tuple[int, str]], str]:
    """Return (line, check) of each problem of a build whose data file declares prov: without
    its # and holds ``added`` too, and that file's text."""
    facts = settings.data_dir / "facts.ttl"
    text = facts.read_text(encoding="utf-8").replace("<http://www.w3.org/ns/prov#>",
                                                     "<http://www.w3.org/ns/prov>") + added
    facts.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build.build_quads(settings)
    return [(p.line, p.message.rsplit("[", 1)[-1][:-1]) for p in refused.value.problems], text


def test_a_data_files_slip_leaves_a_claim_citing_nothing_said_in_the_build(mini):
    said, text = slipped_build(mini, "\nclaim:Atlantis-uncited a ag:Claim ;\n"
                               "    rdf:subject id:Atlantis ;\n    rdf:predicate ag:coFundedBy ;\n"
                               "    rdf:object id:UnitedStates ;\n    ag:rank ag:NormalRank .\n")
    line = text.splitlines().index("claim:Atlantis-uncited a ag:Claim ;") + 1
    assert (7, "prefix-namespace") in said, said
    assert any(at == line for at, _ in said), said


def test_a_finding_naming_the_prefix_in_its_advice_is_kept(mini):
    # Two claims of one fact, in the file of a prov: slip: "keep one claim per fact and cite
    # all its evidence on it (prov:wasDerivedFrom takes several)" names a prov: term in its
    # advice, and was left out as the slip's.
    said, _ = slipped_build(mini, "\nclaim:IronDome-coFundedBy-UnitedStates-again a ag:Claim ;\n"
                            "    rdf:subject id:IronDome ;\n    rdf:predicate ag:coFundedBy ;\n"
                            "    rdf:object id:UnitedStates ;\n    ag:rank ag:NormalRank ;\n"
                            "    prov:wasDerivedFrom ev:test-iron-dome .\n")
    checks = [check for _, check in said]
    assert "prefix-namespace" in checks and "claim-duplicate-violation" in checks, said


@pytest.mark.parametrize("written, added", [
    # A namespace pasted whole from somewhere, 60,000 characters long.
    ("http://www.w3.org/ns/prov/" + "a" * 60_000, ""),
    # The # left out, and a name of 60,000 characters the slip misread (the first it names).
    ("http://www.w3.org/ns/prov", "\nid:IronDome prov:" + "a" * 60_000 + " id:UnitedStates .\n"),
], ids=["long-namespace", "long-name"])
def test_a_slip_quoting_a_long_iri_says_it_clipped(mini, written, added):
    # The declaration and the name it misread were said whole: a message of 120 KB, its
    # advice at the end of it.
    facts = mini.data_dir / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("<http://www.w3.org/ns/prov#>", f"<{written}>") + added,
                     encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build.build_quads(mini)
    [problem] = refused.value.problems
    assert (problem.file, problem.line) == (str(facts), 7)
    assert len(str(problem)) < 2_000, str(problem)[:3_000]
    assert problem.message.startswith(f"@prefix prov: <{written[:200]}"), problem.message[:300]
    assert "characters)" in problem.message
    assert problem.message.endswith("write @prefix prov: <http://www.w3.org/ns/prov#> . "
                                    "[prefix-namespace]"), problem.message
