"""Helpers the test files share (never a test module importing another)."""

from __future__ import annotations

import gc
import http.client
import json
import os
import pty
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.proposals.report import AGSH, CHECK
from alliance_graph.query import results as queries


def results_left_in_cycles(call) -> int:
    """Run ``call()`` and return how many Oxigraph results it left in reference cycles, which only
    the garbage collector frees, on whichever thread it then runs, and pyoxigraph refuses to
    drop a result off its own thread."""
    gc.collect()
    gc.disable()  # no collection but the one below
    try:
        call()
        return results_in_garbage()
    finally:
        gc.enable()


def results_in_garbage() -> int:
    """Collect garbage here, on this thread, and return how many Oxigraph results it held
    (freed here: none is kept, which would keep its cycle alive for another thread)."""
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage, to be read
    try:
        gc.collect()
    finally:
        gc.set_debug(0)
    # type(), not isinstance: a weak proxy in the garbage raises on isinstance
    found = sum(type(o) in _RESULTS for o in gc.garbage)
    gc.garbage.clear()
    gc.collect()  # the cycles kept only by gc.garbage, freed now on this thread
    return found


_RESULTS = (ox.QuerySolutions, ox.QueryTriples, ox.QueryBoolean)


def results_held(exc) -> list:
    """Return the Oxigraph results the frames of ``exc``'s traceback, and of the exceptions it
    was raised from, still hold: kept in a cycle by pytest.raises, they were dropped by the
    garbage collector on another test's thread, which pyoxigraph refuses ("PyQueryTriples is
    unsendable, but is being dropped on another thread")."""
    found, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            found += [v for v in tb.tb_frame.f_locals.values() if isinstance(v, _RESULTS)]
            tb = tb.tb_next
        exc = exc.__cause__ or exc.__context__
    return found


def until(condition, seconds: float = 10) -> bool:
    """Return once ``condition()`` holds (True), or False after ``seconds``: what a thread is
    to do next comes within 0.1-0.2 s on a quiet machine, not always on a loaded one."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def status(port: int) -> dict:
    """Return what a server's /status says: its engine, load and counters."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=60) as response:
        return json.load(response)


def load(port: int) -> dict:
    """Return the server's ``load`` in /status: queries running and waiting for a slot,
    requests being answered and waiting for a thread."""
    return status(port)["load"]


def engine_up(port: int) -> None:
    """Return once /status says the server's engine is not being started again: a request
    sent while it is (after an earlier one was stopped at its time limit, and the engine
    with it) is told so, not what the test sent it to see."""
    assert until(lambda: not status(port)["engine"]["restarting"], 60), \
        f"the engine was still being started again after 60 s: {status(port)['engine']}"


def loaded(port: int, part: str, state: str, count: int) -> None:
    """Return once /status counts ``count`` in ``load[part][state]`` (``"queries"``,
    ``"waiting for a slot"``): the requests a test sent have reached the state it sets up,
    where a fixed pause was a guess, too short on a loaded machine."""
    assert until(lambda: load(port)[part][state] == count, 30), \
        f"/status never counted {count} {part} {state}: {load(port)}"


def open_files() -> set[tuple[str, str]]:
    """Return this process's open file descriptors, each with what it names, but those under
    /proc: the engine's watch reads its process's memory (``/proc/PID/statm``) on a thread of
    this process, a file open for that read alone, which CI once caught open."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except FileNotFoundError:  # closed since it was listed (listdir's own, too)
            continue
        if not name.startswith("/proc/"):
            found.add((fd, name))
    return found


def fetch(url, data=None, headers=None, method=None):
    """Return (status, headers, body) of one HTTP request; error statuses are returned too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get_with_host(endpoint: str, path: str, host: str, accept: str = "*/*"):
    """Return (status, headers, body) of a GET sent to ``endpoint`` with a Host header of its own
    (urllib and Flask's test client would build, and choke on, a URL from it first)."""
    address = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.putheader("Accept", accept)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def count(endpoint, query: str, **params) -> int:
    """Return the ?n of a COUNT query sent to a running endpoint (with protocol ``params``)."""
    url = f"{endpoint}/sparql?{urllib.parse.urlencode({'query': query, **params}, doseq=True)}"
    status, _, body = fetch(url)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


ROOT = Path(__file__).parents[1]
# The small graph the shape fixtures and pathological inputs are validated against.
FIXTURE_BASE = ROOT / "tests" / "fixtures" / "shapes" / "base"


def run_cli(*args, data=FIXTURE_BASE, ontology=ROOT / "ontology"):
    """Run the command line in process on the fixtures' base graph (or the given folders)."""
    from click.testing import CliRunner

    from alliance_graph.cli import main
    return CliRunner().invoke(main, ["--data", str(data), "--ontology", str(ontology),
                                     *map(str, args)])


def blank_nodes_erased(text: str) -> str:
    """Return N-Triples/N-Quads text with every blank node label made ``_:b`` (a new parse or
    another store labels them anew)."""
    return re.sub(r"_:\w+", "_:b", text)


def normalized(result) -> list[str]:
    """Return a result as sorted lines with blank node labels erased (they differ by store)."""
    kind = queries.kind_of(result)
    if kind == "ask":
        return [str(bool(result))]
    if kind == "graph":
        lines = [str(t) for t in result]
    else:
        names = [v.value for v in result.variables]
        lines = [" ".join(str(s[n]) for n in names) for s in result]
    return sorted(blank_nodes_erased(line) for line in lines)


def canonical(quads) -> set[str]:
    """Return quads (or triples) as N-Quads lines, blank nodes relabelled canonically
    (RDFC-1.0), so that two parses of the same graph compare equal."""
    dataset = ox.Dataset(q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate,
                                                                   q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


# Shape fixtures: the findings a fixture's "# expect:" comments ask for, named briefly.

def short(iri: str) -> str:
    return iri.replace(str(CHECK), "check:").replace(str(AGSH), "agsh:")


def expected(path: Path, mark: str = "expect") -> set[tuple[str, int]]:
    """Return the (shape, line) pairs a fixture's ``# expect:`` comments ask for; with
    ``mark="build"``, the checks its ``# build:`` comments name (what the build's checks find
    there, which validate leaves to a shape's finding saying the same).  A line may hold both,
    each comment ending where the next begins."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = re.search(rf"# {mark}: (.*?)(?:  # \w+:|$)", line)
        if m:
            found.update((name, number) for name in m.group(1).split())
    return found


def on_a_terminal(command: list) -> bytes:
    """Run ``command`` with its standard output on a pseudo-terminal; return what it wrote
    there (the terminal writes \n as \r\n), asserting that it exits 0."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(part) for part in command], stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    data = b""
    with open(leader, "rb", buffering=0) as terminal, process.stderr:
        while True:
            try:
                piece = terminal.read(65536)
            except OSError:  # EIO: the command has closed its end
                break
            if not piece:
                break
            data += piece
        assert process.wait(timeout=300) == 0, process.stderr.read()
    return data


# pyoxigraph 0.5.13 aborts the process it runs in on this ORDER BY (Rust's sort: "user-provided
# comparison function does not correctly implement a total order"): numbers beside strings of
# digits, in an order the sort checks; over the shipped data ``SELECT DISTINCT ?o { ?s ?p ?o
# FILTER(isLiteral(?o)) } ORDER BY ?o`` did too, now and then (its rows' order varies).
CRASHER = ('SELECT ?x { VALUES ?x { "4" 3 12 2 "18" "13" 6 10 18 "10" "15" "1" "19" "2" "8" "3" '
           '11 "14" 19 "16" "20" 15 "7" 20 14 13 1 16 4 7 "6" "5" "11" "9" "12" 8 17 5 "17" 9 } '
           '} ORDER BY ?x')


# Raw-socket clients of a real server (test_abandoned.py, test_serve_command.py): a query that
# holds an engine thread for the time limit, and a lookup.
HEAVY = "SELECT (COUNT(*) AS ?n{}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
LOOKUP = "SELECT ?l{} WHERE {{ id:IronDome rdfs:label ?l{} }}"


def request(query: str, close: bool = True) -> bytes:
    """Return a GET of ``query`` made new (a variable named for now), so that it is never
    answered from the response cache: it runs, or it is not answered."""
    nonce = str(time.time_ns())
    query = query.format(nonce, nonce)
    return (b"GET /sparql?" + urllib.parse.urlencode({"query": query}).encode()
            + b" HTTP/1.1\r\nHost: x\r\n" + (b"Connection: close\r\n" if close else b"")
            + b"\r\n")


def sent(port: int, source: str, data: bytes) -> socket.socket:
    """Return a connection from the loopback address ``source`` that has sent ``data``."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60,
                                    source_address=(source, 0))
    sock.sendall(data)
    return sock


def unread(sock: socket.socket) -> int | None:
    """Return how many bytes sent on ``sock`` (a loopback connection) the server has not read
    yet, its end's receive queue in /proc/net/tcp; None once its end is gone."""
    ours, theirs = _entry(sock.getsockname()), _entry(sock.getpeername())
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1] == theirs and fields[2] == ours:
                return int(fields[4].split(":")[1], 16)
    return None


def in_sockets(sock: socket.socket) -> int:
    """Return how many bytes the server has written on ``sock`` (a loopback connection) that
    this end has not read: its end's send queue and this end's receive queue in
    /proc/net/tcp (0 for an end gone)."""
    ours, theirs = _entry(sock.getsockname()), _entry(sock.getpeername())
    queued = 0
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            tx, rx = (int(n, 16) for n in fields[4].split(":"))
            if (fields[1], fields[2]) == (theirs, ours):
                queued += tx
            elif (fields[1], fields[2]) == (ours, theirs):
                queued += rx
    return queued


def _entry(address) -> str:
    """Return an IPv4 (host, port) as /proc/net/tcp writes it."""
    host, port = address[:2]
    return f"{socket.inet_aton(host)[::-1].hex().upper()}:{port:04X}"


def read_by_server(sock: socket.socket, left: int = 0) -> None:
    """Return once the server has read all that was sent on ``sock`` but ``left`` bytes (a
    request it leaves unread, pipelined behind one being answered).  A reset that comes with
    the request, waitress sees: the request is never queued; a fixed pause before the reset
    was not always enough on a loaded machine."""
    assert until(lambda: (unread(sock) or 0) <= left), \
        f"the server left {unread(sock)} bytes unread on {sock.getsockname()}"


def reset(sock: socket.socket) -> None:
    """Close ``sock`` with a reset (SO_LINGER 0), as a client giving up at once does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def statuses(sock: socket.socket) -> list[int]:
    """Return the status of each answer the server sends before it closes, and close."""
    with sock:
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    found = []
    while data:
        head, _, data = data.partition(b"\r\n\r\n")
        found.append(int(head.split(b" ", 2)[1]))
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        data = data[int(length.group(1)) if length else len(data):]
    return found


def build_problems(settings, route: str) -> list:
    """Return the problems a build of ``settings`` stops on, by the ``route`` named: the
    default one ("default", the graph in memory) or the streaming one ("streaming", into an
    Oxigraph store); fail the test if it builds."""
    from alliance_graph.build import loading
    from alliance_graph.build import pipeline as build
    try:
        if route == "default":
            build.build_quads(settings)
        else:
            build.stream_into(ox.Store(), settings)
    except loading.LoadError as err:
        return err.problems
    raise AssertionError(f"the {route} route built what it should have refused")


def with_shipped_build(cache: Path, settings) -> Path:
    """Return the folder ``cache`` (made) holding a copy of the shipped graph's build and of
    the shapes' meta-SHACL verdict from ``settings``' cache (the session's, made there first
    if need be): a copy of the shipped data builds nothing then, keyed as it is by the files'
    contents, and what a test builds from its own edits stays out of the session's cache."""
    import shutil

    from alliance_graph.build import pipeline
    built = pipeline.cached_build(settings)
    cache.mkdir(parents=True, exist_ok=True)
    for path in [built, *built.parent.glob("shapes-meta-ok-*")]:
        if not (cache / path.name).exists():
            shutil.copy(path, cache / path.name)
    return cache


def _body(data: bytes) -> bytes:
    """Return Turtle or RDF/XML without its prefix declarations."""
    return re.sub(rb'@prefix [^\n]*\n| xmlns:\w+="[^"]*"', b"", data)


def used_prefixes(triples, target) -> dict:
    """Return the project's prefixes that Oxigraph's writer uses writing ``triples`` whole: the
    ones whose absence changes what it writes (besides the declarations)."""
    every = _body(ox.serialize(triples, format=target, prefixes=PREFIX_IRIS))
    return {p: ns for p, ns in PREFIX_IRIS.items() if _body(ox.serialize(
        triples, format=target, prefixes={o: n for o, n in PREFIX_IRIS.items() if o != p}))
        != every}


# A process writing a file with atomic.write_output (an export's) or write_atomically (a build
# cache's, a journal's) that stops half-way through, says so on its standard output, and
# waits: a test kills it there (SIGKILL, no code of it runs), or lets it stand as another
# command writing the same file.
_HALF_WRITTEN = """
import sys, time
from pathlib import Path
from alliance_graph import atomic

def write(out):
    out.write(b"half of it")
    out.flush()
    print("writing", flush=True)
    time.sleep(60)

getattr(atomic, sys.argv[2])(Path(sys.argv[1]), write)
"""


def half_written(target: Path, how: str = "write_atomically") -> subprocess.Popen:
    """Start a process writing ``target`` with ``atomic.<how>`` and return it once it has
    written half and waits (``_HALF_WRITTEN``)."""
    writer = subprocess.Popen([sys.executable, "-c", _HALF_WRITTEN, str(target), how],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    writer.stdout.close()
    return writer


def many_typed_nodes(n: int = 400_000):
    """Return a graph (``KnowledgeGraph.from_store``) of ``n`` typed nodes ``id:n0``, ``id:n1``,
    ...: listing them, as the absent-name notes do to find the name meant, takes about 0.8 s
    at 400,000, longer than a small timeout."""
    from alliance_graph.store.graph import KnowledgeGraph
    rdf_type = ox.NamedNode(PREFIX_IRIS["rdf"] + "type")
    thing = ox.NamedNode(PREFIX_IRIS["ag"] + "Thing")
    graph = ox.NamedNode(PREFIX_IRIS["graph"] + "data/many.ttl")
    store = ox.Store()
    store.bulk_extend(ox.Quad(ox.NamedNode(f"{PREFIX_IRIS['id']}n{i}"), rdf_type, thing, graph)
                      for i in range(n))
    return KnowledgeGraph.from_store(store)
