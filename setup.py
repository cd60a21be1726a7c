"""Packaging beyond pyproject.toml: the graph a wheel carries, as package data.

The checkout keeps ``ontology/``, ``data/`` and ``queries/`` at its top, where people edit them;
a wheel carries them as ``alliance_graph/shipped/<folder>``, so an installed package serves the
same graph from any directory (``settings.PROJECT_ROOT``).  Mapping the folders as packages
(rather than copying them) leaves one copy of each file in git.
"""

from setuptools import find_namespace_packages, setup

SHIPPED = {f"alliance_graph.shipped.{folder}": folder for folder in ("ontology", "data", "queries")}

# Namespace packages too: the folders of package data (checks, templates) have no __init__.py.
PACKAGES = find_namespace_packages("src", include=["alliance_graph*"], exclude=["*__pycache__"])

setup(packages=[*PACKAGES, *SHIPPED], package_dir={"": "src", **SHIPPED})
