"""The query store: asserted and inferred graphs apart, one named graph per file, and the main
layout answering exactly as the per-file one."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_graph.store.graph import KnowledgeGraph
from alliance_graph.store.layout import ASSERTED
from helpers import normalized

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


def test_one_named_graph_per_input_file(kg, settings):
    names = {g.value.split("/graph/", 1)[1] for g in kg.asserted}
    assert names == {settings.graph_name(p) for p in settings.input_files()}


def test_inferred_triples_only_with_inferred(kg):
    # ag:Claim is a subclass of rdf:Statement: only the closure types claims as statements.
    query = "ASK { ?c a rdf:Statement }"
    assert not kg.query(query)
    assert kg.query(query, inferred=True)
    assert not kg.query(query, per_file=True)
    assert kg.query(query, inferred=True, per_file=True)


def test_plain_triples_are_derived_from_claims(kg):
    plain = "SELECT (COUNT(*) AS ?n) { ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ag:rank ag:PreferredRank . ?s ?p ?o }"
    preferred = "SELECT (COUNT(*) AS ?n) { ?c a ag:Claim ; ag:rank ag:PreferredRank }"
    assert next(iter(kg.query(plain)))["n"] == next(iter(kg.query(preferred)))["n"]
    deprecated = "ASK { ?c ag:rank ag:DeprecatedRank ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s ?p ?o . FILTER NOT EXISTS { ?c2 rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ag:rank ?r FILTER(?r != ag:DeprecatedRank) } }"
    assert not kg.query(deprecated)


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_the_main_layout_answers_every_catalogue_query_as_the_files_do(kg, path, inferred):
    text = path.read_text(encoding="utf-8")
    main = normalized(kg.query(text, inferred=inferred, per_file=False))
    assert main == normalized(kg.query(text, inferred=inferred, per_file=True))


def test_graph_patterns_see_the_files_and_never_the_main_layouts_copy(kg):
    graphs = {r["g"] for r in kg.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == set(kg.asserted) | {kg.inferred}
    assert ASSERTED not in graphs


def test_explicit_graphs_run_over_the_named_files(kg):
    [one] = [g for g in kg.asserted if g.value.endswith("data/sources.ttl")]
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    only = int(next(iter(kg.query(count, default_graph=[one])))["n"].value)
    everything = int(next(iter(kg.query(count)))["n"].value)
    assert 0 < only < everything


def test_a_store_handed_in_gets_a_main_layout_of_its_own():
    store = ox.Store()
    g = ox.NamedNode("https://alliance-graph.example/graph/data/x.ttl")
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("v"), g))
    kg = KnowledgeGraph.from_store(store)
    assert kg.asserted == [g]
    assert [r["o"].value for r in kg.query("SELECT ?o { ?s ?p ?o }")] == ["v"]
    assert [r["g"] for r in kg.query("SELECT ?g { GRAPH ?g { ?s ?p ?o } }")] == [g]


def test_a_graph_in_this_process_is_used_and_closed_as_one_with_an_engine():
    # with ag.load() as kg: was "'KnowledgeGraph' object does not support the context manager
    # protocol", and kg.close() an AttributeError, where ag.load(timeout=S)'s graph has both.
    store = ox.Store()
    g = ox.NamedNode("https://alliance-graph.example/graph/data/x.ttl")
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("v"), g))
    with KnowledgeGraph.from_store(store) as kg:
        assert [r["o"].value for r in kg.query("SELECT ?o { ?s ?p ?o }")] == ["v"]
    kg.close()
    assert [r["o"].value for r in kg.query("SELECT ?o { ?s ?p ?o }")] == ["v"]


def test_a_graph_in_this_process_cannot_be_pickled_and_says_what_to_do():
    # pickle said "cannot pickle 'pyoxigraph.Store' object"; a shallow copy still shares the
    # stores.
    import copy
    import pickle
    kg = KnowledgeGraph.from_store(ox.Store())
    for send in (pickle.dumps, copy.deepcopy):
        with pytest.raises(TypeError, match=re.escape(
                "cannot be pickled or deep-copied; in another process (multiprocessing, say), "
                "load the graph there")):
            send(kg)
    assert copy.copy(kg).main is kg.main
