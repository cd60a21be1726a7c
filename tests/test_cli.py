"""The command line: each command, its formats, and its documented exit codes."""

import codecs
import contextlib
import csv
import importlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import ctrl_c
import servers
from alliance_graph.__main__ import import_failure
from alliance_graph.build import pipeline
from alliance_graph.cli import main, serve_command
from alliance_graph.query import results as queries
from alliance_graph.query import stats as stats_mod
from alliance_graph.query.results import RESULT_FORMATS
from helpers import canonical, on_a_terminal, until

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input)
    return invoke


def test_stats(run):
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "claims" in result.output and "entities by class" in result.output
    doc = json.loads(run("stats", "--format", "json").output)
    assert doc["sources"] == 5 and doc["claims"] > 0
    # The dataset version the endpoint's ETags and /status carry, in both forms.
    status = json.loads(run("serve", "--get", "/status").output)
    assert re.fullmatch("[0-9a-f]{32}", doc["version"]) and doc["version"] == status["version"]
    assert f"dataset version      {doc['version']}" in result.output


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_query_result_formats(run, fmt):
    result = run("query", "SELECT ?c WHERE { ?c a ag:Claim } LIMIT 3", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "csv":  # Oxigraph writes SPARQL CSV but does not read it back
        assert len(list(csv.DictReader(io.StringIO(result.stdout_bytes.decode())))) == 3
    else:
        # Never held in a variable: a frame of this test kept in a reference cycle would keep
        # the solutions, which pyoxigraph forbids dropping on another thread, and the garbage
        # collector may run on the next command's thread (main.at_once).
        assert len(list(ox.parse_query_results(
            result.stdout_bytes, format=RESULT_FORMATS[fmt].oxigraph))) == 3



@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_bom_begins_a_csv_or_tsv_answer_for_excel(run, fmt, delimiter):
    # Excel on Windows reads a CSV file without a byte order mark in the system's code page:
    # "David’s Sling" was "Davidâ€™s Sling", and nothing asked for the mark.  Opt-in: Python's
    # csv module reading UTF-8 takes it for part of the first column's name.
    text = "SELECT ?label WHERE { id:DavidsSling rdfs:label ?label }"
    plain = run("query", text, "--format", fmt)
    marked = run("query", text, "--format", fmt, "--bom")
    assert marked.exit_code == 0, marked.output
    assert not plain.stdout_bytes.startswith(codecs.BOM_UTF8)
    assert marked.stdout_bytes == codecs.BOM_UTF8 + plain.stdout_bytes
    rows = list(csv.reader(io.StringIO(marked.stdout_bytes.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))
    assert rows[0] == ["label" if fmt == "csv" else "?label"]
    assert rows[1][0] in ("David’s Sling", '"David’s Sling"')
    assert run("query", "ASK {}", "--format", fmt, "--bom").stdout_bytes.startswith(
        codecs.BOM_UTF8)


@pytest.mark.parametrize("args, says", [
    (("query", "ASK {}", "--format", "json", "--bom"),
     "--bom applies to --format csv and --format tsv, not to --format json"),
    (("query", "ASK {}", "--bom"),
     "--bom applies to --format csv and --format tsv, not to --format table"),
    (("export", "--format", "nt", "--bom"),
     "--bom applies to --format nodes-csv and --format edges-csv, not to --format nt")])
def test_bom_is_refused_for_a_format_that_is_not_csv(run, args, says):
    result = run(*args)
    assert result.exit_code == 2 and result.stderr == f"error: {says}\n", result.output


@pytest.mark.parametrize("fmt", ["nodes-csv", "edges-csv"])
def test_export_bom_begins_the_network_csv_for_excel(run, in_mini, tmp_path, fmt):
    plain = run(*in_mini, "export", "--format", fmt).stdout_bytes
    out = tmp_path / "network.csv"
    result = run(*in_mini, "export", "--format", fmt, "--bom", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == codecs.BOM_UTF8 + plain and not plain.startswith(codecs.BOM_UTF8)
    assert run(*in_mini, "export", "--format", fmt, "--bom").stdout_bytes == out.read_bytes()

def test_query_table_from_file_and_stdin(run, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?c WHERE { ?c a ag:Claim } LIMIT 2")
    assert run("query", path).output.rstrip().endswith("(2 rows)")
    assert run("query", "-", input="ASK { ?c a ag:Claim }").output.strip() == "true"


def test_construct_as_turtle_and_inferred_switch(run):
    q = "CONSTRUCT { ?c a rdf:Statement } WHERE { ?c a rdf:Statement }"
    assert run("query", q, "--format", "turtle").output.count("rdf:Statement") == 0
    inferred = run("query", q, "--format", "turtle", "--inferred")
    assert inferred.exit_code == 0 and "rdf:Statement" in inferred.output


def test_query_syntax_error_exits_1_with_the_parser_message(run):
    result = run("query", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 1
    assert "query failed: error at 1:" in result.output


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o", "SELECT * { ?s rdsf:label ?o }"])
def test_a_query_that_does_not_parse_is_one_line_on_stderr(text):
    # The real command: the parser's lists of Unicode character classes, broken over lines,
    # made the error five lines, four of them ranges such as '\u{3001}'..='\u{D7FF}'.
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query", text],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: query failed: ") and done.stderr.count("\n") == 1, \
        done.stderr
    # And short: joined, that line was the parser's whole list of what it expected, 500
    # characters of tokens and Unicode ranges; its first few are said, the rest counted.
    assert len(done.stderr) < 250 and "\\u{" not in done.stderr and " more)" in done.stderr, \
        done.stderr


@pytest.mark.parametrize("args, argument, blank", [
    (["cite", "000_06b6882714cf1880.txt", ""], "QUOTE", "the argument is empty"),
    (["cite", "000_06b6882714cf1880.txt", "  "], "QUOTE", "only white space, '  '"),
    (["cite", "", "Negev"], "SOURCE", "the argument is empty"),
    (["cite", "\t", "Negev"], "SOURCE", "only white space, '\\t'"),
    (["query", ""], "QUERY_OR_FILE", "the argument is empty"),
    (["validate", ""], "FILES...", "the argument is empty"),
    (["add", "", "x.ttl"], "FILES...", "the argument is empty"),
])
def test_an_empty_or_blank_argument_is_a_usage_error(args, argument, blank):
    # `cite "$SRC" "$QUOTE"`, QUOTE unset, exited 1 ("the quote is empty"), as a quote looked
    # for and not found does; `validate ""` said ".: is a folder, not a proposal" (Path("")
    # is "."). A value a command cannot take is a usage error: exit 2, the argument named.
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.startswith(f"Usage: alliance-graph {args[0]} [OPTIONS] ")
    assert f"\nError: Invalid value for '{argument}': no " in done.stderr, done.stderr
    assert f" ({blank}): " in done.stderr and "Traceback" not in done.stderr


def test_a_misspelt_prefix_is_named_with_the_one_meant():
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query",
                           "SELECT ?x WHERE { ?x rdsf:label ?l }"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and done.stderr.startswith(
        "error: query failed: the prefix rdsf: at line 1, column 22 is not declared: did you "
        "mean rdfs:? Else add PREFIX rdsf: <IRI> (the parser: "), done.stderr


def test_broken_data_exits_2_with_file_and_line(run, mini):
    (mini.data_dir / "broken.ttl").write_text("@prefix ag: <https://alliance-graph.example/ontology/> .\n\nag:x ag:y .\n")
    result = run("--data", mini.data_dir, "--ontology", mini.ontology_dir, "--cache", mini.cache_dir, "stats")
    assert result.exit_code == 2
    assert "broken.ttl:3" in result.output


@pytest.mark.parametrize("fmt, syntax", [
    ("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("nq", ox.RdfFormat.N_QUADS),
    ("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD), ("xml", ox.RdfFormat.RDF_XML)])
def test_export_to_file_holds_the_graph(run, kg, tmp_path, fmt, syntax):
    out = tmp_path / f"graph.{fmt}"
    result = run("export", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    written = list(ox.parse(path=str(out), format=syntax))
    quads = kg.quads()
    if fmt in ("nq", "trig"):  # one named graph per file, every quad in its file's graph
        assert canonical(written) == canonical(quads)
    else:  # the files merged: each triple once
        assert canonical(written) == canonical({q.triple for q in quads})


@pytest.mark.parametrize("where, says", [
    ("missing/graph.ttl", "the folder {tmp}/missing does not exist"),
    ("a-file/graph.ttl", "{tmp}/a-file is not a folder")])
def test_export_into_a_folder_that_is_not_one_says_so_before_exporting(tmp_path, where, says):
    # It built the export, then said "a file or folder could not be used: [Errno 2] No such
    # file or directory: '.../missing/graph.ttl'".
    (tmp_path / "a-file").write_text("")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "export", "-o",
                           tmp_path / where], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr == f"error: cannot write {tmp_path / where}: {says.format(tmp=tmp_path)}\n"


def test_a_path_holding_a_line_break_is_named_on_one_line(run, tmp_path):
    # Written raw, the message was two lines: "cannot write .../no" and "such/x.ttl: ...".
    result = run("export", "-o", tmp_path / "no\nsuch" / "x.ttl")
    assert result.exit_code == 2
    assert result.output == (f"error: cannot write {tmp_path}/no\\nsuch/x.ttl: the folder "
                             f"{tmp_path}/no\\nsuch does not exist\n")
    # A data file found in the data folder, named in the build's message.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad\nname.ttl").write_text("<urn:a> <urn:b> .\n")
    result = run("--project", tmp_path, "--ontology", ROOT / "ontology", "--cache",
                 tmp_path / "cache", "stats")
    assert result.exit_code == 2 and "data/bad\\nname.ttl:1:" in result.output, result.output


def test_serve_reports_broken_data_with_its_file_and_line_and_exits_2(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", project / "ontology")
    (project / "data").mkdir()
    (project / "data" / "broken.ttl").write_text("<urn:a> <urn:b> .\n")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--project",
                           str(project), "serve", "--port", "9"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "data/broken.ttl:1" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("host, url", [
    ("127.0.0.1", "http://127.0.0.1:8000/sparql"),
    ("localhost", "http://localhost:8000/sparql"),
    ("::1", "http://[::1]:8000/sparql"),
    ("fe80::1%eth0", "http://[fe80::1%eth0]:8000/sparql"),
])
def test_the_endpoint_url_is_written_as_a_client_writes_it(host, url):
    assert serve_command.endpoint_url(host, 8000) == url


@pytest.mark.parametrize("option, value, says", [
    ("--port", "70000", "'70000' is not a port: give a whole number from 0 to 65535"),  # it wrapped to 4464
    ("--workers", "0", "0 is not in the range x>=1"),
    ("--timeout", "-1", "'-1' is not a number of seconds above 0"),
    ("--timeout", "nan", "'nan' is not a number of seconds"),
    ("--request-timeout", "abc", "'abc' is not a valid number of seconds"),
    ("--idle-timeout", "0", "'0' is not a number of seconds above 0"),
    ("--light-seconds", "-1", "'-1' is not a number of seconds from 0"),
    ("--query-memory", "-3", "-3 is not in the range x>=1"),
    ("--max-result-bytes", "0", "0 is not in the range x>=1"),
    ("--response-cache", "-1", "-1 is not in the range x>=0"),
    ("--trusted-proxy", "nginx", "'nginx' is not an IP address"),
    ("--trusted-proxy", "*", "'*' is not an IP address"),  # waitress's "trust everyone"
    ("--proxy-headers", "x-real-ip", "'x-real-ip' is not one of 'forwarded', 'x-forwarded'"),
])
def test_serve_refuses_a_setting_out_of_range_before_starting(run, option, value, says):
    result = run("serve", option, value)
    assert result.exit_code == 2 and says in result.output, result.output


def serve_briefly(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "serve", *args],
                          capture_output=True, text=True, timeout=300)


def test_a_port_in_use_is_one_line_and_exit_2_and_never_announced():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve_briefly("--port", str(port))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: cannot listen on 127.0.0.1 port {port}: " \
                                  "Address already in use"


def test_a_host_that_does_not_resolve_is_one_line_and_exit_2():
    done = serve_briefly("--host", "no-such-host.invalid", "--port", "0")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().startswith(
        "error: cannot listen on no-such-host.invalid port 0: not a host name or address")


def test_export_rdf12_jsonld_is_refused_with_exit_2(run):
    result = run("export", "--format", "jsonld", "--rdf12")
    assert result.exit_code == 2 and "JSON-LD" in result.output



@pytest.fixture
def in_mini(mini):
    """The group options that run a command on the small project ``mini``."""
    return ("--data", mini.data_dir, "--ontology", mini.ontology_dir, "--cache", mini.cache_dir)


@pytest.mark.parametrize("extension, fmt", [
    ("nt", "nt"), ("nq", "nq"), ("trig", "trig"), ("jsonld", "jsonld"), ("rdf", "xml"),
    ("owl", "xml"), ("xml", "xml"), ("ttl", "ttl"),
    ("txt", "ttl")])  # an extension naming no format keeps the default
def test_export_without_format_writes_what_the_file_extension_names(run, in_mini, tmp_path,
                                                                    extension, fmt):
    """`export -o graph.nt` wrote Turtle into graph.nt, and said nothing."""
    out = tmp_path / f"graph.{extension}"
    result = run(*in_mini, "export", "-o", out)
    assert result.exit_code == 0, result.output
    syntax = queries.GRAPH_FORMATS[fmt].oxigraph
    asked = run(*in_mini, "export", "--format", fmt).stdout_bytes
    # Turtle parses as TriG too: the quads, named graphs and all, tell them apart.
    assert canonical(ox.parse(path=str(out), format=syntax)) == \
        canonical(ox.parse(asked, format=syntax))


def test_export_without_format_writes_graphml_into_a_graphml_file(run, in_mini, tmp_path):
    out = tmp_path / "network.graphml"
    assert run(*in_mini, "export", "-o", out).exit_code == 0
    assert b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">' in out.read_bytes()


def test_export_takes_turtle_as_query_does(run, in_mini, tmp_path):
    # `query --format turtle` was taken and `export --format turtle` refused ("'turtle' is not
    # one of 'ttl', ..."), where both took ttl.
    ttl = run(*in_mini, "export", "--format", "ttl")
    turtle = run(*in_mini, "export", "--format", "Turtle")
    assert turtle.exit_code == 0, turtle.output
    assert turtle.stdout_bytes == ttl.stdout_bytes and b"@prefix" in ttl.stdout_bytes
    # Refused, it is named as given ("--format ttl was asked", of turtle).
    refused = run(*in_mini, "export", "--format", "turtle", "-o", tmp_path / "graph.nt")
    assert refused.exit_code == 2 and refused.stderr == (
        f"error: {tmp_path / 'graph.nt'} is a name for --format nt, but --format turtle was "
        "asked: leave --format out, or end the file name in .ttl\n"), refused.stderr


@pytest.mark.parametrize("args, says", [
    (("-o", "{tmp}/graph.csv"), "graph.csv may hold nodes-csv or edges-csv: give --format "
                                "nodes-csv or --format edges-csv"),
    (("--format", "ttl", "-o", "{tmp}/graph.nt"), "graph.nt is a name for --format nt, but "
                                                  "--format ttl was asked"),
    (("--format", "nodes-csv", "-o", "{tmp}/graph.graphml"), "--format graphml, but --format "
                                                             "nodes-csv was asked"),
])
def test_export_refuses_a_file_extension_and_format_that_disagree(run, in_mini, tmp_path,
                                                                  args, says):
    result = run(*in_mini, "export", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2 and says in result.output, result.output
    assert not list(tmp_path.glob("graph.*"))  # refused before anything was written


@pytest.mark.parametrize("args, says", [
    (("--format", "graphml", "--inferred", "--rdf12"),
     "graphml holds the asserted entities and facts only; --inferred and --rdf12 apply to the "
     "RDF formats"),
    (("--format", "jsonld", "--rdf12"), "use --rdf12 with ttl, nt, nq, trig or xml"),
    (("--format", "xml", "-o", "{tmp}/graph.csv"),
     "is a name for --format nodes-csv or --format edges-csv, but --format xml was asked: give "
     "--format nodes-csv or --format edges-csv"),
])
def test_export_refusals_name_the_commands_own_options(run, in_mini, tmp_path, args, says):
    # The library names its parameters (inferred=True); the command line, its options.
    result = run(*in_mini, "export", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2 and says in result.output, result.output
    assert "=True" not in result.output and "fmt" not in result.output


def test_export_to_dash_writes_standard_output_not_a_file_named_dash(
        run, in_mini, tmp_path, monkeypatch):
    """`export -o -` created a file named "-"; `./-` still names that file."""
    monkeypatch.chdir(tmp_path)
    result = run(*in_mini, "export", "--format", "nt", "-o", "-")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists()
    assert list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.N_TRIPLES))
    assert run(*in_mini, "export", "-o", "./-").exit_code == 0
    assert (tmp_path / "-").read_bytes().startswith(b"@prefix")


def test_export_to_an_empty_name_says_a_file_name_is_needed(run, in_mini):
    """`export -o ''` said "[Errno 21] Is a directory: '.'"."""
    result = run(*in_mini, "export", "-o", "")
    assert result.exit_code == 2
    assert result.output.endswith("Error: Invalid value for '-o' / '--output': no file is given "
                                  "(the option is empty): name one (or - for standard output)\n")


def test_export_never_writes_over_the_files_the_graph_is_built_from(run, in_mini, mini,
                                                                    tmp_path):
    """`export -o data/aid.ttl` replaced a data file with the whole graph."""
    facts = mini.data_dir / "facts.ttl"
    before = {p: p.read_bytes() for p in mini.input_files()}
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "link.ttl").symlink_to(facts)
    for target in (facts, mini.data_dir / ".." / "data" / "facts.ttl",
                   tmp_path / "elsewhere" / "link.ttl",
                   mini.ontology_dir / "core.ttl", mini.data_dir / "new.ttl"):
        result = run(*in_mini, "export", "-o", target)
        assert result.exit_code == 2, (target, result.output)
        assert "the files the graph is built from" in result.output
        assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in mini.input_files()} == before
    assert not (mini.data_dir / "new.ttl").exists()
    assert "would overwrite " + str(facts) in run(*in_mini, "export", "-o", facts).output
    (tmp_path / "elsewhere" / "loop.ttl").symlink_to("loop.ttl")
    looped = run(*in_mini, "export", "-o", tmp_path / "elsewhere" / "loop.ttl")
    assert looped.exit_code == 2 and "Too many levels of symbolic links" in looped.output
    # A file of another extension there is no input: the next build does not read it.
    assert run(*in_mini, "export", "-o", mini.data_dir / "graph.nt").exit_code == 0


def test_load_nquads_never_writes_over_the_files_the_graph_is_built_from(run, in_mini, mini):
    """`load --nquads data/aid.ttl` replaced a data file with the N-Quads dump, and every
    command after it failed on that file."""
    facts = mini.data_dir / "facts.ttl"
    before = facts.read_bytes()
    result = run(*in_mini, "load", "--nquads", facts)
    assert result.exit_code == 2 and "--nquads " + str(facts) + " would overwrite" in \
        result.output
    assert facts.read_bytes() == before

def test_load_nquads_never_writes_over_the_build_cache(run, in_mini, mini, tmp_path,
                                                       monkeypatch):
    """`load --nquads` given the cache's own build-<hash>.nq wrote the store's document over
    the build it was reading, graph/asserted and all, and every later command read that."""
    assert run(*in_mini, "stats").exit_code == 0  # the build is cached
    [built] = mini.cache_dir.glob("build-*.nq")
    before = built.read_bytes()
    (tmp_path / "link.nq").symlink_to(built)
    monkeypatch.chdir(mini.cache_dir)
    for given in (built, Path(built.name), tmp_path / "link.nq",
                  mini.cache_dir / ".." / mini.cache_dir.name / built.name):
        result = run(*in_mini, "load", "--nquads", given)
        assert result.exit_code == 2, result.output
        assert f"--nquads {given} is in the build cache {mini.cache_dir}" in result.output
    assert built.read_bytes() == before


def test_cite_prints_an_evidence_block(run, sources_dir):
    name = sorted(p.name for p in sources_dir.glob("000_*.txt"))[0]
    result = run("cite", name, "Negev U.S. Radar Base", "--name", "000-negev")
    assert result.exit_code == 0, result.output
    assert "ev:000-negev a ag:Evidence" in result.output and "oa:start" in result.output
    missing = run("cite", name, "a sentence no source has")
    assert missing.exit_code == 1 and "not a verbatim substring" in missing.output


@pytest.mark.parametrize("source, quote, says", [
    ("001_b9e5a7348fac2993.txt", "systems such as Iron Dome, David's Sling",
     "then '’' (U+2019 RIGHT SINGLE QUOTATION MARK) where the quote has \"'\" (U+0027 "
     "APOSTROPHE)\n"),
    ("000_06b6882714cf1880.txt", "United States–Israel Military Alliance The U.S.–Israel",
     "then '\\n' (U+000A LINE FEED) where the quote has ' ' (U+0020 SPACE)\n")])
def test_cite_says_where_a_quote_departs_from_its_source(sources_dir, source, quote, says):
    # It said "not a verbatim substring" alone: a straight apostrophe for the text's curly
    # one, or a line break typed as a space, cannot be seen in a terminal.
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--sources",
                           sources_dir, "cite", source, quote], capture_output=True, text=True,
                          timeout=300)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.startswith(f"error: {source}: not a verbatim substring of the source: ")
    assert done.stderr.endswith(says) and len(done.stderr.splitlines()) == 1


def test_cite_names_the_node_as_the_data_does_and_says_when_the_passage_is_cited(run, kg):
    # kg: cite reads what data/ cites from the build cache, which it does not make (alone,
    # this test failed: nothing was built yet, so nothing was said to be cited).
    # Without --name it wrote ev:NAME, which parsed, and went into data/ as it was.
    fresh = run("cite", "000_06b6882714cf1880.txt", "Negev U.S. Radar Base")
    assert fresh.exit_code == 0 and fresh.stdout.startswith("ev:000-negev-u-s-radar a ag:Evidence")
    assert fresh.stderr == ""
    # A passage data/ cites already: a second evidence node for it passed every check.
    again = run("cite", "000_06b6882714cf1880.txt",
                "Blue Flag: Air combat training with U.S. and NATO allies.", "--name", "x")
    assert again.exit_code == 0 and again.stdout.startswith("ev:x a ag:Evidence")
    assert again.stderr.startswith("note: this passage is already cited as ev:000-blue-flag")
    same = run("cite", "000_06b6882714cf1880.txt",
               "Blue Flag: Air combat training with U.S. and NATO allies.", "--name", "000-blue-flag")
    assert same.stderr.startswith("note: data/ holds this evidence node already (ev:000-blue-flag)")


def test_cite_says_when_its_name_is_taken_by_another_passage(run, kg):
    # --name 000-blue-flag for another passage printed the block and nothing else: added, it
    # gave data/'s node a second quote, and validate's findings mixed the two passages.
    taken = run("cite", "000_06b6882714cf1880.txt", "Negev U.S. Radar Base",
                "--name", "000-blue-flag")
    assert taken.exit_code == 0 and taken.stdout.startswith("ev:000-blue-flag a ag:Evidence")
    assert taken.stderr == (
        "note: data/ has an evidence node ev:000-blue-flag already, quoting 'Blue Flag: Air "
        "combat training with U.S. and NATO allies.' in 000_06b6882714cf1880.txt: this block "
        "would add a second quote to it, which validate refuses; give --name another name\n")


def test_query_takes_ttl_for_turtle_as_export_does(run):
    # 'ttl' is not one of 'table', ..., 'turtle', ...: export's name for it, refused here.
    text = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o FILTER(isIRI(?s)) } ORDER BY ?s ?o LIMIT 3"
    as_ttl, as_turtle = run("query", text, "--format", "ttl"), run("query", text, "--format",
                                                                    "turtle")
    assert as_ttl.exit_code == 0, as_ttl.output
    assert as_ttl.output == as_turtle.output and "@prefix" in as_ttl.output


def _declared(document: str) -> set[str]:
    return set(re.findall(r"^@prefix (\w*):", document, re.M)) | set(
        re.findall(r'xmlns:(\w+)="', document))


@pytest.mark.parametrize("fmt", ["turtle", "xml", "table"])
def test_a_graph_answer_declares_only_the_prefixes_it_uses(run, fmt):
    # Oxigraph's writer declared all sixteen project prefixes (graph:, schema:, ...) before
    # two triples, where /sparql and export declare the ones used.
    result = run("query", "CONSTRUCT { ?c a ag:Claim } WHERE { ?c a ag:Claim } LIMIT 2",
                 "--format", fmt)
    assert result.exit_code == 0, result.output
    # (RDF/XML names only classes and properties so; rdf: and Oxigraph's its: it declares)
    used = {"ag"} if fmt == "xml" else {"ag", "claim"}
    assert _declared(result.output) - {"rdf", "its"} == used, result.output
    syntax = ox.RdfFormat.RDF_XML if fmt == "xml" else ox.RdfFormat.TURTLE
    assert len(list(ox.parse(result.stdout_bytes, format=syntax))) == 2


def test_a_long_graph_answer_declares_each_prefix_before_the_triples_using_it(run, monkeypatch):
    # Past what is held, Turtle is written a piece at a time, each declaring the prefixes it
    # uses that no piece before declared; it reads back as the answer.
    from alliance_graph.cli import graph_answer
    monkeypatch.setattr(graph_answer, "HELD_TRIPLES", 1)
    text = ("CONSTRUCT { ?s rdfs:label ?l } WHERE { VALUES ?s { ag:Claim id:IronDome } "
            "?s rdfs:label ?l } ORDER BY DESC(?s)")  # ag:Claim first
    turtle, nt = (run("query", text, "--format", fmt) for fmt in ("turtle", "nt"))
    assert turtle.exit_code == nt.exit_code == 0, turtle.output
    assert canonical(ox.parse(turtle.stdout_bytes, format=ox.RdfFormat.TURTLE)) == canonical(
        ox.parse(nt.stdout_bytes, format=ox.RdfFormat.N_TRIPLES))
    assert turtle.output.count("@prefix") == 3, turtle.output
    first, second = turtle.output.split("@prefix id:")  # declared with the triple using it
    assert _declared(first) == {"ag", "rdfs"} and "ag:Claim rdfs:label" in first
    assert second.count("\nid:IronDome rdfs:label") == 1, turtle.output


def test_check_passes_on_the_shipped_graph(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    # The shapes it runs too are counted: "from 27 checks" left them unsaid.
    ran = re.search(r"^0 violation\(s\) from (\d+) checks and (\d+) shapes$", result.output, re.M)
    assert ran and int(ran[2]) > 70, result.output


def test_check_finds_an_end_before_its_start_in_the_data(run, project):
    # check passed data/ with a designation ending in 1980 that began in 1987: the date-order
    # check was validate's alone, run over proposals.
    aid = project / "data" / "aid.ttl"
    text = aid.read_text(encoding="utf-8")
    began = '    ag:validFrom "1987"^^xsd:gYear ;\n    ag:rank ag:NormalRank ;\n    ' \
            "prov:wasDerivedFrom ev:000-mnna ."
    assert began in text
    aid.write_text(text.replace(began, began.replace(
        "ag:rank", 'ag:validUntil "1980"^^xsd:gYear ;\n    ag:rank')), encoding="utf-8")
    result = run("--project", project, "--cache", project / "cache", "check")
    assert result.exit_code == 1, result.output
    assert "date-order" in result.output and "data/aid.ttl:" in result.output, result.output


README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def readme_query(title: str) -> str:
    """Return the query README prints after ``title``: a SPARQL block, or the quoted argument
    of the ``alliance-graph query '...'`` command in a shell block."""
    m = re.search(re.escape(title) + r"\s*```sparql\n(.*?)```", README, re.S) or \
        re.search(re.escape(title) + r"\s*```sh\nalliance-graph query '([^']*)'\n```", README, re.S)
    assert m, f"README has no query after {title!r}"
    return m.group(1)


def test_readmes_fact_with_its_quotes_query_runs_as_printed(run, kg):
    text = readme_query("A fact with its quotes and sources:")
    assert len(text) > 255  # longer than a file name may be: the query that crashed (issue 15)
    result = run("query", text, "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    expected = json.loads(queries.serialize(queries.run(kg, text), "json"))["results"]["bindings"]
    assert bindings and sorted(map(str, bindings)) == sorted(map(str, expected))


@pytest.mark.parametrize("text", [
    "ASK { ?c a ag:Claim }  # " + "x" * 5000,          # longer than any path
    "ASK { ?c a ag:Claim }  # " + "/".join(["y" * 300] * 3),  # a component too long for a name
])
def test_any_inline_query_is_a_query_whatever_its_length(run, text):
    result = run("query", text)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "true"


@pytest.mark.parametrize("form, fmt", [
    ("SELECT * WHERE", "table"), ("SELECT * WHERE", "csv"), ("ASK", "table"),
    ("CONSTRUCT { ?s ?p ?o } WHERE", "table"), ("CONSTRUCT { ?s ?p ?o } WHERE", "nt")])
def test_a_query_failing_while_its_rows_are_read_is_one_line_and_exit_1(run, form, fmt):
    # The command line runs the user's own SERVICE calls (the endpoint refuses them); one to a
    # port where nothing listens fails inside Oxigraph only once the result is read.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = f"{form} {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = run("query", text, "--format", fmt)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    # Rows are streamed, so a format with a header may have written it before the failure.
    assert result.stderr.startswith("error: query failed: query evaluation failed:")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert len(result.stdout.splitlines()) <= 1


@pytest.mark.parametrize("command", [["stats"], ["serve", "--port", "1"]])
def test_a_cache_folder_that_cannot_be_made_is_one_line_and_exit_2(run, tmp_path, command):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = run("--cache", blocked / "cache", *command)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: a file or folder could not be used:") and "a-file" in line


def test_a_folder_that_cannot_be_made_is_said_as_the_os_says_it(run, tmp_path):
    # Python's "[Errno 20] Not a directory: '/x/a-file/cache'": a number and a quoted repr.
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    line = run("--cache", blocked / "cache", "stats").output.strip()
    assert line == (f"error: a file or folder could not be used: {blocked / 'cache'}: Not a "
                    f"directory; {blocked / 'cache'} is the cache folder (--cache)")


def test_a_query_holding_a_nul_byte_is_a_query_error_not_a_traceback(run):
    result = run("query", "ASK { ?c a ag:Claim \0 }")
    assert result.exit_code == 1 and "query failed:" in result.output


def test_an_existing_file_that_cannot_be_read_exits_2(run, tmp_path):
    path = tmp_path / "latin1.rq"
    path.write_bytes("# caf\xe9\nASK {}".encode("latin-1"))
    result = run("query", path)
    assert result.exit_code == 2 and f"cannot read the query file {path}" in result.output


def test_project_option_and_current_directory_choose_the_graph(run, mini, kg, monkeypatch):
    monkeypatch.delenv("ALLIANCE_GRAPH_CACHE")  # the session's cache: here, the project's own
    by_option = run("--project", mini.root, "stats", "--format", "json")
    assert by_option.exit_code == 0, by_option.output
    figures = json.loads(by_option.output)
    assert figures["claims"] != stats_mod.compute(kg).claims  # the mini graph, not the shipped one
    assert (mini.root / ".cache").is_dir()
    monkeypatch.chdir(mini.root)
    assert json.loads(run("stats", "--format", "json").output) == figures


@pytest.mark.parametrize("held", ["data", "ontology"])
def test_a_folder_holding_half_a_project_is_said_not_to_be_read(kg, tmp_path, held):
    # In a folder with data/*.ttl and no ontology/, every command answered from the
    # checkout's graph (or the installed package's) without a word.
    (tmp_path / held).mkdir()
    shutil.copy(ROOT / held / ("aid.ttl" if held == "data" else "core.ttl"), tmp_path / held)
    command = [str(Path(sys.executable).parent / "alliance-graph"), "stats", "--format", "json"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and json.loads(done.stdout)["claims"] > 0, done.stderr
    missing = "ontology" if held == "data" else "data"
    assert done.stderr == (f"note: {tmp_path / held} is not read: {tmp_path} holds no "
                           f"{missing}/, so it is no project; the graph is built from "
                           f"{ROOT / 'ontology'} and {ROOT / 'data'} (give --project DIR, or "
                           "--data DIR and --ontology DIR)\n")
    # Read, it is not said to be unread.
    used = subprocess.run([*command[:1], f"--{held}", held, *command[1:]], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert used.returncode in (0, 2) and "is not read" not in used.stderr, used.stderr


def test_a_project_without_turtle_files_exits_2_saying_where_it_looked(run, tmp_path):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    result = run("--project", tmp_path, "stats")
    assert result.exit_code == 2
    assert f"error: no graph found in {tmp_path.resolve()} (looked in" in result.output


def test_a_query_argument_that_is_not_utf8_is_one_line_and_exit_2():
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query",
                           b'SELECT * WHERE { ?s ?p "\xff" }'], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2 and done.stderr == "error: the query is not valid UTF-8 text\n"


def test_a_missing_query_file_is_named_not_parsed(run, tmp_path):
    result = run("query", str(tmp_path / "missing.rq"))
    assert result.exit_code == 2 and f"no query file {tmp_path / 'missing.rq'}" in result.output


@pytest.mark.parametrize("given, says", [
    ("{tmp}/q.sparql", "no query file {tmp}/q.sparql"),
    ("{tmp}/saved", "no query file {tmp}/saved; did you mean {tmp}/saved.rq?"),
    ("{tmp}", "{tmp} is a folder: give a query file (.rq) in it, a catalogue name, or the "
              "query's text"),
    ("{tmp}/", "{tmp}/ is a folder: give a query file (.rq) in it, a catalogue name, or the "
               "query's text")])
def test_a_path_naming_no_query_file_is_said_so_not_parsed(tmp_path, given, says):
    # It was parsed as SPARQL: "query failed: error at 1:1: expected CONSTRUCT", exit 1.
    (tmp_path / "saved.rq").write_text("ASK {}")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query",
                           given.format(tmp=tmp_path)], capture_output=True, text=True,
                          timeout=300)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr == f"error: {says.format(tmp=tmp_path)}\n"


@pytest.mark.parametrize("text", ["ASK{}", "DESCRIBE*", "DESCRIBE?x", "ASK{FILTER(1.5>1)}"])
def test_a_query_without_a_space_is_still_a_query(run, text):
    assert run("query", text, "--format", "csv" if "ASK" in text else "nt").exit_code == 0


def test_a_closed_standard_input_is_one_line_and_exit_2():
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query", "-"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: os.close(0))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "error: standard input is closed: give the query as text or a file"


def test_a_carriage_return_in_xml_rows_reads_back_as_written(run):
    # Written raw, an XML parser read it back as a line feed.
    result = run("query", 'SELECT ("one\\r\\ntwo" AS ?x) {}', "--format", "xml")
    assert result.exit_code == 0 and "&#13;" in result.output
    [row] = ox.parse_query_results(result.output.encode(), format=ox.QueryResultsFormat.XML)
    assert row["x"].value == "one\r\ntwo"


# A cross product of the shipped graph three times over: hours of evaluation inside Oxigraph.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def busiest_thread_seconds(pid: int) -> float:
    """Return the processor time the busiest thread of process ``pid``'s command but its main
    one has used, as /proc says (0 when it has none, or has ended): the command's own child,
    where it runs in one (``crash_guard``)."""
    used = [0.0]
    try:
        pid = int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])
    except (OSError, IndexError):
        pass  # not forked (yet): its own threads
    try:
        threads = [t for t in os.listdir(f"/proc/{pid}/task") if t != str(pid)]
    except OSError:
        return 0.0
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        used.append((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    return max(used)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_an_interrupt_stops_a_running_query_at_once_with_exit_130_not_1(fmt, settings):
    # 1 means "the answer is no"; an interrupted command has no answer.  The query is inside
    # Oxigraph when the signal comes: before, Ctrl-C waited for the whole answer.
    pipeline.cached_build(settings)  # made: the command's load takes hundredths of a second
    process = subprocess.Popen([str(Path(sys.executable).parent / "alliance-graph"), "query",
                                ENDLESS, "--format", fmt],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Inside Oxigraph: the query's thread (main.at_once) has used half a second of processor
    # time, where the load's, before it, uses a few hundredths (a fixed 4 s stood for this).
    deadline = time.monotonic() + 120
    while busiest_thread_seconds(process.pid) < 0.5:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    try:
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert time.monotonic() - signalled < 10
    assert process.returncode == 130 and err == "interrupted\n", err


def test_a_query_past_its_timeout_is_stopped_with_exit_1():
    started = time.monotonic()
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "query", ENDLESS,
                           "--timeout", "1.5"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == "error: query failed: it did not finish within 1.5 s (--timeout)\n"
    assert time.monotonic() - started < 60  # the start builds nothing: the cache is warm


def test_a_query_within_its_timeout_answers_as_without_one(run):
    text = "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"
    timed, untimed = run("query", text, "--timeout", "30"), run("query", text)
    assert timed.exit_code == 0 and timed.output == untimed.output and '"Iron Dome"' in timed.output


# "inf" and "1e400" (past a float's range) ran the query with no limit, as no --timeout does,
# where serve --idle-timeout inf was a traceback: no time limit is infinite.
@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon", "inf", "1e400", "1e10"])
def test_a_timeout_that_is_not_a_positive_number_of_seconds_is_refused(run, value):
    result = run("query", "ASK {}", "--timeout", value)
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.output


def test_errors_raised_inside_the_query_thread_keep_their_exit_codes(run):
    result = run("query", "SELECT ?l WHERE { ?s rdfs:label ?l")
    assert result.exit_code == 1 and result.output.startswith(
        "error: query failed: '{' at line 1, column 17 is never closed (the parser: error at 1:")


@pytest.fixture
def project(tmp_path):
    """A copy of the project (ontology, data, queries) that a test may damage."""
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def one_error_line(result) -> str:
    """Return the single error line of a command that could not run (exit 2)."""
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_catalogue_update_writes_nothing_when_one_query_fails(run, project):
    queries = project / "queries"
    (queries / "adversaries.srj").write_text('{"boolean": false}\n')  # stale: to be rewritten
    (queries / "zz-bad.rq").write_text("# Bad\n# x\nSELECT * WHERE {\n")
    before = {p.name: p.read_bytes() for p in queries.iterdir()}
    line = one_error_line(run("--project", project, "catalogue", "--update"))
    assert line.startswith(f"error: {queries / 'zz-bad.rq'}:3:16: the query does not parse")
    assert {p.name: p.read_bytes() for p in queries.iterdir()} == before


@pytest.mark.parametrize("file, data, where", [
    ("manifest.ttl", b"garbage {\n", "manifest.ttl:1:1: "),
    ("iron-dome-card.ttl", b"garbage {\n", "iron-dome-card.ttl:1:1: "),
    ("adversaries.srj", b"garbage\n", "adversaries.srj:1:1: not JSON"),
    ("adversaries.srj", b"\xff", "adversaries.srj:1: not UTF-8 text (byte 0)"),
    ("adversaries.rq", b"SELECT * WHERE {\n", "adversaries.rq:1:16: the query does not parse"),
])
def test_catalogue_names_a_damaged_file_and_its_line(run, project, file, data, where):
    (project / "queries" / file).write_bytes(data)
    line = one_error_line(run("--project", project, "catalogue"))
    assert line.startswith(f"error: {project / 'queries' / where}"), line


@pytest.mark.parametrize("gone", ["queries", "queries/manifest.ttl"])
def test_catalogue_without_its_folder_or_manifest_names_the_path(run, project, gone):
    path = project / gone
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    line = one_error_line(run("--project", project, "catalogue"))
    assert str(path) in line, line


def test_catalogue_with_an_empty_manifest_fails_instead_of_checking_nothing(run, project):
    (project / "queries" / "manifest.ttl").write_text("")
    line = one_error_line(run("--project", project, "catalogue"))
    assert "manifest.ttl: lists no queries" in line


@pytest.fixture
def sources(tmp_path):
    """A sources folder of one text, with another text outside it."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.txt").write_text("Alpha is cited here.\n")
    (tmp_path / "outside.txt").write_text("secret: not a source\n")
    return tmp_path / "sources"


@pytest.mark.parametrize("name", [
    "x ; ag:rank ag:PreferredRank . id:Evil a ag:State ; rdfs:label \"pwned\" . ev:y",
    "a b", "-a", "a.", "a:b"])  # an empty one: a usage error, as every option's (test_param_types)
def test_cite_refuses_a_name_that_is_no_local_name(run, sources, name):
    line = one_error_line(run("--sources", sources, "cite", "doc.txt", "Alpha", "--name", name))
    assert f"--name {name!r} is not a valid evidence name" in line
    assert "letters A-Z and a-z, digits, '_', '-' and '.'" in line


@pytest.mark.parametrize("name, without", [
    ("ev:alpha-1", "ev:"), ("https://alliance-graph.example/id/evidence/alpha-1",
                            "the evidence namespace"),
    ("<https://alliance-graph.example/id/evidence/alpha-1>", "the evidence namespace")])
def test_cite_of_a_name_given_with_ev_says_to_drop_it(run, sources, name, without):
    # The name as the block writes it was refused as holding a character a name may not,
    # the letters it may hold listed, with no word of the ev: the block adds itself.
    line = one_error_line(run("--sources", sources, "cite", "doc.txt", "Alpha", "--name", name))
    assert line == (f"error: --name {name!r} is not a valid evidence name: give the name "
                    f"alone, --name 'alpha-1', without {without} (the block writes ev:alpha-1)")


@pytest.mark.parametrize("source", ["../outside.txt", "{sources}/doc.txt", "..", "."])
def test_cite_reads_only_a_file_of_the_sources_folder(run, sources, source):
    source = source.format(sources=sources)
    line = one_error_line(run("--sources", sources, "cite", source, "secret"))
    assert f"SOURCE {source!r} is not a file name" in line and str(sources) in line


def test_cite_of_a_source_that_is_not_utf8_names_the_file_and_byte(run, sources):
    (sources / "bad.txt").write_bytes(b"ok \xff bad")
    line = one_error_line(run("--sources", sources, "cite", "bad.txt", "ok"))
    assert line == f"error: {sources / 'bad.txt'}: not UTF-8 text (byte 3, 0xff, does not decode)"


def test_a_mistyped_query_name_is_named_with_the_names_it_may_mean(run):
    # It was parsed as SPARQL: "query failed: error at 1:10: expected CONSTRUCT", exit 1.
    line = one_error_line(run("query", "source-disagreement"))
    assert line.startswith("error: no query named 'source-disagreement' in ")
    assert line.endswith("did you mean source-disagreements, agreements?")


def test_standard_input_that_is_not_utf8_is_one_line_and_exit_2(run):
    # It was a traceback (UnicodeEncodeError: surrogates not allowed), exit 1.
    line = one_error_line(run("query", "-", input=b"ASK { \xff }"))
    assert line.startswith("error: the query on standard input is not valid UTF-8 text at "
                           "line 1 (byte 0xFF, the line's byte 7, ")


def test_a_byte_order_mark_before_a_query_is_not_read_as_its_first_character(run, tmp_path):
    path = tmp_path / "bom.rq"
    path.write_bytes(b"\xef\xbb\xbfASK { ?c a ag:Claim }")
    assert run("query", path).output.strip() == "true"
    assert run("query", "-", input=b"\xef\xbb\xbfASK { ?c a ag:Claim }").output.strip() == "true"


@pytest.mark.parametrize("query, fmt, says", [
    ("CONSTRUCT WHERE { ?s a ag:State } LIMIT 1", "csv",
     "a graph (CONSTRUCT or DESCRIBE) cannot be written as --format csv; give --format turtle, "
     "nt, jsonld, xml or table"),
    ("ASK {}", "turtle", "an ASK answer cannot be written as --format turtle; give --format "
     "json, xml, csv, tsv or table"),
    # Said as the user wrote it: ttl was told "--format turtle".
    ("ASK {}", "ttl", "an ASK answer cannot be written as --format ttl; give --format "
     "json, xml, csv, tsv or table")])
def test_a_format_that_does_not_fit_the_answer_names_the_ones_the_option_takes(run, query, fmt,
                                                                               says):
    # It listed the library's names (ttl, trig, nq), which --format refuses, and "a ASK".
    assert one_error_line(run("query", query, "--format", fmt)) == f"error: {says}"


def test_coverage_of_a_folder_without_source_texts_says_so(run, tmp_path):
    # It printed nothing and exited 0.
    line = one_error_line(run("--sources", tmp_path, "coverage"))
    assert line.startswith(f"error: no source texts (*.txt) in {tmp_path}")


def test_query_rows_are_streamed_so_head_ends_a_huge_answer_at_once():
    # Buffered, this cross product took gigabytes before `| head` saw a row.
    command = f"'{Path(sys.executable).parent / 'alliance-graph'}' query " \
              "'SELECT * { ?a ?b ?c . ?d ?e ?f }' --format csv | head -2"
    started = time.monotonic()
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # the closed pipe ends the command quietly
    assert done.stdout.startswith("a,b,c,d,e,f\n") and len(done.stdout.splitlines()) == 2
    assert done.stderr == "" and time.monotonic() - started < 60


@pytest.mark.parametrize("text", ["SELECT * { ?a ?b ?c . ?d ?e ?f }",
                                  "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"])
def test_a_table_is_written_as_its_rows_come_so_a_closed_pipe_ends_it_at_once(text):
    # The default format held the whole answer to measure its columns: this cross product's
    # table took 13 GB, still growing, before a line was written (a graph's Turtle as well).
    process = subprocess.Popen([str(Path(sys.executable).parent / "alliance-graph"), "query",
                                text], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stop = threading.Timer(60, process.kill)  # the old way never wrote a line before this
    stop.start()
    try:
        first = process.stdout.readline()
        process.stdout.close()  # `| head -1`
        _, err = process.communicate(timeout=60)
    finally:
        stop.cancel()
        process.kill()
    assert first.split()[:2] == [b"a", b"b"] or first.startswith(b"@prefix "), first
    assert process.returncode == 0 and err == b"", err


def test_a_proposal_whose_file_name_is_not_utf8_is_validated(tmp_path):
    # Its graph's IRI could not be written (UnicodeEncodeError: surrogates not allowed), nor
    # could its name be printed by a UTF-8 locale's strict stdout: tracebacks and exit 1, the
    # code of "does not conform".
    prefixes = "".join((ROOT / "data" / "exercises.ttl").read_text().splitlines(True)[:15])
    path = tmp_path / os.fsdecode(b"caf\xe9.ttl")
    path.write_text(prefixes + "claim:Twin a ag:Claim ; rdf:subject id:BlueFlag ; "
                    "rdf:predicate ag:participant ; rdf:object id:UnitedStates ; "
                    "ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:000-blue-flag .\n")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "validate",
                           path], capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert done.returncode == 1 and b"Traceback" not in done.stdout + done.stderr, done.stderr
    # The name with its byte as printf reads it (it was the raw byte, which a terminal shows
    # as U+FFFD), with the line of the restated fact.
    assert b"caf\\xe9.ttl:16: claim states the fact claim claim:" in done.stdout


def test_validate_takes_ttl_as_query_and_export_do(run, tmp_path):
    # `validate --format ttl` was refused ("'ttl' is not one of 'text', 'json', 'turtle'"),
    # where query and export take it for turtle.
    prefixes = "".join((ROOT / "data" / "exercises.ttl").read_text().splitlines(True)[:15])
    path = tmp_path / "note.ttl"
    path.write_text(prefixes + 'claim:BlueFlag-participant-UnitedStates ag:note "A note." .\n')
    done = run("validate", "--format", "TTL", path)
    assert done.exit_code == 0, done.output
    assert "sh:ValidationReport" in done.output and "sh:conforms true" in done.output


@pytest.mark.parametrize("folder", ["ontology", "data"])
def test_an_input_file_whose_name_is_not_utf8_is_one_line_and_exit_2(tmp_path, folder):
    # The build hashed the inputs by their graphs' names: UnicodeEncodeError, a traceback.
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "ontology" / "core.ttl", tmp_path / folder / os.fsdecode(b"caf\xe9.ttl"))
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--project",
                           tmp_path, "stats"], capture_output=True, timeout=300)
    assert (done.returncode, done.stdout) == (2, b""), done.stderr
    # (Standard error wrote the name's byte as Python's "\udce9".)
    [line] = done.stderr.decode().splitlines()
    assert line == (f"error: {tmp_path}/{folder}/caf\\xe9.ttl: the file's name is not UTF-8 "
                    "text, and its graph is named by it (graph/<folder>/<name>); rename it")


@pytest.mark.parametrize(("option", "folder", "setting"), [
    ("--store", "", "store folder (--store)"), ("--cache", "/store", "cache folder (--cache)")])
def test_a_store_folder_whose_path_is_not_utf8_is_named_before_any_build(tmp_path, option,
                                                                          folder, setting):
    # Oxigraph said "The DB path is not valid UTF-8", naming no path nor setting, and with
    # --cache only once the build had been written into the folder.
    given = tmp_path / os.fsdecode(b"caf\xe9")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--project",
                           ROOT, option, given, "stats"], capture_output=True, timeout=300)
    assert (done.returncode, done.stdout) == (2, b""), done.stderr
    [line] = done.stderr.decode().splitlines()
    shown = f"{tmp_path}/caf\\xe9"  # stderr wrote Python's "\udce9"
    assert line == (f"error: a file or folder could not be used: {shown}{folder}: the folder's "
                    "path is not UTF-8 text, and the store's engine (Oxigraph) opens only a "
                    f"folder whose path is: choose another; {shown} is the {setting}"), line
    assert not given.exists()


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.3])
def test_ctrl_c_at_any_moment_is_interrupted_and_exit_130(delay):
    # While the modules load, in the first few tenths of a second, it was a traceback.  (A
    # signal before the command's own start runs, while Python starts and reads its site,
    # ends the process as it ends any program.)  So the delay is counted from the first
    # module the start imports, as Python's import timing tells (-X importtime): counted from
    # the process's start, 0.1 s on a loaded machine landed in Python's site, "Fatal Python
    # error: init_import_site", exit 1.  (At 0.1 s it found click's "Aborted!" and exit 1
    # too, a Ctrl-C as the command line was read.)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    process = subprocess.Popen([str(Path(sys.executable).parent / "alliance-graph"), "query",
                                slow], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    try:
        for line in process.stderr:  # (its end, should the process end first, ends this)
            if line.rstrip().endswith(b"| alliance_graph.__main__"):
                break
        process.stderr.readline()  # the next: imported by the start (__main__.run)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    said = [line for line in err.splitlines() if not line.startswith(b"import time:")]
    assert process.returncode == 130, (out, said)
    assert said == [b"interrupted"], said


def test_ctrl_c_once_the_answer_is_written_is_interrupted_and_exit_130_or_too_late(kg):
    # Landing once the command had written its answer, while Python unloaded its modules (a
    # tenth of a second for a query, half a second for stats), it killed the process by the signal without a word: a shell
    # saw 130, a script -2, and nothing said what ended it.  (``kg``: the build is cached.)
    for delay in (0.0, 0.01, 0.04, 0.08):
        process = subprocess.Popen([str(Path(sys.executable).parent / "alliance-graph"), "query",
                                    "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout.readline()
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
        said = err.strip().splitlines()[-1:]
        assert process.returncode in (0, 130), (delay, process.returncode, err)
        assert (process.returncode == 130) == (said == [b"interrupted"]), (delay, err)
        assert b"Traceback" not in err and b"Aborted" not in err, err


def test_ctrl_c_during_an_export_leaves_the_old_file_and_no_temporary_one(tmp_path):
    # The command ends at once at Ctrl-C (os._exit: its writing thread may be inside the
    # engine), so the hidden file the export was being written into stayed beside the user's.
    target = tmp_path / "out.ttl"
    target.write_text("the previous export\n", encoding="utf-8")
    command = [str(Path(sys.executable).parent / "alliance-graph"), "export", "--inferred",
               "-o", str(target)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)  # built: cached
    whole = target.read_bytes()
    target.write_text("the previous export\n", encoding="utf-8")
    interrupted = 0
    for _ in range(10):  # the write lasts a few tenths of a second: caught as it runs
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while process.poll() is None and not list(tmp_path.glob(".out.ttl.*.tmp")):
            time.sleep(0.002)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
        if process.returncode == 0:  # done before the signal: the file is the new export
            target.write_text("the previous export\n", encoding="utf-8")
            continue
        assert process.returncode == 130, (out, err)
        assert err.strip().splitlines()[-1] == b"interrupted" and b"Traceback" not in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]
        # The old file, or the new one whole where the signal came just after its rename.
        assert target.read_bytes() in (b"the previous export\n", whole)
        target.write_text("the previous export\n", encoding="utf-8")
        interrupted += 1
        if interrupted == 3:
            break
    assert interrupted == 3, "the export ended before it could be interrupted"


def test_sigterm_or_sighup_during_an_export_leaves_no_temporary_file(tmp_path, kg):
    # `timeout`, `kill` or a closed terminal ended the process by the signal, no cleanup run:
    # the hidden file the export was being written into stayed beside the user's.  It still
    # ends by the signal, as a script or a shell expects.  (``kg``: the build is cached.)
    target = tmp_path / "out.ttl"
    command = [str(Path(sys.executable).parent / "alliance-graph"), "export", "--inferred",
               "-o", str(target)]
    ended = []
    for number in [signal.SIGTERM, signal.SIGHUP] * 5:  # caught as the write runs
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while process.poll() is None and not list(tmp_path.glob(".out.ttl.*.tmp")):
            time.sleep(0.002)
        if process.poll() is None:
            process.send_signal(number)
        out, err = process.communicate(timeout=120)
        assert not list(tmp_path.glob(".*")), (number, err)
        if process.returncode == -number:  # (0: done before the signal came)
            ended.append(number)
        if set(ended) == {signal.SIGTERM, signal.SIGHUP}:
            break
    assert set(ended) == {signal.SIGTERM, signal.SIGHUP}, "the export ended before the signal"


@pytest.mark.parametrize("command", [
    ["validate", "tests/fixtures/shapes/claim-dispute.fail.ttl"],
    ["check"],
])
def test_a_verdict_stands_when_the_reader_closes_the_pipe_early(tmp_path, command):
    # `check | head` and `validate ... | head` exited 0 once the reader had gone, whatever was
    # found: a script testing the exit code took violations for none.
    from helpers import ROOT
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "shapes" / "base", data)
    if command == ["check"]:  # an ontology term without a label: a finding of check's own
        ontology = tmp_path / "ontology"
        shutil.copytree(ROOT / "ontology", ontology)
        with open(ontology / "core.ttl", "a", encoding="utf-8") as core:
            core.write("\nag:unlabelledFixtureTerm a owl:Class ; rdfs:isDefinedBy ag: .\n")
    else:
        ontology = ROOT / "ontology"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "alliance-graph"), "--data", str(data), "--ontology",
         str(ontology), "--cache", str(tmp_path / "cache"), *command],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # gone before the first line: `| head -0`
    _, err = process.communicate(timeout=300)
    assert process.returncode == 1, err


# -- the library's messages in the command line's words (cli.main.option) ---------------------

BIN = Path(sys.executable).parent / "alliance-graph"
MERGE = ROOT / "tests" / "fixtures" / "merge"


def command(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    """Run the installed ``alliance-graph`` with ``args``."""
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def says(done: subprocess.CompletedProcess, code: int, *texts: str) -> str:
    """Return what the command said on stderr, having checked its exit code and ``texts``;
    never the library's names for what it was given."""
    assert done.returncode == code, (done.returncode, done.stderr)
    for text in texts:
        assert text in done.stderr, done.stderr
    assert "Settings" not in done.stderr and "into=" not in done.stderr, done.stderr
    return done.stderr


@pytest.mark.parametrize("spec, said", [
    ("Memory", "--store Memory: give memory (lower case), a folder"),
    (" x", "--store ' x': give memory, a folder, or a store's http(s) URL"),
    ("http://h:99999/q", "--store http://h:99999/q is not a valid URL"),
    ("https://", "--store https:// names no host"),
    ("http://u:s3cret@h/q", "--store http://h...: a login in the URL is not supported")])
def test_a_store_slip_names_the_option(in_mini, spec, said):
    says(command(*in_mini, "--store", spec, "stats"), 2, f"the store could not be used: {said}")


@pytest.mark.parametrize("option, url, said", [
    ("--update-url", "127.0.0.1:7878/update",
     "--update-url 127.0.0.1:7878/update is not an http:// or https:// URL"),
    ("--graph-store-url", "http://u:s3cret@h/store",
     "--graph-store-url http://h...: a login in the URL is not supported")])
def test_a_load_url_slip_names_its_option_before_the_build(mini, tmp_path, option, url, said):
    # Unchecked, the build was made, then sent nowhere: "cannot reach 127.0.0.1:7878/update:
    # unknown url type: 127.0.0.1".
    cache = tmp_path / "cache"
    done = command("--data", mini.data_dir, "--ontology", mini.ontology_dir, "--cache", cache,
                   "--store", f"http://127.0.0.1:{servers.free_port()}/query", "load", option,
                   url)
    assert "s3cret" not in says(done, 2, f"the store could not be used: {said}")
    assert not list(cache.glob("**/*.nq"))


def test_an_empty_graph_store_url_is_none_and_white_space_a_slip(mini, tmp_path):
    # '' is the docs' (and the store's 404 advice's) way to load through SPARQL Update alone;
    # refused as an empty option (df79d244), the command offered no other.
    store = f"http://127.0.0.1:{servers.free_port()}/query"
    base = ("--data", mini.data_dir, "--ontology", mini.ontology_dir, "--cache",
            tmp_path / "cache", "--store", store, "load", "--graph-store-url")
    done = command(*base, "")
    assert done.returncode == 2 and "no URL is given" not in done.stderr, done.stderr
    assert "127.0.0.1" in done.stderr, done.stderr  # it went on to the store, down here
    says(command(*base, " "), 2, "no URL is given (only white space, ' ')")


def test_a_remote_store_s_url_given_for_a_local_store_is_refused(mini, tmp_path):
    # Ignored, a `load --update-url ...` that forgot --store built the memory store, exit 0.
    cache = tmp_path / "cache"
    done = command("--data", mini.data_dir, "--ontology", mini.ontology_dir, "--cache", cache,
                   "load", "--update-url", "http://127.0.0.1:7878/update")
    says(done, 2, "--update-url is a remote store's: give --store or ALLIANCE_GRAPH_STORE its "
                  "http:// or https:// query URL (the store is memory)")
    assert not list(cache.glob("**/*.nq"))


def test_serve_names_the_store_option_for_a_slip():
    # The build's own process said it in the library's words (Settings(store=...)).
    says(command("--store", "ftp://h", "serve", "--port", "0"), 2, "--store ftp://h: give memory")


def test_a_folder_another_program_uses_names_the_store_option(in_mini, tmp_path):
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("x")
    says(command(*in_mini, "--store", tmp_path / "theirs", "stats"), 2,
         "give --store a new or empty folder, or one it made")


def test_serve_on_a_folder_another_program_uses_names_the_store_option(in_mini, tmp_path):
    # serve's graph is prepared in a child process of the web layer, which gave the library's
    # words ("give Settings.store a new or empty folder").
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("x")
    says(command(*in_mini, "--store", tmp_path / "theirs", "serve", "--port", "0"), 2,
         "give --store a new or empty folder, or one it made")


def test_a_build_that_does_not_open_names_the_load_command(mini):
    # Reached by a query engine reopening a build (a command repairs it first): said here.
    from alliance_graph.cli.main import said
    from alliance_graph.store import directory
    from alliance_graph.store.errors import StoreError
    folder = mini.cache_dir / "store"
    digest = directory.build_directory(mini, folder)
    for entry in (folder / f"build-{digest}").iterdir():
        entry.write_bytes(b"garbage")
    with pytest.raises(StoreError) as refused:
        directory.open_build(folder, digest)
    assert f"; `alliance-graph --store {folder} load` builds it again" in said(refused.value)


def test_load_nquads_names_the_store_option(in_mini, tmp_path):
    done = command(*in_mini, "load", "--nquads", tmp_path / "all.nq")
    assert done.returncode == 0, done.stderr
    # --store was not given: the variable that sets it too is named beside it.
    assert done.stdout.rstrip().endswith(
        "then point --store or ALLIANCE_GRAPH_STORE at its query URL"), done.stdout


@pytest.fixture(scope="module")
def base_cache(tmp_path_factory):
    """One build cache for the module's copies of the small data below: the shapes' meta-SHACL
    check and the build (keyed by the files' contents) are made once, not per test."""
    return tmp_path_factory.mktemp("base-cache")


@pytest.fixture
def base_project(tmp_path, base_cache):
    """The ontology and the shape fixtures' small data, as options naming them; its cache
    folder (``tmp_path / "cache"``) is the module's ``base_cache``."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "tests" / "fixtures" / "shapes" / "base", tmp_path / "data")
    (tmp_path / "cache").symlink_to(base_cache, target_is_directory=True)
    return tmp_path, ("--project", tmp_path, "--cache", tmp_path / "cache")


@pytest.mark.parametrize("args, said", [
    (("--into", "notes.txt", MERGE / "good.ttl"), "--into notes.txt: facts go to a Turtle file"),
    ((MERGE / "new-entity.ttl",), "or what it links to; name one with --into FILE")])
def test_add_names_the_into_option(base_project, args, said):
    says(command(*base_project[1], "add", *args), 2, said)


def test_an_add_whose_summary_standard_output_cannot_take_says_the_add_was_made(base_project):
    # `add proposal.ttl > /dev/full` said "standard output is full ...: what was written to it
    # is cut short", exit 2, and nothing of the facts it had added to data/.
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(BIN), *map(str, base_project[1]), "add", MERGE / "good.ttl"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "error: standard output is full" in done.stderr and (
        "; the add itself was made: " in done.stderr and
        "subject block(s) added or amended" in done.stderr), done.stderr
    assert "claim:FxState-acronym a ag:Claim" in "".join(
        p.read_text() for p in (base_project[0] / "data").glob("*.ttl"))


def test_an_add_into_a_file_that_takes_nothing_says_where_its_facts_went(base_project, tmp_path):
    # `add --into events.ttl` of a note on a claim of base.ttl put it in base.ttl, as it
    # should, and said only "base.ttl: 1 subject block(s) added", its --into passed over.
    prefixes = "".join((ROOT / "data" / "exercises.ttl").read_text().splitlines(True)[:15])
    proposal = tmp_path / "note.ttl"
    proposal.write_text(prefixes + 'claim:FxState-type ag:note "A note." .\n')
    done = command(*base_project[1], "add", "--into", "events.ttl", proposal)
    assert done.returncode == 0 and done.stdout.endswith(
        "base.ttl: 1 subject block(s) added or amended\n"), done.stderr
    assert "note: nothing went into events.ttl: every block amends a node data/ holds, and " \
        "stays in that node's block (--into places new nodes' blocks)\n" in done.stderr
    assert not (base_project[0] / "data" / "events.ttl").exists()


def test_ctrl_c_during_adds_commit_finishes_it_before_the_command_ends(base_project, run,
                                                                       monkeypatch):
    # Interrupted between its journal (the commit point) and its renames, add ended with the
    # journal and the old file left in data/ until the next command read the folder.
    from alliance_graph.build.data_folder import JOURNAL
    data = base_project[0] / "data"
    into = sorted(data.glob("*.ttl"))[0]
    before = into.read_bytes()
    ctrl_c.before_renaming_onto(into, monkeypatch)
    result = run(*base_project[1], "add", "--into", into.name,
                 ROOT / "tests" / "fixtures" / "shapes" / "domain.pass.ttl")
    assert result.exit_code == 130, result.output
    assert result.stderr == (f"interrupted\nthe add's commit was under way: it was finished, "
                             f"the proposal's facts are in {data}\n")
    assert not (data / JOURNAL).exists() and into.read_bytes() != before


def test_a_read_only_data_file_names_the_into_option(base_project):
    for path in (base_project[0] / "data").glob("*.ttl"):
        os.chmod(path, 0o444)
    says(command(*base_project[1], "add", MERGE / "good.ttl"), 2,
         "read-only, nothing changed", "or add the facts to another file (--into FILE)")


def test_missing_source_texts_name_the_sources_option(tmp_path):
    says(command("--sources", tmp_path / "nowhere", "cite", "x.txt", "q"), 2,
         "point --sources at a copy of it")


def test_a_capped_report_names_the_max_findings_option(tmp_path):
    proposal = tmp_path / "many.ttl"
    proposal.write_text("@prefix x: <http://x/> .\n"
                        + "".join(f"x:a{i} x:b x:c{i} .\n" for i in range(5)))
    done = command("validate", "--max-findings", "1", proposal)
    assert done.returncode == 1, done.stderr
    assert re.search(r"\(\d+ more finding\(s\) not shown \(--max-findings\)\)", done.stdout)
    assert "Settings.validate_max_findings" not in done.stdout


def test_no_graph_found_names_the_project_and_ontology_options(tmp_path, mini):
    (tmp_path / "empty").mkdir()
    says(command("--project", tmp_path / "empty", "stats"), 2,
         "give a project folder holding ontology/ and data/ with --project DIR")
    (tmp_path / "bare").mkdir()
    says(command("--project", mini.root, "--ontology", tmp_path / "bare", "stats"), 2,
         "(or leave --ontology out)")


def test_a_catalogue_listing_no_query_names_the_update_command(mini):
    mini.queries_dir.mkdir()
    (mini.queries_dir / "manifest.ttl").write_text("", encoding="utf-8")
    says(command("--project", mini.root, "catalogue"), 2,
         "lists no queries (`alliance-graph catalogue --update` writes it from the .rq files)")


@pytest.mark.parametrize("name, values, said", [
    ("fmt", ("nt", "ttl"), "--format nt or --format ttl"), ("inferred", (True,), "--inferred"),
    ("settings.root", ("my dir",), "--project 'my dir'"), ("settings.ontology_dir", (), "--ontology"),
    ("alliance_graph.store.backends.load_into_store(settings)", ("http://h/q?a=1",),
     "`alliance-graph --store 'http://h/q?a=1' load`"),
    ("some.call(x)", (), "some.call(x)")])
def test_the_command_line_names_what_the_library_names_as_it_gives_it(name, values, said):
    from alliance_graph.cli.main import option
    assert option(name, *values) == said


# -- a setting the command line reads from a variable too, named as its user gave it ---------

@pytest.fixture
def sourceless(base_project):
    """A project with no shared sources folder beside it (``../shared/sources``)."""
    root, _ = base_project
    assert not (root.parent / "shared" / "sources").exists()
    return root


def in_fresh_directory(tmp_path, *args, **variables) -> subprocess.CompletedProcess:
    """Run the installed ``alliance-graph`` from an empty directory, with ``variables``."""
    (tmp_path / "fresh").mkdir(exist_ok=True)
    return subprocess.run([str(BIN), *map(str, args)], cwd=tmp_path / "fresh",
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
                          env={**os.environ, **variables})


@pytest.mark.parametrize("args", [("cite", "x.txt", "q"), ("coverage",),
                                  ("validate", MERGE / "good.ttl")])
def test_missing_source_texts_name_the_option_and_the_variable(tmp_path, sourceless, args):
    # The default folder is missing and neither was given: the hint named --sources alone (it
    # named ALLIANCE_GRAPH_SOURCES too before the library's messages were worded); coverage
    # said "(set --sources)".
    done = in_fresh_directory(tmp_path, "--project", sourceless, "--cache", tmp_path / "cache",
                              *args)
    said = done.stderr + done.stdout  # validate's report holds its warnings
    assert done.returncode == (0 if args[0] == "validate" else 2), said
    assert "point --sources or ALLIANCE_GRAPH_SOURCES at a copy of it" in said, said
    assert "Settings" not in said, said
    # Looked for beside the project given, which the message said was "beside the checkout".
    assert "looks for at ../shared/sources beside its own folder" in said, said


@pytest.mark.parametrize("args", [("cite", "x.txt", "q"), ("coverage",)])
def test_source_texts_missing_where_the_variable_points_name_the_variable(tmp_path, sourceless,
                                                                          args):
    # The user set ALLIANCE_GRAPH_SOURCES and never typed --sources, which the hint named.
    done = in_fresh_directory(tmp_path, "--project", sourceless, "--cache", tmp_path / "cache",
                              *args, ALLIANCE_GRAPH_SOURCES=str(tmp_path / "nowhere"))
    says(done, 2, f"no source texts at {tmp_path / 'nowhere'}",
         "point ALLIANCE_GRAPH_SOURCES at a copy of it")
    assert "--sources" not in done.stderr, done.stderr


@pytest.mark.parametrize("args", [("cite", "x.txt", "q"), ("coverage",)])
def test_source_texts_variable_naming_a_file_says_it_is_a_file(tmp_path, sourceless, args):
    # ALLIANCE_GRAPH_SOURCES set to one of the texts rather than their folder: "no source texts
    # at .../a.txt" read as though the file were missing.
    text = tmp_path / "a.txt"
    text.write_text("a source text\n", encoding="utf-8")
    done = in_fresh_directory(tmp_path, "--project", sourceless, "--cache", tmp_path / "cache",
                              *args, ALLIANCE_GRAPH_SOURCES=str(text))
    says(done, 2, f"the source texts' folder {text} is a file, not a folder",
         "point ALLIANCE_GRAPH_SOURCES at the folder that holds the texts")
    assert "no source texts at" not in done.stderr, done.stderr


def test_validate_with_the_sources_variable_naming_a_file_warns_it_is_a_file(tmp_path, sourceless):
    text = tmp_path / "a.txt"
    text.write_text("a source text\n", encoding="utf-8")
    proposal = tmp_path / "p.ttl"
    proposal.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    done = in_fresh_directory(tmp_path, "--project", sourceless, "--cache", tmp_path / "cache",
                              "validate", proposal, ALLIANCE_GRAPH_SOURCES=str(text))
    said = done.stdout + done.stderr
    assert "the quote checks did NOT run" in said, said
    assert f"{text} is a file, not a folder" in said, said
    assert "point ALLIANCE_GRAPH_SOURCES at the folder that holds the texts" in said, said


def test_coverage_of_an_empty_sources_folder_names_what_gave_it(tmp_path, sourceless):
    (tmp_path / "empty").mkdir()
    common = ("--project", sourceless, "--cache", tmp_path / "cache")
    says(in_fresh_directory(tmp_path, *common, "--sources", tmp_path / "empty", "coverage"), 2,
         "give the folder of the texts the evidence quotes (--sources)")
    done = in_fresh_directory(tmp_path, *common, "coverage",
                              ALLIANCE_GRAPH_SOURCES=str(tmp_path / "empty"))
    says(done, 2, "give the folder of the texts the evidence quotes (ALLIANCE_GRAPH_SOURCES)")


@pytest.mark.parametrize("variables, said", [
    ({"ALLIANCE_GRAPH_STORE": "Memory"}, "ALLIANCE_GRAPH_STORE=Memory: give memory (lower case)"),
    ({}, "--store Memory: give memory (lower case)")])
def test_a_store_slip_names_the_variable_that_gave_it(tmp_path, in_mini, variables, said):
    # ALLIANCE_GRAPH_STORE=Memory was said as "--store Memory", an option never typed.
    args = (*in_mini, "stats") if variables else (*in_mini, "--store", "Memory", "stats")
    says(in_fresh_directory(tmp_path, *args, **variables), 2,
         f"the store could not be used: {said}")


def test_an_ontology_variable_without_turtle_files_is_named(tmp_path, mini):
    (tmp_path / "bare").mkdir()
    done = in_fresh_directory(tmp_path, "--project", mini.root, "stats",
                              ALLIANCE_GRAPH_ONTOLOGY=str(tmp_path / "bare"))
    says(done, 2, "(or leave ALLIANCE_GRAPH_ONTOLOGY out)")


def test_the_command_lines_names_follow_no_earlier_command(run, tmp_path):
    # Who gave what is the one command's: a later one in the same process (a test's) names
    # the settings as before any ran.
    from alliance_graph.cli.main import option
    assert run("--store", "Memory", "stats").exit_code == 2
    assert option("settings.sources_dir") == "--sources"
    assert option("settings.store", "x") == "--store x"


def test_every_global_option_a_variable_also_sets_names_it_in_its_help():
    # --data, --ontology, --sources and --cache did not: a message may name the variable.
    from alliance_graph.wording import variables
    options = {o: p.help for p in main.params for o in p.opts}
    named = {flag: var for flag, var in variables().items() if flag in options}
    assert set(named) >= {"--project", "--data", "--ontology", "--sources", "--cache", "--store"}
    for flag, variable in named.items():
        assert options[flag].endswith(f"Env: {variable}."), (flag, options[flag])


def test_a_missing_data_folder_is_named_as_it_was_given(tmp_path, mini):
    # It named no option nor variable: one set long ago in the shell was not to be guessed.
    gone = tmp_path / "gone"
    done = in_fresh_directory(tmp_path, "--project", mini.root, "stats",
                              ALLIANCE_GRAPH_DATA=str(gone))
    says(done, 2, f"the data folder {gone} does not exist or is not a folder; make it, or give "
                  "another with ALLIANCE_GRAPH_DATA")
    says(in_fresh_directory(tmp_path, "--project", mini.root, "--data", gone, "stats"), 2,
         "give another with --data")


@pytest.mark.parametrize("given", ["variable", "option"])
def test_a_cache_folder_that_cannot_be_made_names_what_gave_it(tmp_path, mini, given):
    # "a file or folder could not be used: [Errno 20] Not a directory: ...": which setting
    # named it, a variable perhaps set long ago, was left to guess.
    (tmp_path / "a-file").write_text("x")
    cache = tmp_path / "a-file" / "cache"
    args, variables = ((), {"ALLIANCE_GRAPH_CACHE": str(cache)}) if given == "variable" \
        else (("--cache", cache), {})
    done = in_fresh_directory(tmp_path, "--project", mini.root, *args, "stats", **variables)
    knob = "ALLIANCE_GRAPH_CACHE" if given == "variable" else "--cache"
    says(done, 2, "error: a file or folder could not be used: ",
         f"; {cache} is the cache folder ({knob})")


@pytest.mark.parametrize("command", ["validate", "add"])
def test_a_proposal_that_cannot_be_read_is_one_line(run, tmp_path, command):
    # It was two: "error: could not validate:" and, under it, the one problem.
    result = run(command, tmp_path / "nothere.ttl")
    assert result.exit_code == 2
    assert result.output == f"error: could not validate: {tmp_path / 'nothere.ttl'}: no such " \
                            "file\n"
    (tmp_path / "utf16.ttl").write_bytes(b"\xff\xfe@\x00")  # two problems: a line each
    result = run(command, tmp_path / "nothere.ttl", tmp_path / "utf16.ttl")
    assert result.exit_code == 2 and result.output.count("\n") == 3
    assert result.output.startswith("error: could not validate:\n")


def test_serve_names_a_setting_as_its_user_gave_it(tmp_path):
    # Its preparing process named --store where ALLIANCE_GRAPH_STORE had set it, and left out
    # the note naming the cache folder that other commands add.
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "file.txt").write_text("x")
    command = [str(Path(sys.executable).parent / "alliance-graph"), "serve", "--port", "0"]
    for env, says in (({"ALLIANCE_GRAPH_STORE": str(junk)}, "give ALLIANCE_GRAPH_STORE a new"),
                      ({"ALLIANCE_GRAPH_CACHE": "/proc/cache"},
                       "/proc/cache is the cache folder (ALLIANCE_GRAPH_CACHE)")):
        done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              env={**os.environ, **env})
        assert done.returncode == 2 and says in done.stderr, done.stderr


def connections_held(port: int) -> int:
    """Return the connections the server on ``port`` holds open, as /proc/net/tcp lists its
    ends of them: established, or closed by their client and not yet by the server (which
    stops counting one towards its client's cap as it closes it)."""
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                held += (int(fields[1].rsplit(":", 1)[1], 16) == port
                         and fields[3] in ("01", "08"))  # ESTABLISHED, CLOSE_WAIT
    return held


def test_serve_names_its_limits_by_its_options_in_its_http_refusals(tmp_path):
    # Its refusals reach the operator who started it in HTTP answers, not through the
    # command: they named Settings.max_result_bytes to one who had given --max-result-bytes,
    # whether the front refused (a connection over the cap) or the engine's process (an answer
    # or a dump over the limit).
    port, process = servers.serve_shipped(tmp_path / "serve.log", "--max-result-bytes", "2000",
                                          "--connections-per-client", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        for path in ("/sparql?query=" + urllib.parse.quote("SELECT ?s ?l { ?s rdfs:label ?l }"),
                     "/dataset?format=graphml", "/dataset"):
            # The connections before (the start's checks, the last refusal), closed by this
            # end, are let go by the server's: else two still counted made this one a 503.
            assert until(lambda: connections_held(port) == 0, 30), connections_held(port)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + path, timeout=60)
            with refused.value:  # its connection closed now, not whenever it is collected
                said = refused.value.read().decode()
            assert refused.value.code == 422 and "larger than 2,000 bytes" in said, said
            assert "(--max-result-bytes)" in said and "Settings" not in said, said
        # From an address of their own: the connections above, closing or lingering, are
        # 127.0.0.1's, and counted among its two they made the third's answer a race.
        with contextlib.ExitStack() as held:  # closed whatever happens: a failure left them
            for _ in range(2):                  # open, a ResourceWarning in a later test
                held.enter_context(socket.create_connection(("127.0.0.1", port),
                                                            source_address=("127.0.0.3", 0)))
            with socket.create_connection(("127.0.0.1", port), timeout=30,
                                          source_address=("127.0.0.3", 0)) as third:
                said = third.recv(65536).decode()
        assert said.startswith("HTTP/1.1 503"), said
        assert "(--connections-per-client)" in said and "Settings" not in said, said
    finally:
        servers.stop(process)



@pytest.mark.parametrize("args, what", [
    (("check",), "the report"), (("catalogue",), "the report"), (("coverage",), "the report"),
    (("cite", "000_06b6882714cf1880.txt", "Negev"), "the evidence block"),
    (("validate", MERGE / "good.ttl"), "the report")])
def test_a_command_writing_a_report_refuses_a_closed_standard_output(args, what):
    # `>&-`: each wrote nowhere and gave its verdict (exit 0 for a report nobody saw, a cited
    # block lost), where query, stats and export already said so.
    done = subprocess.run([str(BIN), *map(str, args)], cwd=ROOT, stdin=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=300,
                          preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (
        2, f"error: standard output is closed: nowhere to write {what}\n")


def test_serve_get_refuses_a_closed_standard_output():
    # It answered the request, then stopped on a traceback (AttributeError: 'NoneType' object
    # has no attribute 'buffer').
    done = subprocess.run([str(BIN), "serve", "--get", "/status"], cwd=ROOT,
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=300, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (
        2, "error: standard output is closed: nowhere to write the answer\n")


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("serve", "--help")])
def test_help_to_a_full_standard_output_is_one_line_and_exit_2(args):
    # Written while click reads the command line, before any command runs (outside the
    # group's invoke, which words a full disk): a traceback ending in OSError, exit 1.
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(BIN), *args], stdin=subprocess.DEVNULL, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (2, FULL)


FULL = ("error: standard output is full (No space left on device): what was written to it is "
        "cut short\n")


@pytest.mark.parametrize("args", [("export",), ("query", "ASK {}"), ("stats",)])
def test_an_answer_to_a_full_standard_output_says_so_and_exits_2(args):
    # export said "a file or folder could not be used: [Errno 28] No space left on device",
    # like a full cache folder; an answer short enough to stay in the buffer (a shell's
    # standard output is buffered) was lost at the end without a word, exit 0.
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(BIN), *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
                              env={k: v for k, v in os.environ.items()
                                   if k != "PYTHONUNBUFFERED"})
    assert (done.returncode, done.stderr) == (2, FULL)


@pytest.mark.parametrize("args, stdout", [(("query", "no-such-query"), None),
                                          (("export",), "/dev/full")])
def test_a_full_standard_error_leaves_the_exit_code_as_it_is(args, stdout):
    # The message's write failed on a traceback, written nowhere: every failure exited 1.
    with open("/dev/full", "w") as full, open(stdout or os.devnull, "w") as out:
        done = subprocess.run([str(BIN), *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                              stdout=out, stderr=full, timeout=300)
    assert done.returncode == 2


@pytest.mark.parametrize("args", [("--help",), ("--version",)])
def test_a_reader_gone_before_the_help_is_no_error(args):
    # `alliance-graph --help | head -0` exited 1 (click's word for a broken pipe).
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([str(BIN), *args], stdin=subprocess.DEVNULL, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("args", [("export", "-o", "/dev/stdout"),
                                  ("load", "--nquads", "/dev/stdout")])
def test_a_reader_gone_from_an_output_named_as_a_file_is_no_error(args):
    # `export -o /dev/stdout | head` said "cannot write /dev/stdout: Broken pipe", exit 2,
    # where `export | head` ends quietly.
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([str(BIN), *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")


def test_load_nquads_dash_is_refused_not_written_as_a_file_named_so(run, tmp_path, monkeypatch):
    # It wrote the store's 7 MB document into a file named "-", where export's -o - is
    # standard output.
    monkeypatch.chdir(tmp_path)
    result = run("load", "--nquads", "-")
    assert (result.exit_code, result.stderr) == (2, (
        "error: --nquads - would write a file named -: give the N-Quads file's name (./- for "
        "a file so named)\n"))
    assert list(tmp_path.iterdir()) == []


def test_a_console_of_another_encoding_gets_escapes_not_a_traceback(tmp_path):
    # cite prints the passage's en dash; on a latin-1 console (or cp437) the first character
    # it has no byte for stopped the command on a UnicodeEncodeError.
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "cite",
                           "001_b9e5a7348fac2993.txt",
                           "U.S.\u2013Israel Military Cooperation Explained", "--name", "x"],
                          capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert b'oa:exact "U.S.\\u2013Israel Military Cooperation Explained"' in done.stdout


def test_serve_get_to_a_terminal_ends_its_last_line():
    # JSON ends with no line end, and the prompt came on the answer's line; a pipe still gets
    # the body as the server sends it.
    data = on_a_terminal([Path(sys.executable).parent / "alliance-graph", "serve", "--get",
                          "/sparql?query=ASK%7B%7D"])
    assert data == b'{"head":{},"boolean":true}\r\n', data


@pytest.mark.parametrize("command", [
    ("export", "--format", "TriG"), ("query", "ASK {}", "--format", "JSON"),
    ("stats", "--format", "Json"), ("coverage", "--format", "JSON")])
def test_a_format_is_named_in_any_letter_case(run, in_mini, command):
    # --format TTL was "'TTL' is not one of 'ttl', ...", exit 2: a name the command knew.
    lower = run(*in_mini, *command[:-1], command[-1].lower())
    result = run(*in_mini, *command)
    assert result.exit_code == lower.exit_code and result.output == lower.output


def test_an_editors_lock_beside_the_data_files_is_not_read(run, in_mini, mini, settings):
    # Emacs' lock of an edited data file (.#facts.ttl, a link to nowhere) stopped stats,
    # query, validate and add: "is a symbolic link to u@host.1:1, which does not exist".
    (mini.data_dir / ".#facts.ttl").symlink_to("u@host.1:1")
    (mini.data_dir / "._facts.ttl").write_bytes(b"\x00\x05\x16\x07\x00\x02")
    stats = run(*in_mini, "stats", "--format", "json")
    assert stats.exit_code == 0, stats.output
    # The shapes after the build: the build runs them too, and mini's source would not pass.
    shutil.copy(settings.ontology_dir / "shapes.ttl", mini.ontology_dir)
    proposal = mini.root / "proposal.ttl"
    proposal.write_text((mini.data_dir / "facts.ttl").read_text())
    # Judged (mini's source has none of the fields the shapes ask of one), not refused.
    for command in ("validate", "add"):
        judged = run(*in_mini, command, proposal)
        assert judged.exit_code == 1 and "Violations" in judged.output, judged.output
        assert "facts.ttl" not in judged.output.replace(str(proposal), ""), judged.output


@pytest.mark.parametrize("args, option, command", [
    (("serve", "--store", "/tmp/store", "--port", "8001"), "--store", "serve"),
    (("query", "--project=/tmp", "ASK {}"), "--project", "query"),
    (("stats", "--data", "data"), "--data", "stats")])
def test_a_global_option_given_after_its_command_says_where_it_goes(args, option, command):
    # click said "No such option '--store'. (Did you mean one of: '--host', '--port',
    # '--workers'?)", of an option the command line has.
    result = CliRunner().invoke(main, args, prog_name="alliance-graph")
    assert result.exit_code == 2 and result.output.endswith(
        f"Error: {option} is an option of alliance-graph itself, not of {command}: give it "
        f"before the command (alliance-graph {option} ... {command} ...)\n"), result.output


@pytest.mark.parametrize("args, said", [
    (("--format", "json", "stats"), "--format is an option of stats, not of alliance-graph "
     "itself: give it after the command (alliance-graph stats --format ...)"),
    (("-o", "x.ttl", "export"), "-o is an option of export, not of alliance-graph itself: "
     "give it after the command (alliance-graph export -o ...)"),
    (("--inferred", "cite", "a.txt", "q"), "--inferred is an option of export and query, not "
     "of alliance-graph itself: give it after the command it is for")])
def test_a_commands_option_given_before_it_says_where_it_goes(args, said):
    # click said "No such option '--format'", as though no command had one.
    result = CliRunner().invoke(main, args, prog_name="alliance-graph")
    assert result.exit_code == 2 and result.output.endswith(f"Error: {said}\n"), result.output


@pytest.mark.parametrize("args, said", [
    (("query", "-o", "out.csv", "ASK {}"), "-o is an option of export, not of query"),
    (("check", "--format", "json"), "--format is an option of coverage, export, query, stats "
                                    "and validate, not of check")])
def test_another_commands_option_says_whose_it_is(args, said):
    # click said "No such option '-o'", as though no command had one.
    result = CliRunner().invoke(main, args, prog_name="alliance-graph")
    assert result.exit_code == 2 and result.output.endswith(f"Error: {said}\n"), result.output


def test_an_option_nobody_has_is_refused_as_click_refuses_it(run):
    result = run("stats", "--nope")
    assert result.exit_code == 2 and result.output.endswith("No such option '--nope'.\n")


@pytest.mark.parametrize("option", ["--project", "--data", "--ontology", "--sources", "--cache"])
@pytest.mark.parametrize("value", ["", " "])
def test_a_folder_option_left_empty_is_refused(run, tmp_path, monkeypatch, option, value):
    # `--cache "$CACHE"` with CACHE unset: Path("") is ".", so the build cache (8 MB) was
    # written into the current directory, and --data "" read that directory as the data.
    monkeypatch.chdir(tmp_path)
    result = run(option, value, "stats")
    blank = f"only white space, {value!r}" if value else "the option is empty"
    assert result.exit_code == 2 and result.output.endswith(
        f"Error: Invalid value for '{option}': no folder is given ({blank}): give one (for the "
        "current directory, .)\n"), result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("variable, meant", [
    ("ALLIANCE_GRAPH_CACHE", "give the folder to keep the build cache in"),
    ("ALLIANCE_GRAPH_PROJECT", "give a project folder holding ontology/ and data/")])
def test_a_folder_variable_naming_a_file_says_it_is_a_file(tmp_path, variable, meant):
    # ALLIANCE_GRAPH_CACHE=FILE was "a file or folder could not be used: [Errno 17] File
    # exists", and ALLIANCE_GRAPH_PROJECT=FILE "no graph found in FILE (looked in
    # FILE/ontology ...)", where --cache FILE and --project FILE said it was a file.
    text = tmp_path / "a.txt"
    text.write_text("not a folder\n", encoding="utf-8")
    done = in_fresh_directory(tmp_path, "stats", **{variable: str(text)})
    says(done, 2, f"error: {variable}={text}: that is a file, not a folder: {meant}\n")
    assert "Errno" not in done.stderr and "no graph found" not in done.stderr


def test_a_syntax_error_reads_as_a_broken_installation_only_where_an_import_raised_it(
        tmp_path, monkeypatch):
    # A dependency's file that is not Python is told "reinstall" (command_list.py); the
    # data's parser raising SyntaxError as a command runs (rdflib's, for bad Turtle) is not.
    def raised(work) -> SyntaxError:
        with pytest.raises(SyntaxError) as caught:
            work()
        return caught.value

    bad_turtle = raised(lambda: rdflib.Graph().parse(data="<a> <b> <c> <d> .", format="turtle"))
    assert import_failure(bad_turtle) is None
    assert import_failure(raised(lambda: compile("x = (", str(tmp_path / "t.py"), "exec"))) \
        is None
    (tmp_path / "broken_one.py").write_text("import os\nx = (\n")
    (tmp_path / "parsing_one.py").write_text("import ast\n\nast.parse('x = (')\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def statement():
        import broken_one  # noqa: F401

    assert import_failure(raised(statement)) == (
        f"broken_one, at {tmp_path / 'broken_one.py'}:2, is not valid Python: '(' was never "
        "closed")
    # Imported by name, as a command's own module is (command_list.py): Python keeps its
    # import system's frames, and it was said as its message alone, no module named.
    (tmp_path / "broken_two.py").write_text("def f(:\n")
    assert import_failure(raised(lambda: importlib.import_module("broken_two"))) == (
        f"broken_two, at {tmp_path / 'broken_two.py'}:1, is not valid Python: invalid syntax")
    # A file of null bytes, said with no file: the module imported, not the importing one.
    (tmp_path / "nul_one.py").write_bytes(b"x = 1\x00\n")

    def nul_statement():
        import nul_one  # noqa: F401

    # (3.11 says no file; a later Python may say it, and its place: "nul_one, at ...")
    said = import_failure(raised(nul_statement))
    assert said.startswith("nul_one, ") and "is not valid Python: " in said, said
    assert "null bytes" in said and "test_cli, at" not in said, said
    # A module's own code raising it as it is imported: named by that module's line.
    assert import_failure(raised(lambda: importlib.import_module("parsing_one"))) == (
        f"parsing_one, at {tmp_path / 'parsing_one.py'}:3: SyntaxError: '(' was never closed "
        "(<unknown>, line 1)")


def test_click_not_importing_is_said_in_a_line_before_any_command(tmp_path):
    # click missing or not Python: the command line's own start (__main__.py) ended in a
    # traceback, before any command could say it (cli/command_list.py).
    (tmp_path / "click").mkdir()
    (tmp_path / "click" / "__init__.py").write_text("import os\n  x = 1\n")
    ran = subprocess.run([sys.executable, "-m", "alliance_graph", "stats"], capture_output=True,
                         text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert (ran.returncode, ran.stdout) == (2, "")
    assert ran.stderr == (
        f"error: alliance-graph could not start, a module it needs not importing (click, at "
        f"{tmp_path / 'click' / '__init__.py'}:2, is not valid Python: unexpected indent): "
        "reinstall alliance-graph (pip install --force-reinstall alliance-graph; in a "
        "checkout, pip install -e .)\n")


def _broken(tmp_path, package: str, text: str, args: list[str]) -> str:
    """Return what the command line says, exit 2 and nothing on standard output, run with a
    dependency ``package`` whose file holds ``text`` first on its path."""
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text(text)
    ran = subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert (ran.returncode, ran.stdout) == (2, ""), ran.stderr[-800:]
    return ran.stderr


@pytest.mark.parametrize("package, args, start", [
    ("waitress", ["serve", "--port", "0"], "the serve command could not be loaded"),
    ("click", ["stats"], "alliance-graph could not start")])
def test_a_dependency_raising_as_it_is_imported_is_named_with_its_line_and_no_traceback(
        tmp_path, package, args, start):
    # A dependency whose own code raised as it was imported (a NameError) was a traceback,
    # exit 1, where one that is not Python is said in a line, exit 2.
    said = _broken(tmp_path, package, "import os\nraise NameError('broken')\n", args)
    assert said == (
        f"error: {start}, a module it needs not importing ({package}, at "
        f"{tmp_path / package / '__init__.py'}:2: NameError: broken): reinstall alliance-graph "
        "(pip install --force-reinstall alliance-graph; in a checkout, pip install -e .)\n")
    # An error a command's own work raises, no import running, is no broken installation.
    with pytest.raises(ValueError) as caught:
        int("x")
    assert import_failure(caught.value) is None


@pytest.mark.parametrize("package, text, line, said, args", [
    ("waitress", "import os\nx = (\n", 2, "'(' was never closed", ["serve", "--port", "0"]),
    ("rdflib", "import os\n\tdef f(:\n", 2, "unexpected indent", ["export", "--format", "nt"])])
def test_a_dependency_that_is_not_python_is_named_with_its_line_and_no_traceback(
        tmp_path, package, text, line, said, args):
    # waitress (serve) or rdflib (export, and serve) with a syntax error, a broken
    # installation, imported as the command runs: a traceback, where one missing was said in
    # a line (cli/command_list.py).
    assert _broken(tmp_path, package, text, args) == (
        f"error: the {args[0]} command could not be loaded, a module it needs not importing "
        f"({package}, at {tmp_path / package / '__init__.py'}:{line}, is not valid Python: "
        f"{said}): reinstall alliance-graph (pip install --force-reinstall alliance-graph; in "
        "a checkout, pip install -e .)\n")
