"""Oxigraph's reading of a query bound for a remote store (``dialect.read_as_oxigraph``) with
its VALUES rows stood in for (``values_stand_in``): the same errors as the query's own, where
it says them, and no evaluation of its VALUES."""

import subprocess
import sys

import pyoxigraph as ox
import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query.dialect import read_as_oxigraph
from alliance_graph.query.values_stand_in import stand_ins
from alliance_graph.sparql import tokenize


def stood_in(text: str):
    tokens = tokenize(text)
    form = next(n for n, t in enumerate(tokens) if t.text.upper() in ("SELECT", "ASK"))
    return stand_ins(text, tokens, form)


def test_each_values_is_one_row_of_undef_and_its_rows_are_read_apart():
    query, alone = stood_in('PREFIX e: <urn:e:> SELECT * WHERE { VALUES ?a { 1 "}" e:x } '
                            "VALUES (?b $c) { (1 2) (UNDEF 3) } } VALUES () { () }")
    assert query == ("PREFIX e: <urn:e:> SELECT * WHERE { VALUES ?a { UNDEF } VALUES (?b $c) "
                     "{ (UNDEF UNDEF) } } VALUES () { () }")
    assert alone == ('PREFIX e: <urn:e:> SELECT * WHERE { { VALUES ?a { 1 "}" e:x } } UNION '
                     "{ VALUES (?b $c) { (1 2) (UNDEF 3) } } UNION { VALUES () { () } } }")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p ?o }",  # no VALUES: read as it is
    "SELECT * WHERE { VALUES { 1 } }",  # what the tokens do not read as a VALUES
    "SELECT * WHERE { VALUES ?x 1 }",
    "SELECT * WHERE { VALUES (?x 1) { (1) } }",
    "SELECT * WHERE { VALUES ?x { 1 ",
])
def test_no_stand_in_for_what_holds_no_values_as_written(text):
    assert stood_in(text) is None


def oxigraphs(text: str):
    """Return what Oxigraph itself raises reading ``text`` over nothing (None: nothing)."""
    try:
        ox.Store().query(text, prefixes=PREFIX_IRIS)
    except (SyntaxError, RuntimeError) as exc:
        return type(exc), str(exc)
    return None


def read(text: str):
    try:
        read_as_oxigraph(text, PREFIX_IRIS)
    except (SyntaxError, RuntimeError) as exc:
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("text", [
    "SELECT ?a WHERE { VALUES ?x { 1 } BIND(<urn:f>(?x) AS ?a) }",  # a call Oxigraph lacks
    "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { 1 2 } } HAVING (<urn:f>(?n))",
    # An empty VALUES: Oxigraph drops what joins it, the call too, and reads no error.
    "SELECT ?a WHERE { VALUES ?x { } BIND(<urn:f>(?x) AS ?a) }",
    "SELECT ?a WHERE { VALUES ?x { 1 nope:x } }",  # errors in the rows, placed as written
    "SELECT ?a WHERE { VALUES (?x ?y) { (1) } }",
    "SELECT ?a WHERE { VALUES ?x { 1 } } VALUES (?a ?b) { (1 2) (3 ?c) }",
    "BASE <urn:b/> SELECT ?a WHERE { VALUES ?x { <rel> } }",
    "SELECT ?a WHERE { VALUES ?x { 1 } ",  # the query's own syntax error
    "SELECT ?a WHERE { { SELECT ?x { VALUES ?x { 1 } } } VALUES ?y { 2 } FILTER(?x = ?y) }",
    "ASK { VALUES (?a ?b) { (1 2) } FILTER(<urn:g>(?a, ?b)) }",
    "CONSTRUCT { ?x ?x ?x } WHERE { VALUES ?x { <urn:a> } }",
])
def test_the_reading_raises_what_oxigraph_raises(text):
    assert read(text) == oxigraphs(text)


def test_the_values_of_a_query_are_not_evaluated_by_the_reading():
    # Four VALUES of 1,000 values each: their rows' product, 10^12 rows, is what Oxigraph
    # counted (or sorted, or asked for the first of) in the reading, and the store again;
    # it had not ended within hours.  Read in a process of its own, which its time limit
    # ends: the reading ends at once.
    values = " ".join(f"VALUES ?{v} {{ {' '.join(map(str, range(1000)))} }}" for v in "abcd")
    for text in (f"SELECT (COUNT(*) AS ?n) WHERE {{ {values} }}",
                 f"ASK {{ {values} FILTER(?a + ?b + ?c + ?d < 0) }}",
                 # The form glued to what follows, as the engine reads it (store/query_form):
                 # read as no form, or as the subquery's, the VALUES were evaluated in full.
                 f"SELECTDISTINCT(COUNT(*) AS ?n) WHERE {{ {values} }}",
                 f"ASKWHERE{{ {values} FILTER(?a + ?b + ?c + ?d < 0) }}",
                 f"SELECTREDUCED* {{ {{ SELECT (COUNT(*) AS ?n) {{ {values} }} }} }}"):
        done = subprocess.run([sys.executable, "-c", "import sys\n"
                               "from alliance_graph.query.dialect import read_as_oxigraph\n"
                               "read_as_oxigraph(sys.stdin.read(), None)"],
                              input=text, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
