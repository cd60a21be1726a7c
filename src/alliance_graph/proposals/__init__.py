"""Proposed facts: checked against the shapes and checks with the graph, and merged into data/."""
