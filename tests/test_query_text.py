"""What `alliance-graph query` is given (cli/query_text.py): a query past the size bound is
refused before it is read whole, a pipe read as a file is, a folder or text that is not UTF-8
said to be one, in words its user can act on."""

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_graph.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input)
    return invoke


def test_a_query_past_the_size_bound_names_no_setting_its_user_cannot_set(run, tmp_path):
    # It named Settings.max_query_bytes, which no option or variable of `query` sets (and
    # `serve --max-query-bytes` bounds the server's queries, not this command's).
    path = tmp_path / "huge.rq"
    path.write_bytes(b"ASK {} #" + b"x" * 100_000)
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (1, (
        f"error: query failed: the query file {path} is more than 100,000 bytes long; the "
        "limit is 100,000\n"))
    stdin = run("query", "-", input=b"ASK {} #" + b"x" * 100_000)
    assert (stdin.exit_code, stdin.stderr) == (1, (
        "error: query failed: the query on standard input is more than 100,000 bytes long; "
        "the limit is 100,000\n"))


def test_a_query_is_read_from_a_pipe_named_as_a_file(run, tmp_path):
    # `query <(make-query)` names the pipe /dev/fd/63: "no query file /dev/fd/63", exit 2, as
    # /dev/stdin and a named pipe (mkfifo) were, all being no regular file.
    read, write = os.pipe()
    os.write(write, b"ASK {}")
    os.close(write)
    try:
        piped = run("query", f"/dev/fd/{read}")
    finally:
        os.close(read)
    assert (piped.exit_code, piped.stdout) == (0, "true\n"), piped.output
    fifo = tmp_path / "query.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(b"ASK {}",))
    writer.start()
    named = run("query", fifo)
    if writer.is_alive():  # the query never opened the pipe: free the writer waiting for it
        with fifo.open("rb") as unread:
            writer.join()
            unread.read()
    writer.join()
    assert (named.exit_code, named.stdout) == (0, "true\n"), named.output


@pytest.mark.parametrize("name", ["saved.rq", "my queries"])
def test_a_folder_given_as_the_query_is_said_to_be_one(run, tmp_path, name):
    # "saved.rq" was "no query file .../saved.rq", of a folder that is there; "my queries" (a
    # space: no path, it was thought) was parsed as SPARQL: "error at 1:1: expected [_]".
    folder = tmp_path / name
    folder.mkdir()
    result = run("query", folder)
    assert (result.exit_code, result.stderr) == (2, (
        f"error: {folder} is a folder: give a query file (.rq) in it, a catalogue name, or the "
        "query's text\n"))


def test_a_folder_named_as_a_catalogue_query_leaves_the_name_to_the_catalogue(run, tmp_path,
                                                                            monkeypatch):
    (tmp_path / "aid-amounts").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("query", "aid-amounts", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.startswith("amount,"), result.output


def test_a_query_in_utf16_is_said_to_be_utf16(run, tmp_path):
    # What Windows' PowerShell writes with `>`: "'utf-8' codec can't decode byte 0xff in
    # position 0: invalid start byte" of a file, "not valid UTF-8 text (byte 0)" of stdin.
    path = tmp_path / "saved.rq"
    path.write_bytes("ASK {}".encode("utf-16"))
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (2, (
        f"error: cannot read the query file {path}: it is UTF-16 text: save it as UTF-8\n"))
    stdin = run("query", "-", input="ASK {}".encode("utf-16"))
    assert (stdin.exit_code, stdin.stderr) == (2, (
        "error: the query on standard input is UTF-16 text: save it as UTF-8\n"))
    path.write_bytes(b"ASK { \xff }")
    latin = run("query", path)
    assert (latin.exit_code, latin.stderr) == (2, (
        f"error: cannot read the query file {path}: it is not valid UTF-8 text at line 1 "
        "(byte 0xFF, the line's byte 7, is 'ÿ', U+00FF LATIN SMALL LETTER Y WITH DIAERESIS, "
        "in Windows-1252: the file was saved in another encoding than UTF-8; save it as "
        "UTF-8)\n"))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_query_saved_as_latin1_is_said_with_its_line_and_character(tmp_path, bom):
    # The real command: "it is not valid UTF-8 text (byte 61)", a count from the file's start
    # (past a byte order mark it did not count), where a data file's is told by its line and
    # the character the byte is in Windows-1252.
    path = tmp_path / "labels.rq"
    path.write_bytes(bom + 'SELECT ?s WHERE {\r\n  ?s rdfs:label "Caf\xe9" }\r\n'.encode("latin-1"))
    command = [str(Path(sys.executable).parent / "alliance-graph"), "query"]
    for args, stdin, said in ([[str(path)], None, f"cannot read the query file {path}: it"],
                              [["-"], path.read_bytes(), "the query on standard input"]):
        done = subprocess.run(command + args, input=stdin, capture_output=True, timeout=300)
        assert done.returncode == 2 and done.stderr.decode() == (
            f"error: {said} is not valid UTF-8 text at line 2 (byte 0xE9, the line's byte 21, "
            "is 'é', U+00E9 LATIN SMALL LETTER E WITH ACUTE, in Windows-1252: the file was saved "
            "in another encoding than UTF-8; save it as UTF-8)\n")


@pytest.mark.parametrize("given", ["aid-amounts ", "\naid-amounts\n", " aid-amount"])
def test_a_catalogue_name_with_spaces_around_it_is_said_to_be_one(run, given):
    # Pasted with a space or a line's end, it was parsed as SPARQL: "query failed: error at
    # 1:10: expected CONSTRUCT", which said nothing of the name.
    result = run("query", given)
    assert result.exit_code == 2 and result.stderr.startswith(
        f"error: no query named {given!r} in ") and result.stderr.endswith(
        "; did you mean aid-amounts?\n"), result.stderr


def test_a_query_read_from_the_terminal_says_how_to_end_it(tmp_path):
    # `query -` typed at a prompt waited for standard input without a word.
    main_end, terminal = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "alliance_graph", "query", "-"],
                                   stdin=terminal, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=tmp_path)
        os.write(main_end, b"ASK {}\n\x04")
        out, err = process.communicate(timeout=300)
    finally:
        os.close(main_end)
        os.close(terminal)
    assert (process.returncode, out) == (0, b"true\n"), err
    assert err == b"reading the query from the terminal: end it with Ctrl-D\n", err


@pytest.mark.parametrize("given, said", [("", "the argument is empty"),
                                         ("  \n", "only white space, '  \\n'")])
def test_an_empty_query_argument_is_said_to_be_empty(run, given, said):
    # `query "$Q"`, Q unset: "" is Path("."), a folder, said "error:  is a folder: ...".
    # A usage error, as any value a command cannot take (cli/param_types.Text).
    result = run("query", given)
    assert result.exit_code == 2 and result.stderr.endswith(
        f"Error: Invalid value for 'QUERY_OR_FILE': no query is given ({said}): give the "
        "query's text, a .rq file, a catalogue name, or - for standard input\n")


def test_a_query_given_as_text_is_not_noted_as_a_name_to_escape(run, monkeypatch):
    # Every argument is noted as a name (wording.odd_names) whose control characters a message
    # writes escaped; a multi-line query under 255 bytes was one, and a message repeating it
    # whole wrote "SELECT ?s WHERE {\n  ..." on one line.
    from alliance_graph import wording
    monkeypatch.setattr(wording, "_ODD_NAMES", set())  # this test's own (other tests noted)
    query = "SELECT ?s WHERE {\n  ?s a ag:JointExercise\n} LIMIT 1"
    file = "q\n1.rq"  # a name it is: its lines are written escaped
    assert run("query", query, "--format", "json").exit_code == 0
    assert run("query", file).exit_code == 2
    assert wording.shown(f"{query} {file}") == f"{query} q\\n1.rq"


def test_a_name_in_a_project_without_a_catalogue_says_there_is_none(run, mini):
    # "no query named 'source-disagreements' in /x/queries", a folder that is not there, read
    # as one holding other queries.
    result = run("--project", mini.root, "query", "source-disagreements")
    assert (result.exit_code, result.stderr) == (2, (
        "error: no query named 'source-disagreements': the project has no catalogue of named "
        f"queries ({mini.root / 'queries'} does not exist); give the query's text or a .rq "
        "file\n"))


@pytest.mark.parametrize("name, syntax", [("data/aid.ttl", "Turtle"),
                                          ("ontology/core.ttl", "Turtle")])
def test_a_data_file_given_as_the_query_is_said_to_be_rdf_not_a_query(run, name, syntax):
    # `query data/aid.ttl` (to see the file's facts) was parsed as SPARQL: "query failed: the
    # query has more than 100 triple patterns ... (at line 79, column 160)", exit 1, as though
    # a long query had been written.
    path = ROOT / name
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (2, (
        f"error: {path} is RDF data ({syntax}), not a SPARQL query: give the query's text, a "
        f".rq file or a catalogue name (the graph is built from data/ and ontology/; "
        f"`alliance-graph validate {path}` checks the facts a proposal holds)\n"))


def test_a_query_file_of_another_extension_is_still_read(run, tmp_path):
    for name in ("q.sparql", "q.txt", "q"):
        (tmp_path / name).write_text("ASK {}")
        assert run("query", tmp_path / name).stdout == "true\n"


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_catalogue_name_naming_no_regular_file_is_a_usage_error(tmp_path, kind):
    # A named pipe at queries/NAME.rq was read until it ended: `query NAME` hung when nothing
    # wrote to it.  A folder there was "no query named 'NAME'; did you mean NAME?".  Run as a
    # process with a time limit, so that the hang fails the test rather than stops the suite.
    for part in ("ontology", "data"):
        (tmp_path / part).symlink_to(ROOT / part)
    queries = tmp_path / "queries"
    queries.mkdir()
    there = queries / "piped.rq"
    said = {"fifo": "a named pipe (FIFO)", "folder": "a folder",
            "device": "a character device"}[kind]
    if kind == "fifo":
        os.mkfifo(there)
    elif kind == "folder":
        there.mkdir()
    else:
        there.symlink_to(os.devnull)
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--project", tmp_path,
                           "query", "piped"], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", (
        f"error: {there} is {said}, not a file: a named query is a .rq text file in the "
        "catalogue: put one there in its place (a query is read from a pipe given as a "
        "path: query FILE)\n"))


@pytest.mark.parametrize("target, why", [("nothing.rq", "No such file or directory"),
                                         ("piped.rq", "Too many levels of symbolic links")])
def test_a_catalogue_name_whose_link_leads_to_no_file_is_said_to_be_one(tmp_path, target, why):
    # A link to nothing, or to itself, was "no query named 'piped' in ...; did you mean piped?".
    for part in ("ontology", "data"):
        (tmp_path / part).symlink_to(ROOT / part)
    queries = tmp_path / "queries"
    queries.mkdir()
    there = queries / "piped.rq"
    there.symlink_to(target)
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--project", tmp_path,
                           "query", "piped"], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", (
        f"error: {there} is a link to {target!r}, which leads to no file ({why}): a named "
        "query is a .rq text file in the catalogue: mend the link, or put the file there in "
        "its place\n"))


def test_a_name_of_no_query_is_said_clipped_and_the_names_listed_bounded(tmp_path):
    # A name of 5,000 characters was said whole, and every name of the catalogue listed: a
    # folder of 20,000 queries made a message of 166 KB.
    for part in ("ontology", "data"):
        (tmp_path / part).symlink_to(ROOT / part)
    queries = tmp_path / "queries"
    queries.mkdir()
    for n in range(150):
        (queries / f"q{n:03d}.rq").write_text(f"# Q{n}\n# Number {n}.\nASK {{}}\n")
    for word, said in (("z" * 5000, "no query named 'zzz"), ("a/" * 2500, "no query file a/a/"),
                       ("z" * 5000 + ".rq", "no query file zzz")):
        done = subprocess.run([sys.executable, "-m", "alliance_graph", "--project", tmp_path,
                               "query", word], capture_output=True, text=True, timeout=30)
        assert done.returncode == 2 and done.stderr.startswith("error: " + said), done.stderr
        assert len(done.stderr) < 2000 and "characters)" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1
    listed = subprocess.run([sys.executable, "-m", "alliance_graph", "--project", tmp_path,
                             "query", "z" * 5000], capture_output=True, text=True, timeout=30)
    assert listed.stderr.endswith("q097, q098, q099 and 50 more\n"), listed.stderr[-300:]


@pytest.mark.parametrize(("data", "said"), [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\xf0\x9f",
     "is a binary file, not a SPARQL query (a NUL byte at line 1)"),
    (b"ASK {}\n# \x00", "is a binary file, not a SPARQL query (a NUL byte at line 2)"),
    ("ASK {}".encode("utf-16-le"), "is UTF-16 text: save it as UTF-8")])
def test_a_binary_query_file_is_said_to_be_one(run, tmp_path, data, said):
    # An executable, a file with a NUL, a query saved as UTF-16 with no byte-order mark were
    # read on as SPARQL: "query failed: syntax error (at line 1, column 1): '\x7f' (U+007F)
    # starts no SPARQL token here", exit 1, or the first byte that is not UTF-8 told as a
    # Windows-1252 character of text "saved in another encoding".
    path = tmp_path / "saved.rq"
    path.write_bytes(data)
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (
        2, f"error: cannot read the query file {path}: it {said}\n")
    stdin = run("query", "-", input=data)
    assert (stdin.exit_code, stdin.stderr) == (
        2, f"error: the query on standard input {said.replace('a binary file', 'binary data')}\n")


@pytest.mark.parametrize(("data", "said"), [
    (b"", "is empty"), (b"\xef\xbb\xbf", "is empty"), (b"\r\n  \n", "holds only white space"),
    (b"# the aid query, to write\n", "holds no query, only comments")])
def test_a_query_file_holding_no_query_is_said_to_be_empty_naming_it(run, tmp_path, data, said):
    # It was "query failed: error at 1:1: expected [_] (the query is empty ...)", exit 1,
    # naming no file, where an empty argument is exit 2 saying so.
    path = tmp_path / "saved.rq"
    path.write_bytes(data)
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (2, (
        f"error: the query file {path} {said}: write a SELECT, ASK, CONSTRUCT or DESCRIBE "
        "query in it\n"))
    stdin = run("query", "-", input=data)
    assert (stdin.exit_code, stdin.stderr) == (2, (
        f"error: the query on standard input {said}: write a SELECT, ASK, CONSTRUCT or "
        "DESCRIBE query in it\n"))


@pytest.mark.parametrize("text, begins", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1\nSELECT * WHERE { ?s ?p ?o } LIMIT 2\n", (2, 1)),
    ("PREFIX a: <http://a/>\nASK { a:x ?p ?o }\n\n# the next\nPREFIX b: <http://b/>\n"
     "DESCRIBE b:y\n", (5, 1)),
    ("ASK { { SELECT * { ?s ?p ?o } } } ASK {}", (1, 35))])
def test_a_query_file_of_two_queries_is_said_to_hold_a_second(run, tmp_path, text, begins):
    # A .rq file of queries pasted one after another: "error at 2:7: expected one of OFFSET,
    # VALUES", exit 1, and nothing of the second query it had met (a subquery is no second).
    path = tmp_path / "two.rq"
    path.write_text(text)
    result = run("query", path)
    assert result.exit_code == 1 and result.stderr.startswith("error: query failed: error at ")
    assert result.stderr.endswith(
        f" (a second query begins at line {begins[0]}, column {begins[1]}: one query is run "
        "at a time; send each on its own)\n"), result.stderr


def test_an_error_in_the_first_of_two_queries_is_said_as_the_parser_says_it(run):
    # The parser stopped before the second: nothing is said of it.
    result = run("query", "SELECT * WHERE { ?s ?p ?o } LIMT 1\nSELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 1 and "second query" not in result.stderr, result.stderr
