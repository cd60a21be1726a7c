"""A query's misspelt project names (query/absent_names.py), noted by the real command after its
answer with the name meant; the answer and the exit code as they were."""

import subprocess
import sys
from pathlib import Path

import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query.absent_names import _names

ROOT = Path(__file__).resolve().parents[1]


def query(*args):
    return subprocess.run([sys.executable, "-m", "alliance_graph", "--project", ROOT, "query",
                           *args], capture_output=True, text=True, timeout=300)


def test_a_misspelt_class_property_and_entity_are_noted_with_the_names_meant():
    # Each was "(0 rows)", exit 0, and not a word of why: a proposal's misspelt names are
    # told with the name meant, a query's were not.
    done = query("SELECT * WHERE { ?s a ag:MissileDefenceSystem ; ag:participnt id:IronDom ; "
                 "ag:zzzzqqq ?o . ?t a <https://alliance-graph.example/ontology/Clam> }")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "(0 rows)")
    assert done.stderr.splitlines() == [
        "note: ag:MissileDefenceSystem is in no triple of the graph: did you mean "
        "ag:MissileDefenseSystem?",
        "note: ag:participnt is in no triple of the graph: did you mean ag:participant?",
        "note: id:IronDom is in no triple of the graph: did you mean id:IronDome?",
        "note: ag:zzzzqqq is in no triple of the graph (a misspelt name matches nothing)",
        "note: <https://alliance-graph.example/ontology/Clam> is in no triple of the graph: "
        "did you mean ag:Claim?"]


def test_a_project_name_for_another_vocabularys_term_is_noted_with_that_term():
    # ag:label was "a misspelt name matches nothing": the graph's labels are rdfs:label, its
    # types rdf:type; a name no vocabulary holds either is said to match nothing still.
    done = query("SELECT * WHERE { ?s ag:label ?l ; ag:type ?t ; ag:zzzzqqq ?z }")
    assert done.returncode == 0 and done.stderr.splitlines() == [
        "note: ag:label is in no triple of the graph: did you mean rdfs:label?",
        "note: ag:type is in no triple of the graph: did you mean rdf:type?",
        "note: ag:zzzzqqq is in no triple of the graph (a misspelt name matches nothing)"], \
        done.stderr


def test_a_name_in_a_class_or_a_propertys_place_is_offered_a_name_of_that_kind():
    # ?s a ag:Countrie was offered ag:counters, a property where a class belongs; ag:rnk in a
    # class's place ag:rank (a property), ag:Rnk in a property's ag:Rank (a class).  Then
    # nothing: no class is spelt near it; the one aligned with schema:Country is offered.
    done = query("SELECT * WHERE { ?s a ag:rnk ; ag:Rnk ?o ; a ag:Countrie . "
                 "?c rdfs:subClassOf ag:Aliance . ?t a/rdfs:subClassOf* ag:rnk }")
    assert done.returncode == 0 and done.stderr.splitlines() == [
        "note: ag:rnk is in no triple of the graph: did you mean ag:Rank?",
        "note: ag:Rnk is in no triple of the graph: did you mean ag:rank?",
        "note: ag:Countrie is in no triple of the graph: did you mean ag:State (a subclass "
        "of schema:Country)?",
        "note: ag:Aliance is in no triple of the graph: did you mean ag:Alliance?"], done.stderr


def test_a_name_in_a_propertys_place_is_offered_the_property_aligned_with_one_spelt_near():
    # ?e ag:attendees ?x was "(a misspelt name matches nothing)": no project property is spelt
    # near it, and the properties the ontology aligns (ag:participant rdfs:subPropertyOf
    # schema:attendee) were not looked among, as the classes were.
    done = query("SELECT * WHERE { ?e ag:attendees ?x ; ag:containedInPlaces ?p }")
    assert done.returncode == 0 and done.stderr.splitlines() == [
        "note: ag:attendees is in no triple of the graph: did you mean ag:participant (a "
        "subproperty of schema:attendee)?",
        "note: ag:containedInPlaces is in no triple of the graph: did you mean ag:locatedIn (a "
        "subproperty of schema:containedInPlace)?"], done.stderr


def test_a_name_in_both_places_or_in_neither_is_offered_the_aligned_term_all_the_same():
    # ?e ag:attendees ?x is offered ag:participant; written in a class's place as well, or
    # in a VALUES block or a FILTER alone, it was "(a misspelt name matches nothing)": its
    # place was None either way, and only a class's or a property's was offered an alignment.
    done = query("SELECT * WHERE { ?s a ag:attendees . ?s ag:attendees ?o "
                 "VALUES ?p { ag:atendees } ?s ?p ?o FILTER(?p != ag:attendes) }")
    assert done.returncode == 0 and done.stderr.splitlines() == [
        f"note: ag:{name} is in no triple of the graph: did you mean ag:participant (a "
        "subproperty of schema:attendee)?" for name in ("attendees", "atendees", "attendes")
    ], done.stderr


@pytest.mark.parametrize("text, places", [
    ("?s a ag:A, ag:B ; ag:p [ ag:q ?x ] ; ag:r/ag:s|^ag:t ?y . ?y ag:u ?z",
     {"A": "class", "B": "class", "p": "property", "q": "property", "r": "property",
      "s": "property", "t": "property", "u": "property"}),
    ("?s rdf:type ag:A . ?c rdfs:subClassOf+ ag:B", {"A": "class", "B": "class"}),
    ("VALUES ?x { ag:A ag:B } ?x ag:p ag:C", {"A": None, "B": None, "p": "property", "C": None}),
    ("?s a ag:A . ?s ag:A ?o", {"A": "both"}),  # both kinds of place: told from neither
    ("FILTER(?x = ag:A) BIND(ag:f(?x) AS ?y)", {"A": None, "f": None}),
    ("?s ?p <<( ?x ag:p ?y )>> {| ag:q ?z |}", {"p": "property", "q": "property"}),
    # a negated property set's and a group's steps, and a triple after a FILTER or BIND: in
    # no place before, ag:Rnk offered the class ag:Rank for ?s !(ag:Rnk|ag:rank) ?o
    ("?s !(ag:p|^ag:q) ?o . ?s !ag:r ?o . ?s (ag:s)* ?o . ?s ag:t/((ag:u)) ?o . "
     "FILTER(?x) ?s ag:v ?o BIND(1 AS ?b) ?b ag:w ?o",
     {"p": "property", "q": "property", "r": "property", "s": "property", "t": "property",
      "u": "property", "v": "property", "w": "property"}),
    ("FILTER(!ag:f(?x) || (ag:g(?x))) ?s ag:p (ag:A ag:B) . (ag:C) ?p ?o",
     {"f": None, "g": None, "p": "property", "A": None, "B": None, "C": None}),
])
def test_a_names_place_is_read_from_the_tokens_around_it(text, places):
    from alliance_graph.query.absent_names import _read
    ag = PREFIX_IRIS["ag"]
    assert {iri[len(ag):]: place for iri, place in _read(f"SELECT * {{ {text} }}").places.items()
            if iri.startswith(ag)} == places


def test_a_graph_no_graph_pattern_can_see_is_noted_with_the_one_meant(endpoint):
    # GRAPH <.../graph/data/aid.tt> (a file's graph misspelt) matched nothing and the query
    # page's notes said nothing, where FROM naming it is refused (400).
    import json
    import urllib.parse
    import urllib.request
    graphs = PREFIX_IRIS["graph"]
    text = (f"SELECT * WHERE {{ GRAPH <{graphs}data/aid.tt> {{ ?s ?p ?o }} GRAPH <urn:x:g> "
            f"{{ ?s ?p ?o }} GRAPH <{graphs}data/aid.ttl> {{ ?s a ag:Clam }} }}")
    body = urllib.parse.urlencode({"query": text}).encode()
    with urllib.request.urlopen(endpoint + "/query/notes", data=body, timeout=60) as answer:
        said = json.loads(answer.read())["notes"]
    assert said[0] == (f"GRAPH <{graphs}data/aid.tt> names no graph the store holds: did you "
                       f"mean <{graphs}data/aid.ttl>?"), said
    assert said[1].startswith("GRAPH <urn:x:g> names no graph the store holds (it matches "
                              "nothing; SELECT DISTINCT ?g WHERE { GRAPH ?g {} } lists the ")
    assert said[2:] == ["ag:Clam is in no triple of the graph: did you mean ag:Claim?"]


def test_a_long_name_or_graph_is_noted_clipped(endpoint):
    # GRAPH <.../graph/xxx...> of 60,000 characters and ag:xxx... were each said whole, a
    # note of 60 KB on the query page (and the command line), where every other message
    # clips what its reader gave (clipping.written).
    import json
    import urllib.parse
    import urllib.request
    long = "x" * 40_000
    text = (f"SELECT * WHERE {{ GRAPH <{PREFIX_IRIS['graph']}{long}> {{ ?s ag:{long} ?o }} }}")
    body = urllib.parse.urlencode({"query": text}).encode()
    with urllib.request.urlopen(endpoint + "/query/notes", data=body, timeout=60) as answer:
        said = json.loads(answer.read())["notes"]
    assert [len(note) < 600 for note in said] == [True, True], said
    assert said[0].startswith(f"GRAPH <{PREFIX_IRIS['graph']}xxx") and \
        "…> (40,037 characters) names no graph the store holds" in said[0], said[0]
    assert said[1] == f"ag:{'x' * 197}… (40,003 characters) is in no triple of the graph " \
        "(a misspelt name matches nothing)"


def test_a_query_given_a_timeout_still_notes_what_it_has_time_for():
    # Its notes are made within what is left of --timeout (absent_names.within).
    done = query("ASK { id:IronDom ?p ?o }", "--timeout", "60")
    assert (done.returncode, done.stderr) == (
        0, "note: id:IronDom is in no triple of the graph: did you mean id:IronDome?\n")


@pytest.mark.parametrize("text", [
    "SELECT ?l WHERE { id:IronDome rdfs:label ?l }",   # every name in the graph
    "PREFIX ag: <http://example.org/> ASK { ?s a ag:Clam }",  # ag: of another vocabulary
    "ASK { ?s a schema:Thingg }",                      # not the project's namespace
    "aid-amounts",                                     # a catalogue query
])
def test_a_query_naming_no_absent_project_name_gets_no_note(text):
    done = query(text, "--format", "csv")
    assert (done.returncode, done.stderr) == (0, "")


def test_a_services_names_and_graphs_get_no_note(kg):
    # GRAPH <http://example.org/g> within a SERVICE was noted as a graph this store holds
    # not, and its ag:Rnk as in no triple of this graph: both are the other store's.
    from alliance_graph.query.absent_names import notes
    assert notes(kg, "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { GRAPH "
                     "<http://example.org/g> { ?s ag:Rnk ?o } } ?s ag:Rnk2 ?o }") == [
        "ag:Rnk2 is in no triple of the graph: did you mean ag:rank?"]


def test_a_constructs_template_gets_no_note():
    # A CONSTRUCT's template writes new triples: its names are the answer's, not the graph's
    # (noted, 'ag:fundedTotal is in no triple of the graph (a misspelt name matches nothing)').
    done = query("CONSTRUCT { ?s ag:fundedTotal ?o ; a ag:Funder } WHERE { ?s ag:participant "
                 "?o } LIMIT 1", "--format", "nt")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert "fundedTotal" in done.stdout


def test_a_constructs_template_is_passed_over_and_its_where_clause_read():
    assert set(_names("CONSTRUCT { id:New ag:made id:Old } WHERE { id:Old ag:mad ?x }")) == {
        "https://alliance-graph.example/id/Old", "https://alliance-graph.example/ontology/mad"}
    assert set(_names("CONSTRUCT WHERE { id:Old ag:mad ?x }")) == {  # its pattern: the graph's
        "https://alliance-graph.example/id/Old", "https://alliance-graph.example/ontology/mad"}


def test_names_are_resolved_by_the_querys_own_prefixes_and_escapes():
    assert _names("BASE <https://alliance-graph.example/id/> "
                  "PREFIX x: <https://alliance-graph.example/id/> "
                  r"SELECT * { x:Iron\-Dome ag:p <https://alliance-graph.example/id/A> ; "
                  "rdfs:label ?l }") == {
        "https://alliance-graph.example/id/Iron-Dome": r"x:Iron\-Dome",
        "https://alliance-graph.example/ontology/p": "ag:p",
        "https://alliance-graph.example/id/A": "<https://alliance-graph.example/id/A>"}


def test_notes_the_engine_cannot_give_are_none_and_the_answer_stands(settings):
    # An engine stopping the notes' read at its limit (EngineError) raised from ag.run after
    # the answer, which was lost: the notes are left out, as a remote store's refusal is.
    import alliance_graph as ag
    from alliance_graph.query.absent_names import notes
    kg = ag.load(settings, timeout=5)
    kg.close()
    assert notes(kg, "SELECT * WHERE { ?s a ag:Clam }") == []


def test_a_query_of_thousands_of_names_still_has_its_notes(kg):
    # The one query asking which names are in no triple wrote each name as a whole IRI: past
    # some 2,100 names it was over the query size limit (100,000 bytes), and no name was
    # noted, though the query itself ran (a VALUES list pasted from a spreadsheet).
    from alliance_graph.query.absent_names import notes
    names = " ".join(f"id:Zq{i}" for i in range(2400))
    said = notes(kg, f"SELECT * WHERE {{ VALUES ?x {{ {names} id:IronDom }} }} LIMIT 1")
    assert len(said) == 2401
    assert "id:IronDom is in no triple of the graph: did you mean id:IronDome?" in said


def test_the_names_read_to_find_the_one_meant_are_read_once_a_graph_and_dropped_with_it(
        settings):
    # Each ag.run naming a name the graph holds nowhere read every typed name of its
    # namespace again: 0.4 s at 100 k generated facts for ASK { id:E000000 ?p ?o } (whether
    # id:E000000 is there; 1 ms for one that is), 0.001 s once they are kept with the graph.
    import gc

    from alliance_graph.query import absent_names
    from alliance_graph.store import graph as store
    kg = store.load(settings)
    said = ["ag:Clam is in no triple of the graph: did you mean ag:Claim?"]
    assert absent_names.notes(kg, "ASK { ?s a ag:Clam }") == said
    listed = absent_names._TYPED[id(kg)]
    assert absent_names.notes(kg, "ASK { ?s a ag:Clam }") == said
    assert absent_names._TYPED[id(kg)] is listed and \
        "Claim" in listed[PREFIX_IRIS["ag"], None].names
    key = id(kg)
    del kg
    gc.collect()
    assert key not in absent_names._TYPED  # nothing kept of a graph dropped


def test_a_server_following_a_new_build_offers_the_names_of_that_build(tmp_path):
    # The typed names are kept per graph, and a server's graph is one object whatever build
    # its engine follows: once `load` renamed id:FxState to id:FxStaat, the query page's
    # notes went on offering the old name, "id:FxState is in no triple of the graph: did
    # you mean id:FxState?", and never the new one.
    import json
    import shutil
    import time
    import urllib.parse
    import urllib.request

    import servers
    from helpers import FIXTURE_BASE

    data = shutil.copytree(FIXTURE_BASE, tmp_path / "data")
    options = ["--data", str(data), "--ontology", str(ROOT / "ontology"), "--cache",
               str(tmp_path / "cache"), "--store", str(tmp_path / "store")]
    cli = str(servers.BIN / "alliance-graph")

    def load():
        done = subprocess.run([cli, *options, "load"], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr

    def get(path: str, query: str | None = None):
        body = None if query is None else urllib.parse.urlencode({"query": query}).encode()
        with urllib.request.urlopen(url + path, data=body, timeout=60) as answer:
            return json.loads(answer.read())

    load()
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([cli, *options, "serve", "--port", str(port)], url + "/status",
                            tmp_path / "serve.log")
    try:
        typo = "ASK { id:FxStat ?p ?o }"
        assert get("/query/notes", typo)["notes"] == [
            "id:FxStat is in no triple of the graph: did you mean id:FxState?"]
        base = data / "base.ttl"
        base.write_text(base.read_text("utf-8").replace("id:FxState ", "id:FxStaat "), "utf-8")
        load()
        deadline = time.monotonic() + 60
        while get("/status")["builds_followed"] == 0:
            assert time.monotonic() < deadline, "the server kept the old build"
            time.sleep(0.2)
        # The old name is one of none, and the new one is offered.
        assert get("/query/notes", "ASK { id:FxState ?p ?o }")["notes"] == [
            "id:FxState is in no triple of the graph: did you mean id:FxState2?"]
        assert get("/query/notes", "ASK { id:FxStaa ?p ?o }")["notes"] == [
            "id:FxStaa is in no triple of the graph: did you mean id:FxStaat?"]
    finally:
        servers.stop(process)


def test_names_written_relative_to_the_querys_base_are_noted():
    # A query's BASE resolves its relative IRIs, and the relative IRIs its prefixes declare:
    # such names were taken as written (<IronDom>, a prefix of <id/>), in no project
    # namespace, and a misspelt one went unnoted: "(0 rows)" and not a word.
    done = query("BASE <https://alliance-graph.example/> PREFIX i: <id/> "
                 "SELECT * WHERE { i:IronDom ?p ?o . ?s a <ontology/Clam> }")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "(0 rows)")
    assert done.stderr.splitlines() == [
        "note: i:IronDom is in no triple of the graph: did you mean id:IronDome?",
        "note: <ontology/Clam> is in no triple of the graph: did you mean ag:Claim?"]
    assert set(_names("BASE <https://alliance-graph.example/id/> ASK { <IronDom> ?p ?o . "
                      "<../ontology/Clam> ?q ?r . <https://x.example/a> ?q ?r }")) == {
        "https://alliance-graph.example/id/IronDom", "https://alliance-graph.example/ontology/Clam"}


def test_notes_not_made_within_the_time_left_of_a_timeout_are_left_out():
    # ag.run and query --timeout both note after the answer, with what is left of their
    # timeout: over 400,000 typed nodes the first note reads every typed name (0.79 s where
    # 0.2 was asked; query --timeout noted outside its limit).
    import time

    from alliance_graph.query import absent_names
    from helpers import many_typed_nodes
    kg = many_typed_nodes()
    assert absent_names.within(kg, "ASK { id:n12345x ?p ?o }", 0) == []
    began = time.monotonic()
    assert absent_names.within(kg, "ASK { id:n12345x ?p ?o }", 0.05) == []
    assert time.monotonic() - began < 2  # (the [] is the point: the note was not waited for)
    assert absent_names.within(kg, "ASK { id:n12345x ?p ?o }", None) == [
        "id:n12345x is in no triple of the graph: did you mean id:n12345?"]


def test_the_query_pages_notes_lex_the_text_once_and_its_names_as_written(settings):
    # POST /query/notes lexed the text three times (its bounds, Oxigraph's reading, the names)
    # and each 50 KB part of the names asked of twice (the guard, whether it names a graph),
    # the names written as whole IRIs, five times their prefixed length: 0.17 s for 95 KB of
    # made-up names, 3.5 times /sparql's checks of the same text; 0.11 s now
    # (bench/query_notes.py).  Counted here as the characters the lexer reads: 10.6 times
    # the text's, now 2.
    import sys
    import urllib.parse

    from alliance_graph import lexer
    from alliance_graph.web.app import create_app
    names = " ".join(f"id:Made{i}" for i in range(2000))
    text = f"SELECT * WHERE {{ VALUES ?x {{ id:IronDom {names} }} ?x ?p ?o }}"
    client = create_app(settings).test_client()
    lexed = []

    def counted(frame, event, _):
        if event == "call" and frame.f_code is lexer.tokenize.__code__:
            lexed.append(len(frame.f_locals["text"]))
    sys.setprofile(counted)
    try:
        answer = client.post("/query/notes", data=urllib.parse.urlencode({"query": text}),
                             content_type="application/x-www-form-urlencoded")
    finally:
        sys.setprofile(None)
    assert answer.status_code == 200 and answer.get_json()["more"] == 2001 - 20
    assert "id:IronDom is in no triple of the graph: did you mean id:IronDome?" in \
        answer.get_json()["notes"]
    assert lexed.count(len(text)) == 1 and sum(lexed) < 2.2 * len(text), lexed


def _file_graphs(count: int):
    """Return a graph of ``count`` file graphs of a triple each, in this process."""
    import pyoxigraph as ox

    from alliance_graph.store.graph import KnowledgeGraph
    store = ox.Store()
    node = ox.NamedNode(PREFIX_IRIS["id"] + "IronDome")
    store.extend(ox.Quad(node, node, ox.Literal(str(i)),
                         ox.NamedNode(f"{PREFIX_IRIS['graph']}data/f{i:05}.ttl"))
                 for i in range(count))
    return KnowledgeGraph.from_store(store)


def test_the_graphs_read_to_find_the_one_meant_are_bounded_and_a_cut_list_said():
    # Every graph the store held was listed, named and searched for the one meant, bounded
    # by the query's time limit alone (a remote store may hold millions): the first
    # MOST_GRAPHS_LISTED are read, and the note says the list was cut.
    from alliance_graph.query.absent_graphs import notes
    from alliance_graph.settings import MOST_GRAPHS_LISTED
    kg = _file_graphs(MOST_GRAPHS_LISTED + 5)
    graphs = PREFIX_IRIS["graph"]
    said = notes(kg, {f"{graphs}data/f00001.tt": "<x>", f"{graphs}data/f00002.ttl": "<held>",
                      "urn:zzz": "<urn:zzz>"})
    assert said == [
        f"GRAPH <x> names no graph the store holds: did you mean <{graphs}data/f00001.ttl>? "
        f"(of the first {MOST_GRAPHS_LISTED:,} graphs it lists)",
        f"GRAPH <urn:zzz> names no graph the store holds (it matches nothing, and none of the "
        f"first {MOST_GRAPHS_LISTED:,} graphs it lists is close; SELECT DISTINCT ?g WHERE "
        "{ GRAPH ?g {} } lists them all)"], said
    # A graph past those listed is held all the same: it is asked of by name.
    assert notes(kg, {f"{graphs}data/f{MOST_GRAPHS_LISTED + 4:05}.ttl": "<last>"}) == []
    # The one meant is looked for of the first `searched` alone (the query page's 20).
    assert notes(kg, {"urn:a": "<a>", "urn:b": "<b>"}, searched=1)[1] == \
        "GRAPH <b> names no graph the store holds"


def test_a_store_unable_to_list_its_graphs_says_so_in_the_note(empty_oxigraph):
    # A store failing the listing (here: its answer over the bytes the store's client reads)
    # lost the note altogether, the GRAPH's slip unsaid; one unable to answer at all gives
    # none, and neither raises.
    import urllib.request

    import pyoxigraph as ox

    from alliance_graph.query.absent_graphs import notes
    from alliance_graph.store.graph import KnowledgeGraph
    from alliance_graph.store.remote import RemoteStore
    graphs = PREFIX_IRIS["graph"]
    names = [f"{graphs}data/file-with-a-long-enough-name-{i:03}.ttl" for i in range(40)]
    insert = " ".join(f"GRAPH <{g}> {{ <urn:s> <urn:p> {i} }}" for i, g in enumerate(names))
    urllib.request.urlopen(urllib.request.Request(
        empty_oxigraph + "/update", data=f"INSERT DATA {{ {insert} }}".encode(),
        headers={"Content-Type": "application/sparql-update"}), timeout=30).close()
    remote = RemoteStore(empty_oxigraph + "/query", max_answer_bytes=2_000)
    kg = KnowledgeGraph(remote, remote, [ox.NamedNode(g) for g in names])
    said = notes(kg, {f"{graphs}data/aid.tt": "<aid>"})
    assert len(said) == 1 and said[0].startswith(
        "GRAPH <aid> names no graph the store holds (its graphs could not be listed to find "
        "the one meant: "), said
    gone = RemoteStore("http://127.0.0.1:9/query", timeout=2)  # nothing answers there
    assert notes(KnowledgeGraph(gone, gone, []), {f"{graphs}data/aid.tt": "<aid>"}) == []


def test_a_store_unable_to_give_the_alignments_leaves_the_other_notes(empty_oxigraph):
    # Its answer over the bytes the store's client reads: every note of the query was lost
    # (the names' own too), where a store failing the graphs' listing loses that note alone.
    import urllib.request

    import pyoxigraph as ox

    from alliance_graph.query.absent_names import notes
    from alliance_graph.store.graph import KnowledgeGraph
    from alliance_graph.store.layout import ASSERTED
    from alliance_graph.store.remote import RemoteStore
    ag, graph = PREFIX_IRIS["ag"], ASSERTED.value  # (the graph a query sees)
    insert = " ".join(f"<{ag}Aligned> <{PREFIX_IRIS['rdfs']}subClassOf> "
                      f"<http://schema.org/ALongEnoughOtherClassName{i:03}> ." for i in range(40))
    urllib.request.urlopen(urllib.request.Request(
        empty_oxigraph + "/update", data=f"INSERT DATA {{ GRAPH <{graph}> {{ {insert} }} }}"
        .encode(), headers={"Content-Type": "application/sparql-update"}), timeout=30).close()
    remote = RemoteStore(empty_oxigraph + "/query", max_answer_bytes=2_000)
    kg = KnowledgeGraph(remote, remote, [ox.NamedNode(graph)])
    said = notes(kg, "SELECT * { ?s a ag:Countrie }")
    assert said == ["ag:Countrie is in no triple of the graph (a misspelt name matches "
                    "nothing)"], said
