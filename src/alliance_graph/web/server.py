"""Run the app under gunicorn: the graph is loaded once in the master, then workers fork.

Sync workers, deliberately: a query past its time limit cannot be cancelled inside Oxigraph,
so the watchdog answers the client with 503 and ends the worker process (gunicorn forks a
fresh one from the preloaded master in milliseconds).  A worker that handles one request at a
time is the unit that can be ended without losing anyone else's answer; concurrency comes from
running several (see docs/endpoint.md for the measurements behind the default).  ``Worker`` is
gunicorn's sync worker with one change: ``OneWriteResponse`` sends an answer's head and body in
one write.
"""

from __future__ import annotations

import os
import sys

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi
from gunicorn.workers.sync import SyncWorker

from ..settings import Settings
from .app import create_app

# Exit status of a worker ended by the time limit (not 3 or 4: gunicorn halts on those).
EXIT_TIMED_OUT = 75


def end_worker(environ, message: str):
    """Answer 503 on the request's own socket, then end this worker to stop the query."""
    sock = environ.get("gunicorn.socket")
    if sock is not None:
        body = (message + "\n").encode()
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n"
                "Access-Control-Allow-Origin: *\r\n\r\n").encode()
        try:
            sock.sendall(head + body)
        except OSError:
            pass  # the client has gone; the query must still be stopped
    print(f"[{os.getpid()}] {message}; ending this worker", file=sys.stderr, flush=True)
    os._exit(EXIT_TIMED_OUT)


class OneWriteResponse(wsgi.Response):
    """gunicorn's response, but the head goes out with the first body bytes in one ``send``.

    gunicorn writes the status line and headers, then the body, as two ``sendall`` calls on a
    ``TCP_NODELAY`` socket: two segments, so the client wakes up twice per answer.  Profiling
    a worker under load put most of its wall time in those sends; holding the head back until
    the body (or the end of the response) halves the segments and the wake-ups.
    """

    pending = b""

    def send_headers(self):
        if self.headers_sent:
            return
        head = self.default_headers() + [f"{k}: {v}\r\n" for k, v in self.headers]
        self.pending = ("".join(head) + "\r\n").encode("latin-1")
        self.headers_sent = True

    def _flush(self):
        if self.pending:
            data, self.pending = self.pending, b""
            util.write(self.sock, data)

    def _emit_body(self, data):
        if self.pending and not self.chunked:
            data, self.pending = self.pending + data, b""
        self._flush()
        util.write(self.sock, data, self.chunked)

    def sendfile(self, respiter):
        return False  # always write(): the held-back head must precede the file's bytes

    def close(self):
        if not self.headers_sent:
            self.send_headers()
        self._flush()
        super().close()


class Worker(SyncWorker):
    """gunicorn's sync worker answering with ``OneWriteResponse``."""

    def init_process(self):
        # wsgi.create() builds gunicorn.http.wsgi.Response; this process (a worker) uses ours.
        wsgi.Response = OneWriteResponse
        super().init_process()


class Server(BaseApplication):
    """A gunicorn application holding one app built before the workers fork."""

    def __init__(self, app, settings: Settings, options: dict | None = None):
        self.application = app
        self.settings = settings
        self.options = options or {}
        super().__init__()

    def load_config(self):
        s = self.settings
        config = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": "alliance_graph.web.server.Worker",  # sync, one write per answer
            "preload_app": True,
            # gunicorn's own heartbeat timeout is only a backstop behind the query watchdog.
            "timeout": int(s.query_timeout) + 30,
            "accesslog": None,
            "loglevel": "warning",
        }
        config.update(self.options)
        for key, value in config.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(settings: Settings, kg=None, **options):
    """Load the graph, build the app, and serve it until interrupted."""
    app = create_app(settings, kg, on_timeout=end_worker)
    Server(app, settings, options).run()
