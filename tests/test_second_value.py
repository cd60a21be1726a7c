"""second_value: a second value a proposal gives a node of data/ names what data/ holds."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox

from alliance_graph.namespaces import BASE, turtle_prologue
from alliance_graph.proposals import validation
from alliance_graph.proposals.report import Finding
from alliance_graph.proposals.second_value import second_value
from alliance_graph.rdf import DATA, graph_iri, in_role

# An analyst's new evidence block, under the name of an evidence node data/installations.ttl
# holds (a quote of the same passage, shorter).
REUSED = """
ev:000-stockpiles a ag:Evidence ;
    oa:hasSource src:000_06b6882714cf1880.txt ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "U.S. Military Stockpiles in Israel:" ] ,
        [ a oa:TextPositionSelector ; oa:start 2227 ; oa:end 2262 ] .
"""


def test_a_new_evidence_block_under_a_name_data_holds_says_so(settings, kg, sources_dir,
                                                             tmp_path):
    # Four violations, none naming the cause: "needs exactly one oa:hasSelector [ a
    # oa:TextQuoteSelector ... ]", and each quote against each position selector, "offsets
    # 2227-2372 of ... do not hold the quote (it is at 2227-2262)" three times over.
    proposal = tmp_path / "reused.ttl"
    proposal.write_text(turtle_prologue() + REUSED, encoding="utf-8")
    report = validation.validate(settings, [proposal], prebuilt=kg.store)
    [violation] = [f for f in report.findings if f.severity == "Violation"]
    assert violation.shape.endswith("/evidence-quote"), violation
    # At the line of data/'s quote selector (the file alone left it to be searched for),
    # though against the prebuilt graph data/ is not parsed.
    lines = (settings.data_dir / "installations.ttl").read_text(encoding="utf-8").splitlines()
    held = lines.index("    oa:hasSelector [ a oa:TextQuoteSelector ;",
                       lines.index("ev:000-stockpiles a ag:Evidence ;")) + 1
    assert violation.message.endswith(
        "(<https://alliance-graph.example/id/evidence/000-stockpiles> is described in "
        f"data/installations.ttl:{held} already: a proposal's facts about it are added to that "
        "node, so to describe another one, give it a name of its own)"), violation.message


AG, ID = f"{BASE}ontology/", f"{BASE}id/"
MAX = "http://www.w3.org/ns/shacl#MaxCountConstraintComponent"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _in(name: str) -> ox.NamedNode:
    return graph_iri(in_role(DATA, name))


def test_long_nodes_claims_and_values_held_are_named_clipped():
    # A node, a claim of data/ and the value it holds, 60,000 characters each, were said
    # whole (180 KB), before the advice to edit that file or rank the claims.
    node, path = ox.NamedNode(ID + "N" * 60_000), ox.NamedNode(AG + "toYear")
    finding = Finding("Violation", "at most one ag:toYear", f"{BASE}shapes/x", "x",
                      focus=node.value, path=path.value, component=MAX)
    long_value, clipped_value = ox.Literal("0" * 60_000), f'"{"0" * 200}…" (60,000 characters)'
    held = [ox.Quad(node, path, long_value, _in("held.ttl")),
            ox.Quad(node, path, ox.Literal("2029"), _in("new.ttl"))]
    said = second_value(finding, held, {"data/new.ttl"})
    assert said.endswith(f"(data/held.ttl gives {clipped_value} already: add only adds facts, "
                         "so to replace a value there, edit that file)"), said[-600:]
    assert len(said) < 1_000
    qualified = dataclasses.replace(finding, component=MAX.replace("#", "#Qualified"))
    said = second_value(qualified, held, {"data/new.ttl"})
    assert said.startswith(f"at most one ag:toYear (<{ID}{'N' * 166}…> (60,034 characters) "
                           "is described in data/held.ttl already"), said[:600]
    assert len(said) < 1_000

    def claim(name: str, value: ox.Literal, file: str) -> list[ox.Quad]:
        c, g = ox.NamedNode(ID + "claim/" + name), _in(file)
        return [ox.Quad(c, ox.NamedNode(RDF + "type"), ox.NamedNode(AG + "Claim"), g),
                ox.Quad(c, ox.NamedNode(RDF + "subject"), node, g),
                ox.Quad(c, ox.NamedNode(RDF + "predicate"), path, g),
                ox.Quad(c, ox.NamedNode(RDF + "object"), value, g),
                ox.Quad(c, ox.NamedNode(AG + "rank"), ox.NamedNode(AG + "NormalRank"), g)]
    claims = claim("C" * 60_000, long_value, "held.ttl") + claim("New", ox.Literal("2029"),
                                                                   "new.ttl")
    said = second_value(finding, claims, {"data/new.ttl"})
    assert f"(claim <{ID}claim/{'C' * 160}…> (60,040 characters) in data/held.ttl gives " \
           f"{clipped_value} already: for one value in the plain graph, rank" in said, said[-900:]
    assert len(said) < 1_000


BASE_DATA = Path(__file__).parent / "fixtures" / "shapes" / "base"


def test_a_claims_two_values_in_a_proposal_are_named_with_their_lines(settings, tmp_path):
    # "A claim needs exactly one rdf:object" on the claim's first line named neither value,
    # where the build's claim-multiple names the others and their places (other_values.py).
    proposal, other = tmp_path / "two.ttl", tmp_path / "more.ttl"
    text = turtle_prologue() + (
        "claim:FxTwo a ag:Claim ;\n    rdf:subject id:FxState ;\n"
        "    rdf:predicate ag:acronym ;\n"
        '    rdf:object "FXA" ;\n    rdf:object "FXB" ;\n'
        "    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:fx-base .\n")
    proposal.write_text(text, encoding="utf-8")
    other.write_text(turtle_prologue() + 'claim:FxTwo rdf:object "FXC" .\n', encoding="utf-8")
    lines = text.splitlines()
    a, b = (lines.index(f'    rdf:object "FX{v}" ;') + 1 for v in "AB")
    c = len(other.read_text().splitlines())
    report = validation.validate(settings.with_(data_dir=BASE_DATA), [proposal, other])
    [found] = [f for f in report.findings if f.component == MAX]
    assert found.file == str(proposal) and found.line == lines.index(
        "claim:FxTwo a ag:Claim ;") + 1
    # (in the order of their places: more.ttl's first)
    assert found.message.endswith(f'(value(s): "FXC" ({other}:{c}), "FXA" (line {a}), "FXB" '
                                  f'(line {b}))'), found.message


def test_a_claims_value_written_in_brackets_is_named_on_its_own_line(settings, tmp_path):
    # validate's Locator gives a [ ... ] node the parser's label, which no file writes: its
    # place was the claim's first rdf:object line ('[ ] (line 20)', two lines above it).
    proposal = tmp_path / "bracket.ttl"
    text = turtle_prologue() + (
        "claim:FxBracket a ag:Claim ;\n    rdf:subject id:FxState ;\n"
        "    rdf:predicate ag:acronym ;\n"
        '    rdf:object "FXA" ;\n    rdf:object "FXB" ;\n    rdf:object [ a ag:Thing ] ;\n'
        "    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:fx-base .\n")
    proposal.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    at = lines.index("    rdf:object [ a ag:Thing ] ;") + 1
    report = validation.validate(settings.with_(data_dir=BASE_DATA), [proposal])
    [found] = [f for f in report.findings if f.component == MAX]
    assert f"[ ] (line {at})" in found.message, found.message


def test_a_node_described_again_is_placed_at_its_first_value_found():
    # Of a node's values in one file, one without a line found (None) was taken for the
    # first, and the file was named without the line its other value had.
    node, path = ox.NamedNode(ID + "N"), ox.NamedNode(AG + "selector")
    quote, position = ox.BlankNode(), ox.BlankNode()
    finding = Finding("Violation", "needs exactly one", f"{BASE}shapes/x", "x", focus=node.value,
                      path=path.value, component=MAX.replace("#", "#Qualified"))
    held = [ox.Quad(node, path, quote, _in("held.ttl")),
            ox.Quad(node, path, position, _in("held.ttl")),
            ox.Quad(node, path, ox.BlankNode(), _in("new.ttl"))]
    said = second_value(finding, held, {"data/new.ttl"},
                        line_of=lambda name, s, p, o: {position: 7}.get(o))
    assert f"<{ID}N> is described in data/held.ttl:7 already" in said, said


def test_many_findings_read_the_graph_once_not_once_each():
    # Each finding read every quad and every claim of the graph again: 1,200 claims of two
    # objects each took 21 s of a 29 s validate.
    import time

    from alliance_graph.proposals.second_value import SecondValues
    path, g = ox.NamedNode(RDF + "object"), _in("new.ttl")
    quads = [ox.Quad(ox.NamedNode(f"{ID}claim/C{i}"), path, ox.Literal(v), g)
             for i in range(3_000) for v in (f"A{i}", f"B{i}")]
    findings = [Finding("Violation", "needs exactly one rdf:object", f"{BASE}shapes/x", "x",
                        focus=f"{ID}claim/C{i}", path=path.value, component=MAX,
                        file="data/new.ttl", line=1) for i in range(3_000)]
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    second = SecondValues(quads, {"data/new.ttl"}, line_of=lambda name, s, p, o: 2)
    said = [second.said(f) for f in findings]
    assert time.thread_time() - start < 1.5
    assert said[7] == 'needs exactly one rdf:object (value(s): "A7" (line 2), "B7" (line 2))', \
        said[7]
