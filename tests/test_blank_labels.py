"""Blank nodes a query labels (BNODE("1"), BNODE("a:b")) are written so that every reader
takes them: rdflib and pyoxigraph read each graph answer back, one blank node per label."""

import time

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph.query import blank_labels, results
from alliance_graph.store.graph import KnowledgeGraph

RDFLIB = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "trig": "trig",
          "nq": "nquads"}
# Labels Oxigraph takes from BNODE: a digit first (no XML name: rdf:nodeID="1" was refused by
# rdflib and rapper), a colon (_:a:b was read as _:a and a prefixed name, or refused), one
# starting with "x" (relabelled too, so that none becomes another's new label), and its own.
MADE = ('CONSTRUCT { ?b <http://e/p> ?c . ?c <http://e/q> [] } WHERE { VALUES (?x ?y) { '
        '("1" "a:b") ("2016" "x31") ("é1" "1:") } BIND(BNODE(?x) AS ?b) BIND(BNODE(?y) AS ?c) }')


@pytest.fixture(scope="module")
def empty():
    return KnowledgeGraph.from_store(ox.Store())


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", list(RDFLIB))
def test_a_querys_own_labels_are_written_so_that_every_reader_reads_them(empty, fmt):
    data = results.serialize(results.run(empty, MADE), fmt)
    read = rdflib.Dataset() if fmt in ("trig", "nq") else rdflib.Graph()
    read.parse(data=data, format=RDFLIB[fmt])
    triples = list(read.quads((None, None, None, None))) if fmt in ("trig", "nq") else list(read)
    assert len(triples) == 6
    nodes = {t for s, _, o, *_ in triples for t in (s, o)}
    assert len([n for n in nodes if isinstance(n, rdflib.BNode)]) == 9  # 3 x, 3 y, 3 []
    by_oxigraph = list(ox.parse(data, format=results.GRAPH_FORMATS[fmt].oxigraph))
    assert len({t for q in by_oxigraph for t in (q.subject, q.object)}) == 9


def test_labels_kept_and_made_are_never_one():
    kept = ["a0f3", "b_1", "Z-2"]  # Oxigraph's own labels (hex from a to f) among them
    assert [blank_labels.label(v) for v in kept] == kept
    odd = ["1", "a:b", "x31", "31", "é1", ":"]
    made = [blank_labels.label(v) for v in odd]
    assert len(set(made + kept)) == len(odd + kept)
    assert all(m.startswith("x") and m[1:].isalnum() for m in made)
    term = ox.Triple(ox.BlankNode("1"), ox.NamedNode("http://e/p"), ox.Literal("v"))
    quad = ox.Quad(ox.BlankNode("a:b"), ox.NamedNode("http://e/p"), term,
                   ox.NamedNode("http://e/g"))
    (written,) = blank_labels.carried([quad])
    assert written.subject == ox.BlankNode("x" + b"a:b".hex())
    assert written.object.subject == ox.BlankNode("x31")
    assert written.graph_name == quad.graph_name


@pytest.mark.parametrize("text, made", [
    ('CONSTRUCT { ?b ?p ?o } WHERE { BIND(BNODE("a:b") AS ?b) ?s ?p ?o }', True),
    ("SELECT (bnode ( # a label\n ?x) AS ?b) {}", True),
    ("SERVICE <http://e/> { ?s ?p ?o }", True),
    ("CONSTRUCT { ?b ?p ?o } WHERE { BIND(BNODE() AS ?b) ?s ?p ?o }", False),
    ("CONSTRUCT { _:b ?p ?o } WHERE { ?s ?p ?o }", False)])
def test_a_query_whose_text_may_make_a_label_is_told_apart(text, made):
    # The endpoint relabels only then: Python seeing each triple cost a 200,000-triple
    # CONSTRUCT 0.42 -> 0.63 s of CPU, for labels only BNODE's argument or SERVICE can make.
    assert blank_labels.made_by(text) is made


def test_a_run_of_hashes_after_bnode_is_read_in_linear_time():
    # As csv_results' pattern: a run of n '#' after BNODE cut into comments 2**n ways (22:
    # 0.84 s), on every /sparql query's text; read as the lexer skips comments (``SKIP``).
    started = time.thread_time()
    assert not blank_labels.made_by("SELECT * {} # bnode" + "#" * 26)
    assert blank_labels.made_by("SELECT (BNODE" + "#" * 100_000 + "\n(?x) AS ?b) {}")
    assert time.thread_time() - started < 1


def test_an_answer_is_relabelled_only_where_its_query_may_make_a_label():
    # The one decision /sparql and the command line's query take (gated): relabelled always,
    # Python saw every triple of every answer, for labels only BNODE("...") or SERVICE makes.
    triples = [ox.Triple(ox.BlankNode("a:b"), ox.NamedNode("http://e/p"), ox.Literal("v"))]
    plain = blank_labels.gated(triples, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert list(blank_labels.carried(plain)) == triples
    made = blank_labels.gated(triples, 'CONSTRUCT { ?b ?p ?o } WHERE { BIND(BNODE("a:b") AS ?b) }')
    assert [t.subject.value for t in blank_labels.carried(made)] == ["x" + b"a:b".hex()]
    assert results.kind_of(plain) == "graph"  # any writer of answers takes it
