"""GET /sparql without a query: Service Description, VoID figures and catalogue examples."""

import json
import socket
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph.query import catalogue
from helpers import get_with_host

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def described(endpoint, accept=None):
    request = urllib.request.Request(f"{endpoint}/sparql", headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["Content-Type"], response.read()


def test_turtle_by_default_describes_the_endpoint_and_its_graphs(endpoint, settings):
    ctype, body = described(endpoint)
    assert ctype.startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    service = rdflib.URIRef(f"{endpoint}/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph
    names = set(graph.objects(None, SD.name))
    assert rdflib.URIRef("https://alliance-graph.example/graph/inferred") in names
    assert len(names) == len(list(settings.input_files())) + 1  # one graph per file, + inferred
    # VoID triple count of the default graph is the answer of a COUNT query.
    [triples] = graph.query("SELECT ?n WHERE { ?ds sd:defaultGraph/void:triples ?n }",
                            initNs={"sd": SD, "void": VOID})
    url = f"{endpoint}/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%3Fs%20%3Fp%20%3Fo%7D"
    with urllib.request.urlopen(url) as response:
        counted = json.loads(response.read())["results"]["bindings"][0]["n"]["value"]
    assert int(triples[0]) == int(counted)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml"])
def test_the_description_is_written_with_its_vocabularies_prefixes(endpoint, accept):
    """The description declared the project's sixteen prefixes and wrote every term of its own
    vocabularies whole (<http://www.w3.org/ns/sparql-service-description#endpoint>, on every
    line): sd:, void: and sh: are declared now, as are the project's prefixes it uses, and it
    reads back as the same graph."""
    _, body = described(endpoint, accept)
    text = body.decode()
    for name, iri in (("sd", SD), ("void", VOID), ("sh", SH)):
        assert f"@prefix {name}: <{iri}>" in text or f'xmlns:{name}="{iri}"' in text, name
    if accept == "text/turtle":  # the declarations alone name them whole
        assert text.count(str(SD)) == 1 and text.count(str(VOID)) == 1, text[:2000]
    fmt = "turtle" if accept == "text/turtle" else "xml"
    assert len(rdflib.Graph().parse(data=body, format=fmt)) == len(
        rdflib.Graph().parse(data=described(endpoint, "application/n-triples")[1], format="nt"))


def test_the_dataset_states_its_version(endpoint):
    _, body = described(endpoint, "application/n-triples")
    graph = rdflib.Graph().parse(data=body, format="nt")
    dataset = next(graph.subjects(rdflib.RDF.type, VOID.Dataset))
    with urllib.request.urlopen(f"{endpoint}/status", timeout=30) as response:
        version = json.loads(response.read())["version"]
    assert list(graph.objects(dataset, rdflib.OWL.versionInfo)) == [rdflib.Literal(version)]


def test_catalogue_queries_are_examples(endpoint, settings):
    _, body = described(endpoint, "application/n-triples")
    graph = rdflib.Graph().parse(data=body, format="nt")
    examples = set(graph.subjects(rdflib.RDF.type, SH.SPARQLExecutable))
    assert len(examples) == len(catalogue.query_files(settings.queries_dir)) > 0
    texts = {str(t) for p in (SH.select, SH.ask, SH.construct, SH.describe)
             for t in graph.objects(None, p)}
    assert (settings.queries_dir / "iron-dome-cofunded.rq").read_text() in texts


def test_description_in_json_ld(endpoint):
    ctype, body = described(endpoint, "application/ld+json")
    assert ctype == "application/ld+json"
    assert any(t.predicate.value == str(SD.endpoint)
               for t in ox.parse(body, format=ox.RdfFormat.JSON_LD))


@pytest.mark.parametrize("host", ["xn--a.b", "xn--a.b:8080", "127.0.0.1", "a_b"])
def test_a_host_name_that_is_not_idna_still_gets_its_description(endpoint, host):
    # werkzeug's base_url decodes an IDNA host; "xn--a" does not decode, and GET /sparql with
    # that Host was a 500.  Names werkzeug dislikes (a_b) made the endpoint <http:///sparql>.
    # The description names the endpoint as the client reached it.
    status, _, body = get_with_host(endpoint, "/sparql", host, "application/n-triples")
    assert status == 200, body
    assert f"<http://{host}/sparql>".encode() in body


@pytest.mark.parametrize("head, named", [
    # HTTP/1.0 without Host: the address the request reached (it was "waitress.invalid").
    (b"GET /sparql HTTP/1.0\r\n", "http://127.0.0.1:{port}/sparql"),
    # An absolute URL names the host (RFC 9112, 3.2.2); waitress kept only its path.
    (b"GET http://example.org:81/sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n",
     "http://example.org:81/sparql"),
])
def test_the_description_names_the_host_the_request_was_addressed_to(endpoint, head, named):
    port = urllib.parse.urlsplit(endpoint).port
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + b"Accept: application/n-triples\r\nConnection: close\r\n\r\n")
        answer = b"".join(iter(lambda: sock.recv(65536), b""))
    assert answer.split(b" ", 2)[1] == b"200", answer[:300]
    assert f"<{named.format(port=port)}> ".encode() in answer


@pytest.mark.parametrize("host", ["a%zz", "[:::]"])
def test_a_host_header_that_makes_no_iri_is_a_400(endpoint, host):
    # The front lets these through (a reg-name may hold "%", brackets hold hex digits and
    # colons), but no endpoint IRI can be written with them.
    status, _, body = get_with_host(endpoint, "/sparql", host, "application/n-triples")
    assert status == 400 and b"makes no IRI" in body


@pytest.mark.parametrize("params, media_type", [
    ("output=nt", "application/n-triples"),
    ("format=&output=nt", "application/n-triples"),
    ("format=bogus&format=application/ld%2Bjson", "application/ld+json"),
    ("format=&format=xml", "application/rdf+xml"),
], ids=["output", "blank-format-then-output", "unknown-then-known", "blank-then-known"])
def test_the_descriptions_format_is_named_as_a_querys_is(endpoint, params, media_type):
    # It read the first format value alone: Fuseki's output (which /sparql takes for a query)
    # was ignored, and a blank or unknown value before a known one was Turtle or a 406.
    with urllib.request.urlopen(f"{endpoint}/sparql?{params}", timeout=30) as response:
        assert response.headers["Content-Type"].split(";")[0] == media_type



def test_a_description_xml_cannot_carry_is_a_406_not_a_200_no_parser_reads(settings, kg,
                                                                            tmp_path):
    # A catalogue query is a contributor's text: one holding a control character (a form
    # feed pasted into a comment) was written into RDF/XML as it is, a 200 no parser reads.
    from alliance_graph.web.app import create_app

    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "paged.rq").write_text("# Paged\n# A query with a form feed.\n\n"
                                      "ASK { # page two:\x0c\n}\n", encoding="utf-8")
    client = create_app(settings.with_(queries_dir=queries), kg=kg).test_client()
    answer = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert answer.status_code == 406, answer.data[:300]
    assert b"XML cannot carry" in answer.data
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "\\f" in turtle.get_data(as_text=True)


def test_the_description_offers_only_examples_within_the_servers_bounds(settings, kg,
                                                                        tmp_path):
    # Regression: the examples were picked with the default bounds, so a server started with
    # lower ones (serve --max-query-elements 3) described a query it then refused 400.
    from alliance_graph.web.app import create_app

    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "small.rq").write_text("# Small\n# One pattern.\nASK { ?s ?p ?o }\n")
    (queries / "large.rq").write_text("# Large\n# Five patterns.\nASK { ?a ?b ?c . ?c ?d ?e . "
                                      "?e ?f ?g . ?g ?h ?i . ?i ?j ?k }\n")
    client = create_app(settings.with_(queries_dir=queries, max_query_elements=3),
                        kg=kg).test_client()
    body = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "One pattern." in body and "Five patterns." not in body


def test_a_catalogue_file_no_example_can_be_read_from_leaves_serve_listening(tmp_path):
    # A query saved in Latin-1 stopped `serve` before it listened, said to be "not a host
    # name or address this machine resolves" (the examples read with a UnicodeDecodeError, a
    # ValueError, taken for waitress's), and `serve --get` printed the traceback; a named
    # pipe there was waited on for good, by `serve` and by `catalogue`.
    import os
    import shutil
    import subprocess

    import servers
    from helpers import ROOT, fetch
    project = tmp_path / "project"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    queries = project / "queries"
    (queries / "latin.rq").write_bytes(b"# Caf\xe9\n# Latin-1.\nASK { ?s ?p ?o }\n")
    (queries / "folder.rq").mkdir()
    os.mkfifo(queries / "pipe.rq")
    (queries / "fine.rq").write_text("# Fine\n# UTF-8, read.\nASK { ?s ?p ?o }\n")
    cli = [str(servers.BIN / "alliance-graph"), "--project", str(project), "--cache",
           str(tmp_path / "cache")]
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([*cli, "serve", "--port", str(port)], url + "/status",
                            tmp_path / "serve.log", timeout=180)
    try:
        status, _, body = fetch(f"{url}/sparql", headers={"Accept": "text/turtle"})
        assert status == 200 and "UTF-8, read." in body.decode()
        assert "Latin-1." not in body.decode()
        assert fetch(f"{url}/?example=fine")[0] == 200
    finally:
        servers.stop(process)
    got = subprocess.run([*cli, "serve", "--get", "/?example=fine"], capture_output=True,
                         timeout=120)
    assert got.returncode == 0 and b"UTF-8, read." in got.stdout, got.stderr[-500:]
    done = subprocess.run([*cli, "catalogue", "--update"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "is not a regular file: a catalogue file is a text " \
        "file; move it out of" in done.stderr, done.stderr


def test_the_examples_follow_the_catalogue_while_the_server_runs(tmp_path):
    # They were read once, before the server listened: a query added, edited or removed in
    # queries/ was listed as it was (or not at all) on the query page and in the description
    # until a restart, where the data is followed.  A file no example can be read from,
    # added meanwhile, is left out as at start (a named pipe is not waited on), never a 500.
    import os
    import shutil
    import time

    import servers
    from helpers import ROOT, fetch
    project = tmp_path / "project"
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    queries = project / "queries"
    queries.mkdir()
    (queries / "first.rq").write_text("# First\n# The first query.\nASK { ?s ?p ?o }\n")
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(servers.BIN / "alliance-graph"), "--project", str(project),
                             "--cache", str(tmp_path / "cache"), "serve", "--port", str(port)],
                            url + "/status", tmp_path / "serve.log", timeout=180)

    def listed() -> tuple[str, str]:
        page, description = fetch(f"{url}/"), fetch(f"{url}/sparql",
                                                     headers={"Accept": "text/turtle"})
        assert page[0] == description[0] == 200, (page[0], description[0])
        return page[2].decode(), description[2].decode()

    def until(condition) -> tuple[str, str]:
        deadline = time.monotonic() + 15
        while not condition(*(seen := listed())) and time.monotonic() < deadline:
            time.sleep(0.2)
        return seen

    try:
        page, description = listed()
        assert "First</option>" in page and "The first query." in description
        (queries / "second.rq").write_text("# Second\n# Added later.\nASK { ?s a ?c }\n")
        (queries / "first.rq").write_text("# Renamed\n# Edited in place.\nASK { ?s ?p ?o }\n")
        (queries / "latin.rq").write_bytes(b"# Caf\xe9\n# Latin-1.\nASK { ?s ?p ?o }\n")
        os.mkfifo(queries / "pipe.rq")
        page, description = until(lambda p, d: "Second</option>" in p and "Edited" in d)
        assert "Second</option>" in page and "Renamed</option>" in page, page
        assert "First</option>" not in page and "Caf" not in page
        assert "Added later." in description and "Edited in place." in description
        assert "The first query." not in description and "Latin-1." not in description
        assert fetch(f"{url}/?example=second")[0] == 200
        (queries / "second.rq").unlink()
        page, description = until(lambda p, d: "Second</option>" not in p
                                  and "Added later." not in d)
        assert "Second</option>" not in page and "Added later." not in description
        assert fetch(f"{url}/?example=second")[0] == 404
        # The folder gone, then a file in its place, then back, under requests eight at a
        # time: each answered, listing what the folder holds within a couple of seconds.
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(8) as pool:
            asked = [pool.submit(listed) for _ in range(40)]
            queries.rename(project / "away")
            page, description = until(lambda p, d: "Renamed</option>" not in p)
            assert "Edited in place." not in description
            queries.write_text("no folder")
            assert "Renamed</option>" not in listed()[0]
            queries.unlink()
            (project / "away").rename(queries)
            page, description = until(lambda p, d: "Renamed</option>" in p)
            assert "Edited in place." in description
            assert all(a.result() for a in asked)  # (each a 200: listed() asserts it)
    finally:
        servers.stop(process)


def test_the_examples_are_read_again_only_when_the_folder_changes(tmp_path, monkeypatch):
    import os
    import time

    from alliance_graph.web import service_description
    monkeypatch.setattr(service_description, "LOOK_EVERY", 0.0)
    query = tmp_path / "one.rq"
    query.write_text("# One\n# A query.\nASK {}\n")
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in (query, tmp_path):
        os.utime(path, ns=(hour_ago, hour_ago))
    examples = service_description.Examples(tmp_path)
    number, listed = examples.listed()
    assert [q["title"] for q in listed] == ["One"]
    assert examples.listed() == (number, listed)  # looked again: nothing changed, nothing read
    # Of the same size, written now: a time a second write in the same tick could share.
    query.write_text("# Two\n# A query.\nASK {}\n")
    again, listed = examples.listed()
    assert again > number and [q["title"] for q in listed] == ["Two"]


def test_a_look_reads_again_only_the_files_that_changed(tmp_path, monkeypatch):
    # Any change read the whole folder again: with 20,000 queries, 3.4 s at every look (each
    # second, on a request) while one file was being edited, every other request to the
    # page waiting for it.
    import os
    import time

    from alliance_graph.web import service_description
    monkeypatch.setattr(service_description, "LOOK_EVERY", 0.0)
    hour_ago = time.time_ns() - 3600 * 10**9
    for n in range(200):
        path = tmp_path / f"q{n:03d}.rq"
        path.write_text(f"# Query {n}\n# Number {n}.\nASK {{}}\n")
        os.utime(path, ns=(hour_ago, hour_ago))
    read = []
    real = service_description.example
    monkeypatch.setattr(service_description, "example",
                        lambda path, *given: read.append(path.name) or real(path, *given))
    examples = service_description.Examples(tmp_path)
    number, listed = examples.listed()
    assert len(listed) == 200 and len(read) == 200
    read.clear()
    for title in ("Hot", "Hotter", "Hottest"):  # written now, and again: read at each look
        (tmp_path / "q007.rq").write_text(f"# {title}\n# Edited.\nASK {{}}\n")
        number, listed = examples.listed()
        assert read == ["q007.rq"] and listed[7]["title"] == title
        read.clear()
    (tmp_path / "q008.rq").unlink()
    assert len(examples.listed()[1]) == 199 and read == ["q007.rq"]  # still recent


def test_a_look_reads_no_file_too_large_or_no_file_at_all(tmp_path):
    # A link to a file of gigabytes was read whole, on a request, to be refused as too long.
    import os
    import tracemalloc

    from alliance_graph.web import service_description
    (tmp_path / "fine.rq").write_text("# Fine\n# Read.\nASK {}\n")
    with (tmp_path / "huge").open("wb") as huge:
        huge.truncate(2**30)  # sparse: 1 GiB read as zeros
    os.symlink(tmp_path / "huge", tmp_path / "huge.rq")
    os.symlink("/dev/zero", tmp_path / "zero.rq")
    os.mkfifo(tmp_path / "fifo")
    os.symlink(tmp_path / "fifo", tmp_path / "fifo.rq")
    os.symlink("self.rq", tmp_path / "self.rq")
    os.symlink("nothing", tmp_path / "dangling.rq")
    tracemalloc.start()
    try:
        listed = service_description.Examples(tmp_path).current()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [q["name"] for q in listed] == ["fine"] and peak < 2**24


def test_a_file_grown_past_the_limit_after_its_stat_is_not_read_whole(tmp_path):
    # The look's stat saw it small; written to since, it was read whole (a gigabyte here).
    import tracemalloc

    from alliance_graph.web import service_description
    grown = tmp_path / "grown.rq"
    with grown.open("wb") as file:
        file.write(b"# Grown\n# Read.\nASK {}\n")
        file.truncate(2**30)
    most = service_description.most_bytes(None)
    tracemalloc.start()
    try:
        found = service_description.example(grown, None, most)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found is None and peak < 2**24
    with pytest.raises(catalogue.CatalogueError, match=f"grown.rq: over {most:,} bytes"):
        catalogue.read_text(grown, most)


def test_while_one_request_looks_the_others_answer_from_the_last_listing(tmp_path,
                                                                         monkeypatch):
    # They waited for the look, each of them, however long the folder took to read.
    import threading
    import time

    from alliance_graph.web import service_description
    monkeypatch.setattr(service_description, "LOOK_EVERY", 0.0)
    (tmp_path / "one.rq").write_text("# One\n# First.\nASK {}\n")
    examples = service_description.Examples(tmp_path)
    assert [q["title"] for q in examples.current()] == ["One"]
    reading, go_on = threading.Event(), threading.Event()
    real = service_description.example

    def slow(path, *given):
        reading.set()
        go_on.wait(10)
        return real(path, *given)
    monkeypatch.setattr(service_description, "example", slow)
    (tmp_path / "two.rq").write_text("# Two\n# Second.\nASK {}\n")
    looking = threading.Thread(target=examples.current)
    looking.start()
    assert reading.wait(10)
    started = time.monotonic()
    assert [q["title"] for q in examples.current()] == ["One"]  # at once, the last listing
    # Held up, it waits the 10 s of go_on: 5 s tell it from a loaded machine's slow call.
    assert time.monotonic() - started < 5
    go_on.set()
    looking.join(10)
    assert [q["title"] for q in examples.current()] == ["One", "Two"]
