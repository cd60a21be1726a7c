"""The commands checking the graph: check (the violation checks, the shapes, the sources'
hashes) and catalogue (the named queries against their reviewed answers)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..settings import Settings, carried
from ..wording import Metavar, Said, shown
from . import crash_guard
from .main import (
    EXIT_NO,
    EXIT_OK,
    _say,
    at_once,
    fail,
    load_graph,
    main,
    said,
    stdout_open,
    verdict,
)

if TYPE_CHECKING:
    from ..build.loading import Problem


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
    crash_guard.guarded("catalogue failed")  # a query of the user's own queries/, as query
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
    # Imported here: the checks are the work, which the command's help needs none of.
    from ..build import checks
    from ..build.loading import LoadError
    from ..build.pipeline import asserted, shown_names
    from ..build.problem_list import renamed

    stdout_open("the report")
    try:
        parsed = at_once(lambda: asserted(settings))
    except LoadError as exc:
        fail(f"the graph could not be built:\n{exc}")
    named = shown_names(settings)  # each file as its reader opens it, not data/ whatever --data
    found = at_once(lambda: checks.problems(parsed.quads, parsed.texts, shown=named))
    if settings.sources_dir.is_dir():  # found as cite, coverage and validate find it
        found += renamed(_unrecorded(parsed, settings.sources_dir), named)
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
    from ..build import checks
    from ..build.lines import LineIndex
    from ..build.loading import Problem
    from ..build.places import Places
    from ..rdf import file_of
    from ..sources import recorded

    found = recorded.unrecorded(parsed.quads, sources_dir)
    places = Places(checks.store_of(parsed.quads), LineIndex(parsed.texts)) if found else None
    return [Problem(file_of(q.graph_name), places.triple_line(file_of(q.graph_name), q.subject,
                                                              q.predicate, q.object),
                    f"{said}; {_UNREADABLE if unreadable else _UNRECORDED}")
            for q, said, unreadable in found]


# What follows from each finding, for the reader of check's report: an unreadable source was
# told the consequence of an edited one (the offsets "may not hold", the hash's tag), where
# cite, validate and coverage refuse it.
_UNRECORDED = ("cite, validate and coverage read this file, where the evidence's offsets, the "
               "recorded text's, may not hold [source-hash-mismatch]")
_UNREADABLE = ("cite, validate and coverage refuse this file, and no quote of it can be "
               "checked [source-unreadable]")
