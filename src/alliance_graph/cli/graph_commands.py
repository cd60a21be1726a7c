"""Commands over the built graph: stats and query (export, check, catalogue and load each in
a module of its own: ``command_list.py``)."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict

import click
import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS
from ..settings import Settings
from . import crash_guard, timed_answer
from .main import EXIT_NO, Seconds, at_once, fail, load_graph, main, stdout_open
from .output_file import BOM_HELP, Sink, Uncarried, byte_order_mark
from .param_types import TTL, Choice, KindChoice, Text, either


@main.command()
@click.option("--format", "fmt", type=Choice(["text", "json"], case_sensitive=False),
              default="text",
              show_default=True)
@click.pass_obj
def stats(settings: Settings, fmt: str):
    """Print the dataset version (as in ETags) and count triples, inferred triples, claims
    and the contested ones, evidence, sources and entities by class; in JSON each named
    graph's triples too."""
    # Imported here, as each command's work is: its help needs none of it (command_list.py).
    from ..query import stats as stats_mod
    from ..store import backends

    stdout_open()
    kg = load_graph(settings)
    figures = at_once(lambda: stats_mod.compute(kg, backends.dataset_version(settings, kg)))
    if fmt == "json":
        click.echo(json.dumps(asdict(figures), indent=2))
        return
    click.echo(f"dataset version      {figures.version}")
    click.echo(f"triples (asserted)   {figures.triples}")
    click.echo(f"triples (inferred)   {figures.inferred_triples}")
    click.echo(f"claims               {figures.claims}")
    click.echo(f"  contested          {figures.contested_claims}")
    click.echo(f"evidence nodes       {figures.evidence}")
    click.echo(f"source documents     {figures.sources}")
    click.echo("entities by class")
    for cls, n in figures.entities_by_class.items():
        click.echo(f"  {cls:<32} {n}")


# What --format offers each kind of answer (the library takes more names than the option),
# a graph's first (KindChoice).
_GRAPH, _RESULTS = "a graph (CONSTRUCT or DESCRIBE)", "a SELECT or ASK answer"
_KINDS = {_GRAPH: ["turtle", "nt", "jsonld", "xml", "table"],
          _RESULTS: ["json", "xml", "csv", "tsv", "table"]}


# The prefixes a query may use undeclared, in its help: a new user's first query wrote
# PREFIX lines the README's tour leaves out, or left one out and read "is not declared".
@main.command(help="Run a SPARQL query given as text, a .rq file, a catalogue name, or - for "
                   "stdin.\n\nThe project's prefixes are declared for it: "
                   + ", ".join(f"{p}:" for p in PREFIX_IRIS) + ".\n\nA name of the "
                   "project's namespaces the graph holds nowhere (a misspelt class or entity "
                   "matches nothing) is noted on standard error after the answer, with the "
                   "name likely meant, within what is left of --timeout.")
@click.argument("query_or_file", type=Text("no query is given", "give the query's text, a .rq "
                                           "file, a catalogue name, or - for standard input"))
@click.option("--format", "fmt", default="table", show_default=True,
              type=KindChoice(["table", "json", "xml", "csv", "tsv", "turtle", "ttl", "nt",
                               "jsonld"], _KINDS, shared=("table",), case_sensitive=False),
              help="table, or a SPARQL results format (SELECT/ASK) or RDF syntax (CONSTRUCT; "
                   "ttl is turtle, as export names it).")
@click.option("--inferred/--asserted", default=False, show_default=True,
              help="Include the OWL 2 RL inferred triples in the default graph.")
@click.option("--timeout", type=Seconds(), metavar="SECONDS",
              help="Stop the query after this many seconds, exit 1 (default: no limit; "
                   "Ctrl-C stops it at any time, exit 130).")
@click.option("--bom", is_flag=True, help=BOM_HELP.format("csv or tsv answer"))
@click.pass_obj
def query(settings: Settings, query_or_file: str, fmt: str, inferred: bool,
          timeout: float | None, bom: bool):
    from ..query import absent_names
    from .query_text import read_query

    given = fmt.lower()  # said as written: "--format turtle" of a user who wrote ttl
    fmt = "turtle" if given in TTL else given
    mark = byte_order_mark(bom, fmt, ("csv", "tsv"))
    text = read_query(settings, query_or_file)
    stdout_open()
    crash_guard.guarded("query failed")  # Oxigraph aborting on the query: one line, exit 1
    kg = load_graph(settings)
    began = time.monotonic()
    at_once(lambda: _answer(kg, text, fmt, inferred, mark, given), timeout,  # exit 1 only if cut short
            f"query failed: it did not finish within {timeout:g} s (--timeout)" if timeout else "",
            timed_answer.written_within)
    # A misspelt name: "(0 rows)" said nothing.  Noted within what is left of --timeout.
    left = None if timeout is None else timeout - (time.monotonic() - began)
    for note in absent_names.within(kg, text, left):
        click.echo(f"note: {note}", err=True)




def _answer(kg, text: str, fmt: str, inferred: bool, mark: bytes = b"",
            given: str | None = None) -> None:
    from ..query import csv_results
    from ..query import results as queries
    from . import graph_answer

    try:
        result = queries.run(kg, text, inferred=inferred)
        kind = queries.kind_of(result)
        if fmt != "table" and fmt not in (queries.GRAPH_FORMATS if kind == "graph"
                                          else queries.RESULT_FORMATS):
            what = "a graph (CONSTRUCT or DESCRIBE)" if kind == "graph" else \
                f"{'an ASK' if kind == 'ask' else 'a SELECT'} answer"
            fail(f"{what} cannot be written as --format {given or fmt}; give --format "
                 f"{either(_KINDS[_GRAPH if kind == 'graph' else _RESULTS])}")
        if fmt == "table" and kind != "graph":  # a graph's table is its Turtle, below
            # Aligned a thousand rows at a time and written as they come: measured whole, a
            # cross product's table took 13 GB before its first line (``table_lines``).
            for line in queries.table_lines(result, encoding=sys.stdout.encoding or "utf-8"):
                sys.stdout.write(line + "\n")
        elif fmt == "table" and (result := queries.triples_if_any(result)) is None:
            sys.stdout.write(queries.NO_TRIPLES + "\n")  # the empty Turtle showed nothing
        else:
            # Streamed as the rows come: `| head` ends a large answer at once, and nothing
            # holds the whole of it (buffered, a cross product took gigabytes before a row).
            fmt = "turtle" if fmt == "table" else fmt
            sink = Sink(sys.stdout.buffer, xml=fmt == "xml", csv=fmt == "csv",
                        names=kind == "graph", first=mark)
            if fmt == "jsonld":  # Oxigraph's refusal read as the query's own failure, exit 1
                result = _no_triple_terms(result)
            try:
                plain = fmt == "csv" and kind == "select" and csv_results.oxigraph_writes(
                    kg, text, PREFIX_IRIS.values())  # no triple term, no IRI with a comma
                pieces, result = graph_answer.pieces(result, fmt, text) if kind == "graph" \
                    else (None, result)  # its labels as /sparql's (blank_labels.gated)
                if pieces is not None:  # declaring the prefixes it uses
                    for piece in pieces:
                        sink.write(piece)
                else:
                    queries.serialize(result, fmt, sink, oxigraph_csv=plain)
                sink.end()
            except queries.QueryError as exc:
                if sink.failed is not None:  # the output failed, not the query
                    raise sink.failed from None
                formats = queries.GRAPH_FORMATS if kind == "graph" else queries.RESULT_FORMATS
                if not formats[fmt].carries_all and _written_whole(kg, text, inferred, kind):
                    # Oxigraph's writer refused the answer (rdf:about as a predicate in
                    # RDF/XML), which was said as the query's failure, exit 1.
                    reason = str(exc).removeprefix("query evaluation failed: ")
                    raise Uncarried(f"Oxigraph's writer refused it ({reason})") from None
                raise
    except queries.QueryError as exc:
        fail(f"query failed: {exc}", EXIT_NO)
    except Uncarried as exc:
        fail(f"the answer cannot be written as --format {given or fmt}: {exc}; give --format "
             + ("turtle or nt" if kind == "graph" else "json"))


def _written_whole(kg, text: str, inferred: bool, kind: str) -> bool:
    """Return whether the query's answer is written whole in a format that carries every
    answer: then its failure in another was that format's, as the endpoint tells them apart."""
    from ..query import results as queries

    try:
        with open(os.devnull, "wb") as nowhere:
            queries.serialize(queries.run(kg, text, inferred=inferred),
                              "nt" if kind == "graph" else "json", nowhere)
        return True
    except queries.QueryError:
        return False


def _no_triple_terms(triples):
    """Yield ``triples``; raise Uncarried at the first holding an RDF 1.2 triple term."""
    for triple in triples:
        if isinstance(triple.subject, ox.Triple) or isinstance(triple.object, ox.Triple):
            raise Uncarried("it holds an RDF 1.2 triple term, which JSON-LD has no syntax for")
        yield triple
