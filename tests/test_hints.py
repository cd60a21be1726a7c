"""hints: a data file's pasted look-alike character, its byte of another encoding than UTF-8,
its project prefix left undeclared and its relative IRI are said with what to type instead, on
both routes of a build as in a proposal."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from alliance_graph import utf16
from alliance_graph.build import hints, loading, streaming
from alliance_graph.build.loading import LoadError

PREFIXES = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix id: <https://alliance-graph.example/id/> .\n\n")
CURLY = ("('\u201c' is U+201C LEFT DOUBLE QUOTATION MARK, a curly quotation mark (a word "
         "processor's): Turtle's strings are written between straight quotes, \" or ')")
CP1252 = ("is not valid UTF-8 text (byte 0x92, the line's byte 27, is '\u2019', U+2019 RIGHT "
          "SINGLE QUOTATION MARK, in Windows-1252: the file was saved in another encoding than "
          "UTF-8; save it as UTF-8)")


def default_route(path):
    loading.load_files([(path, "data/aid.ttl")])


def streaming_route(path):
    streaming.load_files(ox.Store(), [(path, "data/aid.ttl")])


@pytest.mark.parametrize("build", [default_route, streaming_route])
@pytest.mark.parametrize("written, said", [
    ('id:FxState ag:note \u201cx\u201d .\n', f"data/aid.ttl:4:20: '\u201c' is not allowed at "
                                             f"the beginning of a prefix name {CURLY}"),
    ('id:FxState ag:note "Israel\u2019s note" .\n', f"data/aid.ttl:4: {CP1252}"),
    ('claim:FxState-note ag:note "x" .\n', "data/aid.ttl:4:1: The prefix claim: has not been "
                                         "declared: a file declares the prefixes it uses, as "
                                         "data/*.ttl do (@prefix claim: <https://alliance-graph."
                                         "example/id/claim/> .)"),
    ('<FxState> ag:note "x" .\n', "data/aid.ttl:4:1: No scheme found in an absolute IRI: an "
                                  "IRI between < > is relative, and the project's files have no "
                                  "base IRI to resolve it against; write the project's names "
                                  "with their prefixes, such as id:BlueFlag"),
    # A quote pasted across a line break of its source: the parser's words alone.
    ('id:FxState ag:note "Israel\nwas designated" .\n', "data/aid.ttl:4:27: Line jumps are not "
     "allowed in string literals, use \\n: a string opened with one quotation mark, not three, "
     "ends on the line it starts on. A quote pasted across a line break: join its lines with "
     "the space the source has (a break the source itself has is written \\n), or let "
     "`alliance-graph cite SOURCE QUOTE` write its evidence block; a string left unclosed: "
     "close it on this line"),
])
def test_a_data_file_is_told_what_a_proposal_is(tmp_path, build, written, said):
    # The build said "'“' is not allowed at the beginning of a prefix name", "is not valid
    # UTF-8 text", "The prefix claim: has not been declared" and "No scheme found in an
    # absolute IRI" with their lines alone, where validate named the character, the byte, the
    # line declaring the prefix or the prefixed names to write, as it does.
    path = tmp_path / "aid.ttl"
    path.write_bytes((PREFIXES + written).encode("cp1252" if "\u2019" in written else "utf-8"))
    with pytest.raises(LoadError) as refused:
        build(path)
    assert [str(p) for p in refused.value.problems] == [said]


def test_only_a_character_past_plain_ascii_and_a_project_prefix_are_told():
    assert hints.told_apart("'x' is not allowed") == "'x' is not allowed"
    assert hints.told_apart("Triples should be followed by a dot") == \
        "Triples should be followed by a dot"
    assert hints.told_apart("The prefix foo: has not been declared") == \
        "The prefix foo: has not been declared"  # not the project's: nothing to add
    assert hints.told_apart("'\u200b' is not allowed").endswith(
        "('\\u200b' is U+200B ZERO WIDTH SPACE, a space Turtle does not read as one (pasted "
        "from a web page or a word processor): retype it as a plain space)")


def test_a_byte_of_no_windows_1252_character_is_named_with_its_column():
    # 0x81 is no character of Windows-1252; lines end at a carriage return too.
    assert hints.encoding_hint(b"ab\rc\x81", 4) == \
        " (byte 0x81, the line's byte 2): save it as UTF-8"
    assert hints.encoding_hint(b"ab", 2) == ""


@pytest.mark.parametrize("data", [
    "\ufeffהצעהחדשה".encode("utf-16-le"),          # a byte order mark, no NUL byte
    "\ufeffהצעהחדשה".encode("utf-16-be"),
    "הצעהחדשה".encode("utf-16-le"),                 # no mark: one script's block
    'id:X ag:note "תרגיל גמיש" .\n'.encode("utf-16-be"),
])
def test_utf16_is_said_so_not_described_as_windows_1252(data):
    # Said "byte 0xFF, the line's byte 1, is 'ÿ', U+00FF ... in Windows-1252: the file was
    # saved in another encoding than UTF-8" of a Hebrew proposal Windows saved as Unicode.
    assert utf16.is_utf16(data)
    start = data.decode("utf-8", "replace").index("\ufffd")
    said = hints.encoding_hint(data, start)
    assert said == " (it is UTF-16 text, what Windows calls Unicode): save it as UTF-8"


def test_a_proposals_quote_pasted_across_a_line_break_is_told_how_to_join_it(settings, tmp_path):
    # validate said only "Line jumps are not allowed in string literals, use \n" of an
    # oa:exact pasted with the source's line break in it.
    from alliance_graph.proposals import validation

    proposal = tmp_path / "proposal.ttl"
    proposal.write_text('@prefix oa: <http://www.w3.org/ns/oa#> .\n\n[] oa:exact "the U.S.\n'
                        'military" .\n', encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        validation.validate(settings, [proposal])
    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (3, 22)
    assert "join its lines with the space the source has" in problem.message
    assert "`alliance-graph cite SOURCE QUOTE`" in problem.message


# A careless hand edit of a data file: each slip on its line, with what to write instead (the
# parser's words alone said what it could not read, not the slip that made it).
HAND_SLIPS = [
    ('id:FxState a ag:State\n\nid:FxOther a ag:State .\n',
     "6:1: A dot is expected at the end of statements: the statement before this point has no "
     "final ' .'"),
    ('id:FxState a ag:State ;\n\nid:FxOther a ag:State .\n',
     "6:12: a is not a valid RDF object: 'a' where a value belongs: the statement before "
     "ended with ' ;' where its last line ends with ' .'"),
    ('id:FxState ag:note ; a ag:State .\n', "4:20: ; is not a valid RDF object: a property is "
     "given no value before this ';'"),
    ('id:FxState ag:approximate True .\n', "4:27: True is not a valid RDF object: a boolean is "
     "written true, in lower case"),
    ('id:FxState ag:note "Israel"s note" .\n', "4:28: s is not a valid subject or graph name: a word with "
     "no prefix: a name is written with its prefix (id:BlueFlag), a text between quotation "
     "marks; the word may follow a quotation mark that ended a string early"),
    # A value after another with nothing between: read as the next statement's subject.
    *[(f'id:FxState {prop} {a} {b} .\n', f"4:{col}: {b} is not a valid subject or graph name: "
       "a value (a text, a number or a boolean) cannot begin a statement: the value before it "
       "needs a ',' between them") for prop, a, b, col in [
        ("ag:note", '"a"', '"b"', 24), ("ag:note", '"a"@en', "'b'", 27),
        ("ag:value", "3", "8.5", 23), ("ag:approximate", "true", "false", 32),
        ("ag:note", '"a"', '"""b\nc"""', 24)]],
    ('id:FxState an ag:State .\n', "4:12: an is not a valid predicate: a type is given with a "
     "(rdf:type)"),
    ('@Prefix x: <http://e/> .\n', "4:1: @Prefix is not a valid subject or graph name: "
     "Turtle's directives are @prefix and @base, in lower case"),
    ('INSERT DATA { id:FxState a ag:State . }\n', "4:1: INSERT is not a valid subject or graph "
     "name: a data file is Turtle, not SPARQL"),
    ('id:FxState ag:note """open .\n', "4:20: Unexpected end of file: the file ends inside "
     "what opens here, never closed (a string of three quotation marks"),
    ('id:FxState ag:note "a\\q" .\n', "4:22: Unexpected escape character '\\q': a backslash in "
     "a string is written \\\\"),
    ('id:FxState ag:note "x"@en- .\n', "4:26: An integer should not be empty: a '-' or '+' "
     "with no digits after it: a number is written 42 or -7, and a language tag ends with a "
     "letter or a digit"),
    ('id:Fx/State a ag:State .\n', "4:6: '/' is not allowed at the beginning of a prefix "
     "name: a name holding '/' ends before it: write it escaped (\\/) or leave it out"),
    ('id:FxState rdsf:label "x" .\n', "4:12: The prefix rdsf: has not been declared: did you "
     "mean rdfs:?"),
    # A directive with the other form's end: an @prefix line's missing ' .' was said of the
    # next statement with a block's advice ("the statement before this point ... lines before
    # it with ' ;'"), a PREFIX line's '.' as a value ("a value (a text, a number or a
    # boolean) cannot begin a statement"), and a '.' after a statement's so too.
    ('@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>  # types\n\n# next\n'
     'id:FxState a ag:State .\n', "4:59: A dot is expected at the end of statements: the "
     "@prefix on this line has no final ' .' (Turtle's @prefix ends with one; PREFIX, "
     "SPARQL's form without @, with none)"),
    ('@base <https://alliance-graph.example/>\n<id/FxState> a ag:State .\n', "4:40: A dot is "
     "expected at the end of statements: the @base on this line has no final ' .'"),
    # ... and at the file's end, said to be a statement cut short or unfinished, the @prefix
    # line not named.
    ('@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n\n# the end\n', "4:59: "
     "Unexpected end: the @prefix on this line has no final ' .' (Turtle's @prefix ends with "
     "one; PREFIX, SPARQL's form without @, with none)"),
    ('@base <https://alliance-graph.example/>', "4:40: Unexpected end: the @base on this line "
     "has no final ' .'"),
    ('prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\nid:FxState a ag:State .\n',
     "4:59: . is not a valid subject or graph name: prefix, SPARQL's form of @prefix (written "
     "without @), ends with no ' .': leave the dot out, or write @prefix, Turtle's form, "
     "which ends with one"),
    # A byte order mark where two files were joined (cat a.ttl b.ttl): read as the next
    # name's first character, said unseen ("\ufeff is not a valid subject or graph name").
    ('id:FxState a ag:State .\n\ufeff@prefix x: <http://e/> .\n', "5:1: \ufeff is not a valid "
     "subject or graph name ('\\ufeff' is U+FEFF ZERO WIDTH NO-BREAK SPACE, a byte order "
     "mark, which an editor may write at a file's start: one inside a file is left where "
     "files were joined one after another (cat a.ttl b.ttl): delete it)"),
    ('id:FxState a ag:State .\n\ufeffid:FxOther a ag:State .\n', "5:1: The prefix \ufeffid: "
     "has not been declared ('\\ufeff' is U+FEFF ZERO WIDTH NO-BREAK SPACE, a byte order mark"),
    ('id:FxState a ag:State . .\nid:FxOther a ag:State .\n', "4:25: . is not a valid subject or graph name: a '.' "
     "where a statement begins: the statement before ended early"),
    ('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema# .\n', "4:15: Unexpected end of "
     "file: the file ends inside what opens here, never closed (a string of three quotation "
     "marks, an IRI's <"),
    ('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema# .\n@prefix rdf: <http://e/> .\n',
     "4:15: Invalid IRI code point ' ': an IRI between < > holds a space: its closing > is "
     "missing"),
]


@pytest.mark.parametrize("build", [default_route, streaming_route])
@pytest.mark.parametrize("written, said", HAND_SLIPS, ids=[s[0][:24] for s in HAND_SLIPS])
def test_a_hand_edits_slip_is_told_what_to_write(tmp_path, build, written, said):
    path = tmp_path / "aid.ttl"
    path.write_text(PREFIXES + written, encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build(path)
    [problem] = refused.value.problems
    assert str(problem).startswith(f"data/aid.ttl:{said}"), str(problem)


# A file cut short (saved half-written, an editor or a copy stopped midway): the parser's words
# spoke of the cut as a slip ("ag is not a valid RDF object", "r is not a valid predicate",
# "claim:FxSt is not a valid subject or graph name", and of 'a' of "ag:rank a", "the
# statement before ended with ' ;'"), or said "Unexpected end" alone, on the line after.
BLOCK = ("@prefix claim: <https://alliance-graph.example/id/claim/> .\n"
         "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n\n"
         "id:FxState a ag:State ;\n    ag:note \"a note\" .\n\n"
         "claim:FxState-type a ag:Claim ;\n    rdf:subject id:FxState ;\n"
         "    rdf:predicate rdf:type ;\n    ag:rank ag:NormalRank .\n")
CUTS = ["    ag:rank a", "    ag:rank ag", "    rd", "    rdf:predicat", "claim:FxSt",
        "    rdf:predicate rdf:type ;", "    rdf:subject id:FxState ;\n   # more to come\n\n"]


@pytest.mark.parametrize("build", [default_route, streaming_route])
@pytest.mark.parametrize("cut", CUTS)
def test_a_file_cut_short_is_said_to_end_inside_its_last_statement(tmp_path, build, cut):
    last, _, after = cut.partition("\n")
    text = PREFIXES + BLOCK[:BLOCK.index(last) + len(last)]
    path = tmp_path / "aid.ttl"
    path.write_text(text + (after and "\n" + after), encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build(path)
    [problem] = refused.value.problems
    assert problem.message.endswith(f": {hints.CUT_SHORT}"), str(problem)
    assert problem.line == text.count("\n") + 1, str(problem)


@pytest.mark.parametrize("build", [default_route, streaming_route])
@pytest.mark.parametrize("written, what", [
    ('{"@context": {"ag": "https://alliance-graph.example/ontology/"}, "@id": "x"}\n',
     "JSON (JSON-LD?)"),
    ("<!DOCTYPE html>\n<html><body>Iron Dome</body></html>\n", "an HTML page (saved from a "
                                                               "browser?)"),
    ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
     '/>\n', "XML (RDF/XML?)")])
def test_a_data_file_of_another_format_is_said_to_be_one(tmp_path, build, written, what):
    # A proposal was told so; a data file was told in Turtle's words, of its first character:
    # "data/aid.ttl:1:1: { is not a valid subject or graph name", and of a saved page "No
    # scheme found in an absolute IRI: ... write the project's names with their prefixes".
    path = tmp_path / "aid.ttl"
    path.write_text(written, encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build(path)
    [problem] = refused.value.problems
    assert str(problem) == (f"data/aid.ttl: is {what}, not Turtle: every file of data/ and "
                            "ontology/ is Turtle (another RDF syntax converts to Turtle with "
                            "any RDF tool)")


LONG = "x" * 60_000
WORDS = " ".join(["word"] * 20_000)


@pytest.mark.parametrize("build", [default_route, streaming_route])
@pytest.mark.parametrize("written, at, advice", [
    # a text of 100 KB where a statement begins: a value after a value
    (f'id:FxState ag:note "a" "{WORDS}" .\n', "4:24", "a statement's subject is a name, such as "
                                                      "id:BlueFlag"),
    # a name of 60,000 characters the parser read as a bare word
    (f"id:FxState ag:note id:a {LONG} .\n", "4:25", "or a space inside a name"),
    # a prefix of 60,000 characters, and one a letter from rdfs:
    (f'id:FxState {LONG}:label "x" .\n', "4:12", "has not been declared"),
    (f'id:FxState rdsf{LONG}:label "x" .\n', "4:12", "has not been declared"),
    # the file cut short after a name of 60,000 characters
    (f"id:FxState ag:note id:a ; ag{LONG}", "4:27", hints.CUT_SHORT),
], ids=["text", "word", "prefix", "rdsf-prefix", "cut-short"])
def test_a_parsers_error_quoting_a_long_text_says_it_clipped(tmp_path, build, written, at,
                                                             advice):
    # The parser quotes the text it could not read: said whole, the error was 60-100 KB, its
    # advice at the end of it.
    path = tmp_path / "aid.ttl"
    path.write_text(PREFIXES + written, encoding="utf-8")
    with pytest.raises(LoadError) as refused:
        build(path)
    [problem] = refused.value.problems
    said = str(problem)
    assert len(said) < 2_000, said[:3_000]
    assert said.startswith(f"data/aid.ttl:{at}: "), said[:300]
    assert "characters)" in said and said.endswith(advice), said


def test_an_undeclared_prefix_of_megabytes_is_offered_no_project_prefix_in_a_moment(tmp_path):
    # difflib read it into a table to compare it with rdfs: and the others: 1.4 s for 5 MB,
    # for none can be close to a prefix of a few letters.
    path = tmp_path / "aid.ttl"
    path.write_text(PREFIXES + f'id:FxState rdsf{"s" * 8_000_000}:label "x" .\n', encoding="utf-8")
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    with pytest.raises(LoadError) as refused:
        default_route(path)
    assert time.thread_time() - start < 2, "a prefix of more than 200 characters is no slip"
    [problem] = refused.value.problems
    assert str(problem).endswith("(8,000,004 characters): has not been declared"), str(problem)


@pytest.mark.parametrize("words", ["A dot is expected at the end of statements",
                                   ". is not a valid subject or graph name"])
def test_a_parsers_error_with_no_place_is_said_as_it_comes(words):
    # The directive slips' reading compared the error's line with the text's lines: a
    # SyntaxError with no lineno (None) was a TypeError, a traceback in the build.
    assert hints.directive_slip("@prefix ag: <https://e/>\nag:a ag:b ag:c .\n", None, None,
                                words) == (None, hints.told_apart(words), None)
