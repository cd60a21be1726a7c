"""The ``alliance-graph`` command: a thin layer over the library functions.

Exit codes, for every command: 0 success; 1 the command ran and the answer is "no" (a query
error, a check that found violations, a proposal that does not conform); 2 the command could
not run (bad usage, an unreadable or malformed input file, a graph that cannot be built).

The group and its shared helpers are in ``main.py``; the commands, by what they work on, in
``graph_commands.py`` (stats, query; what query is given, a file, ``-``, a catalogue name or
the text, is read in ``query_text.py``), ``export_command.py``, ``check_commands.py`` (check,
catalogue), ``load_command.py``, ``source_commands.py``
(cite, coverage), ``proposal_commands.py`` (validate, add) and ``serve_command.py``; a graph
answer written declaring only the prefixes it uses in ``graph_answer.py``, a query's answer
printed whole or cut and told late under ``--timeout`` in ``timed_answer.py``, the click types of
their options (seconds, counts, a port, paths) in ``param_types.py``, the file ``export -o`` or
``load --nquads`` names, checked before the work and left no temporary file by a SIGTERM or
SIGHUP, in ``output_file.py``; the examples each command's help ends with in ``examples.py``;
the commands by name, each module imported when one of its commands runs or its help is
asked for, in ``command_list.py``.
"""

# The commands' modules are imported by the group as it needs them (``command_list.py``).
from .main import main

__all__ = ["main"]
