"""The engine's wire format: messages and query results survive the trip exactly, and a large
body is never held whole, or copied, on its way."""

import gc
import json
import os
import signal
import socket
import struct
import threading
import time
import tracemalloc

import pyoxigraph as ox
import pytest

from alliance_graph.engine import wire


def test_a_message_arrives_whole_header_and_body():
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, {"op": "answer", "n": 3, "iris": ["x", "é"]}, b"\x00" * 200_000)
        header, body = wire.receive(b)
    assert header == {"op": "answer", "n": 3, "iris": ["x", "é"]} and body == b"\x00" * 200_000


def test_a_connection_closed_mid_message_is_closed_not_a_partial_message():
    a, b = socket.socketpair()
    a.sendall(b"\x00\x00\x00\x10")  # half a frame, then the other end dies
    a.close()
    with b, pytest.raises(wire.Closed):
        wire.receive(b)


@pytest.mark.parametrize("query", ["SELECT ?s ?o ?none { ?s ?p ?o OPTIONAL { ?s <urn:none> ?none } }",
                                   "ASK { ?s ?p ?o }", "ASK { ?s <urn:none> ?o }",
                                   "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_results_come_back_as_the_store_gave_them(query):
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"),
                          ox.Literal("é \"x\"", language="fr")),
                  ox.Quad(ox.BlankNode("b"), ox.NamedNode("urn:p"),
                          ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))])
    result = wire.result_from(*wire.result_bytes(store.query(query)))
    expected = store.query(query)
    if isinstance(expected, ox.QueryBoolean):
        assert bool(result) == bool(expected)
    elif isinstance(expected, ox.QuerySolutions):
        assert [v.value for v in result.variables] == [v.value for v in expected.variables]
        assert sorted(map(str, result)) == sorted(map(str, expected))
    else:
        assert sorted(map(str, result)) == sorted(map(str, expected))
        assert all(isinstance(t, ox.Triple) for t in result)


def open_links() -> dict[str, str]:
    """Return what each descriptor this process holds open names, garbage collected first."""
    gc.collect()
    links = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            links[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the listing's own descriptor, closed since
            pass
    return links


def open_files() -> int:
    """Return how many files this process holds open, once the garbage of earlier tests is
    collected: their stores' files, closed by a collection in the middle of a test, made the
    count fall by ten in a clean clone's run and the test fail."""
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def drain(sock: socket.socket) -> threading.Thread:
    """Read and drop what arrives on ``sock`` into one buffer made beforehand, on a thread."""
    buffer = memoryview(bytearray(1 << 16))
    thread = threading.Thread(target=lambda: [None for _ in iter(lambda: sock.recv_into(buffer),
                                                                 0)])
    thread.start()
    return thread


def test_a_large_body_is_sent_without_a_copy_of_it():
    body = b"\x01" * (8 << 20)
    a, b = socket.socketpair()
    with b:
        reader = drain(b)
        tracemalloc.start()
        try:
            wire.send(a, {"status": 200}, body)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            a.close()
            reader.join()
    # It was joined to its frame first: a second copy of the whole body.
    assert peak < len(body) // 8


def test_a_large_body_asked_spooled_comes_in_a_file_read_in_chunks():
    body = bytes(range(256)) * (6 << 12)  # 6 MiB
    a, b = socket.socketpair()
    with a, b:
        sender = threading.Thread(target=wire.send, args=(a, {"status": 200}, body))
        sender.start()
        tracemalloc.start()
        try:
            header, spooled = wire.receive(b, spool=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            sender.join()
    assert header == {"status": 200} and isinstance(spooled, wire.Spooled)
    # Never the whole body in memory (it was read whole, then copied: two bodies' worth).
    assert peak < 2 * wire.CHUNK + (64 << 10)
    assert len(spooled) == len(body) and b"".join(spooled.chunks()) == body
    assert spooled.read() == body and spooled.file.closed


def test_a_small_body_asked_spooled_stays_in_memory():
    a, b = socket.socketpair()
    with a, b:
        sender = threading.Thread(target=wire.send, args=(a, {}, b"x" * wire.SPOOL_BYTES))
        sender.start()
        body = wire.receive(b, spool=True)[1]
        sender.join()
    assert body == b"x" * wire.SPOOL_BYTES


def test_a_connection_closed_mid_spool_is_closed_and_leaves_no_file_open():
    a, b = socket.socketpair()
    with b:
        head = b"{}"

        def die_halfway():
            a.sendall(struct.pack(">IQ", len(head), 4 * wire.SPOOL_BYTES) + head
                      + b"x" * 300_000)
            a.close()  # the engine killed with most of the body unsent
        sender = threading.Thread(target=die_halfway)
        before = open_links()
        sender.start()
        with pytest.raises(wire.Closed):
            wire.receive(b, spool=True)
        sender.join()
        # No file opened meanwhile is left open (the spool).  Not a count of every descriptor:
        # another test's threads in this worker closing theirs made it fall by 3, in CI.
        opened = open_links().items() - before.items()
        assert not [link for _, link in opened
                    if not link.startswith(("socket:", "pipe:", "anon_inode:"))], opened
        assert a.fileno() == -1  # ``a``, closed


def test_a_large_body_not_spooled_is_received_without_a_copy_of_it():
    body = os.urandom(8 << 20)
    a, b = socket.socketpair()
    with a, b:
        sender = threading.Thread(target=wire.send, args=(a, {"status": 200}, body))
        sender.start()
        tracemalloc.start()
        try:
            header, received = wire.receive(b)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            sender.join()
    assert header == {"status": 200} and received == body
    # It was read into a buffer, then copied into the bytes returned: two bodies' worth.
    assert peak < len(body) + (1 << 20)


def spooled(data: bytes) -> wire.Spooled:
    """Return ``data`` as the front receives a large body: in a temporary file."""
    a, b = socket.socketpair()
    with a, b:
        sender = threading.Thread(target=wire.send, args=(a, {}, data))
        sender.start()
        body = wire.receive(b, spool=True)[1]
        sender.join()
    assert isinstance(body, wire.Spooled)
    return body


@pytest.fixture(scope="module")
def big_store():
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"),
                         ox.NamedNode("http://example.org/p"), ox.Literal(f"value {i}"),
                         ox.NamedNode("http://example.org/g"))
                 for i in range(30_000))
    return store


def test_a_spooled_result_is_read_from_its_file_and_the_file_closed(big_store):
    files = open_files()
    select = big_store.query("SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    kind, data = wire.result_bytes(select)
    assert len(data) > wire.SPOOL_BYTES
    solutions = wire.result_from(kind, spooled(data))
    assert isinstance(solutions, ox.QuerySolutions) and open_files() == files + 1
    rows = [(row["s"], row["o"]) for row in solutions]
    expected = [(row["s"], row["o"]) for row in wire.result_from(kind, data)]
    assert rows == expected and len(rows) == 30_000
    del solutions  # read lazily from its file, closed as they go (no ResourceWarning)
    assert open_files() == files
    graph = big_store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    kind, data = wire.result_bytes(graph)
    triples = wire.result_from(kind, spooled(data))
    assert open_files() == files  # read whole at once, the file closed then
    assert triples == wire.result_from(kind, data) and len(triples) == 30_000
    quads = ox.serialize(big_store, format=ox.RdfFormat.N_QUADS)
    assert wire.quads_from(spooled(quads)) == list(big_store) and open_files() == files


def _framed(header: dict, body: bytes) -> bytes:
    head = json.dumps(header).encode()
    return struct.pack(">IQ", len(head), len(body)) + head + body


@pytest.mark.parametrize("cuts", [(1,), (5, 12), (12,), (14, 30), (40,), (12, 20, 60)])
def test_a_message_sent_in_pieces_arrives_whole(cuts):
    # The first read takes what has come: a frame, header or body cut anywhere is read on.
    message = _framed({"status": 200, "format": "json"}, b"x" * 100)
    a, b = socket.socketpair()

    def trickle():
        start = 0
        for cut in (*cuts, len(message)):
            a.sendall(message[start:cut])
            start = cut
            time.sleep(0.02)

    with a, b:
        sender = threading.Thread(target=trickle)
        sender.start()
        header, body = wire.receive(b)
        sender.join()
    assert header == {"status": 200, "format": "json"} and body == b"x" * 100


def test_a_small_message_is_read_in_one_system_call():
    a, b = socket.socketpair()
    reads = []

    class Counted:  # the socket, counting the reads made of it
        def __getattr__(self, name):
            attribute = getattr(b, name)
            if name.startswith("recv"):
                return lambda *args: reads.append(name) or attribute(*args)
            return attribute

    with a, b:
        wire.send(a, {"status": 200}, b'{"head":{"vars":["l"]}}')
        assert wire.receive(Counted()) == ({"status": 200}, b'{"head":{"vars":["l"]}}')
    assert reads == ["recv"]


def test_a_second_message_before_the_first_is_answered_is_a_broken_connection():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(_framed({"n": 1}, b"one") + _framed({"n": 2}, b"two"))
        with pytest.raises(wire.Closed, match="before its last was answered"):
            wire.receive(b)


@pytest.mark.parametrize("spool", [False, True])
def test_a_large_body_partly_read_with_its_header_is_received_without_a_copy(spool):
    # The first read took in the header and the start of the body; the rest is read into the
    # bytes returned (or the file), never joined to what was read.
    body = os.urandom(8 << 20)
    message = _framed({"status": 200}, body)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(message[:5000])  # there when the first read is made
        sender = threading.Thread(target=a.sendall, args=(message[5000:],))
        tracemalloc.start()
        try:
            sender.start()
            header, received = wire.receive(b, spool=spool)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            sender.join()
    if spool:
        assert isinstance(received, wire.Spooled) and len(received) == len(body)
        received = received.read()
    assert header == {"status": 200} and received == body
    assert peak < len(body) + (1 << 20)


# The real engine process, its answer cut where the front's first read of it ends: the
# engine killed (or stopped) with the rest of a large answer unsent, the front must ask the
# next engine again and hand on its answer whole, or say 503; never the cut answer.

def _sized(n: int) -> str:
    """A query whose one solution is a string of ``n`` letters (a large answer, cheaply)."""
    doubled = " ".join(f"BIND(CONCAT(?a{i - 1}, ?a{i - 1}) AS ?a{i})" for i in range(1, 23))
    return f'SELECT ?x WHERE {{ BIND("a" AS ?a0) {doubled} BIND(SUBSTR(?a22, 1, {n}) AS ?x) }}'


@pytest.fixture(scope="module")
def engine(settings):
    from alliance_graph.engine.client import ProcessEngine
    engine = ProcessEngine(settings.with_(workers=2, query_timeout=20, follow_poll=0))
    yield engine
    engine.close()


class _Cut:
    """An engine connection that, once the first read of an answer has returned, sends the
    engine answering ``sent`` (``times`` answers in a row; a new engine's "ready" on its
    control connection is read as it comes)."""

    def __init__(self, monkeypatch, engine, sent: int, times: int = 1):
        self.engine, self.sent, self.left, self.pids = engine, sent, times, []
        receive = wire.receive

        def cut_receive(sock, spool=False):
            answering = self.left and sock in self.engine.active.connections
            return receive(self.wrap(sock) if answering else sock, spool)
        monkeypatch.setattr(wire, "receive", cut_receive)

    def wrap(self, sock):
        self.left -= 1
        cut, pid = self, self.engine.info["pid"]

        class Connection:
            reads = 0

            def __getattr__(self, name):
                attribute = getattr(sock, name)
                if not name.startswith("recv"):
                    return attribute

                def read(*args):
                    got = attribute(*args)
                    Connection.reads += 1
                    if Connection.reads == 1:  # the first read is in: the engine goes
                        cut.pids.append(pid)
                        os.kill(pid, cut.sent)
                    return got
                return read
        return Connection()


def _answered(engine, n: int):
    from alliance_graph.namespaces import PREFIX_IRIS
    from alliance_graph.query.dataset import Dataset
    from alliance_graph.query.results import RESULT_FORMATS
    body, _ = engine.answer(_sized(n), Dataset(), [RESULT_FORMATS["csv"]], PREFIX_IRIS)
    return body.read() if isinstance(body, wire.Spooled) else body


@pytest.mark.server
@pytest.mark.parametrize("size", [900_000, 3_000_000], ids=["in memory", "spooled"])
@pytest.mark.parametrize("sent", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "stopped"])
def test_an_engine_gone_mid_answer_is_asked_again_and_the_answer_comes_whole(
        engine, monkeypatch, size, sent):
    assert engine.wait_ready(60)
    cut = _Cut(monkeypatch, engine, sent)
    body = _answered(engine, size)
    assert body == b"x\r\n" + b"a" * size + b"\r\n"  # whole, from the next engine
    assert cut.pids
    # The engine cut off is replaced either way: mid-answer by the call, or, when the whole
    # answer was in the socket's buffer before a SIGSTOP came (it then came whole from the
    # engine stopped), by the watcher, which takes a stopped engine for a dead one.  Waited
    # for: the next query sent to it was held, then cut off unread (CI on aa7b2d6 failed so).
    deadline = time.monotonic() + 30
    while engine.info["pid"] == cut.pids[0] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.info["pid"] != cut.pids[0]


@pytest.mark.server
def test_an_answer_cut_twice_is_a_503_never_the_part_that_came(engine, monkeypatch):
    assert engine.wait_ready(60)
    _Cut(monkeypatch, engine, signal.SIGKILL, times=2)
    with pytest.raises(wire.EngineError, match="stopped twice") as refused:
        _answered(engine, 3_000_000)
    assert refused.value.status == 503
    assert engine.wait_ready(60) and _answered(engine, 10) == b"x\r\n" + b"a" * 10 + b"\r\n"
