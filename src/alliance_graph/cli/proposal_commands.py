"""Commands over proposed facts: validate them, add them to the data folder."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..settings import Settings
from ..wording import Said, shown, worded
from .main import (
    EXIT_NO,
    EXIT_OK,
    PathType,
    _say,
    fail,
    main,
    option,
    said,
    stdout_open,
    unusable,
    verdict,
)
from .param_types import Choice, Count

if TYPE_CHECKING:
    from ..build.loading import LoadError


@main.command()
@click.argument("files", nargs=-1, required=True, type=PathType(path_type=Path))
@click.option("--format", "fmt",
              type=Choice(["text", "json", "turtle", "ttl"], case_sensitive=False),
              default="text", show_default=True,
              help="turtle (or ttl, as query and export name it) is the W3C SHACL "
                   "validation report graph.")
@click.option("--max-findings", "max_findings", type=Count(), metavar="N",
              help="Report at most N findings, the most severe first, and how many more there "
                   "are (default: all).")
@click.pass_obj
def validate(settings: Settings, files: tuple[Path, ...], fmt: str, max_findings: int | None):
    """Check proposed Turtle FILES against the shapes and checks, with the current graph.

    New files are judged against the prebuilt graph (the build cache, or the --store
    directory; a large or directory graph is built first if missing): only what they touch
    is looked up, the rest of the graph was checked when it was built. Files that are
    already inputs (data/*.ttl), a remote store, or a small graph not built yet are
    validated with every file read anew. See docs/validation.md."""
    # Imported here: pyshacl takes a second to import, and a command's help needs none of it.
    from ..build.loading import LoadError
    from ..proposals import report, transaction, validation
    # `--format ttl`, which query and export take, was refused: "'ttl' is not one of ...".
    fmt = "turtle" if fmt == "ttl" else fmt
    stdout_open("the report")
    try:
        # The data files are read while no add renames them (its commit waits, as this waits
        # for one under way): a report on some files before the commit and some after would
        # find what neither state holds.
        with transaction.reading(settings.data_dir, on_wait=_say):
            result = validation.validate(settings, list(files))
        result = report.capped(result, max_findings)
    except (transaction.Busy, transaction.CommitError) as exc:
        fail(exc)
    except LoadError as exc:
        _unloadable(exc)
    code = verdict(EXIT_OK if result.conforms else EXIT_NO)
    if fmt != "text":  # the text report shows them itself; keep them off machine output
        for warning in result.warnings:
            _say(f"WARNING: {said(warning)}")
    click.echo(report.render(_names_shown(result), fmt, option))
    sys.exit(code)


def _names_shown(result):
    """Return a report with the files it names as every message names them (``shown``): its
    JSON wrote a name that is not UTF-8 as "bad\\udcff.ttl", its Turtle as "bad?.ttl"."""
    return dataclasses.replace(
        result, files=[shown(f) for f in result.files], validate_data=shown(result.validate_data),
        # A message naming another file (a claim's other value there) too: its folder's line
        # feed was written as it came, the finding on two lines.
        findings=[dataclasses.replace(f, file=shown(f.file) if f.file else f.file, message=Said(
            lambda n, m=f.message: shown(worded(m, n)))) for f in result.findings],
        warnings=[Said(lambda n, w=w: shown(worded(w, n))) for w in result.warnings])


def _unloadable(exc: LoadError):
    """Fail on proposals that cannot be read: one line for one problem (as every other
    error is), the problems a line each under the first when there are several."""
    fail(f"could not validate:{' ' if len(exc.problems) == 1 else chr(10)}{exc}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=PathType(path_type=Path))
@click.option("--into", type=PathType(dir_okay=False, path_type=Path),
              help="Topic file in the data folder to append the proposal's new blocks to "
                   "(default: the file that already describes each entity); new facts on a "
                   "node data/ holds go into that node's block wherever it is. A name no file "
                   "has starts a new one; one a letter or two from a data file's is refused as "
                   "a slip (to start a file so named, create it empty first).")
@click.pass_obj
def add(settings: Settings, files: tuple[Path, ...], into: Path | None):
    """Validate FILES and, only if they conform, merge their facts into the data folder.

    FILES are proposals written outside the data folder (a file in it is read by the build
    as it is, and is refused here).
    """
    from ..build.loading import LoadError
    from ..proposals import add as add_mod
    from ..proposals import merge, report, transaction
    try:
        result = add_mod.add(settings, list(files), into, on_wait=_say)
    except LoadError as exc:
        _unloadable(exc)
    except (merge.MergeError, transaction.CommitError) as exc:
        fail(exc)
    for note in result.settled + [f"WARNING: {said(w)}" for w in result.report.warnings]:
        _say(note)
    if result.merged is None:
        click.echo(report.to_text(_names_shown(result.report), option))
        fail("the proposal does not conform: nothing was added", EXIT_NO)
    done = [shown(f"{path}: {blocks} subject block(s) added or amended")
            for path, blocks in result.merged.added.items()] or \
        ["nothing new: every fact is already in the data"]
    if into is not None and result.merged.added and \
            str(settings.data_dir / into.name) not in result.merged.added:
        # `--into aid.ttl` of notes on claims of exercises.ttl: put there, without a word.
        _say(shown(f"note: nothing went into {into.name}: every block amends a node data/ holds, "
                   "and stays in that node's block (--into places new nodes' blocks)"))
    # The facts are in data/ by now: a summary standard output could not take (`> /dev/full`)
    # was said as any answer cut short, exit 2, and not a word that the add was made.
    try:
        click.echo("\n".join(done))
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader went (`| head`): nothing to say, as for every command
    except OSError as exc:
        fail(f"{unusable(exc)}; the add itself was made: {'; '.join(done)}")

