"""What a query says before an engine reads it: its terminals (one case per terminal and per
place where tokens could be misread), and whether it names graphs."""

import time

import pyoxigraph as ox
import pytest

from alliance_graph import sparql as lexer


def kinds(text):
    return [(t.kind, t.text) for t in lexer.tokenize(text)]


# (text, the tokens it is read as); every text is also checked against Oxigraph below.
TERMINALS = [
    # IRIs: '#' and keywords inside are part of the IRI; \u escapes are allowed inside.
    ("<http://e/a#SERVICE>", [("IRIREF", "<http://e/a#SERVICE>")]),
    (r"<http://e/\u0041\U00000042>", [("IRIREF", r"<http://e/\u0041\U00000042>")]),
    ("<>", [("IRIREF", "<>")]),
    # Prefixed names: \# and \. are escapes in a local name, not a comment and not an end.
    (r"id:a\#b", [("PNAME_LN", r"id:a\#b")]),
    (r"id:a\# SERVICE", [("PNAME_LN", r"id:a\#"), ("NAME", "SERVICE")]),
    (r"e:p\.q", [("PNAME_LN", r"e:p\.q")]),
    ("e:p%41%42", [("PNAME_LN", "e:p%41%42")]),
    ("e:a.b.", [("PNAME_LN", "e:a.b"), (".", ".")]),
    ("e:1a e::a e:a:", [("PNAME_LN", "e:1a"), ("PNAME_LN", "e::a"), ("PNAME_LN", "e:a:")]),
    ("a.b:c", [("PNAME_LN", "a.b:c")]),
    # Oxigraph's local name holds one run of dots (a prefix, any number): the rest is read on.
    ("e:a..b e:a.b.c e:a1.5.5", [("PNAME_LN", "e:a..b"), ("PNAME_LN", "e:a.b"), (".", "."),
                                 ("NAME", "c"), ("PNAME_LN", "e:a1.5"), ("DECIMAL", ".5")]),
    (r"e:a\.b.c a.b.c:d", [("PNAME_LN", r"e:a\.b.c"), ("PNAME_LN", "a.b.c:d")]),
    ("e: :", [("PNAME_NS", "e:"), ("PNAME_NS", ":")]),
    ("e:a#comment", [("PNAME_LN", "e:a")]),
    ("e:é·b", [("PNAME_LN", "e:é·b")]),
    ("SERVICE:q", [("PNAME_LN", "SERVICE:q")]),  # a name by the grammar; guard.py splits it
    # Blank nodes, variables, language tags (with a SPARQL 1.2 base direction).
    ("_:b1 _:a.b. []  [ \t] ( )", [("BLANK_NODE_LABEL", "_:b1"), ("BLANK_NODE_LABEL", "_:a.b"),
                                   (".", "."), ("ANON", "[]"), ("ANON", "[ \t]"),
                                   ("NIL", "( )")]),
    ("?x $y ?1a ?x_y", [("VAR", "?x"), ("VAR", "$y"), ("VAR", "?1a"), ("VAR", "?x_y")]),
    ('"a"@en-GB "b"@en--ltr', [("STRING_LITERAL2", '"a"'), ("LANGTAG", "@en-GB"),
                               ("STRING_LITERAL2", '"b"'), ("LANGTAG", "@en--ltr")]),
    # Numbers and their signed forms.
    ("1 1.5 .5 1.e3 1.5E-3 +2 -2.5 -.5e+2 1.", [
        ("INTEGER", "1"), ("DECIMAL", "1.5"), ("DECIMAL", ".5"), ("DOUBLE", "1.e3"),
        ("DOUBLE", "1.5E-3"), ("INTEGER_POSITIVE", "+2"), ("DECIMAL_NEGATIVE", "-2.5"),
        ("DOUBLE_NEGATIVE", "-.5e+2"), ("INTEGER", "1"), (".", ".")]),
    # Strings: comments, IRIs and keywords inside them are text; escapes; long strings.
    ("'# not a comment' \"<x> SERVICE\"", [("STRING_LITERAL1", "'# not a comment'"),
                                          ("STRING_LITERAL2", '"<x> SERVICE"')]),
    (r"'it\'s' " + r'"a\"b\\"', [("STRING_LITERAL1", r"'it\'s'"),
                                 ("STRING_LITERAL2", r'"a\"b\\"')]),
    (r"'\u0027' 'x'", [("STRING_LITERAL1", r"'\u0027'"), ("STRING_LITERAL1", "'x'")]),
    ('"""a"b""c\nd"""', [("STRING_LITERAL_LONG2", '"""a"b""c\nd"""')]),
    ("'''a'' ''' '''x'''", [("STRING_LITERAL_LONG1", "'''a'' '''"),
                            ("STRING_LITERAL_LONG1", "'''x'''")]),
    ('"""a"""" ?x', [("STRING_LITERAL_LONG2", '"""a"""'), ("ERROR", '"')]),
    # Comments run to the end of the line and may end the text.
    ("?a # } SERVICE <x>\n?b # last", [("VAR", "?a"), ("VAR", "?b")]),
    ("?a #c\r?b", [("VAR", "?a"), ("VAR", "?b")]),
    # SPARQL 1.2 / RDF-star tokens.
    ("<<( ?s ?p ?o )>>", [("<<(", "<<("), ("VAR", "?s"), ("VAR", "?p"), ("VAR", "?o"),
                          (")>>", ")>>")]),
    ("<<?s ?p <o>>> ~ ?r {| ?q ?v |}", [
        ("<<", "<<"), ("VAR", "?s"), ("VAR", "?p"), ("IRIREF", "<o>"), (">>", ">>"),
        ("~", "~"), ("VAR", "?r"), ("{|", "{|"), ("VAR", "?q"), ("VAR", "?v"), ("|}", "|}")]),
    ("VERSION '1.2'", [("NAME", "VERSION"), ("STRING_LITERAL1", "'1.2'")]),
    # Operators, longest first.
    ("^^ ^ || | && != ! <= >= = * / + - ? ; , .", [
        ("^^", "^^"), ("^", "^"), ("||", "||"), ("|", "|"), ("&&", "&&"), ("!=", "!="),
        ("!", "!"), ("<=", "<="), (">=", ">="), ("=", "="), ("*", "*"), ("/", "/"),
        ("+", "+"), ("-", "-"), ("?", "?"), (";", ";"), (",", ","), (".", ".")]),
    # Words: keywords glued to what follows are split by guard.py, not here.
    ("SELECT*WHERE{?s a ?o}", [("NAME", "SELECT"), ("*", "*"), ("NAME", "WHERE"), ("{", "{"),
                               ("VAR", "?s"), ("NAME", "a"), ("VAR", "?o"), ("}", "}")]),
    ("SERVICE?x SERVICE<x>", [("NAME", "SERVICE"), ("VAR", "?x"), ("NAME", "SERVICE"),
                              ("IRIREF", "<x>")]),
    ("?o.SERVICE", [("VAR", "?o"), (".", "."), ("NAME", "SERVICE")]),
    # Text the grammar has no token for: \u outside strings/IRIs, other whitespace, a BOM.
    # The first such character is the last token: the engine reads no further.
    (r"\u0053ERVICE", [("ERROR", "\\")]),
    ("\ufeffASK", [("ERROR", "\ufeff")]),
    ("a\fb\u00a0c", [("NAME", "a"), ("ERROR", "\f")]),
    ("?a 'b\n' ?c", [("VAR", "?a"), ("ERROR", "'")]),
]


@pytest.mark.parametrize("text,expected", TERMINALS, ids=[t for t, _ in TERMINALS])
def test_terminals(text, expected):
    assert kinds(text) == expected


# Where '<' is an operator and where it starts an IRI, as Oxigraph's parser decides.
LESS_THAN = [
    ("FILTER(?a<?b&&?c>?d)", "NAME ( VAR < VAR && VAR > VAR )"),
    ("FILTER(?a<(?b+1)&&(?c>2))",
     "NAME ( VAR < ( VAR INTEGER_POSITIVE ) && ( VAR > INTEGER ) )"),
    ("FILTER(?o<<http://e/x>)", "NAME ( VAR < IRIREF )"),
    ("FILTER(?o<=<http://e/x>)", "NAME ( VAR <= IRIREF )"),
    ("FILTER(?o IN(<a>, <b>))", "NAME ( VAR NAME ( IRIREF , IRIREF ) )"),
    ("FILTER(<f>(?x)<?y)", "NAME ( IRIREF ( VAR ) < VAR )"),
    ("FILTER ex:f(<a>)", "NAME PNAME_LN ( IRIREF )"),
    ("FILTER(?t = <<( ?s ?p <o> )>>)", "NAME ( VAR = <<( VAR VAR IRIREF )>> )"),
    ("FILTER(EXISTS{}<?s+1>?o)", "NAME ( NAME { } < VAR INTEGER_POSITIVE > VAR )"),
    ("FILTER(NOT EXISTS{?s ?p ?o}<=?x)", "NAME ( NAME NAME { VAR VAR VAR } <= VAR )"),
    ("{ ?s ?p ?o } <s> <p> <o>", "{ VAR VAR VAR } IRIREF IRIREF IRIREF"),
    ("SELECT (?a<?b AS ?c)", "NAME ( VAR < VAR NAME VAR )"),
    ("{ SELECT ?a (?x<?y AS ?z) {} }", "{ NAME VAR ( VAR < VAR NAME VAR ) { } }"),
    ("{} GROUP BY ?s HAVING(?a<?b)", "{ } NAME NAME VAR NAME ( VAR < VAR )"),
    ("{ ?s ?p (<a> <b>) }", "{ VAR VAR ( IRIREF IRIREF ) }"),
    ("{ ?s a (<a>) }", "{ VAR NAME ( IRIREF ) }"),
    ("{ ?s <p>?o }", "{ VAR IRIREF VAR }"),
    ("VALUES (?a) { (<a>) }", "NAME ( VAR ) { ( IRIREF ) }"),
    # Keywords glued to a function name or a clause still open an expression.
    ("{ ?s ?p ?o FILTERex:f(?a<?b) }", "{ VAR VAR VAR PNAME_LN ( VAR < VAR ) }"),
    ("{ ?s ?p false.FILTERex:f(?a<?b) }", "{ VAR VAR PNAME_LN ( VAR < VAR ) }"),
    ("{ ?s ?p trueFILTER<f>(?a<?b) }", "{ VAR VAR NAME IRIREF ( VAR < VAR ) }"),
    ("{ SELECT ?x {} ORDERBY?x(?a<?b) }", "{ NAME VAR { } NAME VAR ( VAR < VAR ) }"),
    ("{ SELECT * {} ORDERBYex:f(?a<?b) }", "{ NAME * { } PNAME_LN ( VAR < VAR ) }"),
    ("{ SELECT * {} ORDER BYex:f(?a<?b) }", "{ NAME * { } NAME PNAME_LN ( VAR < VAR ) }"),
    ("{ SELECT * WHERE {} ORDERBYex:f(?a<?b&&?c>?d) }",
     "{ NAME * NAME { } PNAME_LN ( VAR < VAR && VAR > VAR ) }"),
    # But in a group a name beginning with BY is a name (a declared by:), and a word is read
    # as the keywords glued in it: after these "(" opens a collection, of IRIs.  Read as
    # expressions, "<b)>" was '<', a name and a ')' closing the collection the engine had
    # open, and the bounds counted none of the members after it (5,000 crashed the engine).
    ("{ ?s by:p (<a> <b>) }", "{ VAR PNAME_LN ( IRIREF IRIREF ) }"),
    ("{ ?s ?p (truefalse (<a> <b>)) }", "{ VAR VAR ( NAME ( IRIREF IRIREF ) ) }"),
    # Where the query declares a prefix holding FILTER, "filterx:p(" is a name and a
    # collection where a verb must follow, FILTER and a call where a pattern may begin or
    # an object ended one; where a verb may follow (after ";"), either: a would-be IRI whose
    # brackets do not pair is flagged.
    ("PREFIX filterx: <x> { ?s filterx:p (<a> <b)>) }",
     "NAME PNAME_NS IRIREF { VAR PNAME_LN ( IRIREF IRIREF ) }"),
    ("PREFIX filterx: <x> { [ filterx:p (?a <b)>) ] }",
     "NAME PNAME_NS IRIREF { [ PNAME_LN ( VAR IRIREF ) ] }"),
    ("PREFIX filterx: <x> { ?s ?p ?o filterx:p (?a <b)>) }",
     "NAME PNAME_NS IRIREF { VAR VAR VAR PNAME_LN ( VAR < NAME ) > ) }"),
    ("PREFIX filterx: <x> { filterx:p (?a <b)>) }",
     "NAME PNAME_NS IRIREF { PNAME_LN ( VAR < NAME ) > ) }"),
    ("PREFIX filterx: <x> { ?s ?p ?o ; filterx:p (<a> <b)>) }",
     "NAME PNAME_NS IRIREF { VAR VAR VAR ; PNAME_LN ( IRIREF AMBIGUOUS < NAME ) > ) }"),
    # Where an operator is expected '<' is one however the text goes on, as the engine reads
    # it: the would-be IRI's quotes are strings, its '#' a comment (they were refused).
    ("FILTER(?a<?b#c>)", "NAME ( VAR < VAR"),
    ("FILTER(?a<'m'&&?a>'a')",
     "NAME ( VAR < STRING_LITERAL1 && VAR > STRING_LITERAL1 )"),
    ("FILTER(?a<='m'||?a>='z')",
     "NAME ( VAR <= STRING_LITERAL1 || VAR >= STRING_LITERAL1 )"),
    ("FILTER(STRLEN(?a)<5&&?b>'x')",
     "NAME ( NAME ( VAR ) < INTEGER && VAR > STRING_LITERAL1 )"),
    # A word before "(" is read by the last keyword or number glued in it: "true1(" is true,
    # 1 and a collection, whose '<...>' is an IRI (read as a call, '<' hid a SERVICE call
    # behind the quote in "<http://x/'>").
    ("{ ?s ?p (true1(?a<http://x/'>)) }", "{ VAR VAR ( NAME ( VAR IRIREF ) ) }"),
    ("{ ?s ?p (false2e5(?a<http://x/>)) }", "{ VAR VAR ( NAME ( VAR IRIREF ) ) }"),
    ("{ ?s ?p ?o trueFILTER(?a<'m') }", "{ VAR VAR VAR NAME ( VAR < STRING_LITERAL1 ) }"),
    ("SELECT (SHA1(?a)<'m' AS ?b)", "NAME ( NAME ( VAR ) < STRING_LITERAL1 NAME VAR )"),
]


@pytest.mark.parametrize("text,expected", LESS_THAN, ids=[t for t, _ in LESS_THAN])
def test_less_than_or_iri(text, expected):
    assert [k for k, _ in kinds(text)] == expected.split()


def _oxigraph_reads(text):
    try:
        ox.Store().query(text)
        return True
    except SyntaxError:
        return False


@pytest.mark.parametrize("query", [
    r"SELECT * { ?s <http://e/p> <http://e/\u0041#x> }",
    r"PREFIX id: <http://e/> SELECT * { ?s ?p id:a\#b . ?s ?p id:p%41\.q }",
    "SELECT * { ?s ?p 'a # b' . ?s ?p \"\"\"x\"y\"\"\" . ?s ?p '''z''' }",
    "SELECT * { <<( ?s ?p ?o )>> ?q ?r . ?a ?b ?c ~ ?t {| ?u ?v |} }",
    "VERSION '1.2' SELECT * { ?s ?p 'x'@en--ltr }",
    "SELECT * { ?s ?p ?o FILTER(?a<?b&&?c>?d) FILTER(?o<<http://e/x>) }",
    "SELECT * { ?s ?p -1.5e3 . ?s ?p +.5 . ?s ?p 1. }",
    r"PREFIX e: <http://e/> PREFIX a.b.c: <http://f/> SELECT * { ?s ?p e:a..b, e:a\.b.c, "
    "a.b.c:d . ?s ?p e:a.b.?s ?p (e:a1.5.5) }",
])
def test_table_texts_are_queries_oxigraph_reads(query):
    """The constructs above are SPARQL to the engine, not only to this tokenizer."""
    assert _oxigraph_reads(query)
    assert all(t.kind != "ERROR" for t in lexer.tokenize(query))


@pytest.mark.parametrize("text", [r"SELECT * { \u0053ERVICE <http://e/> { } }",
                                  "\ufeffASK {}", "ASK {\f}"])
def test_error_tokens_are_syntax_errors_to_oxigraph(text):
    assert any(t.kind == "ERROR" for t in lexer.tokenize(text))
    assert not _oxigraph_reads(text)


def test_offsets_and_line_col():
    text = "SELECT *\n  WHERE { ?s ?p ?o }"
    where = next(t for t in lexer.tokenize(text) if t.text == "WHERE")
    assert text[where.start:].startswith("WHERE")
    assert lexer.line_col(text, where.start) == (2, 3)


def test_limit_stops_early():
    assert len(lexer.tokenize("?a " * 1000, limit=10)) == 11


@pytest.mark.parametrize("text", [
    " " * 200_000, "#" * 200_000, "# c\n " * 40_000, "a." * 100_000, "é." * 100_000,
    "a-" * 100_000, "<" + "a" * 200_000, "'''" + "a'" * 100_000, '"' + "a" * 200_000,
    "{" * 200_000, "\\" * 200_000,
    # Each quote would start a string read to the end of the line, failing there: read on
    # past the first, these took 15 s.
    "'\\" * 50_000, '"\\' * 50_000, 'x:a\\"' * 20_000,
])
def test_hostile_text_is_read_in_linear_time(text):
    """Long runs that make a careless pattern backtrack or rescan stay fast (a sanity bound)."""
    started = time.perf_counter()
    lexer.tokenize(text)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("message", [
    "error at 1:1: expected one of " + "a, " * 30_000 + "[", "expected one of x, " * 20_000,
    "error at 1:1: expected one of " + '"\\' * 50_000, "error at 1:1: expected one of " +
    "['" * 50_000])
def test_a_hostile_message_is_said_in_linear_time(message):
    # A store's message may quote the query: its list of what was expected read so too.
    started = time.perf_counter()
    lexer.one_line(message)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("text", [
    "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * FROM <https://alliance-graph.example/graph/data/aid.ttl> { ?s ?p ?o }",
    "SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }",
    "select * {graph?g{}}",
    "SELECT * { SERVICE <urn:s> { ?s ?p ?o } }",
])
def test_queries_naming_graphs(text):
    assert lexer.uses_dataset(text)


@pytest.mark.parametrize("text", [
    # The project's own IRIs hold "graph" (alliance-graph.example): an IRI is not a keyword.
    "PREFIX ag: <https://alliance-graph.example/ontology/> SELECT ?p { ?c a ag:Claim }",
    'SELECT * { ?s ?p "GRAPH FROM SERVICE" }',
    "SELECT * { ?s ?p ?o } # a GRAPH in a comment",
    "SELECT ?graph { ?graph a ?class }",
    "SELECT * { ?s ag:graphOf ?o }",
])
def test_queries_not_naming_graphs(text):
    assert not lexer.uses_dataset(text)


@pytest.mark.parametrize("text, note", [
    ("SELECT ?x WHERE { BIND(<rel> AS ?x) }", "the relative IRI <rel> at line 1, column 24"),
    ("SELECT *\nWHERE { <> ?p ?o }", "the relative IRI <> at line 2, column 9"),
    ("BASE <http://e/> SELECT ?x WHERE { BIND(<rel> AS ?x) }", None),  # resolved: no note
    ("SELECT ?x WHERE { BIND(<http://e/a> AS ?x) } garbage", None),
    ('SELECT ?x WHERE { BIND("<rel>" AS ?x) }', None),                  # a string, no IRI
])
def test_a_relative_iri_without_base_is_named_with_the_parsers_message(text, note):
    said = lexer.relative_iri_note(text)
    assert (note in said and "declare a BASE" in said) if note else said == ""


@pytest.mark.parametrize("text, said", [
    # Oxigraph placed this one at the '}' a line later ("error at 4:2").
    ("SELECT ?s WHERE {\n  ?s rdfs:label ?l ) \n}",
     "')' at line 2, column 20 does not close the '{' opened at line 1, column 17"),
    ("SELECT ?s WHERE { FILTER(?s = ?s }", "'}' at line 1, column 34 does not close the "
                                           "'(' opened at line 1, column 25"),
    ("SELECT ?s WHERE { ?s ?p ?o . ", "'{' at line 1, column 17 is never closed"),
    ("ASK { } }", "'}' at line 1, column 9 closes no open bracket"),
    ("ASK { << ?s ?p ?o ) }", "')' at line 1, column 19 does not close the '<<' opened"),
    # Brackets in strings, IRIs and comments are none; paired ones say nothing.
    ('ASK { ?s ?p ")(" . ?s ?p <http://e/(> # }\n }', ""),
    ("ASK { ?s ?p [ ?q ( 1 2 ) ] FILTER(?s IN (1)) }", ""),
])
def test_an_unpaired_bracket_is_said_where_it_is(text, said):
    assert lexer.unpaired_bracket(text).startswith(said) and (said or not
                                                             lexer.unpaired_bracket(text))


@pytest.mark.parametrize("clause", ["LIMIT", "OFFSET"])
def test_a_limit_past_what_the_parser_reads_is_said_so(clause):
    # The parser's "expected one of The query limit should be a non negative integer,
    # ['0'..='9']" read as if a number were missing.
    text = f"SELECT * {{}} {clause} 18446744073709551616"
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, _ = lexer.syntax_error(text, str(parsed.value))
    assert said == f"{parsed.value} ({clause} takes a whole number of at most " \
                   "18,446,744,073,709,551,615, written without its commas)"
    ox.Store().query(f"SELECT * {{}} {clause} 18446744073709551615")  # the largest is read


def test_a_syntax_error_leads_with_the_unpaired_bracket_then_the_parsers_message():
    text = "SELECT ?s WHERE {\n  ?s rdfs:label ?l ) \n}"
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text, prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    said, position = lexer.syntax_error(text, str(parsed.value))
    assert said.startswith("')' at line 2, column 20") and f"(the parser: {parsed.value})" in said
    assert position == (2, 20)  # the bracket's, not the parser's 3:2
    # Brackets that pair: the parser's message and place, with the relative-IRI note.
    assert lexer.syntax_error("ASK { <rel> ?p ?o }", "error at 1:7: expected IRI") == (
        "error at 1:7: expected IRI" + lexer.relative_iri_note("ASK { <rel> ?p ?o }"), (1, 7))
    assert lexer.syntax_error("ASK {}", "no place") == ("no place", None)


@pytest.mark.parametrize("text, begins", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1\nSELECT * WHERE { ?s ?p ?o } LIMIT 2\n", (2, 1)),
    ("PREFIX a: <http://a/>\nASK { a:x ?p ?o }\n\n# the next\nPREFIX b: <http://b/>\n"
     "DESCRIBE b:y\n", (5, 1)),
    ("ASK { { SELECT * { ?s ?p ?o } } } ASK {}", (1, 35))])
def test_a_text_of_two_queries_is_said_to_hold_a_second(text, begins):
    # Two queries pasted one after another (a .rq file, the query page): "error at 2:7:
    # expected one of OFFSET, VALUES", and nothing of the second it had met (a subquery is
    # no second; its own PREFIX lines begin it).
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, _ = lexer.syntax_error(text, str(parsed.value))
    assert said == f"{parsed.value} (a second query begins at line {begins[0]}, column " \
                   f"{begins[1]}: one query is run at a time; send each on its own)"


def test_an_error_before_a_second_query_is_said_as_the_parser_says_it():
    text = "SELECT * WHERE { ?s ?p ?o } LIMT 1\nSELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    assert "second query" not in lexer.syntax_error(text, str(parsed.value))[0]


@pytest.mark.parametrize("text", ["SELECT * WHERE {\n  ?s  wd:P31 ?o }",
                                  "SELECT * WHERE {\n  ?s  wd:P31 ?o FILTER(?o > 1) }"])
def test_a_syntax_error_leads_with_a_prefix_declared_nowhere(text):
    # The parser said "expected OPTIONAL" of the first, and of the second listed "Prefix not
    # found" among a page of Unicode character classes.
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text, prefixes={"ag": "https://alliance-graph.example/ontology/"})
    said, position = lexer.syntax_error(text, str(parsed.value), ["ag"])
    assert said == ("the prefix wd: at line 2, column 7 is not declared: add PREFIX wd: <IRI> "
                    f"(the parser: {lexer.one_line(str(parsed.value))})")
    assert position == (2, 7)
    assert lexer.syntax_error(f"PREFIX wd: <http://x/> {text}", "x")[0] == "x"  # declared


@pytest.mark.parametrize("name", ["a" * 200_000, "limit" * 40_000, "x" * 5_000_000])
def test_a_long_undeclared_prefix_is_read_in_linear_time_and_said_short(name):
    # Keywords reach every offset of "aaa..." ("a" is one): the rest of the name was copied
    # at each to look it up, 8 s for 200,000 characters; and the message said it whole,
    # twice (difflib read one of 5 MB for 1.4 s looking for the prefix it was a slip of).
    started = time.perf_counter()
    said, token = lexer.undeclared_prefix(f"SELECT * {{ ?s ?p {name}:x }}", ["ag", "rdfs"])
    assert time.perf_counter() - started < 1
    assert token.text == name + ":x" and len(said) < 1_000
    assert said.endswith(": <IRI>") and f"({len(name):,} characters) at line 1, column 18" in said


@pytest.mark.parametrize("text, meant", [
    ("SELECT * { ?s rdsf:label ?o }", "rdfs:"),  # its letters, though rdf: is closer
    ("SELECT * { ?s xds:string ?o }", "xsd:"),
    ("SELECT * { ?s Ag:rank ?o }", "ag:"),  # prefixes are case-sensitive
    ("SELECT * { ?s shema:name ?o }", "schema:"),
    ("PREFIX geo: <http://g/> SELECT * { ?s gep:at ?o }", "geo:"),  # the query's own
    ("SELECT * { ?s wd:P31 ?o }", None)])
def test_an_undeclared_prefix_close_to_a_declared_one_is_named(text, meant):
    # "the prefix rdsf: ... is not declared: add PREFIX rdsf: <IRI>" left the user to see
    # the slip; keywords were already named so (WHER: did you mean WHERE?).
    known = ["ag", "rdf", "rdfs", "xsd", "schema", "owl"]
    said, token = lexer.undeclared_prefix(text, known)
    prefix = token.text.split(":")[0]
    hint = f"did you mean {meant}? Else " if meant else ""
    assert said.endswith(f"is not declared: {hint}add PREFIX {prefix}: <IRI>"), said
    assert lexer.undeclared_prefix("SELECT * { ?s rdfs:label ?o }", known) is None


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o", "SELECT * { ?s rdsf:label ?o }",
                                  "PREFIX e: <http://e/> SELECT * { ?s e:p ?o"])
def test_the_parsers_message_is_said_on_one_line(text):
    # Oxigraph breaks its lists of Unicode character classes over lines: the command line's
    # one-line error was five lines, most of them ranges such as '\u{3001}'..='\u{D7FF}'.
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text, prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    assert "\n" in str(parsed.value)  # what is said of it, not the parser's wording
    said, _ = lexer.syntax_error(text, str(parsed.value), ["rdfs"])
    assert "\n" not in said and f"(the parser: {lexer.one_line(str(parsed.value))})" in said


@pytest.mark.parametrize("text, said", [
    ("SELECT * {?s ?p ?o} ORDER BY", 'error at 1:29: expected one of "$", "(", ":", "<", "?", '
                                     "or 2 more"),
    ("SELECT ?", "error at 1:9: expected one of DESCRIBE, ['0'..='9'], ['_'], [_], or 1 more"),
    # Its reasons first, whatever their place in its list (which is sorted).
    ("SELECT * { ?s rdsf:label ?o }", "error at 1:25: expected one of Prefix not found, ['%'], "
                                      "['.'], [':'], ['\\\\'], or 3 more"),
    ("SELECT * { ?s <a b> ?o }", "error at 1:20: expected one of IRI parsing failed, OPTIONAL"),
    # A short list, or one thing expected, as the parser says it.
    ("SELECT * { ?s ?p ?o } GROUP", "error at 1:28: expected one of LATERAL, LIMIT, ORDER, "
                                    "SERVICE, [_]"),
    ('SELECT * WHERE { ?s ?p "x\\q" }',
     "error at 1:27: expected ['t' | 'b' | 'n' | 'r' | 'f' | '\"' |'\\'' | '\\\\']"),
])
def test_the_parsers_list_of_what_it_expected_is_said_short(text, said):
    # Its whole list was said: dozens of tokens and character classes, one of them 13
    # Unicode ranges ('\u{3001}'..='\u{D7FF}' | ...), 400 characters and more of a line.
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    assert lexer.one_line(str(parsed.value)) == said
    assert lexer.one_line(said) == said  # said short by a store, and again by the local path


@pytest.mark.parametrize("text, word, keyword, place", [
    ("SELEC * { ?s ?p ?o }", "SELEC", "SELECT", (1, 1)),
    ("SELECT *\nWHER { ?s ?p ?o }", "WHER", "WHERE", (2, 1)),
    ("select distint ?s { ?s ?p ?o }", "distint", "DISTINCT", (1, 8)),
    ("SELECT * { ?s ?p ?o OPTINAL { ?o ?q ?r } }", "OPTINAL", "OPTIONAL", (1, 21)),
    ("SELECT * { ?s ?p ?o FILTR(?o) }", "FILTR", "FILTER", (1, 21)),
    ("SELECT * { ?s ?p ?o } LIMT 1", "LIMT", "LIMIT", (1, 23)),
    ("PREFX ag: <http://x/> SELECT * {}", "PREFX", "PREFIX", (1, 1))])
def test_a_misspelt_keyword_is_named_with_the_keyword_it_is_closest_to(text, word, keyword,
                                                                       place):
    # The parser said "expected CONSTRUCT" of SELEC, "expected DISTINCT" of WHER, "expected
    # OPTIONAL" of FILTR: each the last keyword it tried, at a place past the word.
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, position = lexer.syntax_error(text, str(parsed.value))
    line, column = place
    assert said == (f"{word} at line {line}, column {column} is no SPARQL keyword: did you "
                    f"mean {keyword}? (the parser: {parsed.value})")
    assert position == place


@pytest.mark.parametrize("text", [
    "ASK { ?s ?p ?o } foo",  # close to no keyword (FLOOR is the nearest)
    "SELECT * { ?s ?p ?o } ORDER BT ?s",  # too short to guess
    "SELECT * { ?s ?p ?o } GROUPBY ?s",  # keywords glued, read as the engine reads them
    "SELECT * { ?s ?p true1 ; ?q ?o . FILTER(?o) } LIMIT"])  # true 1; no word at fault
def test_a_word_close_to_no_keyword_leaves_the_parsers_message(text):
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    assert "no SPARQL keyword" not in lexer.syntax_error(text, str(parsed.value))[0]


@pytest.mark.parametrize("text, note", [
    ("", " (the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query)"),
    ("  # only a comment\n", " (the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query)"),
    ("PREFIX x: <http://x/>\n", " (the query ends there, with no SELECT, ASK, CONSTRUCT or DESCRIBE)"),
    # A query form, or a parser stopping before the end: the parser's message alone.
    ("SELECT ?x WHERE", ""), ("SELECT * WHERE { ?x a }", ""), ("ASK { ?s ?p ?o } x", "")])
def test_a_query_with_no_form_says_so_beside_the_parsers_message(text, note):
    # An empty query (an empty .rq file, an empty argument) had only "expected [_]" said.
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, _ = lexer.syntax_error(text, str(parsed.value))
    assert said == str(parsed.value) + note


@pytest.mark.parametrize("text, word, where", [
    ("INSERT DATA { <urn:a> <urn:b> 1 }", "INSERT", "at line 1, column 1"),
    ("PREFIX x: <urn:x:>\n  delete where { ?s ?p ?o }", "delete", "at line 2, column 3"),
    ("LOAD <http://example.org/data.ttl>", "LOAD", "at line 1, column 1")])
def test_an_update_given_as_a_query_is_said_to_be_one(text, word, where):
    # The parser said only "expected CONSTRUCT" of it (the command line and the library run
    # queries alone; the endpoint refuses updates before they are parsed).
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, _ = lexer.syntax_error(text, str(parsed.value))
    assert said == str(parsed.value) + (f" ({word} {where} starts a SPARQL Update, which is "
                                        "never run: the graph is read-only, changed only "
                                        "through its files)")


@pytest.mark.parametrize("text, blank, place", [
    # The parser said "expected IRI parsing failed" at the triple term's end, and of
    # TRIPLE(_:b, ...) "expected ENCODE_FOR_URI".
    ("SELECT * WHERE { BIND(<<( _:b <http://x/p> ?o )>> AS ?t) }", "_:b", (1, 27)),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o = <<( [] <http://x/p> ?o )>>) }", "[]", (1, 43)),
    ("SELECT * WHERE { BIND(TRIPLE(_:b, <http://x/p>, 1) AS ?t) }", "_:b", (1, 30)),
    # Blank nodes of a pattern's triple term and collection are SPARQL's: the one named is the
    # expression's.
    ("SELECT * WHERE {\n ?s ?p ( _:a <<( _:c <http://x/p> 1 )>> )\n FILTER(?s = <<( ?s <http://x/p> "
     "_:d )>>) }", "_:d", (3, 34)),
])
def test_a_blank_node_in_an_expression_is_named(text, blank, place):
    from alliance_graph.query.dialect import reads
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, position = lexer.syntax_error(text, str(parsed.value), (), reads(None))
    line, column = place
    variable = "?b" if blank == "[]" else "?" + blank[2:]
    assert said == (f"{blank} at line {line}, column {column} is a blank node in an expression, "
                    "where SPARQL takes none (a term there, a triple term's too, is a variable, "
                    f"an IRI or a literal): write a variable, {variable}, bound by a pattern (the "
                    f"parser: {parsed.value})")
    assert position == place


@pytest.mark.parametrize("text", [
    # A blank node in a pattern's collection, beside an expression the parser refuses for
    # another reason: the parser's message alone.
    "SELECT * WHERE { ?s ?p ( _:b ) FILTER(?o = ) }",
    # A label written in two patterns, in collections: it was said to be a blank node in an
    # expression, where it is in none.
    "SELECT * WHERE { ?s ?p ( _:b ) OPTIONAL { ?s ?q ( _:b ) } }",
    "SELECT * WHERE { { ?s ?p _:b } UNION { ?s ?q ( _:b ) } }",
])
def test_a_blank_node_that_is_not_the_fault_is_not_named(text):
    from alliance_graph.query.dialect import reads
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    assert lexer.syntax_error(text, str(parsed.value), (), reads(None))[0] == str(parsed.value)


@pytest.mark.parametrize("text, variable", [
    # ?b was said of _:b and of [] beside a ?b (or $b) the query uses: written so, the two
    # are one variable and the query's meaning changes.
    ("SELECT * WHERE { ?b ?p ?b2 BIND(<<( _:b <http://x/p> ?o )>> AS ?t) }", "?b3"),
    ("SELECT * WHERE { $b ?p ?o FILTER(?o = <<( [] <http://x/p> ?o )>>) }", "?b2"),
    # _:a-b.c was told to be written ?a-b.c, which no variable is.
    ("SELECT * WHERE { BIND(<<( _:a-b.c <http://x/p> ?o )>> AS ?t) }", "?a_b_c"),
])
def test_the_variable_a_blank_node_is_told_to_be_is_one_the_query_does_not_use(text, variable):
    from alliance_graph.query.dialect import reads
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text)
    said, _ = lexer.syntax_error(text, str(parsed.value), (), reads(None))
    assert f"write a variable, {variable}, bound by a pattern" in said, said
    blank = said.split(" at line ")[0]
    ox.Store().query(text.replace(blank, variable, 1))  # reads so
