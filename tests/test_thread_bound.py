"""A result handed out by ag.run: read once, on the thread that made it, otherwise as the
result itself (tests/test_facade.py reads one across threads in a process of its own)."""

import threading

import pyoxigraph as ox
import pytest

from alliance_graph.query.thread_bound import ThreadBound, unwrap


def store() -> ox.Store:
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    return s


def test_it_behaves_as_the_result_it_holds():
    select = ThreadBound(store().query("SELECT ?s ?o { ?s ?p ?o }"))
    assert [v.value for v in select.variables] == ["s", "o"]  # reading names reads no rows
    assert [row["o"].value for row in select] == ["1"]
    assert bool(ThreadBound(store().query("ASK { ?s ?p ?o }")))
    assert not bool(ThreadBound(store().query("ASK { ?s ?p 2 }")))


def test_read_twice_or_elsewhere_it_says_so_and_unwrap_gives_the_result():
    raw = store().query("SELECT * { ?s ?p ?o }")
    held = ThreadBound(raw)
    failed = []

    def elsewhere():
        try:
            unwrap(held)
        except RuntimeError as exc:
            failed.append(str(exc))
    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert failed and "made on another thread" in failed[0]
    assert unwrap(held) is raw and unwrap(raw) is raw
    with pytest.raises(RuntimeError, match="read already"):
        list(held)
