"""Options a variable named after them gives too (``serve``'s: ``--port``,
``ALLIANCE_GRAPH_PORT``), for a server started by a container or a systemd unit; the command
line wins, and a bad value from a variable is refused naming the variable.
"""

from __future__ import annotations

import functools

import click
from click.core import ParameterSource


def variable(flag: str) -> str:
    """Return the variable that gives the option ``flag`` (``--max-query-bytes``:
    ``ALLIANCE_GRAPH_MAX_QUERY_BYTES``)."""
    return "ALLIANCE_GRAPH_" + flag.removeprefix("--").upper().replace("-", "_")


class _Boolean(click.types.BoolParamType):
    """click's reading of true or false, refusing a value with the words it takes: click's own
    list began with an empty one (", 0, 1, f, ..."), which a variable cannot mean here (a blank
    variable sets nothing)."""

    def convert(self, value, param, ctx):
        if self.str_to_bool(value) is None or not str(value).strip():
            words = sorted(word for word in self.bool_states if word)
            self.fail(f"{value!r} is not true or false: give one of {', '.join(words)}",
                      param, ctx)
        return super().convert(value, param, ctx)


class FromEnvironment(click.Option):
    """An option a variable named after it gives too (``variable``), said in its help as the
    global options say theirs; a value on the command line wins over it, and a bad value from
    it is refused naming the variable, where the user wrote it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.envvar = variable(self.opts[0])
        if self.is_bool_flag:
            self.type = _Boolean()
        how = " (several: space-separated)" if self.multiple else \
            " (true or false)" if self.is_bool_flag else ""
        self.help = f"{self.help} Env: {self.envvar}{how}."

    def resolve_envvar_value(self, ctx):
        value = super().resolve_envvar_value(ctx)
        return value if value is None or value.strip() else None  # blank: unset, as globals

    def get_error_hint(self, ctx):
        if ctx is not None and \
                ctx.get_parameter_source(self.name) is ParameterSource.ENVIRONMENT:
            return repr(self.envvar)  # quoted as click quotes an option's name
        return super().get_error_hint(ctx)


option = functools.partial(click.option, cls=FromEnvironment)
