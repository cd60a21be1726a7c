"""``answer``: a query evaluated, bounded and written in the first of the client's formats
that carries it, over the shipped graph in process."""

import csv
import io
import re
import socket
import urllib.parse

import pyoxigraph as ox
import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import answer as answer_module
from alliance_graph.query.answer import answer
from alliance_graph.query.dataset import Dataset
from alliance_graph.query.refused import Refused
from alliance_graph.query.results import GRAPH_FORMATS, RESULT_FORMATS
from helpers import fetch, results_held, results_left_in_cycles

LI = "CONSTRUCT { <http://e/s> rdf:li <http://e/o> } {}"


def written(kg, text, names, table=GRAPH_FORMATS, max_bytes=2**20):
    data, fmt = answer(kg, text, Dataset(), [table[n] for n in names], max_bytes, PREFIX_IRIS)
    return data, fmt.name


def test_the_first_format_that_carries_the_answer_is_the_one_written(kg):
    assert written(kg, LI, ["xml", "jsonld", "nt"])[1] == "jsonld"
    assert written(kg, LI, ["turtle"])[1] == "turtle"
    # One that carries it first: nothing else is tried.
    data, name = written(kg, "CONSTRUCT { id:IronDome a ag:Thing } {}", ["xml", "turtle"])
    assert name == "xml" and b"rdf:RDF" in data


def test_a_format_passed_over_leaves_no_result_in_a_reference_cycle(kg):
    # The first format's refusal was kept to be told if none carried the answer: it held the
    # frame keeping it and, by its traceback, the result, a cycle the garbage collector freed
    # later on another thread (a failed test in CI, twice: 24 results in cycles).
    assert results_left_in_cycles(lambda: written(kg, LI, ["xml", "jsonld", "nt"])) == 0


def test_with_none_left_the_answer_is_refused_406_saying_which_format_failed(kg):
    with pytest.raises(Refused) as refused:
        written(kg, LI, ["xml"])
    assert refused.value.status == 406
    assert str(refused.value).startswith("the answer cannot be written as application/rdf+xml (")
    assert "such as Turtle or N-Triples" in str(refused.value)
    with pytest.raises(Refused, match="such as JSON") as refused:
        written(kg, 'SELECT ("a\\u0001b" AS ?x) {}', ["xml"], RESULT_FORMATS)
    assert refused.value.status == 406


@pytest.mark.parametrize("text, table, why", [
    ('SELECT ("a\\uFFFE" AS ?x) {}', RESULT_FORMATS, "not well-formed (invalid token)"),
    ('CONSTRUCT { <http://e/s> <http://e/a\u2070> "x" } {}', GRAPH_FORMATS,
     "not well-formed (invalid token)"),  # a name character expat's tables refuse
    ('CONSTRUCT { <http://e/s> <http://www.w3.org/2000/xmlns/p> "x" } {}', GRAPH_FORMATS,
     "unbound prefix"),                     # written <xmlns:p>
    # XML, but no RDF/XML parser reads an old term's element: it was a 200.
    ("CONSTRUCT { <http://e/s> rdf:bagID 1 } {}", GRAPH_FORMATS,
     "the element rdf:bagID is one of RDF/XML's old syntax names, which no RDF/XML parser reads"),
    ("CONSTRUCT { <http://e/s> a rdf:aboutEach } {}", GRAPH_FORMATS,
     "the element rdf:aboutEach is one of RDF/XML's old syntax names, which no RDF/XML parser "
     "reads"),
])
def test_each_kind_of_xml_no_parser_reads_is_refused(kg, text, table, why):
    with pytest.raises(Refused) as refused:
        written(kg, text, ["xml"], table)
    assert refused.value.status == 406 and f"({why}: line " in str(refused.value)


def test_a_name_expat_reads_is_written_as_xml(kg):
    data, name = written(kg, 'CONSTRUCT { <http://e/s> <http://e/caf\u00e9> "x" } {}', ["xml"])
    assert name == "xml" and len(list(ox.parse(data, format=ox.RdfFormat.RDF_XML))) == 1


def test_xml_a_scan_finds_nothing_wrong_in_is_not_read_by_expat(kg, monkeypatch):
    # expat read every byte of every XML answer: 0.3 s of 82 MB (300,000 rows), a third of
    # the time Oxigraph took to write them.  It reads only what the scan finds now.
    def unread():
        raise AssertionError("expat read XML the scan found nothing wrong in")
    monkeypatch.setattr(answer_module, "xml_reader", unread)
    for text, table in [("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 500", RESULT_FORMATS),
                        ("DESCRIBE id:IronDome", GRAPH_FORMATS)]:
        data, name = written(kg, text, ["xml"], table)
        assert name == "xml" and len(data) > 1000
    monkeypatch.undo()  # ... and says why, in expat's words, when the scan finds something
    with pytest.raises(Refused, match=r"\(not well-formed \(invalid token\): line 1, column"):
        written(kg, 'SELECT ("a\\u0001b" AS ?x) {}', ["xml"], RESULT_FORMATS)


def test_a_query_failing_as_its_rows_are_written_is_its_own_failure_not_the_formats(kg):
    # In process nothing forbids a SERVICE call; one to a port where nothing listens fails
    # only as the rows are read, in RDF/XML as in any format: 400, not "cannot be written".
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/q> {{ ?s ?p ?o }} }}"
    for names in (["xml"], ["xml", "jsonld"], ["xml", "turtle"]):
        with pytest.raises(Refused) as refused:
            written(kg, text, names)
        assert refused.value.status == 400, names
        assert str(refused.value).startswith("query failed: query evaluation failed:")


def test_an_answer_too_large_is_422_in_every_format_without_trying_the_next(kg):
    with pytest.raises(Refused) as refused:
        written(kg, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", ["xml", "turtle"], max_bytes=1000)
    assert refused.value.status == 422


@pytest.mark.parametrize("text, value", [
    ('SELECT ?t ?n WHERE { BIND(<<( <http://e/s> <http://e/p> "a,b\\"c\\nd" )>> AS ?t) BIND(1 AS ?n) }',
     '<<( http://e/s http://e/p "a,b""c\nd" )>>'),
    ("SELECT ?t ?n WHERE { BIND(<http://dbpedia.org/resource/Washington,_D.C.> AS ?t) BIND(1 AS ?n) }",
     "http://dbpedia.org/resource/Washington,_D.C.")])
def test_csv_holding_a_triple_term_or_an_iri_with_a_comma_reads_back_row_by_row(kg, text, value):
    # Oxigraph's writer left both bare: the comma, quote and line feed made one row three
    # fields on two lines (Accept: text/csv as on the command line).
    data, name = written(kg, text, ["csv"], RESULT_FORMATS)
    assert name == "csv"
    assert list(csv.reader(io.StringIO(data.decode(), newline=""))) == [["t", "n"], [value, "1"]]


@pytest.mark.parametrize("text, body", [
    ('SELECT ?x WHERE { VALUES ?x { UNDEF "" "a" } }', b'x\r\n""\r\n""\r\na\r\n'),
    ("SELECT ?l WHERE { OPTIONAL { id:NoSuchThing rdfs:label ?l } }", b'l\r\n""\r\n')])
def test_a_one_column_csv_answer_at_the_endpoint_keeps_a_row_for_an_empty_value(
        endpoint, text, body):
    # Written by the engine: its row was an empty line, which Python's csv reads as no field
    # and pandas skips, so an analyst's table lost it.
    status, headers, data = fetch(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': text})}",
                                  headers={"Accept": "text/csv"})
    assert (status, headers["Content-Type"], data) == (200, "text/csv; charset=utf-8", body)



@pytest.mark.parametrize("text, names, max_bytes", [
    (LI, ["xml"], 2**20),                                                   # 406
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", ["turtle"], 1000),        # 422
    ("SELECT ?s WHERE { ?s ?p ?o }", ["json"], 1000),
    ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }",
     ["turtle"], 2**20)])                                                   # 400
def test_a_refusal_holds_no_result_for_another_thread_to_drop(kg, text, names, max_bytes):
    # Kept by pytest.raises (a reference cycle), the frames held the query's result until the
    # garbage collector ran, on a later command's thread: pyoxigraph's "PyQueryTriples is
    # unsendable, but is being dropped on another thread" failed that test.
    with pytest.raises(Refused) as refused:
        written(kg, text, names, RESULT_FORMATS if "SELECT" in text else GRAPH_FORMATS,
                max_bytes)
    assert results_held(refused.value) == []


def test_a_prefix_declared_nowhere_is_a_400_saying_so_and_the_engines_are_declared(kg):
    # The parser said "expected OPTIONAL" of it; a prefix the engine was given is declared.
    with pytest.raises(Refused) as refused:
        written(kg, "SELECT * { ?s ag:p ?o ; wd:P31 ?x }", ["json"], RESULT_FORMATS)
    assert refused.value.status == 400 and str(refused.value).startswith(
        "query failed: the prefix wd: at line 1, column 25 is not declared: add PREFIX wd:")
    with pytest.raises(Refused, match="the prefix ag: at line 1, column 15 is not declared"):
        answer(kg, "SELECT * { ?s ag:p ?o ; wd:P31 ?x }", Dataset(), [RESULT_FORMATS["json"]],
               2**20, None)


def test_a_misspelt_keyword_is_a_400_naming_it(kg):
    with pytest.raises(Refused) as refused:
        written(kg, "SELECT ?s WHER { ?s ?p ?o }", ["json"], RESULT_FORMATS)
    assert refused.value.status == 400 and str(refused.value).startswith(
        "query failed: WHER at line 1, column 11 is no SPARQL keyword: did you mean WHERE?")


@pytest.mark.parametrize("accept, declared", [
    ("text/turtle", {"ag", "id"}), ("application/rdf+xml", {"rdf", "ag"})])
def test_a_construct_answer_declares_only_the_prefixes_it_uses(endpoint, accept, declared):
    """Every CONSTRUCT answer declared the sixteen prefixes, graph:, prov:, schema: ... in an
    answer of one triple: it declares those its triples are written with."""
    text = "CONSTRUCT { id:IronDome ag:coFundedBy id:UnitedStates } {}"
    status, headers, data = fetch(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': text})}",
                                  headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    names = {n.decode() for pair in re.findall(rb'@prefix ([\w-]+):| xmlns:([\w-]+)="', data)
             for n in pair if n}
    assert names & set(PREFIX_IRIS) == declared, data[:600]
    fmt = ox.RdfFormat.from_media_type(accept)
    assert [str(q.triple) for q in ox.parse(data, format=fmt)] == [
        f"<{PREFIX_IRIS['id']}IronDome> <{PREFIX_IRIS['ag']}coFundedBy> "
        f"<{PREFIX_IRIS['id']}UnitedStates>"]


@pytest.mark.server
def test_over_a_remote_store_an_allowed_service_is_called_by_the_store_alone(request, settings):
    # A query for a remote store was first read by Oxigraph over an empty store (unknown
    # functions refused as the memory store refuses them), which evaluates an ASK at once:
    # with `--allow-service`, Oxigraph called the SERVICE, then the store called it again.
    from conftest import loaded_remote
    from test_service_stand_in import service

    with service() as (url, calls):
        kg = loaded_remote(request, settings, "oxigraph")
        query = f"ASK {{ SERVICE <{url}> {{ }} }}"
        # (The result is not kept: this frame, held by the pytest.raises below, would hold it
        # in a reference cycle.)
        assert bool(answer_module.run(kg, query, Dataset(), PREFIX_IRIS)) and len(calls) == 1, \
            calls
        # Read all the same, its service called by none: a query calling an allowed SERVICE
        # went unread, and its call of a function no store should run reached the store
        # (Virtuoso looks one up among its SQL procedures); it is refused as the memory
        # store refuses it.
        query = query.replace("{ } }", "{ } BIND(<urn:alliance-graph-test:f>(1) AS ?y) }")
        with pytest.raises(Refused) as refused:
            answer_module.run(kg, query, Dataset(), PREFIX_IRIS)
        with pytest.raises(Refused) as memory:
            answer_module.run(request.getfixturevalue("kg"), query, Dataset(), PREFIX_IRIS)
        assert (refused.value.status, str(refused.value)) == (400, str(memory.value))
        assert len(calls) == 1, calls


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")  # rdflib's own
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("label", ["1", "a:b"])
@pytest.mark.parametrize("accept, read_as", [("text/turtle", "turtle"), ("application/n-triples",
                                             "nt"), ("application/rdf+xml", "xml"),
                                             ("application/trig", "trig")])
def test_a_label_bnode_makes_is_an_answer_every_reader_takes(endpoint, label, accept, read_as):
    # BNODE("a:b") was written _:a:b (rdflib and Oxigraph read _:a and a prefixed name :b,
    # and refuse the document), BNODE("1") rdf:nodeID="1" (no XML name: a 406, or another
    # format than the one asked for): relabelled where the query's text may make one.
    import rdflib

    text = f'CONSTRUCT {{ ?b <http://e/p> ?b }} WHERE {{ BIND(BNODE("{label}") AS ?b) }}'
    status, headers, data = fetch(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': text})}",
                                  headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept), (status, data)
    graph = rdflib.Dataset() if read_as == "trig" else rdflib.Graph()
    graph.parse(data=data, format=read_as)
    [(s, _, o)] = [q[:3] for q in graph.quads()] if read_as == "trig" else list(graph)
    assert isinstance(s, rdflib.BNode) and s == o
    assert len(list(ox.parse(data, format=GRAPH_FORMATS[read_as].oxigraph))) == 1


@pytest.mark.parametrize("text, table", [
    ('SELECT ?l WHERE { BIND("' + "a\\r" * 200 + '" AS ?l) }', RESULT_FORMATS),
    ('CONSTRUCT { <http://e/s> rdfs:label "' + "a\\r" * 200 + '" } {}', GRAPH_FORMATS)])
def test_an_xml_answers_carriage_returns_count_as_written_within_the_limit(kg, text, table):
    # Written &#13; (so that they read back) after the bytes were counted: an answer bounded
    # at Oxigraph's 605 bytes was 1,401.
    data, _ = written(kg, text, ["xml"], table)
    assert data.count(b"&#13;") == 200
    assert written(kg, text, ["xml"], table, len(data)) == (data, "xml")
    with pytest.raises(Refused) as refused:
        written(kg, text, ["xml"], table, len(data) - 1)
    assert refused.value.status == 422
