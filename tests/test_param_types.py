"""The command line's own value types (cli/param_types.py): what a value that is not one is
told, on the command line and from a variable."""

import pytest
from click.testing import CliRunner

from alliance_graph.cli import main


def refusal(*args, env=None) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 2, result.output
    return result.output.splitlines()[-1]


@pytest.mark.parametrize("port", ["x", "70000", "-1", "80.5"])
def test_a_port_that_is_none_says_what_a_port_is(port):
    # --port x was "'x' is not a valid integer range": the option's range, not what to give.
    assert refusal("serve", "--port", port) == (
        f"Error: Invalid value for '--port': '{port}' is not a port: give a whole number from "
        "0 to 65535 (0 takes a free one, which the server prints)")


def test_a_port_from_the_variable_is_refused_naming_the_variable():
    assert refusal("serve", env={"ALLIANCE_GRAPH_PORT": "http"}).startswith(
        "Error: Invalid value for 'ALLIANCE_GRAPH_PORT': 'http' is not a port: give a whole "
        "number from 0 to 65535")


@pytest.mark.parametrize("command, flag", [("serve", "--workers"),
                                           ("serve", "--connection-limit"),
                                           ("serve", "--response-cache"),
                                           ("validate", "--max-findings")])
def test_a_count_that_is_no_number_is_said_to_be_none(command, flag):
    assert refusal(command, flag, "many", *(["p.ttl"] if command == "validate" else [])) == \
        f"Error: Invalid value for '{flag}': 'many' is not a valid whole number."


@pytest.mark.parametrize("flag, value, says", [
    ("--timeout", "0", "'0' is not a number of seconds above 0"),
    ("--idle-timeout", "-2", "'-2' is not a number of seconds above 0"),
    ("--light-seconds", "-1", "'-1' is not a number of seconds from 0"),
    ("--timeout", "soon", "'soon' is not a valid number of seconds.")])
def test_seconds_below_their_range_are_said_as_typed(flag, value, says):
    # "0.0 is not in the range x>0." of the 0 typed: a float the user never wrote, and a range.
    assert refusal("serve", flag, value) == f"Error: Invalid value for '{flag}': {says}"


def test_the_ports_help_says_what_0_does_as_its_refusal_does():
    shown = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "--port PORT Port to listen on (default: 8000; 0: a free one, which the server " \
           "prints)." in shown, shown
