"""Finding the line a node is described on, as the files write its name."""

import random
import re
import time
from pathlib import Path

import pytest

from alliance_graph.build.lines import LineIndex, triple_term_line
from alliance_graph.build.predicates import predicate_end
from alliance_graph.build.string_lines import StringLines
from alliance_graph.build.turtle_tokens import prefixes

TEXT = """@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .

claim:IronDome-type a ag:Claim ;
    rdf:subject id:IronDome ;
    rdf:object ag:System .

<https://alliance-graph.example/id/Negev> a ag:Place .

claim:IronDome-typeOther a ag:Claim ;
    rdf:subject id:IronDomeBattery .
"""
ID = "https://alliance-graph.example/id/"


@pytest.mark.parametrize("iri, line", [
    (ID + "claim/IronDome-type", 4),         # subject block, prefixed name
    (ID + "Negev", 8),                       # subject block, full IRI
    (ID + "IronDome", 5),                    # no block of its own: first mention
    (ID + "claim/IronDome-typeOther", 10),   # not confused with a longer name's prefix
    (ID + "Atlantis", None),                 # not in the file
])
def test_line_of(iri, line):
    assert LineIndex({"data/x.ttl": TEXT}).line_of("data/x.ttl", iri) == line


@pytest.mark.parametrize("written, iri", [
    ("<http://example.org/a(b)>", "http://example.org/a(b)"),   # cut at "(", it had no line
    ("<http://example.org/a,b>", "http://example.org/a,b"),
    ("<javascript:alert(1)>", "javascript:alert(1)"),
    ("<http://example.org/\\u00e9t\\U000000e9>", "http://example.org/été"),  # escaped
])
def test_an_iri_holding_punctuation_or_escapes_is_found_where_it_is_written(written, iri):
    text = f"@prefix ag: <https://alliance-graph.example/ontology/> .\n\n{written} a ag:Place .\n"
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", iri) == 3


def test_spellings_use_the_files_own_prefixes():
    index = LineIndex({"data/x.ttl": TEXT})
    # id:claim\/A too, with its "/" escaped: the rarer spelling, last.
    assert index.spellings("data/x.ttl", ID + "claim/A") == [
        f"<{ID}claim/A>", "claim:A", "id:claim/A"]


PREFIXES = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.mark.parametrize("written, iri", [
    # Findings on nodes written with escapes had no line (the IRI written whole had one).
    (r"id:No\~Sea", ID + "No~Sea"),
    (r"claim:Jc\,weird\.name-x", ID + "claim/Jc,weird.name-x"),   # it was cut at the ","
    (r"id:a\;b\(c\)", ID + "a;b(c)"),
    (r"id:claim\/Odd", ID + "claim/Odd"),                         # an escaped "/"
    (r"id:Dot\.", ID + "Dot."),                                   # an escaped final dot
])
def test_a_prefixed_name_written_with_escapes_is_found_where_it_is_written(written, iri):
    text = PREFIXES + f"\nid:Other ag:region id:Elsewhere .\n{written} a ag:Place .\n"
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", iri) == 8, "its subject block"
    text = PREFIXES + f"\nid:Other ag:partOf {written}.\n"
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", iri) == 7, \
        "a mention, touching the statement's dot"


def test_a_property_written_with_escapes_is_found_in_its_block():
    text = PREFIXES + "\nid:A a ag:Place ;\n    ag:odd\\-name id:B .\n"
    assert LineIndex({"data/x.ttl": text}).property_line(
        "data/x.ttl", 7, "https://alliance-graph.example/ontology/odd-name") == 8



@pytest.mark.parametrize("block, line", [
    # A value naming the property (a claim's rdf:predicate) is not where the property is
    # written: a finding on the triple was placed on the rdf:predicate line.
    ("claim:X a ag:Claim ;\n    rdf:predicate ag:region ;\n    ag:region id:B .", 9),
    ("claim:X rdf:predicate ag:region ; ag:region id:B .", 7),
    ("claim:X rdf:predicate ag:region ;\n    ag:note 'ag:region' ;\n    ag:region id:B .", 9),
    ("claim:X ag:region id:B .", 7),                        # after the subject
    ("claim:X ag:p [ ag:region id:B ] .", 7),               # in a blank node
    ("claim:X ag:p ag:region .", 7),                        # none: the block's line
])
def test_a_property_is_found_where_it_is_a_predicate_not_a_value(block, line):
    text = PREFIXES + "\n" + block + "\n"
    assert LineIndex({"data/x.ttl": text}).property_position(
        "data/x.ttl", 7, 0, "https://alliance-graph.example/ontology/region")[0] == line


def test_the_keyword_a_in_a_string_is_not_the_type():
    text = PREFIXES + "\nid:A ag:note \"is a place\" ;\n    a ag:Place .\n"
    assert LineIndex({"data/x.ttl": text}).property_line("data/x.ttl", 7, RDF + "type") == 8


@pytest.mark.parametrize("body, iri, line", [
    # A list writes rdf:first, rdf:rest and rdf:nil with its "(": findings on them (terms the
    # ontology does not declare) had no line.
    ("id:A ag:p\n  ( id:B id:C ) .", RDF + "first", 8),
    ("id:A ag:p\n  (\n  # a comment\n  id:B ) .", RDF + "rest", 8),
    ('id:A ag:p ( "one" ) .', RDF + "first", 7),                    # a member that is a string
    ("id:A ag:p ( ) .\nid:B ag:p ( id:C ) .", RDF + "first", 8),    # an empty list has none
    ("id:A ag:p ( ) .", RDF + "nil", 7),
    ("id:A ag:p ( ) .", RDF + "first", None),
    ("id:A ag:p id:B .\nid:C rdf:first id:D .\nid:E ag:p ( id:F ) .", RDF + "first", 8),
    ("id:A ag:p ( id:F ) .\nid:C rdf:first id:D .", RDF + "first", 7),  # the first of both
    ("id:A ag:p id:B .\nid:A a ag:Place .", RDF + "type", 8),             # the keyword a
    ("id:A ag:p id:B {| ag:q id:C |} .", RDF + "reifies", 7),             # RDF 1.2
    ("id:A ag:p '''(id:Z)''' .\n# (id:Z)\nid:B ag:p \"(id:Z)\" .", RDF + "first", None),
    ('id:A ag:p "1"^^xsd:integer .', "http://www.w3.org/2001/XMLSchema#integer", 7),
])
def test_a_term_the_syntax_writes_without_its_name_is_found_there(body, iri, line):
    text = PREFIXES + "\n" + body + "\n"
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", iri) == line


def test_what_strings_and_comments_say_is_not_where_a_node_is_written():
    text = PREFIXES + ('\n# id:Atlantis is not here\nid:A ag:note "see id:Atlantis" ;\n'
                       "    ag:note '''and\nid:Atlantis''' .\nid:B ag:partOf id:Atlantis .\n")
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", ID + "Atlantis") == 11


@pytest.mark.parametrize("body, line", [
    ("id:A ag:p id:B {| ag:q id:C |} .", 7),           # an annotation: no "<<" at all
    ("id:A ag:p id:B ~ id:R .", 7),                    # a reifier
    ("id:A ag:p\n  << id:B ag:q id:C >> .", 8),
    ("id:A ag:p\n  <<( id:B ag:q id:C )>> .", 8),      # a triple term
    ('id:A ag:note "<< {| ~" ; # << {| ~\n  ag:p id:No\\~Sea .', None),  # none of them
])
def test_the_line_of_rdf12_reification_syntax(body, line):
    assert triple_term_line(PREFIXES + "\n" + body + "\n") == line


HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "proposals"


def written_here(text: str) -> dict[str, int]:
    """Return what a fixture's "# written here: A, B" comments name, each with the line after
    the comment (where it is first written)."""
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("# written here:"):
            for name in line.split(":", 1)[1].split(", "):
                found[name.strip()] = number + 1
    return found


def test_the_annotation_fixture_is_placed_on_its_annotation():
    # Its comment says "<<", where a search of the text for "<<" found it.
    text = (HOSTILE / "annotation.ttl").read_text("utf-8")
    assert triple_term_line(text) == written_here(text)["{|"] == 12


def test_locate_prefers_the_named_file_then_searches_the_others():
    index = LineIndex({"data/a.ttl": "# nothing\n", "data/x.ttl": TEXT})
    assert index.locate(ID + "Negev", prefer="data/a.ttl") == ("data/x.ttl", 8)
    assert index.locate(ID + "Atlantis", prefer="data/a.ttl") == ("data/a.ttl", None)


def test_finding_every_node_of_a_big_file_is_a_lookup_each():
    """20,000 findings in a 10,000-claim proposal took 5 minutes: each name searched the file."""
    blocks = [f"claim:C{i} a ag:Claim ;\n    rdf:subject id:E{i} ." for i in range(20_000)]
    text = "@prefix claim: <https://alliance-graph.example/id/claim/> .\n" \
        "@prefix id: <https://alliance-graph.example/id/> .\n\n" + "\n\n".join(blocks) + "\n"
    index = LineIndex({"data/big.ttl": text})
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    lines = [index.line_of("data/big.ttl", f"{ID}claim/C{i}") for i in range(20_000)]
    mentions = [index.line_of("data/big.ttl", f"{ID}E{i}") for i in range(0, 20_000, 97)]
    assert time.thread_time() - start < 10
    assert lines == [4 + 3 * i for i in range(20_000)]
    assert mentions == [5 + 3 * i for i in range(0, 20_000, 97)]


def test_strings_are_found_on_their_lines_many_at_once():
    text = "".join(f'<urn:x{i}> <urn:p> "v{i}"^^<urn:t> .\n' for i in range(50_000))
    text += "<urn:y> <urn:p> '''long \"v-long\" one''' .\n"
    strings = StringLines(text)
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    found = [strings.line(f'"v{i}"') for i in range(50_000)]
    assert time.thread_time() - start < 10, "one index, not a search of the text per string"
    assert found == list(range(1, 50_001))
    assert strings.line('"v-long"') == 50_001, "what the index misses is searched for"
    assert strings.line('"absent"') is None


def _long_string_file() -> tuple[str, str]:
    """A file with a 2.4 MB note full of escaped quotes, once on one line and once in a
    triple-quoted string spanning lines (where a scan for quotes alone restarted at each one)."""
    body = 'a \\" b ' * 300_000
    text = (PREFIXES + f'\nid:A ag:note "{body}" ;\n    ag:other """x\n{body}\n""" .\n'
            "id:B ag:partOf id:A .\n")
    return text, body


def test_a_long_string_with_escaped_quotes_is_read_in_bounded_memory_and_time():
    """A 4.9 MB note took 580 MB to tokenize (a pattern repeating one character at a time),
    and indexing the strings of a file with a long triple-quoted one ran for hours."""
    import tracemalloc

    text, body = _long_string_file()
    b_line = text[:text.index("id:B ag:partOf")].count("\n") + 1
    tracemalloc.start()
    try:
        start = time.thread_time()  # CPU time: wall time counts the machine's load
        assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", ID + "B") == b_line
        strings = StringLines(text)
        assert time.thread_time() - start < 10, "linear in the text, not in its quotes squared"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * len(text), f"{peak >> 20} MiB to read a {len(text) >> 20} MiB file"
    assert strings.line(f'"{body}"') == PREFIXES.count("\n") + 2


@pytest.mark.parametrize("written", [
    '"""one "" two " three"""', "'''one '' two ' three'''", '"a \\" b"', "'a \\' b'",
    '"""ends in a quote\\""""', '"""\nspans\nlines\n"""',
])
def test_every_way_of_writing_a_string_is_one_token(written):
    text = PREFIXES + f"\nid:A ag:note {written} ;\n    ag:partOf id:Atlantis .\n"
    strings = StringLines(text)
    assert strings._first.get(written) is not None, "indexed as the string token it is"
    atlantis = text[:text.index("id:Atlantis")].count("\n") + 1
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", ID + "Atlantis") == atlantis


def test_a_text_of_carriage_returns_alone_has_its_lines():
    # One line to the searches: no node of such a file had a line.
    text = "@prefix id: <http://e/> .\r\rid:A a id:B .\r\rid:C a id:B .\r"
    index = LineIndex({"f.ttl": text})
    assert (index.line_of("f.ttl", "http://e/A"), index.line_of("f.ttl", "http://e/C")) == (3, 5)
    assert LineIndex(lambda: {"f.ttl": text.replace("\r", "\r\n")}).line_of(
        "f.ttl", "http://e/C") == 5


def test_every_prefix_of_a_text_of_carriage_returns_alone_is_read():
    # Only the first line's was: a literal ill-typed as xsd:integer, written with an escape
    # under the file's third declaration, had no line in validate nor in the build.
    text = ('@prefix ag: <http://e/ag#> .\r@prefix id: <http://e/id#> .\r'
            '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\r\r'
            'id:A ag:note "see" .\rid:A ag:rangeKm "1\\u00322x"^^xsd:integer .\r')
    assert set(prefixes(text)) == {"ag", "id", "xsd"}
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    assert StringLines(text).typed_line("122x", integer) == 6


def test_a_typed_literal_written_again_is_found_at_each_place_in_turn():
    # 2,000 claims of one ill-typed date were all told on the line of its first.
    text = ('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
            '<urn:a> <urn:p> "2016"^^xsd:date .\n<urn:b> <urn:p> "x" .\n'
            "<urn:c> <urn:p> '2016'^^<http://www.w3.org/2001/XMLSchema#date> .\n")
    strings, date = StringLines(text), "http://www.w3.org/2001/XMLSchema#date"
    assert [strings.typed_line("2016", date, n) for n in range(3)] == [2, 4, 4]
    assert strings.typed_line("2016", date) == 2


@pytest.mark.parametrize("declared, written", [
    # A prefix relative to the base: its names' findings (an unknown property of a data file)
    # had no line, the prefix read as written (<vocab/>), not as the parser read it.
    ("@base <https://example.org/> .\n@prefix ex: <vocab/> .", "ex:note"),
    ("BASE <https://example.org/>\nPREFIX ex: <vocab/>", "ex:note"),
    # A base given in two steps, the second relative to the first.
    ("@base <https://example.org/a/> .\n@base <../> .\n@prefix ex: <vocab/> .", "ex:note"),
    # An IRI written relative to the base.
    ("@base <https://example.org/> .", "<vocab/note>"),
], ids=["prefix", "sparql-style", "base-of-base", "relative-iri"])
def test_a_name_relative_to_the_base_is_found_where_it_is_written(declared, written):
    text = f"{declared}\n\nclaim:A a ag:Claim .\n\nclaim:B {written} \"x\" .\n"
    line = text.splitlines().index(f'claim:B {written} "x" .') + 1
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl",
                                                   "https://example.org/vocab/note") == line


def test_a_property_of_megabytes_is_found_in_a_moment():
    # Its spelling was compiled into a pattern, a character at a time: 7 s a megabyte, and a
    # finding on a property named by 5 MB took 35 s to place (check, build, validate).
    name = "odd" + "x" * 2_000_000
    text = PREFIXES + f"\nid:A a ag:Place ;\n    ag:p id:C ;\n    ag:{name} id:B .\n"
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    assert LineIndex({"data/x.ttl": text}).property_position(
        "data/x.ttl", 7, 0, "https://alliance-graph.example/ontology/" + name) == \
        (9, 4 + len("ag:") + len(name))
    assert time.thread_time() - start < 2, "the name is compared, not compiled"


# What a predicate was found by: a pattern of the property's spellings, each escapable
# character of a local name with or without its backslash (lines._mention before 'predicates').
def _pattern(forms):
    def spelled(form):
        prefix, colon, local = form.partition(":")
        if form.startswith("<") or not colon:
            return re.escape(form)
        return re.escape(prefix + colon) + "".join(
            (r"\\?" if c in "_~.-!$&'()*+,;=/?#@%" else "") + re.escape(c) for c in local)
    alternatives = "|".join(spelled(f) for f in forms)
    return re.compile(rf"(?:^\S+[ \t]+|(?:^|[;\[]|\{{\|)[ \t]*)(?:{alternatives})(?=[\s;,.\]]|$)")


def test_a_predicate_is_found_where_the_pattern_found_it():
    # 20,000 seeded lines of names, blanks, separators, brackets and escapes: each place the
    # comparison finds is the one the pattern did.
    rnd = random.Random(7)
    pieces = ["ag:p", "ag:p.q", "ag:p\\.q", "ag:p\\~", "a", "<http://x/p>", " ", "\t", ";", "[",
              "{|", "]", ",", ".", "id:s", "ag:pq", "x", "\\", "ag:", "\u00a0", "ag:p.", '"s"',
              "|", "{"]
    spellings = [("ag:p",), ("ag:p.q",), ("ag:p~", "<http://x/p~>"), ("a",),
                 ("ag:p", "<http://x/p>"), ("ag:",), ("ag:p.q", "ag:p")]
    for _ in range(20_000):
        line = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        forms = rnd.choice(spellings)
        start = rnd.choice([0, 0, rnd.randint(0, len(line))])
        found = _pattern(forms).search(line, start)
        assert predicate_end(line, start, forms) == (found.end() if found else None), \
            (line, forms, start)


def test_the_spellings_of_a_name_of_megabytes_are_found_in_a_moment():
    # Each asked whether the name held a "/" or a "#" a character at a time: 0.15-0.25 s a
    # call for 5 MB, and placing two findings on such a node took 3.5 s of a check's 4.8 s.
    iri = ID + "x" * 5_000_000
    index = LineIndex({"data/x.ttl": PREFIXES + f"\nid:{iri[len(ID):]} a ag:Place .\n"})
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    for _ in range(20):
        assert index.spellings("data/x.ttl", iri) == [f"<{iri}>", "id:" + iri[len(ID):]]
    assert time.thread_time() - start < 1, "searched for by str, not a character at a time"


def test_values_on_a_line_of_megabytes_are_placed_without_scanning_it_for_each():
    # A file written on one line: each finding on a value there scanned the whole line again
    # (5,000 findings on a line of 2 MB: 4 s of a check's 7).
    text = PREFIXES.replace("\n", " ") + " ".join(
        f'id:N{i} ag:note "note {i} {"w" * 400}" .' for i in range(5_000)) + "\n"
    index = LineIndex({"data/x.ttl": text})
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    assert {index.value_line("data/x.ttl", 1, f"note {i} {'w' * 400}")
            for i in range(5_000)} == {1}
    assert time.thread_time() - start < 1, "the line is searched once a later line holds it"


@pytest.mark.parametrize("text, line", [
    ('id:A ag:note "x" ;\n    ag:other "x" .\n', 1),   # on the line itself, and later too
    ('id:A ag:p id:B ;\n    ag:note "x" .\n', 2),        # on a later line only
    ('id:A ag:p id:B ;\n    ag:note "y" .\n', 1),        # on none: the line given
])
def test_a_value_is_on_the_first_line_that_writes_it(text, line):
    assert LineIndex({"data/x.ttl": text}).value_line("data/x.ttl", 1, "x") == line


# (what a careless hand writes, a node, the line of the snippet a person goes to: its first
# statement, else where it is first written).  Those marked "was" went to the line given there:
# a statement was one opening a line, and a declaration's IRI a place the node was written.
NODES = [
    ("@prefix b: <https://alliance-graph.example/id/B> .\nid:A ag:part id:B .", "id:B", 2),  # was 1
    ('id:A ag:part id:B .\n    id:B ag:note "y" .', "id:B", 2),  # was 1
    ('id:A ag:part id:B . id:C ag:x id:D .\nid:E ag:x "1" . id:B ag:note "y" .', "id:B", 2),  # was 1
    ('id:A ag:part\nid:B .\nid:B ag:note "y" .', "id:B", 3),  # was 2
    ("# id:B\nid:A ag:part id:B .", "id:B", 2),
    ('id:A ag:note "id:B" .\nid:C ag:part id:B .', "id:B", 2),
    ('id:A ag:note """\nid:B ag:note "y"\n""" .\nid:B ag:note "y" .', "id:B", 4),
    ("id:A ag:part id:B2 .\nid:C ag:part id:B .", "id:B", 2),
    ("id:B2 ag:part id:X .\nid:B ag:part id:X .", "id:B", 2),
    ("<https://alliance-graph.example/id/B2> ag:p id:X .\n"
     "<https://alliance-graph.example/id/B> ag:p id:X .", "id:B", 2),
    ('id:A ag:note "x"@prefix .\nid:B ag:part id:X .', "id:B", 2),
    ("@base <https://alliance-graph.example/id/> .\nid:A ag:part <B> .\n<B> ag:part id:X .",
     "id:B", 3),
    ('id:A ag:note "כיפת ברזל 🚀" .\n\tid:B\tag:part id:X .', "id:B", 2),
]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("snippet, node, line", NODES)
def test_a_node_is_on_its_first_statement_else_where_it_is_first_written(snippet, node, line,
                                                                        line_end):
    text = (PREFIXES + snippet).replace("\n", line_end)
    iri = ID + node.removeprefix("id:")
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", iri) == \
        len(PREFIXES.splitlines()) + line


@pytest.mark.parametrize("pasted", ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1e"])
def test_a_line_break_of_unicode_s_own_in_a_string_does_not_move_the_lines_after(pasted):
    # str.splitlines broke a line there too, which Turtle does not: the lines of a [ ... ]'s
    # properties and of a literal's value, after such a string, were one off.
    text = PREFIXES + f'\nid:A ag:note "one{pasted}two" .\nid:B ag:part [ ag:kind id:M ;\n' \
        '    ag:note "y" ] .\n'
    index = LineIndex({"data/x.ttl": text})
    line = len(PREFIXES.splitlines()) + 3
    assert index.property_position("data/x.ttl", line, 14, "https://alliance-graph.example/"
                                   "ontology/note") == (line + 1, 11)
    assert index.value_line("data/x.ttl", line, "y") == line + 1
    assert index.lines("data/x.ttl")[line - 1].startswith("id:B")


def test_a_file_read_on_demand_is_read_once_for_all_its_lines():
    # validate against the prebuilt graph reads no data file: one is read when a finding names
    # a line of it (second_value), once however many values are placed in it.
    text = "".join(f"<urn:n{i}> <urn:p> <urn:v{i}> .\n" for i in range(2_000))
    read: list[str] = []
    index = LineIndex({}, lambda name: read.append(name) or (text if name == "d.ttl" else None))
    assert [index.line_of("d.ttl", f"urn:n{i}") for i in range(2_000)] == list(range(1, 2_001))
    assert index.line_of("gone.ttl", "urn:n1") is None and index.line_of("gone.ttl", "x") is None
    assert read == ["d.ttl", "gone.ttl"]
