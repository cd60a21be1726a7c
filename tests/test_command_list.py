"""The commands imported as they are needed (cli/command_list.py): the group's help and a
command's help import no other command's modules, and the group lists each as click would."""

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from alliance_graph.cli import main
from alliance_graph.cli.command_list import COMMANDS

# What the command line's start must not pay for, being no command's but some commands' own.
HEAVY = ("rdflib", "pyshacl", "owlrl", "flask", "waitress", "alliance_graph.build.loading",
         "alliance_graph.build.checks", "alliance_graph.store.backends", "alliance_graph.terminals")
MODULES = sorted({module for module, _ in COMMANDS.values()})


def imported_by(code: str) -> dict:
    """Return, from a fresh interpreter that ran ``code``, which of HEAVY and of the
    commands' modules it imported."""
    shown = subprocess.run([sys.executable, "-c", f"""
import contextlib, io, json, sys
with contextlib.redirect_stdout(io.StringIO()):
{code}
print(json.dumps({{"heavy": [m for m in {HEAVY!r} if m in sys.modules],
                  "commands": [m for m in {MODULES!r} if "alliance_graph.cli." + m in sys.modules]}}))
"""], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout.splitlines()[-1])


def test_the_command_line_imports_no_command_to_start_or_to_list_them():
    # Every command imported every other's modules (rdflib, pyshacl, the server's): --help
    # took 0.35 to 0.43 s, 0.2 s of it importing what it never ran.
    assert imported_by("    import alliance_graph.cli.main") == {"heavy": [], "commands": []}
    help_ = ("    from alliance_graph.cli import main\n"
             "    main.main(['--help'], prog_name='alliance-graph', standalone_mode=False)")
    assert imported_by(help_) == {"heavy": [], "commands": []}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_commands_help_imports_its_own_module_alone(name):
    # `query --help` imported the checks, the remote store's client and the server's modules,
    # and its own work's (the lexer, rdflib) that the help does not say.
    code = ("    from alliance_graph.cli import main\n"
            f"    main.main([{name!r}, '--help'], prog_name='alliance-graph', "
            "standalone_mode=False)")
    # export's and serve's imported what their help quotes (the formats: query/export.py,
    # rdflib; the query bounds: the lexer; the proxy headers: web/, waitress), which
    # settings.py holds now.
    assert imported_by(code) == {"heavy": [], "commands": [COMMANDS[name][0]]}


def test_the_list_says_each_command_as_its_own_help_does():
    # The list is said from COMMANDS, without importing the commands: its sentence must be
    # shortened to what the command's own help is, at any width the help is written in.
    assert set(dict(main.commands.items())) == set(COMMANDS), "a command missing from COMMANDS"
    for name, (module, sentence) in COMMANDS.items():
        command = main.commands[name]
        assert command.callback.__module__ == f"alliance_graph.cli.{module}"
        standin = click.Command(name, help=sentence)
        for width in range(10, 200):
            assert standin.get_short_help_str(width) == command.get_short_help_str(width), name


def test_a_command_whose_modules_do_not_import_is_said_in_a_line(tmp_path):
    # A package of the installation missing or broken (waitress, which serve imports): serve
    # and its help ended in a traceback; the other commands still run, and serve's help,
    # which imports none of the server (test_a_commands_help_imports_its_own_module_alone).
    (tmp_path / "waitress.py").write_text("import a_module_no_one_installed\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for args in (["serve", "--port", "0"], ["serve", "--get", "/"]):
        ran = subprocess.run([sys.executable, "-m", "alliance_graph", *args], env=env,
                             capture_output=True, text=True, timeout=60)
        assert (ran.returncode, ran.stdout) == (2, "")
        assert ran.stderr == (
            "error: the serve command could not be loaded, a module it needs not importing "
            "(No module named 'a_module_no_one_installed'): reinstall alliance-graph (pip "
            "install --force-reinstall alliance-graph; in a checkout, pip install -e .)\n")
    for args in (["stats", "--help"], ["serve", "--help"]):
        ran = subprocess.run([sys.executable, "-m", "alliance_graph", *args], env=env,
                             capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0 and "Usage:" in ran.stdout
    # An option given before its command, told where it goes (every command gone through for
    # it), is not told the unloadable one instead.
    ran = subprocess.run([sys.executable, "-m", "alliance_graph", "--format", "json", "stats"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2 and ran.stderr.splitlines()[-1] == (
        "Error: --format is an option of stats, not of python -m alliance_graph itself: give "
        "it after the command (python -m alliance_graph stats --format ...)")


@pytest.mark.parametrize("args, said", [
    (["help"], "the commands and options are listed by --help (alliance-graph --help)"),
    (["help", "query"], "a command's help is its --help (alliance-graph query --help)")])
def test_help_given_as_a_command_is_told_the_option(args, said):
    # "No such command 'help'." alone, to a user of git's or pip's `help`.
    ran = CliRunner().invoke(main, args, prog_name="alliance-graph")
    assert ran.exit_code == 2
    assert ran.output.splitlines()[-1] == f"Error: No such command 'help': {said}"
