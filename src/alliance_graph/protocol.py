"""The SPARQL 1.1 Protocol at ``/sparql``: read a query from a request and answer it.

A query comes by GET, POST form or POST direct; ``default-graph-uri``/``named-graph-uri`` (or
the query's own FROM/FROM NAMED) pick among the graphs the service holds; ``inferred=true`` adds
``graph/inferred`` to the default graph.  The format comes from a ``format`` parameter, else the
``Accept`` header (JSON results and Turtle graphs when anything goes).  Every refusal is an HTTP
error status with a plain-text body saying why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request

from . import guard, negotiation, queries, service_description
from .namespaces import PREFIX_IRIS
from .queries import GRAPH_FORMATS, RESULT_FORMATS

bp = Blueprint("sparql", __name__)

TRUE = {"true", "1", "yes", "on"}
_TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples",
               "application/trig", "application/n-quads"}


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


def media_type(fmt: queries.Format) -> str:
    """Return the Content-Type header value for a format."""
    text = fmt.media_type in _TEXT_TYPES
    return f"{fmt.media_type}; charset=utf-8" if text else fmt.media_type


def service():
    """Return the Service the app was created with."""
    return current_app.extensions["alliance_graph"]


def read_request() -> QueryRequest | None:
    """Return the query a request carries (None if it carries none); refuse updates."""
    args = request.args
    if request.method == "POST":
        ctype = (request.mimetype or "").lower()
        if ctype == "application/sparql-update":
            raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
        if ctype == "application/x-www-form-urlencoded":
            form = request.form
            if "update" in form:
                raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
            params = form.copy()
            for key, values in args.lists():  # format/inferred may ride on the URL
                if key not in params:
                    params.setlist(key, values)
            texts = form.getlist("query")
        elif ctype == "application/sparql-query":
            params = args
            texts = [request.get_data(as_text=True)]
        else:
            raise HTTPError(415, f"POST a query as application/x-www-form-urlencoded or "
                                 f"application/sparql-query, not {ctype or 'no content type'}")
    else:
        params = args
        texts = args.getlist("query")
    if "update" in params:
        raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
    if not texts:
        return None
    if len(texts) > 1:
        raise HTTPError(400, "send exactly one query parameter")
    return QueryRequest(texts[0], params.getlist("default-graph-uri"),
                        params.getlist("named-graph-uri"),
                        params.get("inferred", "").lower() in TRUE, params.get("format"))


def pick_format(requested: str | None, offered, table) -> queries.Format:
    """Return the format named by the ``format`` parameter, else by Accept; 406 if none."""
    if requested:
        name = negotiation.by_parameter(requested, offered)
        if name is None:
            raise HTTPError(406, f"format {requested!r} cannot be produced here; choose one of: "
                                 f"{', '.join(n for n, _ in offered)}")
    else:
        name = negotiation.choose(request.headers.get("Accept"), offered)
        if name is None:
            raise HTTPError(406, "none of the formats in the Accept header can be produced; "
                                 "available: " + ", ".join(t[0] for _, t in offered))
    return table[name]


def dataset(svc, req: QueryRequest, plan: guard.QueryPlan):
    """Return (default graph, named graphs) for a query; 400 for a graph the service lacks."""
    default_iris = req.default_graphs or plan.from_graphs
    named_iris = req.named_graphs or plan.from_named
    protocol = bool(req.default_graphs or req.named_graphs)
    if not (protocol or plan.from_graphs or plan.from_named):
        return svc.kg.default_graph(req.inferred), None
    for iri in default_iris + named_iris:
        if iri not in svc.graphs:
            raise HTTPError(400, f"graph <{iri}> is not held by this service, which fetches "
                                 "nothing; GET /sparql lists the graphs it holds")
    default = [svc.graphs[i] for i in default_iris]
    if req.inferred and svc.kg.inferred not in default:
        default.append(svc.kg.inferred)
    return default, [svc.graphs[i] for i in named_iris]


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    """Answer a SPARQL query, or describe the service when the request has none."""
    svc = service()
    try:
        req = read_request()
        if req is None:
            if request.method == "POST":
                raise HTTPError(400, "the request carries no query")
            return service_description.respond(svc)
        try:
            plan = guard.check(req.text, PREFIX_IRIS, svc.settings.allowed_services)
        except guard.Refused as exc:
            raise HTTPError(exc.status, str(exc)) from exc
        graph_form = plan.form in ("CONSTRUCT", "DESCRIBE")
        fmt = pick_format(req.format, *((negotiation.GRAPH_OFFERS, GRAPH_FORMATS) if graph_form
                                        else (negotiation.RESULT_OFFERS, RESULT_FORMATS)))
        default, named = dataset(svc, req, plan)
        body, fmt = evaluate(svc, req.text, default, named, fmt)
    except HTTPError as exc:
        return error(exc.status, str(exc))
    return Response(body, 200, {"Content-Type": media_type(fmt), "Vary": "Accept"})


def evaluate(svc, text, default, named, fmt):
    """Run, bound and serialize a query within the time limit; return (bytes, format)."""
    limit = svc.settings.query_timeout
    started = time.monotonic()
    environ = request.environ
    message = (f"the query ran longer than the {limit:g} s limit and was stopped; "
               "narrow it or add a LIMIT")
    with svc.watchdog.guard(limit, lambda: svc.on_timeout(environ, message)):
        try:
            result = queries.run(svc.kg, text, default_graph=default, named_graphs=named)
            result = guard.bounded(result, svc.settings.max_results)
            if queries.kind_of(result) != "graph" and fmt.for_graphs:
                fmt = RESULT_FORMATS["json"]  # the token scan misread the form; answer anyway
            elif queries.kind_of(result) == "graph" and not fmt.for_graphs:
                fmt = GRAPH_FORMATS["turtle"]
            body = queries.serialize(result, fmt.name)
        except queries.QueryError as exc:
            raise HTTPError(400, f"query failed: {exc}") from exc
        except guard.TooManyResults as exc:
            raise HTTPError(422, str(exc)) from exc
    # Without a process to end (the Flask test client), a late answer is still refused.
    if time.monotonic() - started > limit:
        raise HTTPError(503, message)
    return body, fmt


@bp.errorhandler(HTTPError)
def _http_error(exc):
    return error(exc.status, str(exc))

