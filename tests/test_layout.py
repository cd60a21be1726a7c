"""The two layouts of a build: the main file's transform and the copies made inside a store."""

import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_graph.store.layout import (
    ASSERTED,
    INFERRED,
    Terms,
    asserted_copy,
    copy_noting,
    file_graphs,
    main_quads,
    write_main,
)

A, B = ox.NamedNode("https://alliance-graph.example/graph/data/a.ttl"), \
    ox.NamedNode("https://alliance-graph.example/graph/data/b.ttl")
P = ox.NamedNode("urn:p")


def per_file_store() -> ox.Store:
    store = ox.Store()
    shared = ox.BlankNode()
    store.extend([
        ox.Quad(ox.NamedNode("urn:s"), P, ox.Literal('a "quoted" <x> .'), A),
        ox.Quad(ox.NamedNode("urn:s"), P, ox.Literal('a "quoted" <x> .'), B),  # stated twice
        ox.Quad(ox.NamedNode("urn:s"), P, shared, B),
        ox.Quad(shared, P, ox.NamedNode("urn:o"), INFERRED),
    ])
    return store


def test_file_graphs_leave_out_the_main_layouts_graphs():
    store = per_file_store()
    store.add(ox.Quad(ox.NamedNode("urn:x"), P, ox.NamedNode("urn:y"), ASSERTED))
    assert file_graphs(store) == [A, B]


def test_the_asserted_copy_keeps_each_triple_once_with_the_same_blank_nodes():
    store = per_file_store()
    store.bulk_extend(asserted_copy(store, file_graphs(store)))
    asserted = {q.triple for q in store.quads_for_pattern(None, None, None, ASSERTED)}
    assert asserted == {q.triple for g in (A, B) for q in store.quads_for_pattern(None, None, None, g)}
    assert len(asserted) == 2
    [inferred] = store.quads_for_pattern(None, None, None, INFERRED)
    assert any(q.object == inferred.subject for q in store.quads_for_pattern(None, None, None, ASSERTED))


def test_main_quads_are_the_asserted_copy_and_the_inferred_graph():
    store = per_file_store()
    graphs = {q.graph_name for q in main_quads(store, file_graphs(store))}
    assert graphs == {ASSERTED, INFERRED}


E = "http://e/"


@pytest.mark.parametrize("quad, comma, triple_term", [
    (ox.Quad(ox.NamedNode(E + "a,b"), P, ox.Literal("x"), A), True, False),
    (ox.Quad(ox.NamedNode(E + "a"), ox.NamedNode(E + "p,q"), ox.Literal("x"), A), True, False),
    (ox.Quad(ox.NamedNode(E + "a"), P, ox.NamedNode(E + "b,c"), INFERRED), True, False),
    (ox.Quad(ox.NamedNode(E + "a"), P, ox.Literal("1", datatype=ox.NamedNode(E + "t,1")), A),
     True, False),
    (ox.Quad(ox.NamedNode(E + "a"), P, ox.NamedNode(E + "b"), ox.NamedNode(E + "graph,1")),
     True, False),
    (ox.Quad(ox.NamedNode(E + "a"), P, ox.NamedNode(E + "b"), ox.DefaultGraph()), False, False),
    (ox.Quad(ox.NamedNode(E + "a"), P, ox.Triple(ox.NamedNode(E + "a"), P, ox.Literal("x")),
             INFERRED), False, True),
    (ox.Quad(ox.BlankNode(), P, ox.Literal("a, b", language="en"), A), False, False)])
def test_the_copy_notes_every_term_a_csv_writer_must_know_of(quad, comma, triple_term):
    # Each place an IRI with a comma can sit (a subject, predicate, object, datatype, a graph
    # name), in the files' graphs or the others, and a triple term: Oxigraph's CSV writer
    # leaves them bare.
    store = per_file_store()
    store.add(quad)
    terms = Terms()
    copy_noting(store, file_graphs(store), terms)
    assert (terms.iri_with_comma, terms.triple_term) == (comma, triple_term)
    copied = {q.triple for q in store.quads_for_pattern(None, None, None, ASSERTED)}
    assert copied == {q.triple for g in file_graphs(store)
                      for q in store.quads_for_pattern(None, None, None, g)}


@pytest.mark.parametrize("record", [
    None, b"", b"{", b"[]", b'"x"', b'{"iri_with_comma": false}', b"\xff\xfe",
    b'{"iri_with_comma": 0, "triple_term": false}', b'{"iri_with_comma": false, "triple_term": null}'])
def test_a_record_missing_or_not_read_as_one_is_no_record(tmp_path, record):
    # Never "no such term" wrongly: a build made before the record, or a record a crash cut.
    if record is not None:
        (tmp_path / Terms.FILE).write_bytes(record)
    assert Terms.recorded(tmp_path) is None


@pytest.mark.parametrize("held", [(False, False), (True, False), (False, True)])
def test_a_record_reads_back_as_written(tmp_path, held):
    Terms(*held).write(tmp_path)
    terms = Terms.recorded(tmp_path)
    assert (terms.iri_with_comma, terms.triple_term) == held


def build_file(folder) -> Path:
    """Write the per-file store as the build cache is written; return the file."""
    build = folder / "build.nq"
    with open(build, "wb") as out:
        per_file_store().dump(out, format=ox.RdfFormat.N_QUADS)
    return build


def main_of(build, **options) -> bytes:
    out = io.BytesIO()
    write_main(build, out, **options)
    return out.getvalue()


def test_write_main_gives_the_same_graphs_as_the_copy(tmp_path):
    loaded = ox.Store()
    loaded.load(main_of(build_file(tmp_path)), format=ox.RdfFormat.N_QUADS)
    assert set(loaded.named_graphs()) == {ASSERTED, INFERRED}
    assert len(list(loaded.quads_for_pattern(None, None, None, ASSERTED))) == 2
    # One document: the blank node the inferred graph describes is the asserted graph's.
    [inferred] = loaded.quads_for_pattern(None, None, None, INFERRED)
    assert list(loaded.quads_for_pattern(None, None, inferred.subject, ASSERTED))


@pytest.mark.parametrize("run_bytes", [1, 200, 1 << 20])
def test_write_main_sorts_its_lines_in_runs_of_any_size(tmp_path, run_bytes):
    build = build_file(tmp_path)
    written = main_of(build, run_bytes=run_bytes)
    lines = written.splitlines(keepends=True)
    assert lines == sorted(lines) and written == main_of(build)
    assert len(lines) == len(build.read_bytes().splitlines())
    assert not list(tmp_path.glob(".sort-*"))  # the spilled runs are removed


def test_write_main_keeps_a_last_line_without_its_newline(tmp_path):
    build = tmp_path / "build.nq"
    build.write_bytes(b"<http://x/b> <http://x/p> <http://x/o> <http://x/g> .\n"
                      b"<http://x/a> <http://x/p> <http://x/o> <http://x/g> .")
    loaded = ox.Store()
    loaded.load(main_of(build), format=ox.RdfFormat.N_QUADS)
    assert len(loaded) == 2 and set(loaded.named_graphs()) == {ASSERTED}
