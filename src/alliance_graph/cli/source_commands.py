"""Commands over the source texts: cite (an evidence block for a passage) and coverage (what
the evidence cites of each text)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ..settings import Settings
from ..sources import citations
from ..wording import no_names, quoted, worded
from .main import EXIT_NO, _say, fail, load_graph, main, option, stdout_open
from .param_types import Choice, Text


@main.command()
@click.argument("source", type=Text("no source is given", "give the name of a file in the "
                                    "sources folder (--sources), such as "
                                    "000_06b6882714cf1880.txt"))
@click.argument("quote", type=Text("no quote is given", "give the words of SOURCE that support "
                                   "the claim, as it writes them", words=True))
@click.option("--name", type=Text("no name is given", "give the evidence node's local name, "
                                  "or leave the option out for the default one", words=True),
              help="Local name of the evidence node (ev:NAME): "
                   f"{citations.LOCAL_NAME_RULE} (default: the source's number and the quote's "
                   "first words, 000-negev-u-s-radar).")
@click.pass_obj
def cite(settings: Settings, source: str, quote: str, name: str):
    """Print a Turtle evidence block citing QUOTE in the SOURCE file, with offsets.

    SOURCE is the name of a file in the sources folder (--sources), such as
    000_06b6882714cf1880.txt, not a path.
    """
    # Imported here: its notes read the built graph, which the command's help needs none of.
    from ..proposals import citing

    stdout_open("the evidence block")
    no_names(quote)  # noted as every argument is (main's parse_args): a text, not a name
    try:
        block = citations.cite(settings.sources_dir, source, quote, name)
    except citations.QuoteNotFound as exc:
        fail(worded(exc, _as_typed), EXIT_NO)
    except citations.CiteError as exc:
        fail(worded(exc, _as_typed))
    click.echo(block)
    if name is None:  # the name the block was given
        name = citations.evidence_name(source, quote)
    for note in citing.notes(settings, source, quote, name):
        _say(f"note: {worded(note, _as_typed)}")


def _as_typed(parameter: str, *values) -> str:
    """Name what cite's refusals name as its user typed it: its arguments as
    ``SOURCE '../x'`` and ``--name 'x'``, a setting as every command names it (``option``)."""
    if parameter == "source" and values:
        return f"SOURCE {quoted(values[0])}"
    if parameter == "name" and values:
        return f"--name {values[0]!r}"
    return option(parameter, *values)


@main.command()
@click.option("--format", "fmt", type=Choice(["text", "json"], case_sensitive=False),
              default="text",
              show_default=True)
@click.option("--source", "source", metavar="FILE",
              type=Text("no source file is given", "name a file in the sources folder, or "
                        "leave the option out to report every source"),
              help="Report only this source file (default: every source).")
@click.pass_obj
def coverage(settings: Settings, fmt: str, source: str | None):
    """Print, per source text, how many sentences evidence cites, and list the uncited ones."""
    from ..sources import coverage as coverage_mod  # imported here: only this command needs it

    stdout_open("the report")
    if not settings.sources_dir.is_dir():  # said as cite and validate say it
        fail(citations.missing_sources(settings.sources_dir))
    kg = load_graph(settings)
    try:
        report = coverage_mod.coverage(kg, settings.sources_dir, only=source)
    except (FileNotFoundError, citations.SourceNotText) as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps([{**asdict(c), "percent": round(c.percent, 1)} for c in report],
                              indent=2, ensure_ascii=False))
    else:
        for c in report:
            click.echo(f"{c.source}  {c.cited}/{c.total} sentences cited ({c.percent:.0f}%)")
            for s in c.uncited:
                click.echo(f"  [{s.start}:{s.end}] {s.text}")
            for quote in c.unplaced:
                click.echo(f"  quote not found in the text: {quote!r}")
    # A copy of the sources with Windows line ends (git's core.autocrlf) was counted against
    # offsets of the recorded text, without a word: 30 of 32 sentences cited, for 27.
    recorded = {r["file"].value: r["sha"].value for r in kg.query(
        "SELECT ?file ?sha WHERE { ?s a ag:SourceDocument ; ag:fileName ?file ; "
        "ag:sha256 ?sha }")}
    for c in report:
        said = citations.not_recorded(settings.sources_dir / c.source, recorded[c.source]) \
            if c.source in recorded else None
        if said:
            _say(f"note: {said}; the evidence's offsets are the recorded text's, so its "
                 "counts are of another text")


