"""Commands over the source texts: cite (an evidence block for a passage) and coverage (what
the evidence cites of each text)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ..namespaces import PREFIX_IRIS
from ..rdf import turtle_string
from ..settings import Settings
from ..sources import citations
from ..store.errors import StoreError
from ..wording import quoted, worded
from .main import EXIT_NO, _say, fail, load_graph, main, option, stdout_open


@main.command()
@click.argument("source")
@click.argument("quote")
@click.option("--name",
              help="Local name of the evidence node (ev:NAME): "
                   f"{citations.LOCAL_NAME_RULE} (default: the source's number and the quote's "
                   "first words, 000-negev-u-s-radar).")
@click.pass_obj
def cite(settings: Settings, source: str, quote: str, name: str):
    """Print a Turtle evidence block citing QUOTE in the SOURCE file, with offsets.

    SOURCE is the name of a file in the sources folder (--sources), such as
    000_06b6882714cf1880.txt, not a path.
    """
    stdout_open("the evidence block")
    try:
        block = citations.cite(settings.sources_dir, source, quote, name)
    except citations.QuoteNotFound as exc:
        fail(worded(exc, _as_typed), EXIT_NO)
    except citations.CiteError as exc:
        fail(worded(exc, _as_typed))
    click.echo(block)
    if name is None:  # the name the block was given
        name = citations.evidence_name(source, quote)
    cited_as, taken, declared = _citing(settings, source, quote, name)
    if declared and source not in declared:
        _say(f"note: the graph declares no source document {quoted(source)}, only "
             f"{', '.join(sorted(declared))}: evidence citing it is refused by validate "
             f"unless the proposal declares it too (src:{source} a ag:SourceDocument, with "
             "its ag:fileName, title, kind, SHA-256 and grade, as data/sources.ttl does)")
    if taken is not None:
        _say(f"note: data/ has an evidence node ev:{name} already, quoting {taken}: this "
             "block would add a second quote to it, which validate refuses; give --name "
             "another name")
    for cited in cited_as:
        held = cited.rsplit("/", 1)[-1]
        if held == name:  # the very node data/ holds: the block restates it
            _say(f"note: data/ holds this evidence node already (ev:{name}): a claim may cite it "
                 "as it is")
        else:
            _say(f"note: this passage is already cited as ev:{held}: cite that one "
                 "(prov:wasDerivedFrom takes several) rather than a second evidence node")


def _as_typed(parameter: str, *values) -> str:
    """Name what cite's refusals name as its user typed it: its arguments as
    ``SOURCE '../x'`` and ``--name 'x'``, a setting as every command names it (``option``)."""
    if parameter == "source" and values:
        return f"SOURCE {quoted(values[0])}"
    if parameter == "name" and values:
        return f"--name {values[0]!r}"
    return option(parameter, *values)


def _citing(settings: Settings, source: str, quote: str,
            name: str) -> tuple[list[str], str | None, set[str]]:
    """Return the IRIs of the built graph's evidence nodes quoting ``quote`` in ``source``,
    what its node ``ev:name`` quotes when that is another passage (else None): a name taken
    already, and the file names of the source documents it declares: a file of the sources
    folder that is none (the folder's README.md) is cited only with its declaration.

    Read from the build validation reads (``context.prebuilt``: the cached build, or the
    directory store of a large graph), not by loading the graph: `cite` must stay quick on a
    graph of a million facts.  None is found when nothing is built yet (the block is printed
    all the same; `validate` builds).
    """
    from ..proposals import context  # imported here: only cite needs it

    try:
        built = context.prebuilt(settings)
    except (StoreError, OSError):
        return [], None, set()
    if built is None:
        return [], None, set()
    # Named as validate reads a source's name: its ag:fileName, else its IRI's last segment.
    declared = {r["file"].value if r["file"] is not None else
                r["source"].value.rsplit("/", 1)[-1] for r in built.query(
        "SELECT ?source ?file WHERE { ?source a ag:SourceDocument "
        "OPTIONAL { ?source ag:fileName ?file } }",
        prefixes=PREFIX_IRIS, use_default_graph_as_union=True)}
    rows = built.query(f"""SELECT DISTINCT ?evidence WHERE {{
        ?evidence a ag:Evidence ; oa:hasSource/ag:fileName {turtle_string(source)} ;
                  oa:hasSelector/oa:exact {turtle_string(quote)} }} ORDER BY ?evidence""",
                       prefixes=PREFIX_IRIS, use_default_graph_as_union=True)
    held = [r["evidence"].value for r in rows]
    node = PREFIX_IRIS["ev"] + name
    if node in held:
        return held, None, declared
    quoted_there = built.query(f"""SELECT ?file ?exact WHERE {{
        <{node}> a ag:Evidence ; oa:hasSelector/oa:exact ?exact .
        OPTIONAL {{ <{node}> oa:hasSource/ag:fileName ?file }} }} ORDER BY ?file ?exact LIMIT 1""",
                               prefixes=PREFIX_IRIS, use_default_graph_as_union=True)
    taken = next((repr(_clipped(r["exact"].value)) + (f" in {r['file'].value}" if r["file"]
                                                      else "") for r in quoted_there), None)
    return held, taken, declared


def _clipped(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most - 3] + "..."


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False),
              default="text",
              show_default=True)
@click.option("--source", "source", metavar="FILE",
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
        return
    for c in report:
        click.echo(f"{c.source}  {c.cited}/{c.total} sentences cited ({c.percent:.0f}%)")
        for s in c.uncited:
            click.echo(f"  [{s.start}:{s.end}] {s.text}")
        for quote in c.unplaced:
            click.echo(f"  quote not found in the text: {quote!r}")


