"""Sentence splitting, coverage on a hand-made graph, and coverage of the shipped data."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from alliance_graph.sources import citations
from alliance_graph.sources.coverage import coverage, split_sentences
from alliance_graph.store.graph import KnowledgeGraph

SPLIT_CASES = [
    ("one sentence", "Israel buys jets.", ["Israel buys jets."]),
    ("sentence ends", "One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
    ("no space, no end", "B.Designwall 117 views", ["B.Designwall 117 views"]),
    ("initialism", "The U.S. was first. It helped.", ["The U.S. was first.", "It helped."]),
    ("initial", "president George W. Bush spoke.", ["president George W. Bush spoke."]),
    ("enumerator", "1. Missile Defense: layered. Next.", ["1. Missile Defense: layered.", "Next."]),
    ("year ends a sentence", "since 1994. This initiative", ["since 1994.", "This initiative"]),
    ("closing quote", 'he said. "Any country." Then', ["he said.", '"Any country."', "Then"]),
    ("curly closing quote", "“It is hard,” Mattis said. Next", ["“It is hard,” Mattis said.", "Next"]),
    ("bullets", "Intro\n\n  • Juniper Cobra: drills.\n    • Noble Dina: naval.",
     ["Intro", "Juniper Cobra: drills.", "Noble Dina: naval."]),
    ("blank and space-only lines", "A\n \n\nB\n", ["A", "B"]),
    ("literal backslash-n", r"Title\n\nHey everyone. Second\n\n## Heading\n\nText",
     ["Title", "Hey everyone.", "Second", "Heading", "Text"]),
    ("heading without verb counts", "Links\n\n  • Iron Dome Support", ["Links", "Iron Dome Support"]),
    ("space before question mark", "relations ? It is", ["relations ?", "It is"]),
    ("empty text", "", []),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in SPLIT_CASES],
                         ids=[c[0] for c in SPLIT_CASES])
def test_split_sentences(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize("text", [c[1] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES])
def test_sentence_offsets_point_into_the_text(text):
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text


OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE = ox.NamedNode("https://alliance-graph.example/id/source/doc.txt")
GRAPH = ox.NamedNode("https://alliance-graph.example/graph/data/test.ttl")
TEXT = "Alpha is cited. Beta is not.\nGamma by quote. Delta is not."


def _evidence(store: ox.Store, name: str, exact: str, position: tuple[int, int] | None):
    """Add an evidence node quoting ``exact``, with a position selector if given."""
    ev, quote = ox.NamedNode(f"https://alliance-graph.example/id/evidence/{name}"), ox.BlankNode()
    store.add(ox.Quad(ev, ox.NamedNode(OA + "hasSource"), SOURCE, GRAPH))
    store.add(ox.Quad(ev, ox.NamedNode(OA + "hasSelector"), quote, GRAPH))
    store.add(ox.Quad(quote, RDF_TYPE, ox.NamedNode(OA + "TextQuoteSelector"), GRAPH))
    store.add(ox.Quad(quote, ox.NamedNode(OA + "exact"), ox.Literal(exact), GRAPH))
    if position:
        pos = ox.BlankNode()
        store.add(ox.Quad(ev, ox.NamedNode(OA + "hasSelector"), pos, GRAPH))
        store.add(ox.Quad(pos, RDF_TYPE, ox.NamedNode(OA + "TextPositionSelector"), GRAPH))
        for prop, value in zip(("start", "end"), position):
            store.add(ox.Quad(pos, ox.NamedNode(OA + prop), ox.Literal(str(value),
                      datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), GRAPH))


def test_coverage_counts_overlapping_quotes(tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    store = ox.Store()
    _evidence(store, "stored", "is cited", (6, 14))         # placed by its stored offsets
    _evidence(store, "located", "Gamma by", None)           # placed with citations.locate
    _evidence(store, "missing", "not in the text", None)    # cannot be placed: reported
    [report] = coverage(KnowledgeGraph.from_store(store), tmp_path)
    assert (report.source, report.total, report.cited) == ("doc.txt", 4, 2)
    assert [s.text for s in report.uncited] == ["Beta is not.", "Delta is not."]
    assert report.unplaced == ["not in the text"]
    assert report.percent == 50.0


def test_coverage_of_an_unknown_source_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        coverage(KnowledgeGraph.from_store(ox.Store()), tmp_path, only="nope.txt")


def test_shipped_data_coverage(kg, sources_dir):
    report = {c.source: c for c in coverage(kg, sources_dir)}
    assert sorted(report) == sorted(p.name for p in sources_dir.glob("*.txt"))
    for c in report.values():
        assert c.total == len(split_sentences(citations.read_source(sources_dir / c.source)))
        assert 0 <= c.cited <= c.total and not c.unplaced
    # The worked example of docs/data-model.md is cited; the blog's footer is no fact.
    iron_dome = report["000_06b6882714cf1880.txt"]
    assert iron_dome.cited > 0
    assert not any("co-funded by the U.S." in s.text for s in iron_dome.uncited)
    blog = report["001_b9e5a7348fac2993.txt"]
    assert "Popular posts from this blog" in [s.text for s in blog.uncited]


def test_coverage_command(sources_dir):
    from click.testing import CliRunner

    from alliance_graph.cli import main

    runner = CliRunner()
    name = "000_06b6882714cf1880.txt"
    result = runner.invoke(main, ["--sources", str(sources_dir), "coverage", "--format", "json",
                                  "--source", name])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    assert report["source"] == name and 0 < report["cited"] <= report["total"]
    assert all({"start", "end", "text"} <= set(s) for s in report["uncited"])
    text = runner.invoke(main, ["--sources", str(sources_dir), "coverage", "--source", name])
    assert text.exit_code == 0 and text.output.startswith(f"{name}  {report['cited']}/")
    unknown = runner.invoke(main, ["--sources", str(sources_dir), "coverage", "--source", "no.txt"])
    assert unknown.exit_code == 2 and "no source file" in unknown.output


def test_a_source_that_is_not_utf8_is_an_error_naming_it(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"Fine. \xff bad")
    with pytest.raises(citations.SourceNotText, match=r"bad\.txt: not UTF-8 text \(byte 6"):
        coverage(KnowledgeGraph.from_store(ox.Store()), tmp_path)


def test_coverage_command_on_a_source_that_is_not_utf8_is_one_line_and_exit_2(tmp_path):
    from click.testing import CliRunner

    from alliance_graph.cli import main

    (tmp_path / "bad.txt").write_bytes(b"\xff bad")
    result = CliRunner().invoke(main, ["--sources", str(tmp_path), "coverage"])
    assert result.exit_code == 2, result.output
    assert result.output == f"error: {tmp_path / 'bad.txt'}: not UTF-8 text (byte 0, 0xff, " \
                            "does not decode)\n"


def test_a_folder_without_source_texts_names_the_parameter_to_a_library_caller(tmp_path):
    # It said "(--sources)", an option no caller of coverage() has.
    with pytest.raises(FileNotFoundError) as refused:
        coverage(KnowledgeGraph.from_store(ox.Store()), tmp_path)
    said = str(refused.value)
    assert said.startswith(f"no source texts (*.txt) in {tmp_path}") and "--" not in said, said
    assert said.endswith("give the folder of the texts the evidence quotes (sources_dir)"), said


def test_a_source_named_in_another_case_is_told_the_files_name(tmp_path):
    # As cite and validate say it: "no source file 'DOC.txt'" left the user to spot the case.
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(FileNotFoundError) as refused:
        coverage(KnowledgeGraph.from_store(ox.Store()), tmp_path, only="DOC.txt")
    assert str(refused.value) == f"no source file 'DOC.txt' in {tmp_path}: the file is named 'doc.txt'"


@pytest.mark.parametrize("given", ["{folder}/doc.txt", "../sources/doc.txt", "sources\\doc.txt"])
def test_a_source_named_by_its_path_is_told_to_give_the_file_s_name(tmp_path, given):
    # A path, as a shell completes it: "no source file" of a file that is in the folder.
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    given = given.format(folder=tmp_path)
    with pytest.raises(FileNotFoundError) as refused:
        coverage(KnowledgeGraph.from_store(ox.Store()), tmp_path, only=given)
    assert str(refused.value) == (f"no source file {given!r} in {tmp_path}: give the file's "
                                  "name alone, without a folder: did you mean 'doc.txt'?")
    with pytest.raises(citations.CiteError) as refused:
        citations.cite(tmp_path, given, "Alpha")
    assert str(refused.value).endswith("without a folder: did you mean 'doc.txt'?"), \
        str(refused.value)


def test_a_file_of_the_folder_that_is_no_source_text_is_said_to_be_none(tmp_path):
    # "no source file 'README.md' in <folder>", of a file the folder holds: coverage reads
    # its *.txt files alone.
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "README.md").write_text("# The sources\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as refused:
        coverage(KnowledgeGraph.from_store(ox.Store()), tmp_path, only="README.md")
    assert str(refused.value) == \
        f"'README.md' is no source text of {tmp_path}: its source texts are its *.txt files"


def test_offsets_that_are_no_integers_place_the_quote_by_its_text(tmp_path):
    # A data file's oa:start "abc" builds (the build runs no shapes), and coverage stopped on
    # it with a traceback (ValueError: invalid literal for int()).
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    store = ox.Store()
    _evidence(store, "stored", "is cited", ("abc", "1e3"))
    [report] = coverage(KnowledgeGraph.from_store(store), tmp_path)
    assert (report.cited, report.unplaced) == (1, [])
    assert [s.text for s in report.uncited][0] == "Beta is not."
