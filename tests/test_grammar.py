"""The query check against the SPARQL grammar: a valid query is answered as the engine answers it.

Each ``tests/fixtures/grammar/*.rq`` writes one construct of the SPARQL 1.1 grammar (and the
RDF 1.2 terms Oxigraph reads) and its corner cases; the endpoint (a real `serve` process, its
checks in front of the engine) must answer it exactly as pyoxigraph answers it in process over
the same graph, never refuse it, and so must the library's path (``results.run``: ``ag.run``
and `query`).  Each ``invalid/*.rq`` is a query the engine cannot read: a
400 carrying the parser's own message and position.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import results as queries
from alliance_graph.sparql import one_line
from helpers import fetch, normalized

GRAMMAR = Path(__file__).parent / "fixtures" / "grammar"
VALID = sorted(GRAMMAR.glob("*.rq"))
INVALID = sorted((GRAMMAR / "invalid").glob("*.rq"))
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


def _served(endpoint: str, text: str) -> tuple[int, bytes, str]:
    url = f"{endpoint}/sparql?{urllib.parse.urlencode({'query': text})}"
    status, headers, body = fetch(url, headers={"Accept": _ACCEPT})
    return status, body, headers.get("Content-Type", "")


def _in_process(kg, text: str):
    """Return pyoxigraph's own answer over the graph the endpoint serves: the asserted union,
    or the graphs the query's FROM and FROM NAMED name (read by the engine itself)."""
    tokens = text.upper().split()
    if "FROM" in tokens:
        return kg.store.query(text, prefixes=PREFIX_IRIS)
    return kg.query(text)


def _parsed(body: bytes, content_type: str):
    if content_type.startswith("application/n-triples"):
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def test_the_grammar_corpus_is_there():
    assert len(VALID) >= 50 and len(INVALID) >= 5


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_a_valid_query_is_answered_as_the_engine_answers_it(endpoint, kg, path):
    text = path.read_bytes().decode("utf-8")  # as written: CR LF line ends kept
    status, body, content_type = _served(endpoint, text)
    assert status == 200, body.decode("utf-8", "replace")
    engine = normalized(_in_process(kg, text))
    assert normalized(_parsed(body, content_type)) == engine
    assert normalized(queries.run(kg, text)) == engine  # the library's and `query`'s path


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_an_invalid_query_is_refused_with_the_parsers_message(endpoint, path):
    text = path.read_bytes().decode("utf-8")  # as written: CR LF line ends kept
    with pytest.raises(SyntaxError) as parser:
        ox.Store().query(text, prefixes=PREFIX_IRIS)
    status, body, _ = _served(endpoint, text)
    assert status == 400
    said = body.decode("utf-8")
    # "error at LINE:COLUMN: expected ...", said on one line (sparql.one_line): the parser
    # breaks its lists of character classes over several, and its list is said short.
    assert one_line(str(parser.value)) in said
    assert "Traceback" not in said


def test_the_librarys_path_reads_past_no_character_the_engine_reads(kg):
    # "true1(" is true, 1 and a collection to the engine, its '<...>' an IRI: read as a call,
    # the lexer took '<' for less-than and stopped at the '%', and given its graphs the
    # library's path checked nothing after it (its depth here), relying on the engine to fail
    # there; it read on, and a deep enough query crashed the process.
    text = ("SELECT * { ?s ?p (true1(?a<http://x/%41>)) " + "{ " * 40 + "}" * 40 + " }")
    kg.query(text.replace("{ " * 40 + "}" * 40, ""), per_file=False)  # the engine reads it
    with pytest.raises(queries.QueryError, match="max_query_depth"):
        queries.run(kg, text, per_file=False)
    # And where the lexer does stop, the library refuses what it could not read, saying where.
    with pytest.raises(queries.QueryError, match=r"syntax error \(at line 1, column 18\)"):
        queries.run(kg, "SELECT * { ?s ?p 'x }", per_file=False)
