"""The Flask app factory: the SPARQL endpoint, Graph Store reads and pages over one engine.

``create_app`` takes the settings and either an engine (``serve`` hands in the engine process,
``engine.client.ProcessEngine``) or a graph (tests and ``serve --get``; it is wrapped in an
in-process ``engine.local.LocalEngine``), builds what every request needs once, and registers
the blueprints: ``/sparql``, ``/rdf-graphs`` and ``/dataset`` always, and the pages unless
``blueprints`` says otherwise.  Responses carry CORS headers, so browser applications on other
origins can query, and ``nosniff``, so no browser second-guesses a content type.  ``GET`` and
``POST /sparql`` take a lean WSGI path in front of Flask (``fast_path.py``) that calls the same
protocol functions.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, g, has_request_context, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_range_header

from ..clipping import clipped
from ..engine import request_time
from ..engine.local import LocalEngine
from ..query.bounds import Bounds
from ..query.refused import Refused
from ..settings import Settings
from ..store import backends
from ..store import graph as store
from ..store.errors import StoreError
from . import (
    abandoned,
    client_share,
    dry_run,
    graph_store,
    preconditions,
    protocol,
    response_cache,
    retry_after,
    service_description,
    status,
)
from .fast_path import FastPath
from .pages import safety
from .pages import views as pages

# Seconds a query waiting for an engine thread waits past its time limit (``retry_after``).
QUERY_GRACE = retry_after.QUERY_GRACE


@dataclass
class Service:
    """Everything the endpoint needs, prepared once before the first request."""

    engine: object                       # ProcessEngine or LocalEngine
    settings: Settings
    graphs: dict[str, ox.NamedNode] = field(default_factory=dict)
    examples: service_description.Examples | None = None
    responses: response_cache.ResponseCache | None = None
    # Service descriptions, per endpoint URL (the Host header is the client's to choose).
    descriptions: response_cache.ResponseCache | None = None
    # Each client address's share of the engine's query slots (client_share.py).
    queries: client_share.Shares | None = None
    _stats: dict | None = None
    _serving: str | None = None  # the version what is kept was made from
    _changing: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        # The engine process's threads are given here, fairly across clients
        # (client_share.py), so the engine's own queue of calls stays empty; a slot taken by
        # a query running late is free once the engine's watcher (engine_poll) has killed it.
        # A query in this process (LocalEngine) is given up at its limit but runs on to its
        # end (nothing can stop it): there are no threads to share, only the clients' shares.  The
        # last free thread is kept for a client whose recent queries took little engine time:
        # under light_seconds and half the time limit, so that one query run to the limit
        # makes a client heavy for a half-life at least.
        local = isinstance(self.engine, LocalEngine)
        self.queries = client_share.Shares(self.settings.client_queries, "queries running",
                                           slots=None if local else self.settings.workers,
                                           grace=QUERY_GRACE + self.settings.engine_poll,
                                           light=min(self.settings.light_seconds,
                                                     self.settings.query_timeout / 2),
                                           half_life=self.settings.use_half_life)
        # The examples the service description offers, within the server's own bounds,
        # followed as the catalogue's folder changes.
        self.examples = service_description.Examples.of(self.settings.queries_dir,
                                                        Bounds.from_settings(self.settings))
        self.examples.current()  # read before the server listens, as they were
        self.follow()

    def follow(self) -> None:
        """Drop what was made from an earlier build once the engine serves another.

        A directory store rebuilt by ``load`` while it is served is opened by the next engine
        (one started after a kill): its answers and dumps, description, figures and graphs then
        differ, and the front kept the old ones (two answers to one query at once)."""
        version = self.engine.info["version"]
        if version == self._serving:
            return
        with self._changing:
            if version == self._serving:
                return
            self.graphs = {g.value: g for g in self.names.default_graph(True)}
            self.responses = response_cache.ResponseCache(self.settings.response_cache_bytes)
            self.descriptions = response_cache.ResponseCache(4 * 2**20)
            self._stats = None
            self._serving = version

    @property
    def names(self):
        """Return the graph for the names it gives its graphs (``default_graph``,
        ``inferred``), which the engine's start told: reading them takes no query slot."""
        return self.engine.kg

    @property
    def kg(self):
        """Return the graph the pages read (through the engine when it is a process).

        Read while answering a request (a page, a Graph Store read, the service description's
        figures), its first use takes one of the client's query slots, held until the request
        ends (``release_query_share``): only /sparql counted them, so one address asking for
        as many pages at once as it may send requests (8) could keep all the engine's threads
        (4) busy, and everyone else's queries waited.  A page runs its queries one at a time,
        so one slot is what it holds of the engine.  A page whose client reset its
        connection while it waited for the slot reads nothing (``unread``).  Its reads share
        the end time the grant gives (``engine.request_time``): each had a whole time limit
        of its own after the wait, so a page's client could wait a limit per read past it."""
        if has_request_context() and "query_share" not in g:
            share = contextlib.ExitStack()
            held = share.enter_context(self.queries.share(
                client_share.client_of(request.remote_addr), wait=self.settings.query_timeout,
                hint=client_share.proxy_hint("queries", bool(self.settings.trusted_proxies))))
            share.enter_context(request_time.within(*held, self.settings.query_timeout))
            g.query_share = share
        return self.engine.kg

    @property
    def settled(self) -> bool:
        """Whether the dataset cannot change while it is served: a local store serves one
        build; a remote one may be filled again meanwhile, by anyone."""
        return backends.kind(self.settings.store) != "remote"

    @property
    def version(self) -> str:
        """Return the dataset's version: the build's input hash (``backends.dataset_version``)."""
        return self.engine.info["version"]

    @property
    def stats(self) -> dict:
        """Return the VoID figures, counted on first use: a count over every triple takes
        seconds on a large store and only the service description needs it, so the server
        does not wait for it before answering queries."""
        if self._stats is None:
            self._stats = service_description.statistics(self.kg)
        return self._stats


def create_app(settings: Settings | None = None, kg=None, *, engine=None, blueprints=None,
               fast_path: bool = True) -> Flask:
    """Return the app answering through ``engine``, or over ``kg`` in this process (loaded
    from ``settings`` when neither is given).

    ``blueprints``: the page blueprints (or factories called with ``(get_kg, settings)``) to
    register beside the protocol's; by default the site's own pages.  With ``fast_path`` (the
    default) ``GET``/``POST /sparql`` are answered ahead of Flask's routing, with the same
    protocol code; without it every request goes through Flask (the tests compare the two).
    """
    settings = settings or Settings()
    if engine is None:
        engine = LocalEngine(kg or store.load(settings), settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    service = app.extensions["alliance_graph"] = Service(engine, settings)
    pages_blueprints = [pages.create_blueprint, dry_run.create_blueprint] \
        if blueprints is None else blueprints
    for blueprint in (protocol.bp, graph_store.bp, status.bp, *pages_blueprints):
        if not isinstance(blueprint, Blueprint):
            blueprint = blueprint(lambda: service.kg, settings)
        app.register_blueprint(blueprint)

    @app.before_request
    def current_build():
        service.follow()

    @app.teardown_request
    def release_query_share(_exc):
        share = g.pop("query_share", None)
        if share is not None:
            share.close()

    @app.before_request
    def utf8_parameters():
        # Flask decodes the query string with replacement characters: /search?q=%ff searched
        # for U+FFFD.  Parameters that are not UTF-8 are a 400, as /sparql answers them.
        protocol.parse_params(request.query_string, "URL's query string")

    @app.before_request
    def usable_range():
        # A Range this server cannot honour is ignored (RFC 9110, 14.2: an unknown unit or a
        # bad one MUST be, several ranges MAY be): werkzeug answered static files 416 for them.
        given = request.environ.get("HTTP_RANGE")
        if given is not None:
            ranges = parse_range_header(given)
            if ranges is None or ranges.units != "bytes" or len(ranges.ranges) != 1:
                del request.environ["HTTP_RANGE"]

    @app.before_request
    def preflight():
        # Answer CORS preflight for every path, before routing rejects OPTIONS.
        if request.method == "OPTIONS":
            # The methods the path takes (a Graph Store read takes no POST), as its 405 says.
            try:
                taken = app.url_map.bind_to_environ(request.environ).allowed_methods()
            except HTTPException:
                taken = []
            if request.environ.get("REQUEST_URI") == "*":
                # "OPTIONS *" asks of the server, not of a path (RFC 9110, 9.3.7): it was a 404,
                # "nothing is served at /*". Every method some path takes.
                taken = [m for rule in app.url_map.iter_rules() for m in rule.methods or ()]
            if not taken:  # no such path: routing's 404, as a GET of it gets (it was a 204)
                return None
            # Every method the path takes, as its 405 lists them: HEAD was left out, so a
            # client told "Allow: GET, OPTIONS" by OPTIONS was told "GET, HEAD, OPTIONS" by PUT.
            methods = _method_list(taken)
            response = Response(status=204, headers={
                "Allow": methods,  # RFC 9110 9.3.7: what the path takes, CORS or not
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": protocol.allowed_headers(
                    request.headers.get("Access-Control-Request-Headers")),
                "Access-Control-Max-Age": "86400"})
            del response.headers["Content-Type"]  # a 204 has no content to have a type
            return response
        return None

    @app.before_request
    def judged_before_posted():
        # /query/notes and /validate ignored If-Match: judged as /sparql judges a query made
        # anew, before the body is read.
        return preconditions.unperformed(request, app.view_functions.get(request.endpoint))

    @app.errorhandler(405)
    def not_allowed(exc):
        # Plain text like every other error of the API, not werkzeug's HTML page; its Allow
        # header says what the path takes.
        allowed = _method_list(exc.valid_methods or [])
        response = protocol.error(405, f"{clipped(request.method)} is not allowed on "
                                       f"{clipped(request.path)}; it takes {allowed}")
        response.headers["Allow"] = allowed
        return response

    @app.errorhandler(404)
    def not_found(exc):
        # Plain text like every other error of the API, not werkzeug's HTML page (which a
        # client asking for RDF would have had to read).
        # Under the prefix the site is served at (SCRIPT_NAME), as every page's links are.
        root = request.script_root
        return protocol.error(404, f"nothing is served at {clipped(root + request.path)}; the "
                                   f"endpoint is at {root}/sparql, the site starts at {root}/")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        # Any other error werkzeug raises (a 400 for a host its routing cannot encode, a 413):
        # plain text too, never its HTML page.
        response = protocol.error(exc.code or 500, exc.description or exc.name)
        for name, value in exc.get_response().headers.items():  # a 416's Content-Range, ...
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    @app.errorhandler(500)
    def failed(exc):
        # A bug: said in one line, with no traceback (the log has it).
        return protocol.error(500, "the server failed to answer this request")

    @app.errorhandler(StoreError)
    def store_failed(exc):
        # A remote store that is down or failing, under a page or a dump: the store's fault,
        # not the server's (it was a 500 and a traceback in the log), and said as /sparql says
        # it; the log gets the one line.
        app.logger.warning("the store failed: %s", exc)
        return protocol.error(502, f"the store behind this service failed: {exc}")

    @app.errorhandler(abandoned.Abandoned)
    def unread(exc):
        # A page whose client reset its connection while its read waited for an engine slot
        # (``Service.kg``): it is not read, and this answer is never written (the connection
        # is marked gone): waitress logs the request as it logs any whose client went.
        # (Unhandled, Flask would log it as a failure, with a traceback.)
        return protocol.error(503, str(exc), counted=False)

    @app.errorhandler(Refused)
    def refused(exc):
        # A refusal raised under a page (the engine at its limits, say): its status and
        # message as plain text, as /sparql answers them.
        return protocol.refusal(exc)

    @app.after_request
    def common_headers(response):
        for name, value in protocol.HEADERS:
            response.headers[name] = value
        # The status line as the front and the fast path write it ("503 Service
        # Unavailable"): werkzeug's is in capitals ("503 SERVICE UNAVAILABLE").
        response.status = protocol.STATUS.get(response.status_code, response.status)
        # The site's security headers on every answer Flask gives: the blueprints add them to
        # theirs (they may be mounted in another app), but werkzeug's own 404, 405 and 308
        # belong to no blueprint and went without.
        return safety.protect(response)

    @app.after_request  # registered last, so run first: common_headers sees what it returns
    def judged_preconditions(response):
        # The site's files (werkzeug's 412 held the file itself) and answers with no tag.
        return preconditions.judged(request, response)

    if fast_path:
        app.wsgi_app = FastPath(app.wsgi_app, service)
    return app


def _method_list(methods) -> str:
    """Return the ``Allow`` header's value for the methods a path takes, in one order for the
    OPTIONS answer and the 405 alike."""
    return ", ".join(sorted(set(methods)))
