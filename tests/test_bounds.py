"""The bounds on a query's text (query/bounds.py): which bounds are safe to serve, how each
refusal names its bound to its reader, and what they count."""

import functools
import time

import pyoxigraph as ox
import pytest

from alliance_graph.query import bounds
from alliance_graph.query.bounds import DEFAULT_BOUNDS, Bounds, tokens_within
from alliance_graph.query.refused import Refused
from alliance_graph.wording import command_line

# The namers of `serve`'s processes and of any other command (`query`).
SERVED = functools.partial(command_line, given={}, serving={})
QUERY = functools.partial(command_line, given={})


def test_the_defaults_are_safe_and_bounds_near_the_crash_depth_are_not():
    assert bounds.unsafe(DEFAULT_BOUNDS) is None
    assert bounds.unsafe(Bounds(max_depth=bounds.MOST_LEVELS - 100, max_elements=100)) is None
    problem = bounds.unsafe(Bounds(max_depth=bounds.MOST_LEVELS - 99, max_elements=100))
    assert problem is not None and "421 levels" in problem and "at most 420" in problem
    assert "(Settings.max_query_depth)" in problem
    assert "(--max-query-depth)" in problem.worded(SERVED)
    assert bounds.MOST_LEVELS * 2 <= 840  # half the fewest levels measured to crash


@pytest.mark.parametrize("text, setting, limit", [
    ("ASK { FILTER (" + '"x" ' * 10 + ") }", "max_query_bytes", 40),
    ("ASK {" + " ?a" * 12 + " }", "max_query_tokens", 12),
    ("ASK {{{{ }}}}", "max_query_depth", 3),
    ("ASK { ?s ?p ?o . ?s ?p ?o . ?s ?p ?o . ?s ?p ?o }", "max_query_elements", 3),
])
def test_a_refusal_names_its_bound_as_its_reader_sets_it(text, setting, limit):
    # To `serve`'s operator (over HTTP) by its option, to a library caller by its setting,
    # and to `query`'s user, who has no option for it, by neither: HTTP answers named
    # "(Settings.max_query_depth)" to someone using curl.
    tokens_within(text, DEFAULT_BOUNDS)
    field = setting.replace("query_", "")  # max_query_depth: Bounds.max_depth
    with pytest.raises(Refused) as refused:
        tokens_within(text, Bounds(**{field: limit}))
    said = refused.value.args[0]
    assert refused.value.status == 400
    option = "--" + setting.replace("_", "-")
    assert f"(Settings.{setting})" in str(refused.value)
    assert f"({option})" in said.worded(SERVED) and "Settings" not in said.worded(SERVED)
    quiet = said.worded(QUERY)
    assert "the limit is " in quiet and "(" + option not in quiet and "Settings" not in quiet


def test_a_query_file_too_long_is_said_as_the_query_is():
    said = bounds.too_long("the query file q.rq", None, 100_000)
    assert str(said) == ("the query file q.rq is more than 100,000 bytes long; the limit is "
                         "100,000 (Settings.max_query_bytes)")
    assert said.worded(QUERY) == ("the query file q.rq is more than 100,000 bytes long; the "
                                  "limit is 100,000")


# Queries that crashed pyoxigraph 0.5.13 (SIGSEGV) at 5,000 collection members, measured
# one at a time in a subprocess (bench/query_bounds.py's runner), and passed the bounds: the
# members after the name, or after the IRI holding ')', went uncounted.
MEMBERS = "1 " * 5000
CRASHED_UNCOUNTED = {
    # A declared prefix beginning with BY is a name in a group; read as the start of an ORDER
    # BY clause (ORDERBYex:f()), the collection after it was taken for a call's arguments.
    "by: verb": "PREFIX by: <http://e/> SELECT * { ?s by:p (" + MEMBERS + ") }",
    # The lexer read these collections as expressions, so '<http://b)>' as less-than, a name
    # and a ')' closing the collection the engine had open: 'truefalse' is true and false to
    # the engine, 'filterx:p' may be a declared name.
    "IRI after truefalse": "SELECT * { ?s ?p (truefalse (<http://a> <http://b))> " + MEMBERS
    + ")) }",
    "IRI after filterx: verb": "PREFIX filterx: <http://e/> SELECT * { ?s filterx:p "
    "(<http://a> <http://b)> " + MEMBERS + ") }",
    "IRI after by: verb": "PREFIX by: <http://e/> SELECT * { ?s by:p (<http://a> <http://b)> "
    + MEMBERS + ") }",
}


@pytest.mark.parametrize("name", CRASHED_UNCOUNTED)
def test_a_collection_after_a_name_holding_a_keyword_is_counted(name):
    text = CRASHED_UNCOUNTED[name]
    ox.Store().query(text.replace(MEMBERS, "1 1 "))  # the engine reads it (a few members)
    with pytest.raises(Refused) as refused:
        tokens_within(text, DEFAULT_BOUNDS)
    assert refused.value.status == 400


@pytest.mark.parametrize("text", [
    # Where a name cannot be, a prefixed name beginning with BY or HAVING is the clause (after
    # a query's or a subquery's WHERE group, or ORDER): each call in it is one more node.
    "SELECT * { ?s ?p ?o } ORDERBYex:f() " + "ex:f(?s) " * 100,
    "SELECT * { { SELECT * { ?s ?p ?o } ORDERBYex:f() " + "ex:f(?s) " * 100 + "} }",
    "SELECT * { { SELECT * { ?s ?p ?o } ORDER BYex:f() " + "ex:f(?s) " * 100 + "} }",
    "SELECT * { { SELECT ?s { ?s ?p ?o } GROUP BY ?s HAVINGex:f() " + "ex:f(?s) " * 100
    + "} }",
    # After WHERE { } as after { }: read as a name, the '<' was an IRI's, '<?b&&?b&&...>',
    # and its && chain went uncounted (12,000 of them crashed the engine).
    "SELECT * { { SELECT * WHERE { } ORDERBYex:f(?a<" + "?b&&" * 101 + "?c>?d) } }",
    "SELECT * { { SELECT (1 AS ?x) WHERE { } GROUPBYex:f(?a<" + "?b&&" * 101 + "?c>?d) } }",
])
def test_a_clause_glued_to_a_prefixed_name_still_counts_its_conditions(text):
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within("PREFIX ex: <http://e/> " + text, DEFAULT_BOUNDS)


def test_a_declared_prefix_holding_graph_before_a_group_counts_as_graph():
    # Where a name cannot be (after a triple, before '{') the engine reads GRAPH in a declared
    # graphex: too: counted as a name, 97 of these passed and took 0.4 s to plan, 194 7 s.
    unit = "graphex:g { ?s ?p ?o } "
    make = lambda n: ("PREFIX graphex: <http://f/> PREFIX ex: <http://e/> SELECT * { ?s ?p ?o "
                      + unit * n + "}")
    ox.Store().query(make(2))
    tokens_within(make(48), DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(60), DEFAULT_BOUNDS)
    # After GRAPH (or SERVICE) it is the graph's name, as the project's graph: is.
    tokens_within("PREFIX graphex: <http://f/> SELECT * { " + "GRAPH graphex:g { } " * 48 + "}",
                  DEFAULT_BOUNDS)


@pytest.mark.parametrize("text", [
    # More than about 95 of these were refused: each "(" of a condition counted one node, but
    # the engine sorts and groups on a variable in brackets as on the variable itself (a
    # million ASC(?s), DESC(?s) or (?s) ran in a subprocess, in under a second).
    "SELECT * { ?s ?p ?o } ORDER BY " + "ASC(?s) DESC(?o) " * 1000,
    "SELECT * { ?s ?p ?o } ORDER BY " + "(?s) DESC((?o)) " * 1000,
    "SELECT * { { SELECT * { ?s ?p ?o } ORDERBY" + " ASC(?s)" * 1000 + " } }",
    "SELECT (COUNT(*) AS ?c) { ?s ?p ?o } GROUP BY " + "(?s) ((?p)) " * 1000,
    # A key named with AS is one node, which its AS counts: it was counted twice.
    "SELECT ?k0 { ?s ?p ?o } GROUP BY " + " ".join(f"(STR(?s) AS ?k{i})" for i in range(90)),
])
def test_a_key_that_is_a_variable_in_brackets_is_not_counted(text):
    tokens_within(text, DEFAULT_BOUNDS)


@pytest.mark.parametrize("condition", [
    "ASC(STR(?s))", "ASC(1)", "DESC(-?s)", "BOUND(?s)", "(?s + 1)", "ex:f(?s)", "<http://e/f>(?s)",
])
def test_a_key_that_is_an_expression_or_a_call_is_counted(condition):
    # The engine evaluates each into a variable of its own, a chain: 2,624 ASC(1) or ASC(STR(?s))
    # crashed it, as 2,630 STR(?s) did.
    for clause in ("ORDER BY", "GROUP BY", "HAVING"):
        text = f"PREFIX ex: <http://e/> SELECT * {{ ?s ?p ?o }} {clause} " + condition * 101
        with pytest.raises(Refused, match="max_query_elements"):
            tokens_within(text.replace("HAVING", "GROUP BY ?s HAVING"), DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_elements"):  # HAVING joins them with &&
        tokens_within("SELECT * { ?s ?p ?o } GROUP BY ?s HAVING " + "(?s) " * 101,
                      DEFAULT_BOUNDS)


P = "<http://e/p>"


def reads(text: str) -> None:
    """Fail unless the engine reads ``text`` (a call it has no function for is read)."""
    try:
        ox.Store().query(text)
    except RuntimeError as exc:
        assert "custom function" in str(exc)


@pytest.mark.parametrize("text", [
    # A '(' after an IRI a FILTER calls holds its arguments, a list to the engine (a million
    # ran); read as a collection, each argument counted three.
    "PREFIX ex: <http://e/> SELECT * { ?s ?p ?o FILTER ex:f(" + ", ".join(["?o"] * 200) + ") }",
    "SELECT * { ?s ?p ?o FILTER <http://e/f>(" + ", ".join(["?o"] * 200) + ") }",
    # A '(' where a verb is (after a subject, ';', '[', '{|', '/', '|', '^') is a path's
    # group: its IRIs counted two each as a collection's members, its '|' once as outside.
    "SELECT * { ?s (" + "|".join([P] * 90) + ") ?o }",
    "SELECT * { ?s ?p ?o ; ^(" + "|".join([P] * 90) + ") ?o }",
    "SELECT * { FILTER(true) [ (" + "|".join([P] * 45) + ")/(" + "|".join([P] * 45) + ") ?o ] }",
    # A negated property set is a list to the engine, '|' and '^' included (a million ran).
    "SELECT * { ?s !(" + "|".join([P, "^" + P] * 500) + ") ?o }",
])
def test_a_call_a_path_or_a_negated_set_is_not_counted_as_a_collection(text):
    reads(text)
    tokens_within(text, DEFAULT_BOUNDS)


@pytest.mark.parametrize("text", [
    "SELECT * { ?s (" + "|".join([P] * 101) + ") ?o }",  # its | chain, as outside brackets
    # After a path, or as a subject, a '(' is a collection all the same.
    "SELECT * { ?s (" + P + ") (" + "1 " * 51 + ") }",
    "SELECT * { (" + "1 " * 51 + ") (" + P + ") ?o }",
    "SELECT * { ?s " + P + "/" + P + " (" + "1 " * 51 + ") }",
])
def test_a_path_and_a_collection_after_it_are_counted(text):
    reads(text.replace("1 " * 51, "1 ").replace("|".join([P] * 101), P))
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(text, DEFAULT_BOUNDS)


@pytest.mark.parametrize("make,n", [
    # BIND counted with its AS as two nodes, where the engine makes one (a chain of 2,624
    # BINDs crashed it as 2,624 projections did, which count one): 49 were refused.
    (lambda n: "SELECT * { ?s ?p ?o " + " ".join(f"BIND(1 AS ?b{i})" for i in range(n)) + " }",
     90),
    (lambda n: "SELECT * { " + " ".join(f"?s ?p trueBIND(1 AS ?b{i})" for i in range(n)) + " }",
     60),
    # The '*' of COUNT(*) and SELECT * is no operator (a million COUNT(*) in a CONCAT ran).
    (lambda n: "SELECT (CONCAT(" + ", ".join(["STR(COUNT(*))"] * n) + ") AS ?c) { ?s ?p ?o }",
     200),
    (lambda n: "SELECT " + " ".join(f"(COUNT(DISTINCT *) AS ?a{i})" for i in range(n))
     + " { ?s ?p ?o }", 90),
    # A variable to describe is no node (an IRI is one: 2,624 crashed the engine).
    (lambda n: "DESCRIBE " + " ".join(f"?v{i}" for i in range(n)) + " { ?v0 ?p ?o }", 200),
], ids=["BIND", "glued BIND", "COUNT(*) arguments", "COUNT(DISTINCT *) AS", "DESCRIBE ?v"])
def test_bind_the_star_and_described_variables_count_what_the_engine_builds(make, n):
    reads(make(2))
    tokens_within(make(n), DEFAULT_BOUNDS)


@pytest.mark.parametrize("text", [
    "SELECT * { ?s ?p ?o FILTER(1" + " * 1" * 101 + ") }",
    "SELECT * { " + " . ".join(["?s a* ?o"] * 51) + " }",
    "SELECT * { ?s ?p ?o " + " ".join(f"BIND(1 AS ?b{i})" for i in range(101)) + " }",
    "DESCRIBE " + " ".join(f"<http://e/{i}>" for i in range(101)),
])
def test_operators_binds_and_described_iris_are_counted(text):
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(text, DEFAULT_BOUNDS)


def test_a_long_list_of_keys_is_read_in_linear_time():
    # Each bracketed key is looked at to its ')' (is it a variable?): looking through a copy
    # of the rest of the query each time took time quadratic in the number of keys.
    text = "SELECT * { ?s ?p ?o } ORDER BY " + "(?s) " * 40_000
    started = time.thread_time()  # CPU time: wall time counts the machine's load
    tokens_within(text, Bounds(max_bytes=1_000_000, max_tokens=200_000))
    assert time.thread_time() - started < 3


def test_group_concats_separator_is_no_pattern_separator_nor_equality():
    # Its ';' and '=' counted as a triple's separator and an operator: an aggregate named
    # with AS counted three, where the engine makes one node (2,624 crashed it, as 2,624
    # COUNT(*) did), and 33 were refused.
    make = lambda n: "SELECT " + " ".join(f"(GROUP_CONCAT(DISTINCT ?o; SEPARATOR=', ') AS ?a{i})"
                                          for i in range(n)) + " { ?s ?p ?o }"
    reads(make(2))
    tokens_within(make(90), DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(101), DEFAULT_BOUNDS)


@pytest.mark.parametrize("text", [
    # A signed number counted as an operator wherever it was not a collection's member: a
    # VALUES row or an IN list of 97 negative numbers was refused (half a million ran).
    "SELECT * { VALUES ?x { " + "-1 +2.5 " * 500 + "} }",
    "SELECT * { VALUES (?x ?y) { " + "(-1 +2) " * 500 + "} }",
    "SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join(["-1"] * 500) + ")) }",
    "SELECT * { BIND(COALESCE(" + ", ".join(["-1.5e3"] * 500) + ") AS ?c) }",
    "SELECT * { ?s ?p -1 " + ", -1" * 90 + " }",
])
def test_a_negative_number_is_a_number(text):
    reads(text)
    tokens_within(text, DEFAULT_BOUNDS)


@pytest.mark.parametrize("make,n", [
    (lambda n: "SELECT * { FILTER(1" + " -1" * n + ") }", 101),  # 1 - 1 - 1 ...: operators
    (lambda n: "SELECT * { FILTER(STR(?x)" + " +1" * n + ") }", 101),
    (lambda n: "SELECT * { ?s ?p (" + "-1 " * n + ") }", 51),  # members, two patterns each
])
def test_a_signed_number_after_an_operand_or_in_a_collection_is_counted(make, n):
    reads(make(2))
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(n), DEFAULT_BOUNDS)


@pytest.mark.parametrize("make", [
    # In a subquery's clause, a '(' after one holding EXISTS { } (or a subquery, or VALUES, in
    # it) was read as no expression, since the lexer ended the clause at any '{' or '}': its
    # '<?b&&...&&?b>' was an IRI to the checks and a chain of && to the engine (24,832 of them
    # passed the bounds and crashed it, SIGSEGV).
    lambda n: "SELECT * { { SELECT (EXISTS { } AS ?e) (1 <?b" + "&&?b" * n + "> 1 AS ?c) { } } }",
    lambda n: "SELECT * { { SELECT * { } ORDER BY ASC(EXISTS { }) (1 <?b" + "&&?b" * n
    + "> 1) } }",
    lambda n: "SELECT * { { SELECT (1 AS ?z) { } GROUP BY (EXISTS { }) (1 <?b" + "&&?b" * n
    + "> 1) } }",
    lambda n: "SELECT * { { SELECT (1 AS ?z) { } GROUP BY ?s HAVING (EXISTS { }) (1 <?b"
    + "&&?b" * n + "> 1) } }",
    lambda n: "SELECT * { { SELECT * { } ORDER BY ASC(EXISTS { SELECT * { } }) (1 <?b"
    + "&&?b" * n + "> 1) } }",
    lambda n: "SELECT * { { SELECT * { } ORDER BY ASC(EXISTS { VALUES ?x { 1 } }) (1 <?b"
    + "&&?b" * n + "> 1) } }",
])
def test_a_clause_goes_on_past_a_group_inside_it(make):
    reads(make(2))
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(101), DEFAULT_BOUNDS)


@pytest.mark.parametrize("make", [
    # The bounds ended a clause at a VALUES or a subquery anywhere in it, so the calls after
    # a condition holding one in EXISTS { } were not counted: 9,984 "NOW()" passed and
    # crashed the engine (SIGSEGV), at the top as in a subquery.
    lambda n: "SELECT * { } ORDER BY ASC(EXISTS { VALUES ?x { 1 } }) " + "NOW() " * n,
    lambda n: "SELECT * { { SELECT * { } ORDER BY ASC(EXISTS { VALUES ?x { 1 } }) "
    + "NOW() " * n + "} }",
    lambda n: "SELECT * { { SELECT * { } ORDER BY ASC(EXISTS { SELECT * { } }) "
    + "STR(?x) " * n + "} }",
    lambda n: "SELECT (1 AS ?z) { } GROUP BY (EXISTS { SELECT * { } }) " + "STR(?x) " * n,
])
def test_a_clause_goes_on_past_a_values_or_subquery_inside_it(make):
    reads(make(2))
    tokens_within(make(80), DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(101), DEFAULT_BOUNDS)


@pytest.mark.parametrize("make", [
    # The engine reads keywords glued into one word one at a time, and an undeclared prefix
    # as the keywords it begins with and the name after them: in a collection each is a
    # member.  Counted as one member, a word of 6,000 "true" passed the bounds and crashed the
    # engine (SIGSEGV, 24 kB), and one of 1,500 took over 40 s.
    lambda n: "SELECT * { ?s ?p (" + "true" * n + ") }",
    lambda n: "SELECT * { (" + "false" * n + ") ?p ?o }",
    lambda n: "SELECT * { ?s ?p (1 " + "truefalse" * (n // 2) + " 1) }",
    lambda n: "PREFIX : <http://e/> SELECT * { ?s ?p (" + "true" * n + ":a) }",
], ids=["word", "subject", "among members", "undeclared prefix"])
def test_each_keyword_glued_in_a_collections_word_is_a_member(make):
    reads(make(3))
    tokens_within(make(40), DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(60), DEFAULT_BOUNDS)


def test_a_declared_prefix_in_a_collection_is_one_member():
    # ag: is given to the engine, truetrue: declared by the query: each name is one member.
    make = lambda name, n: ("PREFIX truetrue: <http://e/> SELECT * { ?s ?p ("
                            + " ".join([name] * n) + ") }")
    for name in ("ag:a", "truetrue:a"):
        reads("PREFIX ag: <http://a/> " + make(name, 2))
        tokens_within(make(name, 45), DEFAULT_BOUNDS)


@pytest.mark.parametrize("make", [
    # Where a query begins no name can be: the engine reads DESCRIBE glued to a prefix,
    # declared or not, and its targets after it.  Read as a name, nothing after it counted:
    # 2,624 targets passed the bounds and crashed the engine (SIGSEGV, 13 kB).
    lambda n: "PREFIX ex: <http://e/> DESCRIBEex:a " + "ex:b " * n,
    lambda n: "PREFIX : <http://e/> describe:a " + ":b " * n,
    lambda n: "PREFIX describeex: <http://d/> PREFIX ex: <http://e/> Describeex:a "
    + "<http://e/b> " * n,
])
def test_describe_glued_to_a_prefix_counts_its_targets(make):
    reads(make(2))
    tokens_within(make(99), DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(make(100), DEFAULT_BOUNDS)


def elements(text: str) -> int:
    """Return how many elements the bounds count in ``text``."""
    low, high = -1, 1_000
    while high - low > 1:
        middle = (low + high) // 2
        try:
            tokens_within(text, Bounds(max_elements=middle))
            high = middle
        except Refused:
            low = middle
    return high


@pytest.mark.parametrize("with_,without", [
    # A "." or ";" before a closing bracket, another ";" or a "." separates nothing, and the
    # engine builds nothing for it; it counted one, so a query ending each group's last
    # triple with " ." (as the catalogue's do) reached the bound a group sooner.
    ("{ ?s ?p ?o . }", "{ ?s ?p ?o }"),
    ("{ ?s ?p ?o ; }", "{ ?s ?p ?o }"),
    ("{ ?s ?p ?o ;;; ?q ?r ; . ?a ?b ?c . }", "{ ?s ?p ?o ; ?q ?r . ?a ?b ?c }"),
    ("{ ?s ?p [ ?a ?b ; ] }", "{ ?s ?p [ ?a ?b ] }"),
    ("{ ?s ?p ?o {| ?a ?b ; |} }", "{ ?s ?p ?o {| ?a ?b |} }"),
    ("{ OPTIONAL { ?s ?p ?o . } . }", "{ OPTIONAL { ?s ?p ?o } }"),
])
def test_a_separator_that_separates_nothing_is_not_counted(with_, without):
    reads("SELECT * " + with_)
    assert elements("SELECT * " + with_) == elements("SELECT * " + without)
    # A separator between two patterns still counts.
    assert elements("SELECT * { ?s ?p ?o . ?s ?p ?o }") == elements("SELECT * { ?s ?p ?o }") + 1


@pytest.mark.parametrize("key,n,refused", [
    # A key that is a variable renamed is no node to the engine: a million "(?s AS ?gN)"
    # ran, and with them 2,624 "(1 AS ?hN)" crashed it as 2,624 alone did.  Its AS counted
    # one, so 100 such keys were refused.
    ("(?s AS ?g{i})", 1000, False),
    ("(?s AS ?g{i}) (1 AS ?h{i})", 101, True),  # an expression named still counts, by its AS
    ("(STR(?s) AS ?g{i})", 101, True),
])
def test_a_group_key_that_renames_a_variable_is_not_counted(key, n, refused):
    make = lambda n: ("SELECT (COUNT(*) AS ?c) { ?s ?p ?o } GROUP BY "
                      + " ".join(key.format(i=i) for i in range(n)))
    reads(make(2))
    if refused:
        with pytest.raises(Refused, match="max_query_elements"):
            tokens_within(make(n), DEFAULT_BOUNDS)
    else:
        tokens_within(make(n), DEFAULT_BOUNDS)
    # In a projection or a BIND the AS still counts (2,624 of either crashed the engine).
    for make in (lambda n: "SELECT " + " ".join(f"(?s AS ?a{i})" for i in range(n)) + " { }",
                 lambda n: "SELECT * { " + " ".join(f"BIND(?s AS ?b{i})" for i in range(n))
                 + " }"):
        reads(make(2))
        with pytest.raises(Refused, match="max_query_elements"):
            tokens_within(make(101), DEFAULT_BOUNDS)


@pytest.mark.parametrize("text", [
    # Where no "." or FILTER can be, in an expression, a VALUES block or a prefix's
    # declaration, a declared prefix holding them is a name: each counted one more node.
    "SELECT * { FILTER(?o IN (" + ", ".join(["filter:a", "a.b:c"] * 60) + ")) }",
    "SELECT * { FILTER(COALESCE(" + ", ".join(["filter:f(?o)"] * 120) + ")) }",
    "SELECT * { VALUES ?x { " + "filter:a a.b:c " * 60 + "} }",
    "SELECT * { VALUES (?x ?y) { " + "(filter:a a.b:c) " * 60 + "} }",
])
def test_a_declared_prefix_holding_filter_or_a_dot_is_a_name_in_an_expression(text):
    reads("PREFIX filter: <http://f/> PREFIX a.b: <http://a/> " + text)
    assert elements("PREFIX filter: <http://f/> PREFIX a.b: <http://a/> " + text) == elements(
        "PREFIX : <http://f/> " + text.replace("filter:", ":").replace("a.b:", ":"))


@pytest.mark.parametrize("unit", ["filter:f(?o)", "FILTER:()", "?s ?p false.FILTER:()"])
def test_a_prefix_holding_filter_after_a_pattern_still_counts(unit):
    # There the engine reads the keyword, declared or not: 9,350 "FILTER:()" crashed it.
    text = "PREFIX filter: <http://f/> PREFIX : <http://e/> SELECT * { ?s ?p ?o " + unit * 101
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(text + " }", DEFAULT_BOUNDS)


@pytest.mark.parametrize("make,count", [
    # A subquery is its two groups to the engine, as MINUS { } is its keyword and group: 2,624
    # of either in a row crashed it, and 2,560 nested subqueries as 2,208 nested groups did.
    # SELECT counted one more, so 33 subqueries in a row were refused.
    (lambda n: "SELECT * { " + "{ SELECT * { } } " * n + "}", 2),
    (lambda n: "SELECT * { " + "MINUS { } " * n + "}", 2),
    (lambda n: "SELECT * " + "{ SELECT * " * n + "{ }" + " }" * n, 1),
    (lambda n: "SELECT * " + "{ " * n + "{ }" + " }" * n, 1),
])
def test_a_subquery_counts_its_groups(make, count):
    reads(make(2))
    assert elements(make(20)) - elements(make(10)) == 10 * count


@pytest.mark.parametrize("member", ["-?o", "+?o", "!?o", "-(1)", "- -1"])
def test_a_sign_opening_a_lists_member_is_not_counted(member):
    # A list is no chain to the engine, and a sign before one member wraps that member
    # alone: 200,000 of each in an IN list ran.  Each counted one operator, so an IN list of
    # 100 negated variables was refused.
    make = lambda n: "SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join([member] * n) + ")) }"
    reads(make(2))
    assert elements(make(300)) == elements(make(1))
    # A sign after an operand, or on a sign, is an operator all the same.
    assert elements("SELECT * { FILTER(" + "- " * 101 + "1) }") > 100
    assert elements("SELECT * { FILTER(" + "!" * 101 + "?o) }") > 100
    assert elements("SELECT * { FILTER(1" + " - ?o" * 101 + ") }") > 100


def test_no_prefix_the_engine_is_given_reads_as_a_keyword_glued_to_a_name():
    # The lexer and the bounds read "FILTERex:f(", "ORDERBYex:f()" and "a.b:" by the engine's
    # reading of an undeclared prefix; they do not ask whether the query's engine was given
    # that prefix.  A project prefix named "filters" or "by", or holding a dot, would make
    # them read the project's own names as keywords (sparql.py, bounds.py).
    from alliance_graph.keywords import BY_GLUED, FILTER_GLUED, glued
    from alliance_graph.namespaces import PREFIX_IRIS
    for prefix in PREFIX_IRIS:
        assert not glued(prefix.upper(), FILTER_GLUED + BY_GLUED), prefix
        assert "." not in prefix, prefix


@pytest.mark.parametrize("text, where", [
    ("ASK" * 33_000, "'ASKASKASK"),  # 33,000 keywords, one word to the lexer
    ("SELECT * { ?s ?p " + "a" * 90_000 + " }", "line 1, column 18"),
    ("SELECT * { ?s ?p ?o } ORDER BY " + "truetrue" * 12_000 + ":x", "'truetruetrue"),
])
def test_a_word_of_glued_keywords_counts_as_the_tokens_the_engine_reads(text, where):
    # The checks split such a word into its keywords, token by token: 99 kB of "AAA..."
    # held the front's interpreter for 0.3 s, passed as one token.  Over the bound, it is
    # refused before anything splits it.
    started = time.thread_time()  # CPU time: wall time counts the machine's load
    with pytest.raises(Refused, match="more than 20,000 tokens") as refused:
        tokens_within(text, DEFAULT_BOUNDS)
    assert refused.value.status == 400
    assert where in str(refused.value) and "(Settings.max_query_tokens)" in str(refused.value)
    assert time.thread_time() - started < 1


@pytest.mark.parametrize("text, tokens", [
    ("ASK { ?s ?p trueFALSEtrue }", 8),  # three keywords for one word: ten
    ("ASK { ?s ?p truetrue:x }", 8),  # an undeclared prefix: true, true and :x
    ("ASK { ?s ?p ag:x . ?s ?p ag:y }", 10),  # declared: one each, though a begins them
    ("PREFIX aa: <http://e/> ASK { ?s ?p aa:x }", 9),  # declared by the query
])
def test_glued_keywords_count_as_many_tokens_declared_prefixes_as_one(text, tokens):
    tokens_within(text, Bounds(max_tokens=tokens))
    with pytest.raises(Refused, match=f"more than {tokens - 1:,} tokens"):
        tokens_within(text, Bounds(max_tokens=tokens - 1))


def test_brackets_inside_an_iri_count_only_while_it_lasts():
    # An IRI is one terminal: its brackets are the engine's only should the lexer misread a
    # '<', so they count while the IRI lasts.  Counted as depth, a ')' in an IRI lowered the
    # depth of the real brackets around it, and 6,500 calls "<e:)>(" nested in one FILTER
    # (about 45 KB) passed and crashed the engine (SIGSEGV); a '(' in 33 IRIs was 33 levels
    # that never closed, and the query was refused.
    deep = "SELECT * { FILTER(" + "<e:)>(" * 40 + "1" + ")" * 40 + ") }"
    with pytest.raises(Refused, match="max_query_depth"):
        tokens_within(deep, DEFAULT_BOUNDS)
    opened = "SELECT * { VALUES ?x { " + "<http://e/a(> <http://e/b((> " * 40 + "} }"
    assert len(list(ox.Store().query(opened))) == 80  # the engine reads it
    tokens_within(opened, DEFAULT_BOUNDS)
    with pytest.raises(Refused, match="max_query_depth"):
        tokens_within("ASK { VALUES ?x { <http://e/" + "(" * 33 + ")" * 33 + "> } }",
                      DEFAULT_BOUNDS)


XSD = "http://www.w3.org/2001/XMLSchema#"


def _fewest_elements(text: str) -> int:
    """Return the smallest element bound ``text`` passes."""
    for most in range(200):
        try:
            tokens_within(text, Bounds(max_elements=most))
            return most
        except Refused:
            pass
    raise AssertionError(f"no bound under 200 lets {text!r} through")


@pytest.mark.parametrize("prefix, text", [
    # Where no FILTER or "." can be read (an ORDER BY or GROUP BY condition, a projection),
    # a name is a name: ORDER BY filter:string() counted one FILTER more than ORDER BY ex:string().
    ("filter", "SELECT * { ?s ?p ?o } ORDER BY filter:string(?o) DESC(filter:integer(?s)) filter:double(1)"),
    ("a.b", "SELECT ?k { ?s ?p ?o } GROUP BY (a.b:string(?o) AS ?k) a.b:integer(?s) ORDER BY a.b:string(?k)"),
    ("filter.x", "SELECT (filter.x:string(?s) AS ?k) { ?s ?p ?o } ORDER BY filter.x:string(?o)"),
    # A dot is read as a separator only after a part that is keywords alone (an undeclared
    # "true.x:" is "true . x:"): "dc.terms" is a name wherever it is, declared or not.
    ("dc.terms", "SELECT * { ?s dc.terms:title ?o ; dc.terms:date ?d . ?d dc.terms:p ?e }"),
    ("myfilter", "SELECT * { ?s myfilter:p ?o . ?o myfilter:q ?e }"),
    # Where a triple's verb or object is, the engine reads a triple's parts before FILTER: a
    # declared "filters:p" or "true.x:p" is a name there, and each counted a FILTER or a "."
    # more than "ex:p" (after ";" too, where the object after it parses).
    ("filters", "SELECT * { ?s filters:p ?o ; filters:q filters:r . [ filters:p ?o ] ?p ?o, "
                "filters:o . ?s ?p ?o ; ?q filters:o ; filters:p 1 ; filters:q ?e }"),
    ("true.x", "SELECT * { ?s true.x:p ?o . ?o ?p true.x:o ; ?q true.x:o ; true.x:p 'x' . "
               "?s ^true.x:p/true.x:q|true.x:r ?o }"),
    # DESCRIBE is read only where a query begins, not in a prefix after the WHERE group: the
    # LIMIT and OFFSET after it counted as DESCRIBE's targets.
    ("describex", "SELECT * { ?s ?p ?o } ORDER BY describex:string(?o) LIMIT 1 OFFSET 2"),
])
def test_a_declared_prefix_holding_a_keyword_counts_as_any_name_where_it_is_one(prefix, text):
    # XML Schema's casts: functions the engine runs.
    declared = f"PREFIX {prefix}: <{XSD}> PREFIX ex: <{XSD}> "
    ox.Store().query(declared + text)  # the engine reads it
    plain = text.replace(f"{prefix}:", "ex:")
    assert _fewest_elements(declared + text) == _fewest_elements(declared + plain)


def test_a_dot_after_keywords_in_a_prefix_still_counts():
    # Undeclared, "true.x:p" is "true . x:p" to the engine: its dot separates two triples.
    glued = "PREFIX x: <http://e/> SELECT * { ?s ?p true.x:p ?o }"
    apart = "PREFIX x: <http://e/> SELECT * { ?s ?p true . x:p ?p ?o }"
    assert _fewest_elements(glued) == _fewest_elements(apart) > 1


@pytest.mark.parametrize("prologue", ["PREFIXex:<http://e/>", "PREFIX ex:<http://e/>",
                                      "BASE<http://e/>PREFIX ex:<http://e/>",
                                      "VERSION'1.2'PREFIX ex:<http://e/>"])
def test_describe_glued_to_a_prefix_counts_its_targets_after_any_prologue(prologue):
    # Read as the query's first token after a prologue of plain tokens, DESCRIBEex:a after a
    # glued PREFIXex: was taken for a name, and its 200 targets went uncounted.
    text = prologue + " DESCRIBEex:a" + " ex:b" * 200
    ox.Store().query(text.replace(" ex:b" * 200, " ex:b"))  # the engine reads it
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(text, DEFAULT_BOUNDS)


@pytest.mark.parametrize("word", ["true1", "false2e3", "true1false", "false-1", "true.5"])
def test_numbers_glued_to_keywords_in_a_word_are_members_as_the_engine_reads_them(word):
    # A word's letters and digits are one token to the lexer, a keyword and a number to the
    # engine: 10,000 "true1" in one word, one member to the bounds, were 20,000 members to
    # the engine, and crashed it (SIGSEGV), through ag.run and `query`.
    # So is a prefix the engine reads again from its start, not declared: "false-1-1ex:a" is
    # false, -1, -1 and ex:a to it (10,000 "-1" crashed it).
    glued = "ex:a" if "-" in word or "." in word else ""
    text = "PREFIX ex: <http://e/> SELECT * { ?s ?p (" + word * 2 + glued + ") }"
    ox.Store().query(text)  # the engine reads it
    with pytest.raises(Refused, match="max_query_elements"):
        tokens_within(text.replace(word * 2, word * 100), DEFAULT_BOUNDS)


def test_a_blank_node_after_keywords_in_a_prefix_is_a_member_too():
    # "true_:b:x" is true, the blank node _:b and :x to the engine, three members: read as
    # the keywords and one name, it counted two.
    built = ox.Store().query("PREFIX : <http://e/> CONSTRUCT { <u:s> <u:p> (true_:b:x) } {}")
    assert sum(t.predicate.value.endswith("#first") for t in built) == 3
    glued = "PREFIX : <http://e/> SELECT * { ?s ?p (true_:b:x) }"
    assert _fewest_elements(glued) >= _fewest_elements(glued.replace("true_:b:x", "1 2 3"))


@pytest.mark.parametrize("glued,apart", [
    # Where an object is (after a verb, or a ","), a declared "graph:x {" is a name and a
    # group to the engine, and counted no GRAPH: it counted one, as after a whole triple.
    ("SELECT * { ?s ?p graph:x { ?a ?b ?c } }", "SELECT * { ?s ?p id:x { ?a ?b ?c } }"),
    ("SELECT * { ?s ?p ?o, graph:x { ?a ?b ?c } }", "SELECT * { ?s ?p ?o, id:x { ?a ?b ?c } }"),
    ("SELECT * { ?s a graph:x { ?a ?b ?c } }", "SELECT * { ?s a id:x { ?a ?b ?c } }"),
    # FILTERex:f( is FILTER ex:f( to the engine (ex: declared, filterex: not): its arguments
    # are a list, and counted as a collection's members, two each and a "," between.
    ("PREFIX ex: <http://e/> SELECT * { ?s ?p ?o FILTERex:f(?a, ?b, ?c) }",
     "PREFIX ex: <http://e/> SELECT * { ?s ?p ?o FILTER ex:f(?a, ?b, ?c) }"),
    ("PREFIX ex: <http://e/> SELECT * { ?s ?p trueFILTERex:f(?a, ?b) }",
     "PREFIX ex: <http://e/> SELECT * { ?s ?p true FILTER ex:f(?a, ?b) }"),
])
def test_a_name_glued_to_a_keyword_counts_as_the_engine_reads_it(glued, apart):
    declared = "PREFIX graph: <http://g/> PREFIX id: <http://i/> "
    reads(declared + glued)
    reads(declared + apart)
    assert elements(declared + glued) == elements(declared + apart)


@pytest.mark.parametrize("name,keyword", [("filter:f(?o)", "FILTER :f(?o)"),
                                          ("graph:x { }", "GRAPH :x { }")])
def test_a_declared_prefix_holding_a_keyword_after_a_separator_still_counts(name, keyword):
    # After "; ." a pattern begins, where the engine reads the keyword in a declared
    # filter:f( or graph:x {: the token before followed a verb, and the name was taken for
    # an object, its FILTER or GRAPH uncounted.
    text = "PREFIX filter: <http://f/> PREFIX graph: <http://g/> PREFIX : <http://e/> SELECT * "
    glued, apart = (text + "{ ?s ?p ?o ; . " + unit + " }" for unit in (name, keyword))
    reads(glued)
    assert elements(glued) == elements(apart)


def test_a_graph_name_glued_after_a_triple_still_counts():
    # After a whole triple no name can be: there "graph:x {" is GRAPH :x { to the engine.
    text = "PREFIX : <http://e/> PREFIX graph: <http://g/> SELECT * { ?s ?p ?o graph:x { } }"
    reads(text)
    assert elements(text) == elements(text.replace("graph:x", "GRAPH :x"))


@pytest.mark.parametrize("text", [
    "SELECT * { ?s ?p 'x }",
    "SELECT * { ?s ?p ?o } \u00a7",
    "SELECT * { \\u0053ERVICE <http://e/> { } }",
])
def test_text_no_token_starts_is_refused_by_the_bounds_on_every_path(text):
    # The lexer reads no further than such a character, and the bounds relied on the engine
    # failing there too: on the library's path nothing else refused it.
    with pytest.raises(SyntaxError):
        ox.Store().query(text)
    with pytest.raises(Refused, match=r"syntax error \(at line 1, column \d+\)") as refused:
        tokens_within(text, DEFAULT_BOUNDS)
    assert refused.value.status == 400
