"""Run the command line as ``python -m alliance_graph``."""

from .cli import main

main()
