"""How an answer leaves a task (web/tasks.py): its head and a small body in one send, each
other body as waitress writes it.  Driven through waitress's own task code, with a connection
that records each send (``Recorded``); the HTTP suites (test_server.py, test_fast_path.py)
check the answers a real server gives."""

from types import SimpleNamespace

import pytest
from waitress.adjustments import Adjustments
from waitress.parser import HTTPRequestParser

from alliance_graph.web.request_head import Parser
from alliance_graph.web.tasks import JOINED_BYTES, Refusal, Task


class Recorded:
    """A connection's stand-in for a task: what it is asked to send, one entry per send."""

    def __init__(self, application):
        adj = Adjustments()
        self.adj = adj
        self.server = SimpleNamespace(adj=adj, application=application, server_name="h",
                                      effective_port=80)
        self.addr = ("127.0.0.1", 50000)
        self.sends: list[bytes] = []

    def check_client_disconnected(self):  # the client is there
        return None

    def write_soon(self, data):
        self.sends.append(bytes(data))
        return len(data)


def answered(status: str, headers: list, chunks: list[bytes]) -> list[bytes]:
    """Return the sends of a task answering a GET with an app giving ``chunks``."""
    parser = HTTPRequestParser(Adjustments())
    parser.received(b"GET /sparql HTTP/1.1\r\nHost: h\r\n\r\n")
    assert parser.completed and parser.error is None

    def app(environ, start_response):
        start_response(status, headers)
        return chunks

    channel = Recorded(app)
    task = Task(channel, parser)
    task.service()
    return channel.sends


def head_and_body(sends: list[bytes]) -> tuple[bytes, bytes]:
    whole = b"".join(sends)
    head, _, body = whole.partition(b"\r\n\r\n")
    return head, body


def test_a_small_answer_goes_out_in_one_send():
    body = b'{"head":{"vars":["l"]},"results":{"bindings":[]}}'
    sends = answered("200 OK", [("Content-Length", str(len(body)))], [body])
    assert len(sends) == 1
    head, sent = head_and_body(sends)
    assert head.startswith(b"HTTP/1.1 200 OK") and sent == body


def test_only_the_first_write_is_joined_to_the_head():
    sends = answered("200 OK", [("Content-Length", "4")], [b"ab", b"cd"])
    assert len(sends) == 2 and sends[0].endswith(b"\r\n\r\nab") and sends[1] == b"cd"


@pytest.mark.parametrize("headers, chunks, body", [
    # A body over JOINED_BYTES is not copied to be joined.
    ([("Content-Length", str(JOINED_BYTES + 1))], [b"x" * (JOINED_BYTES + 1)],
     b"x" * (JOINED_BYTES + 1)),
    # No Content-Length on HTTP/1.1 with several writes: chunked, waitress frames each chunk.
    ([], [b"ab", b"cd"], b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n"),
    # More than Content-Length: waitress cuts it (and says so in its log).
    ([("Content-Length", "2")], [b"abcd"], b"ab"),
])
def test_other_bodies_are_written_as_waitress_writes_them(headers, chunks, body):
    sends = answered("200 OK", headers, chunks)
    assert len(sends) > 1 and head_and_body(sends)[1] == body


def test_an_answer_without_a_body_sends_its_head_alone():
    sends = answered("304 Not Modified", [("ETag", '"v"')], [])
    assert len(sends) == 1 and sends[0].endswith(b"\r\n\r\n")
    assert sends[0].startswith(b"HTTP/1.1 304 Not Modified")


def refused(most: int, *pieces: bytes) -> list[bytes]:
    """Return the sends of the answer a server whose heads may be ``most`` bytes gives a
    head arriving in ``pieces`` (read by the front's parser, as it reads one)."""
    parser = Parser(Adjustments(max_request_header_size=most))
    for piece in pieces:
        while piece and not parser.completed:
            piece = piece[parser.received(piece):]
    assert parser.error is not None
    channel = Recorded(None)
    Refusal(channel, parser).service()
    return channel.sends


def test_a_head_at_its_limit_is_refused_in_the_project_s_words_not_waitress_s():
    # A head of exactly 65,536 bytes was answered "exceeds max_header of 65536" (it does not
    # exceed it), in waitress's name for the setting: said as docs/endpoint.md says the limit.
    start = b"GET / HTTP/1.1\r\nHost: h\r\n"
    head, body = head_and_body(refused(1000, start, b"X: " + b"a" * (1000 - len(start) - 7)
                                       + b"\r\n\r\n"))  # 1,000 bytes: at the limit
    assert head.startswith(b"HTTP/1.1 431 "), head
    assert body == b"request header fields too large: the header fields take the request's " \
        b"head to 1,000 bytes or more, its closing CR LF CR LF counted (the limit: a head may " \
        b"be 999 bytes at most): send fewer or shorter ones\n", body
    line = b"GET /?q=" + b"a" * 2000 + b" HTTP/1.1\r\n\r\n"
    head, body = head_and_body(refused(1000, line))
    assert b" 414 " in head.split(b"\r\n")[0] and b"max_header" not in body
    assert b"the request line (the URL) takes the request's head to 1,000 bytes or more" in body
