"""Settings: the defaults in one place, the environment read only when asked."""

import os
import re
from pathlib import Path

import platformdirs
import pytest

from alliance_graph import settings as settings_mod
from alliance_graph.settings import ENVIRONMENT, Settings
from alliance_graph.store import backends


def test_building_settings_reads_no_environment(monkeypatch):
    monkeypatch.setenv("ALLIANCE_GRAPH_STORE", "/somewhere/else")
    monkeypatch.setenv("ALLIANCE_GRAPH_CACHE", "/tmp/elsewhere")
    assert Settings() == Settings.from_env({})
    assert Settings().store == "memory"


def test_from_env_sets_each_documented_variable_with_its_type():
    numbers = {"remote_timeout": ("2.5", float), "remote_max_answer_bytes": ("1000", int)}
    environ = {var: numbers[name][0] if name in numbers else f"/x/{name}"
               for var, name in ENVIRONMENT.items()}
    settings = Settings.from_env(environ)
    for var, name in ENVIRONMENT.items():
        value = getattr(settings, name)
        assert str(value) == environ[var]
        assert isinstance(value, numbers[name][1] if name in numbers
                          else Path if name != "store" else str)


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_size_that_is_not_a_positive_number_of_bytes_says_which(value):
    with pytest.raises(ValueError, match=re.escape(
            f"ALLIANCE_GRAPH_REMOTE_MAX_ANSWER_BYTES={value!r} is not a positive number of bytes")):
        Settings.from_env({"ALLIANCE_GRAPH_REMOTE_MAX_ANSWER_BYTES": value})


def test_a_variable_that_is_not_a_number_says_which():
    with pytest.raises(ValueError, match="ALLIANCE_GRAPH_REMOTE_TIMEOUT='soon' is not a number"):
        Settings.from_env({"ALLIANCE_GRAPH_REMOTE_TIMEOUT": "soon"})


def test_empty_variables_keep_the_defaults():
    assert Settings.from_env(dict.fromkeys(ENVIRONMENT, "")) == Settings()


def test_with_ignores_none_and_keeps_the_rest():
    base = Settings(port=9000)
    assert base.with_(port=None, workers=5) == Settings(port=9000, workers=5)


def test_a_project_folder_sets_every_path_not_given():
    root = Path("/x/project")
    settings = Settings.from_env({"ALLIANCE_GRAPH_PROJECT": str(root),
                                  "ALLIANCE_GRAPH_DATA": "/y/data"})
    assert settings.root == root and settings.data_dir == Path("/y/data")
    assert settings.ontology_dir == root / "ontology"
    assert settings.queries_dir == root / "queries"
    assert settings.cache_dir == root / ".cache"
    assert settings.sources_dir == root.parent / "shared" / "sources"


def test_the_default_project_is_the_checkout_the_tests_run_from():
    checkout = Path(__file__).resolve().parents[1]
    assert settings_mod.PROJECT_ROOT == checkout == Settings().root
    assert Settings().cache_dir == checkout / ".cache"


def test_the_shipped_graph_keeps_its_cache_in_the_users_cache_folder():
    paths = settings_mod.project_paths(settings_mod.SHIPPED)
    assert paths["cache_dir"] == platformdirs.user_cache_path("alliance-graph")
    assert paths["data_dir"] == settings_mod.PACKAGE_DIR / "shipped" / "data"


def test_the_shipped_graph_looks_for_the_source_texts_in_the_users_data_folder(tmp_path,
                                                                             monkeypatch):
    # They were looked for beside the package's graph, at .../site-packages/alliance_graph/
    # shared/sources, a folder no one makes, which every message then named.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert settings_mod.project_paths(settings_mod.SHIPPED)["sources_dir"] == \
        tmp_path / "alliance-graph" / "sources"


def test_a_root_given_in_python_takes_its_folders_along(tmp_path):
    # Settings(root=X) and .with_(root=X) kept the checkout's folders: ag.add(...,
    # Settings(root=X)) merged into the checkout's data/, not X's.
    made = Settings(root=tmp_path)
    moved = Settings().with_(root=tmp_path)
    for settings in (made, moved):
        assert (settings.data_dir, settings.ontology_dir, settings.queries_dir) == (
            tmp_path / "data", tmp_path / "ontology", tmp_path / "queries")
        assert settings.cache_dir == tmp_path / ".cache"
        assert settings.sources_dir == tmp_path.parent / "shared" / "sources"
    # A folder given with it stays as given, and one given before the root changes too.
    assert Settings(root=tmp_path, data_dir=tmp_path / "elsewhere").data_dir == \
        tmp_path / "elsewhere"
    kept = Settings().with_(data_dir=tmp_path / "mine").with_(root=tmp_path / "p")
    assert kept.data_dir == tmp_path / "mine" and kept.ontology_dir == tmp_path / "p" / "ontology"


def test_a_folder_given_stays_as_given_even_where_it_is_the_checkouts(tmp_path):
    # Only the folders left out follow the root: --project X --sources <the checkout's
    # sources> must keep those sources, through the engine's JSON round trip too.
    checkout = Settings()
    given = Settings(root=tmp_path, sources_dir=checkout.sources_dir)
    assert given.sources_dir == checkout.sources_dir and given.data_dir == tmp_path / "data"
    assert Settings.from_json(given.to_json()) == given


def test_folders_given_as_strings_or_bytes_are_paths_and_a_store_folder_a_string(tmp_path):
    # Settings(data_dir="x") kept the string: ag.load and the checks failed on "'str' object
    # has no attribute 'glob'", a traceback, where a Path gave "the data folder x does not
    # exist", and a Path as the store failed on "no attribute 'startswith'".
    settings = Settings(root=str(tmp_path), data_dir=os.fsencode(tmp_path / "data {0}"),
                        cache_dir=str(tmp_path / "cache"), store=tmp_path / "store")
    assert settings.root == tmp_path and settings.ontology_dir == tmp_path / "ontology"
    assert settings.data_dir == tmp_path / "data {0}"
    assert settings.cache_dir == tmp_path / "cache" and settings.store == str(tmp_path / "store")
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "core.ttl").write_text("")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"the data folder {tmp_path / 'data {0}'} does not exist or is not a folder; "
            "make it, or give another with Settings.data_dir")):
        settings_mod.require_graph(settings)


@pytest.mark.parametrize("field", ["root", "data_dir", "cache_dir"])
@pytest.mark.parametrize("given", [3, ["x"]])
def test_a_folder_that_is_no_path_is_a_type_error_naming_the_setting(field, given):
    # Settings(root=3) said "expected str, bytes or os.PathLike object, not int" from os.
    with pytest.raises(TypeError, match=re.escape(f"Settings({field}=...) takes a folder (a str "
                                                  f"or Path), not {given!r}")):
        Settings(**{field: given})


def test_a_root_of_none_is_refused_rather_than_taken_for_the_default():
    # Settings(root=os.environ.get("MY_PROJECT")) unset was a TypeError from os.fsdecode;
    # taken as the default, it would have queried the checkout's graph for another's.
    with pytest.raises(TypeError, match=re.escape("Settings(root=...) takes a folder (a str or "
                                                  "Path), not None")):
        Settings(root=None)


@pytest.mark.parametrize("given", [3, None, b"memory"])
def test_a_store_that_is_no_str_or_path_is_a_type_error_naming_it(given):
    # Settings(store=3) was built, and ag.load stopped on "'int' object has no attribute
    # 'startswith'", a traceback from the store's module.
    with pytest.raises(TypeError, match=re.escape(
            f"Settings(store=...) takes \"memory\", a directory store's folder (a str or Path) "
            f"or a store's http(s) URL, not {given!r}")):
        Settings(store=given)


def test_where_the_source_texts_belong_is_said_of_a_checkout_or_the_installed_package(tmp_path):
    # The installed package's missing texts were said to be "not part of this repository",
    # "expected beside the checkout": it has neither.
    shipped = settings_mod.project_paths(settings_mod.SHIPPED)["sources_dir"]
    assert settings_mod.where_sources_belong(shipped) == (
        "the installed package carries none, and looks for them in this folder of the user's "
        "data: copy the project's shared sources folder's texts (*.txt) here")
    # A project elsewhere (--project DIR) looks beside itself, not beside the checkout, which
    # the message said its texts were expected beside.
    said = settings_mod.where_sources_belong(Settings(root=tmp_path).sources_dir)
    assert said.startswith("they are no part of a project but the shared sources folder, which "
                           "a project looks for at ../shared/sources beside its own folder")


@pytest.mark.parametrize("given, kept", [
    ("HTTP://127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
    ("Https://store.example/sparql?x=A", "https://store.example/sparql?x=A"),
])
def test_a_store_url_s_scheme_in_capitals_is_the_same_url(given, kept):
    # Refused as "not an http:// or https:// URL" before: a scheme is case-insensitive.
    settings = Settings(store=given)
    assert settings.store == kept and backends.kind(settings.store) == "remote"


def test_what_the_helps_quote_is_what_the_work_can_do():
    # Held in settings.py so that `serve --help` and `export --help` import none of the modules
    # doing the work (test_command_list.py), which read them from there: each export format is
    # one the writers know, the network formats last, and each proxy header one waitress reads.
    from waitress.proxy_headers import PROXY_HEADERS as WAITRESS_HEADERS

    from alliance_graph.query import export_files, network
    from alliance_graph.query.results import GRAPH_FORMATS

    assert set(export_files.FORMATS) <= set(GRAPH_FORMATS)
    assert settings_mod.EXPORT_FORMATS == export_files.FORMATS + network.FORMATS
    assert settings_mod.EXPORT_DEFAULT_FORMAT in export_files.FORMATS
    assert set(WAITRESS_HEADERS) >= {header.upper().replace("-", "_") for headers in
                                     settings_mod.PROXY_HEADERS.values() for header in headers}
