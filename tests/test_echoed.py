"""What an answer repeats of its request (web/echoed.py): a long value said by its start, an
ellipsis and its length, so that an answer is never several times the bytes sent.  A real
server answers each request twice, with a short value and with one of 60,000 characters."""

import http.client
import re

import pytest

import servers
from alliance_graph.web.echoed import MESSAGE, bracketed, clipped, said, words

LONG = "a" * 60_000
COUNTED = re.compile(r"\(6\d,\d{3} characters\)")


def test_a_short_value_is_said_whole_and_a_long_one_by_its_start_and_length():
    assert clipped("IronDome") == "IronDome"
    assert clipped("x" * 201) == "x" * 200 + "… (201 characters)"
    assert clipped("x" * 201, show=repr) == repr("x" * 200 + "…") + " (201 characters)"
    assert bracketed("https://x/" + "a" * 20_000) == \
        "<https://x/" + "a" * 190 + "…> (20,010 characters)"


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


def test_a_message_quoting_what_the_query_writes_is_bounded_whole(server):
    # The parser's message names the relative IRI a query writes, whole: 60 KB of it.
    target = "/sparql?query=SELECT%20*%20%7B%20%3C{}%3E%20?p%20?o%20%7D"
    status, long = answer(server, "GET", target.format(LONG), PLAIN)
    assert status == 400 and long.startswith("syntax error (at line 1, column 12): ")
    assert len(long) <= MESSAGE + 30 and COUNTED.search(long), long


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
