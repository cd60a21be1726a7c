"""What an answer repeats of its request (clipping.py, web/echoed.py): a long value said by its
start, an ellipsis and its length, so that an answer is never several times the bytes sent.  A
real server answers each request twice, with a short value and with one of 60,000 characters."""

import http.client
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

import servers
from alliance_graph.clipping import bracketed, clipped, counted, cut, words, written
from alliance_graph.web.echoed import MESSAGE, said

LONG = "a" * 60_000
COUNTED = re.compile(r"\(6\d,\d{3} characters\)")


def test_a_short_value_is_said_whole_and_a_long_one_by_its_start_and_length():
    assert clipped("IronDome") == "IronDome"
    assert clipped("x" * 201) == "x" * 200 + "… (201 characters)"
    assert clipped("x" * 201, show=repr) == repr("x" * 200 + "…") + " (201 characters)"
    assert bracketed("https://x/" + "a" * 20_000) == \
        "<https://x/" + "a" * 190 + "…> (20,010 characters)"


def test_a_term_of_a_query_keeps_its_brackets_and_a_cut_alone_leaves_the_count_to_its_message():
    assert written("<https://x/" + "a" * 20_000 + ">") == bracketed("https://x/" + "a" * 20_000)
    assert written("?x") == "?x" and written("ex:" + "a" * 300).endswith("… (303 characters)")
    assert cut("abcdef", 3) == "abc…" and cut("abcdef", -3) == "…def" and cut("abc", 3) == "abc"
    assert counted("abc", 3) == "" and counted("abcd", 3) == " (4 characters)"


def test_a_link_searches_for_the_first_whole_words_that_fit():
    assert words("Iron Dome") == "Iron Dome"
    assert words("ab " * 100) == ("ab " * 67).strip()  # 200 characters: 67 words whole
    assert words(LONG) == "a" * 200                 # one word longer than them: its start


def test_a_plain_text_error_is_bounded_whole_and_printable():
    body = said("query failed: " + "\x1b" * 10 + LONG)
    assert body.startswith("query failed: \\x1b") and body.endswith(" characters)\n")
    assert len(body) < 2100


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server on the shipped graph."""
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("echoed") / "serve.log")
    yield port
    servers.stop(process)


def answer(port: int, method: str, target: str, accept: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        connection.putheader("Accept", accept)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


HTML, PLAIN, TURTLE = "text/html", "*/*", "text/turtle"
# Every answer repeating a value a request sent: (method, target with {} for the value,
# Accept, its status).
ECHOES = [
    ("GET", "/id/{}", HTML, 404),                        # the 404 page: the IRI, its search
    ("GET", "/id/{}", TURTLE, 404),                      # no statement about <IRI>
    ("GET", "/ontology/{}", TURTLE, 404),
    ("GET", "/id/{}%3C", HTML, 400),                     # does not name a valid IRI
    ("GET", "/id/{}%3C", PLAIN, 400),
    ("GET", "/graph/{}", PLAIN, 404),                    # no graph <IRI> here
    ("GET", "/rdf-graphs?graph=https://x/{}", PLAIN, 404),
    ("GET", "/nothing/{}", PLAIN, 404),                  # nothing is served at PATH
    ("DELETE", "/id/{}", PLAIN, 405),                    # DELETE is not allowed on PATH
    ("GET", "//{}", PLAIN, 308),                         # a path of two slashes
    ("GET", "/?example={}", HTML, 404),                  # no example query is named NAME
    ("GET", "/?example={}", PLAIN, 404),
    ("GET", "/id/IronDome?format={}", PLAIN, 400),       # unknown format NAME
    ("GET", "/sparql?query=ASK%7B%7D&format={}", PLAIN, 406),
    ("GET", "/sparql?query=ASK%7B%7D&{}=%zz", PLAIN, 400),  # a malformed escape in NAME
]


@pytest.mark.parametrize("method, target, accept, status", ECHOES)
def test_an_answer_names_a_long_value_by_its_start_and_stays_small(server, method, target,
                                                                     accept, status):
    short_status, short = answer(server, method, target.format("abc"), accept)
    long_status, long = answer(server, method, target.format(LONG), accept)
    assert (short_status, long_status) == (status, status), long[:300]
    # 60 KB sent: the answer is its short twin's size, and a few of the value's starts more
    # (the 404 page wrote the IRI four times, 241 KB).
    assert len(long) < 2 * len(short) + 1024, (len(short), len(long))
    assert "a" * 50 in long and COUNTED.search(long), long  # still named, by its start


def query(text: str, **parameters: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text, **parameters})


# Refusals of the query's checks (below web/) naming an IRI the request sent, and what their
# message ends with, the advice the 2,000 characters a plain-text error is bounded at cut off
# when the IRI was quoted whole: (target, SEGMENT standing for the IRI's end; status; advice).
REFUSALS = [
    (query("ASK {}", **{"default-graph-uri": "https://x/SEGMENT"}), 400, "list the graphs held"),
    (query("ASK {}", **{"named-graph-uri": "https://x/SEGMENT"}), 400, "list the graphs held"),
    (query("SELECT * FROM <https://x/SEGMENT> { ?s ?p ?o }"), 400, "list the graphs held"),
    (query("SELECT * { SERVICE <https://x/SEGMENT> { ?s ?p ?o } }"), 403,
     "(no SERVICE IRI is allowed by --allow-service or ALLIANCE_GRAPH_ALLOW_SERVICE)"),
    (query("SELECT * { <SEGMENT> ?p ?o }"), 400, "Virtuoso as its SQL procedure's)"),  # relative
    (query("SELECT * { ?s ?p <bif:SEGMENT> }"), 403, "this endpoint makes no outbound requests"),
]


@pytest.mark.parametrize("target, status, advice", REFUSALS)
def test_a_refusal_naming_a_long_iri_keeps_its_advice(server, target, status, advice):
    # Said whole, the IRI took the 2,000 characters the message is bounded at, its advice
    # cut off: it is said by its start where the refusal is written.
    for segment in ("abc", LONG):
        got, message = answer(server, "GET", target.replace("SEGMENT", segment), PLAIN)
        assert got == status, message[:300]
        assert message.rstrip("\n").endswith(advice), message[-300:]
        assert len(message) < MESSAGE and ("a" * 50 not in message or COUNTED.search(message))
    assert COUNTED.search(message), message[:400]


def test_the_command_lines_note_on_a_relative_iri_keeps_its_advice():
    # The parser's error on a query the command line runs, with sparql.relative_iri_note's
    # advice after it (the endpoint refuses such a query before parsing it: above).
    command = [str(Path(sys.executable).parent / "alliance-graph"), "query"]
    result = subprocess.run(command + [f"SELECT * {{ <{LONG}> ?p ?o }}"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1 and COUNTED.search(result.stderr), result.stderr[:400]
    assert result.stderr.rstrip().endswith("write the IRI whole, or declare a BASE)")
    assert len(result.stderr) < MESSAGE, result.stderr[:400]


def test_the_404_pages_search_link_searches_for_the_names_first_words(server):
    _, page = answer(server, "GET", "/id/Iron" + "Dome" * 15_000, HTML)
    link = re.search(r'id="search-name" href="([^"]*)"', page).group(1)
    assert link == "/search?q=Iron+" + "Dome+" * 38 + "Dome"  # 199 characters, whole words
    status, found = answer(server, "GET", link.replace("Dome+" * 38, ""), HTML)
    assert status == 200 and "Iron Dome" in found


def proposal(name: str) -> bytes:
    return ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix id: <https://alliance-graph.example/id/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            f'id:X{name} a ag:State ; rdfs:label "x{name}" ; ag:partOf id:Y{name} .\n').encode()


def validated(port: int, body: bytes) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("POST", "/validate", body, {"Content-Type": "text/turtle",
                                                        "Accept": "text/html"})
        response = connection.getresponse()
        assert response.status == 200
        return response.read().decode()
    finally:
        connection.close()


def test_the_validation_page_names_what_a_proposal_wrote_by_its_start(server):
    # Each finding repeated its entity's name and link whole: a proposal of 180 KB, three
    # names of 60,000 characters, had a page of 546 KB. The form gives the text back once.
    short, body = validated(server, proposal("abc")), proposal(LONG)
    page = validated(server, body)
    assert len(page) < len(body) + 2 * len(short) + 2048, (len(short), len(page))
    assert "does not conform" in page and COUNTED.search(page)


def headed(port: int, method: str, target: str, headers: dict[str, bytes]) -> tuple[int, str]:
    """Send ``headers`` as the bytes given (http.client would send text as latin-1)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", "3")
        connection.endheaders(b"ASK")
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize("target,header,sent,quoted,status", [
    ("/sparql", "Content-Type", "text/ä", "text/ä", 415),
    ("/sparql", "Content-Type", "application/sparql-query, text/ä", "text/ä", 400),
    ("/sparql", "Content-Type", "application/sparql-query; charset=ä", "not ä", 415),
    ("/sparql", "Content-Encoding", "gzïp", "gzïp", 415),
    ("/validate", "Content-Type", "text/ä", "text/ä", 415),
    ("/query/notes", "Content-Type", "text/ä", "text/ä", 415),
])
def test_a_refusal_quotes_a_header_as_its_client_typed_it(server, target, header, sent, quoted,
                                                          status):
    # WSGI holds a header's bytes as latin-1: "text/ä" sent in UTF-8 was quoted "text/Ã¤" (or,
    # lower-cased, "text/ã¤"); a byte not UTF-8 is said as its escape.
    headers = {"Content-Type": b"application/sparql-query", header: sent.encode()}
    got, said = headed(server, "POST", target, headers)
    assert got == status and quoted in said and "Ã" not in said and "ã" not in said, said
    got, said = headed(server, "POST", target, {**headers, header: sent.encode("latin-1")})
    byte = next(c for c in sent if ord(c) > 127).encode("latin-1")
    assert got == status and f"\\x{byte.hex()}" in said, said
