"""Graph Store Protocol reads and the whole-dataset dump.

``/rdf-graphs?default`` is the default graph (the asserted union, plus ``graph/inferred`` with
``inferred=true``), ``/rdf-graphs?graph=IRI`` one held graph (404 for any other; both, or two
graphs, a 400), ``/dataset`` every graph as TriG or N-Quads, or with ``?format=graphml``
(``nodes-csv``, ``edges-csv``) the entities and plain facts as a network for graph viewers
(``query/network.py``).  The store never
changes while the app serves, so each answer is serialized once and kept, and carries an ETag
of the dataset's version and what was asked, as query answers do: a client holding it gets 304.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from ..query import network
from ..query import results as queries
from ..query.answer import well_formed_xml
from ..query.refused import Refused
from . import negotiation
from .negotiation import media_type, pick_format
from .pages import safety
from .protocol import TRUE, content_tag, error, etag, matches, service

bp = Blueprint("graph_store", __name__)
bp.after_request(safety.protect)


def _answer(svc, key, headers: dict, make) -> Response:
    """Answer the dump ``key`` (made by ``make()`` the first time) with its ETag, or 304."""
    if not svc.settled:  # a remote store, which may change while served: made each time
        try:
            body = make()
        except Refused as exc:
            return error(exc.status, str(exc))
        tag = content_tag(body, headers["Content-Type"])
        if matches(request.headers.get("If-None-Match"), tag):
            return Response(status=304, headers={"ETag": tag, "Vary": "Accept"})
        return Response(body, 200, {**headers, "ETag": tag, "Vary": "Accept"})
    tag = etag(svc.version, key)
    if matches(request.headers.get("If-None-Match"), tag):
        return Response(status=304, headers={"ETag": tag, "Vary": "Accept"})
    body = svc.dumps.get(key)
    if body is None:
        try:
            body = svc.dumps[key] = make()
        except Refused as exc:
            return error(exc.status, str(exc))
    return Response(body, 200, {**headers, "ETag": tag, "Vary": "Accept"})


def _graphs(svc, graphs, fmt) -> bytes:
    quads = svc.kg.graph_quads(graphs)
    items = quads if fmt.name in ("trig", "nq") else [q.triple for q in quads]
    data = queries.serialize(items, fmt.name)
    if fmt.oxigraph == ox.RdfFormat.RDF_XML:
        # The endpoint's rule: XML that no parser reads (a control character, a predicate
        # with no local name) is a 406, never a 200.
        data = well_formed_xml(data, fmt)
    return data


@bp.route("/rdf-graphs", methods=["GET"])
def rdf_graphs():
    """Return the default graph or one named graph, in a negotiated RDF syntax."""
    svc = service()
    try:
        named = request.args.getlist("graph")
        if len(named) > 1 or (named and "default" in request.args):
            # One answer is one graph: which of them was meant is the client's to say.
            raise Refused(400, "ask for one graph: ?default or a single ?graph=IRI, not both "
                               "or several")
        if named:
            iri = named[0]
            if not iri:
                raise Refused(400, "?graph= needs a graph's IRI; GET /sparql lists the graphs")
            if iri not in svc.graphs:
                raise Refused(404, f"no graph <{iri}> here; GET /sparql lists the graphs")
            graphs = [svc.graphs[iri]]
        elif "default" in request.args:
            graphs = svc.kg.default_graph(request.args.get("inferred", "").lower() in TRUE)
        else:
            raise Refused(400, "ask for ?default or ?graph=IRI")
        fmt = pick_format(request.args.get("format"), negotiation.GRAPH_OFFERS,
                          queries.GRAPH_FORMATS, request.headers.get("Accept"))
    except Refused as exc:
        return error(exc.status, str(exc))
    return _answer(svc, ("gsp", tuple(g.value for g in graphs), fmt.name),
                   {"Content-Type": media_type(fmt)}, lambda: _graphs(svc, graphs, fmt))


@bp.route("/dataset", methods=["GET"])
def dataset():
    """Return every graph the service holds, one named graph per file, as TriG or N-Quads,
    or the network of entities and facts for ``?format=graphml|nodes-csv|edges-csv``."""
    svc = service()
    name = request.args.get("format", "").strip().lower()
    if name in network.FORMATS:
        media = network.MEDIA_TYPES[name]
        filename = "alliance-graph." + name.replace("-csv", ".csv")
        return _answer(svc, ("network", name), {
            "Content-Type": media + ("; charset=utf-8" if media.startswith("text/") else ""),
            "Content-Disposition": f'inline; filename="{filename}"'},
            lambda: network.write(svc.kg, name))
    try:
        fmt = pick_format(request.args.get("format"), negotiation.DATASET_OFFERS,
                          queries.GRAPH_FORMATS, request.headers.get("Accept"))
    except Refused as exc:
        return error(exc.status, str(exc))
    graphs = [svc.graphs[name] for name in sorted(svc.graphs)]
    return _answer(svc, ("dataset", fmt.name), {"Content-Type": media_type(fmt)},
                   lambda: _graphs(svc, graphs, fmt))
