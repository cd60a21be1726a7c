"""alliance-graph: a citable, validated knowledge graph of U.S.-Israel military cooperation."""

__version__ = "0.1.0"
