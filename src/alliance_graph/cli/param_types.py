"""The types of the command line's values that click's own do not say as this command does:
seconds (``Seconds``), counts (``Count``), a port (``Port``), paths (``PathType``), a choice
(``Choice``) and the text of an argument or an option (``Text``).  Each refuses an empty or
blank value as a usage error naming the option or argument and saying so (``refuse_blank``)."""

from __future__ import annotations

import math

import click

from .. import settings as settings_mod
from ..clipping import clipped
from ..facade import format_names
from ..wording import quoted, shown


class Seconds(click.FloatRange):
    """A positive number of seconds, or with ``zero`` one from 0 (click's FloatRange alone
    lets "nan" and "inf" through: ``serve --idle-timeout inf`` was a traceback, waitress
    taking its seconds as an int)."""

    name = "number of seconds"

    def __init__(self, zero: bool = False):
        super().__init__(min=0, min_open=not zero)

    def convert(self, value, param, ctx):
        refuse_blank(self, value, param, ctx, "no number of seconds is given", "give one")
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

    def convert(self, value, param, ctx):
        refuse_blank(self, value, param, ctx, "no number is given",
                     f"give a whole number from {self.min}")
        return super().convert(value, param, ctx)


class Port(click.IntRange):
    """A port to listen on, 0 to 65535 (0: one the system picks): ``--port x`` was "'x' is not
    a valid integer range", and ``--port 70000`` "is not in the range 0<=x<=65535"."""

    name = "port"

    def __init__(self):
        super().__init__(0, 65535)

    def convert(self, value, param, ctx):
        refuse_blank(self, value, param, ctx, "no port is given", "give a whole number from 0 "
                     "to 65535 (0 takes a free one)")
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"{value!r} is not a port: give a whole number from 0 to 65535 (0 "
                      "takes a free one, which the server prints)", param, ctx)


def refuse_blank(kind: click.ParamType, value, param, ctx, nothing: str, give: str) -> None:
    """Refuse an empty or blank ``value`` as a usage error (exit 2) naming the option or the
    argument and saying it is empty: ``--source ""`` (``--source "$F"``, F unset) was looked
    for as a file named '' (exit 2, "no source file ''"), and each option said an empty value
    its own way (``-o``, ``--nquads``, ``--host``), as the name it did not find, or not at
    all.  ``nothing``: what is not given ("no quote is given"), ``give``: what to give
    instead."""
    if isinstance(value, (str, bytes)) and not value.strip():
        kind_of = "option" if isinstance(param, click.Option) else "argument"
        blank = f"only white space, {value!r}" if value else f"the {kind_of} is empty"
        kind.fail(f"{nothing} ({blank}): {give}", param, ctx)


class Text(click.ParamType):
    """An argument's or an option's text, which an empty or blank value does not give: a
    usage error (``refuse_blank``) as any other value a command cannot take.  ``cite SOURCE
    ""`` (`cite "$SRC" "$QUOTE"`, QUOTE unset) exited 1, as though the quote had been looked
    for in the text and not found."""

    name = "text"

    def __init__(self, nothing: str, give: str, words: bool = False, empty: bool = False):
        # words: the value is words to read (a quote, a name), never a path, so bytes that
        # are not UTF-8 (Python's lone surrogates for them) are a slip to say, not a file's
        # name: `cite SOURCE $'\xff'` was "not a verbatim substring ...: '\udcff'".
        # empty: an empty value says something (``load --graph-store-url ''``: no Graph
        # Store, SPARQL Update alone, as the docs and the store's 404 advice say), so it is
        # taken; white space alone is still refused.
        self.nothing, self.give, self.words, self.empty = nothing, give, words, empty

    def convert(self, value, param, ctx):
        if not (self.empty and value == ""):
            refuse_blank(self, value, param, ctx, self.nothing, self.give)
        if self.words and isinstance(value, str):
            at = next((i for i, c in enumerate(value) if "\udc80" <= c <= "\udcff"), None)
            if at is not None:
                self.fail(f"not UTF-8 text: byte 0x{ord(value[at]) - 0xDC00:02x} at character "
                          f"{at + 1} (the terminal's or the script's encoding): write it in "
                          "UTF-8", param, ctx)
        return value


class Choice(click.Choice):
    """click's ``Choice``, saying of an empty value that it is empty (``refuse_blank``), where
    click said "'' is not one of 'text', 'json'", and of a format's name written otherwise
    the one meant (``format_names``)."""

    def convert(self, value, param, ctx):
        refuse_blank(self, value, param, ctx, "nothing is chosen",
                     "choose one of " + ", ".join(map(str, self.choices)))
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as refused:
            if not isinstance(value, str):
                raise
            # Said as every message says a value (click said a 100 KB one whole, and a byte
            # not UTF-8 '\udcff'), and of a format's name written otherwise (json for jsonld)
            # the one meant, as the library's export says it.
            refused.message = (f"{clipped(value, show=quoted)} is not one of "
                               f"{', '.join(map(repr, self.choices))}{self.meant(value)}")
            raise

    def meant(self, value: str) -> str:
        """Return what ends the refusal of ``value``: the format it plainly means, else "."."""
        names = format_names.meant(value, self.choices)
        return f": {format_names.said(names)}" if names else "."


class KindChoice(Choice):
    """A ``Choice`` of formats for kinds of answer that the option cannot tell apart when it is
    read (a query's ``--format``: its query may be a SELECT or a CONSTRUCT), saying of a
    format's name written otherwise which kind it is meant for, and what the others take:
    ``query --format rdf`` was told "did you mean xml?", which for a SELECT is SPARQL's XML
    results, no RDF.  ``kinds``: each kind's words and its formats, in the order tried;
    ``shared``: the formats every kind writes alike (xml is not: RDF/XML or SPARQL's XML)."""

    def __init__(self, choices, kinds: dict[str, list[str]], shared=(), **kwargs):
        super().__init__(choices, **kwargs)
        self.kinds, self.shared = kinds, set(shared)

    def meant(self, value: str) -> str:
        # The first kind a name plainly means one of whose formats is the one it is meant
        # for: a graph's first, as format_names' names are the RDF syntaxes' (rdf is RDF/XML)
        # but for SPARQL's results formats' (srx), which no graph format is.
        for kind, formats in self.kinds.items():
            if names := format_names.meant(value, formats):
                if set(names) <= self.shared:
                    # One every kind takes alike (``text``: the table): "for a graph, did you
                    # mean table? A SELECT ... is written as ... or table" said it of one.
                    return f": {format_names.said(names)}"
                others = "".join(f" {other[:1].upper()}{other[1:]} is written as {either(of)}."
                                 for other, of in self.kinds.items() if other != kind)
                return f": for {kind}, {format_names.said(names)}{others}"
        return "."


def either(names: list[str]) -> str:
    """Return ``names`` said as one to choose: "a, b or c"."""
    return " or ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


class PathType(click.Path):
    """click's ``Path``, naming a path that is not UTF-8 in its refusals as every message does
    (``wording.shown``: "Directory 'bad\\xff' is a file."), where click wrote "bad\\ufffd"."""

    def convert(self, value, param, ctx):
        if not self.file_okay:
            # A folder option left empty (`--cache "$CACHE"`, CACHE unset): Path("") is ".",
            # so the build cache was written into the current directory, and --data "" read
            # it as the data folder.
            refuse_blank(self, value, param, ctx, "no folder is given",
                         "give one (for the current directory, .)")
        elif not value:
            # `validate "$F"` or `-o "$F"`, F unset: Path("") is ".", said ".: is a folder, not
            # a proposal", and each command said an empty option's file its own way.  (A blank
            # name is a file's, if an odd one.)
            refuse_blank(self, value, param, ctx, "no file is given", "name one" + (
                " (or - for standard output)" if self.allow_dash else ""))
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            exc.message = exc.message.replace(click.format_filename(value), shown(value))
            raise


# The names both --format options (query's, export's) take for one syntax: `query --format
# turtle` was taken and `export --format turtle` refused, where each took ttl.
TTL = ("ttl", "turtle")
