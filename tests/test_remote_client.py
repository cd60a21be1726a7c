"""Sending a request to a remote store and reading its refusals (store/remote_client.py),
against a store played by an HTTP server on a thread of this process: what no real store
plays here (tests/test_remote.py meets Oxigraph's and Virtuoso's own)."""

import socket
import ssl
import struct
import subprocess
import threading
import traceback

import pyoxigraph as ox
import pytest

import servers
import test_remote
from alliance_graph.store.errors import StoreError
from alliance_graph.store.remote import RemoteStore


def answering(status: int, headers: dict, body: bytes, wrap: ssl.SSLContext | None = None):
    """Answer every request with ``status``, ``headers`` and ``body`` (over TLS, ``wrap``
    given); yield the query URL."""

    def respond(handler):
        handler.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return test_remote.answering(respond, wrap)


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


# A store that cannot be reached was said in the OS's words ("cannot reach http://...:
# [Errno 111] Connection refused", "[Errno -2] Name or service not known", "[SSL:
# WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"): each is now said as what to
# check, met through a real socket.

def refused(url: str, timeout: float = 5) -> str:
    with pytest.raises(StoreError) as failed:
        RemoteStore(url, timeout=timeout).select("ASK {}", [])
    said = str(failed.value)
    assert said.startswith(f"cannot reach {url}: ") or "did not answer" in said, said
    assert "[Errno" not in said and "_ssl.c" not in said, said
    return said


def test_a_closed_port_is_said_as_nothing_listening_there():
    port = servers.free_port()
    said = refused(f"http://127.0.0.1:{port}/query")
    assert f"nothing listens at 127.0.0.1:{port} (connection refused): is the store " \
           "started" in said, said


def test_a_host_no_name_service_knows_is_named():
    # .invalid is never a name (RFC 6761); a machine with no name service at all cannot look
    # it up for now, said as such.
    said = refused("http://alliance-graph-store.invalid:7878/query")
    assert ("no address is known for alliance-graph-store.invalid" in said
            or "alliance-graph-store.invalid could not be looked up" in said), said


def test_a_proxy_the_environment_names_is_said_to_be_what_could_not_be_reached():
    # urllib sends each request to the proxy http_proxy names: one that refused was "nothing
    # listens at" the store's own host and port, which did listen, and one no name service
    # knew "no address is known for 127.0.0.1".
    with test_remote.answering(lambda handler: None) as store:
        proxy = f"127.0.0.1:{servers.free_port()}"
        line = test_remote.one_line_error(test_remote.cli("--store", store, "stats", env={
            "http_proxy": f"http://{proxy}", "no_proxy": "", "NO_PROXY": ""}), 2)
    assert line.endswith(f"cannot reach {store}: the proxy {proxy}, which http_proxy names "
                         "for it, could not be reached (Connection refused): is that proxy "
                         "up? To reach the store directly, add its host to no_proxy"), line


def test_a_proxy_s_own_refusal_is_not_said_to_be_the_store_s_alone():
    # "answered HTTP 403 Forbidden: Access Denied": a proxy's rules, read as the store's.
    def respond(handler):
        test_remote.reply(handler, 403, "text/html", b"<title>ERROR: Access Denied</title>")

    with test_remote.answering(respond) as proxy:
        proxy = proxy.removesuffix("/query").removeprefix("http://")
        line = test_remote.one_line_error(test_remote.cli(
            "--store", "http://10.0.0.9:7878/query", "stats",
            env={"http_proxy": f"http://{proxy}", "no_proxy": "", "NO_PROXY": ""}), 2)
    assert line.endswith("answered HTTP 403 Forbidden: ERROR: Access Denied (sent through the "
                         f"proxy {proxy}, which http_proxy names: its answer may be the "
                         "proxy's own; add the store's host to no_proxy to reach it directly)")


def test_a_listener_that_takes_no_connection_is_no_connection_within_the_time_limit():
    # Its queue of connections full, a listener's kernel drops what comes next: the connection
    # is never made, which is the host's or a firewall's matter, not a slow store's.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port, queued = listener.getsockname()[1], []
    with listener:
        while True:  # fill its queue, until a connection is not made
            queued.append(socket.socket())
            queued[-1].settimeout(0.2)
            try:
                queued[-1].connect(("127.0.0.1", port))
            except TimeoutError:
                break
        try:
            said = refused(f"http://127.0.0.1:{port}/query", timeout=1)
        finally:
            for sock in queued:
                sock.close()
    assert f"no connection to 127.0.0.1:{port} within 1 s: is the host up" in said, said


def test_https_to_a_plain_http_store_says_to_write_http():
    with answering(200, {"Content-Type": "application/sparql-results+json"},
                   b'{"boolean": true}') as url:
        said = refused(url.replace("http://", "https://"))
    assert "the TLS handshake with 127.0.0.1:" in said and "WRONG_VERSION_NUMBER" in said
    assert "URL begins with http://" in said, said


def test_a_certificate_this_machine_does_not_trust_is_said_to_be_refused(tmp_path,
                                                                         monkeypatch):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with answering(200, {"Content-Type": "application/sparql-results+json"},
                   b'{"head": {}, "boolean": true}', wrap=context) as url:
        url = url.replace("http://", "https://")
        said = refused(url)
        assert "its TLS certificate was refused (self-signed certificate)" in said, said
        assert "(SSL_CERT_FILE names a file of the issuers to trust)?" in said
        # What it says to do: the certificate's issuer (itself) trusted, the store answers.
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        assert bool(RemoteStore(url).select("ASK {}", [])) is True


def test_a_tls_handshake_never_answered_is_a_store_that_did_not_answer():
    # The connection is made (its host is up, its port open): the store did not answer.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        said = refused(f"https://127.0.0.1:{listener.getsockname()[1]}/query", timeout=1)
    assert said.endswith("/query did not answer within 1 s"), said


XML_ROWS = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            b'<head><variable name="x"/></head><results><result><binding name="x">'
            b'<literal datatype="http://www.w3.org/2001/XMLSchema#integer">7</literal>'
            b'</binding></result></results></sparql>')


@pytest.mark.parametrize("media, body, query, read", [
    # A store (or a proxy before it) answering in a format of its own choosing that keeps
    # every term: it was "answered with an unexpected media type", and nothing read.
    ("application/sparql-results+xml", XML_ROWS, "SELECT ?x {}", ['"7"^^<http://www.w3.org/'
                                                                   '2001/XMLSchema#integer>']),
    ("application/sparql-results+xml", b'<?xml version="1.0"?><sparql xmlns="http://www.w3'
     b'.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>', "ASK {}", True),
    ("application/json", b'{"head": {}, "boolean": false}', "ASK {}", False),
    ("text/turtle; charset=utf-8", b"@prefix e: <urn:e:> . e:a e:b 7 .",
     "CONSTRUCT { ?s ?p ?o } {}", ["<urn:e:a> <urn:e:b> \"7\"^^<http://www.w3.org/2001/"
                                    "XMLSchema#integer>"]),
])
def test_an_answer_in_another_format_keeping_every_term_is_read(media, body, query, read):
    with answering(200, {"Content-Type": media}, body) as url:
        result = RemoteStore(url).select(query, [])
    if isinstance(read, bool):
        assert bool(result) is read
    elif query.startswith("SELECT"):
        assert [str(row["x"]) for row in result] == read
    else:
        assert [str(t.triple if isinstance(t, ox.Quad) else t) for t in result] == read


def test_an_answer_in_csv_is_refused_as_it_drops_the_terms_kinds():
    with answering(200, {"Content-Type": "text/csv"}, b"x\r\n7\r\n") as url:
        with pytest.raises(StoreError, match=r"answered with an unexpected media type, text/csv$"):
            RemoteStore(url).select("SELECT ?x {}", [])


def test_a_store_whose_connection_is_reset_mid_answer_broke_off_its_answer():
    # Its process ended while it answered (killed, out of memory): it was "cannot reach URL:
    # [Errno 104] Connection reset by peer", as if it had never been started.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def answer_then_reset():
            conn, _ = listener.accept()
            with conn.makefile("rb") as request:  # the request whole: reset mid-answer
                length = next(int(line.split(b":")[1]) for line in iter(request.readline, b"")
                              if line.lower().startswith(b"content-length:"))
                while request.readline() not in (b"\r\n", b""):
                    pass
                request.read(length)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json"
                         b"\r\nContent-Length: 1000\r\n\r\n{\"head\": {\"vars\": [")
            # A close with unread data and no lingering sends a reset, not an end.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

        threading.Thread(target=answer_then_reset, daemon=True).start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        with pytest.raises(StoreError) as failed:
            RemoteStore(url, timeout=10).select("SELECT * {}", [])
    assert str(failed.value) == f"{url} broke off its answer: its connection was reset"


def test_a_graph_store_url_that_takes_no_graph_says_which_option_to_give(tmp_path):
    # The /store derived beside /query is Oxigraph's; another store's answered 404, said
    # with nothing of --graph-store-url.
    from alliance_graph.cli.main import said
    nquads = tmp_path / "build.nq"
    nquads.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n")
    with answering(404, {"Content-Type": "text/plain"}, b"Not Found") as url:
        with pytest.raises(StoreError) as refused:
            RemoteStore(url).post_quads(nquads)
    assert said(refused.value) == (
        f"{url.removesuffix('query')}store answered HTTP 404 Not Found: Not Found (nothing "
        "takes a graph at that path: give the store's Graph Store URL (--graph-store-url), or "
        "none (--graph-store-url '') to load through SPARQL Update)")


def test_a_graph_store_url_the_settings_give_that_takes_no_graph_names_the_setting(tmp_path):
    # Settings(store=...) gave the URL: the hint named RemoteStore's graph_store_url.
    from alliance_graph import Settings
    nquads = tmp_path / "build.nq"
    nquads.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n")
    with answering(404, {"Content-Type": "text/plain"}, b"Not Found") as url:
        with pytest.raises(StoreError) as refused:
            RemoteStore.from_settings(Settings(store=url)).post_quads(nquads)
    assert str(refused.value).endswith(
        "give the store's Graph Store URL (Settings.store_graph_store_url), or none "
        "(Settings(store_graph_store_url='')) to load through SPARQL Update)")
    from alliance_graph.cli.main import said
    assert "(--graph-store-url), or none (--graph-store-url '')" in said(refused.value)


def test_an_answer_of_another_form_leaves_none_of_its_solutions_in_the_failure():
    # Solutions to an ASK: the failure's traceback kept them in _answer's locals, and freed
    # in a cycle by another thread, pyoxigraph raised "unsendable ... dropped on another
    # thread" there (a test's server thread, a server's other request).
    table = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
    with answering(200, {"Content-Type": "application/sparql-results+json"}, table) as url:
        with pytest.raises(StoreError, match="answered an ASK query with solutions") as caught:
            RemoteStore(url).select("ASK {}", [])
    held = [value for frame, _ in traceback.walk_tb(caught.value.__traceback__)
            for value in frame.f_locals.values()]
    assert not [value for value in held if isinstance(value, ox.QuerySolutions)]


@pytest.mark.server
@pytest.mark.parametrize("path, said", [
    ("update", "The URL query parameter update must be set (a URL ending in /update is a "
               "store's update endpoint, which takes no query: give its query URL, an Oxigraph "
               "server's ending in /query, a Virtuoso's in /sparql)"),
    ("store", "HTTP 415 Unsupported Media Type: No supported content Content-Type given: "
              "application/x-www-form-urlencoded (a URL ending in /store is a store's Graph "
              "Store endpoint, which takes no query: give its query URL, an Oxigraph server's "
              "ending in /query, a Virtuoso's in /sparql)"),
])
def test_an_update_or_graph_store_url_given_as_the_store_says_to_give_its_query_url(
        oxigraph_server, path, said):
    # Given as --store, an Oxigraph server's /update answered "The URL query parameter update
    # must be set", and its /store HTTP 415, with nothing said of /query.
    with pytest.raises(StoreError) as refused:
        RemoteStore(f"{oxigraph_server}/{path}").select("ASK {}", [])
    assert str(refused.value).endswith(said)

