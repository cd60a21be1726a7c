"""second_value: a second value a proposal gives a node of data/ names what data/ holds."""

from __future__ import annotations

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

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
    assert violation.message.endswith(
        "(<https://alliance-graph.example/id/evidence/000-stockpiles> is described in "
        "data/installations.ttl already: a proposal's facts about it are added to that node, "
        "so to describe another one, give it a name of its own)"), violation.message
