"""The graph commands (cli/graph_commands.py, export_command.py, check_commands.py,
load_command.py) as an analyst meets them: what they write reads
back in other tools, and output that cannot be written is said, never a traceback."""

import csv
import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from alliance_graph.cli import main
from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import blank_labels
from alliance_graph.query.answer import xml_reader
from helpers import on_a_terminal

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).parent / "alliance-graph")
# A cross product of the shipped graph: millions of rows, more than any test reads.
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input)
    return invoke


@pytest.mark.parametrize("query, instead", [
    ('SELECT ?x WHERE { BIND ("bell \\u0007" AS ?x) }', "give --format json"),
    ('ASK { FILTER NOT EXISTS { BIND ("\\u0001" AS ?x) } }', None),
    ('CONSTRUCT { id:IronDome <https://alliance-graph.example/ontology/> "x" } WHERE {}',
     "give --format turtle or nt"),
    ('CONSTRUCT { id:IronDome rdfs:label "\\u001F" } WHERE {}', "give --format turtle or nt")])
def test_xml_that_no_parser_reads_is_refused_not_written_as_an_answer(run, query, instead):
    # Oxigraph writes a control character as it is, and a property IRI ending in "/" as an
    # element with no local name: the command wrote that and exited 0 (the endpoint says 406).
    result = run("query", query, "--format", "xml")
    if instead is None:  # the character is in the query only: the answer is plain XML
        assert result.exit_code == 0, result.output
        xml_reader().Parse(result.stdout_bytes, True)
        return
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: the answer cannot be written as --format xml: it "
                                    "holds a character or an IRI XML cannot carry (the XML "
                                    "written would be not well-formed (invalid token): ")
    assert result.stderr.endswith(f"; {instead}\n")


def test_xml_answers_still_read_back_whole(run):
    result = run("query", 'SELECT ?l ("a\\r\\nb<&>" AS ?x) WHERE { id:IronDome rdfs:label ?l }',
                 "--format", "xml")
    assert result.exit_code == 0, result.output
    [row] = ox.parse_query_results(result.stdout_bytes, format=ox.QueryResultsFormat.XML)
    assert (row["l"].value, row["x"].value) == ("Iron Dome", "a\r\nb<&>")
    graph = run("query", "DESCRIBE id:IronDome", "--format", "xml")
    assert graph.exit_code == 0 and len(list(ox.parse(graph.stdout_bytes,
                                                      format=ox.RdfFormat.RDF_XML))) > 3


@pytest.mark.parametrize("query", [CROSS, "CONSTRUCT WHERE { ?a ?b ?c }"])
def test_xml_into_a_pipe_closed_early_ends_quietly(query):
    # `| head -c 100`: the reader gone, Oxigraph wrote again what the failed write held, which
    # the XML check took for XML no parser reads.
    process = subprocess.Popen([COMMAND, "query", query, "--format", "xml"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with process.stdout, process.stderr:
        process.stdout.read(100)
        process.stdout.close()
        assert process.wait(timeout=300) == 0
        assert process.stderr.read() == b""


@pytest.mark.parametrize("args, what", [
    (["query", "ASK {}"], "the answer"), (["query", "SELECT * WHERE { ?s ?p ?o }"], "the answer"),
    (["stats"], "the answer"), (["export", "--format", "nt"], "the export: give -o FILE"),
    (["export", "-o", "-"], "the export: give -o FILE")])
def test_a_closed_standard_output_is_one_line_and_exit_2(args, what):
    # `>&-`: query and export failed with a traceback ('NoneType' object has no attribute
    # 'buffer'), stats wrote nowhere and exited 0.
    done = subprocess.run([COMMAND, *args], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, timeout=300, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (
        2, f"error: standard output is closed: nowhere to write {what}\n")


def test_an_export_to_a_file_needs_no_standard_output(tmp_path):
    done = subprocess.run([COMMAND, "export", "--format", "nt", "-o", tmp_path / "g.nt"],
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=300, preexec_fn=lambda: os.close(1))
    assert done.returncode == 0, done.stderr
    assert len(list(ox.parse(path=str(tmp_path / "g.nt"), format=ox.RdfFormat.N_TRIPLES))) > 1000


def test_a_query_file_past_the_size_bound_is_refused_unread(run, tmp_path):
    # Read whole before the bound refused it: a file of 300 MB took the command to 640 MB.
    path = tmp_path / "huge.rq"
    with path.open("wb") as file:
        file.write(b'SELECT * WHERE { ?s ?p "')
        file.truncate(64 << 20)  # 64 MiB, mostly a hole the old reading held whole
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (1, (
        f"error: query failed: the query file {path} is more than 100,000 bytes long; the limit "
        "is 100,000\n"))
    stdin = run("query", "-", input=b"ASK { FILTER (" + b"1 + " * 50_000 + b"1) }")
    assert (stdin.exit_code, stdin.stderr) == (1, (
        "error: query failed: the query on standard input is more than 100,000 bytes long; the "
        "limit is 100,000\n"))


def test_a_query_just_within_the_size_bound_still_runs(run, tmp_path):
    text = 'ASK { FILTER ("' + "x" * 99_975 + '" != "") }'
    path = tmp_path / "large.rq"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # a byte-order mark is not the query's
    assert len(text) == 100_000  # the bound itself, and the mark past it
    for given, input in ((path, None), ("-", path.read_bytes())):
        result = run("query", given, input=input)
        assert (result.exit_code, result.output) == (0, "true\n")


@pytest.mark.parametrize("given, says", [
    # A catalogue file named from outside the checkout: "no query file aid-amounts.rq" alone.
    ("aid-amounts.rq", "no query file aid-amounts.rq; the catalogue's is {queries}/aid-amounts.rq,"
                       " run by its name: query aid-amounts"),
    ("elsewhere/aid-amounts.rq", "no query file elsewhere/aid-amounts.rq; the catalogue's is "
                                 "{queries}/aid-amounts.rq, run by its name: query aid-amounts"),
    ("no-such-query.rq", "no query file no-such-query.rq"),
    # A name in another case was no match ("the named queries are: ..." every one of them).
    ("AID-AMOUNTS", "no query named 'AID-AMOUNTS' in {queries}; did you mean aid-amounts, "
                    "aid-programs?")])
def test_a_query_argument_naming_nothing_points_at_the_catalogue(run, tmp_path, monkeypatch,
                                                                 given, says):
    monkeypatch.chdir(tmp_path)
    result = run("query", given)
    queries = Path(__file__).resolve().parents[1] / "queries"
    assert (result.exit_code, result.output) == (2, f"error: {says.format(queries=queries)}\n")


def test_a_triple_term_in_json_ld_is_a_format_refusal_not_a_failed_query(run):
    # Oxigraph's 'JSON-LD does not support RDF 1.2 yet' was said as 'query failed: query
    # evaluation failed', exit 1, as though the query were wrong.
    result = run("query", 'CONSTRUCT { id:a rdf:reifies <<( id:IronDome rdfs:label "x" )>> } '
                          "WHERE {}", "--format", "jsonld")
    assert (result.exit_code, result.output) == (2, (
        "error: the answer cannot be written as --format jsonld: it holds an RDF 1.2 triple "
        "term, which JSON-LD has no syntax for; give --format turtle or nt\n"))
    plain = run("query", "DESCRIBE id:IronDome", "--format", "jsonld")
    assert plain.exit_code == 0 and len(list(ox.parse(plain.stdout_bytes,
                                                      format=ox.RdfFormat.JSON_LD))) > 3


@pytest.mark.parametrize("predicate", ["rdf:about", "rdf:li", "rdf:Description"])
def test_rdf_xmls_own_names_as_predicates_are_a_format_refusal_not_a_failed_query(run,
                                                                                   predicate):
    # Oxigraph's RDF/XML writer refuses them, which was said as 'query failed: query
    # evaluation failed: ...', exit 1; the endpoint answers them in another format.
    result = run("query", f'CONSTRUCT {{ id:IronDome {predicate} "x" }} WHERE {{}}',
                 "--format", "xml")
    assert (result.exit_code, result.output) == (2, (
        "error: the answer cannot be written as --format xml: Oxigraph's writer refused it "
        "(RDF/XML reserved syntax term is not allowed as a predicate); give --format turtle "
        "or nt\n"))


def test_a_query_failing_in_xml_is_still_the_querys_failure(run):
    # The same query fails written in N-Triples too: its own failure, exit 1, as before.
    result = run("query", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> "
                          "{ ?s ?p ?o } }", "--format", "xml")
    assert result.exit_code == 1
    assert result.output.startswith("error: query failed: query evaluation failed: ")


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT ?x WHERE { BIND(<urn:f>(1) AS ?x) }", "The custom function <urn:f> is not supported"),
    ("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", "The variable encoding the service name is "
                                                   "unbound")])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_query_oxigraph_cannot_evaluate_is_the_querys_failure(run, query, message, fmt):
    # Oxigraph raises these as RuntimeError, at once or as the rows are read: a traceback.
    # (A streamed format may have written its head by then: the exit status says it failed.)
    result = run("query", query, "--format", fmt)
    assert (result.exit_code, result.stderr) == (
        1, f"error: query failed: query evaluation failed: {message}\n")


@pytest.mark.parametrize("args", [["export", "-o", "{tmp}/graphs/"],
                                  ["load", "--nquads", "{tmp}/graphs/"]])
def test_an_output_name_ending_in_a_slash_is_a_folder_not_a_file_to_write(run, tmp_path, args):
    # Path() drops the slash: 'export -o graphs/' wrote the graph into a file named graphs.
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert (result.exit_code, result.output) == (2, (
        f"error: cannot write {tmp_path}/graphs/: it names a folder (it ends in /); give a "
        "file name\n"))
    assert list(tmp_path.iterdir()) == []


def test_load_nquads_with_an_empty_name_says_so(run):
    # Path("") is ".": it said "cannot write .: Is a directory".
    assert run("load", "--nquads", "").output.endswith(
        "Error: Invalid value for '--nquads': no file is given (the option is empty): name one\n")


def test_csv_holding_a_triple_term_or_an_iri_with_a_comma_reads_back_row_by_row(run):
    # Oxigraph's writer left both bare: the literal's comma, quote and line feed, and the
    # IRI's comma, made the one row five fields on two lines.
    result = run("query", 'SELECT ?t ?iri ?n WHERE { BIND(<<( id:a rdfs:label "x,y\\"z\\nw" )>> '
                          "AS ?t) BIND(<http://dbpedia.org/resource/Washington,_D.C.> AS ?iri) "
                          "BIND(1 AS ?n) }", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout_bytes.decode(), newline=""))) == [
        ["t", "iri", "n"],
        ['<<( https://alliance-graph.example/id/a http://www.w3.org/2000/01/rdf-schema#label '
         '"x,y""z\nw" )>>', "http://dbpedia.org/resource/Washington,_D.C.", "1"]]


@pytest.mark.parametrize("query, shown", [
    ("CONSTRUCT { ?s ?p ?o } WHERE { FILTER(false) }", "(0 triples)\n"),
    ("DESCRIBE <http://example.org/nothing>", "(0 triples)\n"),
    ("SELECT ?x WHERE { FILTER(false) }", "x\n-\n(0 rows)\n")])
def test_an_empty_answer_s_table_says_it_is_empty(run, query, shown):
    # A graph's table is its Turtle, and the empty Turtle document printed nothing at all.
    result = run("query", query)
    assert (result.exit_code, result.output) == (0, shown)


@pytest.mark.parametrize("fmt, written", [
    ("csv", b'x\r\n""\r\n""\r\na\r\n'),
    # TSV quotes nothing: an unbound value is an empty field, in one column an empty line,
    # and "" is the empty literal, as Turtle writes it.
    ("tsv", b'?x\n\n""\n"a"\n')])
def test_a_one_column_answer_keeps_a_row_for_an_unbound_or_empty_value(run, fmt, written):
    # The CSV wrote both as empty lines, which Python's csv reads as no field and pandas skips.
    result = run("query", 'SELECT ?x WHERE { VALUES ?x { UNDEF "" "a" } }', "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == written


@pytest.mark.parametrize("query, fmt, ending", [
    ("SELECT ?l WHERE { id:IronDome rdfs:label ?l }", "json", b'"Iron Dome"}}]}}\n'),
    ("SELECT ?l WHERE { id:IronDome rdfs:label ?l }", "xml", b"</results></sparql>\n"),
    ("ASK {}", "json", b'"boolean":true}\n'), ("ASK {}", "xml", b"</sparql>\n"),
    ("ASK {}", "csv", b"true\r\n"), ("ASK {}", "tsv", b"true\n"),
    ("SELECT ?l WHERE { id:IronDome rdfs:label ?l }", "csv", b"l\r\nIron Dome\r\n"),
    ("SELECT ?l WHERE { id:IronDome rdfs:label ?l }", "tsv", b'?l\n"Iron Dome"\n'),
    ("SELECT ?l WHERE { id:IronDome rdfs:label ?l }", "table", b'"Iron Dome"\n(1 row)\n'),
    ("CONSTRUCT { id:a rdfs:label 'x' } WHERE {}", "jsonld", b'"x"}]}]\n'),
    ("CONSTRUCT { id:a rdfs:label 'x' } WHERE {}", "xml", b"</rdf:RDF>\n"),
    ("CONSTRUCT { id:a rdfs:label 'x' } WHERE {}", "nt", b'"x" .\n'),
    ("CONSTRUCT { id:a rdfs:label 'x' } WHERE {}", "turtle", b'"x" .\n'),
    ("CONSTRUCT { id:a rdfs:label 'x' } WHERE { FILTER(false) }", "jsonld", b"[]\n"),
    ("CONSTRUCT { id:a rdfs:label 'x' } WHERE { FILTER(false) }", "nt", b"")])
def test_every_format_ends_with_one_line_end(run, query, fmt, ending):
    # JSON, XML, JSON-LD and RDF/XML, and an ASK's CSV and TSV ("true"), ended with none: the
    # shell's prompt came on the answer's last line.  The endpoint's bytes are Oxigraph's.
    result = run("query", query, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.endswith(ending) and not result.stdout_bytes.endswith(b"\n\n")
    assert not ending or result.stdout_bytes.endswith(b"\n")


def test_a_table_on_an_output_without_utf_8_shows_what_it_cannot_carry_as_escapes():
    # cp437 (a Windows console) or PYTHONIOENCODING=ascii: the first curly quote or Hebrew
    # letter was a UnicodeEncodeError and a traceback, after the header was written.
    result = CliRunner(charset="ascii").invoke(
        main, ["query", 'SELECT ?x ?l WHERE { BIND("é ’ כ 😀" AS ?x) id:IronDome rdfs:label ?l }'])
    assert result.exit_code == 0, result.output
    assert result.output == (
        'x                                  l\n'
        '---------------------------------  -----------\n'
        '"\\u00E9 \\u2019 \\u05DB \\U0001F600"  "Iron Dome"\n'
        '(1 row)\n')


@pytest.mark.parametrize("fmt, ending", [("jsonld", b"]\r\n"), ("xml", b"</rdf:RDF>\r\n")])
def test_an_export_to_a_terminal_ends_its_last_line(mini, fmt, ending):
    # JSON-LD and RDF/XML end with no line end, and the prompt came on their last line; a file
    # or a pipe still gets the bytes ag.export returns (the terminal writes \n as \r\n).
    data = on_a_terminal([COMMAND, "--data", mini.data_dir, "--ontology", mini.ontology_dir,
                          "--cache", mini.cache_dir, "export", "--format", fmt])
    assert data.endswith(ending) and not data.endswith(b"\r\n\r\n")


def _makes_no_file(folder: str) -> bool:
    """Return whether ``folder`` exists but refuses a new file with ENOENT, as Linux's /proc
    does (to root too)."""
    try:
        os.close(os.open(os.path.join(folder, ".probe"), os.O_WRONLY | os.O_CREAT | os.O_EXCL))
    except FileNotFoundError:
        return os.path.isdir(folder)
    except OSError:
        return False
    os.unlink(os.path.join(folder, ".probe"))
    return False


@pytest.mark.skipif(not _makes_no_file("/proc"), reason="no /proc refusing new files here")
@pytest.mark.parametrize("args", [["export", "-o", "{out}"], ["load", "--nquads", "{out}"]])
@pytest.mark.parametrize("through_a_link", [False, True], ids=["file", "link"])
def test_a_folder_that_makes_no_file_is_said_so_not_to_be_missing(run, tmp_path, args,
                                                                   through_a_link):
    # It said "a file or folder could not be used: [Errno 2] No such file or directory:
    # '/proc/nope.ttl'" (load: "cannot write /proc/nope.ttl: No such file or directory") of
    # a folder that exists.
    out = Path("/proc/nope.ttl")
    if through_a_link:
        (tmp_path / "out.ttl").symlink_to(out)
    given = tmp_path / "out.ttl" if through_a_link else out
    result = run(*[a.format(out=given) for a in args])
    link = f" (the symbolic link {given} leads there)" if through_a_link else ""
    assert (result.exit_code, result.output) == (2, (
        f"error: cannot write {given}: no file can be made in the folder /proc{link}, which "
        "exists (making one there says: No such file or directory); write to a file in "
        "another folder\n"))


@pytest.mark.parametrize("args", [["export", "-o", "{out}"], ["load", "--nquads", "{out}"]])
def test_a_link_to_a_file_in_a_missing_folder_says_the_folder_is_missing(run, tmp_path, args):
    # The check before the export saw the link's own folder, which exists; the write then
    # said "[Errno 2] No such file or directory" of the link.
    link = tmp_path / "out.ttl"
    link.symlink_to(tmp_path / "gone" / "out.ttl")
    result = run(*[a.format(out=link) for a in args])
    assert (result.exit_code, result.output) == (2, (
        f"error: cannot write {link}: the folder {tmp_path}/gone does not exist (the symbolic "
        f"link {link} leads there)\n"))


def test_querys_help_names_the_prefixes_a_query_may_leave_undeclared():
    # The examples write ag:, id: and rdfs: undeclared, and the help said nowhere they may.
    shown = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query", "--help"],
                           capture_output=True, text=True, timeout=120)
    said = " ".join(shown.stdout.split("Options:")[0].split())
    assert "The project's prefixes are declared for it: " \
        + ", ".join(f"{p}:" for p in PREFIX_IRIS) + "." in said, said


@pytest.fixture
def checked(tmp_path, sources_dir):
    """A copy of the project and of its source texts, and check run over them."""
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copytree(sources_dir, tmp_path / "texts")
    def check(sources=tmp_path / "texts"):
        return CliRunner().invoke(main, [str(a) for a in (
            "--project", tmp_path, "--cache", tmp_path / "cache", "--sources", sources,
            "check")])
    return tmp_path, check


def test_check_says_which_source_file_is_not_the_text_the_graph_records(checked):
    # cite, coverage and validate said so of a source written with CR LF line ends (its
    # offsets are the recorded text's), and check passed it without a word, exit 0.
    project, check = checked
    name = "000_06b6882714cf1880.txt"
    text = project / "texts" / name
    text.write_bytes(text.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    result = check()
    assert result.exit_code == 1, result.output
    said = [line for line in result.output.splitlines() if name in line]
    assert len(said) == 1 and said[0].startswith(f"{project / 'data' / 'sources.ttl'}:") and said[0].endswith(
        f"{name} is not the text the graph records (its SHA-256 is not "
        "9367cb387ff86135264a76c1c1ac5d8a72cca0fe39b337a583f538ab6c381b8c): its lines end in "
        "CR LF (Windows line ends, as a checkout converting them writes: set git's "
        "core.autocrlf to false and check the file out again); cite, validate and coverage "
        "read this file, where the evidence's offsets, the recorded text's, may not hold "
        "[source-hash-mismatch]"), result.output
    line = int(said[0].split(":")[1])
    assert "ag:sha256" in (project / "data" / "sources.ttl").read_text().splitlines()[line - 1]
    assert "1 violation(s) from" in result.output


def test_check_of_sources_that_are_the_recorded_texts_or_of_none_passes(checked, tmp_path):
    project, check = checked
    assert check().exit_code == 0
    # No sources folder: check as before (it runs no quote checks, and says nothing of them).
    result = check(tmp_path / "no-texts")
    assert result.exit_code == 0 and "sha256" not in result.output.lower(), result.output


def test_a_looping_link_in_the_sources_folder_hides_no_source_from_check(checked):
    # One link pointing at itself (loop -> loop) made the folder read as holding no file
    # (citations.source_names: os.scandir's is_file raised ELOOP for it, and the whole listing
    # was given up): check passed a source rewritten with CR LF, exit 0, as cite, coverage
    # and validate read every source as missing.
    project, check = checked
    name = "000_06b6882714cf1880.txt"
    text = project / "texts" / name
    text.write_bytes(text.read_bytes().replace(b"\n", b"\r\n"))
    (project / "texts" / "loop").symlink_to("loop")
    result = check()
    assert result.exit_code == 1 and f"{name} is not the text the graph records" \
        in result.output, result.output



@pytest.mark.parametrize("made", [False, True])
def test_a_graph_answer_is_relabelled_only_where_the_query_may_make_a_label(run, mini, made):
    # As /sparql decides it (blank_labels.gated): query relabelled every graph answer, Python
    # seeing each triple (0.30 -> 0.45 s of CPU for 200,000), though only BNODE("...") or
    # SERVICE makes a label it rewrites.  Counted: the calls into the relabelling generator.
    calls = []

    def seen(frame, event, arg):
        if event == "call" and frame.f_code is blank_labels._relabelled.__code__:
            calls.append(1)
    text = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
            + ('BIND(BNODE("1:a") AS ?b) ' if made else "") + "}")
    threading.setprofile(seen)  # the answer is written on a thread of its own (at_once)
    try:
        done = run("--project", mini.root, "--cache", mini.cache_dir, "query", text,
                   "--format", "nt")
    finally:
        threading.setprofile(None)
    assert done.exit_code == 0, done.output
    assert len(done.output.splitlines()) > 50
    assert bool(calls) is made
