"""The Flask app factory: the SPARQL endpoint and Graph Store reads over one loaded graph.

``create_app`` takes the settings and, optionally, an already loaded graph (tests hand in their
own), builds everything a request needs once, and registers blueprints: ``/sparql``,
``/rdf-graphs`` and ``/dataset`` here; ``/``, ``/id/...`` and ``/ontology/...`` are left to the
pages blueprint (pass it, or its factory, in ``blueprints``).  Read requests get CORS headers so browser
applications on other origins can query.  ``GET``/``POST /sparql`` take a lean WSGI path in
front of Flask (``fast_path.py``) that calls the same protocol functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from ..settings import Settings
from ..store import graph as store
from . import dry_run, graph_store, protocol, response_cache, service_description
from .fast_path import FastPath
from .pages import views as pages
from .watchdog import Watchdog


def soft_timeout(environ, message):
    """Let the query run on when there is no worker process to end (the Flask test client)."""


@dataclass
class Service:
    """Everything the endpoint needs, prepared once before the first request."""

    kg: store.KnowledgeGraph
    settings: Settings
    on_timeout: object = soft_timeout  # server.py ends the gunicorn worker instead
    graphs: dict[str, ox.NamedNode] = field(default_factory=dict)
    _stats: dict | None = None
    examples: list = field(default_factory=list)
    cache: dict = field(default_factory=dict)
    watchdog: Watchdog = field(default_factory=Watchdog)
    responses: response_cache.ResponseCache | None = None
    default_asserted: list = field(default_factory=list)
    default_inferred: list = field(default_factory=list)

    def __post_init__(self):
        held = self.kg.asserted + [self.kg.inferred]
        self.graphs = {g.value: g for g in held}
        # The two usual default graphs, built once (requests only read them).
        self.default_asserted = self.kg.default_graph(False)
        self.default_inferred = self.kg.default_graph(True)
        self.responses = response_cache.ResponseCache(self.settings.response_cache_bytes)
        self.examples = service_description.examples(self.settings.queries_dir)

    @property
    def stats(self) -> dict:
        """Return the VoID figures, counted on first use: a count over every triple takes
        seconds on a large store and only the service description needs it, so the server
        does not wait for it before answering queries."""
        if self._stats is None:
            self._stats = service_description.statistics(self.kg)
        return self._stats


def create_app(settings: Settings | None = None, kg=None, *, on_timeout=None,
               blueprints=(), fast_path: bool = True) -> Flask:
    """Return the app serving ``kg`` (loaded from ``settings`` when not given).

    With ``fast_path`` (the default) ``GET``/``POST /sparql`` are answered by
    ``fast_path.FastPath`` ahead of Flask's routing, with the same protocol code; without it
    every request goes through Flask (the tests compare the two).
    """
    settings = settings or Settings()
    app = Flask(__name__)
    app.extensions["alliance_graph"] = Service(kg or store.load(settings), settings,
                                               on_timeout or soft_timeout)
    service = app.extensions["alliance_graph"]
    for blueprint in (protocol.bp, graph_store.bp, pages.create_blueprint(),
                      dry_run.create_blueprint, *blueprints):
        if not isinstance(blueprint, Blueprint):
            # A blueprint factory, as pages.create_blueprint(get_kg, settings) is.
            blueprint = blueprint(lambda: service.kg, settings)
        app.register_blueprint(blueprint)

    @app.before_request
    def preflight():
        # Answer CORS preflight for every path, before routing rejects OPTIONS.
        if request.method == "OPTIONS":
            return Response(status=204, headers={
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Accept, Content-Type",
                "Access-Control-Max-Age": "86400"})
        return None

    @app.after_request
    def cors(response):
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    if fast_path:
        app.wsgi_app = FastPath(app.wsgi_app, service)
    return app
