"""Shared fixtures: settings pointing at the checkout, and the built knowledge graph."""

from __future__ import annotations

import shutil
from pathlib import Path

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


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini(tmp_path, settings) -> Settings:
    """Settings for a small project copied to a temp folder: core ontology + tests/fixtures/mini."""
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    shutil.copy(settings.ontology_dir / "core.ttl", tmp_path / "ontology" / "core.ttl")
    return Settings(root=tmp_path, ontology_dir=tmp_path / "ontology", data_dir=tmp_path / "data",
                    cache_dir=tmp_path / "cache", sources_dir=tmp_path / "sources",
                    queries_dir=tmp_path / "queries")


@pytest.fixture(scope="session")
def pages_settings(tmp_path_factory, settings) -> Settings:
    """Settings for tests/fixtures/pages (cited facts, a dispute, dates, a label with markup)."""
    root = tmp_path_factory.mktemp("pages")
    shutil.copytree(FIXTURES / "pages", root, dirs_exist_ok=True)
    shutil.copy(settings.ontology_dir / "core.ttl", root / "ontology" / "core.ttl")
    (root / "queries").mkdir()
    return Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                    cache_dir=root / "cache", sources_dir=root / "sources",
                    queries_dir=root / "queries")


@pytest.fixture(scope="session")
def pages_kg(pages_settings):
    """The graph of tests/fixtures/pages, built once per session."""
    return store.load(pages_settings)
