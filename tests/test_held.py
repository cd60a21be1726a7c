"""A query's answer read whole: Oxigraph's own result to its reader, again and on any thread."""

import threading
import time

import pyoxigraph as ox
import pytest

from alliance_graph.query import held, results
from alliance_graph.store.errors import QueryError

LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s ?l LIMIT 20"


def test_solutions_read_as_oxigraphs_own_as_often_as_asked(kg):
    answer = held.read_whole(kg.query(LABELS))
    assert isinstance(answer, ox.QuerySolutions)
    assert [v.value for v in answer.variables] == ["s", "l"]
    first = [(s["s"], s["l"]) for s in answer]
    # Oxigraph's result gave nothing on a second reading, without a word.
    assert [(s["s"], s["l"]) for s in answer] == first
    assert first == [(s["s"], s["l"]) for s in kg.query(LABELS)] and len(first) == 20
    assert results.rows(answer) == results.rows(held.read_whole(kg.query(LABELS)))
    assert "read whole: ?s ?l" in repr(answer)


def test_solutions_are_read_on_any_thread(kg):
    # Oxigraph's result, read on another thread than its own, aborted the process.
    answer, got = held.read_whole(kg.query(LABELS)), []
    reader = threading.Thread(target=lambda: got.append(results.rows(answer)))
    reader.start()
    reader.join()
    assert got == [results.rows(answer)] and len(got[0]) == 20


def test_an_ask_is_oxigraphs_boolean_and_a_graph_a_list_of_triples(kg):
    yes = held.read_whole(kg.query("ASK { ?c a ag:Claim }"))
    assert isinstance(yes, ox.QueryBoolean) and yes
    assert not held.read_whole(kg.query("ASK { ?c a ag:NoSuchClass }"))
    triples = held.read_whole(kg.query("CONSTRUCT WHERE { id:IronDome ?p ?o }"))
    assert isinstance(triples, list) and triples
    assert all(isinstance(t, ox.Triple) for t in triples)
    assert sorted(map(str, triples)) == \
        sorted(map(str, kg.query("CONSTRUCT WHERE { id:IronDome ?p ?o }")))


def test_an_answer_no_longer_waited_for_stops_being_read():
    # Read whole by a thread nobody waited for any more, a cross product filled memory.
    store = ox.Store()
    store.bulk_extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(i))
                      for i in range(400))
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    abandoned = threading.Event()
    threading.Timer(0.3, abandoned.set).start()
    started = time.monotonic()
    with pytest.raises(QueryError, match="no longer waited for"):
        held.read_whole(store.query(endless), abandoned)
    assert time.monotonic() - started < 3
    graph = held.read_whole(store.query(endless.replace("SELECT *", "CONSTRUCT { ?a ?b ?i }")),
                            abandoned)
    assert graph == []


def test_solutions_are_copied_and_pickled_with_their_rows(kg):
    # copy.copy and copy.deepcopy of ag.run's result ended in a RecursionError, and pickle
    # (multiprocessing, joblib, a cache) in "args[0] from __newobj__ args has the wrong class".
    import copy
    import pickle
    solutions = held.read_whole(results.run(kg, "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"))
    for again in (copy.copy(solutions), copy.deepcopy(solutions),
                  pickle.loads(pickle.dumps(solutions))):
        assert isinstance(again, ox.QuerySolutions)
        assert [r["l"].value for r in results.rows(again)] == ["Iron Dome"]


def test_an_asks_csv_and_tsv_are_the_endpoints_one_column_and_one_row(kg, tmp_path):
    # ag.run's ASK wrote Oxigraph's bare "true", which readers take for a column's name.
    yes = held.read_whole(kg.query("ASK {}"))
    assert isinstance(yes, ox.QueryBoolean) and yes and yes == kg.query("ASK {}")
    assert yes.serialize(format=ox.QueryResultsFormat.CSV) == b"_askResult\r\ntrue\r\n"
    yes.serialize(tmp_path / "a.tsv")
    assert (tmp_path / "a.tsv").read_bytes() == b"?_askResult\ntrue\n"
    assert yes.serialize(format=ox.QueryResultsFormat.JSON) == kg.query("ASK {}").serialize(
        format=ox.QueryResultsFormat.JSON)
    import copy
    import pickle
    assert not copy.copy(held.read_whole(kg.query("ASK { ?c a ag:NoSuchClass }")))
    assert pickle.loads(pickle.dumps(yes)) == yes


def test_asks_are_ordered_as_oxigraphs_booleans(kg):
    # Compared with < (sorting answers), ag.run's ASK raised "'<' not supported between
    # instances of 'Boolean' and 'Boolean'", where Oxigraph's QueryBoolean orders them.
    yes = held.read_whole(kg.query("ASK { id:IronDome ?p ?o }"))
    no = held.read_whole(kg.query("ASK { ?c a ag:NoSuchClass }"))
    assert no < yes and no <= yes and yes > no and yes >= no and not yes < yes
    assert sorted([yes, no]) == [no, yes]
    assert yes > kg.query("ASK { ?c a ag:NoSuchClass }")  # Oxigraph's own, either side
    assert kg.query("ASK { ?c a ag:NoSuchClass }") < yes
