"""The SPARQL 1.1 Protocol at ``/sparql``: read a query from a request and answer it.

A query comes by GET, POST form or POST direct; ``default-graph-uri``/``named-graph-uri`` (or
the query's own FROM/FROM NAMED) pick among the graphs the service holds; ``inferred=true`` adds
``graph/inferred`` to the default graph.  The format comes from a ``format`` parameter, else the
``Accept`` header (JSON results and Turtle graphs when anything goes).  Every refusal is an HTTP
error status with a plain-text body saying why.  Every answer carries an ETag made of the
dataset's version and what was asked, and ``If-None-Match`` with it gets 304 without the query
running again.  A large answer comes from the engine in a temporary file (``wire.Spooled``),
which the server sends from: the front never holds a large answer whole.

``handle`` works on the WSGI environ, not a framework's request object, so two callers share
it: the Flask view below, and the lean WSGI entry in ``fast_path.py`` that serves ``/sparql``
without Flask's request and response machinery.  The query itself is evaluated by the engine
(``engine/``), which holds the store.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus

from flask import Blueprint, Response, current_app, request
from werkzeug.wsgi import wrap_file

from ..engine.wire import CHUNK, Spooled
from ..namespaces import PREFIX_IRIS
from ..query import guard
from ..query.bounds import Bounds
from ..query.dataset import Dataset
from ..query.refused import Refused
from ..query.results import GRAPH_FORMATS, RESULT_FORMATS
from . import (
    answer_mark,
    client_share,
    fields,
    negotiation,
    query_head,
    service_description,
    unread_params,
)
from .echoed import said
from .fields import format_values, parse_params, read_body
from .retry_after import headers as come_back

bp = Blueprint("sparql", __name__)

_BOM = "\ufeff"
# Headers every response carries (the app adds them to Flask's, connections.py to its own):
# CORS, so that browser applications on other origins can query and read the ETag they may
# send back in If-None-Match; nosniff, so that no browser second-guesses a content type.
# A browser script reads the headers CORS lists as safe and those exposed: the ETag, a 429 or
# 503's Retry-After (when to try again), and the Link of a description cut in pages.
HEADERS = (("Access-Control-Allow-Origin", "*"),
           ("Access-Control-Expose-Headers", "ETag, Retry-After, Link"),
           ("X-Content-Type-Options", "nosniff"))
# The request headers a preflight allows when it names none: the ones this server reads.
ALLOWED_HEADERS = "Accept, Content-Type, If-None-Match, If-Match"
_HEADER_LIST = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*")


def allowed_headers(requested: str | None) -> str:
    """Return the request headers a CORS preflight allows: those it asks for (a list of field
    names), else ``ALLOWED_HEADERS``.  Only the ones this server reads were allowed, so a
    script sending If-Match, or a client's own header (a query id), failed its preflight and
    was never sent; with no credentials accepted (Allow-Origin is *), allowing a header
    grants nothing, and one the server does not read is ignored."""
    requested = (requested or "").strip()
    if requested and len(requested) <= 2000 and _HEADER_LIST.fullmatch(requested):
        return requested
    return ALLOWED_HEADERS


@dataclass
class QueryRequest:
    """A query and its protocol parameters, however they were sent."""

    text: str
    default_graphs: list[str]
    named_graphs: list[str]
    inferred: bool
    formats: list[str]  # the format parameter's values, in the order sent
    bom: bool = False  # a CSV or TSV answer begun with a byte order mark (``answer_mark``)


# A status line's text per code, for the answers written without a framework.
STATUS = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


def error(status: int, message: str, **known) -> Response:
    """Return a plain-text error response (a 429 or 503's ``Retry-After``: ``come_back``)."""
    return Response(said(message), status, come_back(status, **known), mimetype="text/plain")


def refusal(exc: Refused) -> Response:
    """Return ``exc`` answered as ``error`` answers, when to come back as it knows it."""
    return error(exc.status, str(exc), **exc.known())


def error_answer(status: int, message: str, exc: Refused | None = None) -> tuple[int, list, bytes]:
    """Return a plain-text error as (status, headers, body), ``exc``'s when it is a refusal."""
    back = come_back(status, **(exc.known() if exc is not None else {}))
    return status, [("Content-Type", "text/plain; charset=utf-8"), *back, *HEADERS], \
        said(message).encode()

def wsgi_error(exc: Refused, start_response) -> list[bytes]:
    """Answer a WSGI request with a refusal, spelled as ``error_answer`` spells it."""
    status, headers, body = error_answer(exc.status, str(exc), exc)
    start_response(STATUS[status], [*headers, ("Content-Length", str(len(body)))])
    return [body]


def service():
    """Return the Service the app was created with."""
    return current_app.extensions["alliance_graph"]


def read_request(environ, limit: int, most: int | None = None) -> QueryRequest | None:
    """Return the query a request carries (None if it carries none); refuse updates, a body
    over ``limit`` bytes and a form's field over ``most`` (``fields.parse_params``)."""
    method = environ["REQUEST_METHOD"]
    args = parse_params(environ.get("QUERY_STRING", "").encode("latin-1"), "URL's query string")
    if method == "POST":
        if query_head.post_type(environ, args) == "application/x-www-form-urlencoded":
            form = fields.query_form(read_body(environ, limit), most)
            if "update" in form:
                raise Refused(403, "this endpoint is read-only: SPARQL Update is refused")
            texts = form.get("query", [])
            params = dict(form)
            for key, values in args.items():  # format/inferred may ride on the URL
                params.setdefault(key, values)
        else:  # application/sparql-query
            params = args
            try:
                # An empty body carries no query (400, as an empty form), not an empty one.
                texts = [t for t in [fields.no_form(read_body(environ, limit)).decode("utf-8")]
                         if t.removeprefix(_BOM).strip()]
            except UnicodeDecodeError as exc:
                raise Refused(400, f"the query is not valid UTF-8 (byte {exc.start})") from exc
    else:
        fields.body_unread(environ)
        params = args
        texts = args.get("query", [])
    if "update" in params:
        raise Refused(403, "this endpoint is read-only: SPARQL Update is refused")
    if not texts:  # a POST is refused; a GET is the service description, or refused
        return unread_params.no_query(method, params, args)  # or a misspelt one
    if len(texts) > 1:
        raise Refused(400, "send exactly one query parameter")
    # A byte-order mark, which some editors write at the start of a .rq file, is not the
    # query's, however the file's text was sent.
    text = texts[0].removeprefix(_BOM)
    if not text.strip():
        raise unread_params.empty_query(method, params, args)
    return QueryRequest(text, params.get("default-graph-uri", []),
                        params.get("named-graph-uri", []),
                        fields.inferred(params), format_values(params), answer_mark.asked(params))


def dataset(svc, req: QueryRequest, plan: guard.QueryPlan) -> Dataset:
    """Return the graphs a query runs over (``Dataset.resolve``); 400 for a graph the service
    lacks."""
    return Dataset.resolve(svc.graphs, svc.names.inferred.value, plan, req.inferred,
                           req.default_graphs, req.named_graphs)


def handle(svc, environ) -> tuple[int, list, bytes] | None:
    """Answer a /sparql request given as a WSGI environ: (status, headers, body).

    Returns None for a GET without a query, which the caller answers with the service
    description.
    """
    svc.follow()
    try:
        req = read_request(environ, svc.settings.max_request_bytes,
                           svc.settings.max_query_bytes)
        if req is None:  # a GET without a query (a POST without one is refused)
            return None
        client = client_share.client_of(environ.get("REMOTE_ADDR"))
        return answer(svc, req, environ.get("HTTP_ACCEPT"), environ.get("HTTP_IF_NONE_MATCH"),
                      environ["REQUEST_METHOD"], client, environ.get("HTTP_IF_MATCH"))
    except Refused as exc:
        return error_answer(exc.status, str(exc), exc)


@lru_cache(maxsize=1024)
def _plan(text: str, allowed: tuple[str, ...], bounds: Bounds) -> guard.QueryPlan:
    return guard.check(text, PREFIX_IRIS, allowed, bounds, standard=True)


def plan_of(text: str, settings) -> guard.QueryPlan:
    """Return ``guard.check``'s plan (raising its Refused) for a query, with the settings'
    SERVICE allow-list and bounds, in standard SPARQL alone: a remote store reads its own
    dialect too (Virtuoso's ``bif:http_get`` fetches any URL), which is never passed on.

    The check is a pure function of the text, so the plans of recent short queries are kept
    (a refusal raises again every time, as it is not cached); callers only read the plan.
    """
    bounds = Bounds.from_settings(settings)
    if len(text) <= 4096:
        return _plan(text, settings.allowed_services, bounds)
    return guard.check(text, PREFIX_IRIS, settings.allowed_services, bounds, standard=True)


def etag(version: str, key: tuple) -> str:
    """Return the entity tag of an answer: the dataset's version and what was asked."""
    return '"' + hashlib.sha256(repr((version, key)).encode()).hexdigest()[:32] + '"'


def content_tag(body: bytes | Spooled, content_type: str) -> str:
    """Return the entity tag of an answer made from its own bytes (a remote store's, which
    has no version that holds while it is served)."""
    digest = hashlib.sha256(content_type.encode() + b"\n")
    for block in body.chunks() if isinstance(body, Spooled) else (body,):
        digest.update(block)
    return '"' + digest.hexdigest()[:32] + '"'


def sent(body: bytes | Spooled, environ):
    """Return the WSGI iterable of an answer's body: a spooled one read from its file in
    chunks, through the server's ``wsgi.file_wrapper`` (waitress sends from the file itself,
    from its main loop, and closes it once sent or if the client goes)."""
    if isinstance(body, Spooled):
        return wrap_file(environ, body.rewound(), CHUNK)
    return [body]


def dropped(body: bytes | Spooled) -> None:
    """Let go of an answer that will not be sent (its temporary file, if spooled)."""
    if isinstance(body, Spooled):
        body.close()


def matches(if_none_match: str | None, tag: str | None, star: bool = True) -> bool:
    """Return whether an If-None-Match header names ``tag`` (weak or strong), or is ``*``
    (with ``star``: a current answer exists), the whole field (``"x", *`` and ``W/*`` were 304s
    where a site's file, read by werkzeug, was sent: RFC 9110's ``"*" / #entity-tag``)."""
    if not if_none_match:
        return False
    given = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return (star and if_none_match.strip() == "*") or (tag is not None and tag in given)


def precondition_failed(if_match: str | None, tag: str | None) -> tuple[int, list, bytes] | None:
    """Return the 412 for an If-Match header that names neither ``tag`` nor ``*`` (RFC 9110,
    13.1.1: the request is not to be performed), else None.  Weak tags never match here: the
    comparison If-Match makes is the strong one; an answer made anew each time (``tag``
    None) has no tag to match."""
    if not if_match:
        return None
    if if_match.strip() == "*" or tag in {t.strip() for t in if_match.split(",")}:
        return None
    why = "its answer is made anew each time and has no tag" if tag is None else \
        f"the answer's tag is {tag}"
    status, headers, body = error_answer(412, f"If-Match names no tag of this answer: {why}")
    return status, [*([("ETag", tag)] if tag else []), ("Vary", "Accept"), *headers], body


def unchanged(method: str, tag: str) -> tuple[int, list, bytes]:
    """Answer a request whose If-None-Match matched: 304 to a read (GET, HEAD), and 412 to a
    POST, which HTTP does not let a 304 answer (RFC 9110, 13.1.2)."""
    if method in ("GET", "HEAD"):
        return 304, [("ETag", tag), ("Vary", "Accept"), *HEADERS], b""
    status, headers, body = error_answer(412, "If-None-Match matched: the answer has not "
                                              "changed (send it by GET to get a 304)")
    return status, [("ETag", tag), ("Vary", "Accept"), *headers], body


def answer(svc, req: QueryRequest, accept: str | None, if_none_match: str | None = None,
           method: str = "GET", client: str | None = None,
           if_match: str | None = None) -> tuple[int, list, bytes]:
    """Check, negotiate and evaluate one query (or answer it from the cache, or 304, or 412
    for an If-Match naming another answer); ``client`` (its address) gets its share of the
    engine (``client_share.py``)."""
    plan = plan_of(req.text, svc.settings)
    formats = answer_mark.taking(req.bom, _formats(plan.form, req.formats, accept))
    graphs = dataset(svc, req, plan)
    # Every check has run; only the evaluation itself may be skipped.  The key holds the
    # resolved dataset and formats, never the raw request, so a hit is the same answer.
    key = (req.text, graphs, tuple(f.name for f in formats)) + (("bom",) if req.bom else ())
    if plan.volatile:  # NOW(), RAND(), ...: a new answer each time, never cached or tagged
        failed = precondition_failed(if_match, None)
        if failed:
            return failed
        body, fmt = evaluate(svc, req, graphs, formats, plan.prefixes, client)
        return 200, [("Content-Type", negotiation.media_type(fmt)), ("Cache-Control", "no-store"),
                     ("Vary", "Accept"), *HEADERS], body
    if not svc.settled:
        # A remote store may be filled again while it is served: an answer kept, or tagged by
        # the version read at start, went on being given after the store had changed.  So each
        # answer is evaluated, and tagged by its own bytes: a 304 only for the same answer.
        body, fmt = evaluate(svc, req, graphs, formats, plan.prefixes, client)
        ctype = negotiation.media_type(fmt)
        tag = content_tag(body, ctype)
        failed = precondition_failed(if_match, tag)
        if failed or matches(if_none_match, tag):
            dropped(body)
            return failed or unchanged(method, tag)
        return 200, [("Content-Type", ctype), ("ETag", tag), ("Vary", "Accept"), *HEADERS], body
    tag = etag(svc.version, key)
    failed = precondition_failed(if_match, tag)
    if failed:
        return failed
    # "*" matches only an answer that exists: a query that fails has none, so it is evaluated.
    if matches(if_none_match, tag, star=False):
        return unchanged(method, tag)
    # Kept under the version too: an answer evaluated by an engine of the previous build, and
    # put while the front moved to the next one, is never taken for the next build's.
    responses, kept = svc.responses, (svc.version, key)
    cached = responses.get(kept)
    if cached is None:
        body, fmt = evaluate(svc, req, graphs, formats, plan.prefixes, client)
        if isinstance(body, Spooled) and len(body) <= responses.largest:
            body = body.read()  # small enough to be kept: kept in memory, as any entry is
        cached = (body, negotiation.media_type(fmt))
        if svc.version != kept[0]:
            # The server went on to another build while the query waited or ran: which
            # build answered is not known, so the answer is neither kept nor tagged (it was
            # tagged with the old build's version, and a client holding that tag was later
            # told 304 for a body the old build never gave).
            return 200, [("Content-Type", cached[1]), ("Cache-Control", "no-store"),
                         ("Vary", "Accept"), *HEADERS], body
        responses.put(kept, cached, len(body) + len(req.text))
    if matches(if_none_match, None):  # "*", now that the answer exists
        dropped(cached[0])
        return unchanged(method, tag)
    body, ctype = cached
    return 200, [("Content-Type", ctype), ("ETag", tag), ("Vary", "Accept"), *HEADERS], body


def _formats(form: str, requested: list[str], accept: str | None) -> list:
    """Return the formats to answer a query of ``form`` in (``negotiation.pick_formats``).

    A query the checks found no form in (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``)
    is one the parser refuses (the endpoint's checks refuse it first, naming its first word).  Negotiated as a SELECT,
    it was a 406 instead whenever the client asked for a graph format, so a mistyped
    ``CONSTRUC { ... }`` sent with ``Accept: text/turtle`` was told that Turtle cannot be
    produced.  Either kind's formats do for it (the engine writes a result of the other kind
    in that kind's default), and with none acceptable, JSON: the parser speaks first.
    """
    results, graphs = (negotiation.RESULT_OFFERS, RESULT_FORMATS), \
        (negotiation.GRAPH_OFFERS, GRAPH_FORMATS)
    if form:
        return negotiation.pick_formats(requested, *(graphs if form in ("CONSTRUCT", "DESCRIBE")
                                                     else results), accept)
    for offers, table in (results, graphs):
        try:
            return negotiation.pick_formats(requested, offers, table, accept)
        except Refused:
            pass
    return [RESULT_FORMATS["json"]]


def evaluate(svc, req: QueryRequest, graphs: Dataset, formats, prefixes, client: str | None):
    """Have the engine answer ``req`` (marked for its ``bom``: ``answer_mark``), within
    ``client``'s share of its query slots and what its wait for one left of the time limit
    (``client_share.Shares.share``)."""
    with svc.queries.share(client, wait=svc.settings.query_timeout,
                           hint=client_share.proxy_hint("queries",
                                                        bool(svc.settings.trusted_proxies))) \
            as held:
        body, fmt = svc.engine.answer(req.text, graphs, formats, prefixes, *held)
    return answer_mark.marked(body, fmt, req.bom, svc.settings.max_result_bytes), fmt


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    """Answer a SPARQL query, or describe the service when the request has none."""
    svc = service()
    out = handle(svc, request.environ)
    if out is None:
        return service_description.respond(svc)
    return as_response(*out)


sparql.refused_by_head = query_head.refused_by_head  # (``preconditions.head_checked``)


def as_response(status: int, headers, body: bytes | Spooled) -> Response:
    """Return Flask's response of an answer, a spooled one sent from its file (``sent``; for
    a HEAD, werkzeug sends no body and closes the file)."""
    if isinstance(body, Spooled):
        response = Response(sent(body, request.environ), status, headers,
                            direct_passthrough=True)
        response.content_length = len(body)
        return response
    return Response(body, status, headers)


bp.register_error_handler(Refused, refusal)
