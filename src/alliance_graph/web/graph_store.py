"""Graph Store Protocol reads and the whole-dataset dump.

``/rdf-graphs?default`` is the default graph (the asserted union, plus ``graph/inferred`` with
``inferred=true``), ``/rdf-graphs?graph=IRI`` one held graph (404 for any other; both, or two
graphs, a 400), ``/dataset`` every graph as TriG or N-Quads, or with ``?format=graphml``
(``nodes-csv``, ``edges-csv``, ``&bom=true`` beginning a CSV with a byte order mark for
Excel) the entities and plain facts as a network for graph viewers
(``query/network.py``).  Formats are negotiated as for queries: a graph RDF/XML cannot carry
is written in the client's next choice.  The default graph asked for as TriG or N-Quads is
written as the default graph, not as the files' graphs it is made of.  A build never changes
while it is served, so each dump is kept in the response cache (within its byte budget) once
written, and carries an ETag of the dataset's version and what was asked, as query answers
do: a client holding it gets 304, and an If-Match naming another tag 412.  A large dump comes
from the engine in a temporary file and is sent from it, as a large query answer is
(``protocol.as_response``): the front never holds it whole; one small enough for the cache is
read back from its file and kept, as a query answer is.  The network (``?format=graphml``)
is written by the front into such a file as its rows are read from the store, one node at a
time (``network.write_to``), within the same size limit, and answered as a dump is: it was
built whole in memory, 216 MB more for a 21 MB GraphML at 100 k facts, and over any limit.
"""

from __future__ import annotations

import codecs
import tempfile

import pyoxigraph as ox
from flask import Blueprint, Response, request

from ..clipping import bracketed
from ..engine.wire import Spooled, SpoolFailed
from ..query import network
from ..query import results as queries
from ..query.answer import Uncarried
from ..query.dump import dump
from ..query.refused import Refused
from ..query.temporary import SpillFailed
from . import answer_mark, negotiation, protocol, unread_params
from .fields import format_values, inferred
from .negotiation import media_type, pick_formats
from .pages import safety
from .protocol import content_tag, error, etag, matches, precondition_failed, refusal, service

bp = Blueprint("graph_store", __name__)
bp.after_request(safety.protect)


def _answer(svc, key, candidates, headers=lambda ctype: {}) -> Response:
    """Answer the dump ``key`` with its ETag, or 304 (412 for an If-Match naming another);
    ``candidates`` are ``(format name, make)`` in the client's order, ``make()`` returning the
    body (bytes, or ``Spooled``) and its Content-Type, or raising Uncarried for a format that
    cannot carry it; ``headers(Content-Type)`` are the answer's others."""
    body = None
    if not svc.settled:  # a remote store, which may change while served: made each time
        try:
            body, ctype = _first_carried(candidates)
        except Refused as exc:
            return refusal(exc)
        tag = content_tag(body, ctype)
    else:
        tag = etag(svc.version, key)
    failed = precondition_failed(request.headers.get("If-Match"), tag)
    if failed or matches(request.headers.get("If-None-Match"), tag):
        protocol.dropped(body)  # made to be tagged, and not sent: its file closed now
        if failed:
            return Response(failed[2], failed[0], failed[1])
        return Response(status=304, headers={"ETag": tag, "Vary": "Accept"})
    if svc.settled:
        # Kept in the response cache, by the format written (not by the client's list of
        # formats, whose orderings kept the same few bodies two dozen times, 220 MB in all,
        # outside any bound), under the build's version, within the cache's byte budget.
        version = svc.version
        kept = [(name, lambda name=name, make=make: _kept(svc, version, (key[0], key[1], name),
                                                          make))
                for name, make in candidates]
        try:
            body, ctype = _first_carried(kept)
        except Refused as exc:
            return refusal(exc)
        if svc.version != version:  # made while the server went on to another build
            return protocol.as_response(200, {**headers(ctype), "Content-Type": ctype,
                                              "Cache-Control": "no-store", "Vary": "Accept"},
                                        body)
    return protocol.as_response(200, {**headers(ctype), "Content-Type": ctype, "ETag": tag,
                                      "Vary": "Accept"}, body)


def _kept(svc, version, key, make) -> tuple[bytes | Spooled, str]:
    """Return ``make()``'s dump from the response cache, made and kept the first time, under
    ``version``, the build it was asked of (not kept if the server moved on meanwhile).  A
    spooled dump the cache may keep is read back into memory, as every entry is; a larger one
    stays in its file, kept nowhere."""
    responses, kept = svc.responses, ("dump", version, key)
    made = responses.get(kept)
    if made is None:
        body, ctype = make()
        if isinstance(body, Spooled) and len(body) <= responses.largest:
            body = body.read()
        made = (body, ctype)
        if svc.version == version and not isinstance(body, Spooled):
            responses.put(kept, made, len(body))
    return made


def _first_carried(candidates) -> tuple[bytes | Spooled, str]:
    """Return the first candidate's dump that its format carries; 406 when none does."""
    first = None  # its text: kept, the exception held this frame in a cycle (query/answer.py)
    for _, make in candidates:
        try:
            return make()
        except Uncarried as exc:
            first = first or str(exc)
    raise Refused(406, first)


def _written(svc, graphs, fmt, as_default: bool = False) -> tuple[bytes | Spooled, str]:
    """Return the quads of ``graphs`` written in ``fmt`` (a large dump spooled: ``Spooled``)
    and its Content-Type; Uncarried when RDF/XML cannot carry them (the client's next choice
    is then written).

    ``as_default``: the graphs are read as one, the default graph, which a TriG or N-Quads
    answer writes as such (it held the per-file graphs, so that a client reading "the default
    graph" out of it found nothing in its own).  Written by the engine (``query.dump``)."""
    data = dump(svc.kg, [g.value for g in graphs], fmt, as_default, svc.settings.max_result_bytes)
    return data, media_type(fmt)


def _network(svc, name: str, bom: bool = False) -> Spooled:
    """Return the graph's network in the format ``name``, written into a temporary file as
    it is read from the store (``network.write_to``), within the answers' size (422 past
    it); it is then answered as a dump is (sent from the file, or read back if the response
    cache may keep it)."""
    try:
        file = tempfile.TemporaryFile()
    except OSError as exc:
        raise Refused(503, SpoolFailed(exc).said()) from exc
    try:
        size = network.write_to(svc.kg, name, file, svc.settings.max_result_bytes,
                                codecs.BOM_UTF8 if bom else b"")
        file.flush()
    except (OSError, SpillFailed) as exc:  # the temporary folder full: a 500 and a traceback
        file.close()
        cause = exc.cause if isinstance(exc, SpillFailed) else exc
        raise Refused(503, SpoolFailed(cause).said()) from exc
    except BaseException:
        file.close()
        raise
    return Spooled(file, size)


def _graph_candidates(svc, graphs, formats, as_default: bool = False) -> list:
    return [(f.name, lambda f=f: _written(svc, graphs, f, as_default)) for f in formats]


@bp.route("/rdf-graphs", methods=["GET"])
def rdf_graphs():
    """Return the default graph or one named graph, in a negotiated RDF syntax."""
    svc = service()
    try:
        unread_params.refuse_unread(request.args, "/rdf-graphs", unread_params.GRAPH_READ,
                                    "default or graph=IRI, inferred (with default) and format "
                                    "(or output)")
        named = request.args.getlist("graph")
        if len(named) > 1 or (named and "default" in request.args):
            # One answer is one graph: which of them was meant is the client's to say.
            raise Refused(400, "ask for one graph: ?default or a single ?graph=IRI, not both "
                               "or several")
        _bom(None, "a graph")
        if named:
            iri = named[0]
            if not iri:
                raise Refused(400, "?graph= needs a graph's IRI; GET /sparql lists the graphs")
            _no_inferred("a named graph holds what it holds, inferred or not: inferred applies "
                         "to ?default")
            if iri not in svc.graphs:
                raise Refused(404, f"no graph {bracketed(iri)} here; GET /sparql lists the graphs")
            graphs = [svc.graphs[iri]]
        elif "default" in request.args:
            graphs = svc.names.default_graph(inferred(request.args))
        else:
            raise Refused(400, "ask for ?default or ?graph=IRI")
        formats = pick_formats(format_values(request.args), negotiation.GRAPH_OFFERS,
                               queries.GRAPH_FORMATS, request.headers.get("Accept"))
    except Refused as exc:
        return refusal(exc)
    return _answer(svc, ("gsp", tuple(g.value for g in graphs), tuple(f.name for f in formats)),
                   _graph_candidates(svc, graphs, formats, as_default=not named))


def _network_asked(values: list[str], accept: str | None) -> str | None:
    """Return the network format a request for the dataset names, or None for an RDF one:
    the first of the ``format`` (or ``output``) ``values`` that names a format of the path,
    else the Accept header, where GraphML is the one network format a media type names alone
    (text/csv could be either table)."""
    for value in values:
        name = value.split(";", 1)[0].strip().lower()
        if name in network.FORMATS or name == network.MEDIA_TYPES["graphml"]:
            return name if name in network.FORMATS else "graphml"
        if negotiation.by_parameter(value, negotiation.DATASET_OFFERS) is not None:
            return None
    if values:
        return None
    best = negotiation.choose(accept, _DATASET_OFFERS)
    return best if best in network.FORMATS else None


_DATASET_OFFERS = negotiation.DATASET_OFFERS + [("graphml", [network.MEDIA_TYPES["graphml"]])]


@bp.route("/dataset", methods=["GET"])
def dataset():
    """Return every graph the service holds, one named graph per file, as TriG or N-Quads,
    or the network of entities and facts for ``?format=graphml|nodes-csv|edges-csv`` (or
    Fuseki's ``output``, as the other paths read it; GraphML also by Accept)."""
    svc = service()
    values = format_values(request.args)
    name = _network_asked(values, request.headers.get("Accept"))
    try:
        bom = _bom(name)
        _no_inferred("the dataset holds every graph, graph/inferred among them, and its network "
                     "the asserted facts alone: /rdf-graphs?default&inferred=true is the default "
                     "graph with the inferred triples" if name is None else
                     f"format={name} draws the asserted facts alone (as export --inferred "
                     "applies to RDF formats only)")
        unread_params.refuse_unread(request.args, "/dataset", unread_params.DATASET_READ,
                                    "format (or output; and bom); one graph is "
                                    "/rdf-graphs?graph=IRI, the default graph /rdf-graphs?default")
    except Refused as exc:
        return refusal(exc)
    if name is not None:
        media = network.MEDIA_TYPES[name]
        filename = "alliance-graph." + name.replace("-csv", ".csv")
        ctype = media + ("; charset=utf-8" if media.startswith("text/") else "")
        return _answer(svc, ("network", name + "+bom" * bom, ()),
                       [(name, lambda: (_network(svc, name, bom), ctype))],
                       lambda _: _file_named(filename))
    try:
        formats = pick_formats(values, negotiation.DATASET_OFFERS, queries.GRAPH_FORMATS,
                               request.headers.get("Accept"))
    except Refused as exc:  # the network's formats are this path's too
        also = (", ".join(network.FORMATS) if values
                else f"{network.MEDIA_TYPES['graphml']} (or ?format={', '.join(network.FORMATS)})")
        return error(exc.status, f"{exc}, {also}")
    graphs = [svc.graphs[name] for name in sorted(svc.graphs)]
    # Named for a download as the network is: a browser saved the dump as "dataset", no
    # extension to tell a loader (or the desktop) it is TriG or N-Quads.
    return _answer(svc, ("dataset", (), tuple(f.name for f in formats)),
                   _graph_candidates(svc, graphs, formats),
                   lambda ctype: _file_named("alliance-graph." + ox.RdfFormat.from_media_type(
                       ctype.split(";", 1)[0]).file_extension))


def _bom(name: str | None, other: str = "an RDF dump") -> bool:
    """Return whether the request asks for its CSV to begin with a byte order mark (``bom``:
    off by default, as ``alliance-graph export --bom``); refuse it (400) for another format
    (``other``, what is asked for when no network format is: a dump, or a graph, where it
    was ignored without a word)."""
    bom = answer_mark.asked(request.args)  # read as /sparql's
    if bom and name not in ("nodes-csv", "edges-csv"):
        raise Refused(400, "bom applies to format=nodes-csv and format=edges-csv, not to "
                           f"{'format=' + name if name else other}")
    return bom


def _no_inferred(why: str) -> None:
    """Refuse (400) ``inferred``, which this request cannot honour, saying ``why``: read
    nowhere but ``?default``, ``/dataset?inferred=false`` was answered with graph/inferred and
    ``format=nodes-csv&inferred=true`` without the inferred facts, as though it were read."""
    if "inferred" in request.args:
        raise Refused(400, f"inferred is not read here: {why}")


def _file_named(filename: str) -> dict:
    """Return the header naming the file a download of the answer is saved as."""
    return {"Content-Disposition": f'inline; filename="{filename}"'}
