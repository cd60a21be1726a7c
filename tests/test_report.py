"""A validation report as a contributor reads it: the text form's findings."""

import dataclasses
import json

from alliance_graph.proposals.report import (
    Finding,
    Report,
    capped,
    from_json,
    render,
    to_json,
    to_text,
)
from alliance_graph.wording import Said

AG = "https://alliance-graph.example/ontology/"


def finding(message: str, value: str | None = None) -> Finding:
    return Finding("Violation", message, AG + "shape", "a shape",
                   focus="https://alliance-graph.example/id/claim/X", path=AG + "validFrom",
                   value=value, file="proposal.ttl", line=17)


def test_the_text_report_writes_the_iris_of_messages_and_values_as_prefixed_names():
    # "triple with https://alliance-graph.example/ontology/validFrom is not stated ..." and
    # "2028"^^<http://www.w3.org/2001/XMLSchema#integer> beside text that says xsd:gYear.
    report = Report([finding(f"triple with {AG}validFrom is not stated by any claim in this "
                             "file: write it as a cited claim",
                             '"2028"^^<http://www.w3.org/2001/XMLSchema#integer>'),
                     finding("value of http://www.w3.org/1999/02/22-rdf-syntax-ns#object has "
                             "the language tag; see <https://example.org/elsewhere#x>.")],
                    files=["proposal.ttl"])
    text = to_text(report)
    assert "proposal.ttl:17: triple with ag:validFrom is not stated by any claim" in text
    assert 'value: "2028"^^xsd:integer' in text
    assert "value of rdf:object has the language tag" in text
    assert "<https://example.org/elsewhere#x>" in text  # no project prefix: as it was
    # Machine-read forms keep the IRIs whole.
    assert f"{AG}validFrom" in to_json(report)


def test_a_capped_reports_verdict_counts_every_finding_and_says_how_many_are_shown():
    # 200,000 findings capped at 1,000 said "does not conform (1000 violation(s))".
    report = Report([finding(f"m{i}") for i in range(5)]
                    + [dataclasses.replace(finding("w"), severity="Warning")] * 3,
                    files=["proposal.ttl"])
    cut = capped(report, 2)
    assert cut.counts() == {"Violation": 5, "Warning": 3} and cut.omitted == 6
    text = to_text(cut)
    assert "proposal.ttl: does not conform (5 violation(s), 3 warning(s); 2 shown, the most " \
           "severe)" in text
    assert "Violations (2 of 5 shown)" in text and "(6 more finding(s) not shown" in text
    assert from_json(to_json(cut)) == cut  # the totals travel (the server reads the CLI's JSON)
    assert json.loads(to_json(cut))["counts"] == {"Violation": 5, "Warning": 3}
    assert capped(cut, 1).counts() == cut.counts()  # capped again: still the whole report's
    assert "does not conform (5 violation(s), 3 warning(s))\n" in to_text(report) + "\n"


def test_a_long_value_is_shown_by_its_start_and_its_length():
    # A note of 50,000 characters (within what a proposal may hold, past what the shapes
    # allow) was printed whole in the middle of the report.
    note = '"' + "Said at length. " * 3125 + '"'
    report = Report([finding("This ag:note is longer than 2,000 characters", note),
                     finding("short", '"2028"')], files=["proposal.ttl"])
    text = to_text(report)
    assert len(text) < 2_000, "the long value is printed whole"
    assert 'value: "Said at length. Said at length.' in text
    assert f'…" ({len(note) - 2:,} characters)' in text  # its text's length, its quote kept
    assert 'value: "2028"\n' in text
    assert json.loads(to_json(report))["findings"][0]["value"] == note  # machine-read: whole


def test_long_nodes_and_a_long_typed_value_are_shown_clipped_with_their_datatype():
    # A proposal naming a subject, a property and an object of 60,000 characters had their
    # entity and property printed whole: a line of 120 KB; a long typed value lost its datatype.
    long_id = "https://alliance-graph.example/id/" + "S" * 60_000
    digits = "0" * 59_997 + "983"
    report = Report([
        dataclasses.replace(finding("uncited", "https://alliance-graph.example/id/" + "O" * 60_000),
                            focus=long_id, focus_label="L" * 60_000, path=AG + "p" * 60_000),
        finding("typed", f'"{digits}"^^<http://www.w3.org/2001/XMLSchema#date>'),
        finding("tagged", f'"{digits}"@en'),
        dataclasses.replace(finding("blank"), focus="_:b" + "x" * 60_000)],
        files=["proposal.ttl"])
    text = to_text(report)
    assert max(map(len, text.splitlines())) < 1_000, "a long node is printed whole"
    assert f'entity: "{"L" * 200}…" (60,000 characters) id:{"S" * 197}… (60,003 characters)' \
        in text
    assert f"property: ag:{'p' * 197}… (60,003 characters)" in text
    assert f"value: id:{'O' * 197}… (60,003 characters)" in text
    assert f'value: "{"0" * 200}…"^^xsd:date (60,000 characters)' in text
    assert f'value: "{"0" * 200}…"@en (60,000 characters)' in text
    assert f"entity: _:b{'x' * 197}… (60,003 characters)" in text
    # Machine-read forms name each node whole.
    assert json.loads(to_json(report))["findings"][0]["focus"] == long_id


def test_a_capped_report_names_the_limit_as_its_caller_gives_it():
    # "(6 more finding(s) not shown (--max-findings))" was said to a caller of capped too.
    cut = capped(Report([finding(f"m{i}") for i in range(5)], files=["proposal.ttl"]), 2)
    for fmt in ("text", "turtle"):
        said = render(cut, fmt)
        assert "3 more finding(s) not shown (Settings.validate_max_findings)" in said, said
        assert "--" not in said, said
        said = render(cut, fmt, lambda name, *values:
                      {"settings.validate_max_findings": "<the limit>"}[name])
        assert "3 more finding(s) not shown (<the limit>)" in said, said


def test_a_reports_warnings_are_said_in_the_callers_words():
    warning = Said(lambda n: f"point {n('settings.sources_dir')} at the texts")
    report = Report([], files=["proposal.ttl"], warnings=[warning])
    assert "WARNING: point Settings.sources_dir at the texts" in render(report, "text")
    for fmt in ("text", "json", "turtle"):
        said = render(report, fmt, lambda name, *values: "--sources")
        assert "point --sources at the texts" in said and "Settings" not in said, said
