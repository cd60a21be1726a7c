"""Quotes: located in their source, and every shipped quote verbatim in its source text."""

import hashlib
import os
import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from alliance_graph.cli import main
from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals.quotes import check_quotes
from alliance_graph.sources import citations
from alliance_graph.sources.coverage import coverage

TEXT = "The U.S. was the first country. Israel was designated in 1987. The U.S. was first."


def test_unique_quote_needs_no_context():
    loc = citations.locate(TEXT, "designated in 1987")
    assert TEXT[loc.start:loc.end] == "designated in 1987"
    assert (loc.prefix, loc.suffix) == (None, None)


def test_repeated_quote_gets_the_context_that_makes_it_unique():
    loc = citations.locate(TEXT, "The U.S. was")
    assert loc.start == 0
    assert loc.prefix is not None and loc.suffix is not None
    assert len([s for s in citations.occurrences(TEXT, "The U.S. was")
                if TEXT[:s].endswith(loc.prefix) and TEXT[s + 12:].startswith(loc.suffix)]) == 1


def test_given_prefix_picks_the_matching_occurrence():
    loc = citations.locate(TEXT, "The U.S. was", prefix="1987. ")
    assert loc.start == TEXT.rindex("The U.S. was")


@pytest.mark.parametrize("quote, kwargs", [("the first nation", {}), ("", {}), (" ", {}),
                                            (" ", {"prefix": "1987."}),
                                            ("The U.S. was", {"suffix": " never"})])
def test_missing_quote_raises(quote, kwargs):
    with pytest.raises(citations.QuoteNotFound):
        citations.locate(TEXT, quote, **kwargs)


def test_evidence_block_parses_and_points_at_the_quote():
    import rdflib
    block = citations.evidence_turtle("t-1", "t.txt", TEXT, 'designated in 1987')
    graph = rdflib.Graph().parse(data=turtle_prologue() + block, format="turtle")
    start = next(graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#start")))
    assert TEXT[int(start):].startswith("designated in 1987")


QUOTES = """
SELECT ?evidence ?file ?exact ?prefix ?suffix ?start ?end WHERE {
  ?evidence a ag:Evidence ; oa:hasSource ?source ; oa:hasSelector ?quote .
  ?source ag:fileName ?file .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?quote oa:prefix ?prefix } OPTIONAL { ?quote oa:suffix ?suffix }
  OPTIONAL { ?evidence oa:hasSelector [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] }
}
"""


def value(term):
    return None if term is None else term.value


def test_shipped_graph_has_evidence(kg):
    assert len(list(kg.query(QUOTES))) > 0


def test_every_shipped_quote_is_verbatim_in_its_source(kg, sources_dir):
    texts = {}
    wrong = []
    for row in kg.query(QUOTES):
        file = row["file"].value
        if file not in texts:
            texts[file] = citations.read_source(sources_dir / file)
        exact = row["exact"].value
        try:
            loc = citations.locate(texts[file], exact, value(row["prefix"]), value(row["suffix"]))
        except citations.QuoteNotFound as exc:
            wrong.append(f"{row['evidence'].value}: {exc}")
            continue
        if row["start"] is not None and (int(row["start"].value), int(row["end"].value)) != (loc.start, loc.end):
            # The stored offsets must select exactly the quote.
            start, end = int(row["start"].value), int(row["end"].value)
            if texts[file][start:end] != exact:
                wrong.append(f"{row['evidence'].value}: oa:start/oa:end {start}-{end} do not select the quote")
    assert not wrong, "\n".join(wrong)


def test_source_documents_match_their_files(kg, sources_dir):
    rows = list(kg.query("SELECT ?file ?sha WHERE { ?d a ag:SourceDocument ; ag:fileName ?file ; ag:sha256 ?sha }"))
    assert {r["file"].value for r in rows} == {p.name for p in sources_dir.glob("*.txt")}
    for r in rows:
        digest = hashlib.sha256((sources_dir / r["file"].value).read_bytes()).hexdigest()
        assert r["sha"].value == digest, r["file"].value


@pytest.mark.parametrize("name", ["000-negev", "t-1", "a.b_c", "_x", "9"])
def test_a_plain_local_name_is_accepted(name):
    assert citations.is_local_name(name)


BAD_NAMES = ["", "x ; ag:rank ag:PreferredRank . id:Evil a ag:State . ev:y", "a b", "-a", ".a",
             "a.", "a:b", "a\n", "é", "a/b", "a#b"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_an_evidence_name_that_is_no_plain_local_name_is_refused(name):
    # Written as it is after ev:, it would print Turtle that does not parse or says more.
    assert not citations.is_local_name(name)
    with pytest.raises(citations.NotALocalName, match="not a valid evidence name"):
        citations.evidence_turtle(name, "t.txt", TEXT, "designated in 1987")


def test_a_source_file_name_that_is_no_plain_local_name_is_refused():
    with pytest.raises(citations.NotALocalName, match="cannot be cited as src:a b.txt"):
        citations.evidence_turtle("t-1", "a b.txt", TEXT, "designated in 1987")


def test_a_source_that_is_not_utf8_is_named_with_its_byte(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 au lait")
    with pytest.raises(citations.SourceNotText) as raised:
        citations.read_source(path)
    assert str(raised.value) == f"{path}: not UTF-8 text (byte 3, 0xe9, does not decode)"


def test_a_source_saved_as_utf16_is_said_to_be_utf16(tmp_path):
    # It was "not UTF-8 text (byte 0, 0xff, does not decode)": a byte order mark named, the
    # encoding not.
    path = tmp_path / "saved-by-notepad.txt"
    path.write_bytes(TEXT.encode("utf-16"))
    with pytest.raises(citations.SourceNotText) as raised:
        citations.read_source(path)
    assert str(raised.value) == (f"{path}: not UTF-8 text (it is UTF-16 text, what Windows "
                                 "calls Unicode): save it as UTF-8")


def sources_with(tmp_path, name: str):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / name).write_text(TEXT, "utf-8")
    return folder


def test_a_quote_in_a_periodic_text_is_given_its_unique_context_in_linear_time():
    # The same 23 characters 8,000 times: the context was widened 16 characters at a time,
    # every occurrence compared at each width, about a minute (2,000 times: 2.2 s).
    unit = "The U.S. and Israel do "
    text = unit * 8000
    started = time.thread_time()  # this thread's CPU: a loaded machine's clock runs on
    loc = citations.locate(text, "Israel")
    assert time.thread_time() - started < 1
    # The first occurrence, told apart only by running to the text's end (no prefix can:
    # it stops at the text's start, which every later occurrence's context repeats).
    assert (loc.start, loc.prefix) == (13, text[:13])
    assert text.startswith("Israel" + loc.suffix, 13) and len(loc.suffix) % 16 == 0
    # The narrowest that does, in steps of 16 characters, as before.
    assert citations.occurrences(text, loc.prefix + "Israel" + loc.suffix) == [0]
    assert citations.occurrences(text, loc.prefix + "Israel" + loc.suffix[:-16]) != [0]


def test_a_source_named_in_another_case_is_refused_with_the_files_name(tmp_path):
    # "no source file" and nothing more, though the name differed only in case; and where the
    # file system ignores case (macOS, Windows) the file was read, and the block cited a
    # src:T.TXT that names no source document of the graph.
    folder = sources_with(tmp_path, "t.txt")
    said = CliRunner().invoke(main, ["--sources", str(folder), "cite", "T.TXT", "1987"])
    assert said.exit_code == 2 and "ev:" not in said.output
    assert f"no source file 'T.TXT' in {folder}: the file is named 't.txt'" in said.output
    assert citations.source_names(folder) == {"t.txt"}


def test_a_source_and_quote_given_the_other_way_round_are_said_to_be(tmp_path):
    # "no source file 'designated in 1987' in DIR" and nothing more: the quote was taken for
    # the file, the file for the quote, which its user was left to see.
    folder = sources_with(tmp_path, "t.txt")
    said = CliRunner().invoke(main, ["--sources", str(folder), "cite", "designated in 1987",
                                     "t.txt"])
    assert (said.exit_code, said.output) == (2, (
        f"error: no source file 'designated in 1987' in {folder}: the quote, 't.txt', is a "
        "source file's name: give the source first, then the quote\n"))


@pytest.mark.parametrize("given, said", [
    ("a" * 100_000, "error: no source file 'aaa…' (100,000 characters) in"),
    ("a/" + "b" * 100_000, "error: SOURCE 'a/bbb…' (100,002 characters) is not a file name")])
def test_a_long_source_argument_is_echoed_bounded(tmp_path, given, said):
    # 100 KB pasted as SOURCE was echoed whole, a 100 KB error (clipping.clipped's bound).
    folder = sources_with(tmp_path, "t.txt")
    refused = CliRunner().invoke(main, ["--sources", str(folder), "cite", given, "1987"])
    assert refused.exit_code == 2 and len(refused.output) < 600
    start, _, end = said.partition("…")
    assert refused.output.startswith(start[:-3]) and "…" + end in refused.output


@pytest.mark.parametrize("make", [os.mkfifo, os.mkdir], ids=["named pipe", "folder"])
def test_a_source_name_that_is_no_regular_file_is_said_to_be_none(tmp_path, make):
    # "no source file 'p.txt' in DIR", though p.txt was there to be seen: a named pipe.
    folder = sources_with(tmp_path, "t.txt")
    make(folder / "p.txt")
    said = CliRunner().invoke(main, ["--sources", str(folder), "cite", "p.txt", "1987"])
    assert said.exit_code == 2 and "ev:" not in said.output
    assert f"{folder / 'p.txt'} is not a regular file: a source is a text file" in said.output


def test_validate_names_the_source_file_a_src_name_differs_from_in_case(tmp_path):
    folder = sources_with(tmp_path, "t.txt")
    store = ox.Store()
    store.load(turtle_prologue() + """
ev:t-1 a ag:Evidence ; oa:hasSource src:T.TXT ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "designated in 1987" ] .
""", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:proposal"))
    [missing] = check_quotes(store, folder, lambda graph: graph.value)
    assert missing.shape.endswith("/source-file-missing")
    assert missing.message == ("source file 'T.TXT' is not in the sources folder: the file is "
                               "named 't.txt'")


NAME = "000_06b6882714cf1880.txt"


@pytest.mark.parametrize("given, said", [
    ("000_06b6882714cf1880", f": did you mean '{NAME}'?"),       # without its .txt
    ("000", f": did you mean '{NAME}'?"),                        # its number alone
    ("000_06b6882714cf1880.tx", f": did you mean '{NAME}'?"),    # a letter short
    ("000_06b6882714cf188.txt", f": did you mean '{NAME}'?"),
    ("000_06B6882714CF1880.TXT", f": the file is named '{NAME}'"),
    ("00", ""),                                                  # too little to tell
    ("notes.txt", ""),                                           # like no file there
])
def test_a_source_name_typed_short_or_misspelt_is_refused_with_the_name_meant(tmp_path, given,
                                                                               said):
    # "no source file '000' in ..." and nothing more: the user was left to list the folder.
    folder = sources_with(tmp_path, NAME)
    (folder / "001_b9e5a7348fac2993.txt").write_text(TEXT, "utf-8")
    cited = CliRunner().invoke(main, ["--sources", str(folder), "cite", given, "1987"])
    assert cited.exit_code == 2 and "ev:" not in cited.output
    assert cited.output == f"error: no source file '{given}' in {folder}{said}\n"
    with pytest.raises(FileNotFoundError) as listed:  # coverage --source says it alike
        coverage(None, folder, only=given)
    assert str(listed.value) == f"no source file '{given}' in {folder}{said}"
    store = ox.Store()
    store.load(turtle_prologue() + f"""
ev:t-1 a ag:Evidence ; oa:hasSource src:{given} ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "designated in 1987" ] .
""", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:proposal"))
    [missing] = check_quotes(store, folder, lambda graph: graph.value)
    assert missing.message == f"source file '{given}' is not in the sources folder" + (
        said or ": check the src: name or add the text")


def test_a_source_file_not_the_recorded_text_is_said_so_with_why(tmp_path):
    text = tmp_path / "000.txt"
    text.write_bytes(b"one line\nanother\n")
    recorded = citations.sha256_of(text)
    assert citations.not_recorded(text, recorded) is None
    assert citations.not_recorded(tmp_path / "gone.txt", recorded) is None  # said by the caller
    text.write_bytes(b"one line\r\nanother\r\n")  # a checkout writing Windows line ends
    said = citations.not_recorded(text, recorded)
    assert said.startswith(f"000.txt is not the text the graph records (its SHA-256 is not "
                           f"{recorded}): its lines end in CR LF") and "core.autocrlf" in said
    text.write_bytes(b"one line\nedited\n")
    assert citations.not_recorded(text, recorded).endswith(": it was edited, or is another copy")


def test_a_looping_link_beside_the_sources_leaves_them_listed(tmp_path):
    # scandir's is_file raised ELOOP for a link to itself, and the folder read as empty.
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "gone").symlink_to("nowhere.txt")
    (tmp_path / "linked.txt").symlink_to("a.txt")
    assert citations.source_names(tmp_path) == {"a.txt", "linked.txt"}


def test_a_large_source_is_hashed_without_being_read_whole(tmp_path):
    # not_recorded and sha256_of read the file into memory whole: a 200 MB file named as a
    # source in the folder (check hashes every one) took 200 MB more, a 1 GB one 1 GB.
    import tracemalloc
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(200 * 2**20)  # sparse: no disk written
        f.seek(100 * 2**20 - 1)
        f.write(b"\r\n")  # CR LF across two reads
    tracemalloc.start()
    try:
        said = citations.not_recorded(big, "0" * 64)
        digest = citations.sha256_of(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak:,} bytes at most"
    assert said.endswith("its lines end in CR LF (Windows line ends, as a checkout converting "
                         "them writes: set git's core.autocrlf to false and check the file "
                         "out again)")
    assert citations.not_recorded(big, digest) is None


def test_a_recorded_digest_in_capitals_or_spaced_is_the_text_not_an_edit(tmp_path):
    # The file was the recorded text, and 'check' (and cite, coverage, validate) said "it
    # was edited, or is another copy"; the digest's own form is its shape's finding.
    text = tmp_path / "t.txt"
    text.write_bytes(b"The recorded text.\n")
    recorded = hashlib.sha256(b"The recorded text.\n").hexdigest()
    assert citations.not_recorded(text, recorded.upper()) is None
    assert citations.not_recorded(text, f" {recorded}\n") is None


def test_a_line_break_typed_as_its_escape_is_said_to_be_given_itself(tmp_path):
    # `cite t.txt 'first.\nIsrael'` (a quote copied across a line break, typed in a shell's
    # quotes) was told only "after '\n' (U+000A LINE FEED) where the quote has 'n'".
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "t.txt").write_text("The U.S. was the first country.\nIsrael was designated.")
    said = CliRunner().invoke(main, ["--sources", str(folder), "cite", "t.txt",
                                     "country.\\nIsrael was"])
    assert said.exit_code == 1 and said.output.endswith(
        "; the quote writes a line break or tab as a backslash and a letter (\\n, \\t), which a "
        "shell passes as typed: give the character itself (in bash, $'...\\n...')\n"), said.output
    given = CliRunner().invoke(main, ["--sources", str(folder), "cite", "t.txt",
                                      "country.\nIsrael was"])
    assert given.exit_code == 0 and "oa:start 23 ; oa:end 42" in given.output, given.output


def test_a_source_given_as_its_iri_is_told_the_file_name(tmp_path):
    # "SOURCE '<https://.../source/t.txt>' is not a file name: give the name of a file in
    # DIR, without a folder", and not the name, which a path's last part gets.
    folder = sources_with(tmp_path, "t.txt")
    iri = "<https://alliance-graph.example/id/source/t.txt>"
    said = CliRunner().invoke(main, ["--sources", str(folder), "cite", iri, "1987"])
    assert (said.exit_code, said.output) == (2, (
        f"error: SOURCE '{iri}' is not a file name: give the name of a file in {folder}, "
        "without a folder: did you mean 't.txt'?\n"))


def test_a_quote_of_many_occurrences_is_located_by_its_context_in_place():
    # Each occurrence's context was compared on a copy of the text up to it (text[:s]): a
    # one-letter quote over 2 MB, 180,000 occurrences, took about 20 s to be found not to
    # have its prefix; compared in place, 0.5 s.
    text = "a banana and a papaya. " * 90_000
    started = time.thread_time()
    with pytest.raises(citations.QuoteNotFound):
        citations.locate(text, "a", prefix="no such text ")
    assert time.thread_time() - started < 5, time.thread_time() - started
    located = citations.locate(text + "the end", "a", prefix=". ", suffix=" banana")
    assert (located.start, located.end) == (23, 24)


def test_a_source_that_became_a_named_pipe_is_not_hashed_nor_waited_on(tmp_path):
    # A file the folder listed, made a named pipe before its hash was read (check_quotes
    # hashes each file listed, after reading it): its open waited for a writer, and check, or
    # the server's POST /validate, with it.  Refused unread, as reading it is.
    import threading

    pipe = tmp_path / "000.txt"
    os.mkfifo(pipe)
    said = {}

    def hash_it():
        try:
            citations.sha256_of(pipe)
        except citations.SourceNotText as exc:
            said["sha256_of"] = str(exc)
        said["not_recorded"] = citations.not_recorded(pipe, "0" * 64)
    hashing = threading.Thread(target=hash_it, daemon=True)
    hashing.start()
    hashing.join(5)
    if hashing.is_alive():  # let the open end, for the test to fail rather than hang
        with open(pipe, "wb"):
            pass
        hashing.join(5)
    assert said == {"sha256_of": f"{pipe} is not a regular file: a source is a text file (*.txt)",
                    "not_recorded": None}
