"""Querying the built graph: running SPARQL, result formats, the catalogue, statistics, export."""
