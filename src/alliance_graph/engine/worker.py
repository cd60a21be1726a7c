"""The engine process: hold the store, answer queries from the front, one thread per connection.

Started by ``client.ProcessEngine`` as ``python -m alliance_graph.engine.worker SETTINGS FDS``:
``SETTINGS`` is the settings as JSON, ``FDS`` the file descriptors of the socket pairs it
inherited, the first one for control (it says "ready" there, and exits when the front closes
it), the others for queries.  Before anything else it forbids itself every socket (local
stores only: a remote store is reached over the network) and gives its threads deep stacks (a
second line behind the checks' nesting bounds: Oxigraph recurses on nested queries).
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading

import pyoxigraph as ox

from .. import wording
from ..namespaces import PREFIX_IRIS
from ..proc import rss_bytes
from ..query import guard
from ..query.answer import Uncarried, answer
from ..query.blank_labels import carried, gated
from ..query.dataset import Dataset
from ..query.dump import dump
from ..query.refused import Refused
from ..query.results import GRAPH_FORMATS, RESULT_FORMATS, QueryError
from ..settings import Settings
from ..store import backends
from ..store.errors import StoreError
from . import sandbox, wire

# Bytes of stack for each query thread (Linux reserves it lazily: only what is used is paid).
THREAD_STACK = 256 * 2**20


class Worker:
    """The store and what each request asks of it."""

    def __init__(self, settings: Settings, sandboxed: bool = False):
        self.settings = settings
        self.sandboxed = sandboxed  # no socket opens here (``sandbox.deny_network``)
        # The version is the build's, taken once (hashing reads every input file); a restarted
        # engine opens the build on disk, never building anew (``backends.reopen_graph``).
        self.kg, self.version = backends.reopen_graph(settings)

    def info(self) -> dict:
        """Return what the front needs to know: graphs, dataset version, memory."""
        return {"asserted": [g.value for g in self.kg.asserted],
                "inferred": self.kg.inferred.value, "version": self.version,
                "rss": rss_bytes()}

    def handle(self, header: dict, body: bytes) -> tuple[dict, bytes]:
        """Answer one request message."""
        op = header.get("op")
        dataset = Dataset.from_json(header.get("dataset") or {})
        prefixes = header.get("prefixes", PREFIX_IRIS)
        try:
            if op == "answer":
                table = GRAPH_FORMATS if header["graph_form"] else RESULT_FORMATS
                formats = [table[name] for name in header["formats"]]
                data, fmt = answer(self.kg, body.decode(), dataset, formats,
                                   int(header["max_bytes"]), prefixes)
                return {"status": 200, "format": fmt.name, "graph": fmt.for_graphs}, data
            if op == "query":
                text = body.decode()
                result = self.kg.query(text, prefixes=prefixes, **dataset.arguments())
                if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
                    # Written as N-Triples to cross: BNODE("a:b")'s label went as _:a:b, which
                    # the caller's side could not read back (``blank_labels``).
                    result = carried(gated(result, text))
                kind, data = wire.result_bytes(result)
                return {"status": 200, "kind": kind}, data
            if op == "dump":
                try:
                    data = dump(self.kg, header["graphs"], GRAPH_FORMATS[header["format"]],
                                header["as_one"], int(header["max_bytes"]))
                except Uncarried as exc:
                    return {"status": 406, "message": str(exc)}, b""
                return {"status": 200}, data
            if op == "quads":
                graph = ox.NamedNode(header["graph"])
                out = ox.serialize(self.kg.store.quads_for_pattern(None, None, None, graph),
                                   format=ox.RdfFormat.N_QUADS)
                return {"status": 200}, out
            if op == "info":
                return {"status": 200, **self.info()}, b""
            return {"status": 400, "message": f"unknown engine request {op!r}"}, b""
        except Refused as exc:
            return {"status": exc.status, "message": str(exc)}, b""
        except OSError as exc:
            # The sandbox refused a socket: the query called a SERVICE (the server's checks
            # refuse that before; a graph read through ``ag.load(timeout=...)`` has none).  A
            # SERVICE naming a host fails its name lookup instead ("Temporary failure in name
            # resolution", as if the network were down), the lookup's sockets refused.
            if isinstance(exc, PermissionError) or self.sandboxed and guard.calls_service(
                    body.decode(errors="replace"), prefixes):
                return {"status": 403, "message": "the query engine opens no network "
                        f"connection, and this query needed one (a SERVICE call): {exc}"}, b""
            return {"status": 400, "message": str(exc)}, b""
        except (SyntaxError, QueryError, RuntimeError) as exc:  # the query's own
            return {"status": 400, "message": str(exc)}, b""
        except StoreError as exc:
            return {"status": 502, "message": str(exc)}, b""
        except Exception as exc:  # noqa: BLE001 - a bug here must not leave the caller waiting
            print(f"alliance-graph engine: {op} failed: {exc!r}", file=sys.stderr, flush=True)
            return {"status": 500, "message": f"the engine failed: {type(exc).__name__}"}, b""

    def serve(self, sock: socket.socket) -> None:
        """Answer requests on one connection until the front closes it."""
        with sock:
            while True:
                try:
                    header, body = wire.receive(sock)
                except (wire.Closed, OSError):
                    return
                reply, data = self.handle(header, body)
                try:
                    wire.send(sock, reply, data)
                except OSError:
                    return


def main(argv: list[str]) -> int:
    """Run the engine: sandbox, open the store, say ready, serve until the front goes."""
    settings = Settings.from_json(json.loads(argv[0]))
    spoken = os.environ.get(wording.SPOKEN_VARIABLE)
    if spoken is not None:  # started by `serve`: its refusals in the operator's words
        wording.speak_as(**json.loads(spoken))
    control, *connections = (socket.socket(fileno=int(fd)) for fd in argv[1:])
    refused = None
    if backends.kind(settings.store) != "remote":
        refused = sandbox.deny_network()
    threading.stack_size(THREAD_STACK)
    try:
        worker = Worker(settings, sandboxed=backends.kind(settings.store) != "remote"
                        and refused is None)
    except Exception as exc:  # noqa: BLE001 - reported to the front, which fails the start
        wire.send(control, {"ready": False, "message": f"{type(exc).__name__}: {exc}"})
        return 2
    try:
        wire.send(control, {"ready": True, "pid": os.getpid(), "sandbox": refused, **worker.info()})
    except OSError:
        return 0  # the front went away while this engine was starting
    for sock in connections:
        threading.Thread(target=worker.serve, args=(sock,), daemon=True).start()
    try:
        wire.receive(control)  # blocks until the front closes the control connection
    except (wire.Closed, OSError):
        pass
    # Queries may still run on other threads: stop at once rather than wait for them.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
