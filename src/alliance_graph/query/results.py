"""Run SPARQL queries on the graph and write their results in the standard formats.

``run`` returns Oxigraph's own result; ``rows`` and ``to_rdflib`` turn it into plain Python
values or an rdflib graph for notebooks; ``serialize`` writes it as SPARQL JSON/XML/CSV/TSV or
as an RDF syntax, using Oxigraph's serializers so output is standard and fast (but for CSV
that may hold what Oxigraph's writer leaves unquoted: ``csv_results``).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice

import pyoxigraph as ox

from .. import rdf
from ..namespaces import PREFIX_IRIS, bind_prefixes
from ..sparql import line_col, syntax_error
from ..store.errors import QueryError
from . import blank_labels, csv_results, guard
from .bounds import DEFAULT_BOUNDS, Bounds, tokens_within
from .dataset import Dataset
from .refused import Refused
from .thread_bound import unwrap
from .turtle_names import WholeNames


@dataclass(frozen=True)
class Format:
    """A result format: its short name, media type, and Oxigraph format."""

    name: str
    media_type: str
    oxigraph: object
    for_graphs: bool  # True: CONSTRUCT/DESCRIBE results; False: SELECT/ASK results
    # False for the formats some answers cannot be written in: XML (control characters; in
    # RDF/XML, predicates it has no element name for, RDF 1.2 triple terms) and JSON-LD
    # (RDF 1.2 triple terms).  ``answer.answer`` then tries the client's next format.
    carries_all: bool = True


RESULT_FORMATS = {f.name: f for f in [
    Format("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON, False),
    Format("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML, False, False),
    Format("csv", "text/csv", ox.QueryResultsFormat.CSV, False),
    Format("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV, False),
]}
GRAPH_FORMATS = {f.name: f for f in [
    Format("turtle", "text/turtle", ox.RdfFormat.TURTLE, True),
    Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, True),
    Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, True, False),
    Format("xml", "application/rdf+xml", ox.RdfFormat.RDF_XML, True, False),
    Format("trig", "application/trig", ox.RdfFormat.TRIG, True),
    Format("nq", "application/n-quads", ox.RdfFormat.N_QUADS, True),
]}
GRAPH_FORMATS["ttl"] = GRAPH_FORMATS["turtle"]
# Serializers that write prefix declarations (the others have no syntax for them).
_PREFIXED = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML}
_NAMED = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG}  # prefixed names Oxigraph may escape


def prefixes_for(rdf_format) -> dict | None:
    """Return the project's prefixes for a serializer that can declare them, else None."""
    return PREFIX_IRIS if rdf_format in _PREFIXED else None


# What Oxigraph raises for a query it read but could not evaluate: OSError for a store or a
# SERVICE that fails, RuntimeError for the query's own (an unsupported function, a SERVICE
# named by a variable left unbound), which went up as a traceback.
EVALUATION_ERRORS = (OSError, RuntimeError)


def run(kg, sparql: str, *, inferred: bool = False, bounds: Bounds | None = None,
        **graphs):
    """Run ``sparql`` on the knowledge graph; raise QueryError with the parser's message.

    The query's size, nesting and length are checked against ``bounds`` (the settings'
    defaults if None) first: pyoxigraph crashes the process on a deep enough query.  Its
    FROM and FROM NAMED choose its graphs as at the endpoint (``Dataset.resolve``), unless
    ``graphs`` (``default_graph``, ``named_graphs``, ``per_file``) are given.
    """
    if not isinstance(sparql, str):  # None, bytes, a number: said so, not a TypeError deep in
        raise TypeError(f"a query is text (str), not {type(sparql).__name__}")
    # A byte-order mark, as a file saved by some editors starts with, is not the query's.
    sparql = sparql.removeprefix("\ufeff")
    try:
        sparql.encode("utf-8")
    except UnicodeEncodeError as exc:  # text read with errors="surrogateescape", say
        line, column = line_col(sparql, exc.start)
        raise QueryError(f"the query is not valid Unicode text: it holds the lone surrogate "
                         f"U+{ord(sparql[exc.start]):04X} at line {line}, column {column} (a "
                         "byte that was not UTF-8, read with errors='surrogateescape'?)",
                         (line, column)) from None
    try:
        if graphs:
            tokens_within(sparql, bounds or DEFAULT_BOUNDS)
        else:  # the checks read the bounds first, on the same tokens
            graphs = _own_dataset(kg, sparql, inferred, bounds or DEFAULT_BOUNDS)
    except Refused as exc:
        raise QueryError(str(exc)) from exc
    try:
        return kg.query(sparql, **({"inferred": inferred} | graphs))
    except SyntaxError as exc:
        from .dialect import reads  # (the error's path alone)
        raise QueryError(*syntax_error(sparql, str(exc), PREFIX_IRIS,
                                       reads(PREFIX_IRIS))) from exc
    except EVALUATION_ERRORS as exc:
        raise QueryError(f"query evaluation failed: {exc}") from exc


def _own_dataset(kg, sparql: str, inferred: bool, bounds: Bounds) -> dict:
    """Return the ``kg.query`` arguments for the graphs the query's FROM and FROM NAMED name
    ({} when it names none): they were ignored, the query running over every file.  Raise
    Refused for a query over ``bounds``."""
    try:
        plan = guard.check(sparql, PREFIX_IRIS, (), bounds)
    except Refused as exc:
        if exc.status == 403:  # an update or a SERVICE call: the engine has its say on them
            return {}
        raise
    if not (plan.from_graphs or plan.from_named):
        return {}
    held = {g.value for g in kg.asserted} | {kg.inferred.value}
    return Dataset.resolve(held, kg.inferred.value, plan, inferred).arguments()


def kind_of(result) -> str:
    """Return "select", "ask" or "graph" for an Oxigraph query result (or ``ag.run``'s)."""
    result = unwrap(result, consume=False)
    if isinstance(result, ox.QuerySolutions):
        return "select"
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "graph"


def rows(result) -> list[dict]:
    """Return SELECT solutions as dicts of variable name to Oxigraph term (None if unbound)."""
    kind = kind_of(result)
    if kind != "select":
        said = ("an ASK result: bool(result) is its answer" if kind == "ask" else
                "a CONSTRUCT or DESCRIBE result: iterate over its triples, or use "
                "to_rdflib(result)" if _triples(result) else
                f"{type(result).__name__}: give it what run() returns for a SELECT query")
        del result  # not held by the refusal's frame (``answer.cleared`` says why)
        raise TypeError("rows() reads the solutions of a SELECT query, not " + said)
    result = unwrap(result)
    names = [v.value for v in result.variables]
    with evaluating():
        return [{n: s[n] for n in names} for s in result]


def _triples(result) -> bool:
    """Return whether ``result`` is a CONSTRUCT or DESCRIBE result (``run``'s or Oxigraph's)."""
    held = unwrap(result, consume=False)
    return isinstance(held, ox.QueryTriples) or (
        isinstance(held, list) and all(isinstance(t, (ox.Triple, ox.Quad)) for t in held))


def to_rdflib(result):
    """Return a CONSTRUCT or DESCRIBE result as an rdflib graph with the project's prefixes;
    ValueError for one holding an RDF 1.2 triple term or a literal with a base direction,
    which rdflib has no term for (``rdf.to_rdflib``)."""
    import rdflib  # here: the query engine's process never needs rdflib

    if not _triples(result):  # a SELECT's solutions failed on their missing .subject
        kind = kind_of(result)
        said = ("a SELECT result: rows(result) gives its solutions" if kind == "select" else
                "an ASK result: bool(result) is its answer" if kind == "ask" else
                f"{type(result).__name__}: give it what run() returns for a CONSTRUCT query")
        del result  # as in rows()
        raise TypeError("to_rdflib() reads the triples of a CONSTRUCT or DESCRIBE query, not "
                        + said)
    with evaluating():
        triples = list(unwrap(result))
    del result  # not held by the frame of a refusal below (``answer.cleared`` says why)
    return rdf.to_rdflib(triples, bind_prefixes(rdflib.Graph()))


def serialize(result, fmt: str, out=None, *, oxigraph_csv: bool = False) -> bytes | None:
    """Write a query result in the named format: into the binary stream ``out`` as the rows
    come (nothing is held), or, without one, as the bytes returned; raise QueryError if the
    form does not fit.  A SELECT's CSV is written by ``csv_results.write``, by Oxigraph's
    writer where ``oxigraph_csv`` says it writes this query's terms right
    (``csv_results.oxigraph_writes``); an ASK's CSV or TSV by ``csv_results.boolean``.  A
    graph's blank nodes are written with labels every RDF syntax reads (``blank_labels``),
    relabelled only where they may need it, as the command line writes them: ``ag.run``'s
    answer as it is (relabelled there where its query may make a label), one given as
    ``blank_labels.gated(result, text)`` so too; Oxigraph's own result, its query unknown,
    each label checked."""
    kind = kind_of(result)
    table = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    if fmt not in table:
        article = "an" if kind == "ask" else "a"
        raise QueryError(f"{article} {kind.upper()} result cannot be written as {fmt!r}; "
                         f"choose one of: {', '.join(sorted(table))}")
    into = io.BytesIO() if out is None else out
    with evaluating():
        if kind == "graph":  # a label BNODE("1") made, written so that readers take it
            rdf_format = table[fmt].oxigraph
            prefixes = prefixes_for(rdf_format)
            # Turtle and TriG: a name ending in "\." written whole, for rdflib (turtle_names)
            names = WholeNames(into, prefixes) if rdf_format in _NAMED else None
            ox.serialize(blank_labels.carried(result), names or into, format=rdf_format,
                         prefixes=prefixes)
            if names:
                names.end()
        elif fmt == "csv" and kind == "select":
            csv_results.write(unwrap(result), into, oxigraph=oxigraph_csv)
        elif kind == "ask" and table[fmt].oxigraph in csv_results.BOOLEAN_FORMATS:
            into.write(csv_results.boolean(bool(result), table[fmt].oxigraph))
        else:
            result.serialize(into, format=table[fmt].oxigraph)
    return into.getvalue() if out is None else None


_PREFIXES = rdf.PrefixMap(PREFIX_IRIS)
# Characters a terminal acts on, or reorders a line by, written as \u escapes in a cell (as
# the C0 controls are, and as a query may write them in a string or an IRI): the C1 controls
# (U+009B is a CSI, as ESC [ is; U+0085 a line end to some), the line and paragraph
# separators, and the bidirectional marks, embeddings, overrides and isolates.
_SHOWN = str.maketrans({c: f"\\u{c:04X}" for c in [
    *range(0x80, 0xA0), 0x61C, 0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A)]})


def _carried(text: str, encoding: str) -> str:
    """Return a cell with each character ``encoding`` has no byte for as a \\u escape."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        return "".join(c if c.encode(encoding, "ignore") else f"\\u{ord(c):04X}"
                       if ord(c) <= 0xFFFF else f"\\U{ord(c):08X}" for c in text)


def _cell(term) -> str:
    """Return a term as a query writes it, language tag or datatype shown, on one line."""
    # "axis of evil"@en or "2019"^^xsd:gYear in a cell says why a plain-string match fails.
    if term is None:
        return ""
    if isinstance(term, (ox.Literal, ox.NamedNode)):
        return rdf.turtle_term(term, _PREFIXES).translate(_SHOWN)
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term, as a query writes one
        # str() wrote its parts bare, IRIs whole: no <<( )>> to tell it from three terms.
        return f"<<( {' '.join(_cell(t) for t in term)} )>>"
    return str(term)


@contextmanager
def evaluating() -> Iterator[None]:
    """Turn an error Oxigraph raises while a result is read into a QueryError.

    Results are lazy: a failure during evaluation (a SERVICE that cannot be reached, a
    store that stops answering) surfaces only when the rows are read, after ``run``, as one
    of the errors ``run`` itself turns into a QueryError."""
    try:
        yield
    except EVALUATION_ERRORS as exc:
        raise QueryError(f"query evaluation failed: {exc}") from exc


# What a graph's table says when it has no triple (one's is its Turtle), as a SELECT's says
# "(0 rows)" under its header: the empty Turtle document was nothing at all on the screen.
NO_TRIPLES = "(0 triples)"


def triples_if_any(result):
    """Return a CONSTRUCT or DESCRIBE result's triples as an iterator, its first read to
    see there is one (put back), or None when it has none; ``ag.run``'s as it is (its labels
    relabelled again were other labels than its own)."""
    if type(result) is blank_labels.Carried:
        return result or None
    triples = iter(unwrap(result))
    with evaluating():
        first = next(triples, None)
    return None if first is None else chain([first], triples)


# Rows a streamed table aligns at a time (``table_lines``): what it holds in memory, and the
# wait before its first line.
TABLE_BATCH = 1000


def table(result) -> str:
    """Return a result as an aligned text table (SELECT), true/false (ASK), or Turtle
    (``NO_TRIPLES`` for a graph of none)."""
    return "\n".join(table_lines(result, batch=None))


def table_lines(result, batch: int | None = TABLE_BATCH,
                encoding: str = "utf-8") -> Iterator[str]:
    """Yield a result as ``table`` writes it, line by line, holding at most ``batch`` rows
    (None: all of them, every column as wide as its widest cell), each character
    ``encoding`` has no byte for written as a query writes it, ``\\u2019`` (written to a
    console in cp437 or cp1252, a curly quote or a Hebrew letter failed with a traceback).

    Columns are as wide as the widest cell of the first ``batch`` rows.  A later batch with a
    wider cell widens its column from there on and repeats the header at the new widths, so
    each part of the table is aligned under a header of its own: a SELECT of millions of rows
    is written as it comes, in bounded memory, rather than held whole to measure it.
    """
    # Cells are terms as a query writes them (strings quoted, with their language tag or
    # datatype; numbers and booleans bare; IRIs prefixed), as Jena's text format shows them.
    kind = kind_of(result)
    if kind == "ask":
        yield "true" if bool(result) else "false"
        return
    if kind == "graph":
        triples = triples_if_any(result)
        yield NO_TRIPLES if triples is None else serialize(triples, "turtle").decode()
        return
    result = unwrap(result)
    names = [v.value for v in result.variables]
    carry = (lambda text: text) if codecs.lookup(encoding).name == "utf-8" else \
        (lambda text: _carried(text, encoding))  # UTF-8 carries every character
    header = [carry(name) for name in names]
    widths, shown, count = [0] * len(header), None, 0
    solutions = iter(result)
    while True:
        with evaluating():  # only the reading: a failed write is the reader's, not the query's
            rows = [[carry(_cell(s[name])) for name in names]
                    for s in (solutions if batch is None else islice(solutions, batch))]
        count += len(rows)
        widths = [max([w, len(h)] + [len(r[i]) for r in rows])
                  for i, (w, h) in enumerate(zip(widths, header))]
        if widths != shown:  # the first batch, or one that widened a column
            yield _line(header, widths)
            yield _line(["-" * w for w in widths], widths)
            shown = widths
        for r in rows:
            yield _line(r, widths)
        if batch is None or len(rows) < batch:
            break
    yield f"({count} row{'s' if count != 1 else ''})"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
