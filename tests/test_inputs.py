"""inputs: proposals that cannot be validated are refused with file, line and reason; deep
nesting is refused before any library walks it, or validated in linear time when allowed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliance_graph.build import loading
from alliance_graph.build.loading import LoadError
from alliance_graph.proposals import inputs, validation
from helpers import run_cli

ROOT = Path(__file__).parents[1]
BASE = ROOT / "tests" / "fixtures" / "shapes" / "base"
PREFIXES = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix id: <https://alliance-graph.example/id/> .\n")


def nested(tmp_path: Path, depth: int, open_: str = "[ ag:note ", close: str = " ]") -> Path:
    path = tmp_path / "nested.ttl"
    path.write_text(PREFIXES + "\nid:Deep ag:note " + open_ * depth + '"x"' + close * depth
                    + " .\n", encoding="utf-8")
    return path


run = run_cli


def test_lists_of_lists_are_refused_with_exit_2(tmp_path):
    result = run("validate", nested(tmp_path, 5000, "( ", " )"))
    assert result.exit_code == 2, result.output
    assert "nested.ttl:4: lists nested 4,999 deep, over the limit of 32" in result.output
    assert "Traceback" not in result.output and "RecursionError" not in result.output


def test_blank_nodes_past_the_limit_are_refused(settings, tmp_path):
    with pytest.raises(LoadError, match=r"nested.ttl:4: blank nodes .* nested 101 deep, over "
                                        r"the limit of 100 under https://alliance-graph"):
        validation.validate(settings.with_(data_dir=BASE, max_nesting=100),
                            [nested(tmp_path, 101)])


def test_a_long_flat_list_is_said_as_a_list_not_as_nesting(tmp_path):
    # A list's rest after each item is a blank node inside the one before, so 100,000 items
    # are as deep as 100,000 nested [ ... ]; they were refused as "blank nodes ([ ... ] or
    # lists) nested 100000 deep", to a user who wrote no nesting.
    path = tmp_path / "long.ttl"
    path.write_text(PREFIXES + "\nid:Deep ag:note ( " + " ".join(map(str, range(100_000)))
                    + " ) .\n", encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    assert ("long.ttl:4: a list of 100,000 items under https://alliance-graph.example/id/Deep, "
            "over the limit of 10,000 a list may hold (its rest after each item is a blank "
            "node inside the one before it): split it into shorter lists") in result.output
    assert "nested" not in result.output


@pytest.mark.parametrize("items, said", [(100, None), (101, "a list of 101 items under"),
                                         (99, "blank nodes ([ ... ], or a list's items) "
                                              "nested 101 deep")])
def test_a_list_is_counted_as_a_list_alone_and_as_nesting_under_blank_nodes(
        settings, items, said):
    # The same limit: 100 items pass, 101 are a list too long; 99 under two [ ... ] are
    # nesting (the list alone is within it), said as such.
    wrap = 0 if items >= 100 else 2
    text = (PREFIXES + "id:Deep ag:note " + "[ ag:note " * wrap + "( "
            + " ".join(map(str, range(items))) + " )" + " ]" * wrap + " .\n")
    quads = loading.parse_turtle(text, "data/x.ttl")
    problem = inputs.nesting_problem(quads, text, "data/x.ttl",
                                     settings.with_(max_nesting=100))
    assert (problem is None) if said is None else said in problem.message, problem


def test_5000_nested_blank_nodes_validate_in_seconds(settings, tmp_path):
    path = nested(tmp_path, 5000)
    start = time.perf_counter()
    report = validation.validate(settings.with_(data_dir=BASE), [path], prebuilt=None)
    took = time.perf_counter() - start
    assert took < 60, f"{took:.0f} s: locating findings in nested input is super-linear again"
    # Every nested triple is an uncited domain triple, each reported on the line it is on.
    uncited = [f for f in report.findings if f.shape.endswith("uncited-triple-violation")]
    assert len(uncited) == 5001 and {f.line for f in uncited} == {4}


def test_a_cycle_of_labelled_blank_nodes_ends(settings, tmp_path):
    path = tmp_path / "cycle.ttl"
    path.write_text(PREFIXES + "_:a ag:note _:b .\n_:b ag:note _:a .\n", encoding="utf-8")
    report = validation.validate(settings.with_(data_dir=BASE), [path], prebuilt=None)
    assert not report.conforms


@pytest.mark.parametrize("depth, refused", [(32, False), (33, True)])
def test_list_depth_is_counted_exactly(settings, depth, refused):
    text = PREFIXES + "id:Deep ag:note " + "( " * (depth + 1) + "1" + " )" * (depth + 1) + " .\n"
    quads = loading.parse_turtle(text, "data/x.ttl")
    problem = inputs.nesting_problem(quads, text, "data/x.ttl", settings)
    assert (problem is not None) == refused, problem


def test_a_byte_order_mark_is_not_taken_for_turtle(tmp_path):
    # Notepad's UTF-8 starts with U+FEFF: it was "1:1: \ufeff is not a valid subject", exit 2.
    good = ROOT / "tests" / "fixtures" / "merge" / "good.ttl"
    marked = tmp_path / "marked.ttl"
    marked.write_bytes(b"\xef\xbb\xbf" + good.read_bytes())
    result = run("validate", marked)
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(b"\xef\xbb\xbf" + PREFIXES.encode() + b"id:a id:b .\n")
    result = run("validate", broken)
    assert result.exit_code == 2 and "broken.ttl:3:" in result.output, result.output


@pytest.mark.parametrize("command", ["validate", "add"])
def test_standard_input_is_said_to_be_unread(command, tmp_path):
    # `query -` reads standard input; `validate -` said "-: no such file", as if mistyped.
    data = tmp_path / "data"  # add takes the data folder's lock: not the fixtures'
    data.mkdir()
    (data / "base.ttl").write_bytes((BASE / "base.ttl").read_bytes())
    result = run(command, "-", data=data)
    assert result.exit_code == 2, result.output
    assert "-: standard input is not read as a proposal" in result.output
    assert "save it to a file" in result.output


def test_a_proposal_that_is_a_link_to_nothing_says_what_it_names(tmp_path):
    link = tmp_path / "proposal.ttl"
    link.symlink_to(tmp_path / "gone.ttl")
    result = run("validate", link)
    assert result.exit_code == 2, result.output
    assert f"is a symbolic link to {tmp_path / 'gone.ttl'}, which does not exist" \
        in result.output


@pytest.mark.parametrize("written, said", [
    ("\u00a0", "('\\xa0' is U+00A0 NO-BREAK SPACE, a space Turtle does not read as one (pasted "
               "from a web page or a word processor): retype it as a plain space)"),
    ("\u200b", "('\\u200b' is U+200B ZERO WIDTH SPACE, a space Turtle does not read as one"),
    ("\u201c", "('\u201c' is U+201C LEFT DOUBLE QUOTATION MARK, a curly quotation mark (a word "
               "processor's): Turtle's strings are written between straight quotes, \" or ')"),
])
def test_a_pasted_character_that_looks_like_turtle_s_own_is_named(tmp_path, written, said):
    # "' ' is not allowed at the beginning of a prefix name" for a no-break space, which
    # looks like the space Turtle allows there; a zero-width one was quoted as nothing.
    proposal = tmp_path / "pasted.ttl"
    proposal.write_text(PREFIXES + f'\nid:FxState ag:note{written}"x" .\n', encoding="utf-8")
    result = run("validate", proposal)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: could not validate: {proposal}:4:"), result.output
    assert said in result.output, result.output


def test_a_project_prefix_left_undeclared_is_said_with_its_declaration(tmp_path):
    # "The prefix claim: has not been declared", and the user was left to find its IRI.
    proposal = tmp_path / "undeclared.ttl"
    proposal.write_text(PREFIXES + '\nclaim:FxState-label ag:note "x" .\n', encoding="utf-8")
    result = run("validate", proposal)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"error: could not validate: {proposal}:4:1: The prefix claim: has not been declared: "
        "a file declares the prefixes it uses, as data/*.ttl do "
        "(@prefix claim: <https://alliance-graph.example/id/claim/> .)\n")


def test_a_proposal_saved_in_windows_1252_names_the_byte_and_what_it_is(tmp_path):
    # "is not valid UTF-8 text" and its line only: the byte was a curly apostrophe, which a
    # text typed on Windows saves as 0x92.
    proposal = tmp_path / "cp1252.ttl"
    proposal.write_bytes((PREFIXES + '\nid:FxState ag:note "Israel’s note" .\n').encode("cp1252"))
    result = run("validate", proposal)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"error: could not validate: {proposal}:4: is not valid UTF-8 text (byte 0x92, the "
        "line's byte 27, is '’', U+2019 RIGHT SINGLE QUOTATION MARK, in Windows-1252: the file "
        "was saved in another encoding than UTF-8; save it as UTF-8)\n")


def test_a_relative_iri_is_said_to_need_the_project_s_prefixes(tmp_path):
    proposal = tmp_path / "relative.ttl"
    proposal.write_text(PREFIXES + '\n<FxState> ag:note "x" .\n', encoding="utf-8")
    result = run("validate", proposal)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"error: could not validate: {proposal}:4:1: No scheme found in an absolute IRI: an IRI "
        "between < > is relative, and the project's files have no base IRI to resolve it "
        "against; write the project's names with their prefixes, such as id:BlueFlag\n")


def old_mac(text: str) -> str:
    """Return ``text`` with each line ended by a carriage return alone (an old Mac editor's)."""
    return text.replace("\n", "\r")


def test_findings_of_a_file_of_carriage_returns_are_on_their_lines(settings, tmp_path):
    # Line feeds alone were counted: in a file whose lines end in a carriage return, a term
    # too long, a byte that is not UTF-8 (and its column) and a _:label were placed on line 1,
    # or on none, where the build's own findings on such a file had their lines.
    long_term = tmp_path / "long.ttl"
    long_term.write_text(old_mac(PREFIXES + '\nid:FxState ag:note "' + "a" * 100_001 + '" .\n'),
                         encoding="utf-8", newline="")
    with pytest.raises(LoadError, match=r"long.ttl:4: holds a literal of 100,001 characters"):
        validation.validate(settings.with_(data_dir=BASE), [long_term], prebuilt=None)
    cp1252 = tmp_path / "cp1252.ttl"
    cp1252.write_bytes(old_mac(PREFIXES + '\nid:FxState ag:note "Israel’s note" .\n')
                       .encode("cp1252"))
    with pytest.raises(LoadError, match=r"cp1252.ttl:4: is not valid UTF-8 text \(byte 0x92, "
                                        r"the line's byte 27, is '’'"):
        validation.validate(settings.with_(data_dir=BASE), [cp1252], prebuilt=None)
    loose = tmp_path / "loose.ttl"
    loose.write_text(old_mac(PREFIXES + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-"
                             'ns#> .\n\nid:FxState ag:note "x" .\n\n_:loose a ag:Claim ;\n'
                             '    rdf:subject id:FxState ;\n    rdf:predicate ag:note ;\n'
                             '    rdf:object "x" ;\n    ag:rank ag:NormalRank .\n'),
                     encoding="utf-8", newline="")
    report = validation.validate(settings.with_(data_dir=BASE), [loose], prebuilt=None)
    blank = [f for f in report.findings if "claim is a blank node" in f.message]
    assert [f.line for f in blank] == [7], [f"{f.where()}: {f.message}" for f in blank]


@pytest.mark.parametrize("written, said", [
    ('{"@context": {"ag": "https://alliance-graph.example/ontology/"}, "@id": "ag:x"}\n',
     "is JSON (JSON-LD?), not Turtle"),
    ('[{"@id": "urn:a"}]', "is JSON (JSON-LD?), not Turtle"),
    ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
     "is XML (RDF/XML?), not Turtle"),
    ("\n<!DOCTYPE html>\n<html><body>Iron Dome</body></html>\n",
     "is an HTML page (saved from a browser?), not Turtle"),
])
def test_a_proposal_of_another_format_is_said_to_be_one(settings, tmp_path, written, said):
    # Said in Turtle's words: "{ is not a valid subject or graph name" of JSON-LD, "Invalid
    # IRI code point ' '" of RDF/XML, and of a saved page "No scheme found in an absolute
    # IRI: an IRI between < > is relative ... write the project's names with their prefixes".
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(written, encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        validation.validate(settings, [proposal])
    [problem] = refused.value.problems
    assert problem.line is None and problem.message.startswith(said)
    assert "a proposal is Turtle, written as data/*.ttl are" in problem.message


@pytest.mark.parametrize("written", ["[ a <urn:C> ] .\n", "[] <urn:p> <urn:o>\n",
                                     "{ <urn:a> <urn:p> <urn:o> }\n"])
def test_turtle_opening_with_a_bracket_keeps_the_parsers_message(settings, tmp_path, written):
    proposal = tmp_path / "proposal.ttl"
    proposal.write_text(written, encoding="utf-8")
    try:
        validation.validate(settings, [proposal])
    except LoadError as refused:
        assert "not Turtle" not in str(refused)


@pytest.mark.parametrize("written, line, said", [
    ('claim:BlueFlag-participant-UnitedStates ag:note _:l1 .\n'
     '_:l1 rdf:first "a" ; rdf:rest _:l1 .\n', 2, "the rdf:rest of _:l1 leads back to _:l1"),
    ('claim:BlueFlag-participant-UnitedStates ag:note _:a .\n_:a rdf:first "a" ;\n'
     '    rdf:rest _:b .\n_:b rdf:first "b" ;\n    rdf:rest _:a .\n', 5,
     "the rdf:rest of _:b leads back to _:a"),
])
def test_a_list_round_a_cycle_is_refused_on_the_line_closing_it(settings, tmp_path, written,
                                                                 line, said):
    # The shapes read the list to its end: validate stopped on pyshacl's traceback
    # ("ValueError: List contains a recursive rdf:rest reference"), POST /validate on a 503.
    prefixes = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
                "@prefix claim: <https://alliance-graph.example/id/claim/> .\n"
                "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n")
    proposal = tmp_path / "cycle.ttl"
    proposal.write_text(prefixes + written, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "--cache",
                           str(settings.cache_dir), "validate", str(proposal)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: could not validate: {proposal}:{line + 3}: {said}, "
                                  "earlier in its own list"), done.stderr


@pytest.mark.parametrize("command", ["validate", "add"])
def test_a_folder_given_as_a_proposal_is_told_to_name_its_files(tmp_path, command):
    # The real command: "could not validate: proposals: is not a regular file", as of a
    # device or a pipe, left its user to guess that the files in it were wanted.
    (tmp_path / "proposals").mkdir()
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), command,
                           "proposals"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("error: could not validate: proposals: is a folder, not a proposal: "
                           "name the Turtle files in it (proposals/*.ttl)\n"), done.stderr
