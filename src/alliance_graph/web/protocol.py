"""The SPARQL 1.1 Protocol at ``/sparql``: read a query from a request and answer it.

A query comes by GET, POST form or POST direct; ``default-graph-uri``/``named-graph-uri`` (or
the query's own FROM/FROM NAMED) pick among the graphs the service holds; ``inferred=true`` adds
``graph/inferred`` to the default graph.  The format comes from a ``format`` parameter, else the
``Accept`` header (JSON results and Turtle graphs when anything goes).  Every refusal is an HTTP
error status with a plain-text body saying why.

The protocol logic is written over plain values, not a framework's request object: ``handle``
takes the method, the raw query string, the content type, a body reader and the Accept header
and returns ``(status, headers, body)``.  Two callers share it: the Flask view below, and the
lean WSGI entry in ``fast_path.py`` that serves ``GET``/``POST /sparql`` without Flask's request
and response machinery (measured at more than half of a simple lookup's time in process;
see docs/endpoint.md).  There is one copy of every check.
"""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint, Response, current_app, request

from ..namespaces import PREFIX_IRIS
from ..query import guard, limits
from ..query import results as queries
from ..query.results import GRAPH_FORMATS, RESULT_FORMATS
from ..store.backends import StoreError
from . import negotiation, service_description

bp = Blueprint("sparql", __name__)

TRUE = {"true", "1", "yes", "on"}
_TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples",
               "application/trig", "application/n-quads"}
CORS = ("Access-Control-Allow-Origin", "*")
_FROM_REQUEST = object()


class HTTPError(Exception):
    """An error response: status and the message sent as its body."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class QueryRequest:
    """A query and its protocol parameters, however they were sent."""

    text: str
    default_graphs: list[str]
    named_graphs: list[str]
    inferred: bool
    format: str | None


def error(status: int, message: str) -> Response:
    """Return a plain-text error response."""
    return Response(message.rstrip() + "\n", status, mimetype="text/plain")


def error_answer(status: int, message: str) -> tuple[int, list, bytes]:
    """Return a plain-text error as (status, headers, body)."""
    return status, [("Content-Type", "text/plain; charset=utf-8"), CORS], \
        (message.rstrip() + "\n").encode()


def media_type(fmt: queries.Format) -> str:
    """Return the Content-Type header value for a format."""
    text = fmt.media_type in _TEXT_TYPES
    return f"{fmt.media_type}; charset=utf-8" if text else fmt.media_type


def service():
    """Return the Service the app was created with."""
    return current_app.extensions["alliance_graph"]


def parse_params(text: str) -> dict[str, list[str]]:
    """Return the parameters of a URL query string or form body (blank values kept)."""
    params: dict[str, list[str]] = {}
    if text:
        for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
            params.setdefault(key, []).append(value)
    return params


def wsgi_text(value: str) -> str:
    """Return a WSGI "native string" (bytes as latin-1) as the UTF-8 text it carries."""
    return value.encode("latin-1").decode("utf-8", "replace") if not value.isascii() else value


def read_request(method: str, query_string: str, content_type: str | None,
                 read_body) -> QueryRequest | None:
    """Return the query a request carries (None if it carries none); refuse updates.

    ``query_string`` is the WSGI ``QUERY_STRING`` as it comes, ``read_body()`` returns the
    body's bytes (called only for POST).
    """
    args = parse_params(wsgi_text(query_string))
    if method == "POST":
        ctype = (content_type or "").split(";", 1)[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
        if ctype == "application/x-www-form-urlencoded":
            form = parse_params(read_body().decode("utf-8", "replace"))
            if "update" in form:
                raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
            texts = form.get("query", [])
            params = dict(form)
            for key, values in args.items():  # format/inferred may ride on the URL
                params.setdefault(key, values)
        elif ctype == "application/sparql-query":
            params = args
            texts = [read_body().decode("utf-8", "replace")]
        else:
            raise HTTPError(415, f"POST a query as application/x-www-form-urlencoded or "
                                 f"application/sparql-query, not {ctype or 'no content type'}")
    else:
        params = args
        texts = args.get("query", [])
    if "update" in params:
        raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
    if not texts:
        return None
    if len(texts) > 1:
        raise HTTPError(400, "send exactly one query parameter")
    return QueryRequest(texts[0], params.get("default-graph-uri", []),
                        params.get("named-graph-uri", []),
                        params.get("inferred", [""])[0].lower() in TRUE,
                        params.get("format", [None])[0])


def pick_format(requested: str | None, offered, table, accept=_FROM_REQUEST) -> queries.Format:
    """Return the format named by the ``format`` parameter, else by Accept; 406 if none.

    ``accept`` is the Accept header's value; left out, it is read from the Flask request.
    """
    if requested:
        name = negotiation.by_parameter(requested, offered)
        if name is None:
            raise HTTPError(406, f"format {requested!r} cannot be produced here; choose one of: "
                                 f"{', '.join(n for n, _ in offered)}")
    else:
        if accept is _FROM_REQUEST:
            accept = request.headers.get("Accept")
        name = negotiation.choose(accept, offered)
        if name is None:
            raise HTTPError(406, "none of the formats in the Accept header can be produced; "
                                 "available: " + ", ".join(t[0] for _, t in offered))
    return table[name]


def dataset(svc, req: QueryRequest, plan: guard.QueryPlan) -> dict:
    """Return the ``KnowledgeGraph.query`` arguments choosing a query's graphs; 400 for a graph
    the service lacks.

    Without ``default-graph-uri``/``named-graph-uri`` or FROM, the graph's own default is
    used (the asserted union, plus the inferred graph with ``inferred=true``); ``per_file``
    sends queries that write GRAPH/SERVICE to the store holding the files' graphs.
    """
    default_iris = req.default_graphs or plan.from_graphs
    named_iris = req.named_graphs or plan.from_named
    if not (req.default_graphs or req.named_graphs or plan.from_graphs or plan.from_named):
        return {"inferred": req.inferred, "per_file": plan.uses_dataset}
    for iri in default_iris + named_iris:
        if iri not in svc.graphs:
            raise HTTPError(400, f"graph <{iri}> is not held by this service, which fetches "
                                 "nothing; GET /sparql lists the graphs it holds")
    default = [svc.graphs[i] for i in default_iris]
    if req.inferred and svc.kg.inferred not in default:
        default.append(svc.kg.inferred)
    return {"default_graph": default, "named_graphs": [svc.graphs[i] for i in named_iris]}


def dataset_key(graphs: dict) -> tuple:
    """Return a hashable key for ``dataset``'s arguments (graph IRIs as strings)."""
    return tuple(sorted((k, tuple(g.value for g in v) if isinstance(v, list) else v)
                        for k, v in graphs.items()))


def handle(svc, method: str, query_string: str, content_type: str | None, read_body,
           accept: str | None, environ) -> tuple[int, list, bytes] | None:
    """Answer a /sparql request given as plain values: (status, headers, body).

    Returns None for a GET without a query, which the caller answers with the service
    description.  ``environ`` is handed to the time limit's handler (``Service.on_timeout``).
    """
    try:
        req = read_request(method, query_string, content_type, read_body)
        if req is None:
            if method == "POST":
                raise HTTPError(400, "the request carries no query")
            return None
        return answer(svc, req, accept, environ)
    except HTTPError as exc:
        return error_answer(exc.status, str(exc))


@lru_cache(maxsize=1024)
def _plan(text: str, allowed: tuple[str, ...]) -> guard.QueryPlan:
    return guard.check(text, PREFIX_IRIS, allowed)


def plan_of(text: str, allowed: tuple[str, ...]) -> guard.QueryPlan:
    """Return ``guard.check``'s plan (raising its Refused) for a query.

    The check is a pure function of the text, so the plans of recent short queries are kept
    (a refusal raises again every time, as it is not cached); callers only read the plan.
    """
    return _plan(text, allowed) if len(text) <= 4096 else \
        guard.check(text, PREFIX_IRIS, allowed)


def answer(svc, req: QueryRequest, accept: str | None, environ) -> tuple[int, list, bytes]:
    """Check, negotiate and evaluate one query (or take its bytes from the response cache)."""
    try:
        plan = plan_of(req.text, svc.settings.allowed_services)
    except guard.Refused as exc:
        raise HTTPError(exc.status, str(exc)) from exc
    graph_form = plan.form in ("CONSTRUCT", "DESCRIBE")
    fmt = pick_format(req.format, *((negotiation.GRAPH_OFFERS, GRAPH_FORMATS) if graph_form
                                    else (negotiation.RESULT_OFFERS, RESULT_FORMATS)), accept)
    graphs = dataset(svc, req, plan)
    # Every check has run; only the evaluation itself may come from the cache.  The key holds
    # the resolved dataset and format, never the raw request, so a hit is the same answer.
    key = (req.text, dataset_key(graphs), fmt.name)
    cached = svc.responses.get(key)
    if cached is None:
        body, fmt = evaluate(svc, req.text, graphs, fmt, environ, plan.prefixes)
        cached = (body, media_type(fmt))
        svc.responses.put(key, cached, len(body))
    body, ctype = cached
    return 200, [("Content-Type", ctype), ("Vary", "Accept"), CORS], body


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    """Answer a SPARQL query, or describe the service when the request has none."""
    svc = service()
    out = handle(svc, request.method, request.environ.get("QUERY_STRING", ""),
                 request.content_type, request.get_data, request.headers.get("Accept"),
                 request.environ)
    if out is None:
        return service_description.respond(svc)
    status, headers, body = out
    return Response(body, status, headers)


def run(svc, text, graphs: dict, prefixes=PREFIX_IRIS):
    """Run a query over the ``dataset`` it asked for, with only the prefixes it uses.

    ``prefixes`` is ``guard.QueryPlan.prefixes``: the project's prefixes the text mentions,
    which is all Oxigraph needs to read the query (handing it all of them costs ~40 us).
    """
    try:
        return svc.kg.query(text, prefixes=prefixes or None, **graphs)
    except SyntaxError as exc:
        raise queries.QueryError(str(exc)) from exc
    except OSError as exc:
        raise queries.QueryError(f"query evaluation failed: {exc}") from exc


def evaluate(svc, text, graphs: dict, fmt, environ, prefixes=PREFIX_IRIS):
    """Run, bound and serialize a query within the time limit; return (bytes, format)."""
    limit = svc.settings.query_timeout
    started = time.monotonic()
    message = (f"the query ran longer than the {limit:g} s limit and was stopped; "
               "narrow it or add a LIMIT")
    with svc.watchdog.guard(limit, lambda: svc.on_timeout(environ, message)):
        try:
            result = run(svc, text, graphs, prefixes)
            kind = queries.kind_of(result)
            if kind != "graph" and fmt.for_graphs:
                fmt = RESULT_FORMATS["json"]  # the token scan misread the form; answer anyway
            elif kind == "graph" and not fmt.for_graphs:
                fmt = GRAPH_FORMATS["turtle"]
            if kind == "select" and fmt.name == "json":
                # SPARQL JSON written while the rows are counted: no parse-back round trip.
                body = queries.sparql_json(*limits.bounded_rows(result, svc.settings.max_results))
            else:
                body = queries.serialize(limits.bounded(result, svc.settings.max_results),
                                         fmt.name)
        except queries.QueryError as exc:
            raise HTTPError(400, f"query failed: {exc}") from exc
        except limits.TooManyResults as exc:
            raise HTTPError(422, str(exc)) from exc
        except OSError as exc:  # evaluation errors surface while rows are read
            raise HTTPError(400, f"query failed: query evaluation failed: {exc}") from exc
        except StoreError as exc:  # a remote store that is down or failing: not the client's fault
            raise HTTPError(502, f"the store behind this service failed: {exc}") from exc
    # Without a process to end (the Flask test client), a late answer is still refused.
    if time.monotonic() - started > limit:
        raise HTTPError(503, message)
    return body, fmt


@bp.errorhandler(HTTPError)
def _http_error(exc):
    return error(exc.status, str(exc))
