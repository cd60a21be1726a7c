"""A query's own list of default graphs read as their merge (store/merged.py): in a store of
its own, through the graph's ``query`` on each local backend, and through the engine."""

import pyoxigraph as ox
import pytest

import alliance_graph as ag
from alliance_graph.namespaces import BASE
from alliance_graph.store import graph as store
from alliance_graph.store import merged
from alliance_graph.store.layout import ASSERTED, INFERRED

A, B, C = (ox.NamedNode(f"{BASE}graph/data/{n}.ttl") for n in "abc")
S, P = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
FIRST, SECOND = (f"<{BASE}graph/data/{n}.ttl>" for n in ("facts", "second"))
IN_BOTH = "SELECT ?s FROM {FIRST} FROM {SECOND} WHERE {{ ?s a ag:SourceDocument }}"


def _second_file(mini) -> None:
    """Give the mini project a second file stating a triple its first states."""
    (mini.data_dir / "second.ttl").write_text(
        "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
        "@prefix src: <https://alliance-graph.example/id/source/> .\n"
        "src:test.txt a ag:SourceDocument .\n")


def _store(files: dict) -> ox.Store:
    """A per-file store: each file's objects as triples ``S P o`` of its graph, and their
    merge in graph/asserted."""
    held = ox.Store()
    for graph, objects in files.items():
        held.extend(ox.Quad(S, P, ox.Literal(str(o)), graph) for o in objects)
        held.extend(ox.Quad(S, P, ox.Literal(str(o)), ASSERTED) for o in objects)
    return held


def _count(held, default, named, shared) -> int:
    used, default, named = merged.dataset(held, default, named, lambda: shared)
    rows = used.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                      default_graph=default or ox.DefaultGraph(), named_graphs=named)
    return int(next(iter(rows))["n"].value)


def test_files_share_triples_compares_the_files_statements_with_their_merge():
    assert not merged.files_share_triples(_store({A: [1, 2], B: [3]}), [A, B])
    assert merged.files_share_triples(_store({A: [1, 2], B: [2, 3]}), [A, B])
    assert not merged.files_share_triples(_store({}), [])


def test_files_that_share_a_triple_are_read_as_their_merge():
    held = _store({A: [1, 2], B: [2, 3], C: [4]})
    assert held.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[A, B],
                      named_graphs=[]).__next__()["n"].value == "4"  # Oxigraph's bag
    assert _count(held, [A, B], [], shared=True) == 3
    assert _count(held, [A, B, C, A], [], shared=True) == 4
    # The copy keeps the named graphs a GRAPH pattern reads, as they are.
    used, default, named = merged.dataset(held, [A, B], [C], lambda: True)
    assert used is not held and default == [ox.DefaultGraph()]
    assert bool(used.query(f"ASK {{ GRAPH ?g {{ ?s ?p '4' }} FILTER (?g = <{C.value}>) }}",
                           default_graph=default, named_graphs=named))
    assert not bool(used.query("ASK { ?s ?p '4' }", default_graph=default, named_graphs=named))


def test_no_copy_where_the_list_is_already_a_set():
    held = _store({A: [1, 2], B: [2, 3]})
    asked = []

    def shared():
        asked.append(1)
        return True
    # One file graph, or one and graph/inferred (which holds no asserted triple).
    for default in ([A], [A, INFERRED], [], [A, A]):
        assert merged.dataset(held, default, [B], shared)[0] is held
    # graph/asserted holds every file's triples: a file beside it adds nothing.
    used, default, _ = merged.dataset(held, [A, ASSERTED, B, INFERRED], [], shared)
    assert used is held and default == [ASSERTED, INFERRED]
    assert not asked  # the build's files are asked about only where it matters
    # Files that share nothing are read as they are listed.
    assert merged.dataset(held, [A, B], [], lambda: False)[0] is held


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_triple_two_listed_files_state_counts_once(mini, backend):
    # FROM <facts.ttl> FROM <second.ttl> counted the triple both state twice (a bag).
    _second_file(mini)
    settings = mini.with_(store="memory" if backend == "memory" else str(mini.root / "store"))
    kg = store.load(settings)
    assert len(list(kg.query(IN_BOTH.format(FIRST=FIRST, SECOND=SECOND)))) == 1
    graphs = [ox.NamedNode(g[1:-1]) for g in (FIRST, SECOND)]
    rows = kg.query("SELECT ?s WHERE { ?s a ag:SourceDocument }", default_graph=graphs,
                    named_graphs=[])
    assert len(list(rows)) == 1
    # The graphs stay apart under GRAPH: the triple is in each.
    per_graph = kg.query(f"SELECT ?g FROM NAMED {FIRST} FROM NAMED {SECOND} "
                         "WHERE { GRAPH ?g { ?s a ag:SourceDocument } }")
    assert len(list(per_graph)) == 2


def test_the_engine_reads_listed_files_as_their_merge(mini):
    # The endpoint's route: the query runs in the engine process, over the same graph.
    _second_file(mini)
    with ag.load(mini, timeout=30) as kg:
        assert len(list(kg.query(IN_BOTH.format(FIRST=FIRST, SECOND=SECOND)))) == 1


def test_files_that_share_nothing_keep_every_statement(mini):
    kg = store.load(mini)
    assert not kg._share_triples()
    files = " ".join(f"FROM <{g.value}>" for g in kg.asserted)
    every = next(iter(kg.query(f"SELECT (COUNT(*) AS ?n) {files} WHERE {{ ?s ?p ?o }}")))
    merge = next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    assert every["n"].value == merge["n"].value
