"""A remote SPARQL 1.1 store (a real Oxigraph server process): load, query, and clear errors."""

from __future__ import annotations

import re

from click.testing import CliRunner

import servers
from alliance_graph.cli import main
from alliance_graph.store import backends
from alliance_graph.store import graph as store


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def blank(lines):
    return sorted(re.sub(r"_:[A-Za-z0-9]+", "_:b", line) for line in lines)


def test_load_then_query_through_the_cli(empty_oxigraph):
    url = f"{empty_oxigraph}/query"
    loaded = cli("--store", url, "load")
    assert loaded.exit_code == 0, loaded.output
    assert "named graphs" in loaded.output
    answer = cli("--store", url, "query", "ASK { ?c a ag:Claim }")
    assert answer.exit_code == 0 and answer.output.strip() == "true", answer.output
    bad = cli("--store", url, "query", "SELECT ?x WHERE { ?x")
    assert bad.exit_code == 1 and "query failed" in bad.output


def test_update_route_loads_the_same_quads_as_the_graph_store_route(mini, empty_oxigraph):
    gsp = mini.with_(store=f"{empty_oxigraph}/query")
    backends.load_into_store(gsp)
    via_gsp = store.load(gsp).quads(inferred=True)
    update = gsp.with_(store_graph_store_url="")
    backends.load_into_store(update)   # drops the project's graphs first, then INSERT DATA
    via_update = store.load(update).quads(inferred=True)
    assert len(via_update) == len(via_gsp) > 0
    assert blank(map(str, via_update)) == blank(map(str, via_gsp))


def test_reloading_replaces_the_graphs(mini, empty_oxigraph):
    settings = mini.with_(store=f"{empty_oxigraph}/query")
    backends.load_into_store(settings)
    before = len(store.load(settings).quads())
    backends.load_into_store(settings)
    assert len(store.load(settings).quads()) == before


def test_a_store_that_is_down_is_a_clear_error():
    result = cli("--store", f"http://127.0.0.1:{servers.free_port()}/query", "stats")
    assert result.exit_code == 2
    assert "cannot reach" in result.output and "Traceback" not in result.output


def test_a_store_that_answers_with_an_error_is_a_clear_error(empty_oxigraph):
    result = cli("--store", f"{empty_oxigraph}/no-such-endpoint", "stats")
    assert result.exit_code == 2
    assert "HTTP 404" in result.output and "Traceback" not in result.output


def test_an_empty_store_says_to_load_it(empty_oxigraph):
    result = cli("--store", f"{empty_oxigraph}/query", "stats")
    assert result.exit_code == 2 and "alliance-graph --store" in result.output
    assert "load" in result.output


def test_load_into_a_store_that_is_down_exits_2():
    result = cli("--store", f"http://127.0.0.1:{servers.free_port()}/query", "load")
    assert result.exit_code == 2 and "cannot reach" in result.output
