"""A long value shown by its start, an ellipsis and its length (clipping.py); its wordings are
tested where messages use them (test_echoed.py, test_checks.py, ...)."""

import subprocess
import sys

import pyoxigraph as ox

from alliance_graph.clipping import literal_said


def test_importing_it_imports_no_pyoxigraph():
    # Imported at its top, pyoxigraph came with the command line's start (cli/option_slips.py
    # imports clipping), the group's help included, which writes no literal.
    shown = subprocess.run([sys.executable, "-c", "import sys, alliance_graph.clipping\n"
                            "print('pyoxigraph' in sys.modules)"],
                           capture_output=True, text=True, timeout=60)
    assert shown.stdout.split() == ["False"], shown.stderr


def test_a_long_literal_keeps_its_quotes_and_datatype():
    literal = ox.Literal("0" * 60_000, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    said = literal_said(literal)
    assert said.startswith('"000') and said.endswith(
        '"^^<http://www.w3.org/2001/XMLSchema#integer> (60,000 characters)')
