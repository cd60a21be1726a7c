"""The types of the command line's values that click's own do not say as this command does:
seconds (``Seconds``), counts (``Count``), a port (``Port``), paths (``PathType``) and an
argument's text (``Text``)."""

from __future__ import annotations

import math

import click

from .. import settings as settings_mod
from ..wording import shown


class Seconds(click.FloatRange):
    """A positive number of seconds, or with ``zero`` one from 0 (click's FloatRange alone
    lets "nan" and "inf" through: ``serve --idle-timeout inf`` was a traceback, waitress
    taking its seconds as an int)."""

    name = "number of seconds"

    def __init__(self, zero: bool = False):
        super().__init__(min=0, min_open=not zero)

    def convert(self, value, param, ctx):
        try:
            seconds = super().convert(value, param, ctx)
        except click.BadParameter as refused:
            try:
                float(value)
            except (TypeError, ValueError):
                raise refused from None  # no number: "'x' is not a valid number of seconds."
            # Below the range: click said "0.0 is not in the range x>0." of the 0 typed.
            self.fail(f"{value!r} is not a number of seconds "
                      f"{'above' if self.min_open else 'from'} 0", param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if math.isinf(seconds):  # "inf", or a number past a float's range ("1e400")
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        if seconds > settings_mod.MOST_SECONDS:  # past what Python's waits can take
            self.fail(f"{value!r} is more seconds than a time limit may be "
                      f"({settings_mod.MOST_SECONDS:,}, some 31 years)", param, ctx)
        return seconds


class Count(click.IntRange):
    """A whole number from ``least`` on: click's IntRange refused a word as "'x' is not a
    valid integer range", a range being what the option has, not what it was to be given."""

    name = "whole number"

    def __init__(self, least: int = 1):
        super().__init__(min=least)


class Port(click.IntRange):
    """A port to listen on, 0 to 65535 (0: one the system picks): ``--port x`` was "'x' is not
    a valid integer range", and ``--port 70000`` "is not in the range 0<=x<=65535"."""

    name = "port"

    def __init__(self):
        super().__init__(0, 65535)

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"{value!r} is not a port: give a whole number from 0 to 65535 (0 "
                      "takes a free one, which the server prints)", param, ctx)


class Text(click.ParamType):
    """An argument's text, which an empty or blank value does not give: a usage error (exit
    2, naming the argument) as any other value a command cannot take.  ``cite SOURCE ""``
    (`cite "$SRC" "$QUOTE"`, QUOTE unset) exited 1, as though the quote had been looked for
    in the text and not found.  ``nothing``: what is not given ("no quote is given"),
    ``give``: what to give instead."""

    name = "text"

    def __init__(self, nothing: str, give: str):
        self.nothing, self.give = nothing, give

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            blank = f"only white space, {value!r}" if value else "the argument is empty"
            self.fail(f"{self.nothing} ({blank}): {self.give}", param, ctx)
        return value


class PathType(click.Path):
    """click's ``Path``, naming a path that is not UTF-8 in its refusals as every message does
    (``wording.shown``: "Directory 'bad\\xff' is a file."), where click wrote "bad\\ufffd"."""

    def convert(self, value, param, ctx):
        if not self.file_okay and isinstance(value, (str, bytes)) and not value.strip():
            # A folder option left empty (`--cache "$CACHE"`, CACHE unset): Path("") is ".",
            # so the build cache was written into the current directory, and --data "" read
            # it as the data folder.  (A file's own commands say what an empty one is.)
            self.fail("no folder is given: give one (for the current directory, .)", param, ctx)
        if value == "" and isinstance(param, click.Argument):
            # `validate "$F"`, F unset: Path("") is ".", said ".: is a folder, not a proposal".
            # (An option's own command says what an empty file name is: -o, --nquads.)
            self.fail("no file is given (the argument is empty): name one", param, ctx)
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            exc.message = exc.message.replace(click.format_filename(value), shown(value))
            raise
