"""The command line's own value types (cli/param_types.py): what a value that is not one is
told, on the command line and from a variable."""

import click
import pytest
from click.testing import CliRunner

from alliance_graph.cli import main


def refusal(*args, env=None) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 2, result.output
    return result.output.splitlines()[-1]


@pytest.mark.parametrize("port", ["x", "70000", "-1", "80.5"])
def test_a_port_that_is_none_says_what_a_port_is(port):
    # --port x was "'x' is not a valid integer range": the option's range, not what to give.
    assert refusal("serve", "--port", port) == (
        f"Error: Invalid value for '--port': '{port}' is not a port: give a whole number from "
        "0 to 65535 (0 takes a free one, which the server prints)")


def test_a_port_from_the_variable_is_refused_naming_the_variable():
    assert refusal("serve", env={"ALLIANCE_GRAPH_PORT": "http"}).startswith(
        "Error: Invalid value for 'ALLIANCE_GRAPH_PORT': 'http' is not a port: give a whole "
        "number from 0 to 65535")


@pytest.mark.parametrize("command, flag", [("serve", "--workers"),
                                           ("serve", "--connection-limit"),
                                           ("serve", "--response-cache"),
                                           ("validate", "--max-findings")])
def test_a_count_that_is_no_number_is_said_to_be_none(command, flag):
    assert refusal(command, flag, "many", *(["p.ttl"] if command == "validate" else [])) == \
        f"Error: Invalid value for '{flag}': 'many' is not a valid whole number."


@pytest.mark.parametrize("flag, value, says", [
    ("--timeout", "0", "'0' is not a number of seconds above 0"),
    ("--idle-timeout", "-2", "'-2' is not a number of seconds above 0"),
    ("--light-seconds", "-1", "'-1' is not a number of seconds from 0"),
    ("--timeout", "soon", "'soon' is not a valid number of seconds.")])
def test_seconds_below_their_range_are_said_as_typed(flag, value, says):
    # "0.0 is not in the range x>0." of the 0 typed: a float the user never wrote, and a range.
    assert refusal("serve", flag, value) == f"Error: Invalid value for '{flag}': {says}"


def test_the_ports_help_says_what_0_does_as_its_refusal_does():
    shown = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "--port PORT Port to listen on (default: 8000; 0: a free one, which the server " \
           "prints)." in shown, shown


# The options an empty value means something to: `serve --get ""` asks for the site's root, as
# a request's empty path does (redirected to /); `load --graph-store-url ''`, no Graph Store
# (SPARQL Update alone), as the docs and a remote store's 404 advice say (test_cli.py).
TAKE_EMPTY = {"--get", "--graph-store-url"}


def _valued_options():
    """Every option of every command that takes a value: (the command's words, the option)."""
    for words, command in [((), main), *(((name,), sub) for name, sub in main.commands.items())]:
        for param in command.params:
            if isinstance(param, click.Option) and not param.is_flag and not param.count \
                    and param.opts[0] not in TAKE_EMPTY:
                yield pytest.param(words, param, id=" ".join([*words, param.opts[0]]))


@pytest.mark.parametrize("words, param", list(_valued_options()))
def test_an_option_left_empty_is_a_usage_error_saying_so(words, param):
    # `coverage --source "$F"`, F unset, said "no source file ''" (exit 2) as though a file
    # had been looked for, `serve --host ""` listened on every interface, and each option said
    # an empty value its own way, or took it: every one is refused as click refuses a value,
    # naming the option and saying it is empty. (Given before the command, a global option's.)
    args = [*words, param.opts[0], ""] if words else [param.opts[0], "", "stats"]
    said = refusal(*args)
    assert said.startswith("Error: Invalid value for ") and f"'{param.opts[0]}'" in said, said
    assert " (the option is empty): " in said, said


@pytest.mark.parametrize("args, meant", [
    (["export", "--format", "json"], "jsonld"), (["export", "--format", "RDF"], "xml"),
    (["export", "--format", "csv"], "nodes-csv or edges-csv"),
    (["query", "--format", "json-ld", "ASK {}"], "jsonld"),
    (["query", "--format", "n-triples", "ASK {}"], "nt")])
def test_a_formats_name_written_otherwise_is_told_the_one_meant(args, meant):
    # click listed the formats ("'json' is not one of 'ttl', 'turtle', ..."), the one meant
    # left to find among them; ag.export(kg, "json") says it too (facade/format_names).
    said = refusal(*args)
    assert said.startswith("Error: Invalid value for '--format': ") and (
        said.endswith(f"': did you mean {meant}?") if args[0] == "export" else
        f": for a graph (CONSTRUCT or DESCRIBE), did you mean {meant}? A SELECT" in said), said


def test_a_name_meaning_no_format_keeps_clicks_words():
    assert refusal("export", "--format", "bogus").endswith("'nodes-csv', 'edges-csv'.")
    assert refusal("stats", "--format", "jsonld").endswith("is not one of 'text', 'json'.")


def test_a_choice_refused_says_its_value_clipped_and_as_typed():
    # click said the value whole (`query --format "$(cat big)"`: a 100 KB error) and a byte
    # that is not UTF-8 as Python holds it, 'x\udcff'; said as every message says a value now.
    said = refusal("stats", "--format", "j" * 100_000)
    assert len(said) < 600 and "…' (100,000 characters) is not one of 'text', 'json'." in said
    assert "'x\\xff' is not one of" in refusal("stats", "--format", "x\udcff")
    # stats' plain text is the query's table: each told the other's name.
    assert refusal("stats", "--format", "table").endswith("is not one of 'text', 'json': did "
                                                          "you mean text?")


@pytest.mark.parametrize("fmt, says", [
    ("rdf", "for a graph (CONSTRUCT or DESCRIBE), did you mean xml? A SELECT or ASK answer "
            "is written as json, xml, csv, tsv or table."),
    ("JSON-LD", "for a graph (CONSTRUCT or DESCRIBE), did you mean jsonld? A SELECT or ASK "
                "answer is written as json, xml, csv, tsv or table."),
    ("srx", "for a SELECT or ASK answer, did you mean xml? A graph (CONSTRUCT or DESCRIBE) is "
            "written as turtle, nt, jsonld, xml or table."),
    # A name for the format every kind writes alike is told it plainly (text: no hint before).
    ("text", "did you mean table?"), ("txt", "did you mean table?"),
    ("bogus", "")])
def test_a_querys_format_written_otherwise_says_for_which_kind_of_answer(fmt, says):
    # `query --format rdf 'SELECT ...'` was told "did you mean xml?": for a SELECT, xml is
    # SPARQL's XML results, no RDF, and the option cannot know the query's kind when read.
    told = refusal("query", "--format", fmt, "SELECT * WHERE { ?s ?p ?o }")
    assert told == (f"Error: Invalid value for '--format': '{fmt}' is not one of 'table', "
                    "'json', 'xml', 'csv', 'tsv', 'turtle', 'ttl', 'nt', 'jsonld'"
                    + (f": {says}" if says else "."))
