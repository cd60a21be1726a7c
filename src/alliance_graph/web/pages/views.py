"""The human side of the server: entity pages, the query page, search and the timeline.

Every IRI the project mints dereferences here by path, whatever host serves it:
``https://alliance-graph.example/id/X`` at ``/id/X``, ontology terms at ``/ontology/T``.  A
browser gets HTML; an RDF client (by ``Accept``, or ``?format=``) gets the entity's triples,
its claims and their evidence.  Templates autoescape, so text from the data is never markup.
"""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from ...clipping import bracketed, clipped
from ...namespaces import BASE, PREFIX_IRIS
from ...query.answer import well_formed_xml
from ...query.bounds import Bounds
from ...query.refused import Refused
from ...query.results import GRAPH_FORMATS, prefixes_for
from ...query.used_prefixes import declaring_used
from ...rdf import graph_iri
from .. import echoed, fields, negotiation, service_description
from . import addresses, completions, diagram, entity_rdf, errors, note_links, safety, terms
from . import entity as entity_mod
from . import example_list as listing
from . import not_found as unknown
from . import query_notes as notes_mod
from . import search as search_mod
from . import source as source_mod
from . import timeline as timeline_mod

HTML = "text/html"
# What an entity can be written as, by media type, for content negotiation.
ENTITY_FORMATS = {f.media_type: f for f in
                  (GRAPH_FORMATS[n] for n in ("turtle", "jsonld", "nt", "xml"))}
PAGE_OFFERS = [("html", [HTML, "application/xhtml+xml"])] + [
    offer for offer in negotiation.GRAPH_OFFERS if offer[0] in ("turtle", "jsonld", "nt", "xml")]
# Download links on the query page: the endpoint's result formats, by its format parameter.
RESULT_DOWNLOADS = [("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"),
                    ("tsv", "TSV")]
GRAPH_DOWNLOADS = [("turtle", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD")]
RDF_FORMATS = [(n, GRAPH_FORMATS[n].media_type) for n in ("turtle", "jsonld", "nt", "xml")]
# Hits the search box lists as one types, and a search page shows (?limit= from 1 to 100).
SEARCH_BOX, SEARCH_PAGE = 10, 50
SPARQL_PATH = "/sparql"
FORMAT_PARAM = "format"
# Rows of an answer the query page draws: a browser took seconds to lay out 13,000 rows and
# never finished 150,000. The page says how many there are; the downloads hold them all.
SHOWN_ROWS = 1000
# What a browser's own headers (Accept, User-Agent, a Referer it cuts at 4 KiB...) may take of
# the server's limit for a request's head: the rest is the longest link the page writes.
BROWSER_HEADERS = 8 * 2**10
DEFAULT_QUERY = """# Every cited fact about Iron Dome, with the quote that states it.
SELECT ?property ?value ?quote ?source WHERE {
  ?claim rdf:subject id:IronDome ; rdf:predicate ?property ; rdf:object ?value ;
         prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSource ?source ; oa:hasSelector/oa:exact ?quote .
}
"""


def create_blueprint(get_kg: Callable | None = None, settings=None) -> Blueprint:
    """Return the pages blueprint, reading the graph from ``get_kg()`` at each request.

    Without arguments the graph and settings are the app's (``create_app`` keeps them in
    ``app.extensions["alliance_graph"]``); tests may hand in their own.
    """
    if get_kg is None:
        get_kg = lambda: current_app.extensions["alliance_graph"].kg  # noqa: E731

    def held_graphs():
        # The graphs the Graph Store read serves: the app's service knows them without
        # taking one of the client's query slots (a graph's redirect waited for one).
        service = current_app.extensions.get("alliance_graph")
        return service.graphs if service is not None else \
            {g.value for g in get_kg().default_graph(True)}

    get_settings = (lambda: settings) if settings is not None else \
        (lambda: current_app.extensions["alliance_graph"].settings)
    bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static/pages")
    bp.after_request(safety.protect)
    errors.register(bp)
    bp.add_app_template_filter(terms.link_for, "link")
    bp.add_app_template_filter(terms.shorten, "short")
    bp.add_app_template_filter(terms.query_link, "query_link")
    bp.add_app_template_filter(terms.isolated, "isolated")
    bp.add_app_template_filter(clipped, "clipped")
    bp.add_app_template_global(echoed.MESSAGE, "message_most")
    bp.add_app_template_global(addresses.rooted, "rooted")
    bp.add_app_template_filter(terms.value_parts, "value_parts")
    bp.add_app_template_filter(note_links.parts, "note_parts")
    # Registered before the routes below, which are compiled with it.
    bp.record_once(lambda state: state.app.url_map.converters.setdefault(
        "iri", addresses.IriPathConverter))

    @bp.route("/")
    def query_page():
        # The service description's, followed as the catalogue's folder changes.
        examples, options, links = listing.written(service_description.Examples.of(
            get_settings().queries_dir, Bounds.from_settings(get_settings())))
        # A permalink (/?query=...) opens the page with its query in the editor, and so does
        # an example's (/?example=NAME): without a script the example list could not be used.
        named = fields.single(request.args, "example")
        example = next((q for q in examples if q["name"] == named), None)
        if named and example is None:
            return errors.refusal(404, f"no example query is named {clipped(named, show=repr)}",
                                  (("The query page and its examples", url_for(".query_page")),))
        # The first examples' texts alone, and the opened one's (all of them: 30 MB of 20,000).
        texts = examples[:get_settings().example_texts] + ([example] if example else [])
        return render_template("query.html", examples=examples, texts=texts,
                               example_options=options, example_links=links,
                               default_query=fields.single(request.args, "query")
                               or (example and example["text"]) or DEFAULT_QUERY,
                               result_formats=RESULT_DOWNLOADS, graph_formats=GRAPH_DOWNLOADS,
                               base=BASE, prefixes=PREFIX_IRIS,
                               sparql_path=addresses.rooted(SPARQL_PATH),
                               format_param=FORMAT_PARAM, shown_rows=SHOWN_ROWS,
                               max_link=get_settings().max_request_header_bytes - BROWSER_HEADERS,
                               query_timeout=get_settings().query_timeout)

    notes_mod.register(bp, get_kg, get_settings)  # POST /query/notes: what "0 rows" missed
    kept = [(None, None)]  # the build whose vocabulary is kept, and that vocabulary

    @bp.route("/vocabulary.json")
    def vocabulary():
        # Per build served: kept per graph, it outlived a build followed (`load`) in the editor.
        kg, service = get_kg(), current_app.extensions.get("alliance_graph")
        key = id(kg) if service is None else service.version
        if (got := kept[0])[0] != key:
            got = kept[0] = key, completions.vocabulary(kg)
        return jsonify(got[1])

    @bp.route("/search")
    def search():
        q = fields.single(request.args, "q", "")
        # JSON for the search box's script (and any client without a preference), HTML for
        # a browser, which asks for text/html above */*.
        chosen = negotiation.choose(request.headers.get("Accept"),
                                    [("json", ["application/json"]), ("html", [HTML])])
        if chosen is None:
            # As the entity pages answer: JSON to a client that refused it (image/png) told
            # it nothing it could read as such.
            return Response("this page can be had as application/json, text/html\n", 406,
                            mimetype="text/plain", headers={"Vary": "Accept"})
        page = chosen == "html"
        # From 1 to MAX_LIMIT, or a 400 saying so: 0 was taken as 1 and 1,000 as 100.
        limit = addresses.counted(fields.single(request.args, "limit",
                                           str(SEARCH_PAGE if page else SEARCH_BOX)))
        if limit is None or limit > search_mod.MAX_LIMIT:
            return errors.refusal(400, "limit must be a whole number from 1 to "
                                       f"{search_mod.MAX_LIMIT}")
        if len(q) > search_mod.MAX_CHARACTERS:
            return errors.refusal(400, f"the search text is {len(q):,} characters, over the "
                                       f"{search_mod.MAX_CHARACTERS:,} a search reads: search "
                                       "for fewer words")
        hits, more = search_mod.search_more(get_kg(), q, limit)
        if page:
            resp = Response(render_template("search.html", q=q,
                                            hits=search_mod.told_apart(hits), more=more,
                                            limit=limit, max_limit=search_mod.MAX_LIMIT,
                                            kinds=search_mod.KINDS,
                                            left_out=search_mod.left_out(q),
                                            max_words=search_mod.MAX_WORDS,
                                            segments=lambda text: search_mod.segments(text, q)))
        else:
            resp = jsonify([h.as_json() for h in hits])
        resp.headers["Vary"] = "Accept"
        return resp

    @bp.route("/timeline")
    def timeline():
        here = url_for("pages.timeline")
        number = addresses.counted(fields.single(request.args, "page", "1"))
        if number is None:
            return errors.refusal(400, "page must be a whole number from 1",
                                  (("The timeline's first page", here),))
        page = timeline_mod.events(get_kg(), number)
        if page.number > page.pages:
            last = here + (f"?page={page.pages}" if page.pages > 1 else "")
            return errors.refusal(404, f"the timeline has {page.pages} page(s)",
                                  (("The timeline's last page", last),))
        return render_template("timeline.html", page=page, events=page.events)

    @bp.route("/id/")
    @bp.route("/id/<iri:rest>")
    def entity_page(rest: str = ""):
        return _respond(get_kg(), BASE + "id/" + rest, get_settings().sources_dir)

    @bp.route("/ontology/")
    @bp.route("/ontology/<iri:rest>")
    def ontology_page(rest: str = ""):
        return _respond(get_kg(), BASE + "ontology/" + rest)

    # The shapes are minted IRIs too (ontology/shapes.ttl), and ontology pages link to them.
    @bp.route("/shapes/")
    @bp.route("/shapes/<iri:rest>")
    def shape_page(rest: str = ""):
        return _respond(get_kg(), BASE + "shapes/" + rest)

    # The named graphs' IRIs (one per file, in every TriG and N-Quads export) dereference
    # too: to the Graph Store read of the graph, which negotiates its format.  A graph not
    # held is a 404 here: it was sent on to a read answering 404 (a 303 first, as if found).
    @bp.route("/graph/<iri:rest>")
    def graph_page(rest: str):
        # The graph's IRI is made from the path as from a file's name, read from the path's
        # bytes (WSGI's PATH_INFO, one character a byte): werkzeug's decoded path holds
        # U+FFFD for a byte that is not UTF-8, where a file's name holds the byte (%9D).
        path = request.environ["PATH_INFO"].encode("latin-1")
        iri = graph_iri(path.decode("utf-8", "surrogateescape").removeprefix("/graph/")).value
        if iri not in held_graphs():
            return Response(f"no graph {bracketed(iri)} here; GET "
                            f"{addresses.rooted(SPARQL_PATH)} lists the graphs\n", 404,
                            mimetype="text/plain")
        # Every value passed on for the read to judge (a format given twice went as its first).
        query = [*((k, v) for k, v in request.args.items(multi=True) if k != "graph"),
                 ("graph", iri)]
        return redirect(f"{request.script_root}/rdf-graphs?{urllib.parse.urlencode(query)}",
                        303)

    # werkzeug's own redirect to the slash wrote an absolute URL from the Host header it
    # parsed, and a name it does not parse (a_b, a:99999) gave Location: http:///ontology/.
    @bp.route("/id", endpoint="id_folder")
    @bp.route("/ontology", endpoint="ontology_folder")
    @bp.route("/shapes", endpoint="shapes_folder")
    def folder():
        query = request.query_string.decode("latin-1")
        return redirect(f"{request.script_root}{request.path}/" + (f"?{query}" if query else ""),
                        308)

    return bp


def _chosen_formats() -> list[str]:
    """Return the media types to answer with, best first (empty: none acceptable):
    ``?format=`` names one, else the Accept header's choices up to the first that carries
    every graph (RDF/XML cannot carry some: the client's next choice is then written)."""
    name = fields.single(request.args, "format")
    if name:
        chosen = negotiation.by_parameter(name, PAGE_OFFERS)
        if chosen is None:
            abort(errors.refusal(400, f"unknown format {clipped(name, show=repr)}; choose html, "
                                      "turtle, jsonld, nt or xml"))
        names = [chosen]
    else:
        # The endpoint's negotiation; on equal quality HTML comes first, so browsers get pages.
        names = negotiation.acceptable(request.headers.get("Accept"), PAGE_OFFERS)
    media = []
    for name in names:
        media.append(HTML if name == "html" else GRAPH_FORMATS[name].media_type)
        if name == "html" or GRAPH_FORMATS[name].carries_all:
            break
    return media


def _asked_page() -> int | None:
    """Return the ``?page=`` asked for (None: none), or abort with a 400 naming what is wrong."""
    asked = fields.single(request.args, "page")
    if asked is None:
        return None
    number = addresses.counted(asked)
    if number is None:
        abort(Response("page must be a whole number from 1\n", 400, mimetype="text/plain"))
    return number


def _page_urls(number: int) -> tuple[str, Callable[[int], str]]:
    """Return this request's URL and a function giving the URL of its page n (page 1 without
    ``page=``), spelled from the Host header as the service description spells its endpoint."""
    host = request.environ.get("HTTP_HOST") or request.host
    path = urllib.parse.quote(request.root_path + request.path, safe="/:@!$&'()*+,;=")
    base = f"{request.scheme}://{host}{path}"
    # Of the query, what the answer reads (the format, and the page by number): another
    # parameter, of any length, was written into every link and control, several times over.
    args = [(k, v) for k, v in request.args.items(multi=True) if k == FORMAT_PARAM]

    def url(n: int) -> str:
        query = urllib.parse.urlencode(args + ([("page", str(n))] if n > 1 else []))
        return base + (f"?{query}" if query else "")

    try:
        ox.NamedNode(url(number))
    except ValueError:
        abort(Response(f"the Host header {clipped(host, show=repr)} makes no IRI for this "
                       "page\n", 400, mimetype="text/plain"))
    # The page as asked for names itself, where its query is an IRI's holding no other
    # parameter (else as linked).
    asked = request.query_string.decode("latin-1")
    here = base + (f"?{asked}" if asked else "")
    try:
        ox.NamedNode(here)
    except ValueError:
        here = url(number)
    return (here if set(request.args) <= {FORMAT_PARAM, "page"} else url(number)), url


def _entity_rdf(kg, iri: str, formats) -> Response:
    """Answer an RDF client with a page of ``iri``'s description (``?page=``, from 1): one
    that does not fit a page says so, in Hydra's terms and in an HTTP Link header."""
    number = _asked_page() or 1
    d = entity_rdf.page(kg, iri, number)
    if number > d.pages:
        return Response(f"the description of {bracketed(iri)} has {d.pages} page(s)\n", 404,
                        mimetype="text/plain", headers={"Vary": "Accept"})
    if d.pages == 1:
        return _rdf_response(d.triples, formats)
    here, url = _page_urls(number)
    resp = _rdf_response(d.triples + entity_rdf.controls(d, iri, here, url), formats)
    if resp.status_code == 200:
        resp.headers["Link"] = entity_rdf.links(d, url)
    return resp


def _rdf_response(triples, formats) -> Response:
    """Answer with ``triples`` in the first RDF format of ``formats`` that carries them."""
    refused = None  # the first refusal's status and text (kept, it held this frame in a cycle)
    for fmt in formats:
        out = io.BytesIO()
        prefixes = prefixes_for(fmt.oxigraph)
        ox.serialize(triples, out, format=fmt.oxigraph, prefixes=prefixes)
        # As answers and Graph Store reads: only the prefixes the description uses declared.
        data = declaring_used(out.getvalue(), fmt.oxigraph) if prefixes else out.getvalue()
        if fmt.oxigraph == ox.RdfFormat.RDF_XML:
            # The endpoint's rule: XML that no parser reads (a control character, a predicate
            # with no local name) is never a 200; the next format the client accepts, or 406.
            try:
                data = well_formed_xml(data, fmt)
            except Refused as exc:
                refused = refused or (exc.status, str(exc))
                continue
        return Response(data, content_type=negotiation.media_type(fmt),
                        headers={"Vary": "Accept"})
    return Response(f"{refused[1]}\n", refused[0], mimetype="text/plain",
                    headers={"Vary": "Accept"})


def _respond(kg, iri: str, sources_dir: Path | None = None):
    problem = terms.iri_problem(iri)
    if problem is not None:
        # The path decoded to something no IRI can hold (a control character, a space, "<",
        # a byte that is not UTF-8): no entity has it, and it must not reach the query engine.
        # The character at fault is named: a list of what might be wrong left one guessing.
        return errors.refusal(400, f"{clipped(request.path, show=repr)} does not name a valid "
                                   f"IRI: {problem}")
    chosen = _chosen_formats()
    if not chosen:
        return Response("this page can be had as text/html, " + ", ".join(ENTITY_FORMATS)
                        + "\n", 406, mimetype="text/plain")
    media, rdf = chosen[0], [ENTITY_FORMATS[m] for m in chosen if m in ENTITY_FORMATS]
    if iri.startswith(BASE + "ontology/") and iri in entity_rdf.version_iris(kg):
        # The ontology's version IRI names the ontology as it is now: its page (an empty 200
        # before, the graph holding no statement about the version IRI itself).
        query = request.query_string.decode("latin-1")
        return redirect(f"{request.script_root}/ontology/" + (f"?{query}" if query else ""),
                        303)
    if media in ENTITY_FORMATS and iri == BASE + "ontology/":
        # The ontology's own IRI, asked for RDF: the ontology whole, as Protégé opens it
        # from its IRI (it was its six header triples: an empty ontology there).
        if (_asked_page() or 1) > 1:
            return Response("the ontology has 1 page\n", 404, mimetype="text/plain",
                            headers={"Vary": "Accept"})
        return _rdf_response(entity_rdf.ontology(kg), rdf)
    if media == HTML and source_mod.is_source(kg, iri):
        # A source's own page: what it is, its facts by topic, its text with the cited spans.
        page = render_template("source.html", s=source_mod.describe(kg, iri, sources_dir),
                               rdf_formats=RDF_FORMATS)
        return Response(page, headers={"Vary": "Accept"})
    if media in ENTITY_FORMATS:
        # The triples alone: what the page would show of them is not gathered.
        if not entity_mod.exists(kg, iri):
            return unknown.text(kg, iri)
        return _entity_rdf(kg, iri, rdf)
    ent = entity_mod.describe(kg, iri)
    if ent is None:
        return unknown.page(kg, iri)
    # Both layouts: the style sheet shows the narrow one on a phone's screen.
    edges = diagram.edges_of(ent)
    svg = diagram.neighbourhood(ent.label, edges) + diagram.narrow(ent.label, edges)
    resp = Response(render_template("entity.html", e=ent, svg=svg, rdf_formats=RDF_FORMATS,
                                    shared=ent.shared))
    resp.headers["Vary"] = "Accept"
    return resp
