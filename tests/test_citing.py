"""What the built graph says of an evidence block about to be added (proposals/citing.py), as
``cite``'s notes and ``ag.cite``'s warnings."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

import alliance_graph as ag
from alliance_graph.proposals import citing
from alliance_graph.wording import worded

SOURCE = "000_06b6882714cf1880.txt"
CITED = "Iron Dome (Short-range rocket defense system, co-funded by the U.S.)"  # ev:000-iron-dome


@pytest.fixture
def built(kg, settings):
    """The settings of a graph whose build is cached: the notes read it, and build nothing."""
    return settings


def test_a_passage_cited_already_is_said_with_the_node_citing_it(built):
    assert citing.notes(built, SOURCE, CITED, "000-again") == [
        "this passage is already cited as ev:000-iron-dome: cite that one (prov:wasDerivedFrom "
        "takes several) rather than a second evidence node"]
    assert citing.notes(built, SOURCE, CITED, "000-iron-dome") == [
        "data/ holds this evidence node already (ev:000-iron-dome): a claim may cite it as it is"]


def test_a_name_given_to_another_quote_is_said_in_the_callers_words(built):
    [note] = citing.notes(built, SOURCE, "Negev U.S. Radar Base", "000-iron-dome")
    assert note.startswith("data/ has an evidence node ev:000-iron-dome already, quoting "
                           "'Iron Dome (Short-range rocket defense system, co-funded by t…' (68 characters) in "
                           f"{SOURCE}: this block would add a second quote to it")
    assert note.endswith("which validate refuses; give name another name")
    assert worded(note, lambda p, *v: "--" + p).endswith("give --name another name")


def test_nothing_is_said_of_a_new_passage_or_before_anything_is_built(built, tmp_path):
    assert citing.notes(built, SOURCE, "Negev U.S. Radar Base", "000-negev-new") == []
    assert citing.notes(built.with_(cache_dir=tmp_path), SOURCE, CITED, "000-again") == []


def test_ag_cite_warns_what_the_command_notes(built, sources_dir):
    # The command said "note: this passage is already cited as ev:000-iron-dome"; ag.cite
    # returned the block without a word, and a notebook added a second evidence node.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        block = ag.cite(SOURCE, CITED, name="000-again", settings=built)
    assert block.startswith("ev:000-again a ag:Evidence")
    assert [(w.category, str(w.message)) for w in caught] == [
        (ag.CitationNote, citing.notes(built, SOURCE, CITED, "000-again")[0])]


def test_a_quote_with_white_space_at_an_end_is_said(built, tmp_path):
    # " Negev U.S. Radar Base " was cited, spaces and all, without a word: a paste's edge.
    said = citing.notes(built.with_(cache_dir=tmp_path), SOURCE, " Negev U.S. Radar Base ",
                        "000-negev-new")
    assert said == ["the quote starts and ends with white space, which the evidence quotes too: "
                    "leave it out unless the passage needs it"]
    assert citing.notes(built, SOURCE, "Negev U.S. Radar Base\n", "000-negev-new")[0].startswith(
        "the quote ends with white space")


def test_a_source_checked_out_with_windows_line_ends_is_said_to_be_another_text(
        built, sources_dir, tmp_path):
    # cite printed offsets of a CR LF copy of the sources (git's core.autocrlf), 11 past the
    # quote in the recorded text, without a word; validate then refused them elsewhere.
    crlf = tmp_path / "sources"
    crlf.mkdir()
    (crlf / SOURCE).write_bytes((sources_dir / SOURCE).read_bytes().replace(b"\n", b"\r\n"))
    [note] = citing.notes(built.with_(sources_dir=crlf), SOURCE, "Negev U.S. Radar Base",
                          "000-negev-new")
    assert note.startswith(f"{SOURCE} is not the text the graph records (its SHA-256 is not ")
    assert note.endswith("): its lines end in CR LF (Windows line ends, as a checkout "
                         "converting them writes: set git's core.autocrlf to false and check "
                         "the file out again); the offsets above are this file's, which "
                         "validate refuses")
    (crlf / SOURCE).write_bytes((sources_dir / SOURCE).read_bytes() + b"edited\n")
    [note] = citing.notes(built.with_(sources_dir=crlf), SOURCE, "Negev U.S. Radar Base",
                          "000-negev-new")
    assert "it was edited, or is another copy" in note
    assert citing.notes(built, SOURCE, "Negev U.S. Radar Base", "000-negev-new") == []


def test_reading_the_build_for_the_notes_imports_neither_rdflib_nor_the_stores(built):
    # cite's notes imported rdflib (the namespaces' rdflib objects, and the loader for its
    # LoadError) and the stores' module (the remote store's client, the lexer): 0.1 s of
    # cite's 0.28 s start.  What they say is the other tests'.
    shown = subprocess.run([sys.executable, "-c", f"""
import sys
from pathlib import Path
from alliance_graph.proposals import citing
from alliance_graph.settings import Settings
notes = citing.notes(Settings(cache_dir=Path({str(built.cache_dir)!r})), {SOURCE!r}, {CITED!r},
                     "000-again")
print(len(notes), [m for m in ("rdflib", "alliance_graph.build.loading",
                               "alliance_graph.store.backends") if m in sys.modules])
"""], capture_output=True, text=True, timeout=60)
    assert shown.stdout.split("\n")[0] == "1 []", shown.stderr
