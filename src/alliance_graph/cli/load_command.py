"""The load command: the graph built into its store (the build cache, a directory store, a
remote store), or written as the N-Quads a remote store's bulk loader reads."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import Settings
from ..wording import shown
from .main import PathType, fail, main, option, said
from .output_file import cannot_write, ended_by_signals, file_name, not_an_input
from .param_types import Text


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
    # Imported here: the store's modules are the work, which the command's help needs none of.
    from ..build.loading import LoadError
    from ..store import backends

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
