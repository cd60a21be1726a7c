"""What an option a command does not have was meant as, where that is plain: one of its
choices written as an option (``stats --json`` for ``--format json``: click offered
"Did you mean '--output'?" of ``export --ttl``), or a long option written with one dash
(``query -format csv``, which click reads as the short options ``-f -o -r ...`` run
together, refusing "No such option '-f'", a letter the user never typed alone), or a file
named with a leading '-' (``validate -x.ttl``, given after ``--``), as words or a number
beginning with one are (``cite SOURCE "-40 degrees"``); and a word
left over that is such a choice, a flag's name or an option's value (``query aid-amounts
csv``, ``catalogue update``, ``export graph.ttl``: "Got unexpected extra argument").
"""

from __future__ import annotations

import os

import click

from ..clipping import clipped, cut
from ..wording import quoted, shown

# Arguments that are no click.Path yet are read as a file from here when one is named so.
_PATHS_TOO = ("query_or_file",)


def option_meant(command: click.Command, option: str, args: list[str],
                 name: str | None = None) -> str | None:
    """Return what to say of ``option``, which ``command`` (called ``name``, else its own)
    refused, given the command line's ``args``: the option and choice it writes, or the
    option its one dash stands for; None where neither is plain."""
    name = name or command.name
    # A file named with a leading '-' (validate -x.ttl): click read it as options ("No such
    # option '-x'"), and nothing said how to give it.
    if advice := file_meant(command, option, args, name):
        return f"{option} is no option of {name}: {advice}"
    # Words beginning with '-' (cite SOURCE "-40 degrees", query "-- a comment"): no option
    # holds a space or starts with a digit, yet click said "No such option '-4'" alone.
    worded = next((a for a in args if a.startswith(option) and (
        any(c.isspace() for c in a) or a[1:2].isdigit())), None)
    if worded is not None and any(isinstance(p, click.Argument) for p in command.params):
        return (f"{cut(option, 20)} is no option of {name}: {clipped(worded, show=quoted)} begins with "
                f"'-', which is read as options; give it after --, which ends them ({name} "
                f"-- ...)")
    if option.startswith("--"):
        word = option[2:].lower()
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
                choices = {str(c).lower(): c for c in param.type.choices}
                if word in choices:
                    return (f"{option} is no option of {name}: did you mean "
                            f"{max(param.opts, key=len)} {choices[word]}?")
        return None
    # The word click read its first letter from: "-format", "-format=csv".
    glued = next((a for a in args if a.startswith(option) and not a.startswith("--")
                  and len(a.split("=")[0]) > 2), None)
    if glued is None:
        return None
    long = "-" + glued.split("=")[0]
    if any(long in param.opts for param in command.params):
        return f"{glued} is no option of {name}: a long option takes two dashes, {long}"
    return None


def file_meant(command: click.Command, option: str, args: list[str],
               name: str | None = None) -> str:
    """Return how to give the file named by the word of ``args`` that ``option``, refused,
    was read from (``-x.ttl``; ``add --format=``, another command's option), for
    ``command`` (called ``name``); "" where no file is so named.  Only where an argument is a
    path from here: cite's SOURCE, a name in the sources folder, was told to give ./-x.txt
    or -- -x.txt, each refused (no folder; no '-' first)."""
    named = next((a for a in args if a.startswith(option) and os.path.isfile(a)), None)
    if named is None or not _takes_paths(command):
        return ""
    return _dash_file(name or command.name, named)


def options_filed(command: click.Command, args: list[str]) -> str:
    """Return a note for a word of ``args``, which ``command`` read whole, that it read as an
    option and that names a file too (``validate --format=ttl other.ttl``, a file named
    --format=ttl here: the option, silently): both readings, and how to give the file; ""
    where there is none."""
    words = args[:args.index("--")] if "--" in args else args
    valued = {opt for param in command.params if isinstance(param, click.Option)
              and not param.is_flag and not param.count for opt in param.opts}
    for before, word in zip([None, *words], words):
        if before in valued:  # an option's value (-o --x.csv): a name already
            continue
        if word.startswith("-") and word != "-" and os.path.isfile(word) and \
                _takes_paths(command):
            # The name as messages write it (``wording.shown``): a line feed or an ESC byte
            # in it split the note or reached the terminal as they came.
            named = shown(word)
            return (f"note: {named} is read as the option {shown(word.partition('=')[0])}, "
                    f"though a file here has that name: to give the file, put it after --, "
                    f"which ends the options ({command.name} ... -- {named}), or write ./{named}")
    return ""


def _takes_paths(command: click.Command) -> bool:
    """Return whether an argument of ``command`` is a path from here (not cite's SOURCE, a
    name in the sources folder, which ./-x.txt or -- -x.txt does not give)."""
    return any(isinstance(p, click.Argument) and (
        isinstance(p.type, click.Path) or p.name in _PATHS_TOO) for p in command.params)


def _dash_file(name: str, named: str) -> str:
    """Return how to give the file ``named``, whose name begins with '-', to command ``name``,
    the name as messages write it (``wording.shown``: ``--into=a\\nb.ttl``)."""
    named = shown(named)
    return (f"{named} is a file, and a name beginning with '-' is read as options; give it "
            f"after --, which ends them ({name} -- {named}), or as ./{named}")


def dash_files(command: click.Command, args: list[str]) -> str:
    """Return what to tell with a usage error of ``command`` given ``args`` where a word read
    as an option is also a file's name (``validate --format=ttl``, a file so named: "Missing
    argument 'FILES...'", the file never named): how to give it; "" where none is."""
    words = args[:args.index("--")] if "--" in args else args
    named = next((w for w in words if w.startswith("-") and w != "-" and os.path.isfile(w)),
                 None)
    if named is None or not _takes_paths(command):
        return ""
    return _dash_file(command.name, named)


def extra_meant(command: click.Command, extra: list[str]) -> str:
    """Return what to add to "Got unexpected extra argument" of ``extra``: the flag a word of
    it names, or the option it is a choice of (``query aid-amounts csv``: ``--format csv``),
    else the one option
    taking a value of a command that takes no argument (``coverage 000_x.txt``:
    ``--source 000_x.txt``); "" where neither is plain."""
    for word in extra:
        for param in command.params:
            if isinstance(param, click.Option) and param.is_flag and f"--{word}" in param.opts:
                return f": did you mean --{word}?"  # catalogue update
            if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
                choices = {str(c).lower(): c for c in param.type.choices}
                if word.lower() in choices:
                    return f": did you mean {max(param.opts, key=len)} {choices[word.lower()]}?"
    valued = [p for p in command.params if isinstance(p, click.Option) and not p.is_flag
              and not p.is_eager and not isinstance(p.type, click.Choice)]
    if len(extra) == 1 and len(valued) == 1 and \
            not any(isinstance(p, click.Argument) for p in command.params):
        return (f": {command.name} takes no argument; did you mean "
                f"{max(valued[0].opts, key=len)} {extra[0]}?")
    return ""


class SlipCommand(click.Command):
    """A command whose words left over are told as the option they were plainly meant for:
    click said "Got unexpected extra argument (csv)" of ``query aid-amounts csv``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.allow_extra_args = True  # kept, to be told here rather than refused by click
        given = list(args)  # (click consumes args)
        try:
            rest = super().parse_args(ctx, args)
        except click.NoSuchOption:
            raise  # told of a file so named by option_meant
        except click.UsageError as exc:
            if advice := dash_files(self, given):
                message = (exc.message or "").rstrip()  # (a missing argument's: none)
                exc.message = f"{message}{'' if message[-1:] in ('', '.', '?') else '.'} " \
                              f"{advice}".lstrip()
            raise
        if not ctx.resilient_parsing and (note := options_filed(self, given)):
            click.echo(note, err=True)  # a note, not a refusal: the option is what it says
        if ctx.args and not ctx.resilient_parsing:
            s = "s" if ctx.args[1:] else ""
            ctx.fail(f"Got unexpected extra argument{s} ({' '.join(ctx.args)})"
                     + extra_meant(self, ctx.args))
        return rest
