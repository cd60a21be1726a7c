"""placement: a new block goes to its section or its subject's group, found by a scan of the
file's top-level statements and comments, and a block with no such place is handed back."""

from __future__ import annotations

import cProfile
import pstats
import time

import pytest

from alliance_graph.proposals.amend import same_facts
from alliance_graph.proposals.placement import CLAIM, EVIDENCE, SOURCE, Block, new_file, place, scan
from alliance_graph.settings import Settings

PREFIXES = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix id: <https://alliance-graph.example/id/> .\n"
            "@prefix claim: <https://alliance-graph.example/id/claim/> .\n"
            "@prefix ev: <https://alliance-graph.example/id/evidence/> .\n"
            "@prefix src: <https://alliance-graph.example/id/source/> .\n"
            "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n\n")
EVIDENCE_SECTION = "# --- evidence ------\n\nev:a a ag:Evidence .\n\nev:b a ag:Evidence .\n"
CLAIMS_SECTION = ("# --- claims --------\n\n# id:A\n\nclaim:A1 a ag:Claim ;\n"
                  "    rdf:subject id:A .\n\n# id:B\n\nclaim:B1 a ag:Claim ;\n"
                  "    rdf:subject id:B .\n")
FILE = PREFIXES + "# A topic.\n\n" + EVIDENCE_SECTION + "\n" + CLAIMS_SECTION

NEW_EVIDENCE = Block("ev:c a ag:Evidence .\n", EVIDENCE)
NEW_A = Block("claim:A2 a ag:Claim ;\n    rdf:subject id:A .\n", CLAIM, "id:A")
NEW_C = [Block(f"claim:C{i} a ag:Claim ;\n    rdf:subject id:C .\n", CLAIM, "id:C")
         for i in (1, 2)]


def test_each_block_goes_to_its_section_or_group():
    text, left = place(FILE, [NEW_A, *NEW_C, NEW_EVIDENCE])
    assert left == []
    assert text == (PREFIXES + "# A topic.\n\n" + EVIDENCE_SECTION + "\nev:c a ag:Evidence .\n\n"
                    + CLAIMS_SECTION.replace("id:A .\n", "id:A .\n\n" + NEW_A.text)
                    + "\n# id:C\n\n" + NEW_C[0].text + "\n" + NEW_C[1].text)
    assert same_facts(FILE, text, [b.text for b in (NEW_A, *NEW_C, NEW_EVIDENCE)])


def test_an_empty_section_or_group_takes_the_block_under_its_heading():
    empty = PREFIXES + "# --- evidence ---\n\n# --- claims ---\n\n# id:A\n"
    text, left = place(empty, [NEW_EVIDENCE, NEW_A])
    assert left == []
    assert text == (PREFIXES + "# --- evidence ---\n\nev:c a ag:Evidence .\n\n"
                    "# --- claims ---\n\n# id:A\n\n" + NEW_A.text)


@pytest.mark.parametrize("where, evidence_after", [
    ("evidence", "    ag:x 1 .\n\nev:c a ag:Evidence ."),  # after the whole of ev:b
    ("claims", "ev:b a ag:Evidence .\n\nev:c a ag:Evidence ."),
])
def test_headings_inside_strings_and_blocks_are_not_headings(where, evidence_after):
    fake = ('ag:note """\n# --- claims ---\n\n# id:A\n""" ;\n'
            "    # --- claims --- (a comment inside the block)\n    ag:x 1 .\n")
    if where == "evidence":
        text = FILE.replace("ev:b a ag:Evidence .\n", "ev:b a ag:Evidence ;\n    " + fake)
    else:
        text = FILE.replace("claim:B1 a ag:Claim ;\n", "claim:B1 a ag:Claim ;\n    " + fake
                            .replace(" .\n", " ;\n"))
    placed, left = place(text, [NEW_EVIDENCE, NEW_A])
    assert left == []
    assert evidence_after in placed
    assert placed.index("ev:c a") < placed.index("# --- claims ------")
    # claim:A2 right after claim:A1, in the real group of id:A.
    assert "    rdf:subject id:A .\n\nclaim:A2 a ag:Claim" in placed
    assert same_facts(text, placed, [NEW_EVIDENCE.text, NEW_A.text])


def test_a_file_without_sections_places_nothing():
    plain = PREFIXES + "# id:A\n\nclaim:A1 a ag:Claim ;\n    rdf:subject id:A .\n"
    assert place(plain, [NEW_EVIDENCE, NEW_A]) == (plain, [NEW_EVIDENCE, NEW_A])


def test_a_source_document_goes_after_the_last_source_document():
    sources = (PREFIXES + "src:a a ag:SourceDocument .  # the first\n\nsrc:b a ag:SourceDocument ;\n"
               '    ag:fileName "b" .\n\nev:a a ag:Evidence .\n')
    new = Block("src:c a ag:SourceDocument .\n", SOURCE)
    text, left = place(sources, [new], frozenset({"src:a", "src:b"}))
    assert left == []
    assert text == sources.replace('"b" .\n', '"b" .\n\nsrc:c a ag:SourceDocument .\n')
    assert place(sources, [new]) == (sources, [new])  # the file holds none: no place


def test_a_block_of_no_kind_and_a_file_the_scan_cannot_read_are_left_to_the_caller():
    other = Block("id:A ag:x 1 .\n")
    assert place(FILE, [other, NEW_EVIDENCE])[1] == [other]
    unfinished = FILE + 'claim:Z ag:note "no end" ;\n'
    assert scan(unfinished) is None
    assert place(unfinished, [NEW_EVIDENCE]) == (unfinished, [NEW_EVIDENCE])


def test_the_scan_sees_statements_and_comments_at_the_top_level():
    layout = scan(PREFIXES + "PREFIX x: <urn:x#>\n# note\nev:a a ag:E . # after\n  # indented\n"
                  'ev:b ag:n "# not" .\n')
    assert [s for _, _, s in layout.statements][-2:] == ["ev:a", "ev:b"]
    assert [c for _, _, c in layout.comments] == ["# note"]


def test_a_heading_after_a_statement_whose_dot_a_comment_follows_is_seen():
    # The claims heading went unseen behind "ev:b a ag:Evidence .# last": the claim and the
    # evidence node were handed back for the end of the file.
    text = FILE.replace("ev:b a ag:Evidence .\n", "ev:b a ag:Evidence .# last evidence\n")
    placed, left = place(text, [NEW_A, NEW_EVIDENCE])
    assert left == []
    assert "# last evidence\n\nev:c a ag:Evidence .\n\n# --- claims" in placed
    assert "rdf:subject id:A .\n\nclaim:A2 a ag:Claim" in placed
    assert same_facts(text, placed, [NEW_A.text, NEW_EVIDENCE.text])


@pytest.mark.parametrize("heading", [
    "# id:A (fighters)", "# id:A — the A fleet", "# id:A: the A fleet", "# id:A.",
    "# <https://alliance-graph.example/id/A> (in full)", "#   id:A\t(tabs)"])
def test_a_group_heading_with_more_words_after_its_subject_takes_its_claims(heading):
    # Only a heading of one word was read: the claim went under a second "# id:A" at the end.
    text = FILE.replace("# id:A\n", heading + "\n")
    placed, left = place(text, [NEW_A])
    assert left == []
    assert placed == text.replace("rdf:subject id:A .\n", "rdf:subject id:A .\n\n" + NEW_A.text)
    assert same_facts(text, placed, [NEW_A.text])


@pytest.mark.parametrize("comment", [
    "# the figures below are from 2016", "# see also id:B", "# TODO", "# zz:A (no such prefix)",
    "# ag:note values are the source's", "# id:Unclaimed is named here, claimed nowhere",
    "# <https://alliance-graph.example/id/C> is not a subject yet"])
def test_a_comment_in_a_group_that_is_no_subject_heading_neither_starts_nor_ends_a_group(comment):
    # The comment stands between id:A's two claims: the new claim goes after the second.  A
    # one-word comment ("# TODO") was a heading of its own and ended id:A's group before it.
    later = "claim:A0 a ag:Claim ;\n    rdf:subject id:A .\n"
    text = FILE.replace("rdf:subject id:A .\n", f"rdf:subject id:A .\n\n{comment}\n\n{later}")
    placed, left = place(text, [NEW_A, NEW_C[0]])
    assert left == []
    assert placed == (text.replace(later, later + "\n" + NEW_A.text)
                      + "\n# id:C\n\n" + NEW_C[0].text)
    assert same_facts(text, placed, [NEW_A.text, NEW_C[0].text])


@pytest.mark.parametrize("heading", [
    "# id:C", "# id:C (soon)", "# id:C — the C fleet", "# id:C: claims to come",
    "# <https://alliance-graph.example/id/C> (in full)"])
@pytest.mark.parametrize("where", ["end", "between groups"])
def test_a_heading_heads_a_group_with_no_claims_yet(heading, where):
    # With words after its name it was a note when the file had no claim about id:C yet: the
    # new claim went under a second "# id:C" at the end of the section.
    if where == "end":
        text = FILE + "\n" + heading + "\n"
        expected = text + "\n" + NEW_C[0].text
    else:
        text = FILE.replace("# id:B\n", heading + "\n\n# id:B\n")
        expected = text.replace(heading + "\n", heading + "\n\n" + NEW_C[0].text)
    placed, left = place(text, [NEW_C[0]])
    assert left == [] and placed == expected
    assert same_facts(text, placed, [NEW_C[0].text])


NEW_B = Block("claim:B2 a ag:Claim ;\n    rdf:subject id:B .\n", CLAIM, "id:B")


@pytest.mark.parametrize("note", [
    "# id:B", "# id:B is the other group, below", "# id:B: see its own group",
    "# <https://alliance-graph.example/id/B> (elsewhere)"])
@pytest.mark.parametrize("where", ["inside", "last"])
def test_a_note_starting_with_another_claimed_subject_is_no_heading_of_it(note, where):
    # The note in id:A's group was id:B's heading: claim:B2 went under it (in id:A's group),
    # and id:A's group ended there, so claim:A2 went before the note, not after claim:A0.
    # A name alone ("# id:B") stayed a heading wherever it stood, whatever stood under it.
    later = "claim:A0 a ag:Claim ;\n    rdf:subject id:A .\n"
    group = f"\n\n{note}\n\n{later}" if where == "inside" else f"\n\n{later}\n{note}\n"
    text = FILE.replace("rdf:subject id:A .\n", "rdf:subject id:A ." + group, 1)
    placed, left = place(text, [NEW_A, NEW_B])
    assert left == []
    assert placed == (text.replace(later, later + "\n" + NEW_A.text)
                      + "\n" + NEW_B.text)
    assert same_facts(text, placed, [NEW_A.text, NEW_B.text])


def test_a_heading_naming_the_subject_of_its_group_continues_that_group():
    # It ended the group: claim:A2 went after claim:A1, above the line, not after claim:A0.
    later = "claim:A0 a ag:Claim ;\n    rdf:subject id:A .\n"
    text = FILE.replace("rdf:subject id:A .\n",
                        f"rdf:subject id:A .\n\n# id:A: the figures below are from 2016\n\n{later}")
    placed, left = place(text, [NEW_A])
    assert left == [] and placed == text.replace(later, later + "\n" + NEW_A.text)


@pytest.mark.parametrize("before", ["ev:a a ag:Evidence .\n\n", ""])
def test_new_evidence_in_a_file_with_a_claims_heading_alone_goes_just_above_it(before):
    # It went at the file's end, after the claims.
    text = PREFIXES + "# A topic.\n\n" + before + CLAIMS_SECTION
    placed, left = place(text, [NEW_A, NEW_EVIDENCE, Block("ev:d a ag:Evidence .\n", EVIDENCE)])
    assert left == []
    assert placed == (PREFIXES + "# A topic.\n\n" + before
                      + "ev:c a ag:Evidence .\n\nev:d a ag:Evidence .\n\n"
                      + CLAIMS_SECTION.replace("id:A .\n", "id:A .\n\n" + NEW_A.text))
    assert same_facts(text, placed, [NEW_A.text, NEW_EVIDENCE.text, "ev:d a ag:Evidence .\n"])


def test_in_a_file_with_an_evidence_heading_alone_the_claims_start_at_its_first_claim():
    # New evidence went after the last claim, and every claim at the end with no group.
    claims = CLAIMS_SECTION.split("\n\n", 1)[1]  # the groups, without the claims heading
    text = PREFIXES + EVIDENCE_SECTION + "\n# Claims, by subject.\n\n" + claims
    placed, left = place(text, [NEW_A, NEW_EVIDENCE, NEW_C[0]])
    assert left == []
    assert placed == (PREFIXES + EVIDENCE_SECTION + "\nev:c a ag:Evidence .\n\n"
                      "# Claims, by subject.\n\n"
                      + claims.replace("id:A .\n", "id:A .\n\n" + NEW_A.text)
                      + "\n# id:C\n\n" + NEW_C[0].text)
    assert same_facts(text, placed, [NEW_A.text, NEW_EVIDENCE.text, NEW_C[0].text])


def test_a_file_with_an_evidence_heading_and_no_claim_gets_a_claims_heading_for_new_claims():
    text = PREFIXES + "# A topic.\n\n" + EVIDENCE_SECTION + "# the last comment\n"
    placed, left = place(text, [*NEW_C, NEW_EVIDENCE])
    assert left == []
    assert placed == (PREFIXES + "# A topic.\n\n" + EVIDENCE_SECTION.rstrip("\n")
                      + "\n\nev:c a ag:Evidence .\n# the last comment\n\n"
                      "# --- claims --------\n\n# id:C\n\n"  # as long as the evidence line
                      + NEW_C[0].text + "\n" + NEW_C[1].text)
    assert same_facts(text, placed, [b.text for b in (*NEW_C, NEW_EVIDENCE)])
    # A section heading, then new claims' groups: a later add finds them.
    again, left = place(placed, [Block(NEW_C[0].text.replace("C1", "C3"), CLAIM, "id:C")])
    assert left == [] and again == placed + "\n" + NEW_C[0].text.replace("C1", "C3")


def test_a_new_file_is_laid_out_as_the_data_files_are():
    # `add --into new.ttl` wrote the blocks in the order of their IRIs, evidence among the
    # claims, under no heading: the file read like none of data/.
    text, left = place(PREFIXES + new_file({EVIDENCE, CLAIM}), [*NEW_C, NEW_EVIDENCE, NEW_A])
    assert left == []
    headings = [line for line in text.splitlines() if line.startswith("# ")]
    shipped = (Settings().data_dir / "aid.ttl").read_text("utf-8").splitlines()
    assert headings[:3] == [line for line in shipped if line.startswith(("# Written per",
                                                                          "# --- "))]
    assert headings[3:] == ["# id:C", "# id:A"]
    assert text.index("ev:c a") < text.index("# --- claims") < text.index("claim:C1") \
        < text.index("claim:C2") < text.index("# id:A") < text.index("claim:A2")
    assert same_facts(PREFIXES, text, [b.text for b in (*NEW_C, NEW_EVIDENCE, NEW_A)])
    # Claims alone: no evidence heading over nothing.
    claims_only, _ = place(PREFIXES + new_file({CLAIM}), [NEW_A])
    assert "# --- evidence" not in claims_only and "# --- claims" in claims_only


def test_the_scan_of_a_large_file_takes_a_fraction_of_a_second():
    # A 14 MB data file of a generated 100 k project (63,000 statements) took 1.4 s to scan,
    # stepping a character at a time: most of `validate` of one fact, and half of `add`.
    # Here 9,000 statements in that style, 2 MB: 0.2 s as it was, 0.025 s now.
    blocks = []
    for i in range(3000):
        blocks += [f'ev:E{i} a ag:Evidence ;\n    oa:hasSource src:s{i}.txt ;\n'
                   f'    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Entity {i} is cited '
                   f'in s{i}.txt." ] ,\n        [ a oa:TextPositionSelector ; oa:start {i} ; '
                   f'oa:end {i + 70} ] .',
                   *(f"claim:E{i}-{k} a ag:Claim ;\n    rdf:subject id:E{i} ;\n"
                     f"    rdf:predicate ag:p{k} ;\n    rdf:object id:E{i + k} ;\n"
                     f"    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:E{i} ." for k in (1, 2))]
    text = PREFIXES + "\n\n".join(blocks) + "\n"
    started = time.process_time()
    layout = scan(text)
    assert time.process_time() - started < 0.1
    assert len(layout.statements) == 9000 + PREFIXES.count("@prefix")


@pytest.mark.parametrize("headed", [False, True])
def test_a_file_without_a_section_heading_is_not_scanned(headed):
    # A claim or evidence block has no place in a file with no section heading (it goes at
    # the end): the scan of every statement was all the placing of one fact in a generated
    # 14 MB file (0.17 s). A line like a heading, even inside a string, has it scanned.
    body = "".join(f'ev:e{i} a ag:Evidence ;\n    ag:note "a note" .\n\n' for i in range(200))
    text = PREFIXES + ('ev:x ag:note """\n# --- claims\n""" .\n\n' if headed else "") + body
    profile = cProfile.Profile()
    placed = profile.runcall(place, text, [NEW_A, NEW_EVIDENCE])
    assert placed == (text, [NEW_A, NEW_EVIDENCE])
    calls = pstats.Stats(profile).stats
    scanned = sum(calls[f][0] for f in calls if f[2] == "statement_end")
    assert scanned == (201 + PREFIXES.count("@prefix") if headed else 0)
