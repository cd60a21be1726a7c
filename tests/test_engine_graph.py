"""The graph read through the engine process (engine/graph.py): the same answers, graphs and
quads as the store in this process, in pyoxigraph's own types."""

import pyoxigraph as ox
import pytest

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
