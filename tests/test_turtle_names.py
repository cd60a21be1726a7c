"""A prefixed name ending in an escaped dot is written whole: rdflib reads the Turtle and
TriG of an IRI ending in "." (``id:Corp\\.`` made it refuse the whole document)."""

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query import results
from alliance_graph.query.turtle_names import WholeNames, whole
from alliance_graph.store.graph import KnowledgeGraph

CORP = "https://alliance-graph.example/id/Corp."


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_a_graph_answer_naming_an_iri_ending_in_a_dot_reads_in_rdflib(fmt):
    kg = KnowledgeGraph.from_store(ox.Store())
    answer = results.run(kg, f'CONSTRUCT {{ <{CORP}> a ag:State ; rdfs:label "Corp. \\\\." ; '
                             f'ag:partOf id:A\\.B\\. }} WHERE {{}}')
    data = results.serialize(answer, fmt)
    assert b"\\." not in data.replace(b"\\\\.", b"")  # only the label's own backslash
    read = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
    read.parse(data=data, format=fmt)
    triples = {(str(s), str(o)) for s, _, o, *_ in (read.quads() if fmt == "trig" else read)}
    assert triples == {(CORP, PREFIX_IRIS["ag"] + "State"), (CORP, "Corp. \\."),
                       (CORP, PREFIX_IRIS["id"] + "A.B.")}


def test_only_a_names_escaped_dot_is_rewritten_never_a_strings():
    prefixes = {"id": PREFIX_IRIS["id"]}
    kept = [b'<x> <y> "id:Corp\\\\." .\n', b'<x> <y> "a \\\\. id:x\\\\." .\n',
            b"@prefix id: <https://alliance-graph.example/id/> .\n", b"id:a\\.b <y> 1 .\n",
            b"un:known\\. <y> 1 .\n"]
    assert [whole(line, prefixes) for line in kept] == kept
    assert whole(b'(id:a\\,b\\.) <p> [ <q> "1"^^id:T\\.] .\n', prefixes) == (
        b'(<https://alliance-graph.example/id/a,b.>) <p> '
        b'[ <q> "1"^^<https://alliance-graph.example/id/T.>] .\n')
    # Written in pieces cut anywhere, the same bytes.
    out = []
    stream = WholeNames(type("Out", (), {"write": lambda self, b: out.append(b)})(), prefixes)
    text = b"id:Corp\\. <p> id:Corp\\. .\n<x> <p> 1 ."
    for i in range(len(text)):
        stream.write(text[i:i + 1])
    stream.end()
    assert b"".join(out) == whole(text, prefixes)
