"""proposals.expansion: a proposal's terms, each prefixed name written out whole, bounded."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
PASSES = SHAPES / "domain.pass.ttl"
BIN = Path(sys.executable).parent / "alliance-graph"


def prefix_bomb(namespace_chars: int, names: int) -> bytes:
    """A proposal whose one long prefix is repeated by every name: small as written, huge
    once each prefixed name is written out whole, as the parser writes it."""
    return (b"@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            b"@prefix p: <http://example.org/" + b"a" * namespace_chars + b"#> .\n\n"
            b"p: p: p:" + b", p:" * names + b" .\n")


@pytest.fixture
def expansion():
    from alliance_graph.proposals import expansion
    return expansion


def test_the_check_holds_one_triple_at_a_time_and_names_the_prefix_and_its_line(expansion):
    # At the real limit: 600 million characters of terms, read in a few hundredths of a
    # second, and refused by the triple that crosses 256 Mi; a proposal as written passes.
    started = time.monotonic()
    found = expansion.problem(prefix_bomb(99_000, 2_000).decode(), "p.ttl")
    assert time.monotonic() - started < 2
    assert (found.file, found.line) == ("p.ttl", 2)
    assert found.message.startswith("the prefix p: names an IRI of 99,020 characters, and ")
    assert "by its triple number 904: " in found.message
    assert expansion.problem(PASSES.read_text(), "p.ttl") is None
    assert expansion.problem("\ufeff" + PASSES.read_text(), "p.ttl") is None
    assert expansion.problem("not turtle <", "p.ttl") is None  # reading it says what is wrong


def test_short_prefixes_that_expand_too_far_are_told_to_split(expansion, monkeypatch):
    monkeypatch.setattr(expansion, "MAX_EXPANDED_CHARS", 1000)
    names = ", ".join(f"p:n{i}" for i in range(100))
    found = expansion.problem(f"@prefix p: <http://e.example/> .\np:a p:b {names} .\n",
                              "p.ttl")
    assert found.line is None
    assert str(found).startswith("p.ttl: expands too far: its IRIs and literals, each prefixed "
                                 "name written out whole, come to more than 1,000 characters")
    assert found.message.endswith(": split it into smaller files")


def test_validate_refuses_it_before_reading_it_whole(tmp_path):
    # Regression: `alliance-graph validate` read a 200 KB proposal into 600 million
    # characters of terms (1.2 GB) and validated them; it is refused as a file that cannot
    # be validated (exit 2), with its line, before it is read whole.
    shutil.copytree(SHAPES / "base", tmp_path / "data")
    bomb = tmp_path / "bomb.ttl"
    bomb.write_bytes(prefix_bomb(99_000, 2_000))
    done = subprocess.run([str(BIN), "--data", str(tmp_path / "data"), "--cache",
                           str(tmp_path / "cache"), "validate", str(bomb)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert f"error: could not validate: {bomb}:2: the prefix p: names an IRI of 99,020 " \
        "characters" in done.stderr


def test_the_prefix_line_of_a_file_of_carriage_returns_is_its_own(expansion):
    # Line feeds alone were counted: a proposal whose lines end in a carriage return alone
    # (an old Mac editor's) had its long prefix on line 1.
    found = expansion.problem(prefix_bomb(99_000, 2_000).decode().replace("\n", "\r"), "p.ttl")
    assert (found.file, found.line) == ("p.ttl", 2)


def test_a_long_prefix_name_is_said_by_its_start_and_length(expansion, monkeypatch):
    # A prefix named by 60,000 characters was said whole, 60 KB before the advice to shorten
    # the IRI it names; it is said clipped (clipping.py), its line and advice kept.
    monkeypatch.setattr(expansion, "MAX_EXPANDED_CHARS", 2_000)
    name = "p" * 60_000
    found = expansion.problem(f"@prefix ag: <https://alliance-graph.example/ontology/> .\n"
                              f"@prefix {name}: <http://example.org/{'a' * 1_000}#> .\n"
                              f"{name}: {name}: {name}: .\n", "p.ttl")
    assert (found.file, found.line) == ("p.ttl", 2)
    assert found.message.startswith(f"the prefix {'p' * 200}…: (60,000 characters) names an "
                                    "IRI of 1,020 characters, and "), found.message[:300]
    assert found.message.endswith("; shorten it") and len(found.message) < 1_000
