"""``csv_results``: SPARQL CSV whose every field reads back, and Oxigraph's own writer kept for
the answers it writes right."""

import csv
import io
import random
import time

import pyoxigraph as ox
import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import csv_results, limits, results
from alliance_graph.store import graph
from alliance_graph.store.graph import KnowledgeGraph
from alliance_graph.store.layout import ASSERTED

# A triple term whose literal holds each character RFC 4180 quotes, an IRI holding a comma
# (DBpedia names one so), nested triple terms, a blank node, a number and an unbound variable.
AWKWARD = """SELECT ?t ?iri ?nested ?b ?n ?none WHERE {
  BIND(<<( id:IronDome rdfs:label "a, \\"b\\"\\r\\nc" )>> AS ?t)
  BIND(<http://dbpedia.org/resource/Washington,_D.C.> AS ?iri)
  BIND(TRIPLE(BNODE("x"), ag:p, <<( <http://e/a,b> ag:q 12 )>>) AS ?nested)
  BIND(BNODE("b") AS ?b) BIND(3.5 AS ?n) }"""


def fields(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def written(kg, text: str) -> bytes:
    out = io.BytesIO()
    csv_results.write(results.run(kg, text), out)
    return out.getvalue()


def test_every_field_of_an_awkward_row_reads_back_as_one_field(kg):
    # Oxigraph wrote both bare: the triple term's comma, quotes and line break, and the IRI's
    # comma, made the row 3 lines of 9 fields where the header has 6.
    header, row = fields(written(kg, AWKWARD))
    assert header == ["t", "iri", "nested", "b", "n", "none"]
    assert row[0] == ('<<( https://alliance-graph.example/id/IronDome '
                      'http://www.w3.org/2000/01/rdf-schema#label "a, ""b""\r\nc" )>>')
    assert row[1] == "http://dbpedia.org/resource/Washington,_D.C."
    assert row[2].startswith("<<( _:") and row[2].endswith(
        ' https://alliance-graph.example/ontology/p <<( http://e/a,b '
        'https://alliance-graph.example/ontology/q "12" )>> )>>')
    assert row[3].startswith("_:") and row[4:] == ["3.5", ""]


def test_a_triple_term_is_written_as_sparql_12s_csv_draft_writes_it(kg):
    # The draft's own example, with RDF 1.2's brackets: its literal in quotes, doubled again
    # by the field's quoting.
    data = written(kg, 'SELECT ?q { BIND(<<( <http://example/carol> <http://example/says> '
                       '"Hello world, my name is \\"Alice\\"." )>> AS ?q) }')
    assert data == (b'q\r\n"<<( http://example/carol http://example/says ""Hello world, my name'
                    b' is """"Alice""""."" )>>"\r\n')


@pytest.mark.parametrize("text", [
    "SELECT ?claim ?s ?o WHERE { ?claim rdf:subject ?s ; rdf:object ?o } ORDER BY ?claim",
    'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a,b" UNDEF) ("q\\"uote" "") ("line\\r\\nend" 1) '
    '(UNDEF "é") } }',
    "SELECT * {}", "SELECT ?x WHERE { FILTER(false) }"])
def test_an_ordinary_answer_is_the_bytes_oxigraphs_writer_writes(kg, text):
    # So the writer chosen never shows in the bytes of an answer both write right.
    oxigraph = results.run(kg, text).serialize(format=ox.QueryResultsFormat.CSV)
    assert written(kg, text) == oxigraph


ONE_COLUMN = 'SELECT ?x WHERE { VALUES ?x { UNDEF "" "a" } }'


@pytest.mark.parametrize("oxigraph", [False, True])
def test_a_one_column_answer_writes_an_unbound_or_empty_value_as_a_quoted_empty_field(
        kg, oxigraph):
    # Both writers wrote such a row as an empty line: Python's csv module reads it as no field
    # at all, and pandas passes over blank lines, so the analyst lost the row.
    out = io.BytesIO()
    csv_results.write(results.run(kg, ONE_COLUMN), out, oxigraph=oxigraph)
    assert out.getvalue() == b'x\r\n""\r\n""\r\na\r\n'
    assert fields(out.getvalue()) == [["x"], [""], [""], ["a"]]


@pytest.mark.parametrize("text", [
    'SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF UNDEF) ("" "a") } }', "SELECT * {}"])
def test_an_answer_of_other_than_one_column_is_left_to_oxigraph_when_it_writes_it_right(kg, text):
    # Its empty fields are between commas (a row of no column is an empty line, as it must be).
    out = io.BytesIO()
    csv_results.write(results.run(kg, text), out, oxigraph=True)
    assert out.getvalue() == results.run(kg, text).serialize(format=ox.QueryResultsFormat.CSV)
    assert out.getvalue() == written(kg, text)


@pytest.mark.parametrize("text", [
    "SELECT ?t { BIND(<<( id:a ag:p 1 )>> AS ?t) }", "SELECT ?t { BIND(tRiPlE(id:a, ag:p, 1) AS ?t) }",
    "SELECT ?r { << id:a ag:p ?o >> ag:q ?r }", "SELECT ?o { id:a ag:p ?o {| ag:q ?r |} }",
    "SELECT ?o { SERVICE <http://e/q> { ?s ?p ?o } }", "SELECT ?o { service<http://e/q> { ?s ?p ?o } }",
    'SELECT ?i { BIND(IRI("http://a,b") AS ?i) }', 'SELECT ?i { BIND(uri #why\n ("x") AS ?i) }',
    "SELECT ?i { BIND(<http://a,b> AS ?i) }", "BASE <http://a,b/> SELECT ?i { BIND(<c> AS ?i) }",
    "SELECT ?i { BIND(<http://a\\u002Cb> AS ?i) }", "SELECT ?i { BIND(ag:a\\,b AS ?i) }"])
def test_a_query_that_can_make_a_mangled_term_is_not_left_to_oxigraph(kg, text):
    assert not csv_results.oxigraph_writes(kg, text)


def test_a_run_of_hashes_after_iri_is_read_in_linear_time(kg):
    # (\s|#[^\n\r]*)* between IRI and its '(' could cut a run of n '#' into comments 2**n
    # ways: 22 took 0.84 s, 26 about 13 s, and a valid query of 40 (in a comment) held the
    # engine's lock for hours, at the engine's next CSV answer.
    started = time.thread_time()
    assert csv_results.oxigraph_writes(kg, "SELECT * {} # iri" + "#" * 26)
    assert csv_results.oxigraph_writes(kg, "SELECT * {} # iri" + "#" * 100_000 + "\n")
    assert time.thread_time() - started < 1


def test_an_ordinary_query_over_a_build_is_left_to_oxigraph_from_the_start(kg):
    # The build records its terms (store.layout.Terms): the engine learnt them by a scan of
    # every quad on a thread of its own (1.6 s at 100 k facts, far more at 1 M on disk),
    # writing with Python's writer until then, and the command line never learnt them.
    assert csv_results.oxigraph_writes(kg, "SELECT ?s ?l WHERE { ?s rdfs:label ?l }",
                                       PREFIX_IRIS.values())
    # Given a prefix or a graph holding a comma, or over a graph not in this process's store.
    assert not csv_results.oxigraph_writes(kg, "SELECT * {}", ["http://e/a,b/"])
    assert not csv_results.oxigraph_writes(KnowledgeGraph(object(), object()), "SELECT * {}")


@pytest.mark.parametrize("text", [
    "", '<http://e/a> <http://e/p> "x" .', '<http://e/a,b> <http://e/p> "x" .'])
def test_a_graph_whose_terms_are_not_recorded_clean_is_not_left_to_oxigraph(mini, text):
    # No record (a store handed in, a build made before the record), or one of an IRI with a
    # comma, which Oxigraph's writer left bare in any answer that selected it.
    if text:
        (mini.ontology_dir / "extra.ttl").write_text(text)
        built = graph.load(mini)
        assert csv_results.oxigraph_writes(built, "SELECT * {}") == ("," not in text)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"),
                      ASSERTED))
    assert not csv_results.oxigraph_writes(KnowledgeGraph(store, store), "SELECT * {}")
    assert not csv_results.oxigraph_writes(KnowledgeGraph(store, store, version="unknown"),
                                           "SELECT * {}")


# Terms a one-column answer can hold (None: unbound): every character CSV quotes, alone, in
# runs and at either end, in plain, language-tagged and typed literals; IRIs; blank nodes.
TEXTS = ["", "a", ",", '"', '""', "\n", "\r", "\r\n", "\n\r", "\r\n\r\n", 'a,"b"\r\n\r\nc', "é"]
SAMPLES = [None, *(ox.Literal(t) for t in TEXTS), *(ox.Literal(t, language="en") for t in TEXTS),
           *(ox.Literal(t, datatype=ox.NamedNode("http://e/t")) for t in TEXTS),
           ox.Literal(5), ox.Literal(2.5), ox.NamedNode("http://e/a"), ox.BlankNode()]


COLUMN = "SELECT ?x { ?r <http://e/row> ?i OPTIONAL { ?r <http://e/v> ?x } } ORDER BY ?i"


def column_store(terms) -> ox.Store:
    """Return a store whose answer to COLUMN holds ``terms`` in their order."""
    store, v = ox.Store(), ox.NamedNode("http://e/v")
    for i, term in enumerate(terms):
        row = ox.NamedNode(f"http://e/r{i}")
        store.add(ox.Quad(row, ox.NamedNode("http://e/row"), ox.Literal(i)))
        if term is not None:
            store.add(ox.Quad(row, v, term))
    return store


def both_writers(terms) -> tuple[bytes, bytes]:
    """Return the answer of ``terms`` as ``write`` writes it through Oxigraph's writer and as
    it writes it in Python (over one store: a blank node keeps its label)."""
    store = column_store(terms)
    fast, python = io.BytesIO(), io.BytesIO()
    csv_results.write(store.query(COLUMN), fast, oxigraph=True)
    csv_results.write(store.query(COLUMN), python, oxigraph=False)
    return fast.getvalue(), python.getvalue()


def test_a_one_column_answer_goes_to_oxigraphs_writer_when_it_writes_its_terms_right():
    # It was always written in Python (2.4 times Oxigraph's time at 972 k rows) for the sake
    # of its empty rows, which EmptyRowsQuoted now writes "" on Oxigraph's stream.
    class Answer:
        variables = [ox.Variable("x")]

        def serialize(self, out, format):
            seen.append((type(out), format))
            out.write(b"x\r\n\r\n")

    seen, out = [], io.BytesIO()
    csv_results.write(Answer(), out, oxigraph=True)
    assert seen == [(csv_results.EmptyRowsQuoted, ox.QueryResultsFormat.CSV)]
    assert out.getvalue() == b'x\r\n""\r\n'


@pytest.mark.parametrize("seed", range(40))
def test_a_one_column_answer_is_the_bytes_pythons_writer_writes(seed):
    # Unbound values and empty strings first, last and in runs, beside fields that hold
    # empty lines inside their quotes (left as they are) and no row at all.
    rng = random.Random(seed)
    terms = [rng.choice(SAMPLES) for _ in range(rng.choice([0, 1, 2, 5, 30, 200, 3000]))]
    fast, python = both_writers(terms)
    assert fast == python
    assert len(fields(fast)) == len(terms) + 1


@pytest.mark.parametrize("terms", [[], [None], [None, None, None], [ox.Literal("")] * 4,
                                   [ox.Literal("\r\n\r\n"), None, ox.Literal('"'), None, None]])
def test_a_one_column_answer_of_empty_rows_alone_or_in_runs(terms):
    fast, python = both_writers(terms)
    assert fast == python
    assert fields(fast) == [["x"], *(["" if t is None else t.value] for t in terms)]


AWKWARD_COLUMN = [None, None, ox.Literal("a"), None, ox.Literal('p,"q"\r\n\r\n\n\r'), None,
                  ox.Literal("\r"), None, None, ox.Literal('"'), ox.Literal(""), None]


def test_an_empty_row_is_written_wherever_oxigraphs_chunks_end():
    # Oxigraph writes 8 KB at a time: a chunk may end inside a CRLF, between two, or inside a
    # quoted field; every split of a small answer in two and in three, and byte by byte.
    raw = column_store(AWKWARD_COLUMN).query(COLUMN).serialize(format=ox.QueryResultsFormat.CSV)
    expected = both_writers(AWKWARD_COLUMN)[1]
    splits = [(i, j) for i in range(len(raw) + 1) for j in range(i, len(raw) + 1)]
    splits.append(tuple(range(len(raw) + 1)))
    for cut in splits:
        out = io.BytesIO()
        fixer = csv_results.EmptyRowsQuoted(out)
        for start, end in zip((0, *cut), (*cut, len(raw))):
            assert fixer.write(memoryview(raw)[start:end]) == end - start
        assert out.getvalue() == expected, cut


def test_a_one_column_answer_over_the_bound_is_refused_never_cut():
    # The bound counts the bytes written, each "" of an empty row with them.
    expected = both_writers(AWKWARD_COLUMN)[1]
    out = limits.Bounded(len(expected))
    csv_results.write(column_store(AWKWARD_COLUMN).query(COLUMN), out, oxigraph=True)
    assert out.value() == expected
    with pytest.raises(limits.TooManyResults):
        csv_results.write(column_store(AWKWARD_COLUMN).query(COLUMN), limits.Bounded(len(expected) - 1),
                          oxigraph=True)


def test_a_chunk_written_again_after_a_failed_write_is_fixed_as_the_first_time():
    # Oxigraph's buffer may write again what a failed write held.
    class Failing(io.BytesIO):
        fail = False

        def write(self, data):
            if self.fail:
                self.fail = False
                raise OSError("full")
            return super().write(data)

    out = Failing()
    fixer = csv_results.EmptyRowsQuoted(out)
    fixer.write(b'x\r\n"\r\n')
    with pytest.raises(OSError):
        out.fail = True
        fixer.write(b'\r\n"\r\n')
    fixer.write(b'\r\n"\r\n')
    fixer.write(b"\r\n")
    assert out.getvalue() == b'x\r\n"\r\n\r\n"\r\n""\r\n'


ASK_FORMS = {"csv": b"_askResult\r\ntrue\r\n", "tsv": b"?_askResult\ntrue\n"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_an_ask_as_csv_or_tsv_is_one_column_and_one_row_wherever_written(endpoint, kg):
    # SPARQL 1.1's CSV and TSV define no ASK.  Oxigraph (its server too) wrote the bare word
    # "true": rdflib read it as a SELECT of a variable named "true" and no row (its TSV reader
    # refused it), pandas as an empty table.  Jena's form reads back as one row, the answer.
    import urllib.parse

    import rdflib.query

    from helpers import fetch
    for fmt, media in (("csv", "text/csv"), ("tsv", "text/tab-separated-values")):
        status, _, body = fetch(f"{endpoint}/sparql?query=" + urllib.parse.quote(
            "ASK { ?c a ag:Claim }"), headers={"Accept": media})
        assert status == 200 and body == ASK_FORMS[fmt], body  # /sparql
        assert results.serialize(kg.query("ASK {}"), fmt) == body  # the command line's query
        read = rdflib.query.Result.parse(io.BytesIO(body), format=fmt)
        assert [str(v) for v in read.vars] == ["_askResult"]
        assert [str(row[0]) for row in read] == ["true"]
    no = results.serialize(kg.query("ASK { ?c a ag:NoSuchClass }"), "csv")
    assert fields(no) == [["_askResult"], ["false"]]
    bounded = limits.write_bounded(kg.query("ASK {}"), ox.QueryResultsFormat.TSV, 100)
    assert bounded == ASK_FORMS["tsv"]
