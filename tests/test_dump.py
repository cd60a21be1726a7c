"""query/dump.py: a graph store read written where the store is, in process and in the engine,
the same quads the graphs hold (a large dump from the engine in a temporary file), and
bounded as an answer is."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_graph.query.answer import Uncarried
from alliance_graph.query.dump import dump
from alliance_graph.query.refused import Refused
from alliance_graph.query.results import GRAPH_FORMATS
from helpers import blank_nodes_erased, results_held

BIG = 1 << 30


def lines(items, quads: bool = False) -> list[str]:
    """Return quads or triples as sorted N-Triples/N-Quads lines, blank node labels erased
    (each parse and each store labels them anew)."""
    return sorted(blank_nodes_erased(str(q if quads else q.triple)) for q in items)


def parsed(data: bytes, name: str, quads: bool = False) -> list[str]:
    return lines(ox.parse(data, format=GRAPH_FORMATS[name].oxigraph), quads)


def test_graphs_read_as_one_are_their_merge_each_triple_once(kg):
    graphs = [g.value for g in kg.default_graph(True)]
    # The merge: a triple two files state is written once (the front did it by hand).
    expected = sorted(blank_nodes_erased(str(t)) for t in {
        q.triple for q in kg.graph_quads(kg.default_graph(True))})
    for name in ("turtle", "nt"):
        assert parsed(dump(kg, graphs, GRAPH_FORMATS[name], True, BIG), name) == expected
    quads = list(ox.parse(dump(kg, graphs, GRAPH_FORMATS["nq"], True, BIG),
                          format=ox.RdfFormat.N_QUADS))
    assert lines(quads) == expected  # once each, and in the default graph:
    assert {type(q.graph_name) for q in quads} == {ox.DefaultGraph}


def test_each_quad_stays_in_its_graph_unless_read_as_one(kg):
    graphs = kg.default_graph(True)
    data = dump(kg, [g.value for g in graphs], GRAPH_FORMATS["trig"], False, BIG)
    assert parsed(data, "trig", quads=True) == lines(kg.graph_quads(graphs), quads=True)


def test_the_engine_writes_the_same_bytes(settings, kg):
    from alliance_graph.engine import wire
    from alliance_graph.engine.client import isolated_graph
    remote = isolated_graph(settings)
    try:
        graphs = [g.value for g in kg.default_graph()]
        spooled = []
        for name, as_one in (("turtle", True), ("nq", False), ("xml", True), ("nt", True)):
            ours = dump(remote, graphs, GRAPH_FORMATS[name], as_one, BIG)
            here = dump(kg, graphs, GRAPH_FORMATS[name], as_one, BIG)
            if isinstance(ours, wire.Spooled):  # over wire.SPOOL_BYTES: in a temporary file
                spooled.append(name)
                assert len(ours) > wire.SPOOL_BYTES
                ours = ours.read()
            # The same quads; not the same bytes, as the engine's store may have been loaded
            # in another order than this process's (Oxigraph writes in store order).
            assert parsed(ours, name, not as_one) == parsed(here, name, not as_one)
        # The shipped graphs' N-Quads and N-Triples are over 2 MB.
        assert {"nq", "nt"} <= set(spooled)
        with pytest.raises(Refused) as refused:
            dump(remote, graphs, GRAPH_FORMATS["nq"], False, 10_000)
        assert refused.value.status == 422
    finally:
        remote.close()


def test_over_the_size_of_an_answer_a_dump_is_refused_never_cut(kg):
    with pytest.raises(Refused) as refused:
        dump(kg, [g.value for g in kg.default_graph()], GRAPH_FORMATS["nt"], True, 10_000)
    assert refused.value.status == 422 and "larger than 10,000 bytes" in str(refused.value)
    # Kept in a cycle by pytest.raises, its frames held the CONSTRUCT's result until the
    # garbage collector dropped it, on the query thread of test_facade's first ag.run:
    # "PyQueryTriples is unsendable, but is being dropped on another thread".
    assert results_held(refused.value) == []



def test_what_rdf_xml_cannot_carry_is_uncarried_so_the_next_format_is_tried():
    from alliance_graph.store.graph import KnowledgeGraph
    graph = ox.NamedNode("https://alliance-graph.example/graph/data/a.ttl")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://alliance-graph.example/id/A"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("a \x01 b"), graph))
    kg = KnowledgeGraph.from_store(store)
    with pytest.raises(Uncarried):
        dump(kg, [graph.value], GRAPH_FORMATS["xml"], True, BIG)
    assert b"a \\u0001 b" in dump(kg, [graph.value], GRAPH_FORMATS["nt"], True, BIG)


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name, as_one", [("turtle", False), ("trig", False), ("trig", True)])
def test_a_graph_naming_an_iri_ending_in_a_dot_is_a_dump_rdflib_reads(name, as_one):
    """A Graph Store read of a graph holding <.../id/Corp.> was written id:Corp\\. in Turtle
    and TriG, and rdflib refused the whole of it ("objectList expected")."""
    import rdflib

    from alliance_graph.rdf import graph_iri
    from alliance_graph.store.graph import KnowledgeGraph

    corp, graph = "https://alliance-graph.example/id/Corp.", graph_iri("data/x.ttl")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(corp), ox.NamedNode(corp), ox.NamedNode(corp), graph))
    data = dump(KnowledgeGraph.from_store(store), [graph.value], GRAPH_FORMATS[name], as_one,
                BIG)
    read = rdflib.Dataset()
    read.parse(data=data, format=name)
    assert {tuple(map(str, q[:3])) for q in read.quads((None, None, None, None))} == {
        (corp, corp, corp)}


def test_an_rdf_xml_dumps_carriage_returns_count_as_written_within_the_limit():
    # Written &#13; after the bytes were counted: a dump bounded at 1,522 bytes was 1,523.
    from alliance_graph.rdf import graph_iri
    from alliance_graph.store.graph import KnowledgeGraph
    graph, store = graph_iri("data/a.ttl"), ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://alliance-graph.example/id/A"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("a\r" * 200), graph))
    kg = KnowledgeGraph.from_store(store)
    data = dump(kg, [graph.value], GRAPH_FORMATS["xml"], True, BIG)
    assert data.count(b"&#13;") == 200
    assert dump(kg, [graph.value], GRAPH_FORMATS["xml"], True, len(data)) == data
    with pytest.raises(Refused) as refused:
        dump(kg, [graph.value], GRAPH_FORMATS["xml"], True, len(data) - 1)
    assert refused.value.status == 422
