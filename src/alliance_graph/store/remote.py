"""A remote SPARQL 1.1 store, read through the Protocol and shaped like a local store.

``RemoteStore`` answers ``query``, ``named_graphs`` and ``quads_for_pattern`` as a local
Oxigraph store in the project's layout does: the default graph is ``graph/asserted`` (the
union of the asserted file graphs, held once more by the remote store), with the inferred
triples ``graph/asserted-and-inferred`` (one graph, a third copy: ``remote_quads.py``), the
named graphs are the file graphs and ``graph/inferred``.  Every query tells the store which
graphs it sees with ``default-graph-uri`` and ``named-graph-uri``, so it needs no
union-default-graph setting and its other graphs stay out of the answers; an empty default
graph, or no named graphs, is said too, by naming ``EMPTY``, a graph no store holds (left
unsaid, a store chooses: Virtuoso then reads every graph it has).  Answers are parsed with
pyoxigraph, so results look the same whatever the backend; every failure is a ``StoreError``
in one line, or a ``QueryError`` with the store's own message when it rejects a query as
malformed.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from ..keywords import declared
from ..namespaces import BASE, PREFIX_IRIS
from ..settings import Settings
from ..sparql import line_col, tokenize, where
from . import addresses, oxigraph_errors, virtuoso_integers
from . import remote_answers as answers
from .errors import QueryError, StoreError
from .layout import ASSERTED, INFERRED, WITH_INFERRED
from .query_form import GRAPH_FORMS, form_of, update_of
from .remote_client import StoreClient
from .remote_messages import first_line, rejection, unaddressed, unshifted
from .virtuoso_concat import separated
from .virtuoso_integers import cast
from .virtuoso_rows import SORTED_ROWS, cut_at, limited
from .virtuoso_strings import untyped
from .virtuoso_tags import lowered, strlang_cased
from .virtuoso_values import filled
from .virtuoso_words import parted

# The settings fields giving a store's URLs, as its messages name them (``from_settings``).
SETTINGS_NAMES = {"query_url": "settings.store", "update_url": "settings.store_update_url",
                  "graph_store_url": "settings.store_graph_store_url"}
# A graph no store holds (nothing is ever written to it): naming it says "this graph is empty".
EMPTY = ox.NamedNode(BASE + "empty-graph")


# What Virtuoso is sent in place of a query, in this order: the keywords apart first, as the
# others read the words they make.
_FOR_VIRTUOSO = (parted, cast, untyped, lowered, strlang_cased, separated, filled)


class RemoteStore(StoreClient):
    """A remote SPARQL 1.1 store read through the Protocol, shaped like ``pyoxigraph.Store``."""

    def __init__(self, query_url: str, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 60.0,
                 load_timeout: float = 3600.0, max_answer_bytes: int = 2**30,
                 anonymous: bool = False, names: dict[str, str] | None = None):
        # How a message names each URL as its caller gave it (``wording.Said``): by these
        # parameters, or by the settings fields ``from_settings`` read them from.
        self.names = {"query_url": "query_url", "update_url": "update_url",
                      "graph_store_url": "graph_store_url", **(names or {})}
        # Each checked (addresses.given); none given, the update and Graph Store URLs are
        # derived beside the query URL.
        self.query_url = addresses.given(query_url, self.names["query_url"])
        self.update_url = addresses.given(update_url, self.names["update_url"]) if update_url \
            else addresses.beside(self.query_url, "update") or self.query_url
        if graph_store_url is None:
            graph_store_url = addresses.beside(self.query_url, "store")
        elif graph_store_url:
            graph_store_url = addresses.given(graph_store_url, self.names["graph_store_url"])
        self.graph_store_url = graph_store_url or None  # "": none, so load with SPARQL Update
        self.timeout = timeout
        self.load_timeout = load_timeout
        self.max_answer_bytes = max_answer_bytes
        self.anonymous = anonymous  # its messages' name for it (``StoreClient``)
        self._held: list[ox.NamedNode] | None = None
        self._unnamed_is_all: bool | None = None
        self._virtuoso: bool | None = None  # whether the store's last answer was Virtuoso's

    @classmethod
    def from_settings(cls, settings: Settings, anonymous: bool = False) -> RemoteStore:
        """Return the remote store ``settings.store`` names, with its URLs and time limits;
        a message names each URL by the field it was given in (``Settings(store_update_url=
        ...)``, ``--update-url`` to the command line), not by this class's parameter: a
        notebook's user read ``update_url='...'``, a name they never wrote."""
        return cls(settings.store, settings.store_update_url, settings.store_graph_store_url,
                   settings.remote_timeout, settings.remote_load_timeout,
                   settings.remote_max_answer_bytes, anonymous, names=SETTINGS_NAMES)

    # -- reading -------------------------------------------------------------------------

    def held_graphs(self) -> list[ox.NamedNode]:
        """Return this project's graphs the store holds, graph/asserted included (asked once)."""
        if self._held is None:
            self._held = self.graphs_under(PREFIX_IRIS["graph"])
        return list(self._held)

    def graphs_under(self, prefix: str) -> list[ox.NamedNode]:
        """Return the graphs the store holds whose names start with ``prefix``."""
        # `GRAPH ?g {}` lists graphs without reading them; Virtuoso answers it with nothing,
        # so then ask for the triples' graphs, as every store understands.  No dataset is
        # named: this one question is about every graph the store holds (staging graphs
        # included).  Grouped, and filtered here: Virtuoso 7.2 answers GROUP BY ?g from its
        # graph index (0.04 s beside 507,000 quads of other graphs), but a DISTINCT ?g or a
        # FILTER on ?g, even after the grouping, read every quad (1-2.6 s; without the FILTER,
        # no answer within 60 s), every command's first question on a store holding more.
        for query in ("SELECT DISTINCT ?g WHERE { GRAPH ?g { } "
                      f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}',
                      "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            graphs = sorted((r["g"] for r in self.select(query, [])
                             if isinstance(r["g"], ox.NamedNode)
                             and r["g"].value.startswith(prefix)), key=lambda g: g.value)
            if graphs:
                break
        return graphs

    def named_graphs(self) -> list[ox.NamedNode]:
        """Return the named graphs, as a local store lists them: every file graph and
        graph/inferred (graph/asserted and graph/asserted-and-inferred are default graphs,
        never named)."""
        return [g for g in self.held_graphs() if g not in (ASSERTED, WITH_INFERRED)]

    def forget(self) -> None:
        """Forget the graphs listed so far: the next call asks the store again."""
        self._held = None

    def query(self, query: str, *, prefixes: dict | None = None, default_graph=None,
              named_graphs=None, use_default_graph_as_union: bool = False, base_iri=None):
        """Run a query remotely; return pyoxigraph solutions, a boolean, or a list of triples."""
        prologue = ""
        if base_iri:
            prologue += f"BASE <{base_iri}> "
        if prefixes:
            # The query's own PREFIX lines win, read on its tokens (one in a comment or a
            # string declares nothing); the prologue stays on the query's first line, so the
            # line numbers in the store's error messages are the user's.
            own = declared(tokenize(query))
            prologue += "".join(f"PREFIX {p}: <{iri}> " for p, iri in prefixes.items()
                                if p not in own)
        # A store taking updates at its query URL (Virtuoso) runs one sent as a query: the
        # graph is read-only to every command but load, so none is sent.
        if (update := update_of(tokenize(query))) is not None:
            raise QueryError(f"{update.text} {where(query, update)} starts a SPARQL Update, "
                             "which is never run: the graph is read-only, changed only "
                             "through its files", line_col(query, update.start))
        params = self._dataset(default_graph, named_graphs, use_default_graph_as_union)
        # Virtuoso answers an OFFSET without a LIMIT wrongly (virtuoso_rows.limited), and
        # fails on a GROUP_CONCAT without a SEPARATOR (virtuoso_concat.separated); it keeps a
        # language tag in the case written (virtuoso_tags.lowered), and its STRLANG takes a
        # tag in one case alone (virtuoso_tags.strlang_cased); it reads keywords glued
        # together as none (virtuoso_words.parted), and loses the rows of a UNION branch of
        # VALUES alone (virtuoso_values.filled); it keeps an integer of 19 digits as a
        # decimal, but cast (virtuoso_integers.cast), and a string typed xsd:string as
        # another term than the plain string (virtuoso_strings.untyped).
        if self._virtuoso is None:
            self._unnamed_means_every_graph()  # an answer of the store's says what it is
        if self._virtuoso:
            virtuoso_integers.check(query)
        sent = prologue + query
        for rewritten in _FOR_VIRTUOSO if self._virtuoso else ():
            sent = rewritten(sent)
        text, cap = limited(sent) if self._virtuoso else (sent, None)
        try:
            return self.select(text, params, rejected=QueryError, cap=cap)
        except QueryError as exc:
            raise QueryError(*rejection(query, unshifted(str(exc), len(prologue)),
                                        prefixes)) from None
        except StoreError as exc:
            if "SR353" not in str(exc) or text == sent:
                raise
            raise StoreError(f"{exc} (the query was sent with a LIMIT after its OFFSET, as "
                             "Virtuoso answers an OFFSET without one wrongly: give the query "
                             "a LIMIT, at most the store's MaxSortedTopRows less the OFFSET)"
                             ) from None

    def _dataset(self, default_graph, named_graphs, union: bool) -> list[tuple[str, str]]:
        # The local layout, spelled out for the store (see the module docstring).
        if union:
            default = [ASSERTED, INFERRED]
        elif default_graph is None:
            default = [ASSERTED]
        else:
            given = default_graph if isinstance(default_graph, (list, tuple)) else [default_graph]
            # The store's own default graph holds nothing in this layout, as a local store's:
            # it was read as graph/asserted, so named graphs alone answered from every file.
            default = [g for g in given if not isinstance(g, ox.DefaultGraph)]
        if len(default) == 2 and set(default) == {ASSERTED, INFERRED}:
            default = self._with_inferred()
        # The Protocol leaves no named graphs when only default-graph-uri is given: keep them
        # all available to GRAPH patterns, as the local store does.
        named = self.named_graphs() if named_graphs is None else [
            g for g in named_graphs if not isinstance(g, ox.DefaultGraph)]
        return self.dataset_params(default, named)

    def _with_inferred(self) -> list[ox.NamedNode]:
        # The asserted and the inferred triples as one graph, which load writes: Virtuoso 7.2
        # evaluates several queries wrongly over the two graphs listed (aid-in-force-2020
        # gave one of its two rows, exit 0), as it did over the file graphs listed.
        held = self.held_graphs()
        if WITH_INFERRED in held or INFERRED not in held:  # nothing inferred: asserted alone
            return [WITH_INFERRED if WITH_INFERRED in held else ASSERTED]
        if self.is_virtuoso():
            raise StoreError(f"{self.named(self.query_url)} holds no "
                             f"{WITH_INFERRED.value.removeprefix(PREFIX_IRIS['graph'])} "
                             "graph (filled by an earlier alliance-graph, or by a bulk loader "
                             "from its document), without which Virtuoso answers a query over "
                             "the inferred triples wrongly: run load again")
        return [ASSERTED, INFERRED]  # the others read the list as it is meant

    def dataset_params(self, default: list, named: list) -> list[tuple[str, str]]:
        """Return the Protocol parameters giving a query exactly these graphs, either list
        possibly empty."""
        # Without default-graph-uri a store uses a default graph of its own (Oxigraph's store
        # default graph, Virtuoso's every graph): an empty one is said by naming EMPTY.
        params = [("default-graph-uri", g.value) for g in default or [EMPTY]]
        # Without named-graph-uri Oxigraph has no named graphs, as the Protocol says, but
        # Virtuoso lets GRAPH ?g read every graph it has (its own included); naming EMPTY
        # keeps them out there, and would show as a graph of its own to `GRAPH ?g {}` here.
        if not named and self._unnamed_means_every_graph():
            named = [EMPTY]
        return params + [("named-graph-uri", g.value) for g in named]

    def is_virtuoso(self) -> bool:
        """Return whether the store is Virtuoso (``remote_answers.from_virtuoso``: its
        answers' ``Server``, else what Virtuoso alone writes), asking it if need be."""
        if self._virtuoso is None:
            self.select("ASK { }", [])
        return bool(self._virtuoso)

    def _unnamed_means_every_graph(self) -> bool:
        # Asked of the store, once: does a query naming no named graphs see some all the same?
        if self._unnamed_is_all is None:
            self._unnamed_is_all = bool(self.select("ASK { GRAPH ?g { ?s ?p ?o } }",
                                                    [("default-graph-uri", EMPTY.value)]))
        return self._unnamed_is_all

    def select(self, query: str, params: list[tuple[str, str]],
               rejected: type[Exception] = StoreError, cap: int | None = None):
        """Run a query on the dataset that ``params`` (Protocol parameters) name, as given;
        an answer of ``cap`` rows or more may have been cut (virtuoso_rows.limited)."""
        result, virtuoso, again = self._answer(query, params, rejected)
        if cap is not None and sum(1 for _ in again()) >= cap:
            del result  # not kept by the failure's traceback (the "unsendable" note below)
            raise StoreError(f"{self.named(self.query_url)} may have cut the answer at {cap:,} rows: "
                             f"Virtuoso sorts at most {SORTED_ROWS:,} rows by default "
                             "(MaxSortedTopRows), the OFFSET included, and answers an "
                             "OFFSET without a LIMIT with those alone; give the query a LIMIT")
        if virtuoso and isinstance(result, list):
            most = cut_at(len(result), self._triples_sent)
            if most is not None:
                raise StoreError(f"{self.named(self.query_url)} may have cut the answer at {most:,} "
                                 "triples: Virtuoso cuts a CONSTRUCT's or DESCRIBE's answer "
                                 "at its row limit without saying so; raise the limit "
                                 "(ResultSetMaxRows in [SPARQL])")
        return result

    def _triples_sent(self, probe: str) -> int:
        # A graph no store holds, by both parameters: the probe reads no graph (virtuoso_rows).
        result, _, _ = self._answer(probe, [("default-graph-uri", EMPTY.value),
                                            ("named-graph-uri", EMPTY.value)], StoreError)
        return len(result)

    def _answer(self, query: str, params: list[tuple[str, str]], rejected: type[Exception]):
        body = urllib.parse.urlencode([("query", query), *params]).encode()
        # Ask for the one format that fits the query's form: offered both, Virtuoso writes a
        # CONSTRUCT's triples as a table of ?s ?p ?o.
        # The form as the engine reads it (query_form): after VERSION "1.2", glued to what
        # follows (CONSTRUCTWHERE{...}), read as none it was asked as JSON, and Oxigraph
        # answered a CONSTRUCT with HTTP 406.
        form = form_of(tokenize(query))
        graph = form is not None and form[1] in GRAPH_FORMS
        request = urllib.request.Request(self.query_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": answers.NTRIPLES if graph else answers.JSON})
        headers, data = self.send(request, rejected=rejected)
        oxigraph = self.from_oxigraph(headers, data)
        seen = answers.from_virtuoso(headers, data)
        virtuoso = self._virtuoso = bool(self._virtuoso) if seen is None else seen
        try:
            # No Content-Type is no media type: read as text/plain (email's default), an
            # empty answer passed for a graph.
            media = headers.get_content_type() if headers.get("Content-Type") else None
            result = answers.parse(media, data, virtuoso)
        except answers.MalformedAnswer as exc:
            said = oxigraph_errors.streamed(headers, data, oxigraph)
            if said is None:
                raise StoreError(f"{self.named(self.query_url)} answered with "
                                 f"{first_line(str(exc))}") from None
            raise oxigraph_errors.broken_off(
                unaddressed(said, self.query_url) if self.anonymous else said, oxigraph, body,
                rejected, self.named(self.query_url)) from None
        # An answer of another form than the query's (a boolean to a SELECT) was passed on as
        # the answer, or failed as a traceback in whoever read it.
        given = ("ASK" if isinstance(result, ox.QueryBoolean) else "SELECT"
                 if isinstance(result, ox.QuerySolutions) else "CONSTRUCT")
        asked = form[1] if form else given
        if {asked, given} - GRAPH_FORMS and asked != given:
            what = {"ASK": "a boolean", "SELECT": "solutions", "CONSTRUCT": "a graph"}[given]
            # The failure's traceback keeps this frame's locals: pyoxigraph's solutions, freed
            # by whichever thread collects, raise "unsendable" there (remote_answers.parse).
            del result
            raise StoreError(f"{self.named(self.query_url)} answered "
                             f"{'an' if asked == 'ASK' else 'a'} "
                             f"{asked} query with {what}")
        return result, virtuoso, lambda: answers.parse(media, data, virtuoso)

    def quads_for_pattern(self, subject, predicate, obj, graph_name=None) -> list[ox.Quad]:
        """Return the quads matching a pattern (None matches anything), like Oxigraph's: no
        graph reads the named graphs, ``DefaultGraph()`` the store's default graph, which
        holds nothing in this layout (graph/asserted is a named graph here)."""
        terms = (subject, predicate, obj)
        if any(isinstance(t, ox.BlankNode) for t in terms):
            raise ValueError("a remote store's blank nodes cannot be looked up by label")
        if isinstance(graph_name, ox.DefaultGraph):
            return []
        s, p, o = (str(t) if t is not None else f"?{v}" for t, v in zip(terms, "spo"))
        graphs = self.named_graphs() if graph_name is None else [graph_name]
        rows = self.select(f"SELECT * WHERE {{ GRAPH ?g {{ {s} {p} {o} }} }}",
                           self.dataset_params([], graphs))
        return [ox.Quad(subject or r["s"], predicate or r["p"], obj or r["o"],
                        r["g"] if graph_name is None else graph_name) for r in rows]

    # -- writing -------------------------------------------------------------------------

    def update(self, update: str, timeout: float | None = None, tries: int = 5) -> None:
        """Run a SPARQL Update on the remote store; a refusal is a ``StoreError``."""
        body = urllib.parse.urlencode({"update": update}).encode()
        try:
            self.send(urllib.request.Request(self.update_url, data=body, method="POST", headers={
                "Content-Type": "application/x-www-form-urlencoded"}), timeout, tries=tries)
        except StoreError as exc:
            if "permission" not in str(exc).lower():
                raise
            raise StoreError(f"{exc} (the endpoint's user may not update: on Virtuoso, "
                             'GRANT SPARQL_UPDATE TO "SPARQL"; see docs/remote-stores.md)') from None
        finally:
            self._held = None

    def post_quads(self, path: Path, timeout: float | None = None) -> None:
        """Send an N-Quads file to the store's Graph Store endpoint as one document."""
        with open(path, "rb") as data:
            request = urllib.request.Request(
                self.graph_store_url, data=data, method="POST",
                headers={"Content-Type": "application/n-quads",
                         "Content-Length": str(path.stat().st_size)})
            self.send(request, timeout)
        self._held = None
