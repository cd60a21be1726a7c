"""The catalogue's examples on the query page (/) and in the service description, however many
queries/ holds: each carried every example's text, and with 20,000 queries the page was 30 MB
written at every request (0.5 s), the description 28 MB (0.7 s)."""

import json
import re
import shutil

import pytest

import servers
from alliance_graph.settings import Settings
from helpers import ROOT, fetch

EXAMPLES = Settings().example_texts + 5


def write_examples(queries, count: int) -> None:
    queries.mkdir()
    for i in range(count):
        (queries / f"q{i:03d}.rq").write_text(f"# Example {i}\n# Marker text-{i}.\nASK {{}}\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("examples")
    project = tmp / "project"
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    write_examples(project / "queries", EXAMPLES)
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(servers.BIN / "alliance-graph"), "--project", str(project),
                             "--cache", str(tmp / "cache"), "serve", "--port", str(port)],
                            url + "/status", tmp / "serve.log", timeout=180)
    yield url
    servers.stop(process)


def carried(page: str) -> list[str]:
    """Return the names of the examples whose texts the page carries for its script."""
    data = re.search(r'<script type="application/json" id="examples-data">(.*?)</script>',
                     page, re.S)
    return [q["name"] for q in json.loads(data[1])]


def test_the_query_page_carries_the_first_examples_texts_and_names_the_others(server):
    status, _, body = fetch(server + "/")
    page = body.decode()
    assert status == 200
    assert carried(page) == [f"q{i:03d}" for i in range(Settings().example_texts)]
    last = EXAMPLES - 1
    assert f"Marker text-{last}." not in page  # its text is not carried ...
    # ... but it is listed, for the script and without one.
    assert f'<option value="q{last:03d}">Example {last}</option>' in page
    assert f'<a href="?example=q{last:03d}">Example {last}</a>' in page
    status, _, body = fetch(f"{server}/?example=q{last:03d}")
    opened = body.decode()
    assert status == 200 and f"Marker text-{last}." in opened  # in the editor, and carried
    assert carried(opened)[-1] == f"q{last:03d}"


def test_the_page_writes_its_example_list_once_per_listing(settings, kg, tmp_path):
    from alliance_graph.web.app import create_app
    from alliance_graph.web.pages import example_list

    queries = tmp_path / "queries"
    write_examples(queries, 3)
    client = create_app(settings.with_(queries_dir=queries), kg=kg).test_client()
    assert client.get("/").status_code == 200
    [(follower, written)] = [(f, w) for f, w in example_list._written.items()
                             if f.queries_dir == queries]
    assert client.get("/?example=q001").status_code == 200
    assert example_list._written[follower] is written  # the same listing: not written again
    (queries / "q000.rq").unlink()
    follower._looked = -1  # (looked again at once, not within the second)
    page = client.get("/").get_data(as_text=True)
    assert "Example 0<" not in page and example_list._written[follower] is not written


def test_a_list_goes_with_its_follower(tmp_path):
    """A follower no longer kept (``Examples.of`` keeps 8; an app of another folder, in a test
    or a notebook) takes its written list with it: each was kept for the process's life."""
    import gc

    from alliance_graph.web.pages import example_list
    from alliance_graph.web.service_description import Examples

    follower = Examples(tmp_path)
    example_list._written[follower] = (1, [], "", "")
    del follower
    gc.collect()
    assert all(f.queries_dir != tmp_path for f in example_list._written)


def test_the_description_lists_the_first_examples(settings, kg, tmp_path):
    from alliance_graph.web.app import create_app

    queries = tmp_path / "queries"
    write_examples(queries, 5)
    client = create_app(settings.with_(queries_dir=queries, example_texts=3),
                        kg=kg).test_client()
    body = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert [f"Marker text-{i}." in body for i in range(5)] == [True] * 3 + [False] * 2


def test_the_served_description_lists_the_first_examples(server):
    status, _, body = fetch(server + "/sparql", headers={"Accept": "application/n-triples"})
    lines = body.decode().splitlines()
    listed = sorted(line.split("#")[1].split(">")[0] for line in lines
                    if line.endswith("<http://www.w3.org/ns/shacl#SPARQLExecutable> ."))
    assert status == 200
    assert listed == [f"q{i:03d}" for i in range(Settings().example_texts)]
