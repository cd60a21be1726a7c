"""The ``alliance-graph`` command: a thin layer over the library functions.

Exit codes, for every command: 0 success; 1 the command ran and the answer is "no" (a query
error, a check that found violations, a proposal that does not conform); 2 the command could
not run (bad usage, an unreadable or malformed input file, a graph that cannot be built).

The group and its shared helpers are in ``main.py``; the commands, by what they work on, in
``graph_commands.py`` (read, query, export, check, load), ``proposal_commands.py`` (validate,
add) and ``serve_command.py``.
"""

from . import graph_commands, proposal_commands, serve_command  # noqa: F401 - registers them
from .main import main

__all__ = ["main"]
