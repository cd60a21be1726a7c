"""Filling a remote store (remote_load.py): blank nodes kept whole, the previous build kept
until the new one is complete, leftovers of a failed or killed load cleaned up."""

from __future__ import annotations

import signal
import subprocess
import time

import pyoxigraph as ox
import pytest

import servers
from alliance_graph.build import pipeline as build
from alliance_graph.store import backends, remote_load
from alliance_graph.store.errors import StoreError
from alliance_graph.store.layout import ASSERTED
from alliance_graph.store.remote import RemoteStore
from helpers import blank_nodes_erased

STAGED = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
          f'FILTER(STRSTARTS(STR(?g), "{remote_load.STAGING}")) }}')
CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://alliance-graph.example/ontology/Claim> }"


def claims(remote: RemoteStore) -> int:
    return int(next(iter(remote.query(CLAIMS)))["n"].value)


def staged(remote: RemoteStore) -> list:
    return list(remote.select(STAGED, []))


def test_batches_keep_blank_node_groups_whole_and_lose_nothing(settings):
    quads = list(ox.parse(path=str(build.cached_build(settings)), format=ox.RdfFormat.N_QUADS))
    batches = remote_load.batches(quads, 200)
    assert sorted(map(str, (q for b in batches for q in b))) == sorted(map(str, quads))
    home: dict[str, int] = {}
    for i, batch in enumerate(batches):
        for q in batch:
            for term in (q.subject, q.object):
                if isinstance(term, ox.BlankNode):
                    assert home.setdefault(term.value, i) == i, f"{term} split across batches"
    assert home, "the shipped build has blank nodes to keep whole"
    assert all(len(b) <= 200 for b in batches) and len(batches) >= len(quads) // 200


def test_a_group_bigger_than_a_batch_travels_whole():
    p = ox.NamedNode("urn:x:next")
    chain = [ox.Quad(ox.BlankNode(f"n{i}"), p, ox.BlankNode(f"n{i + 1}"), ox.NamedNode("urn:x:g"))
             for i in range(50)]
    plain = [ox.Quad(ox.NamedNode(f"urn:x:s{i}"), p, ox.Literal(str(i)), ox.NamedNode("urn:x:g"))
             for i in range(25)]
    batches = remote_load.batches(chain + plain, 10)
    assert [len(b) for b in batches] == [50, 10, 10, 5]
    assert set(map(str, batches[0])) == set(map(str, chain))


def test_blank_nodes_stay_one_node_across_graphs(remote_kg, kg):
    # Each selector is one blank node in its file graph and in graph/asserted (the remote
    # default graph): joined across the two it must still meet itself, as often as locally.
    query = ("SELECT (COUNT(*) AS ?n) WHERE { ?b ?p ?o . GRAPH ?g { ?b ?q ?r } "
             "FILTER(isBlank(?b)) }")
    expected = int(next(iter(kg.query(query)))["n"].value)
    assert expected > 0
    assert int(next(iter(remote_kg.store.query(query)))["n"].value) == expected


def test_update_route_loads_what_the_graph_store_route_loads(mini, empty_oxigraph):
    def everything(settings):
        backends.load_into_store(settings)
        remote = RemoteStore.from_settings(settings)
        quads = [q for g in remote.held_graphs()
                 for q in remote.quads_for_pattern(None, None, None, g)]
        return sorted(blank_nodes_erased(str(q)) for q in quads)

    gsp = everything(mini.with_(store=f"{empty_oxigraph}/query"))
    update = everything(mini.with_(store=f"{empty_oxigraph}/query", store_graph_store_url=""))
    assert update == gsp and gsp


def test_reloading_replaces_the_build_and_drops_graphs_it_no_longer_has(mini, empty_store):
    url = empty_store.url
    settings = mini.with_(store=url)
    extra = mini.data_dir / "extra.ttl"
    extra.write_text((mini.data_dir / "facts.ttl").read_text())
    backends.load_into_store(settings)
    remote = RemoteStore.from_settings(settings)
    gone = ox.NamedNode("https://alliance-graph.example/graph/data/extra.ttl")
    assert gone in remote.named_graphs()
    before = claims(remote)
    extra.unlink()
    backends.load_into_store(settings)
    remote.forget()
    assert gone not in remote.named_graphs() and ASSERTED in remote.held_graphs()
    assert claims(remote) == before and not staged(remote)


def test_a_failed_swap_leaves_the_previous_build_in_use(mini, empty_oxigraph):
    settings = mini.with_(store=f"{empty_oxigraph}/query")
    backends.load_into_store(settings)
    remote = RemoteStore.from_settings(settings)
    before = claims(remote)
    # The build goes in through the Graph Store endpoint, then the swap's update is refused.
    broken = RemoteStore(f"{empty_oxigraph}/query", update_url=f"{empty_oxigraph}/nowhere")
    with pytest.raises(StoreError, match="HTTP 404"):
        remote_load.load(broken, build.cached_build(mini))
    assert claims(remote) == before
    assert staged(remote), "the refused store cannot drop them either: the next load does"
    backends.load_into_store(settings)
    assert claims(remote) == before and not staged(remote)


def test_a_swap_that_did_not_take_fails_instead_of_reporting_success(mini, empty_oxigraph,
                                                                    tmp_path):
    # An update URL answering 200 without updating (a login page in front of the store), as
    # much as a second load dropping this one's staging graphs before its move: load said
    # "loaded 18 named graphs", exit 0, and the store held the old build, or nothing.
    process, page = servers.start_misbehaving_store("html", tmp_path / "update.log")
    try:
        broken = RemoteStore(f"{empty_oxigraph}/query", update_url=page)
        with pytest.raises(StoreError, match="does not hold the build after the swap .*"
                                             "Run load again, alone"):
            remote_load.load(broken, build.cached_build(mini))
    finally:
        servers.stop(process)


def test_a_killed_load_leaves_the_previous_build_and_the_next_load_cleans_up(
        settings, empty_virtuoso, tmp_path):
    # The shipped build through SPARQL Update takes Virtuoso a few seconds in dozens of
    # requests: kill the command in the middle of them.
    remote_settings = settings.with_(store=empty_virtuoso)
    backends.load_into_store(remote_settings)
    remote = RemoteStore.from_settings(remote_settings)
    before = claims(remote)
    command = [str(servers.BIN / "alliance-graph"), "--store", empty_virtuoso, "load"]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not staged(remote) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert staged(remote), "the load should be writing its staging graphs"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert claims(remote) == before
    backends.load_into_store(remote_settings)
    assert claims(remote) == before and not staged(remote)
