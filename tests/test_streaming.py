"""The streaming build (streaming.py) gives the default route's quads and reports problems the
same way: file and line for syntax errors, ill-typed literals and data-check violations."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph.build import loading, reasoning, rules, streaming, truthy
from alliance_graph.build import pipeline as build
from alliance_graph.namespaces import INFERRED_GRAPH
from alliance_graph.store import directory
from alliance_graph.store.layout import ASSERTED, INFERRED
from helpers import build_problems, canonical


def per_file(store) -> list[ox.Quad]:
    """Return a directory store's per-file layout, having checked its ``graph/asserted`` copy:
    every file's triple once, with the files' own blank nodes."""
    asserted = {q.triple for q in store.quads_for_pattern(None, None, None, ASSERTED)}
    files = [q for q in store if q.graph_name != ASSERTED]
    assert asserted == {q.triple for q in files if q.graph_name != INFERRED}
    return files


def default_route(settings) -> ox.Store:
    """The default route's build (owlrl closure), as the memory backend loads it."""
    store = ox.Store()
    store.bulk_load(path=str(build.cached_build(settings)), format=ox.RdfFormat.N_QUADS)
    return store


def streamed(settings) -> ox.Store:
    store = ox.Store()
    build.stream_into(store, settings)
    return store


def inferred(store: ox.Store) -> int:
    return len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH)))))


def test_streaming_gives_the_default_routes_quads_on_the_shipped_data(settings):
    expected, got = default_route(settings), streamed(settings)
    assert inferred(expected) > 0, "the shipped data should infer something"
    assert inferred(got) == inferred(expected)
    assert canonical(got) == canonical(expected)


def test_streaming_gives_the_default_routes_quads_on_the_mini_fixture(mini):
    expected, got = default_route(mini), streamed(mini)
    assert inferred(expected) > 0
    assert canonical(got) == canonical(expected)


def test_streaming_names_each_blank_node_as_the_default_route(mini):
    # Not only alike up to renaming: the same names, so the two routes' builds are the same.
    paths = build.input_paths(mini)
    store = ox.Store()
    streaming.load_files(store, paths)
    assert set(store) == set(loading.load_files(paths)[0])


def test_a_blank_node_label_names_a_node_of_its_own_file_only_when_streamed(tmp_path):
    # RDF scopes a label to its document: `_:b1` of two files was one node.
    paths = []
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text("<urn:a> <urn:p> _:b1 .\n", encoding="utf-8")
        paths.append((tmp_path / name, f"data/{name}"))
    store = ox.Store()
    streaming.load_files(store, paths)
    assert len({q.object for q in store}) == 2


@pytest.mark.parametrize("which", ["shipped", "mini"])
def test_the_truthy_insert_derives_what_truthy_quads_does(which, settings, mini):
    chosen = settings if which == "shipped" else mini
    quads, _ = loading.load_files(build.input_paths(chosen))
    store = ox.Store()
    store.extend(quads)  # the same blank nodes as ``quads``, so quads compare as they are
    streaming.add_truthy(store)
    added = set(store) - set(quads)
    expected = set(truthy.truthy_quads(quads)) - set(quads)
    assert expected, "the claims should assert plain triples not written in the files"
    assert added == expected


def test_a_large_input_takes_the_streaming_route(mini, monkeypatch):
    expected = canonical(default_route(mini.with_(cache_dir=mini.cache_dir / "default")))
    large = mini.with_(streaming_threshold=0)
    assert build.is_large(large) and not build.is_large(mini)
    monkeypatch.setattr(build, "build_quads", lambda *a: pytest.fail("default route used"))
    path = build.cached_build(large)
    assert canonical(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)) == expected


def test_a_large_input_is_built_in_the_directory_store_itself(mini, monkeypatch):
    expected = canonical(default_route(mini))
    large = mini.with_(streaming_threshold=0, disk_build_threshold=0,
                       cache_dir=mini.cache_dir / "streamed")
    # Neither the default route nor a whole build in memory (the N-Quads cache's route).
    monkeypatch.setattr(build, "build_quads", lambda *a: pytest.fail("default route used"))
    monkeypatch.setattr(build, "cached_build", lambda *a: pytest.fail("built in memory"))
    folder = mini.root / "store"
    digest = directory.build_directory(large, folder)
    store = ox.Store.read_only(str(folder / f"build-{digest}"))
    assert canonical(per_file(store)) == expected


def test_a_large_input_with_its_cache_built_is_loaded_from_the_cache(mini, monkeypatch):
    large = mini.with_(streaming_threshold=0, disk_build_threshold=0,
                       cache_dir=mini.cache_dir / "cached")
    build.cached_build(large)  # as the memory backend leaves it
    monkeypatch.setattr(build, "stream_into", lambda *a: pytest.fail("built again on disk"))
    folder = mini.root / "store"
    digest = directory.build_directory(large, folder)
    store = ox.Store.read_only(str(folder / f"build-{digest}"))
    assert canonical(per_file(store)) == canonical(default_route(mini))


def test_files_with_a_byte_order_mark_stream_as_without(mini):
    expected = canonical(streamed(mini))
    for path in mini.input_files():
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert canonical(streamed(mini)) == expected


def test_a_syntax_error_after_a_byte_order_mark_keeps_its_line(mini):
    [problem] = failing_build(mini, "bad.ttl", "\ufeff<urn:a> <urn:p> <urn:b> .\n<urn:c> <urn:p> .\n")
    assert str(problem).startswith(f"{mini.data_dir}/bad.ttl:2:")


def failing_build(settings, name: str, text: str) -> list[loading.Problem]:
    """Return the problems of a streamed build with ``name`` written ``text``: each file named
    as its reader opens it, the temporary folder's by its absolute path."""
    (settings.data_dir / name).write_text(text, encoding="utf-8")
    with pytest.raises(loading.LoadError) as err:
        build.stream_into(ox.Store(), settings)
    return err.value.problems


def test_a_syntax_error_is_reported_with_file_and_line(mini):
    [problem] = failing_build(mini, "bad.ttl", "<urn:a> <urn:p> <urn:b> .\n\n<urn:c> <urn:p> <urn:d>\n"
                                                "<urn:e> <urn:p> <urn:f> .\n")
    assert str(problem).startswith(f"{mini.data_dir}/bad.ttl:4:")
    assert "dot" in problem.message


SAVED = ", in Windows-1252: the file was saved in another encoding than UTF-8; save it as UTF-8)"


# The small route's refusals (loading.read_text); Oxigraph's parser took a NUL or a byte that
# is not UTF-8 in a comment without a word, and in a term said it in its own words.
@pytest.mark.parametrize(("content", "said"), [
    (b"# a NUL \x00 in a comment\n", "data/bad.ttl:3: is a binary file, not Turtle (a NUL byte here)"),
    (b"<urn:a> \x00 <urn:p> <urn:b> .\n", "data/bad.ttl:3: is a binary file, not Turtle (a NUL byte here)"),
    (b'<urn:a> <urn:p> "c\x00d" .\n', "data/bad.ttl:3: is a binary file, not Turtle (a NUL byte here)"),
    (b"<urn:a\x00> <urn:p> <urn:b> .\n", "data/bad.ttl:3: is a binary file, not Turtle (a NUL byte here)"),
    (b"# caf\xe9\n", "data/bad.ttl:3: is not valid UTF-8 text (byte 0xE9, the line's byte 6, "
                     f"is 'é', U+00E9 LATIN SMALL LETTER E WITH ACUTE{SAVED}"),
    (b'<urn:a> <urn:p> "caf\xe9" .\n', "data/bad.ttl:3: is not valid UTF-8 text (byte 0xE9, the "
                                      "line's byte 21, is 'é', U+00E9 LATIN SMALL LETTER E WITH "
                                      f"ACUTE{SAVED}"),
    (b"# \xe2\x80", "data/bad.ttl:3: is not valid UTF-8 text (byte 0xE2, the line's byte 3, is "
                   f"'â', U+00E2 LATIN SMALL LETTER A WITH CIRCUMFLEX{SAVED}"),  # cut short
])
def test_a_file_that_is_not_utf8_text_is_refused_in_the_default_routes_words(tmp_path, content,
                                                                              said):
    # The load alone: a build's data checks may read the text for a line, and so refuse it.
    head = "<urn:a> <urn:p> <urn:b> .\n# an en dash \u2013 in a comment\n".encode()
    (tmp_path / "bad.ttl").write_bytes(head + content + b"# after\n")
    with pytest.raises(loading.LoadError) as err:
        streaming.load_files(ox.Store(), [(tmp_path / "bad.ttl", "data/bad.ttl")])
    assert str(err.value) == said


def test_a_utf16_file_is_said_to_be_utf16_by_the_streaming_route_too(mini):
    (mini.data_dir / "bad.ttl").write_bytes("<urn:a> <urn:p> <urn:b> .\n".encode("utf-16"))
    with pytest.raises(loading.LoadError) as err:
        build.stream_into(ox.Store(), mini)
    assert str(err.value) == f"{mini.data_dir}/bad.ttl: is UTF-16 text: save it as UTF-8 (Turtle is UTF-8)"


def test_a_nul_byte_in_a_large_input_is_said_with_its_file_and_line(mini):
    # Through the commands' build, past the threshold as a 5 MB input is.
    large = mini.with_(streaming_threshold=0)
    (mini.data_dir / "bad.ttl").write_bytes(b"# one\n# two \x00\n")
    assert build.is_large(large)
    with pytest.raises(loading.LoadError) as err:
        build.cached_build(large)
    assert str(err.value) == f"{mini.data_dir}/bad.ttl:2: is a binary file, not Turtle (a NUL byte here)"


def test_the_text_check_reads_a_sequence_cut_between_chunks(monkeypatch, tmp_path):
    # An en dash split by the chunk's end, and one whose second half is ASCII: only the
    # second is not UTF-8.
    monkeypatch.setattr(streaming, "_CHUNK", 4)
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_bytes(b"abc\xe2\x80\x93 defgh")
    bad.write_bytes(b"abc\xe2 defgh")
    with open(good, "rb") as text, open(bad, "rb") as not_text:
        assert (streaming._is_text(text), streaming._is_text(not_text)) == (True, False)


def test_an_ill_typed_literal_is_reported_with_file_and_line(mini):
    [problem] = failing_build(mini, "typed.ttl",
                              '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                              '<urn:a> <urn:year> "1987"^^xsd:gYear .\n'
                              '<urn:a> <urn:amount> "3.8 billion"^^xsd:decimal .\n')
    assert (problem.file, problem.line) == (f"{mini.data_dir}/typed.ttl", 3)
    assert '"3.8 billion" is not a valid xsd:decimal' in problem.message


def test_an_ill_typed_literal_in_a_file_of_carriage_returns_keeps_its_line(mini):
    # Regression: counted by its line feeds alone, the file was one line.
    [problem] = failing_build(mini, "typed.ttl",
                              '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\r'
                              '<urn:a> <urn:year> "1987"^^xsd:gYear .\r'
                              '<urn:a> <urn:amount> "3.8 billion"^^xsd:decimal .\r')
    assert (problem.file, problem.line) == (f"{mini.data_dir}/typed.ttl", 3)


@pytest.mark.parametrize("content, message", [
    ("<urn:a> <urn:p> 1 .\n<urn:x> <urn:p> <<( <urn:a> <urn:b> <urn:c> )>> .\n", "triple terms"),
    ("<urn:a> <urn:p> 1 .\n<< <urn:a> <urn:b> <urn:c> >> <urn:p> 1 .\n", "triple terms"),
    ('<urn:a> <urn:p> 1 .\n<urn:x> <urn:p> "hello"@en--ltr .\n', "base direction (@en--ltr)"),
], ids=["triple-term", "reified-triple", "direction"])
def test_rdf12_terms_are_refused_with_their_line_as_the_default_route_does(mini, content,
                                                                           message):
    # Regression: the streaming route (inputs over streaming_threshold) took them into the
    # build, where the default route (test_loading.py) refused them.
    [problem] = failing_build(mini, "rdf12.ttl", content)
    assert (problem.file, problem.line) == (f"{mini.data_dir}/rdf12.ttl", 2)
    assert message in problem.message


def test_a_data_check_violation_stops_the_build_with_file_and_line(mini):
    problems = failing_build(mini, "uncited.ttl",
                             "@prefix id: <https://alliance-graph.example/id/> .\n"
                             "@prefix ag: <https://alliance-graph.example/ontology/> .\n\n"
                             "id:IronDome ag:coFundedBy id:Nowhere .\n")
    assert [(p.file, p.line) for p in problems if "uncited-triple" in p.message] == [
        (f"{mini.data_dir}/uncited.ttl", 4)]


LOOSE = ("@prefix id: <https://alliance-graph.example/id/> .\n"
         "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
         "@prefix ev: <https://alliance-graph.example/id/evidence/> .\n"
         "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
         "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n\n"
         "_:loose a ag:Claim ;\n    rdf:subject id:Atlantis ;\n"
         "    rdf:predicate ag:coFundedBy ;\n    rdf:object id:UnitedStates ;\n"
         "    ag:rank ag:NormalRank ;\n    prov:wasDerivedFrom ev:test-iron-dome .\n")


@pytest.mark.parametrize("route", ["default", "streaming"])
def test_a_finding_on_a_labelled_blank_node_names_its_label_and_line(mini, route):
    # Regression: "data/loose.ttl: claim is a blank node: ...: f3c5...b0": the build named the
    # node by its place alone, which the file does not hold, and gave no line.
    (mini.data_dir / "loose.ttl").write_text(LOOSE, encoding="utf-8")
    [problem] = [p for p in build_problems(mini, route) if "node-namespace" in p.message]
    assert (problem.file, problem.line) == (f"{mini.data_dir}/loose.ttl", 7)
    assert problem.message.endswith(": _:loose [node-namespace-violation]")


def test_a_claim_of_two_values_stops_the_streaming_build_too(mini):
    # Regression: this route asserted both values, the default route the first alone.
    problems = failing_build(mini, "two.ttl", "@prefix claim: <https://alliance-graph.example/"
                             "id/claim/> .\n" + LOOSE.replace("_:loose", "claim:Two").replace(
                                 "rdf:object id:UnitedStates",
                                 "rdf:object id:UnitedStates, id:IronDome"))
    assert [(p.file, p.line) for p in problems if "claim-multiple" in p.message] == [
        (f"{mini.data_dir}/two.ttl", 11)]


CASES = [("urn:a", rdflib.OWL.sameAs, "urn:a"), ("urn:a", rdflib.OWL.sameAs, "urn:b"),
         ("urn:a", rdflib.RDF.type, rdflib.OWL.Thing), ("urn:a", rdflib.RDF.type, "urn:C"),
         (rdflib.OWL.Thing, rdflib.RDF.type, "urn:C"), ("urn:A", rdflib.RDFS.subClassOf, "urn:A"),
         ("urn:A", rdflib.RDFS.subClassOf, "urn:B"), ("urn:a", rdflib.OWL.sameAs, 5)]


@pytest.mark.parametrize("s, p, o", CASES)
def test_the_sparql_tautology_filter_is_is_tautology(s, p, o):
    s, p = rdflib.URIRef(s), rdflib.URIRef(p)
    o = rdflib.Literal(o) if isinstance(o, int) else rdflib.URIRef(o)
    ask = f"ASK {{ VALUES (?s ?p ?o) {{ ({s.n3()} {p.n3()} {o.n3()}) }} FILTER({reasoning.tautology_sparql()}) }}"
    assert ox.Store().query(ask).__bool__() == reasoning.is_tautology(s, p, o)


def test_rules_closure_still_runs_on_quads():
    graph = ox.NamedNode("urn:g")
    quads = [ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode("urn:A"), graph),
             ox.Quad(ox.NamedNode("urn:A"), ox.NamedNode(str(rdflib.RDFS.subClassOf)), ox.NamedNode("urn:B"), graph)]
    assert [str(q.object) for q in rules.closure(quads)] == ["<urn:B>"]


def test_a_merge_conflicts_markers_are_named_on_their_line_when_streamed(mini):
    # The streaming route gave the parser's words alone ("Invalid IRI code point ' '"), where
    # the default route names the conflict.
    text = ("@prefix id: <https://alliance-graph.example/id/> .\n<<<<<<< HEAD\n"
            "id:A id:b id:C .\n=======\nid:A id:b id:D .\n>>>>>>> other\n")
    [problem] = failing_build(mini, "bad.ttl", text)
    assert str(problem) == (
        f"{mini.data_dir}/bad.ttl:2: a merge conflict's marker (<<<<<<<, ======= or >>>>>>>): keep the side "
        "wanted, and delete the other and the markers")


def test_a_number_written_with_a_comma_is_refused_when_streamed(mini):
    # Two values to Turtle (2 and 582), which the build let pass.
    text = ("@prefix oa: <http://www.w3.org/ns/oa#> .\n@prefix id: <https://alliance-graph.example/id/> .\n"
            "id:A oa:start 2,582 ; oa:end 2603 .\n")
    [problem] = failing_build(mini, "bad.ttl", text)
    assert str(problem).startswith(f"{mini.data_dir}/bad.ttl:3: 2,582 is read as 2 numbers (2 and 582)")


XSD_PREFIX = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
DATE, AMOUNT = ('ill-typed literal "2016" is not a valid xsd:date (written 2016-05-31)',
                'ill-typed literal "3.8 billion" is not a valid xsd:decimal (written 3800000000 or 7.5)')


@pytest.mark.parametrize("route", ["default", "streaming"])
@pytest.mark.parametrize("lines, expected", [
    (['<urn:a> <urn:p> "2016"^^xsd:date .', "<urn:a> <urn:p> '2016'^^xsd:date .",
      '<urn:b> <urn:p> """2016"""^^xsd:date .'], [(2, DATE), (3, DATE), (4, DATE)]),
    (['<urn:a> <urn:p> "2016"^^xsd:date .', '<urn:a> <urn:q> "3.8 billion"^^xsd:decimal .',
      '<urn:a> <urn:q> "1"^^xsd:decimal .', '<urn:b> <urn:p> "2016"^^xsd:date .',
      '<urn:b> <urn:q> "3.8 billion"^^xsd:decimal .'],
     [(2, DATE), (3, AMOUNT), (5, DATE), (6, AMOUNT)]),
    ([f'<urn:c{i}> <urn:p> "2016"^^xsd:date .' for i in range(2_000)],
     [(2 + i, DATE) for i in range(2_000)]),
], ids=["thrice-quoted-thrice", "two-interleaved", "2000-claims"])
def test_an_ill_typed_literal_written_again_is_told_at_each_line_on_both_routes(
        mini, route, lines, expected):
    # The streaming route tested each distinct literal once and told it once: 2,000 claims of
    # "2016"^^xsd:date were one problem there, 2,000 (one per line) on the default route.
    (mini.data_dir / "typed.ttl").write_text(XSD_PREFIX + "\n".join(lines) + "\n")
    problems = build_problems(mini, route)
    assert [(p.line, p.message) for p in problems if p.file == f"{mini.data_dir}/typed.ttl"] == expected
