"""The ``alliance-graph`` group: global options, settings read once, and the helpers every
command uses to print and to fail with the right exit code."""

from __future__ import annotations

import atexit
import errno
import os
import signal
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

import click

from .. import atomic, project, waiting
from .. import settings as settings_mod
from ..proposals import transaction
from ..settings import Settings
from ..store.errors import StoreError
from ..wording import STREAM, command_line, folder_of, odd_names, os_error, shown, worded
from .command_list import LazyGroup
from .option_slips import SlipCommand, file_meant, option_meant
from .param_types import PathType, Seconds, Text  # noqa: F401 - the commands' types, named here too

EXIT_OK, EXIT_NO, EXIT_ERROR = 0, 1, 2
VERDICT = "alliance_graph.verdict"  # the exit code a command has decided, in click's meta


def verdict(code: int) -> int:
    """Record the exit code the command has decided on before it prints what found it (a
    reader closing the pipe early ends the printing, not the verdict); return it."""
    click.get_current_context().meta[VERDICT] = code
    return code


# Who gave each global option of this command, the user or a variable (``command_line``'s
# ``given``): set by ``main`` once it has read them, read by ``option`` on whichever thread
# words a message (``at_once`` runs the work on one of its own, outside click's context).
_given: dict[str, str] | None = None


def option(parameter: str, *values) -> str:
    """Name what the library's messages name as this command line gives it
    (``wording.command_line``): the option the user gave, the variable that set it, or both."""
    return command_line(parameter, *values, given=_given)


def who_gave() -> dict[str, str] | None:
    """Return who gave each global option of this command (``given_by``), for a process of
    its own to word its messages as ``option`` does (``serve``'s preparing one)."""
    return _given


def given_too(given: Mapping[str, str]) -> None:
    """Add who gave a command's own options (``--port``: ``"option"``, or the variable that
    set it) to who gave the global ones, for ``option`` and ``who_gave`` to name them so:
    ``serve``'s, which variables give too."""
    if _given is not None:
        _given.update(given)


def given_by(options: Mapping, environ: Mapping[str, str]) -> dict[str, str]:
    """Return, per global option, who gave it: ``"option"``, or the variable that set it."""
    given = {command_line(f"settings.{field}"): variable
             for variable, field in settings_mod.ENVIRONMENT.items()
             if environ.get(variable, "").strip()}  # blank ones set nothing
    return {**given, **{command_line(f"settings.{name}"): "option"
                        for name, value in options.items() if value is not None}}


def said(message) -> str:
    """Return ``message`` (a string or an exception) naming the command line's options; a
    string made while handling an exception (``f"...: {exc}"``) says its message so too."""
    return worded(message, option, sys.exc_info()[1])


def fail(message, code: int = EXIT_ERROR):
    """Print an error (a string, or an exception: naming options, ``said``) to stderr and
    exit with ``code``."""
    _say(f"error: {said(message)}")
    sys.exit(code)


def stdout_open(what: str = "the answer") -> None:
    """Exit 2 when standard output is closed (``>&-``): Python then has no sys.stdout, and a
    command writing its answer there failed with a traceback (query, export) or wrote nothing
    and gave its verdict (stats, check, catalogue, coverage, cite, validate: exit 0 for a
    report nobody saw)."""
    if sys.stdout is None:
        fail(f"standard output is closed: nowhere to write {what}")


def _say(message: str) -> None:
    """Print a note to stderr (progress, waiting, a warning), keeping stdout for results."""
    try:
        click.echo(shown(message), err=True)
    except OSError:  # standard error full or gone (`2>/dev/full`): the exit code still says it
        pass         # (a traceback, written nowhere, made every failure exit 1)


def at_once(work, timeout: float | None = None, over: str = "", wait=waiting.at_once):
    """Return ``work()`` (``waiting.at_once``, or ``wait`` that calls it: on a thread of its
    own, Oxigraph not coming back to Python while it works), ending the command at once at
    Ctrl-C, exit 130, or past ``timeout`` seconds, exit 1 with ``over`` as the reason.  The
    thread's own exceptions (``fail``'s exit too) are raised here, as if run here."""
    try:
        return wait(work, timeout, over=over)
    except waiting.TimedOut as exc:
        _leave(f"error: {exc}", EXIT_NO)
    except KeyboardInterrupt:
        _leave("interrupted", 130)


def _leave(message: str, code: int):
    # Not sys.exit: the thread may be inside the engine, or hold standard output's lock in
    # the middle of a write, and an orderly exit would wait for it or fail on that lock.  So
    # no `finally` of that thread runs: the output it was writing (`export -o`) is removed
    # here, or its hidden temporary file would stay beside the user's file.
    atomic.discard_unfinished()
    try:
        sys.stderr.write(shown(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def load_graph(settings: Settings):
    """Load the knowledge graph, turning build problems into a clear exit 2."""
    # Imported here: only the commands loading the graph need them (command_list.py).
    from ..build.loading import LoadError
    from ..store import graph as store

    try:
        return at_once(lambda: store.load(settings))
    except LoadError as exc:
        fail(f"the graph could not be built:\n{exc}")


class _Group(LazyGroup):
    """A command group that turns an unreachable or failing store, or a file or folder it
    cannot use (an unwritable --cache, a full disk), into one line and exit 2; run as the
    process's own command line, it ends the process itself (``_end``)."""

    own_process = False
    command_class = SlipCommand  # each command's words left over told as the option meant

    def main(self, *args, **kwargs):
        if args or kwargs.get("args") is not None:  # a caller's command line (a test's)
            return super().main(*args, **kwargs)
        self.own_process = True
        try:
            super().main(**kwargs)
        except SystemExit as exc:
            _end(exc.code)
        except OSError as exc:  # writing the help or the version, before any command ran
            # (`--help > /dev/full`: a traceback)
            _say(f"error: {unusable(exc)}")
            _end(EXIT_ERROR)
        _end(0)

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:  # the help or the version's reader went (`--help | head -0`):
            sys.exit(EXIT_OK)    # nothing left to say, and no error (click's exit 1)
        except KeyboardInterrupt:  # Ctrl-C as the command line is read (its modules load):
            click.echo("interrupted", err=True)  # click's "Aborted!" and exit 1, the code
            sys.exit(130)                          # of "the answer is no"

    def invoke(self, ctx):
        try:  # one landing in _invoked's `finally`, before _note_ctrl_c, too ("Aborted!", 1)
            return self._invoked(ctx)
        except KeyboardInterrupt:  # not "the answer is no" (1), which click's Abort gives
            click.echo("interrupted", err=True)
            _finish_commit(ctx.obj)
            sys.exit(130)

    def _invoked(self, ctx):
        global _given
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as exc:
            raise self._misplaced(ctx, exc) from None
        except StoreError as exc:
            fail(f"the store could not be used: {said(exc)}")
        except BrokenPipeError:  # the reader went (`| head`): nothing left to say, but the
            sys.exit(ctx.meta.get(VERDICT, EXIT_OK))  # verdict stands (`check | head` had exited 0)
        except OSError as exc:
            fail(unusable(exc, ctx.obj))
        finally:  # a test runs commands one after another in one process
            _given = None
            if self.own_process:
                _note_ctrl_c()

    def parse_args(self, ctx, args):
        # What a message may repeat as given: the arguments and variables (wording.odd_names).
        odd_names(*args, *(os.environ.get(variable) for variable in settings_mod.ENVIRONMENT))
        ctx.meta[_ARGS] = list(args)  # for what a refused option was meant as
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            raise self._early(ctx, exc, ctx.meta[_ARGS]) from None  # (args: consumed)

    def _early(self, ctx, refused: click.NoSuchOption, args) -> click.NoSuchOption:
        """Return the refusal of a command's option given before the command (``--format json
        stats``), saying where it goes: click said "No such option '--format'", as though no
        command had one; else ``refused`` itself."""
        option = refused.option_name
        owners = [name for name, command in sorted(self.commands.items())
                  if any(option in param.opts for param in command.params)]
        command = next((arg for arg in args if arg in self.commands), None)
        if not owners:  # -project (one dash), or the command's --json for --format json
            meant = option_meant(self, option, args, ctx.info_name) or \
                (command and option_meant(self.commands[command], option, args))
            return click.NoSuchOption(option, meant, ctx=ctx) if meant else refused
        if command not in owners:  # (no command given, or one without it)
            command = f"{', '.join(owners[:-1])} and {owners[-1]}" if owners[1:] else owners[0]
            how = "the command it is for"
        else:
            how = f"the command ({ctx.info_name} {command} {option} ...)"
        return click.NoSuchOption(option, f"{option} is an option of {command}, not of "
                                          f"{ctx.info_name} itself: give it after {how}", ctx=ctx)

    def _misplaced(self, ctx, refused: click.NoSuchOption) -> click.NoSuchOption:
        """Return the refusal of an option of the group given after its command (``serve
        --store x``), saying where it goes: click said "No such option '--store'. (Did you
        mean one of: '--host', '--port', '--workers'?)"; else ``refused`` itself."""
        option = refused.option_name
        command = refused.ctx.info_name if refused.ctx is not None else "the command"
        if not any(option in param.opts and not param.is_eager for param in self.params):
            # (--version is no setting for a command to run with.)  Another command's option
            # (`query -o out.csv`) was "No such option '-o'", as though no command had one.
            owners = [name for name, other in sorted(self.commands.items()) if name != command
                      and any(option in param.opts for param in other.params)]
            if not owners or option in ("-h", "--help"):
                meant = refused.ctx and option_meant(refused.ctx.command, option,
                                                     ctx.meta.get(_ARGS, []))
                return click.NoSuchOption(option, meant, ctx=refused.ctx) if meant else refused
            # `add --format=` beside a file so named was told the option alone, where
            # `validate --format=ttl` is told the file (option_slips.file_meant).
            advice = refused.ctx and file_meant(refused.ctx.command, option,
                                                ctx.meta.get(_ARGS, []), command)
            return click.NoSuchOption(option, (
                f"{option} is an option of {', '.join(owners[:-1])} and {owners[-1]}"
                if owners[1:] else f"{option} is an option of {owners[0]}")
                + f", not of {command}" + (f": {advice}" if advice else ""), ctx=refused.ctx)
        return click.NoSuchOption(option, (
            f"{option} is an option of {ctx.info_name} itself, not of {command}: give it before "
            f"the command ({ctx.info_name} {option} ... {command} ...)"), ctx=refused.ctx)


_ARGS = "alliance_graph.args"  # the command line as given, in the group's context's meta
_ctrl_c: list[bool] = []  # a Ctrl-C since the command ended


def _note_ctrl_c() -> None:
    """From here on a Ctrl-C is noted for ``_end`` to say, not raised: the command is done.
    Ignored (a script's `cmd &`, ``serve`` stopped as meant: _ctrl_c.close), it stays so."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, lambda *_: _ctrl_c.append(True))


def _end(code) -> None:
    """End the process, its command done, with ``code`` (``sys.exit``'s), or with "interrupted"
    and 130 after a Ctrl-C, as a Ctrl-C during the command ends it.
    What Python does at its end is done here (the threads still working are waited for, the
    exit hooks run, the output flushed), all but unloading every module (0.1 to 0.5 s): a
    Ctrl-C landing then found Python's handler gone and killed the process by the signal,
    without a word (a shell saw 130, a script a signal), and cutting that short is safe: the
    command's own work is over."""
    _note_ctrl_c()
    if code is None:
        status = EXIT_OK
    elif isinstance(code, int):
        status = code
    else:  # as Python says sys.exit("message")
        print(code, file=sys.stderr)
        status = 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    try:  # what the command wrote last may still be in the buffer
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went (`| head`): the verdict stands
        pass
    except OSError as exc:  # (`query 'ASK {}' > /dev/full` exited 0, nothing written)
        if status in (EXIT_OK, EXIT_NO):  # the answer or the report did not reach its reader
            # (else the command failed already, on this write or on another error, and said so)
            status = EXIT_ERROR
            try:
                sys.stderr.write(shown(f"error: {unusable(exc)}") + "\n")
            except (AttributeError, OSError, ValueError):
                pass
    except (AttributeError, ValueError):  # no stream (`>&-`), or closed
        pass
    if _ctrl_c and status != 130:  # (the command said it already)
        try:
            sys.stderr.write("interrupted\n")
        except (AttributeError, OSError, ValueError):
            pass
        status = 130
    _flush(sys.stderr)
    os._exit(status)


def _flush(stream) -> None:
    try:
        stream.flush()
    except (AttributeError, OSError, ValueError):  # no stream (`>&-`), or closed
        pass


def _finish_commit(settings) -> None:
    """Finish the commit of an add interrupted past its commit point (its journal written),
    saying so: else data/ held its journal and some files new, some old, until the next
    command read it (``transaction.settle``).  A commit of another process, holding the
    folder, is left to it."""
    if not isinstance(settings, Settings) or not (settings.data_dir / transaction.JOURNAL).exists():
        return
    try:
        transaction.settle(settings.data_dir, timeout=0.5)
        _say(f"the add's commit was under way: it was finished, the proposal's facts are in "
             f"{settings.data_dir}")
    except (OSError, transaction.CommitError, transaction.Busy):
        pass  # the next command reading the folder finishes it, saying so


def unusable(exc: OSError, settings=None) -> str:
    """Return what an OSError no command caught says: standard output full or failing (its
    writes are named so, ``STREAM``), else the file or folder and the setting giving it."""
    stream = getattr(exc, STREAM, None)
    if stream is not None and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{stream} is full ({exc.strerror}): what was written to it is cut short"
    if stream is not None:
        return f"{stream} could not be written ({exc.strerror or exc}): what was written to " \
               "it is cut short"
    return f"a file or folder could not be used: {os_error(exc)}{_whose(settings, exc.filename)}"


def _whose(settings, filename) -> str:
    """Return what names the setting giving the folder ``filename`` lies in (its option, its
    variable): "; /x is the cache folder (ALLIANCE_GRAPH_CACHE)"; else ""."""
    note = folder_of(settings, filename) if isinstance(settings, Settings) else None
    return "" if note is None else f"; {said(note)}"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "root", type=PathType(file_okay=False, path_type=Path),
              help="Project folder holding ontology/ and data/ (default: the current directory "
                   "if it holds them, else the checkout the package runs from, else the graph "
                   "the installed package carries). Env: ALLIANCE_GRAPH_PROJECT.")
@click.option("--data", "data_dir", type=PathType(file_okay=False, path_type=Path),
              help="Folder of Turtle data files (default: data/ of the project). "
                   "Env: ALLIANCE_GRAPH_DATA.")
@click.option("--ontology", "ontology_dir", type=PathType(file_okay=False, path_type=Path),
              help="Folder of ontology files (default: ontology/ of the project). "
                   "Env: ALLIANCE_GRAPH_ONTOLOGY.")
@click.option("--sources", "sources_dir", type=PathType(file_okay=False, path_type=Path),
              help="Folder of the source texts (default: ../shared/sources beside the project; "
                   "the installed package carries none, and looks for a copy in the user's "
                   "data folder: alliance-graph/sources there, as errors name it). "
                   "Env: ALLIANCE_GRAPH_SOURCES.")
@click.option("--cache", "cache_dir", type=PathType(file_okay=False, path_type=Path),
              help="Folder for the build cache (default: .cache/ of the project; for the "
                   "installed package's graph, the user's cache folder). "
                   "Env: ALLIANCE_GRAPH_CACHE.")
@click.option("--store", "store",
              type=Text("no store is given", "give memory, a directory, or a remote store's "
                        "query URL"),
              help="Where the graph lives: memory (default; built at start), a directory "
                   "(on-disk Oxigraph store, rebuilt when the inputs change) or the query URL "
                   "of a remote SPARQL 1.1 store (filled by `alliance-graph load`). "
                   "Env: ALLIANCE_GRAPH_STORE.")
@click.version_option(package_name="alliance-graph")
@click.pass_context
def main(ctx, **options):
    """Query, export and check the alliance-graph knowledge graph."""
    global _given
    _given = given_by(options, os.environ)
    cwd = project.current_directory()  # None: removed, no project there
    try:
        ctx.obj = project.for_command_line(options, os.environ, cwd)
    except (settings_mod.NoGraphFound, ValueError) as exc:  # ValueError: a variable that
        fail(exc)                                           # does not parse
    if note := project.unread(cwd, ctx.obj):
        _say(f"note: {said(note)}")
    # An add killed mid-commit leaves a journal: finish it before anything reads data/.
    try:
        for note in transaction.settle(ctx.obj.data_dir, on_wait=_say,
                                       timeout=transaction.data_folder.READ_WAIT):
            _say(note)
    except (OSError, transaction.CommitError, transaction.Busy) as exc:
        fail(f"the data folder {ctx.obj.data_dir} is mid-change and could not be settled: "
             f"{said(exc)}")


