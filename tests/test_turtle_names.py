"""A prefixed name ending in an escaped dot is written whole: rdflib reads the Turtle and
TriG of an IRI ending in "." (``id:Corp\\.`` made it refuse the whole document)."""

import io
import time

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


def _min_time(run, times=3) -> float:
    """Return the least CPU time of ``times`` runs of ``run()``: the wall clock's time is the
    machine's load too (the 24 MB literal's 0.37 s of work took 1.7-2.8 s with CI running
    beside it, over the test's 1.5 s); the work measured is all on this thread's CPU."""
    best = float("inf")
    for _ in range(times):
        start = time.thread_time()
        run()
        best = min(best, time.thread_time() - start)
    return best


def test_a_long_line_is_passed_on_as_it_comes_not_held_and_joined_with_each_chunk():
    # A 24 MB literal is one line: kept whole and joined with each of Oxigraph's chunks,
    # it took 4 s to pass on (a 50 MB one 98 s); and what comes before a space goes on at once.
    out = io.BytesIO()
    stream = WholeNames(out, PREFIX_IRIS)
    stream.write(b'id:Corp\\. <p> "a b')
    assert out.getvalue() == b'<https://alliance-graph.example/id/Corp.> <p> "a '
    stream.end()
    triple = ox.Triple(ox.NamedNode(CORP), ox.NamedNode(CORP), ox.Literal("x" * 24_000_000))
    expected = ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=PREFIX_IRIS)
    out = io.BytesIO()

    def write():
        out.seek(0)
        out.truncate()
        stream = WholeNames(out, PREFIX_IRIS)
        ox.serialize([triple], stream, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_IRIS)
        stream.end()
    assert _min_time(write, 1) < 1.5
    assert out.getvalue() == whole(expected, PREFIX_IRIS)


def test_an_iri_of_escaped_brackets_is_read_once_not_from_each_bracket():
    # id:\.\(a:.\(a:... : each "a:" after "\(" was a name's start, searched to the end of the
    # line (a 300 KB one took 160 s; this one 6 s).
    iri = ox.NamedNode(PREFIX_IRIS["id"] + ".(a:" * 6000)
    data = ox.serialize([ox.Triple(iri, iri, iri)], format=ox.RdfFormat.TURTLE,
                        prefixes=PREFIX_IRIS)
    assert _min_time(lambda: whole(data, PREFIX_IRIS), 1) < 0.5
    assert whole(data, PREFIX_IRIS) == data


def test_one_name_in_a_large_document_is_searched_for_on_its_own_line():
    # The whole document was searched with the name's pattern (14 MB: 0.7 s, 7 times the
    # writing); the lines without "\." are now passed over at the speed of a search.
    line = b'claim:c1 rdfs:label "a label with some words (and more)"@en .\n'
    data = line * 100_000 + b"id:Corp\\. ag:p 1 .\n" + line
    written = whole(data, PREFIX_IRIS)
    assert written == line * 100_000 + f"<{CORP}> ag:p 1 .\n".encode() + line
    assert _min_time(lambda: whole(data, PREFIX_IRIS)) < 20 * _min_time(
        lambda: data.replace(b"\\.", b"."))


def test_a_long_literal_of_no_space_is_passed_on_in_bounded_memory():
    # A literal of no space was held whole until its end (a 50 MB one: 101 MB at the peak,
    # the pieces then their join); passed on as it comes now, up to where no name can be.
    import hashlib
    import tracemalloc

    triple = ox.Triple(ox.NamedNode(CORP), ox.NamedNode(CORP), ox.Literal("x" * 4_000_000))
    expected = whole(ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=PREFIX_IRIS),
                     PREFIX_IRIS)

    class Digest:
        def __init__(self):
            self.hash = hashlib.sha256()

        def write(self, data):
            self.hash.update(data)
    out = Digest()
    tracemalloc.start()
    try:
        stream = WholeNames(out, PREFIX_IRIS)
        ox.serialize([triple], stream, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_IRIS)
        stream.end()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.hash.digest() == hashlib.sha256(expected).digest()
    assert peak < 1_000_000, peak  # 8 MB before


@pytest.mark.parametrize("held", [1, 3, 7])
def test_names_cut_anywhere_in_a_run_passed_on_in_parts_are_written_whole(monkeypatch, held):
    # A run passed on in parts: a name is never cut, and what came before tells where one
    # may start ("a(id:x\." holds one, "ax id:x\." after "ax" cut off none).
    from alliance_graph.query import turtle_names
    monkeypatch.setattr(turtle_names, "_HELD", held)
    text = (b'id:a\\.b\\. ag:p ("x(id:y\\\\." id:c\\.) , "1"^^id:T\\. ; ag:q [ag:r id:\\(a:\\.] .\n'
            b'<x> ag:p ( id:Corp\\. ) ,ag:x\\.\tid:d\\( , id:Corp\\..\n' + b"x(id:z\\.)" * 5)
    for size in (1, 2, 5):
        out = io.BytesIO()
        stream = WholeNames(out, PREFIX_IRIS)
        for i in range(0, len(text), size):
            stream.write(text[i:i + size])
        stream.end()
        assert out.getvalue() == whole(text, PREFIX_IRIS)
    assert whole(text, PREFIX_IRIS).count(b"<https://alliance-graph.example/") == 10


@pytest.mark.parametrize("unit", [b"(", b"^", b"(a:"])
def test_a_literal_of_brackets_is_passed_on_in_linear_time_at_c_speed(unit):
    # Each place a name may start in a run was read from the run's start, a Python step each:
    # a 16 MB literal of "(" took 6 s (0.02 s before the run was passed on in parts), 4 MB
    # 1.4 s; only the part after the last character that ends every name is read now.
    data = b'id:s id:p "' + unit * (4_000_000 // len(unit)) + b'" .\n'
    out = io.BytesIO()

    def written():
        out.seek(0)
        out.truncate()
        stream = WholeNames(out, PREFIX_IRIS)
        for i in range(0, len(data), 8192):
            stream.write(data[i:i + 8192])
        stream.end()
    assert _min_time(written) < 0.3  # 1.4 s before
    assert out.getvalue() == data
