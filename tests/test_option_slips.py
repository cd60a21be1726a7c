"""An option a command does not have, told as what it was plainly meant as (cli/option_slips.py),
by the real command."""

import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = str(Path(sys.executable).parent / "alliance-graph")


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run the command line with ``args`` (in folder ``cwd``), its output as text."""
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


@pytest.mark.parametrize("args, said", [
    # A choice written as an option: click said "No such option '--json'", and of export's
    # --ttl "Did you mean '--output'?".
    (["stats", "--json"], "--json is no option of stats: did you mean --format json?"),
    (["export", "--ttl"], "--ttl is no option of export: did you mean --format ttl?"),
    (["query", "--CSV", "aid-amounts"], "--CSV is no option of query: did you mean --format csv?"),
    (["validate", "--turtle", "proposal.ttl"],
     "--turtle is no option of validate: did you mean --format turtle?"),
    # One dash: click read -format as -f -o -r ... and said "No such option '-f'".
    (["query", "-format", "csv", "aid-amounts"],
     "-format is no option of query: a long option takes two dashes, --format"),
    (["coverage", "-source=x.txt"],
     "-source=x.txt is no option of coverage: a long option takes two dashes, --source"),
    # Before the command: alliance-graph's own with one dash (click said "No such option
    # '-p'"), and the command's choice as an option.
    (["-project", ".", "stats"],
     "-project is no option of alliance-graph: a long option takes two dashes, --project"),
    (["--json", "stats"], "--json is no option of stats: did you mean --format json?"),
    # Nothing plain: click's own words, its guess included.
    (["query", "--xyz", "aid-amounts"], "No such option '--xyz'."),
    (["--xyz", "stats"], "No such option '--xyz'."),
    (["query", "--timout", "5", "ASK {}"], "No such option '--timout'. Did you mean '--timeout'?"),
    (["query", "-x", "aid-amounts"], "No such option '-x'."),
    # Words or a number beginning with '-': click said "No such option '-4'" alone.
    (["cite", "000_x.txt", "-40 degrees"], "-4 is no option of cite: '-40 degrees' begins "
     "with '-', which is read as options; give it after --, which ends them (cite -- ...)"),
    (["query", "-- a comment"], "-- a comment is no option of query: '-- a comment' begins "
     "with '-', which is read as options; give it after --, which ends them (query -- ...)"),
])
def test_an_option_the_command_lacks_is_told_as_the_one_meant(args, said):
    done = _run(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == f"Error: {said}", done.stderr


@pytest.mark.parametrize("args, said", [
    # A word left over: click said "Got unexpected extra argument (csv)" and no more.
    (["query", "aid-amounts", "csv"],
     "Got unexpected extra argument (csv): did you mean --format csv?"),
    (["stats", "JSON", "x"], "Got unexpected extra arguments (JSON x): did you mean --format json?"),
    (["catalogue", "update"], "Got unexpected extra argument (update): did you mean --update?"),
    (["export", "graph.ttl"], "Got unexpected extra argument (graph.ttl): export takes no "
                              "argument; did you mean --output graph.ttl?"),
    (["coverage", "000_06b6882714cf1880.txt"], "Got unexpected extra argument "
     "(000_06b6882714cf1880.txt): coverage takes no argument; did you mean --source "
     "000_06b6882714cf1880.txt?"),
    # Nothing plain: as click says it.
    (["load", "x"], "Got unexpected extra argument (x)"),
    (["cite", "000_06b6882714cf1880.txt", "Negev", "Radar"], "Got unexpected extra argument (Radar)"),
])
def test_a_word_left_over_is_told_as_the_option_meant(args, said):
    done = _run(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == f"Error: {said}", done.stderr


@pytest.mark.parametrize("name, option", [("-x.ttl", "-x"), ("--x.ttl", "--x.ttl")])
def test_a_file_named_with_a_leading_dash_is_told_to_follow_two(tmp_path, name, option):
    # click said "No such option '-x'" of `validate -x.ttl`, a file beside the user.
    (tmp_path / name).write_text("", encoding="utf-8")
    done = _run("validate", name, cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, (
        f"Error: {option} is no option of validate: {name} is a file, and a name beginning "
        f"with '-' is read as options; give it after --, which ends them (validate -- "
        f"{name}), or as ./{name}")), done.stderr
    # No such file: click's own words, as before.
    done = _run("validate", "-y.ttl", cwd=tmp_path)
    assert done.stderr.splitlines()[-1] == "Error: No such option '-y'."


def test_a_source_named_with_a_leading_dash_is_not_told_a_way_cite_refuses(tmp_path):
    # cite -x.txt (a source named so, in the sources folder, run there) was told to give
    # ./-x.txt or cite -- -x.txt, which cite refuses: no folder, and no name starting '-'.
    (tmp_path / "-x.txt").write_text("the quick brown fox\n", encoding="utf-8")
    done = _run("--sources", str(tmp_path), "cite", "-x.txt", "quick", cwd=tmp_path)
    assert done.returncode == 2 and "./-x.txt" not in done.stderr, done.stderr
    (tmp_path / "-q.rq").write_text("ASK {}\n", encoding="utf-8")  # query's file: told
    done = _run("query", "-q.rq", cwd=tmp_path)
    assert "give it after --, which ends them (query -- -q.rq), or as ./-q.rq" in \
        done.stderr, done.stderr


def test_a_file_named_as_an_option_is_read_after_two_and_told_how_when_bare(tmp_path):
    # `validate --format=ttl`, a file so named: click read the option --format ttl and said
    # "Missing argument 'FILES...'.", the file not named; after --, it is the file (POSIX).
    (tmp_path / "--format=ttl").write_text("", encoding="utf-8")
    done = _run("validate", "--", "--format=ttl", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        2, "error: could not validate: --format=ttl: is empty: it states no triples to "
           "validate"), done.stderr
    done = _run("validate", "--format=ttl", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, (
        "Error: Missing argument 'FILES...'. --format=ttl is a file, and a name beginning with "
        "'-' is read as options; give it after --, which ends them (validate -- --format=ttl), "
        "or as ./--format=ttl")), done.stderr


def test_another_commands_option_beside_a_file_so_named_is_told_the_file(tmp_path):
    # `add --format=` was told "--format is an option of ..., not of add" alone, where
    # `validate --format=ttl` is told of the file named so.
    (tmp_path / "--format=").write_text("", encoding="utf-8")
    done = _run("add", "--format=", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, (
        "Error: --format is an option of coverage, export, query, stats and validate, not of "
        "add: --format= is a file, and a name beginning with '-' is read as options; give it "
        "after --, which ends them (add -- --format=), or as ./--format=")), done.stderr


def test_an_option_read_beside_a_file_so_named_is_noted_with_both_readings(tmp_path):
    # `validate --format=ttl other.ttl`, a file named --format=ttl here: the option was read
    # and nothing said the file was there too.  A note (the option is what it says), not an
    # error; none once the file is given after -- or as ./, nor for an option's value.
    (tmp_path / "--format=ttl").write_text("", encoding="utf-8")
    (tmp_path / "other.ttl").write_text("", encoding="utf-8")
    note = ("note: --format=ttl is read as the option --format, though a file here has that "
            "name: to give the file, put it after --, which ends the options (validate ... -- "
            "--format=ttl), or write ./--format=ttl")
    for args, noted in ((["--format=ttl", "other.ttl"], True),
                        (["other.ttl", "--", "--format=ttl"], False), (["./--format=ttl"], False)):
        done = _run("validate", *args, cwd=tmp_path)
        assert (note in done.stderr.splitlines()) == noted, (args, done.stderr)
        assert "error: could not validate:" in done.stderr  # (the files are empty)


def test_a_file_named_as_an_option_with_a_line_feed_or_escape_is_told_escaped(tmp_path):
    # The note and the advice wrote the name as it came: a line feed split them over lines,
    # an ESC byte (a file named --into=a<ESC>[2Jb.ttl) cleared the terminal of whoever read it.
    for name in ("--into=a\nb.ttl", "--into=a\x1b[2Jb.ttl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "other.ttl").write_text("", encoding="utf-8")
    done = _run("add", "--into=a\x1b[2Jb.ttl", "other.ttl", cwd=tmp_path)
    assert done.stderr.splitlines()[0] == (
        "note: --into=a\\x1b[2Jb.ttl is read as the option --into, though a file here has that "
        "name: to give the file, put it after --, which ends the options (add ... -- "
        "--into=a\\x1b[2Jb.ttl), or write ./--into=a\\x1b[2Jb.ttl"), done.stderr
    done = _run("validate", "--into=a\nb.ttl", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, (
        "Error: --into is an option of add, not of validate: --into=a\\nb.ttl is a file, and a "
        "name beginning with '-' is read as options; give it after --, which ends them "
        "(validate -- --into=a\\nb.ttl), or as ./--into=a\\nb.ttl")), done.stderr
