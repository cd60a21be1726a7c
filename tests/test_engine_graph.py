"""The graph read through the engine process (engine/graph.py): the same answers, graphs and
quads as the store in this process, in pyoxigraph's own types, a large result never whole in
memory."""

import os
import tracemalloc

import pyoxigraph as ox
import pytest

from alliance_graph.engine import wire
from alliance_graph.engine.client import ProcessEngine
from helpers import normalized

LOOKUP = "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"


@pytest.fixture(scope="module")
def engine(settings):
    engine = ProcessEngine(settings.with_(standby_engine_bytes=0))
    yield engine
    engine.close()


def test_the_graph_read_through_the_engine_is_the_graph(engine, kg):
    for text in (LOOKUP, "ASK { ?c a ag:Claim }",
                 "CONSTRUCT { id:IronDome ?p ?o } WHERE { id:IronDome ?p ?o }",
                 "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        assert normalized(engine.kg.query(text)) == normalized(kg.query(text))
    assert normalized(engine.kg.query("ASK { ?c a rdf:Statement }", inferred=True)) == ["True"]
    assert engine.kg.asserted == kg.asserted and engine.kg.inferred == kg.inferred
    with pytest.raises(SyntaxError):
        engine.kg.query("SELECT WHERE {")


def test_graphs_are_read_whole_as_in_process(engine, kg):
    [sources] = [g for g in kg.asserted if g.value.endswith("data/sources.ttl")]
    assert normalized(engine.kg.graph_quads([sources])) == normalized(kg.graph_quads([sources]))
    assert len(engine.kg.quads(inferred=True)) == len(kg.quads(inferred=True))
    with pytest.raises(ValueError):  # the engine serves whole graphs, not patterns
        engine.kg.store.quads_for_pattern(None, None, None, None)


def test_results_come_back_as_pyoxigraph_types(engine):
    assert isinstance(engine.kg.query(LOOKUP), ox.QuerySolutions)
    assert isinstance(engine.kg.query("ASK {}"), ox.QueryBoolean)


# About 2 MB of SPARQL JSON over the shipped data: over wire.SPOOL_BYTES.
BIG = "SELECT ?s ?p ?o ?t WHERE { ?s ?p ?o . ?t a ?c } LIMIT 6000"


def temporary_files() -> int:
    """Return how many unnamed (deleted) files this process holds open."""
    return sum(os.readlink(f"/proc/self/fd/{fd}").endswith(" (deleted)")
               for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}"))


def test_a_large_result_comes_through_a_temporary_file_never_whole(engine, kg):
    size = len(wire.result_bytes(kg.query(BIG))[1])
    assert size > wire.SPOOL_BYTES
    files = temporary_files()
    tracemalloc.start()
    try:
        result = engine.kg.query(BIG)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # It came whole and was copied (two results' worth), then parsed from those bytes.
    assert peak < size // 4, f"{peak:,} bytes for a result of {size:,}"
    assert temporary_files() == files + 1  # read as the solutions are
    assert normalized(result) == normalized(kg.query(BIG))
    del result
    assert temporary_files() == files
