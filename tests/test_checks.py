"""The *-violation.rq checks: silent on the shipped graph, and each fires with file and line."""

import re
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph.build import checks, shape_checks, spelling
from alliance_graph.build import pipeline as build
from alliance_graph.build.loading import LoadError
from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation
from alliance_graph.rdf import graph_iri
from helpers import build_problems, expected

ALL = [c.name for c in checks.all_checks()]


@pytest.fixture(scope="module")
def shipped(settings):
    return build.asserted(settings)


def test_checks_exist_for_both_kinds():
    assert {c.name for c in checks.all_checks(("data",))} >= {
        "claim-incomplete-violation", "claim-duplicate-violation", "evidence-incomplete-violation",
        "unknown-term-violation", "uncited-triple-violation", "entity-unlabelled-violation",
        "claim-subject-violation", "claim-predicate-violation", "claim-value-violation",
        "claim-self-link-violation", "claim-link-violation", "node-namespace-violation"}
    assert {c.name for c in checks.all_checks(("ontology",))} >= {
        "term-missing-label-violation", "term-duplicate-label-violation",
        "term-missing-definition-violation", "term-unused-violation"}


@pytest.mark.parametrize("name", ALL)
def test_shipped_graph_passes(shipped, name):
    [check] = [c for c in checks.all_checks() if c.name == name]
    found = checks.run_check(checks.store_of(shipped.quads), check,
                             checks.LineIndex(shipped.texts))
    assert found == [], "\n".join(map(str, found))


def test_mini_project_builds(mini):
    assert build.build_quads(mini)


# Each case: a line to replace in tests/fixtures/mini/data/facts.ttl, its replacement, the
# check that must fire, and the line it must report: validate's (docs/validation.md), the line
# of a claim's offending rdf:subject, rdf:predicate or rdf:object, of an entity's type claim.
BREAKAGES = [
    ("    rdf:object id:UnitedStates ;\n", "", "claim-incomplete-violation", "claim has no rdf:object", 31),
    ("    prov:wasDerivedFrom ev:test-iron-dome .\n\nclaim:IronDome-label",
     "    .\n\nclaim:IronDome-label", "claim-incomplete-violation", "cites no evidence", 17),
    ("    oa:hasSource src:test.txt ;\n", "", "evidence-incomplete-violation", "no oa:hasSource", 13),
    ("    rdf:predicate ag:coFundedBy ;\n    rdf:object id:UnitedStates ;",
     "    rdf:predicate ag:fundedBy ;\n    rdf:object id:UnitedStates ;",
     "unknown-term-violation", "property the ontology does not declare", None),
    ("src:test.txt a ag:SourceDocument .\n",
     "src:test.txt a ag:SourceDocument .\n\n<https://alliance-graph.example/id/IronDome> ag:coFundedBy <https://alliance-graph.example/id/Israel> .\n",
     "uncited-triple-violation", "not stated by any claim", 13),
    ("claim:Atlantis-type a ag:Claim ;\n",
     "claim:Lemuria-type a ag:Claim ;\n    rdf:subject id:Lemuria ;\n    rdf:predicate rdf:type ;\n"
     "    rdf:object ag:State ;\n    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:test-iron-dome .\n\n"
     "claim:Atlantis-type a ag:Claim ;\n",
     "entity-unlabelled-violation", "no cited rdfs:label", 66),
    # A second claim of a fact: it was accepted, and add wrote it beside the first.
    ("claim:Atlantis-type a ag:Claim ;\n",
     "claim:Atlantis-type-again a ag:Claim ;\n    rdf:subject id:Atlantis ;\n"
     "    rdf:predicate rdf:type ;\n    rdf:object ag:State ;\n    ag:rank ag:NormalRank ;\n"
     "    prov:wasDerivedFrom ev:test-iron-dome .\n\nclaim:Atlantis-type a ag:Claim ;\n",
     "claim-duplicate-violation", "states the fact claim", 66),
]


def added_claim(s, p, o, name="claim:Added", extra=""):
    """Return a BREAKAGES case adding a claim block before claim:Atlantis-type (line 66)."""
    block = (f"{name} a ag:Claim ;\n    rdf:subject {s} ;\n    rdf:predicate {p} ;\n"
             f"    rdf:object {o} ;\n{extra}    ag:rank ag:NormalRank ;\n"
             "    prov:wasDerivedFrom ev:test-iron-dome .\n\n")
    return ("claim:Atlantis-type a ag:Claim ;\n", block + "claim:Atlantis-type a ag:Claim ;\n")


# What a claim is about, points at and is named: each was built, and a later check failed
# (a second label on an ontology term) or nothing did.
BREAKAGES += [
    (*added_claim("ag:coFundedBy", "rdfs:label", '"hijacked"'), "claim-subject-violation",
     "an ontology term", 67),
    (*added_claim("claim:IronDome-label", "rdfs:label", '"x"'), "claim-subject-violation",
     "a claim", 67),
    (*added_claim("ev:test-iron-dome", "rdfs:label", '"x"'), "claim-subject-violation",
     "an evidence node", 67),
    (*added_claim("[ ]", "ag:coFundedBy", "id:UnitedStates"), "claim-subject-violation",
     "a blank node", 67),
    (*added_claim("<http://evil.example/Thing>", "rdf:type", "ag:State"),
     "claim-subject-violation", "outside the entities' namespace", 67),
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  name="<http://evil.example/claim/X>"),
     "node-namespace-violation", "named outside its namespace", 66),
    (*added_claim("id:Atlantis", "ag:coFundedBy", "[ ]"), "claim-value-violation",
     "is a blank node", 69),
    (*added_claim("id:Atlantis", "ag:rank", "ag:PreferredRank"), "claim-predicate-violation",
     "a property of claims", 68),
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra="    ag:disputedBy claim:Added ;\n"),
     "claim-self-link-violation", "linked to itself by ag:disputedBy", 70),
    # on its own line, not on the rdf:predicate naming the same property two lines up
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra="    ag:coFundedBy id:IronDome ;\n"),
     "uncited-triple-violation", "is not one of a claim's properties", 70),
]


# A claim of two values: the plain graph asserted one (the first read) and dropped the other,
# and the streaming route asserted both; only validate's shapes refused it.
BREAKAGES += [
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates, id:IronDome"),
     "claim-multiple-violation", "more than one rdf:object", 69),
    (*added_claim("id:Atlantis, id:IronDome", "ag:coFundedBy", "id:UnitedStates"),
     "claim-multiple-violation", "more than one rdf:subject", 67),
    # on the line of each value (ag:PreferredRank, added, first; ag:NormalRank below), as a
    # triple's finding is: it was on the line of the one SAMPLE() picked alone, ag:NormalRank's
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra="    ag:rank ag:PreferredRank ;\n"),
     "claim-multiple-violation", "more than one ag:rank", 70),
]


# A misspelt rank: the truthy step asserts preferred and normal claims' facts only, so the
# fact was dropped from the graph, and the build, stats and check said nothing.
BREAKAGES += [
    (added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates")[0],
     added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates")[1].replace(
         "ag:rank ag:NormalRank", "ag:rank ag:NormalRnk"),
     "claim-rank-violation", "none of the three ranks", 70),
    (added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates")[0],
     added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates")[1].replace(
         "ag:rank ag:NormalRank", 'ag:rank "normal"'),
     "claim-rank-violation", "normal, none of the three", 70),
]


# A slip of the keyboard: the build said what it broke, where validate names what was meant
# too (build/spelling.py, once the proposals' alone).
BREAKAGES += [
    (*added_claim("id:Atlantsi", "ag:coFundedBy", "id:UnitedStates"),
     "entity-unlabelled-violation",
     "did you mean <https://alliance-graph.example/id/Atlantis>?", 66),
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra="    ag:rnk ag:NormalRank ;\n"),
     "unknown-term-violation", "did you mean <https://alliance-graph.example/ontology/rank>?", 70),
    # A datatype of the XML Schema namespace that is none: the build passed it (a parser takes
    # it for one it does not know), and the value was no year to a query.
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra='    ag:asOf "2020"^^<http://www.w3.org/2001/XMLSchema#gyear> ;\n'),
     "literal-datatype-violation",
     "did you mean <http://www.w3.org/2001/XMLSchema#gYear>?", 70),
]


# Links between claims, which only tests of the shipped data held: written on one claim, without
# a note on a linked claim, between claims about different subjects.
NOTE = '    ag:disagreementNote "What differs." ;\n'
BREAKAGES += [
    (*added_claim("id:IronDome", "rdfs:label", '"Iron Dome system"',
                  extra="    ag:variantOf claim:IronDome-label ;\n" + NOTE),
     "claim-link-violation", "which does not link back", 70),
    # both ways, a note on the first claim only: the second (line 38, 40 after two added lines)
    ("    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:test-iron-dome .\n\n"
     "claim:IronDome-coFundedBy-Atlantis a ag:Claim ;\n",
     "    ag:rank ag:NormalRank ;\n    ag:disputedBy claim:IronDome-coFundedBy-Atlantis ;\n"
     + NOTE + "    prov:wasDerivedFrom ev:test-iron-dome .\n\n"
     "claim:IronDome-coFundedBy-Atlantis a ag:Claim ;\n"
     "    ag:disputedBy claim:IronDome-coFundedBy-UnitedStates ;\n",
     "claim-link-violation", "has no ag:disagreementNote", 40),
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra="    ag:disputedBy claim:IronDome-coFundedBy-UnitedStates ;\n" + NOTE),
     "claim-link-violation", "and that claim about", 70),
]


@pytest.mark.parametrize("old, new, check, message, line", BREAKAGES,
                         ids=[f"{b[2]}-{i}" for i, b in enumerate(BREAKAGES)])
def test_broken_data_stops_the_build_with_file_and_line(mini, old, new, check, message, line):
    facts = mini.data_dir / "facts.ttl"
    text = facts.read_text()
    assert old in text
    facts.write_text(text.replace(old, new, 1))
    with pytest.raises(LoadError) as err:
        build.build_quads(mini)
    hits = [p for p in err.value.problems if f"[{check}]" in p.message and message in p.message]
    assert hits, str(err.value)
    assert hits[0].file == str(facts)  # as its reader opens it: the folder is elsewhere
    if line is not None:
        assert hits[0].line == line, str(err.value)


def test_a_claim_of_an_undeclared_property_is_one_finding(mini):
    # The plain triple the claim states was a second finding ("data file uses ..."), the
    # same slip said twice on the same line.
    facts = mini.data_dir / "facts.ttl"
    facts.write_text(facts.read_text().replace("rdf:predicate ag:coFundedBy ;",
                                               "rdf:predicate ag:fundedBy ;", 1))
    with pytest.raises(LoadError) as err:
        build.build_quads(mini)
    said = [p.message for p in err.value.problems
            if "[unknown-term-violation]" in p.message and "fundedBy" in p.message]
    assert len(said) == 1, said
    assert "claim uses a property the ontology does not declare" in said[0]


def test_an_undeclared_property_no_term_is_near_is_named(mini, settings, kg, tmp_path):
    # rdf:predicate rdfs:comment: "claim uses a property the ontology does not declare", in
    # validate's message with no word of which (the build named the claim's property after
    # it, a bare IRI); a property near one of the ontology's was named only by its hint.
    facts = mini.data_dir / "facts.ttl"
    old, new = added_claim("id:Atlantis", "rdfs:comment", '"a note"')
    facts.write_text(facts.read_text().replace(old, new, 1))
    with pytest.raises(LoadError) as err:
        build.build_quads(mini)
    said = [str(p) for p in err.value.problems if "[unknown-term-violation]" in p.message]
    assert said == [f"{facts}:68: claim uses a property the ontology does not declare "
                    "(<http://www.w3.org/2000/01/rdf-schema#comment>) [unknown-term-violation]"]
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(turtle_prologue() + added_claim(
        "id:NegevRadarBase", "rdfs:comment", '"a note"', "claim:NegevRadarBase-comment")[1]
        .replace("ev:test-iron-dome", "ev:000-negev-radar").replace(
            "claim:Atlantis-type a ag:Claim ;\n", ""), encoding="utf-8")
    [finding] = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    assert finding.message == ("claim uses a property the ontology does not declare "
                               "(<http://www.w3.org/2000/01/rdf-schema#comment>)")


def test_the_streaming_route_names_what_a_slip_meant_too(mini):
    # The streaming build (inputs over streaming_threshold) runs the same checks in its store.
    facts = mini.data_dir / "facts.ttl"
    old, new = added_claim("id:Atlantsi", "ag:coFundedBy", "id:UnitedStates")
    facts.write_text(facts.read_text().replace(old, new, 1))
    with pytest.raises(LoadError) as err:
        build.build_quads(mini.with_(streaming_threshold=0))
    assert "did you mean <https://alliance-graph.example/id/Atlantis>?" in str(err.value)


SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"


def test_the_build_places_each_finding_on_the_line_validate_gives(settings, tmp_path):
    """Regression: a claim about a misspelt entity (rdf:subject id:BlueFlg) was on line 17 in
    validate's report and 18 in the build's, a claim's wrong rdf:predicate on the claim's
    first line: the build placed every finding on its node's line alone.  Each shape fixture,
    built as a data file, must have the build's data checks find what its '# expect:' lines
    ask of them, on those lines (the lines validate gives, tests/test_shapes.py).  The
    validation checks too, which `check` runs: a value outside its property's range, given by
    a claim, was on the first line of another claim about its subject (`rdf:subject
    id:JuniperCobra` of its type claim), where validate gave the claim's own first line; both
    now give the claim's rdf:object line, the one to change.  A project prefix declared with
    another namespace was a finding on each name it misread in the build, one on its line in
    validate: one on its line in both."""
    data = tmp_path / "data"
    shutil.copytree(SHAPE_FIXTURES / "base", data)
    # The build stops at an ill-typed literal before any check runs.
    fixtures = [p for p in sorted(SHAPE_FIXTURES.glob("*.fail.ttl")) if "ill-typed" not in p.name]
    for path in fixtures:
        shutil.copy(path, data / path.name)
    parsed = build.asserted(settings.with_(data_dir=data))
    kinds = ("data", "validation")
    # A project prefix of another namespace too: one finding on its line, as validate's.
    names = {f"check:{c.name}" for c in checks.all_checks(kinds)} | {"check:prefix-namespace"}
    # And the shapes' violations, which the data checks compile (shape_checks.py): each on a
    # line validate gives, and each line validate gives one on found, by the shape or by a
    # check saying the same there (its finding is then the build's one).
    shapes = {c.name for c in shape_checks.shape_checks(checks.store_of(parsed.quads))}
    found: dict[str, set] = {}
    for p in checks.problems(parsed.quads, parsed.texts, kinds=kinds):
        check = re.search(r"\[([\w:-]+)\]$", p.message).group(1)
        found.setdefault(p.file, set()).add((check if ":" in check else f"check:{check}", p.line))
    compared = shaped = 0
    for path in fixtures:
        marked = expected(path) | expected(path, "build")
        want = {(name, line) for name, line in marked if name in names}
        got = found.get(f"data/{path.name}", set())
        assert {f for f in got if f[0] not in shapes} == want, path.name
        assert {line for name, line in got if name in shapes} <= {line for _, line in marked}, \
            path.name
        assert {line for name, line in marked if name in shapes} <= {line for _, line in got}, \
            path.name
        compared += bool(want)
        shaped += any(name in shapes for name, _ in marked)
    assert compared > 20 and shaped > 40


# Ontology quality checks on the mini project: (text appended to ontology/mini.ttl, check).
ONTOLOGY_BREAKAGES = [
    ('ag:Unlabelled a owl:Class ; skos:definition "x"@en ; rdfs:isDefinedBy ag: .\n',
     "term-missing-label-violation"),
    ('ag:Twin a owl:Class ; rdfs:label "State"@en ; skos:definition "x"@en ; rdfs:isDefinedBy ag: .\n'
     'ag:x a ag:Twin .\n', "term-duplicate-label-violation"),
    ('ag:Undefined a owl:Class ; rdfs:label "undefined"@en ; rdfs:isDefinedBy ag: .\n',
     "term-missing-definition-violation"),
    ('ag:Unused a owl:Class ; rdfs:label "unused"@en ; skos:definition "x"@en ; rdfs:isDefinedBy ag: .\n',
     "term-unused-violation"),
]


@pytest.mark.parametrize("addition, check", ONTOLOGY_BREAKAGES, ids=[c for _, c in ONTOLOGY_BREAKAGES])
def test_ontology_checks_fire_on_the_term_with_its_line(mini, addition, check):
    onto = mini.ontology_dir / "mini.ttl"
    before = onto.read_text()
    onto.write_text(before + "\n" + addition)
    parsed = build.asserted(mini)
    found = [p for p in checks.problems(parsed.quads, parsed.texts, kinds=("ontology",))
             if f"[{check}]" in p.message]
    assert found, check
    assert {p.file for p in found} == {"ontology/mini.ttl"}
    # A duplicate label is reported on both terms; the added one sits on the line after `before`.
    assert before.count("\n") + 2 in {p.line for p in found}


def test_each_claim_of_a_fact_stated_many_times_is_reported_once():
    # Each claim was paired with each twin: 1,000 copies of one fact gave 999,000 findings
    # (24.5 s, 1 GB).  One finding per claim, naming one twin and how many there are.
    n = 300
    text = turtle_prologue() + "".join(
        f"claim:Big{i} a ag:Claim ; rdf:subject id:JuniperCobra ; rdf:predicate ag:region ; "
        f"rdf:object id:Mediterranean .\n" for i in range(n))
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph_iri("data/big.ttl"))
    [check] = [c for c in checks.all_checks() if c.name == "claim-duplicate-violation"]
    found = checks.run_check(store, check, checks.LineIndex({"data/big.ttl": text}))
    assert len(found) == n
    assert len({p.line for p in found}) == n, "each claim once, on its own line"
    assert all(f"and {n - 2} more also state" in p.message for p in found)


def found_in(text: str, name: str) -> list:
    """Return what check ``name`` finds in ``text``, read as the data file data/x.ttl."""
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph_iri("data/x.ttl"))
    [check] = [c for c in checks.all_checks() if c.name == name]
    return checks.run_check(store, check, checks.LineIndex({"data/x.ttl": text}))


def test_a_blank_node_claim_restating_a_fact_is_reported_not_a_traceback():
    # The message named the other claim with STR(), an error for a blank node: the row came
    # back with no message and the build (every command) ended in an AttributeError.
    text = turtle_prologue() + (
        "claim:Named a ag:Claim ; rdf:subject id:JuniperCobra ; rdf:predicate ag:region ; "
        "rdf:object id:Mediterranean .\n"
        "_:twin a ag:Claim ; rdf:subject id:JuniperCobra ; rdf:predicate ag:region ; "
        "rdf:object id:Mediterranean .\n")
    found = found_in(text, "claim-duplicate-violation")
    messages = sorted(p.message for p in found)
    assert len(messages) == 2
    assert "claim states the fact a blank-node claim also states" in messages[0]
    assert "claim states the fact claim <https://" in messages[1], messages


def test_ontology_checks_are_silent_on_the_mini_project(mini):
    parsed = build.asserted(mini)
    assert checks.problems(parsed.quads, parsed.texts, kinds=("ontology",)) == []


def test_a_blank_node_claim_opening_a_statement_has_its_line():
    # [ a ag:Claim ; ... ] . is named by the parser and pointed at by nothing: the build's
    # findings on it had no line.
    text = turtle_prologue() + (
        "\n[ a ag:Claim ;\n    rdf:subject id:JuniperCobra ;\n    rdf:predicate ag:region ;\n"
        "    rdf:object id:Mediterranean ] .\n")
    found = found_in(text, "claim-incomplete-violation")
    assert found and {p.line for p in found} == {text.splitlines().index("[ a ag:Claim ;") + 1}, \
        found


def test_a_text_value_with_white_space_at_an_end_is_found_a_quote_s_is_not():
    # "Blue Flag " was a second label beside "Blue Flag", and a pasted line break went in
    # unseen: nothing looked at a value's ends.
    text = turtle_prologue() + (
        '\nclaim:A-label a ag:Claim ;\n    rdf:subject id:A ;\n    rdf:predicate rdfs:label ;\n'
        '    rdf:object "Blue Flag " .\n'
        'claim:A-acronym a ag:Claim ; rdf:subject id:A ; rdf:predicate ag:acronym ;\n'
        '    rdf:object "BF" .\n'
        'ev:a a ag:Evidence ; oa:hasSelector [ a oa:TextQuoteSelector ;\n'
        '    oa:exact " Blue Flag" ; oa:suffix ":\\n" ] .\n'
        'id:A ag:note """\nA note.""" .\n')
    found = found_in(text, "value-whitespace-violation")
    lines = text.splitlines()
    assert sorted((p.line, p.message.split(": write")[0]) for p in found) == [
        (lines.index('    rdf:object "Blue Flag " .') + 1,
         "value of http://www.w3.org/1999/02/22-rdf-syntax-ns#object ends with white space "
         "(a space, a tab, a line break)"),
        (lines.index('id:A ag:note """') + 1,
         "value of https://alliance-graph.example/ontology/note starts with white space "
         "(a space, a tab, a line break)")], found


def test_two_claims_linked_as_two_kinds_of_disagreement_are_found_on_each_link():
    # claim:A ag:variantOf claim:B beside claim:B ag:disputedBy claim:A: "both can be true"
    # and "cannot both be true" of one pair, each link passing its own rules.
    text = turtle_prologue() + (
        "\nclaim:A ag:variantOf claim:B .\nclaim:B ag:disputedBy claim:A .\n"
        "claim:C ag:variantOf claim:D .\nclaim:D ag:variantOf claim:C .\n")
    found = found_in(text, "link-kind-violation")
    assert sorted((p.line, p.message.split(" too:")[0]) for p in found) == [
        (18, "claim is linked to <https://alliance-graph.example/id/claim/B> by "
             "<https://alliance-graph.example/ontology/variantOf> and by "
             "<https://alliance-graph.example/ontology/disputedBy>"),
        (19, "claim is linked to <https://alliance-graph.example/id/claim/A> by "
             "<https://alliance-graph.example/ontology/disputedBy> and by "
             "<https://alliance-graph.example/ontology/variantOf>")], found


def test_each_check_is_named_by_a_whole_sentence():
    # A query's first comment line going on with a second sentence, cut at the line's end,
    # named the check in every report: "A claim's rank is none of the three ranks.  The
    # truthy step asserts the fact of a claim".
    for check in checks.all_checks():
        assert check.title.endswith(".") and ".  " not in check.title, (check.name, check.title)


LONG = "a" * 60_000
# A check's finding naming a term of 60,000 characters said it whole, twice or three times:
# each is said by its start, an ellipsis and its length (clipping.py), the advice kept last.
LONG_TERMS = [
    # a term the row holds, between < > (an unknown property) and bare (its uncited triple)
    (*added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates",
                  extra=f"    ag:rnk{LONG} ag:NormalRank ;\n"),
     "unknown-term-violation", "does not declare (<https://alliance-graph.example/ontology/rnk",
     "ag:rnk"),
    # a text of many words (the row's value), written bare
    (added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates")[0],
     added_claim("id:Atlantis", "ag:coFundedBy", "id:UnitedStates")[1].replace(
         "ag:rank ag:NormalRank", 'ag:rank "' + " ".join(["word"] * 12_000) + '"'),
     "claim-rank-violation", "none of the three ranks: write ag:PreferredRank", "ag:rank"),
    # a term no row holds: the other claim of a fact, named by the first
    (*added_claim("id:Atlantis", "rdf:type", "ag:State", name=f"claim:{LONG}"),
     "claim-duplicate-violation", "cite all its evidence on it", "claim:Atlantis-type a"),
    # a node nothing describes, named with the node most likely meant (spelling.said; a
    # name of more than 1,000 characters is offered none)
    ("claim:Atlantis-type a ag:Claim ;\n",
     f"id:{LONG[:900]}x a ag:State .\n\n" + added_claim(f"id:{LONG[:900]}y", "ag:coFundedBy",
                                                       "id:UnitedStates")[1],
     "entity-unlabelled-violation", "is not in the graph: did you mean", "claim:Added a"),
]


@pytest.mark.parametrize("old, new, check, said, line_of", LONG_TERMS,
                         ids=[f"{t[2]}-{i}" for i, t in enumerate(LONG_TERMS)])
def test_a_finding_naming_a_long_term_says_it_clipped(mini, old, new, check, said, line_of):
    facts = mini.data_dir / "facts.ttl"
    text = facts.read_text().replace(old, new, 1)
    facts.write_text(text)
    with pytest.raises(LoadError) as err:
        build.build_quads(mini)
    hits = [p for p in err.value.problems if p.message.endswith(f"[{check}]")]
    assert hits, str(err.value)[:3_000]
    assert all(len(str(p)) < 2_000 for p in err.value.problems), str(err.value)[:3_000]
    lines = text.splitlines()
    assert any(p.file == str(facts) and lines[p.line - 1].lstrip().startswith(line_of)
               and said in p.message and "characters)" in p.message for p in hits), hits


def test_a_node_of_megabytes_nothing_describes_is_offered_no_name_in_a_moment(mini):
    # difflib compared it with a node of as many megabytes, in time growing with both: 6 s
    # for two of 5 MB, to offer a name a message shows by its first 200 characters alone.
    name = "a" * 3_000_000
    facts = mini.data_dir / "facts.ttl"
    old, new = added_claim(f"id:{name}y", "ag:coFundedBy", "id:UnitedStates")
    facts.write_text(facts.read_text().replace(old, f"id:{name}x a ag:State .\n\n" + new, 1))
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    with pytest.raises(LoadError) as err:
        build.build_quads(mini)
    assert time.thread_time() - start < 3, "no name past 1,000 characters is compared"
    said = [p for p in err.value.problems if p.message.endswith("[entity-unlabelled-violation]")]
    assert said and all(spelling.NOT_IN_GRAPH not in p.message for p in said), said


def test_a_message_naming_a_text_that_writes_nuls_is_clipped_whole():
    # A term clipped is held out of the message between NULs until the rest is: a text
    # writing "\u00000\u0000" (a NUL, a digit, a NUL) beside a long IRI was read as one held.
    store = ox.Store()
    long = ox.NamedNode("https://alliance-graph.example/id/" + "a" * 60_000)
    store.add(ox.Quad(long, ox.NamedNode("urn:p"), ox.Literal("\x000\x00 and \x001\x00"),
                      ox.NamedNode("urn:g")))
    check = checks.Check("t", "a test", 'SELECT ?focus ?value (CONCAT("node <", STR(?focus), '
                         '"> says \\"", ?value, "\\"") AS ?message) { ?focus <urn:p> ?value }')
    [row] = store.query(check.sparql, use_default_graph_as_union=True)
    assert check.message_of(row) == (f'node <{long.value[:200]}…> (60,034 characters) says '
                                     '"\x000\x00 and \x001\x00"')


# A claim stated again with another value (in its own block, or in a file of its own) was one
# finding on one of the two lines, the same one whichever was added: the line of the value
# SAMPLE() picked.  Each value now has its finding on its own line.
OBJECT = "    rdf:object id:UnitedStates ;\n"


# Each finding named its own line alone, not what it conflicts with: it names the claim's other
# values and where each is (a value on its own line is shown by the line), the first three.
MANY = "".join(f"    rdf:object id:V{i} ;\n" for i in range(50))


@pytest.mark.parametrize("route", ["default", "streaming"])
@pytest.mark.parametrize("edit, expected", [
    ({"facts.ttl": (OBJECT, OBJECT + "    rdf:object id:Atlantis ;\n")},
     [("data/facts.ttl", 34, "id:Atlantis (line 35)"),
      ("data/facts.ttl", 35, "id:UnitedStates (line 34)")]),
    ({"facts.ttl": (OBJECT, "    rdf:object id:Atlantis ;\n" + OBJECT)},
     [("data/facts.ttl", 34, "id:UnitedStates (line 35)"),
      ("data/facts.ttl", 35, "id:Atlantis (line 34)")]),
    ({"more.ttl": (None, "claim:IronDome-coFundedBy-UnitedStates rdf:object id:Atlantis .\n")},
     [("data/facts.ttl", 34, "id:Atlantis (data/more.ttl:4)"),
      ("data/more.ttl", 4, "id:UnitedStates (data/facts.ttl:34)")]),
    ({"facts.ttl": (OBJECT, "    rdf:object id:UnitedStates, id:Atlantis ;\n")},
     [("data/facts.ttl", 34, None)]),
    ({"facts.ttl": (OBJECT, OBJECT + "    rdf:object id:Atlantis, \"x\" ;\n"),
      "more.ttl": (None, "claim:IronDome-coFundedBy-UnitedStates rdf:object id:Atlantis .\n")},
     [("data/facts.ttl", 34, '"x" (line 35), id:Atlantis (line 35, data/more.ttl:4)'),
      ("data/facts.ttl", 35, "id:UnitedStates (line 34)"),
      ("data/more.ttl", 4, 'id:UnitedStates (data/facts.ttl:34), "x" (data/facts.ttl:35)')]),
    ({"facts.ttl": (OBJECT, OBJECT + MANY)},
     [("data/facts.ttl", 34, "id:V0 (line 35), id:V1 (line 36), id:V2 (line 37) and 47 more")]
     + [("data/facts.ttl", 35 + i, ", ".join(f"{name} (line {line})" for name, line in (
         [("id:UnitedStates", 34)] + [(f"id:V{j}", 35 + j) for j in range(50) if j != i])[:3])
         + " and 47 more") for i in range(50)]),
    # A value written [ ... ] was placed on the claim's first rdf:object line, and named by
    # the build's name for it (_:f...b7), which no file writes.
    ({"facts.ttl": (OBJECT, OBJECT + "    rdf:object [ rdfs:label \"x\" ] ;\n")},
     [("data/facts.ttl", 34, "[ ] (line 35)"), ("data/facts.ttl", 35, "id:UnitedStates (line 34)")]),
], ids=["added-after", "added-before", "another-file", "one-line", "two-files", "fifty", "blank"])
def test_a_claim_of_two_values_is_told_on_the_line_of_each(mini, route, edit, expected):
    for name, (old, new) in edit.items():
        path = mini.data_dir / name
        if old is None:  # a file of its own, its prefixes on its first three lines
            path.write_text("@prefix claim: <https://alliance-graph.example/id/claim/> .\n"
                            "@prefix id: <https://alliance-graph.example/id/> .\n"
                            f"@prefix rdf: <{rdflib.RDF}> .\n" + new)
        else:
            path.write_text(path.read_text().replace(old, new, 1))
    problems = build_problems(mini, route)
    said = [(p.file, p.line, re.search(r"; other value\(s\): (.*) \[|$", p.message)[1])
            for p in problems if "[claim-multiple-violation]" in p.message]
    # Each file named as its reader opens it: the tmp folder is not under the current one.
    def opened(text):
        return text and text.replace("data/", f"{mini.data_dir}/")
    assert said == [(opened(f), line, opened(note)) for f, line, note in expected]


def test_a_claim_of_a_thousand_values_is_told_in_linear_time(mini, monkeypatch):
    # Each finding sorted the claim's values again, each value shortened and clipped to sort
    # by: a claim of 1,000 values made a million of them, 3.3 s of a build.
    from alliance_graph.build import other_values
    said = []
    term = other_values._term
    monkeypatch.setattr(other_values, "_term", lambda value: said.append(value) or term(value))
    path = mini.data_dir / "facts.ttl"
    path.write_text(path.read_text().replace(
        OBJECT, OBJECT + "".join(f'    rdf:object "v{i}" ;\n' for i in range(1000)), 1))
    problems = [p for p in build_problems(mini, "default")
                if "[claim-multiple-violation]" in p.message]
    assert len(problems) == 1001 and len(said) <= 1001
    assert problems[1].message.endswith('; other value(s): id:UnitedStates (line 34), "v1" '
                                        '(line 36), "v2" (line 37) and 997 more '
                                        '[claim-multiple-violation]')
