"""A file or folder whose name is not UTF-8 is named by every message and report of the
command line as ``wording.shown`` writes it (``bad\\xff.ttl``), never as Python holds it
(``bad\\udcff.ttl``, which standard error wrote) nor lost (``bad\\ufffd.ttl`` in click's
refusals, ``bad?.ttl`` in a Turtle report)."""

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_graph.cli import main
from alliance_graph.sources.coverage import coverage

ROOT = Path(__file__).resolve().parents[1]
PROPOSAL = ROOT / "tests" / "fixtures" / "conflicts" / "unknown-participant.fail.ttl"


def named(folder: Path, name: bytes) -> Path:
    """Return the path in ``folder`` of a name given as its bytes."""
    return folder / os.fsdecode(name)


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output and "\\udc" not in result.output, result.output
    return result


def error_line(result) -> str:
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()[-1:]
    return line


def test_a_project_folder_not_utf8_is_named_as_shown(tmp_path):
    line = error_line(run("--project", named(tmp_path, b"caf\xe9"), "stats"))
    assert line.startswith(f"error: no graph found: the project folder {tmp_path}/caf\\xe9 "
                           "does not exist")


def test_a_data_file_not_utf8_is_named_as_shown(tmp_path):
    shutil.copy(ROOT / "data" / "aid.ttl", named(tmp_path, b"aid\xff.ttl"))
    line = error_line(run("--data", tmp_path, "stats"))
    assert line == (f"error: {tmp_path}/aid\\xff.ttl: the file's name is not UTF-8 text, and "
                    "its graph is named by it (graph/<folder>/<name>); rename it")


@pytest.mark.parametrize(("option", "kind", "says"), [
    ("--cache", "file", "Invalid value for '--cache': Directory '{}' is a file."),
    ("-o", "folder", "Invalid value for '-o' / '--output': File '{}' is a directory.")])
def test_clicks_refusals_name_it_as_shown(tmp_path, option, kind, says):
    # click wrote the byte as U+FFFD, a name nobody can type.
    given = named(tmp_path, b"bad\xff")
    given.mkdir() if kind == "folder" else given.write_text("")
    args = (option, given, "stats") if option == "--cache" else ("export", option, given)
    line = error_line(run(*args))
    assert line == "Error: " + says.format(f"{tmp_path}/bad\\xff")


def test_a_proposal_not_utf8_is_named_as_shown_in_every_report_format(tmp_path):
    proposal = named(tmp_path, b"caf\xe9.ttl")
    shutil.copy(PROPOSAL, proposal)
    shown = f"{tmp_path}/caf\\xe9.ttl"
    missing = named(tmp_path, b"no\xff")  # no sources: a warning naming the folder
    text = run("--sources", missing, "validate", proposal).output
    assert f"\n  {shown}:" in text and f"\n{shown}: does not conform" in text
    assert f"no source texts at {tmp_path}/no\\xff:" in text
    report = json.loads(run("--sources", missing, "validate", "--format", "json",
                            proposal).stdout)
    assert report["files"] == [shown] and {f["file"] for f in report["findings"]} == {shown}
    assert f"no source texts at {tmp_path}/no\\xff:" in report["warnings"][0]
    # rdflib wrote it "caf?.ttl": the byte was lost.
    turtle = run("--sources", missing, "validate", "--format", "turtle", proposal).stdout
    assert f'agsh:file "{tmp_path}/caf\\\\xe9.ttl"' in turtle
    assert f"no source texts at {tmp_path}/no\\\\xff:" in turtle


def test_an_unreadable_proposal_not_utf8_is_named_as_shown(tmp_path):
    proposal = named(tmp_path, b"caf\xe9.ttl")
    proposal.write_text("<urn:a> <urn:p> .\n")
    line = error_line(run("validate", proposal))
    assert line.startswith(f"error: could not validate: {tmp_path}/caf\\xe9.ttl:1:")


def test_a_source_name_not_utf8_is_quoted_as_shown(sources_dir, kg):
    # Quoted with repr, which wrote 'caf\udce9.txt'.
    source = os.fsdecode(b"caf\xe9.txt")
    line = error_line(run("--sources", sources_dir, "cite", source, "quote"))
    assert line == f"error: no source file 'caf\\xe9.txt' in {sources_dir}"
    # What `coverage --source` says, from the graph the tests share.
    with pytest.raises(FileNotFoundError) as err:
        coverage(kg, sources_dir, only=source)
    assert str(err.value) == f"no source file 'caf\\xe9.txt' in {sources_dir}"


def test_a_source_file_not_utf8_is_quoted_as_shown_when_cited(tmp_path, sources_dir):
    shutil.copy(next(Path(sources_dir).glob("*.txt")), named(tmp_path, b"caf\xe9.txt"))
    line = error_line(run("--sources", tmp_path, "cite", os.fsdecode(b"caf\xe9.txt"), "the"))
    assert line.startswith("error: 'caf\\xe9.txt' cannot be cited as src:caf\\xe9.txt: ")


def test_a_proposal_not_utf8_that_add_refuses_is_named_as_shown(tmp_path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "shapes" / "base", tmp_path / "data")
    proposal = named(tmp_path, b"caf\xe9.ttl")
    shutil.copy(PROPOSAL, proposal)
    result = run("--data", tmp_path / "data", "--cache", tmp_path / "cache", "add", proposal)
    assert result.exit_code == 1
    assert f"\n{tmp_path}/caf\\xe9.ttl: does not conform" in result.output
