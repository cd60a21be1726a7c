"""line_ends: a text holding \\r\\n, from a long string of a Windows file, is a warning."""

from __future__ import annotations

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

NOTE = '\nclaim:BlueFlag-type ag:note """Two lines:\none and two.""" .\n'


def test_a_note_over_lines_of_a_windows_file_is_a_warning_on_its_line(settings, kg, tmp_path):
    # It conformed with no word, and add wrote "Two lines:\r\none and two." into data/.
    proposal = tmp_path / "windows.ttl"
    text = turtle_prologue() + NOTE
    proposal.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    report = validation.validate(settings, [proposal], prebuilt=kg.store)
    [finding] = report.findings
    assert finding.severity == "Warning" and finding.shape.endswith("/text-line-ends")
    assert finding.line == text.splitlines().index('claim:BlueFlag-type ag:note """Two lines:') + 1
    assert finding.value == '"Two lines:\\r\\none and two."'
    assert "save the file with Unix line endings (LF)" in finding.message
    assert report.conforms


def test_the_same_note_of_a_unix_file_is_no_finding(settings, kg, tmp_path):
    proposal = tmp_path / "unix.ttl"
    proposal.write_text(turtle_prologue() + NOTE, encoding="utf-8")
    assert validation.validate(settings, [proposal], prebuilt=kg.store).findings == []
