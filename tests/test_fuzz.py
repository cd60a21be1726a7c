"""The fuzz suite: a few hundred hostile requests (tests/fuzzing.py) sent eight at a time to a
real server on loopback, with a listener on loopback as the target of every SERVICE and FROM.

It holds the server to: no traceback in any answer, no 5xx but the limits' 503, the 505 of
an HTTP version it does not speak and the 501 of CONNECT and of a method it does not know (the
standard's answers), no engine that died (``/status``),
not one connection reaching the listener, and no fetch stopped by the engine's sandbox rather
than by the checks (the sandbox is the floor under them, not one of them).  ``pytest -s`` prints the tally by family and status (docs/endpoint.md quotes one run).
"""

import json
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import fuzzing
import servers

LIMITS = (b"limit", b"busy")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(servers.BIN / "alliance-graph"), "serve", "--port", str(port),
                             "--workers", "3", "--timeout", "2"], f"{url}/sparql?query=ASK%7B%7D",
                            tmp_path_factory.mktemp("fuzz") / "serve.log")
    yield port
    servers.stop(process)


def send(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send a raw request; return its status (0: the server closed without one) and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        try:
            sock.sendall(raw)
        except OSError:
            pass  # the server may answer and close before an oversized request is all sent
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    answer = b"".join(chunks)
    head, _, body = answer.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    return (int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0), body


def test_hostile_requests_get_clear_answers_and_reach_nobody(server):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", servers.free_port()))
        listener.listen()
        listener.setblocking(False)
        requests = fuzzing.corpus(listener.getsockname()[1])
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda r: send(server, r[1]), requests))
        seconds = time.monotonic() - started
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever connected
    tally, problems = Counter(), []
    for (family, raw), (status, body) in zip(requests, answers, strict=True):
        tally[(family, status)] += 1
        shown = f"{family} {status} {raw[:120]!r} -> {body[:200]!r}"
        if b"Traceback" in body or b"Internal Server Error" in body:
            problems.append("traceback: " + shown)
        elif status >= 500 and not (status == 503 and any(w in body for w in LIMITS)) \
                and not (status == 505 and body.startswith(b"http version not supported")) \
                and not (status == 501 and (raw.startswith(b"CONNECT ")
                                            or b"is no method this server knows" in body)):
            problems.append("5xx: " + shown)
        elif status == 0 and family not in ("malformed",):
            problems.append("no answer: " + shown)
        elif b"not permitted" in body:  # the sandbox's EPERM: a fetch got past the checks
            problems.append("reached the sandbox: " + shown)
        elif family == "service" and status == 200:
            problems.append("SERVICE or FROM answered: " + shown)
        elif family == "update" and status != 403:
            problems.append("update not refused: " + shown)
    status = json.loads(send(server, fuzzing.get("/status"))[1])
    print(f"\n{len(requests)} requests in {seconds:.1f} s; engine stopped: {status['stopped']}, "
          f"restarts: {status['restarts']}")
    for (family, code), n in sorted(tally.items()):
        print(f"  {family:<10} {code:>3}  {n}")
    assert not problems, "\n".join(problems[:20])
    assert status["stopped"]["crash"] == 0, "an engine died: a query got past the checks"
