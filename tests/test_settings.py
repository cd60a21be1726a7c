"""Settings: the defaults in one place, the environment read only when asked."""

import os
import re
from pathlib import Path

import platformdirs
import pytest

from alliance_graph import settings as settings_mod
from alliance_graph.settings import ENVIRONMENT, Settings


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


def project(folder: Path, files=True) -> Path:
    for name in settings_mod.GRAPH_FOLDERS:
        (folder / name).mkdir(parents=True)
        if files:
            (folder / name / f"{name}.ttl").write_text("")
    return folder


def test_the_command_line_looks_in_the_option_then_the_environment_then_the_directory(tmp_path):
    given, env, here = (project(tmp_path / n) for n in ("given", "env", "here"))
    environ = {"ALLIANCE_GRAPH_PROJECT": str(env)}
    cli = settings_mod.for_command_line
    assert cli({"root": given}, environ, here).data_dir == given / "data"
    assert cli({"root": None}, environ, here).data_dir == env / "data"
    assert cli({}, {}, here).data_dir == here / "data"
    assert cli({}, {}, here).cache_dir == here / ".cache"
    assert cli({}, {}, tmp_path).root == settings_mod.PROJECT_ROOT  # no project here
    assert cli({}, {}, None).root == settings_mod.PROJECT_ROOT  # the directory was removed
    assert cli({"cache_dir": tmp_path / "c"}, {}, here).cache_dir == tmp_path / "c"


@pytest.mark.parametrize("where", ["option", "directory", "missing"])
def test_a_project_without_turtle_files_is_no_graph(tmp_path, where):
    empty = project(tmp_path / "empty", files=False)
    options = {"root": tmp_path / "nowhere"} if where == "missing" else \
        {"root": empty} if where == "option" else {}
    root = options.get("root", empty)
    with pytest.raises(settings_mod.NoGraphFound,
                       match=re.escape(f"no graph found in {root} (looked in {root / 'ontology'} "
                                       f"and {root / 'data'}")):
        settings_mod.for_command_line(options, {}, empty)


def test_explicit_folders_with_turtle_files_are_a_graph_whatever_the_project(tmp_path):
    empty, full = project(tmp_path / "empty", files=False), project(tmp_path / "full")
    settings = settings_mod.for_command_line(
        {"root": empty, "ontology_dir": full / "ontology", "data_dir": full / "data"}, {}, empty)
    assert settings.input_files() == [full / "ontology" / "ontology.ttl", full / "data" / "data.ttl"]


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf", "1e400"])
def test_a_time_that_is_not_a_positive_number_says_which(value):
    # Each ended in a traceback when the remote store was first asked something.
    with pytest.raises(ValueError, match=re.escape(
            f"ALLIANCE_GRAPH_REMOTE_TIMEOUT={value!r} is not a positive number of seconds")):
        settings_mod.for_command_line({}, {"ALLIANCE_GRAPH_REMOTE_TIMEOUT": value}, None)


def test_a_data_folder_that_does_not_exist_is_no_graph(tmp_path):
    # The ontology alone was built, and every query answered with no facts.
    full = project(tmp_path / "full")
    for missing in (tmp_path / "nowhere", full / "data" / "data.ttl"):
        with pytest.raises(settings_mod.NoGraphFound,
                           match=re.escape(f"the data folder {missing} does not exist")):
            settings_mod.for_command_line({"root": full, "data_dir": missing}, {}, None)


def test_an_ontology_folder_without_turtle_files_is_named_in_one_line(tmp_path):
    # The data was built against no ontology: a violation for every term it used, 335 lines.
    full, empty = project(tmp_path / "full"), tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not Turtle")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"the ontology folder {empty} holds no *.ttl files")):
        settings_mod.for_command_line({"root": full, "ontology_dir": empty}, {}, None)


def test_an_empty_data_folder_is_a_graph_of_the_ontology_alone(tmp_path):
    # A new project starts so: proposals are validated against the ontology and the shapes.
    full = project(tmp_path / "full")
    (full / "data" / "data.ttl").unlink()
    assert settings_mod.for_command_line({"root": full}, {}, None).input_files() == [
        full / "ontology" / "ontology.ttl"]


def test_a_pipe_among_the_inputs_is_named_not_read(tmp_path):
    # Reading it (to hash the inputs) waited for a writer that never came, in every command.
    full = project(tmp_path / "full")
    os.mkfifo(full / "data" / "pipe.ttl")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"{full / 'data' / 'pipe.ttl'} is not a regular file")):
        settings_mod.for_command_line({"root": full}, {}, None)


def test_an_input_file_whose_name_is_not_utf8_is_named_not_built(tmp_path):
    # Its graph's IRI holds its name: the build stopped on a UnicodeEncodeError, a traceback.
    full = project(tmp_path / "full")
    bad = full / "data" / os.fsdecode(b"caf\xe9.ttl")
    bad.write_text("")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"{bad}: the file's name is not UTF-8 text")):
        settings_mod.for_command_line({"root": full}, {}, None)


def test_half_a_project_is_one_graph_folder_with_turtle_files_and_not_the_other(tmp_path):
    assert settings_mod.half_a_project(tmp_path) is None
    (tmp_path / "data").mkdir()
    assert settings_mod.half_a_project(tmp_path) is None  # an empty data/ is anyone's
    (tmp_path / "data" / "x.ttl").write_text("")
    assert settings_mod.half_a_project(tmp_path) == ("data", "ontology")
    (tmp_path / "ontology").mkdir()
    assert settings_mod.half_a_project(tmp_path) is None  # a project
    assert settings_mod.half_a_project(None) is None


def test_a_blank_variable_sets_nothing():
    # "   " made a cache folder named with three spaces.
    blank = settings_mod.for_command_line({}, {"ALLIANCE_GRAPH_CACHE": "   "}, None)
    assert blank.cache_dir == settings_mod.for_command_line({}, {}, None).cache_dir


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


def test_no_graph_found_names_the_settings_fields_not_the_options(tmp_path):
    # "give a project folder ... with --project DIR", "(or leave --ontology out)": the command
    # line's words, said by the library; the command line says them itself (test_cli).
    empty = project(tmp_path / "empty", files=False)
    with pytest.raises(settings_mod.NoGraphFound) as refused:
        settings_mod.for_command_line({"root": empty}, {}, None)
    assert str(refused.value).endswith("with Settings(root=DIR)"), str(refused.value)
    full, bare = project(tmp_path / "full"), tmp_path / "bare"
    bare.mkdir()
    with pytest.raises(settings_mod.NoGraphFound) as refused:
        settings_mod.for_command_line({"root": full, "ontology_dir": bare}, {}, None)
    assert str(refused.value).endswith("(or leave Settings.ontology_dir out)")
    assert "--" not in str(refused.value)


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


@pytest.mark.parametrize("options, environ", [
    ({"cache_dir": Path("~/cache")}, {}),                   # --cache=~/cache: no shell expands it
    ({}, {"ALLIANCE_GRAPH_CACHE": "~/cache"}),              # a service's unit file
    ({"data_dir": Path("~/data")}, {}), ({"root": Path("~")}, {}),
    ({}, {"ALLIANCE_GRAPH_SOURCES": "~/sources"})])
def test_a_folder_beginning_with_an_unexpanded_tilde_is_refused(tmp_path, options, environ):
    # It named a folder called ~ in the current directory: the cache was made there, and
    # the other folders were said not to exist at ./~/...
    with pytest.raises(ValueError, match="no shell expanded its ~") as refused:
        settings_mod.for_command_line(options, environ, tmp_path)
    assert "give the folder's whole path (for a folder of that name, /" in str(refused.value)
    assert not (tmp_path / "~").exists()


def test_a_folder_named_tilde_may_be_given_by_its_whole_path(tmp_path):
    given = tmp_path / "~" / "cache"
    settings = settings_mod.for_command_line({"cache_dir": given}, {}, tmp_path)
    assert settings.cache_dir == given
