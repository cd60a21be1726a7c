"""The export command: the graph written as RDF or as a network, to a file or standard
output."""

from __future__ import annotations

import sys

import click

from ..atomic import write_output
from ..facade.format_names import meant
from ..settings import EXPORT_DEFAULT_FORMAT, EXPORT_FORMATS, Settings
from ..wording import shown, worded
from .main import PathType, at_once, fail, load_graph, main, option, stdout_open
from .output_file import (
    BOM_HELP,
    Sink,
    byte_order_mark,
    cannot_write,
    ended_by_signals,
    output_file,
)
from .param_types import TTL, Choice

_EXPORT_FORMATS = [name for fmt in EXPORT_FORMATS
                   for name in (TTL if fmt == "ttl" else (fmt,))]


@main.command()
@click.option("--format", "fmt", type=Choice(_EXPORT_FORMATS, case_sensitive=False),
              help="An RDF syntax, or for graph viewers (Gephi, Cytoscape, networkx): graphml, "
                   "nodes-csv or edges-csv (entities and the plain facts between them).  "
                   "Default: the one the -o file's extension names (.nt, .jsonld, .graphml, "
                   f"...), else {EXPORT_DEFAULT_FORMAT} (turtle is ttl, as query "
                   "names it).")
@click.option("--inferred", is_flag=True, help="Include the OWL 2 RL inferred triples.")
@click.option("--rdf12", is_flag=True,
              help="Write claims as RDF 1.2 rdf:reifies triple terms instead of RDF 1.1 "
                   "reification: for RDF 1.2 readers (pyoxigraph 0.5, Oxigraph); rdflib 7 "
                   "refuses the triple terms in every format.")
@click.option("-o", "--output", metavar="FILE", type=PathType(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output (the default).")
@click.option("--bom", is_flag=True, help=BOM_HELP.format("nodes-csv or edges-csv export"))
@click.pass_obj
def export(settings: Settings, fmt: str | None, inferred: bool, rdf12: bool, output: str | None,
           bom: bool):
    """Export the graph as RDF (quad formats keep one named graph per file) or as a network."""
    from ..query import export as export_mod  # here: the help needs none of it (rdflib)

    # All checked before the graph is loaded: a refusal comes at once, and nothing is written.
    target = output_file(settings, output)
    if target is None:
        stdout_open("the export: give -o FILE")
    try:
        fmt = export_mod.format_for(output or "-", "ttl" if fmt in TTL else fmt, meant)
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
