"""cite, as the command line says it: a file of the sources folder that the graph declares no
source document for is cited with a note saying so, and naming the sources it declares."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from alliance_graph.cli import main


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args])
    return invoke


@pytest.fixture
def built(settings):
    """The shipped graph's build in the session's cache, made now if it is not there: cite and
    coverage read it and make none, and the session's first build, the kg fixture's, is
    removed as stale (``settings.stale_cache_seconds``, 10 minutes) by a later build of other
    inputs into that cache (a CI run, the files in another order: no note said)."""
    from alliance_graph.build import pipeline
    return pipeline.cached_build(settings)


def test_a_file_the_graph_declares_no_source_for_is_said_so(run, built, sources_dir):
    # `cite README.md "x"` cited the sources folder's README as a source without a word, and
    # validate then refused the evidence ("names no described source document").
    readme = run("cite", "README.md", "Source documents", "--name", "readme-x")
    assert readme.exit_code == 0 and readme.stdout.startswith("ev:readme-x a ag:Evidence")
    declared = sorted(p.name for p in sources_dir.glob("0*.txt"))
    assert readme.stderr == (
        f"note: the graph declares no source document 'README.md', only {', '.join(declared)}: "
        "evidence citing it is refused by validate unless the proposal declares it too "
        "(src:README.md a ag:SourceDocument, with its ag:fileName, title, kind, SHA-256 and "
        "grade, as data/sources.ttl does)\n")
    source = run("cite", declared[0], "Negev U.S. Radar Base", "--name", "000-negev")
    assert source.exit_code == 0 and source.stderr == ""


def test_a_quote_is_not_noted_as_a_name_to_escape(run, monkeypatch):
    # Every argument is noted as a name whose control characters a message writes escaped
    # (wording.odd_names): a quote of two lines, once cited, had "\n" written escaped in every
    # later message repeating it.
    from alliance_graph import wording
    monkeypatch.setattr(wording, "_ODD_NAMES", set())  # this test's own (other tests noted)
    quote = "no such\nwords"
    assert run("cite", "000_06b6882714cf1880.txt", quote).exit_code == 1  # not in the text
    assert wording.shown(quote) == quote


@pytest.mark.parametrize("args, said", [
    ([b"Negev \xff\xfe"], "Invalid value for 'QUOTE': not UTF-8 text: byte 0xff at character 7"),
    ([b"Negev U.S. Radar Base", b"--name", b"a\xe9"],
     "Invalid value for '--name': not UTF-8 text: byte 0xe9 at character 2")])
def test_words_that_are_not_utf8_are_a_usage_error_saying_which_byte(sources_dir, args, said):
    # The real command, given the bytes a Latin-1 terminal or script sends: the quote was
    # looked for as '\udcff\udcfe' and said not to be in the source (exit 1).
    done = subprocess.run([sys.executable.encode(), b"-m", b"alliance_graph", b"--sources",
                           bytes(sources_dir), b"cite", b"000_06b6882714cf1880.txt", *args],
                          capture_output=True, timeout=60)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert said in done.stderr.decode() and "write it in UTF-8" in done.stderr.decode()


def test_coverage_of_a_copy_with_windows_line_ends_is_noted(run, built, sources_dir, tmp_path):
    # Counted against the recorded text's offsets without a word: 30 of 32 sentences of a
    # CR LF copy (git's core.autocrlf) said cited, where 27 are.
    name = "000_06b6882714cf1880.txt"
    crlf = tmp_path / "sources"
    crlf.mkdir()
    (crlf / name).write_bytes((sources_dir / name).read_bytes().replace(b"\n", b"\r\n"))
    done = run("--sources", crlf, "coverage")
    assert done.exit_code == 0 and done.stdout.startswith(f"{name}  "), done.output
    assert done.stderr.startswith(f"note: {name} is not the text the graph records (its "
                                  "SHA-256 is not ")
    assert done.stderr.endswith("its lines end in CR LF (Windows line ends, as a checkout "
                                "converting them writes: set git's core.autocrlf to false and "
                                "check the file out again); the evidence's offsets are the "
                                "recorded text's, so its counts are of another text\n")
    plain = run("coverage", "--format", "json")
    assert plain.exit_code == 0 and plain.stderr == ""
