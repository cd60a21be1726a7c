"""The commands by name, each imported when it is run or its help is asked for, so that a
command pays for its own modules alone: every command imported every other's (rdflib,
pyshacl, the remote store's client, the server's), and ``alliance-graph --help`` took 0.35 to
0.43 s, most of it importing what it never ran.

The group's list (``--help``) is said from ``COMMANDS``: each command's module and the first
sentence of its help, which click shortens as it shortens the command's own
(``tests/test_command_list.py`` holds the two together).
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping

import click

from ..__main__ import import_failure, unimportable
from .examples import epilog

# name: (the module of cli/ defining it, the first sentence of its help, as written there)
COMMANDS = {
    "add": ("proposal_commands", "Validate FILES and, only if they conform, merge their facts "
                                 "into the data folder."),
    "catalogue": ("check_commands", "Run the named queries in queries/ and compare them "
                                    "with their reviewed answers."),
    "check": ("check_commands", "Run the data and ontology *-violation.rq checks and the "
                                "shapes' violations, and, where the sources folder is found, "
                                "say each source file that is not the text the graph records "
                                "(its ag:sha256); exit 1 if any finds something."),
    "cite": ("source_commands", "Print a Turtle evidence block citing QUOTE in the SOURCE "
                                "file, with offsets."),
    "coverage": ("source_commands", "Print, per source text, how many sentences evidence "
                                    "cites, and list the uncited ones."),
    "export": ("export_command", "Export the graph as RDF (quad formats keep one named graph "
                                 "per file) or as a network."),
    "load": ("load_command", "Build the graph into the --store: for memory (the default) the "
                             "build cache it loads at start, a directory store, or a remote "
                             "store it is pushed to."),
    "query": ("graph_commands", "Run a SPARQL query given as text, a .rq file, a catalogue "
                                "name, or - for stdin."),
    "serve": ("serve_command", "Serve the SPARQL endpoint at /sparql and the site (see "
                               "docs/endpoint.md)."),
    "stats": ("graph_commands", "Print the dataset version (as in ETags) and count triples, "
                                "inferred triples, claims and the contested ones, evidence, "
                                "sources and entities by class; in JSON each named graph's "
                                "triples too."),
    "validate": ("proposal_commands", "Check proposed Turtle FILES against the shapes and "
                                      "checks, with the current graph."),
}


class Unloadable(click.ClickException):
    """A command whose modules do not import (a package of the installation missing or
    broken, one of its files not Python, a SyntaxError, or raising as it runs, a NameError:
    named by module and file:line): said in a line, exit 2, where a traceback ended the
    command, or its help."""

    exit_code = 2

    def __init__(self, name: str, exc: Exception):
        super().__init__(f"the {name} command could not be loaded, {unimportable(exc)}")

    def format_message(self) -> str:  # (said as every error of the command line is)
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=True)


class Commands(MutableMapping):
    """A group's commands: every name of ``COMMANDS`` is in it, and a command is imported when
    it is looked up (``commands["query"]``), all of them when they are gone through
    (``values()``, ``items()``); ``in``, ``len`` and going through the names import none."""

    def __init__(self):
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded and name in COMMANDS:
            # Its module registers it (and the others it defines) with the group.
            try:
                importlib.import_module(f"{__package__}.{COMMANDS[name][0]}")
            except Exception as exc:  # (raised importing, here, as its module's own code ran)
                if not isinstance(exc, ImportError) and import_failure(exc) is None:
                    raise
                raise Unloadable(name, exc) from None
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __contains__(self, name) -> bool:
        return name in COMMANDS or name in self._loaded

    def __iter__(self):
        return iter(sorted(COMMANDS.keys() | self._loaded.keys()))

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self._loaded.keys())

    def items(self) -> list[tuple[str, click.Command]]:
        # Gone through to find which command has an option given elsewhere: one that cannot
        # be loaded is passed over (said when it is run), where it said itself instead.
        found = []
        for name in self:
            try:
                found.append((name, self[name]))
            except Unloadable:
                continue
        return found

    def loaded(self, name: str) -> click.Command | None:
        """Return command ``name`` if its module is imported already, else None."""
        return self._loaded.get(name)


class LazyGroup(click.Group):
    """A click group whose commands are ``Commands``, its help listing them without importing
    them, and each command's help ending with its examples (``examples.py``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = Commands()
        self.epilog = epilog(None)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        cmd.epilog = epilog(name or cmd.name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        try:
            return self.commands[cmd_name]
        except KeyError:
            return None

    def invoke(self, ctx: click.Context):
        # A command imports the modules doing its work when it runs (serve: the server's, and
        # waitress): one not importing then is said as one its command's module needs.  A
        # SyntaxError is so only when an import raised it (``import_failure``).
        try:
            return super().invoke(ctx)
        except ImportError as exc:
            raise Unloadable(ctx.invoked_subcommand or ctx.info_name, exc) from None
        except Exception as exc:  # (a SyntaxError, or a dependency's NameError, importing)
            if import_failure(exc) is None:
                raise
            raise Unloadable(ctx.invoked_subcommand or ctx.info_name, exc) from None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        # `alliance-graph help` (`help query`), as git and pip take it, was "No such command
        # 'help'." alone: said with the option that gives it.
        if args and args[0] == "help" and "help" not in self.commands and \
                not ctx.resilient_parsing:
            about = next((arg for arg in args[1:] if arg in self.commands), None)
            raise click.UsageError(
                "No such command 'help': " + (f"a command's help is its --help "
                                              f"({ctx.command_path} {about} --help)" if about
                                              else f"the commands and options are listed by "
                                                   f"--help ({ctx.command_path} --help)"), ctx)
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own, but a command not imported yet is said by a stand-in holding its
        # sentence (click's own would import every command to say it).
        commands = [(name, self.commands.loaded(name)
                     or click.Command(name, help=COMMANDS[name][1]))
                    for name in self.list_commands(ctx)]
        commands = [(name, command) for name, command in commands if not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit))
                                    for name, command in commands])
