"""validate and add on the command line (``cli/proposal_commands.py``): the report's names."""

import shutil
import subprocess
import sys

import pytest

from helpers import FIXTURE_BASE, ROOT

PREFIXES = "".join(line for line in (FIXTURE_BASE / "base.ttl").read_text().splitlines(True)
                   if line.startswith("@prefix"))


def test_a_folder_named_with_a_line_feed_is_written_escaped_in_every_line(tmp_path):
    # --data $'n\nl/d': a finding naming a claim's other value in a data file, and the note on
    # findings elsewhere, wrote the folder's line feed as it came, each line broken in two
    # ("(n" then "l/d/base.ttl:49 gives ..."), where the finding's own file read n\nl.
    folder = tmp_path / "n\nl"
    shutil.copytree(FIXTURE_BASE, folder / "d")
    with (folder / "d" / "base.ttl").open("a") as f:  # a finding of the data's own
        f.write('\n<https://alliance-graph.example/id/Foo> '
                '<https://alliance-graph.example/ontology/bar> "x" .\n')
    proposal = folder / "p.ttl"
    proposal.write_text(PREFIXES + 'claim:FxState-label rdf:object "Another" .\n')
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--ontology",
                           str(ROOT / "ontology"), "--data", str(folder / "d"), "--cache",
                           str(tmp_path / "cache"), "validate", str(proposal)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "(n\\nl/d/base.ttl:" in done.stdout and "'n\\nl/d'/*.ttl" in done.stdout, done.stdout
    assert not any(line.startswith("l/d") for line in done.stdout.splitlines()), done.stdout


CITED = "000_06b6882714cf1880.txt"  # the source the fixtures' evidence quotes


def _sources(sources_dir, tmp_path, kind: str):
    """Return a copy of the two source texts the fixtures' base cites, the quoted one made
    unreadable as ``kind`` says."""
    copy = tmp_path / "sources"
    copy.mkdir()
    for name in (CITED, "001_b9e5a7348fac2993.txt"):
        shutil.copy(sources_dir / name, copy / name)
    cited = copy / CITED
    if kind == "not UTF-8":
        cited.write_bytes(b"caf\xe9 " + cited.read_bytes())
        return copy, "not UTF-8 text (byte 3, 0xe9, does not decode)"
    cited.unlink()
    if kind == "folder":
        cited.mkdir()
        return copy, "a folder, not a text file"
    if kind == "loop":
        cited.symlink_to(CITED)
        return copy, "a symbolic link leading round in a loop, to no file"
    pytest.fail(kind)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """The build cache of these tests: the fixtures' base built once for them, not in the
    session's cache, where a build of other inputs removes the shipped graph's as stale."""
    return tmp_path_factory.mktemp("cache")


def _run(tmp_path, cache, sources, *args):
    # A copy of the fixtures' base (the command takes the data folder's lock, a file there).
    shutil.copytree(FIXTURE_BASE, tmp_path / "data")
    return subprocess.run([sys.executable, "-m", "alliance_graph", "--ontology",
                           str(ROOT / "ontology"), "--data", str(tmp_path / "data"), "--sources",
                           str(sources), "--cache", str(cache),
                           *map(str, args)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("kind", ["not UTF-8", "folder", "loop"])
def test_a_source_that_cannot_be_read_is_a_finding_and_the_rest_is_validated(
        sources_dir, tmp_path, cache, kind):
    # One source text that cannot be read stopped the whole validation: "error: a source text
    # cannot be read: ...", exit 2, the proposal's other findings unsaid (a folder or a link
    # in a loop was "not in the sources folder: check the src: name or add the text").
    sources, why = _sources(sources_dir, tmp_path, kind)
    proposal = ROOT / "tests" / "fixtures" / "shapes" / "evidence-credibility.fail.ttl"
    done = _run(tmp_path, cache, sources, "validate", proposal)
    assert done.returncode == 1, done.stderr
    assert f":21: source file sources/{CITED} cannot be read as a text: it is {why}; no " \
        "quote or offset of it was checked" in done.stdout, done.stdout
    assert ":24: ag:credibility is at most one Admiralty credibility grade" in done.stdout


def test_add_of_a_proposal_quoting_a_source_that_cannot_be_read_adds_nothing(
        sources_dir, tmp_path, cache):
    sources, why = _sources(sources_dir, tmp_path, "not UTF-8")
    proposal = tmp_path / "p.ttl"
    shutil.copy(ROOT / "tests" / "fixtures" / "shapes" / "claims.pass.ttl", proposal)
    done = _run(tmp_path, cache, sources, "add", proposal)
    assert done.returncode == 1, done.stderr
    assert f"source file sources/{CITED} cannot be read as a text: it is {why}" in done.stdout
    assert done.stderr.strip() == "error: the proposal does not conform: nothing was added"
