"""The app factory with a graph handed in, and `serve --get` answering without a port."""

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flask import Blueprint

from alliance_graph.cli import main
from alliance_graph.store.graph import KnowledgeGraph
from alliance_graph.web.app import create_app
from alliance_graph.web.pages import views

G = ox.NamedNode("https://alliance-graph.example/graph/data/tiny.ttl")


def tiny_app(settings, **kwargs):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://alliance-graph.example/id/A"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("A"), G))
    return create_app(settings, KnowledgeGraph.from_store(store), **kwargs)


def test_app_serves_the_graph_it_is_given(settings):
    client = tiny_app(settings).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT ?l { ?s rdfs:label ?l }"})
    assert response.status_code == 200
    assert [b["l"]["value"] for b in response.get_json()["results"]["bindings"]] == ["A"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_blueprints_and_blueprint_factories_are_registered(settings):
    plain = Blueprint("plain", __name__)
    plain.add_url_rule("/extra", "home", lambda: "home")

    def factory(get_kg, settings_):
        bp = Blueprint("made", __name__)
        bp.add_url_rule("/extra/<path:name>", "entity", lambda name: str(len(get_kg().asserted)))
        return bp

    client = tiny_app(settings, blueprints=[plain, factory]).test_client()
    assert client.get("/extra").get_data(as_text=True) == "home"
    assert client.get("/extra/A").get_data(as_text=True) == "1"


def test_the_sites_own_page_factory_can_be_passed_as_its_docstring_invites(settings):
    # Passing the default factory used to register it twice ("'pages' is already registered").
    client = tiny_app(settings, blueprints=[views.create_blueprint]).test_client()
    assert client.get("/id/A").status_code == 200
    assert client.get("/validate").status_code == 404  # only what was passed is registered


def test_many_host_names_do_not_evict_the_dataset_dump(settings):
    # Service descriptions are kept per endpoint URL, which the client's Host header chooses;
    # they once shared one bounded cache with the dumps, so 258 host names evicted /dataset.
    app = tiny_app(settings)
    client, service = app.test_client(), app.extensions["alliance_graph"]
    assert client.get("/dataset", headers={"Accept": "application/n-quads"}).status_code == 200
    dumps = [key for key in service.responses.entries if key[0] == "dump"]
    assert dumps
    for n in range(300):
        assert client.get("/sparql", headers={"Host": f"host{n}.example"}).status_code == 200
    assert all(key in service.responses.entries for key in dumps)


def test_late_answer_is_refused_without_a_worker_to_end(settings):
    # The in-process engine cannot stop a query: past the limit its answer is given up.  (A
    # limit of 0 on "ASK {}" raced the answer: under load the query ended before the wait
    # began, and its answer, within the limit, was given: 200.)  Eight million rows to count
    # take Oxigraph about half a second, fifty times the limit, and then end on their own.
    client = tiny_app(settings.with_(query_timeout=0.01)).test_client()
    values = " ".join(map(str, range(200)))
    query = "SELECT (COUNT(*) AS ?n) { " + " ".join(
        f"VALUES ?{v} {{ {values} }}" for v in "abc") + " }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 503 and b"limit" in response.data


def test_serve_get_prints_the_body_and_exits_by_status():
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--get", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"])
    assert result.exit_code == 0 and json.loads(result.output)["boolean"] is True
    result = runner.invoke(main, ["serve", "--get", "/sparql?query=SELECT"])
    assert result.exit_code == 1 and "error at" in result.output


@pytest.mark.parametrize("path", ["/search?q=%ff", "/search?q=ok&format=%c3", "/id/A?x=%fe"])
def test_parameters_that_are_not_utf8_are_a_400(settings, path):
    # /search?q=%ff searched for a replacement character and answered [].
    response = tiny_app(settings, blueprints=None).test_client().get(path)
    assert response.status_code == 400 and b"not valid UTF-8" in response.data


@pytest.mark.parametrize("given, status", [("items=0-1", 200), ("bytes=abc", 200),
                                           ("bytes=0-1,3-4", 200), ("bytes=0-1", 206)])
def test_a_range_the_server_cannot_honour_is_ignored(settings, given, status):
    # werkzeug answered 416 to each of the first three on static files.
    client = tiny_app(settings, blueprints=None).test_client()
    with client.get("/static/pages/editor.js") as whole, \
            client.get("/static/pages/editor.js", headers={"Range": given}) as response:
        assert response.status_code == status
        assert len(response.data) == (2 if status == 206 else len(whole.data))


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/nothing-here", 404), ("DELETE", "/ontology", 405), ("DELETE", "/rdf-graphs", 405),
    ("GET", "/ontology", 308), ("GET", "/status", 200)])
def test_every_answer_flask_gives_carries_the_sites_security_headers(settings, method, path,
                                                                     status):
    # werkzeug's own 404, 405 and 308 went without the content security policy.
    response = tiny_app(settings, blueprints=None).test_client().open(path, method=method)
    assert response.status_code == status
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_path_nothing_serves_is_a_plain_text_404(settings):
    # It was werkzeug's HTML page, whatever the client asked for.
    response = tiny_app(settings).test_client().get("/nothing-here",
                                                    headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("nothing is served at /nothing-here")


def test_a_404_under_a_prefix_names_the_paths_under_it(settings):
    # Behind a proxy at /graph/ it said 'the endpoint is at /sparql, the site starts at /',
    # paths off the site.
    response = tiny_app(settings).test_client().get(
        "/nothing-here", environ_overrides={"SCRIPT_NAME": "/graph"})
    assert response.status_code == 404
    assert response.get_data(as_text=True) == (
        "nothing is served at /graph/nothing-here; the endpoint is at /graph/sparql, the site "
        "starts at /graph/\n")


def test_werkzeugs_other_errors_are_plain_text_too(settings):
    # A host werkzeug's routing cannot encode was its HTML "400 Bad Request" page (the front
    # refuses such a host first; this is the app's own second line).
    response = tiny_app(settings).test_client().get("/status", headers={"Host": "a..b"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert b"<" not in response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_bug_under_a_page_is_one_plain_line_without_a_traceback(settings):
    app = tiny_app(settings)
    app.add_url_rule("/broken", "broken", lambda: 1 / 0)
    response = app.test_client().get("/broken")
    assert response.status_code == 500 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "the server failed to answer this request\n"


@pytest.fixture(scope="module")
def shipped_client(kg, settings):
    return create_app(settings, kg).test_client()


def test_the_ontologys_iri_as_rdf_is_the_ontology_whole(shipped_client, settings):
    # It was its six header triples: Protégé, opening the IRI, found no class.
    response = shipped_client.get("/ontology/", headers={"Accept": "text/turtle"})
    served = set(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    files = {t for f in settings.ontology_dir.glob("*.ttl") if f.name != "shapes.ttl"
             for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)}
    assert response.status_code == 200 and served == files and len(served) > 1000


def test_the_ontologys_version_iri_leads_to_the_ontology(shipped_client):
    # An empty 200: the graph holds no statement about the version IRI itself.
    response = shipped_client.get("/ontology/0.1.0?format=turtle")
    assert response.status_code == 303 and response.headers["Location"] == "/ontology/?format=turtle"


def test_a_named_graphs_iri_leads_to_its_graph_store_read(shipped_client):
    # A 404: the graphs' IRIs, in every TriG export, were served only as /rdf-graphs?graph=.
    response = shipped_client.get("/graph/data/aid.ttl", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    graph = shipped_client.get(response.headers["Location"], headers={"Accept": "text/turtle"})
    direct = shipped_client.get("/rdf-graphs", query_string={
        "graph": "https://alliance-graph.example/graph/data/aid.ttl"},
        headers={"Accept": "text/turtle"})
    assert graph.status_code == 200 and graph.data == direct.data



class _ServedProject:
    """A copy of the shapes' base data, built into a store by `load` and served by a real
    server: ``url``, ``data`` (the copied folder), ``load()`` to build it again, ``state()``
    (the server's /status), and ``rename()``, which renames the fixture state's label."""

    def __init__(self, tmp_path, store: str, serve_options=(), own_ontology=False):
        import shutil

        import servers
        from helpers import FIXTURE_BASE, ROOT
        self.data = tmp_path / "data"
        shutil.copytree(FIXTURE_BASE, self.data)
        self.ontology = ROOT / "ontology"
        if own_ontology:  # a copy to edit
            self.ontology = shutil.copytree(self.ontology, tmp_path / "ontology")
        self.options = ["--data", str(self.data), "--ontology", str(self.ontology),
                        "--cache", str(tmp_path / "cache"), "--store",
                        str(tmp_path / "store") if store == "directory" else store]
        self.cli = str(servers.BIN / "alliance-graph")
        self.load()
        self.port = servers.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = servers.start([self.cli, *self.options, "serve", "--port",
                                      str(self.port), *serve_options],
                                     self.url + "/status", tmp_path / "serve.log")

    def load(self):
        import subprocess
        done = subprocess.run([self.cli, *self.options, "load"], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    def cache(self):
        """Make the build cache of the data as it is now (the build `load` would make)."""
        from alliance_graph.build import pipeline as build
        from alliance_graph.settings import Settings
        from helpers import ROOT
        build.cached_build(Settings(root=self.data.parent, data_dir=self.data,
                                    ontology_dir=ROOT / "ontology",
                                    cache_dir=self.data.parent / "cache"))

    def state(self) -> dict:
        from helpers import fetch
        return json.loads(fetch(f"{self.url}/status")[2])

    def rename(self):
        base = self.data / "base.ttl"
        base.write_text(base.read_text("utf-8").replace('"Fixture State"', '"Renamed State"'),
                        "utf-8")

    def stop(self):
        import servers
        servers.stop(self.process)


@pytest.mark.parametrize("store", ["directory", "memory"])
def test_a_server_follows_load_to_the_next_build(tmp_path, store):
    # A server answered from the build it started with until an engine happened to be
    # restarted (a query past its time limit), and then from the one `load` made last; its
    # front kept answers, dumps and graphs of the old one (as CSV the old label, as TSV the
    # new: two answers at once).  Now it switches when `load` has made a new build, without
    # a restart, and drops what it kept of the old one.
    import time
    import urllib.parse

    from helpers import fetch

    served = _ServedProject(tmp_path, store)
    url = served.url
    try:
        label = "SELECT ?l WHERE { id:FxState rdfs:label ?l }"
        ask = f"{url}/sparql?{urllib.parse.urlencode({'query': label})}"
        status, _, before = fetch(ask, headers={"Accept": "text/csv"})
        assert status == 200 and b"Fixture State" in before
        _, _, dump_before = fetch(f"{url}/rdf-graphs?default")
        version, pid = served.state()["version"], served.state()["engine"]["pid"]
        served.rename()
        edited = time.monotonic()
        served.cache()  # built, not loaded: `load` then has only to fill the store
        # Files edited but not built: the server goes on with its build (it follows builds,
        # never the files themselves), whatever the follower looks at meanwhile: 1.5 s, at
        # least one of its looks, once a second (2.5 s were slept).
        time.sleep(max(0.0, edited + 1.5 - time.monotonic()))
        unloaded = (served.state(), fetch(ask)[2])
        assert unloaded[0]["version"] == version and b"Fixture State" in unloaded[1], unloaded
        served.load()
        deadline = time.monotonic() + 60
        while served.state()["version"] == version:
            assert time.monotonic() < deadline, "the server kept the old build"
            time.sleep(0.2)
        now = served.state()
        assert now["builds_followed"] == 1 and now["restarts"] == 0 and now["engine"]["pid"] != pid
        assert now["stopped"] == {"time": 0, "memory": 0, "crash": 0}, now
        for accept in ("text/csv", "text/tab-separated-values"):
            status, _, after = fetch(ask, headers={"Accept": accept})
            assert status == 200 and b"Renamed State" in after and b"Fixture" not in after, \
                (accept, after, now)
        _, _, dump_after = fetch(f"{url}/rdf-graphs?default")
        assert b"Renamed State" in dump_after and b"Renamed State" not in dump_before
    finally:
        served.stop()


@pytest.mark.parametrize("store", ["directory", "memory"])
def test_the_editors_vocabulary_follows_load_to_the_next_build(tmp_path, store):
    # /vocabulary.json (the query editor's completions) was kept per graph object, which a
    # server following a new build keeps: it went on giving the first build's terms (a class
    # relabelled, added or removed) while every query and page gave the new build's.
    import time

    from helpers import fetch

    served = _ServedProject(tmp_path, store, own_ontology=True)

    def label() -> list[str]:
        terms = json.loads(fetch(f"{served.url}/vocabulary.json")[2])["terms"]
        return [t["label"] for t in terms if t["name"] == "ag:JointExercise"]

    try:
        assert label() == ["joint exercise"]
        version = served.state()["version"]
        domain = served.ontology / "domain.ttl"
        text = domain.read_text("utf-8")
        relabelled = text.replace('ag:JointExercise a owl:Class ;\n'
                                  '    rdfs:subClassOf ag:MilitaryExercise ;\n'
                                  '    rdfs:label "joint exercise"@en ;',
                                  'ag:JointExercise a owl:Class ;\n'
                                  '    rdfs:subClassOf ag:MilitaryExercise ;\n'
                                  '    rdfs:label "joint drill"@en ;')
        assert relabelled != text
        domain.write_text(relabelled, "utf-8")
        served.load()
        deadline = time.monotonic() + 60
        while served.state()["version"] == version:
            assert time.monotonic() < deadline, "the server kept the old build"
            time.sleep(0.2)
        assert label() == ["joint drill"]
    finally:
        served.stop()


def test_a_server_started_with_no_follow_serves_the_build_it_started_with(tmp_path):
    # Following could not be turned off: ALLIANCE_GRAPH_FOLLOW_POLL is no variable the
    # command line reads, and serve had no option for it.
    import time
    served = _ServedProject(tmp_path, "directory", ["--no-follow"])
    try:
        version = served.state()["version"]
        served.rename()
        served.load()
        time.sleep(3)  # three times the follower's look, were it looking
        now = served.state()
        assert now["version"] == version and now["builds_followed"] == 0, now
    finally:
        served.stop()


def test_a_build_no_engine_can_open_is_said_once_and_the_server_goes_on(tmp_path):
    # The follower started an engine on it at every look, once a second, each failing with a
    # line in the log, for as long as the store named it.
    import time

    from alliance_graph.build import pipeline as build
    from alliance_graph.settings import Settings
    from helpers import ROOT
    served = _ServedProject(tmp_path, "directory")
    try:
        version = served.state()["version"]
        served.rename()  # edited, not loaded: a build of these inputs is named, but broken
        digest = build.input_hash(Settings(root=tmp_path, data_dir=served.data,
                                           ontology_dir=ROOT / "ontology"))[:32]
        store = tmp_path / "store"
        (store / f"build-{digest}").mkdir()  # no RocksDB in it: nothing opens it
        (store / "CURRENT").write_text(digest + "\n")
        written = time.monotonic()
        # Said after an engine failed to start on it (1.1 s here under load): waited for, then
        # the looks of 4 s after the write are given to say it again, as they were.
        deadline = written + 60
        while "the newer build could not be opened" not in (tmp_path / "serve.log").read_text():
            assert time.monotonic() < deadline, "the broken build was never said"
            time.sleep(0.1)
        time.sleep(max(0.0, written + 4 - time.monotonic()))
        log = (tmp_path / "serve.log").read_text()
        assert log.count("the newer build could not be opened") == 1, log
        # A standby started meanwhile opens the same build and, failing, tries again after a
        # growing pause (it was every second): 1 s, 2 s, 4 s, ...  (None is started when the
        # server's standby is already standing by.)
        assert log.count("trying again") <= 3, log
        now = served.state()
        assert now["version"] == version and now["builds_followed"] == 0, now
    finally:
        served.stop()


def test_an_answer_given_while_the_server_went_on_to_another_build_is_not_tagged(tmp_path):
    # The ETag was made from the version the front read before the query waited for a slot;
    # answered by the next build's engine, the new body carried the old build's tag, and a
    # client holding it was later told 304 for a body that build never gave.
    import http.client
    import threading
    import urllib.parse

    import servers
    served = _ServedProject(tmp_path, "directory", ["--workers", "1", "--timeout", "8"])

    def ask(query, source):
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60,
                                                source_address=(source, 0))
        try:
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                               headers={"Accept": "text/csv"})
            response = connection.getresponse()
            return response.status, dict(response.headers), response.read()
        finally:
            connection.close()

    try:
        state = served.state()
        version, engine = state["version"], state["engine"]["pid"]
        # Edited and its build cached (not loaded: the server goes on with its build) before
        # the slow query starts, so that `load` has only to fill the store within its limit.
        served.rename()
        served.cache()
        answers = {}
        slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        label = "SELECT ?l WHERE { id:FxState rdfs:label ?l }"
        holder = threading.Thread(target=lambda: answers.__setitem__("slow", ask(slow, "127.0.0.2")))
        since = servers.cpu_seconds(engine)
        holder.start()  # the engine's one thread, until the time limit
        servers.working(engine, since)  # once it runs there (0.5 s slept was a guess)
        waiter = threading.Thread(target=lambda: answers.__setitem__("label", ask(label, "127.0.0.1")))
        waiter.start()  # waits for a thread of the engine
        from helpers import loaded
        loaded(served.port, "queries", "waiting for a slot", 1)  # as the load comes, not after
        served.load()
        waiter.join(60)
        status, headers, body = answers["label"]
        assert served.state()["version"] != version
        assert status == 200 and b"Renamed State" in body, answers["label"]
        assert "ETag" not in headers and headers.get("Cache-Control") == "no-store", headers
        holder.join(60)
    finally:
        served.stop()


def test_a_remote_store_that_is_down_is_a_502_on_every_path(mini, tmp_path):
    # Only /sparql said so: the pages, the dumps and the service description were 500s, each
    # with a traceback in the log.
    import urllib.parse

    import servers
    from alliance_graph.store import backends
    from helpers import fetch

    oxigraph, base = servers.start_oxigraph(tmp_path / "oxigraph")
    store = f"{base}/query"
    backends.load_into_store(mini.with_(store=store))
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    serve = servers.start([str(servers.BIN / "alliance-graph"), "--ontology", mini.ontology_dir,
                           "--data", mini.data_dir, "--cache", mini.cache_dir, "--store", store,
                           "serve", "--port", str(port), "--response-cache", "0"],
                          f"{url}/status", log)
    try:
        paths = ["/sparql", "/dataset", "/rdf-graphs?default", "/timeline", "/search?q=Iron",
                 "/id/IronDome", "/sparql?" + urllib.parse.urlencode({"query": "ASK {?s ?p ?o}"})]
        assert [fetch(url + p)[0] for p in paths] == [200] * len(paths)
        servers.stop(oxigraph)
        for path in paths[1:]:  # the description was made at the first request, and kept
            status, headers, body = fetch(url + path)
            assert status == 502, (path, status, body[:300])
            assert body.startswith(b"the store behind this service failed") and \
                b"cannot reach" in body, path
            assert headers["Content-Type"].startswith("text/plain")
        assert "Traceback" not in log.read_text("utf-8", "replace")
    finally:
        servers.stop(serve)
        servers.stop(oxigraph)
