"""The endpoint in front of a remote store: answers from it, and says so when it fails."""

import json
import urllib.error
import urllib.parse
import urllib.request

import servers
from alliance_graph.store import backends

ASK = urllib.parse.quote("ASK { ?c a ag:Claim }")


def test_endpoint_over_a_remote_store_answers_then_reports_its_failure(settings, tmp_path):
    oxigraph, remote = servers.start_oxigraph(tmp_path / "oxigraph")
    try:
        remote_settings = settings.with_(store=f"{remote}/query")
        backends.load_into_store(remote_settings)
        port = servers.free_port()
        url = f"http://127.0.0.1:{port}"
        serve = servers.start([str(servers.BIN / "alliance-graph"), "--store", f"{remote}/query",
                               "serve", "--port", str(port), "--response-cache", "0"],
                              f"{url}/sparql?query={ASK}", tmp_path / "serve.log")
        try:
            with urllib.request.urlopen(f"{url}/sparql?query={ASK}") as response:
                assert json.load(response)["boolean"] is True
            servers.stop(oxigraph)
            try:
                urllib.request.urlopen(f"{url}/sparql?query={ASK}")
                raise AssertionError("a query answered although the store behind it is down")
            except urllib.error.HTTPError as err:
                assert err.code == 502
                assert "the store behind this service failed" in err.read().decode()
        finally:
            servers.stop(serve)
    finally:
        servers.stop(oxigraph)
