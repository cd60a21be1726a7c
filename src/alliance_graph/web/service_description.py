"""What GET /sparql says about itself: SPARQL 1.1 Service Description, VoID and examples.

The statistics are counted once when the app is created (the store never changes while it
serves); the description depends on the URL the endpoint is reached by, so its serialization
is cached per endpoint URL and format.  Queries in ``queries/*.rq`` (the catalogue) are listed as
``sh:SPARQLExecutable`` examples, as the SIB and UniProt endpoints publish theirs, and on the
query page; they are followed as the folder changes (``Examples``), as builds are.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Response, request

from ..clipping import clipped
from ..namespaces import DCTERMS, PREFIX_IRIS, RDF, RDFS, SCHEMA
from ..query import catalogue, guard, used_prefixes
from ..query import results as queries
from ..query.answer import well_formed_xml
from ..query.bounds import Bounds
from ..query.refused import Refused
from ..store import numbers
from . import negotiation
from .fields import format_values

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
FORMATS = "http://www.w3.org/ns/formats/"
# The description's vocabularies beside the project's, for its Turtle, TriG and RDF/XML.
DESCRIPTION_PREFIXES = {**PREFIX_IRIS, "sd": SD, "void": VOID, "sh": SH}
XSD_INTEGER = ox.NamedNode(PREFIX_IRIS["xsd"] + "integer")
# The W3C format IRI of each of our formats, keyed by queries.py's short names.
RESULT_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
                      "TriG", "N-Quads"]
_EXECUTABLE = {"SELECT": ("SPARQLSelectExecutable", "select"),
               "ASK": ("SPARQLAskExecutable", "ask"),
               "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
               "DESCRIBE": ("SPARQLDescribeExecutable", "describe")}


def n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def statistics(kg) -> dict:
    """Count triples per named graph, and the VoID figures of the default (asserted) graph."""
    per_graph = {s["g"].value: numbers.count(s["n"]) for s in kg.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", per_file=True)}
    [row] = kg.query("""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?distinctSubjects)
        (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?distinctObjects)
        WHERE { ?s ?p ?o }""")
    classes = len(list(kg.query("SELECT DISTINCT ?c WHERE { ?x a ?c }")))
    default = {v: numbers.count(row[v]) for v in
               ("triples", "distinctSubjects", "properties", "distinctObjects")}
    default["classes"] = classes
    return {"graphs": per_graph, "default": default}


def examples(queries_dir: Path, bounds: Bounds | None = None) -> list[dict]:
    """Return the catalogue's queries: name, title, comment, text and form; those the
    endpoint's ``bounds`` (``serve --max-query-*``; the defaults without) would refuse left out."""
    found = (example(path, bounds, most_bytes(bounds)) for path in
             (catalogue.query_files(queries_dir) if queries_dir.is_dir() else []))
    return [one for one in found if one is not None]


def most_bytes(bounds: Bounds | None) -> int:
    """Return the bytes an example's file may hold: a query within ``bounds``, and a BOM."""
    return (bounds or Bounds()).max_bytes + len("\ufeff".encode())


def example(path: Path, bounds: Bounds | None = None, most: int | None = None) -> dict | None:
    """Return the example ``path`` holds (``examples``), or None for a file no example of the
    endpoint can be read from; one over ``most`` bytes is not read past them."""
    try:
        # Read as the catalogue reads it: a file that is not UTF-8 text stopped `serve`
        # before it listened, said to be a host name it could not resolve.
        text = catalogue.read_text(path, most)
        title, comment = catalogue.header(path, text)
        form = guard.check(text, {}, bounds=bounds).form
    except (catalogue.CatalogueError, Refused):
        return None  # a malformed or refused query is no example of this endpoint
    if form not in _EXECUTABLE:
        return None
    return {"name": path.stem, "title": title, "comment": comment, "text": text, "form": form}


# Seconds between two looks at the catalogue's folder: a look stats each .rq in it.
LOOK_EVERY = 1.0
# Seconds within which a file's modification time may be shared by two writes (the kernel's
# clock tick is a few milliseconds; a network file system's may be coarser).
RECENT = 2


class Examples:
    """The catalogue's examples (``examples``), followed while the server runs: a query added,
    edited or removed in ``queries/`` is listed (or not) within ``LOOK_EVERY`` seconds.  They
    were read once, before the server listened, and the page and the description listed the
    old ones until a restart.

    A look, at most once per ``LOOK_EVERY`` whatever the requests, stats each .rq file and
    reads again only a file whose identity, size or modification time differs from the last
    look's, or was written under ``RECENT`` seconds ago (a second edit of the same size in
    the same clock tick would look the same).  The whole folder was read again for any
    change: with 20,000 queries, 3.4 s at each look while one file was being edited.  One
    request looks; the others meanwhile answer from the last listing (they waited for the
    look).  A file larger than a query may be is no example, and is not read: a link to a
    file of gigabytes was read whole, on a request."""

    def __init__(self, queries_dir: Path, bounds: Bounds | None = None):
        self.queries_dir, self.bounds = queries_dir, bounds
        self._most = most_bytes(bounds)
        self._lock = threading.Lock()
        self._looked = -LOOK_EVERY  # time.monotonic() of the last look
        self._files: dict[str, tuple[tuple, dict | None]] = {}  # name: (its stat, example)
        self._listed: tuple[int, list[dict]] = (0, [])

    @staticmethod
    @lru_cache(maxsize=8)
    def of(queries_dir: Path, bounds: Bounds | None = None) -> Examples:
        """Return the one follower of ``queries_dir``'s examples within ``bounds`` in this
        process, which the service description and the query page share: they list the same."""
        return Examples(queries_dir, bounds)

    def current(self) -> list[dict]:
        """Return the examples as the folder holds them now (within ``LOOK_EVERY``)."""
        return self.listed()[1]

    def listed(self) -> tuple[int, list[dict]]:
        """Return the examples and the number of their listing, which changes with them
        (a description written from them is kept under it)."""
        if time.monotonic() - self._looked < LOOK_EVERY:
            return self._listed
        # Another request looking: its last listing (waited for, before the first look).
        if not self._lock.acquire(blocking=self._looked < 0):
            return self._listed
        try:
            if time.monotonic() - self._looked >= LOOK_EVERY:
                self._look()
                self._looked = time.monotonic()
        finally:
            self._lock.release()
        return self._listed

    def _look(self) -> None:
        recent = time.time_ns() - RECENT * 10**9
        files = {}
        for name, seen in _state(self.queries_dir):
            kept = self._files.get(name)
            if kept is not None and kept[0] == seen and seen[2] <= recent:
                files[name] = kept
            elif seen[0] is None or seen[1] > self._most:
                files[name] = (seen, None)  # a link to nothing, or too large: left unread
            else:
                # Stat'ed before it is read: a change while it is read differs next time.
                files[name] = (seen, example(self.queries_dir / name, self.bounds, self._most))
        self._files = files
        listed = [one for _, (_, one) in sorted(files.items()) if one is not None]
        if listed != self._listed[1]:
            self._listed = (self._listed[0] + 1, listed)


def _state(queries_dir: Path) -> list[tuple[str, tuple]]:
    """Return each .rq file of ``queries_dir`` and what a look sees of it: its identity, size
    and modification time (None, 0, 0 where it cannot be stat'ed: gone since listed, a link to
    nothing); none where the folder cannot be read (gone, or a file now)."""
    seen = []
    try:
        with os.scandir(queries_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".rq"):
                    try:
                        st = entry.stat()
                        seen.append((entry.name, (st.st_ino, st.st_size, st.st_mtime_ns)))
                    except OSError:
                        seen.append((entry.name, (None, 0, 0)))
    except OSError:
        return []
    return seen


def describe(svc, endpoint: str, listed: list[dict] | None = None) -> list[ox.Triple]:
    """Return the description of the service reached at ``endpoint``, listing the first
    ``example_texts`` of the examples ``listed`` (the service's current ones without)."""
    e = n(endpoint)
    root = endpoint.rsplit("/sparql", 1)[0]
    ds, dg = ox.BlankNode(), ox.BlankNode()
    t = [ox.Triple(e, n(RDF.type), n(SD + "Service")),
         ox.Triple(e, n(SD + "endpoint"), e),
         ox.Triple(e, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
         ox.Triple(e, n(SD + "defaultEntailmentRegime"),
                   n("http://www.w3.org/ns/entailment/Simple")),
         ox.Triple(e, n(SD + "defaultDataset"), ds),
         ox.Triple(ds, n(RDF.type), n(SD + "Dataset")),
         ox.Triple(ds, n(RDF.type), n(VOID + "Dataset")),
         ox.Triple(ds, n(DCTERMS.title),
                   ox.Literal("alliance-graph: U.S.-Israel military cooperation, cited")),
         # The version every answer's ETag is made from (backends.dataset_version).
         ox.Triple(ds, n(PREFIX_IRIS["owl"] + "versionInfo"), ox.Literal(svc.version)),
         ox.Triple(ds, n(VOID + "sparqlEndpoint"), e),
         ox.Triple(ds, n(VOID + "dataDump"), n(root + "/dataset")),
         ox.Triple(ds, n(SD + "defaultGraph"), dg),
         ox.Triple(dg, n(RDF.type), n(SD + "Graph")),
         ox.Triple(dg, n(RDFS.comment), ox.Literal(
             "The union of the asserted graphs; add inferred=true for the OWL 2 RL closure.")),
         ]
    t += [ox.Triple(e, n(SD + "resultFormat"), n(FORMATS + f)) for f in RESULT_FORMAT_IRIS]
    t += [ox.Triple(dg, n(VOID + k), count(v)) for k, v in svc.stats["default"].items()]
    for name in sorted(svc.graphs):
        ng, g = ox.BlankNode(), ox.BlankNode()
        t += [ox.Triple(ds, n(SD + "namedGraph"), ng),
              ox.Triple(ng, n(RDF.type), n(SD + "NamedGraph")),
              ox.Triple(ng, n(SD + "name"), n(name)),
              ox.Triple(ng, n(SD + "graph"), g),
              ox.Triple(g, n(RDF.type), n(SD + "Graph")),
              ox.Triple(g, n(VOID + "triples"), count(svc.stats["graphs"].get(name, 0)))]
        if svc.graphs[name] == svc.names.inferred:
            t.append(ox.Triple(ng, n(SD + "entailmentRegime"),
                               n("http://www.w3.org/ns/owl-profile/RL")))
    # The first examples alone (``example_texts``): with 20,000 the description was 28 MB,
    # too large to be kept, and written again at every request (0.7 s).
    listed = svc.examples.current() if listed is None else listed
    for ex in listed[:svc.settings.example_texts]:
        x = n(f"{endpoint}#{ex['name']}")
        cls, prop = _EXECUTABLE[ex["form"]]
        t += [ox.Triple(x, n(RDF.type), n(SH + "SPARQLExecutable")),
              ox.Triple(x, n(RDF.type), n(SH + cls)),
              ox.Triple(x, n(RDFS.label), ox.Literal(ex["title"])),
              ox.Triple(x, n(SH + prop), ox.Literal(ex["text"])),
              ox.Triple(x, n(SCHEMA.target), e)]
        if ex["comment"]:
            t.append(ox.Triple(x, n(RDFS.comment), ox.Literal(ex["comment"])))
    return t


def respond(svc) -> Response:
    """Answer GET /sparql without a query: the description in a negotiated RDF syntax."""
    # Its format is named as a query's is (``protocol.format_values``): the first value it
    # read alone, so "output=xml" (Fuseki's name, as /sparql takes it) was not read, and
    # "format=&format=nt" or a value it did not know before one it did were not either.
    fmt = negotiation.pick_format(format_values(request.args), negotiation.GRAPH_OFFERS,
                                  queries.GRAPH_FORMATS, request.headers.get("Accept"))
    # Spelled from the Host header as sent (the front has checked it): werkzeug's base_url
    # decodes an IDNA host name, and one that does not decode ("xn--a.b") raised UnicodeError,
    # a 500; its request.host is "" for names it does not like (a_b, a:99999), which made the
    # endpoint <http:///sparql>.  Without a Host (HTTP/1.0), the server's own name.
    host = request.environ.get("HTTP_HOST") or request.host
    endpoint = f"{request.scheme}://{host}{request.root_path}{request.path}"
    try:
        ox.NamedNode(endpoint)
    except ValueError as exc:
        raise Refused(400, f"the Host header {clipped(host, show=repr)} makes no IRI for this "
                           "endpoint") from exc
    number, listed = svc.examples.listed()
    key = (endpoint, fmt.name, number)  # written again once the examples change
    body = svc.descriptions.get(key)
    if body is None:
        # Written as answers are, declaring the prefixes it uses (sd:, void:, sh: too).
        body = used_prefixes.written(describe(svc, endpoint, listed), fmt.oxigraph, 1 << 62,
                                     DESCRIPTION_PREFIXES)
        if fmt.oxigraph == ox.RdfFormat.RDF_XML:
            # The catalogue's texts are a contributor's: a .rq file with CRLF line ends read
            # back without its CRs, and one holding a control character was a 200 no parser
            # reads (the answers' and dumps' XML is checked so already).
            body = well_formed_xml(body, fmt)
        # Bounded by bytes, least recently used out: the Host header is the client's to choose.
        svc.descriptions.put(key, body, len(body) + len(endpoint))
    return Response(body, 200, {"Content-Type": negotiation.media_type(fmt), "Vary": "Accept"})
