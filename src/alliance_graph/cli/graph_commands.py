"""Commands over the built graph: stats, query, export, catalogue, check, load."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import click
import pyoxigraph as ox

from ..atomic import write_output
from ..build import checks
from ..build.lines import LineIndex
from ..build.loading import LoadError, Problem
from ..build.pipeline import asserted
from ..build.places import Places
from ..facade.format_names import meant
from ..namespaces import PREFIX_IRIS
from ..query import absent_names, csv_results
from ..query import export as export_mod
from ..query import results as queries
from ..query import stats as stats_mod
from ..rdf import file_of
from ..settings import Settings, carried
from ..sources import recorded
from ..store import backends
from ..wording import Metavar, Said, shown, worded
from . import graph_answer, timed_answer
from .main import (
    EXIT_NO,
    EXIT_OK,
    PathType,
    Seconds,
    _say,
    at_once,
    fail,
    load_graph,
    main,
    option,
    said,
    stdout_open,
    verdict,
)
from .output_file import (
    Sink,
    Uncarried,
    byte_order_mark,
    cannot_write,
    ended_by_signals,
    file_name,
    not_an_input,
    output_file,
)
from .param_types import Choice, Text
from .query_text import read_query


@main.command()
@click.option("--format", "fmt", type=Choice(["text", "json"], case_sensitive=False),
              default="text",
              show_default=True)
@click.pass_obj
def stats(settings: Settings, fmt: str):
    """Print the dataset version (as in ETags) and count triples, inferred triples, claims
    and the contested ones, evidence, sources and entities by class; in JSON each named
    graph's triples too."""
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


# Excel on Windows reads a CSV file without a byte order mark in the system's code page.
_BOM_HELP = ("Begin a {} with a UTF-8 byte order mark, which Excel on Windows needs to "
             "read its text as UTF-8 (not by default: Python's csv module reading UTF-8, for "
             "one, takes the mark for part of the first column's name).")


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
              type=Choice(["table", "json", "xml", "csv", "tsv", "turtle", "ttl", "nt",
                                 "jsonld"], case_sensitive=False),
              help="table, or a SPARQL results format (SELECT/ASK) or RDF syntax (CONSTRUCT; "
                   "ttl is turtle, as export names it).")
@click.option("--inferred/--asserted", default=False, show_default=True,
              help="Include the OWL 2 RL inferred triples in the default graph.")
@click.option("--timeout", type=Seconds(), metavar="SECONDS",
              help="Stop the query after this many seconds, exit 1 (default: no limit; "
                   "Ctrl-C stops it at any time, exit 130).")
@click.option("--bom", is_flag=True, help=_BOM_HELP.format("csv or tsv answer"))
@click.pass_obj
def query(settings: Settings, query_or_file: str, fmt: str, inferred: bool,
          timeout: float | None, bom: bool):
    fmt = "turtle" if fmt.lower() in _TTL else fmt.lower()
    mark = byte_order_mark(bom, fmt, ("csv", "tsv"))
    text = read_query(settings, query_or_file)
    stdout_open()
    kg = load_graph(settings)
    began = time.monotonic()
    at_once(lambda: _answer(kg, text, fmt, inferred, mark), timeout,  # exit 1 only if cut short
            f"query failed: it did not finish within {timeout:g} s (--timeout)" if timeout else "",
            timed_answer.written_within)
    # A misspelt name: "(0 rows)" said nothing.  Noted within what is left of --timeout.
    left = None if timeout is None else timeout - (time.monotonic() - began)
    for note in absent_names.within(kg, text, left):
        click.echo(f"note: {note}", err=True)


# What --format offers each kind of answer (the library takes more names than the option).
_FORMATS_OF = {"select": "json, xml, csv, tsv or table", "ask": "json, xml, csv, tsv or table",
               "graph": "turtle, nt, jsonld, xml or table"}


def _answer(kg, text: str, fmt: str, inferred: bool, mark: bytes = b"") -> None:
    try:
        result = queries.run(kg, text, inferred=inferred)
        kind = queries.kind_of(result)
        if fmt != "table" and fmt not in (queries.GRAPH_FORMATS if kind == "graph"
                                          else queries.RESULT_FORMATS):
            what = "a graph (CONSTRUCT or DESCRIBE)" if kind == "graph" else \
                f"{'an ASK' if kind == 'ask' else 'a SELECT'} answer"
            fail(f"{what} cannot be written as --format {fmt}; give --format {_FORMATS_OF[kind]}")
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
        fail(f"the answer cannot be written as --format {fmt}: {exc}; give --format "
             + ("turtle or nt" if kind == "graph" else "json"))


def _written_whole(kg, text: str, inferred: bool, kind: str) -> bool:
    """Return whether the query's answer is written whole in a format that carries every
    answer: then its failure in another was that format's, as the endpoint tells them apart."""
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


# The names both --format options take for one syntax: `query --format turtle` was taken and
# `export --format turtle` refused, where each took ttl.
_TTL = ("ttl", "turtle")
_EXPORT_FORMATS = [name for fmt in export_mod.ALL_FORMATS
                   for name in (_TTL if fmt == "ttl" else (fmt,))]


@main.command()
@click.option("--format", "fmt", type=Choice(_EXPORT_FORMATS, case_sensitive=False),
              help="An RDF syntax, or for graph viewers (Gephi, Cytoscape, networkx): graphml, "
                   "nodes-csv or edges-csv (entities and the plain facts between them).  "
                   "Default: the one the -o file's extension names (.nt, .jsonld, .graphml, "
                   f"...), else {export_mod.DEFAULT_FORMAT} (turtle is ttl, as query "
                   "names it).")
@click.option("--inferred", is_flag=True, help="Include the OWL 2 RL inferred triples.")
@click.option("--rdf12", is_flag=True,
              help="Write claims as RDF 1.2 rdf:reifies triple terms instead of RDF 1.1 "
                   "reification: for RDF 1.2 readers (pyoxigraph 0.5, Oxigraph); rdflib 7 "
                   "refuses the triple terms in every format.")
@click.option("-o", "--output", metavar="FILE", type=PathType(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output (the default).")
@click.option("--bom", is_flag=True, help=_BOM_HELP.format("nodes-csv or edges-csv export"))
@click.pass_obj
def export(settings: Settings, fmt: str | None, inferred: bool, rdf12: bool, output: str | None,
           bom: bool):
    """Export the graph as RDF (quad formats keep one named graph per file) or as a network."""
    # All checked before the graph is loaded: a refusal comes at once, and nothing is written.
    target = output_file(settings, output)
    if target is None:
        stdout_open("the export: give -o FILE")
    try:
        fmt = export_mod.format_for(output or "-", "ttl" if fmt in _TTL else fmt, meant)
    except export_mod.ExportError as exc:
        if fmt == "turtle":  # named as given: "--format turtle was asked", not ttl
            fail(worded(exc, lambda name, *values: option(
                name, *("turtle" if value == "ttl" else value for value in values))))
        fail(exc)
    mark = byte_order_mark(bom, fmt, ("nodes-csv", "edges-csv"))
    kg = load_graph(settings)
    size = 0

    def write(out) -> None:  # written as the graph is read, never held whole (export_to)
        nonlocal size
        out.write(mark)
        size = len(mark) + export_mod.export_to(kg, fmt, out, inferred=inferred, rdf12=rdf12)

    try:
        if target is None:  # standard output gets the bytes as they are written
            sink = Sink(sys.stdout.buffer)
            try:
                at_once(lambda: write(sink))
                if sys.stdout.isatty():  # JSON-LD and RDF/XML end on the prompt's line
                    sink.end()  # (a file or a pipe gets the bytes ag.export returns)
            except Exception:
                if sink.failed is not None:  # the output failed (`| head`), not the export
                    raise sink.failed from None
                raise
        else:  # replaced whole or not at all: a full disk leaves the previous export intact
            try:
                with ended_by_signals():
                    at_once(lambda: write_output(target, write))
            except OSError as exc:
                if exc.filename != str(target) or isinstance(exc, BrokenPipeError):
                    raise  # (`-o /dev/stdout | head`: the reader went, as `| head` does)
                fail(cannot_write(target, exc))
            click.echo(shown(f"wrote {size} bytes to {target}"), err=True)
    except export_mod.ExportError as exc:
        fail(exc)


@main.command()
@click.option("--update", is_flag=True,
              help="Rewrite every reviewed answer and the manifest from the graph as it is now "
                   "(review that diff against the sources before committing it); another "
                   "update writing queries/ is waited for, up to a minute.")
@click.pass_obj
def catalogue(settings: Settings, update: bool):
    """Run the named queries in queries/ and compare them with their reviewed answers."""
    from ..query import catalogue as catalogue_mod
    stdout_open("the report")
    if update and carried(settings.queries_dir):  # as add refuses to write its data/
        fail(Said(lambda n: (
            f"{settings.queries_dir} is the catalogue the installed package carries, not a "
            "project's: answers rewritten there would be shared by everyone using the package "
            "and lost when it is installed again; update the catalogue of a project of your "
            f"own ({n('settings.root', Metavar('DIR'))}: a folder holding ontology/, data/ "
            "and queries/, such as a checkout of the project), nothing was written")))
    kg = load_graph(settings)
    try:
        if update:
            written = catalogue_mod.update(kg, settings.queries_dir, on_wait=_say)
            for path in written:
                click.echo(shown(f"{'wrote' if path.exists() else 'removed'} {path}"))
            if not written:
                click.echo("every answer and the manifest are as the graph answers now: "
                           "nothing written")
            return
        results = at_once(lambda: catalogue_mod.check(kg, settings.queries_dir, on_wait=_say))
    except catalogue_mod.CatalogueError as exc:
        fail(exc)
    code = verdict(EXIT_NO if any(problems for _, problems in results) else EXIT_OK)
    for name, problems in results:
        click.echo(f"{'FAIL' if problems else 'ok  '} {name}")
        for problem in problems:
            click.echo(shown(f"     {said(problem)}"))
    sys.exit(code)


@main.command()
@click.pass_obj
def check(settings: Settings):
    """Run the data and ontology *-violation.rq checks and the shapes' violations, and, where
    the sources folder is found, say each source file that is not the text the graph records
    (its ag:sha256); exit 1 if any finds something."""
    stdout_open("the report")
    try:
        parsed = at_once(lambda: asserted(settings))
    except LoadError as exc:
        fail(f"the graph could not be built:\n{exc}")
    found = at_once(lambda: checks.problems(parsed.quads, parsed.texts))
    if settings.sources_dir.is_dir():  # found as cite, coverage and validate find it
        found += _unrecorded(parsed, settings.sources_dir)
    code = verdict(EXIT_NO if found else EXIT_OK)
    for problem in found:
        click.echo(shown(problem))
    # The shapes run too (compiled: shape_checks.py); "from 27 checks" left them unsaid.
    click.echo(f"{len(found)} violation(s) from {len(checks.all_checks())} checks and "
               f"{checks.shapes_run(parsed.quads)} shapes")
    sys.exit(code)


def _unrecorded(parsed, sources_dir: Path) -> list[Problem]:
    """Return a Problem, on its ``ag:sha256`` line, of each source whose file is not the text
    the graph records (``sources.recorded``): a violation, as validate's finding of it is,
    where check said nothing and the commands reading the file placed quotes in another text."""
    found = recorded.unrecorded(parsed.quads, sources_dir)
    places = Places(checks.store_of(parsed.quads), LineIndex(parsed.texts)) if found else None
    return [Problem(file_of(q.graph_name), places.triple_line(file_of(q.graph_name), q.subject,
                                                              q.predicate, q.object),
                    f"{said}; cite, validate and coverage read this file, where the "
                    "evidence's offsets, the recorded text's, may not hold "
                    "[source-hash-mismatch]") for q, said in found]


@main.command()
@click.option("--update-url", type=Text("no URL is given", "give the store's SPARQL Update "
                                         "URL, or leave the option out to derive it"),
              help="SPARQL Update URL of a remote store (default: derived).")
@click.option("--graph-store-url",
              type=Text("no URL is given", "give the store's Graph Store Protocol URL, '' "
                        "for none, or leave the option out to derive it", empty=True),
              help="Graph Store Protocol URL of a remote store (default: derived; '': none).")
@click.option("--nquads", "nquads", type=PathType(dir_okay=False),
              help="Write what a remote store is filled with (every graph, graph/asserted "
                   "and graph/asserted-and-inferred) to this N-Quads file, for the store's "
                   "own bulk loader, instead.")
@click.pass_obj
def load(settings: Settings, update_url: str | None, graph_store_url: str | None,
         nquads: str | None):
    """Build the graph into the --store: for memory (the default) the build cache it loads at
    start, a directory store, or a remote store it is pushed to."""
    settings = settings.with_(store_update_url=update_url, store_graph_store_url=graph_store_url)
    # Given for a local store they were ignored: a `load --update-url ...` that forgot --store
    # built the memory store and exited 0, the remote store untouched.
    given = [name for name, value in (("--update-url", update_url),
                                      ("--graph-store-url", graph_store_url)) if value is not None]
    if given and backends.kind(settings.store) != "remote":
        fail(f"{' and '.join(given)} {'is' if len(given) == 1 else 'are'} a remote store's: give "
             f"{option('settings.store')} its http:// or https:// query URL (the store is "
             f"{shown(settings.store)})")
    if nquads is not None:
        if nquads == "-":  # written to a file named "-", where export's -o - is its output
            fail("--nquads - would write a file named -: give the N-Quads file's name (./- "
                 "for a file so named)")
        nquads = not_an_input(settings, Path(file_name(nquads)), "--nquads")
    try:
        if nquads:
            with ended_by_signals():
                summary = backends.write_remote_document(settings, nquads)
        else:
            summary = backends.load_into_store(settings)
    except LoadError as exc:
        fail(f"the graph could not be built:\n{exc}")
    except BrokenPipeError:  # `--nquads /dev/stdout | head`: the reader went, no error
        raise
    except OSError as exc:  # --nquads names a file that cannot be written, or a full disk
        if nquads and exc.filename == str(nquads):
            fail(cannot_write(nquads, exc))
        fail(f"cannot write {exc.filename or nquads or settings.store}: {exc.strerror or exc}")
    click.echo(shown(said(summary)))
