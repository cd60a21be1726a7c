"""Settings: the defaults in one place, the environment read only when asked."""

from pathlib import Path

import pytest

from alliance_graph.settings import ENVIRONMENT, Settings


def test_building_settings_reads_no_environment(monkeypatch):
    monkeypatch.setenv("ALLIANCE_GRAPH_STORE", "/somewhere/else")
    monkeypatch.setenv("ALLIANCE_GRAPH_CACHE", "/tmp/elsewhere")
    assert Settings() == Settings.from_env({})
    assert Settings().store == "memory"


def test_from_env_sets_each_documented_variable_with_its_type():
    numbers = {"remote_timeout"}
    environ = {var: "2.5" if name in numbers else f"/x/{name}" for var, name in ENVIRONMENT.items()}
    settings = Settings.from_env(environ)
    for var, name in ENVIRONMENT.items():
        value = getattr(settings, name)
        assert str(value) == environ[var]
        assert isinstance(value, float if name in numbers else Path if name != "store" else str)


def test_a_variable_that_is_not_a_number_says_which():
    with pytest.raises(ValueError, match="ALLIANCE_GRAPH_REMOTE_TIMEOUT='soon' is not a number"):
        Settings.from_env({"ALLIANCE_GRAPH_REMOTE_TIMEOUT": "soon"})


def test_empty_variables_keep_the_defaults():
    assert Settings.from_env(dict.fromkeys(ENVIRONMENT, "")) == Settings()


def test_with_ignores_none_and_keeps_the_rest():
    base = Settings(port=9000)
    assert base.with_(port=None, workers=5) == Settings(port=9000, workers=5)
