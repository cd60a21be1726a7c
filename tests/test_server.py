"""The gunicorn worker's response writer: the head goes out with the body, in one send."""

from types import SimpleNamespace

from gunicorn.config import Config

from alliance_graph.web.server import OneWriteResponse, Worker


class Sock:
    def __init__(self):
        self.sends = []

    def sendall(self, data):
        self.sends.append(bytes(data))


def response(method="GET"):
    req = SimpleNamespace(version=(1, 1), method=method, should_close=lambda: True)
    sock = Sock()
    resp = OneWriteResponse(req, sock, Config())
    resp.force_close()
    return resp, sock


def test_head_and_body_leave_in_one_send():
    resp, sock = response()
    resp.start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    resp.write(b"hello")
    resp.close()
    assert len(sock.sends) == 1
    head, _, body = sock.sends[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Content-Length: 5" in head
    assert body == b"hello"


def test_a_response_without_body_still_sends_its_head():
    resp, sock = response()
    resp.start_response("204 No Content", [("Access-Control-Allow-Origin", "*")])
    resp.close()
    assert len(sock.sends) == 1 and sock.sends[0].startswith(b"HTTP/1.1 204 No Content\r\n")
    assert sock.sends[0].endswith(b"\r\n\r\n")


def test_later_body_chunks_follow_the_first_send():
    resp, sock = response()
    resp.start_response("200 OK", [("Content-Length", "6")])
    resp.write(b"abc")
    resp.write(b"def")
    resp.close()
    assert sock.sends[0].endswith(b"\r\n\r\nabc") and sock.sends[1:] == [b"def"]


def test_the_worker_is_a_sync_worker():
    from gunicorn.workers.sync import SyncWorker
    assert issubclass(Worker, SyncWorker)
