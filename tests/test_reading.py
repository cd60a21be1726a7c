"""A source text read as its quotes are compared with it (``sources/reading.py``): a file that
is no text (empty, too big, not UTF-8) refused with why, fast and in bounded memory, alike by
``check``, ``cite``, ``validate`` (the real command) and ``POST /validate`` (a real server)."""

import os
import shutil
import subprocess
import tracemalloc

import pytest

import servers
from alliance_graph.settings import MOST_SOURCE_BYTES
from alliance_graph.sources.reading import READ, SourceNotText, read_source, unreadable
from helpers import FIXTURE_BASE, ROOT

CITED = "000_06b6882714cf1880.txt"  # the source the fixtures' evidence quotes
PROPOSAL = ROOT / "tests" / "fixtures" / "shapes" / "evidence-credibility.fail.ttl"
EMPTY = "an empty file, which holds no quote"


def refused_with_peak(path):
    """Return the SourceNotText ``read_source(path)`` raises, and the most memory it took."""
    tracemalloc.start()
    try:
        with pytest.raises(SourceNotText) as refused:
            read_source(path)
        return refused.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_source_past_the_size_limit_is_refused_by_its_size_unread(tmp_path):
    # Read whole, a 100 MB source took 14 s and 462 MB (a PDF or a database dump named as a
    # source): its size is refused before a byte is read.  (A sparse file: no disk written.)
    path = tmp_path / "dump.txt"
    with path.open("wb") as f:
        f.truncate(MOST_SOURCE_BYTES + 1)
    why = f"a file of {MOST_SOURCE_BYTES + 1:,} bytes, more than the {MOST_SOURCE_BYTES:,} a " \
          "source text may be"
    refused, peak = refused_with_peak(path)
    assert str(refused) == f"{path}: {why}" and peak < 1 << 20
    assert unreadable(path) == why


def test_a_source_not_utf8_is_refused_at_its_first_bad_byte_unread_past_it(tmp_path):
    # A PDF's eleventh byte does not decode: the 15 MB after it were read and held first.
    path = tmp_path / "report.txt"
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        f.truncate(15 << 20)
    refused, peak = refused_with_peak(path)
    assert str(refused) == f"{path}: not UTF-8 text (byte 10, 0xe2, does not decode)"
    assert peak < 8 << 20, peak  # a part read (1 MiB) and its copies, not the 15 MiB file


def test_a_text_read_a_part_at_a_time_is_the_text(tmp_path):
    # A character cut across two parts read is decoded whole; the text, byte for byte.
    text = "x" * ((1 << 20) - 1) + "’ and a quote"
    (tmp_path / "t.txt").write_text(text, "utf-8")
    assert read_source(tmp_path / "t.txt") == text
    assert unreadable(tmp_path / "t.txt") is None


def _sources_with_an_empty_cited_text(tmp_path, sources_dir):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(sources_dir / "001_b9e5a7348fac2993.txt", sources)
    (sources / CITED).write_bytes(b"")
    return sources


def test_an_empty_source_is_said_empty_by_check_cite_and_validate(sources_dir, tmp_path):
    # Each said "quote not found" (check: "not the text the graph records"), with no word of
    # the file's being empty.
    sources = _sources_with_an_empty_cited_text(tmp_path, sources_dir)

    def run(*args):
        return subprocess.run([str(servers.BIN / "alliance-graph"), "--data", str(FIXTURE_BASE),
                               "--sources", str(sources), *args],
                              capture_output=True, text=True, timeout=120)

    check = run("check")
    assert check.returncode == 1 and "Traceback" not in check.stderr, check
    assert f"{CITED} cannot be read as the text the graph records: it is {EMPTY}; cite, " \
           "validate and coverage refuse this file" in check.stdout, check.stdout
    cite = run("cite", CITED, "Iron Dome")
    assert (cite.returncode, cite.stdout) == (2, ""), cite
    assert cite.stderr == f"error: {sources / CITED}: {EMPTY}\n", cite.stderr
    validate = run("validate", str(PROPOSAL))
    assert validate.returncode == 1 and "Traceback" not in validate.stderr, validate
    assert f"source file {sources / CITED} cannot be read as a text: it is {EMPTY}; no quote " \
           "or offset of it was checked" in validate.stdout, validate.stdout
    assert "quote not found" not in validate.stdout, validate.stdout


def test_an_empty_source_is_said_empty_by_post_validate(sources_dir, tmp_path):
    sources = _sources_with_an_empty_cited_text(tmp_path, sources_dir)
    shutil.copytree(FIXTURE_BASE, tmp_path / "data")  # the server locks its data folder
    url, server = servers.serve_validating(tmp_path / "data", sources, tmp_path / "serve.log")
    try:
        refused, body = servers.refused(url, PROPOSAL.read_bytes())
    finally:
        servers.stop(server)
    assert refused.code == 503, body
    assert body.startswith(f"validation could not be finished: the server's source text {CITED} "
                           f"cannot be read as a text: it is {EMPTY}; no quote or offset of it "
                           "was checked"), body


def test_a_text_read_a_part_at_a_time_is_judged_as_read_whole(tmp_path):
    # unreadable (check's reading of every source) reads a part at a time: a character cut
    # by a part's end is whole text, and a bad byte past it is said at its place in the file.
    size = READ
    path = tmp_path / "long.txt"
    text = (b"The recorded text, line after line.\n" * (size // 30))[:size - 1]
    path.write_bytes(text + "\u00e9".encode() + b"b")
    assert unreadable(path) is None
    path.write_bytes(text + "\u00e9".encode() + b"\xff")
    assert unreadable(path) == f"not UTF-8 text (byte {size + 1}, 0xff, does not decode)"
    with pytest.raises(SourceNotText, match=f"byte {size + 1}, 0xff"):
        read_source(path)


def test_a_source_that_is_no_regular_file_is_refused_unread(tmp_path):
    # coverage read every *.txt of the folder: a named pipe's read waited for a writer
    # forever (a link to /dev/zero's, refused alike, never ended), a folder's was a traceback.
    import threading

    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder.txt").mkdir()
    said = {}

    def read_each():
        for name in ("pipe.txt", "folder.txt"):
            try:
                read_source(tmp_path / name)
            except SourceNotText as exc:
                said[name] = str(exc)
    reading = threading.Thread(target=read_each, daemon=True)
    reading.start()
    reading.join(5)
    if reading.is_alive():  # let the read end, for the test to fail rather than hang
        with open(tmp_path / "pipe.txt", "wb"):
            pass
    assert said == {
        "pipe.txt": f"{tmp_path / 'pipe.txt'} is not a regular file: a source is a text file "
                    "(*.txt)",
        "folder.txt": f"{tmp_path / 'folder.txt'} is a folder: a source is a text file (*.txt)"}
    assert unreadable(tmp_path / "pipe.txt") == "not a regular file"
