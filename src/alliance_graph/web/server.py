"""Serve the app: an HTTP front (waitress) in this process, the query engine in another.

Why this shape, and its limits (docs/endpoint.md has the measurements):

- **The engine** (``engine/``) holds the one store and evaluates ``settings.workers`` queries at
  once on its threads; a query past the time limit, or an engine past its memory limit, is
  stopped by killing the engine, which is restarted at once while the other queries running are
  sent again.  Everything else in a request happens here, in the front.
- **The front** is waitress, a threaded WSGI server that reads each request whole in its I/O
  loop, within ``max_request_header_bytes`` and ``max_request_bytes`` (413 past them), before
  one of ``http_threads`` threads takes it: a client that sends slowly or stops halfway holds a
  connection, never a thread, and a connection idle for ``channel_timeout`` seconds is closed.
  Connections are persistent (HTTP/1.1 keep-alive).  At most ``connection_limit`` are open at
  once (a newcomer takes the place of the one that has waited longest for its client,
  ``room.py``, or is answered 503 when none has), at most ``connections_per_client`` from one address (but a trusted reverse proxy),
  and a request must arrive whole within ``request_timeout`` seconds of its first byte (one
  sent behind an answer on its connection, of that answer's end), an answer be read within
  ``send_timeout`` (``connections.py``): a client trickling half-sent
  requests, or reading a trickle of its answer, cannot hold every connection.
- A heavy query holds one of ``workers`` engine threads: that many heavy queries at once make
  the others wait for a free one, up to their time limit (503 then).
- **Memory given back.** A large answer goes from the engine to a temporary file in chunks
  and is sent from there (``engine/wire.py``), and glibc is told to give any block of
  ``MMAP_THRESHOLD`` bytes or more a mapping of its own, returned when freed: by default it
  raises that threshold to the size of the largest block freed so far, and freed answers of
  tens of megabytes then stayed in each thread's arena (the front stayed at 600 MB after
  twelve answers of 24 MB).
"""

from __future__ import annotations

import ctypes
import functools
import json
import math
import signal
import subprocess
import sys

from ..build.loading import LoadError
from ..engine.client import ProcessEngine
from ..settings import Settings
from ..store import backends
from ..store.errors import StoreError
from ..wording import command_line, folder_of, os_error, worded
from . import client_share, stopping
from .app import create_app
from .front import create_server as listen

# glibc's mallopt parameter and the value set: blocks of 1 MiB or more are mapped on their own.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 20


def return_freed_memory() -> bool:
    """Have glibc's malloc map each block of ``MMAP_THRESHOLD`` bytes or more on its own, and so
    unmap it when it is freed; return False where the C library has no ``mallopt`` (not glibc).

    Set once, the threshold stays where it is put: glibc's own moves up to 32 MiB, to the size
    of the largest mapped block freed, after which blocks that size come from the arenas, and
    an arena keeps what is freed at its top below twice the threshold."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def prepare_elsewhere(settings: Settings, given: dict[str, str] | None = None) -> str | None:
    """Build what serving needs in a process of its own (the server keeps none of a build's
    memory); return what went wrong, with its file and line, or None.  ``given`` says who
    gave each option (``wording.command_line``), so that the child names a setting as its
    user gave it: it named ``--store`` where ``ALLIANCE_GRAPH_STORE`` had set it.

    A plain child process (this module run as a script), not a multiprocessing pool: a pool
    leaves its resource-tracker process running for the server's life."""
    done = subprocess.run([sys.executable, "-m", __name__, json.dumps(settings.to_json()),
                           json.dumps(given)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode == 0:
        return None
    return done.stderr.strip() or f"preparing the graph failed (exit {done.returncode})"


def _prepare(settings_json: dict, given: dict[str, str] | None = None) -> str | None:
    settings = Settings.from_json(settings_json)
    namer = functools.partial(command_line, given=given)
    try:
        backends.prepare(settings)
    except LoadError as exc:
        return f"the graph could not be built:\n{exc}"
    except StoreError as exc:  # said to `alliance-graph serve`'s user, in its options
        return f"the store could not be used: {worded(exc, namer)}"
    except OSError as exc:  # an unwritable cache folder, a full disk
        note = folder_of(settings, exc.filename)
        return f"a file or folder could not be used: {os_error(exc)}" + (
            f"; {worded(note, namer)}" if note else "")
    return None


def create_server(settings: Settings, engine, app=None):
    """Return a waitress server for ``app`` (by default the app over ``engine``), bound to
    host and port."""
    return listen(
        app or create_app(settings, engine=engine), request_timeout=settings.request_timeout,
        send_timeout=settings.send_timeout,
        connections_per_client=settings.connections_per_client,
        requests_per_client=settings.client_requests, light=settings.light_seconds,
        half_life=settings.use_half_life, host=settings.host, port=settings.port,
        threads=settings.http_threads, connection_limit=settings.connection_limit,
        # waitress keeps whole seconds (int()): --idle-timeout 1.9 closed an idle connection
        # after 1 s, 0.5 at once.  Rounded up, a connection is never dropped sooner than said.
        channel_timeout=math.ceil(settings.channel_timeout),
        proxies=client_share.trusted_proxies(settings.trusted_proxies,
                                             settings.trusted_proxy_headers),
        # Idle and overdue connections are looked for this often: a tenth of the time allowed.
        cleanup_interval=max(1, int(min(settings.channel_timeout, settings.request_timeout,
                                        settings.send_timeout) / 10)),
        max_request_header_size=settings.max_request_header_bytes,
        max_request_body_size=settings.max_request_bytes,
        asyncore_use_poll=True,  # select() cannot watch more than 1024 sockets
        expose_tracebacks=False, ident="alliance-graph")


class ListenError(OSError):
    """The server could not listen where it was asked to (a port in use, an unknown host)."""


def addresses(server) -> list[tuple[str, int]]:
    """Return the (host, port) pairs ``server`` listens on (several for a name such as
    ``localhost`` that stands for an IPv4 and an IPv6 address; the port chosen for port 0)."""
    listening = getattr(server, "effective_listen", None)
    return list(listening) if listening else [(server.effective_host, server.effective_port)]


def serve(settings: Settings, announce=None) -> None:
    """Start the engine and serve until interrupted (SIGINT, SIGTERM or SIGHUP); once listening, call
    ``announce`` with the (host, port) pairs listened on.  Raise ListenError when the host and
    port cannot be listened on, ValueError when the trusted proxy is not an address."""
    client_share.trusted_proxies(settings.trusted_proxies, settings.trusted_proxy_headers)
    return_freed_memory()
    engine = ProcessEngine(settings)
    try:
        # Made before the bind, whose errors alone are a place it cannot listen on: the app's
        # own ValueError was said to be a host name this machine does not resolve.
        app = create_app(settings, engine=engine)
        try:
            server = create_server(settings, engine, app)
        except OSError as exc:  # waitress binds here: a port in use, a host that is not ours
            raise ListenError(f"cannot listen on {settings.host} port {settings.port}: "
                              f"{exc.strerror or exc}") from exc
        except ValueError as exc:  # waitress could not resolve the pair to an address
            raise ListenError(f"cannot listen on {settings.host} port {settings.port}: not a "
                              "host name or address this machine resolves, or not a port "
                              "(0 to 65535)") from exc
        if announce is not None:
            announce(addresses(server))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        # A closed terminal's SIGHUP stops it as a SIGTERM does, answering what runs: it was
        # killed by the signal, each client's connection closed unanswered, its engine left to
        # the group's signal.  Ignored (nohup) it stays so.
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
        with stopping.watched():  # POST /validate tells a stop of its own process from ours
            server.run()
    except KeyboardInterrupt:
        pass
    finally:
        engine.close()


if __name__ == "__main__":  # the child of prepare_elsewhere
    problem = _prepare(json.loads(sys.argv[1]), json.loads(sys.argv[2]))
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(2)
