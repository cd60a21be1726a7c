"""Messages that name what their reader gives: a library caller's parameters, or the command
line's options for the same things.

A message telling its reader what to change names it as that reader gives it: ``fmt='nt'``,
``into=FILE`` or ``Settings(store='x')`` to a caller of the library (a notebook, the facade),
``--format nt``, ``--into FILE`` or ``--store x`` to the command line's user.  The library
writes such a message once, as a function of a namer (``Said``): ``str()`` of it is the
library's wording, ``worded(message, name)`` another caller's, the command line passing its
own namer.  A namer is called ``name(parameter, *values)``: ``parameter`` is a keyword of the
function raising (``fmt``, ``into``), a field of its settings (``settings.store``), or a call
written as a library caller writes it (``update(kg, queries_dir)``).
"""

from __future__ import annotations

import shlex

__all__ = ["Said", "Metavar", "command_line", "parameter", "worded"]


class Said(str):
    """A message in the library's words, which ``worded`` says in another caller's.

    ``say`` returns the message given a namer; the string itself is ``say(parameter)``.  A
    ``Said`` is an ``str`` everywhere else (raised in any exception, joined, written as JSON);
    copied to another process (pickled) it is its library wording."""

    def __new__(cls, say):
        said = super().__new__(cls, say(parameter))
        said._say = say
        return said

    def worded(self, name) -> str:
        """Return the message with ``name(parameter, *values)`` naming the parameters."""
        return self._say(name)

    def __reduce__(self):
        return str, (str(self),)


class Metavar(str):
    """A value standing for the one to give (``FILE``, ``DIR``): written bare, not quoted."""

    def __repr__(self) -> str:
        return str(self)


def parameter(name: str, *values) -> str:
    """Name a parameter as a library caller writes it given ``values``: ``inferred=True``,
    ``fmt='nt' or fmt='ttl'``, a settings field as ``Settings(store='x')``; with no values, its
    name (``fmt``, ``Settings.store``) or the call it is part of, as written."""
    if "(" in name:  # a call: written as the caller writes it, the values its arguments'
        return name
    field = name.removeprefix("settings.")
    if field == name:
        return " or ".join(f"{name}={v!r}" for v in values) if values else name
    return " or ".join(f"Settings({field}={v!r})" for v in values) if values \
        else f"Settings.{field}"


def worded(message, name) -> str:
    """Return ``message`` (a string, or an exception raised with one) in the words of
    ``name``'s caller where it is a ``Said``, else as ``str()`` gives it."""
    said = message.args[0] if isinstance(message, BaseException) and len(message.args) == 1 \
        else message
    return said.worded(name) if isinstance(said, Said) else str(message)


# What the library's messages name, as the command line gives it (``command_line``): the
# option for a parameter or a settings field, the command for a library call.  Here rather than
# in cli/: `serve` prepares its graph in a child process of web/, which words its errors so too.
OPTIONS = {"fmt": "--format", "settings.validate_max_findings": "--max-findings",
           "settings.root": "--project", "settings.data_dir": "--data", "settings.ontology_dir": "--ontology",
           "settings.sources_dir": "--sources", "settings.cache_dir": "--cache"}
COMMANDS = {"alliance_graph.store.backends.load_into_store(settings)":
            "alliance-graph --store {} load",
            "alliance_graph.query.catalogue.update(kg, queries_dir)":
            "alliance-graph catalogue --update"}


def command_line(parameter: str, *values) -> str:
    """Name what a library message names (``wording.parameter``'s signature) as the command
    line gives it: ``--format nt or --format ttl`` for ``fmt='nt' or fmt='ttl'``, ``--inferred``
    for ``inferred=True``, ``--store x`` for ``Settings(store='x')``, the command for a call."""
    if parameter in COMMANDS:
        return f"`{COMMANDS[parameter].format(*map(shlex.quote, map(str, values)))}`"
    if "(" in parameter:  # a call with no command of its own: the library's words are right
        return parameter
    flag = OPTIONS.get(parameter) or \
        "--" + parameter.removeprefix("settings.").replace("_", "-")
    return " or ".join(flag if v is True else f"{flag} {shlex.quote(str(v))}"
                       for v in values) if values else flag
