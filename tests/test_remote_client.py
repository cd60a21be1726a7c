"""Sending a request to a remote store and reading its refusals (store/remote_client.py),
against a store played by an HTTP server on a thread of this process: what no real store
plays here (tests/test_remote.py meets Oxigraph's and Virtuoso's own)."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alliance_graph.store.errors import StoreError
from alliance_graph.store.remote import RemoteStore


@contextmanager
def answering(status: int, headers: dict, body: bytes):
    """Answer every request with ``status``, ``headers`` and ``body``; yield the query URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()


def test_a_store_asking_for_a_login_is_said_to_and_what_to_do():
    # Fuseki with a password, Virtuoso's /sparql-auth: "answered HTTP 401 Unauthorized:
    # Unauthorized", nothing said of the login alliance-graph never sends.
    with answering(401, {"WWW-Authenticate": 'Basic realm="sparql"',
                         "Content-Type": "text/plain"}, b"Unauthorized\n") as url:
        store = RemoteStore(url)
        for asked in (lambda: store.query("ASK {}"), lambda: store.update("CLEAR ALL")):
            with pytest.raises(StoreError) as refused:
                asked()
            said = str(refused.value)
            assert "HTTP 401" in said and "asks for a login" in said, said
            assert "proxy on loopback" in said
