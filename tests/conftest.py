"""Shared fixtures: settings pointing at the checkout, and the built knowledge graph."""

from __future__ import annotations

import pytest

from alliance_graph import store
from alliance_graph.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings for the shipped ontology and data."""
    return Settings()


@pytest.fixture(scope="session")
def kg(settings):
    """The shipped graph, built once per test session."""
    return store.load(settings)


@pytest.fixture(scope="session")
def sources_dir(settings):
    """The source texts folder; tests that need it skip loudly when it is absent."""
    if not settings.sources_dir.is_dir():
        pytest.skip(f"source texts not found at {settings.sources_dir}: quotes cannot be "
                    "verified here (set ALLIANCE_GRAPH_SOURCES; CI has them)")
    return settings.sources_dir
