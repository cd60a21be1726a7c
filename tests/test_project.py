"""The project and settings a command runs with: option, variable, directory (project.py)."""

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_graph import project as project_mod
from alliance_graph import settings as settings_mod
from alliance_graph import wording

ROOT = settings_mod.PROJECT_ROOT

def project(folder: Path, files=True) -> Path:
    for name in settings_mod.GRAPH_FOLDERS:
        (folder / name).mkdir(parents=True)
        if files:
            (folder / name / f"{name}.ttl").write_text("")
    return folder


def test_the_command_line_looks_in_the_option_then_the_environment_then_the_directory(tmp_path):
    given, env, here = (project(tmp_path / n) for n in ("given", "env", "here"))
    environ = {"ALLIANCE_GRAPH_PROJECT": str(env)}
    cli = project_mod.for_command_line
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
    # A folder that is not there is said so: it was "no graph found in /x/nowhere (looked in
    # /x/nowhere/ontology ...)", as though a mistyped path were an empty project.
    said = f"no graph found: the project folder {root} does not exist; give" \
        if where == "missing" else \
        f"no graph found in {root} (looked in {root / 'ontology'} and {root / 'data'}"
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(said)):
        project_mod.for_command_line(options, {}, empty)


def test_explicit_folders_with_turtle_files_are_a_graph_whatever_the_project(tmp_path):
    empty, full = project(tmp_path / "empty", files=False), project(tmp_path / "full")
    settings = project_mod.for_command_line(
        {"root": empty, "ontology_dir": full / "ontology", "data_dir": full / "data"}, {}, empty)
    assert settings.input_files() == [full / "ontology" / "ontology.ttl", full / "data" / "data.ttl"]


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf", "1e400"])
def test_a_time_that_is_not_a_positive_number_says_which(value):
    # Each ended in a traceback when the remote store was first asked something.
    with pytest.raises(ValueError, match=re.escape(
            f"ALLIANCE_GRAPH_REMOTE_TIMEOUT={value!r} is not a positive number of seconds")):
        project_mod.for_command_line({}, {"ALLIANCE_GRAPH_REMOTE_TIMEOUT": value}, None)


def test_a_data_folder_that_does_not_exist_is_no_graph(tmp_path):
    # The ontology alone was built, and every query answered with no facts.
    full = project(tmp_path / "full")
    for missing in (tmp_path / "nowhere", full / "data" / "data.ttl"):
        with pytest.raises(settings_mod.NoGraphFound,
                           match=re.escape(f"the data folder {missing} does not exist")):
            project_mod.for_command_line({"root": full, "data_dir": missing}, {}, None)


def test_an_ontology_folder_without_turtle_files_is_named_in_one_line(tmp_path):
    # The data was built against no ontology: a violation for every term it used, 335 lines.
    full, empty = project(tmp_path / "full"), tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not Turtle")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"the ontology folder {empty} holds no *.ttl files")):
        project_mod.for_command_line({"root": full, "ontology_dir": empty}, {}, None)


def test_an_empty_data_folder_is_a_graph_of_the_ontology_alone(tmp_path):
    # A new project starts so: proposals are validated against the ontology and the shapes.
    full = project(tmp_path / "full")
    (full / "data" / "data.ttl").unlink()
    assert project_mod.for_command_line({"root": full}, {}, None).input_files() == [
        full / "ontology" / "ontology.ttl"]


def test_a_pipe_among_the_inputs_is_named_not_read(tmp_path):
    # Reading it (to hash the inputs) waited for a writer that never came, in every command.
    full = project(tmp_path / "full")
    os.mkfifo(full / "data" / "pipe.ttl")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"{full / 'data' / 'pipe.ttl'} is not a regular file")):
        project_mod.for_command_line({"root": full}, {}, None)


def test_an_editors_hidden_files_among_the_inputs_are_not_inputs(tmp_path):
    # Emacs' lock of an edited file (.#aid.ttl, a link to user@host.pid) stopped every
    # command with "is a symbolic link to ..., which does not exist"; macOS's ._aid.ttl (its
    # metadata) would have been read as Turtle.
    full = project(tmp_path / "full")
    (full / "data" / ".#aid.ttl").symlink_to("u@host.1:1")
    (full / "data" / "._aid.ttl").write_bytes(b"\x00\x05\x16\x07")
    settings = project_mod.for_command_line({"root": full}, {}, None)
    assert [p.name for p in settings.input_files()] == [
        "ontology.ttl", "data.ttl"]


def test_a_link_to_nothing_among_the_inputs_says_what_it_names(tmp_path):
    # It was "not a regular file", which a link to a file that moved does not look like.
    full = project(tmp_path / "full")
    (full / "data" / "moved.ttl").symlink_to(tmp_path / "elsewhere.ttl")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"{full / 'data' / 'moved.ttl'} is a symbolic link to {tmp_path / 'elsewhere.ttl'}"
            ", which does not exist")):
        project_mod.for_command_line({"root": full}, {}, None)


def test_an_input_file_whose_name_is_not_utf8_is_named_not_built(tmp_path):
    # Its graph's IRI holds its name: the build stopped on a UnicodeEncodeError, a traceback.
    full = project(tmp_path / "full")
    bad = full / "data" / os.fsdecode(b"caf\xe9.ttl")
    bad.write_text("")
    with pytest.raises(settings_mod.NoGraphFound, match=re.escape(
            f"{bad}: the file's name is not UTF-8 text")):
        project_mod.for_command_line({"root": full}, {}, None)


def test_half_a_project_is_one_graph_folder_with_turtle_files_and_not_the_other(tmp_path):
    assert project_mod.half_a_project(tmp_path) is None
    (tmp_path / "data").mkdir()
    assert project_mod.half_a_project(tmp_path) is None  # an empty data/ is anyone's
    (tmp_path / "data" / "x.ttl").write_text("")
    assert project_mod.half_a_project(tmp_path) == ("data", "ontology")
    (tmp_path / "ontology").mkdir()
    assert project_mod.half_a_project(tmp_path) is None  # a project
    assert project_mod.half_a_project(None) is None


def test_a_blank_variable_sets_nothing():
    # "   " made a cache folder named with three spaces.
    blank = project_mod.for_command_line({}, {"ALLIANCE_GRAPH_CACHE": "   "}, None)
    assert blank.cache_dir == project_mod.for_command_line({}, {}, None).cache_dir


def test_no_graph_found_names_the_settings_fields_not_the_options(tmp_path):
    # "give a project folder ... with --project DIR", "(or leave --ontology out)": the command
    # line's words, said by the library; the command line says them itself (test_cli).
    empty = project(tmp_path / "empty", files=False)
    with pytest.raises(settings_mod.NoGraphFound) as refused:
        project_mod.for_command_line({"root": empty}, {}, None)
    assert str(refused.value).endswith("with Settings(root=DIR)"), str(refused.value)
    full, bare = project(tmp_path / "full"), tmp_path / "bare"
    bare.mkdir()
    with pytest.raises(settings_mod.NoGraphFound) as refused:
        project_mod.for_command_line({"root": full, "ontology_dir": bare}, {}, None)
    assert str(refused.value).endswith("(or leave Settings.ontology_dir out)")
    assert "--" not in str(refused.value)


@pytest.mark.parametrize("options, environ", [
    ({"cache_dir": Path("~/cache")}, {}),                   # --cache=~/cache: no shell expands it
    ({}, {"ALLIANCE_GRAPH_CACHE": "~/cache"}),              # a service's unit file
    ({"data_dir": Path("~/data")}, {}), ({"root": Path("~")}, {}),
    ({}, {"ALLIANCE_GRAPH_SOURCES": "~/sources"})])
def test_a_folder_beginning_with_an_unexpanded_tilde_is_refused(tmp_path, options, environ):
    # It named a folder called ~ in the current directory: the cache was made there, and
    # the other folders were said not to exist at ./~/...
    with pytest.raises(ValueError, match="no shell expanded its ~") as refused:
        project_mod.for_command_line(options, environ, tmp_path)
    assert "give the folder's whole path (for a folder of that name, /" in str(refused.value)
    assert not (tmp_path / "~").exists()


def test_a_folder_named_tilde_may_be_given_by_its_whole_path(tmp_path):
    given = tmp_path / "~" / "cache"
    settings = project_mod.for_command_line({"cache_dir": given}, {}, tmp_path)
    assert settings.cache_dir == given


@pytest.mark.parametrize("name, option, variable", [
    ("root", "--project", "ALLIANCE_GRAPH_PROJECT"), ("store", "--store", "ALLIANCE_GRAPH_STORE"),
    ("cache_dir", "--cache", "ALLIANCE_GRAPH_CACHE"),
    ("sources_dir", "--sources", "ALLIANCE_GRAPH_SOURCES"),
    ("data_dir", "--data", "ALLIANCE_GRAPH_DATA")])
@pytest.mark.parametrize("given", ["option", "variable"])
def test_a_folder_whose_links_loop_is_refused_naming_it(tmp_path, name, option, variable,
                                                        given):
    # --project and --store so named were tracebacks (RuntimeError: Symlink loop, from
    # Path.resolve), --cache "[Errno 17] File exists", --sources "no source texts at ...".
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    looping = tmp_path / "a" / "sub"
    options, environ = ({name: looping}, {}) if given == "option" else \
        ({}, {variable: str(looping)})
    with pytest.raises(ValueError) as refused:
        project_mod.for_command_line(options, environ, project(tmp_path / "here"))
    named = f"{option} {looping}" if given == "option" else f"{variable}={looping}"
    who = {option: "option" if given == "option" else variable}
    assert wording.worded(refused.value, functools.partial(wording.command_line,
                                                           given=who)) == (
        f"{named}: its symbolic links lead round in a loop (too many levels of symbolic "
        "links): give the folder's real path")


def test_a_store_named_memory_or_a_url_is_no_folder_to_look_at(tmp_path, monkeypatch):
    # Even where a link of that name loops: the store is what the word says.
    (tmp_path / "memory").symlink_to(tmp_path / "memory")
    monkeypatch.chdir(tmp_path)
    here = project(tmp_path / "here")
    for store in ("memory", "http://127.0.0.1:1/sparql"):
        assert project_mod.for_command_line({"store": store}, {}, here).store == store


@pytest.mark.parametrize("value", ["1e10", "99999999999"])
def test_a_time_past_what_python_can_wait_is_refused(value):
    # ALLIANCE_GRAPH_REMOTE_TIMEOUT=1e10 ended in a traceback at the remote store's first
    # request (OverflowError: timestamp out of range for platform time_t, from settimeout).
    with pytest.raises(ValueError, match=re.escape(
            f"ALLIANCE_GRAPH_REMOTE_TIMEOUT={value!r} is more seconds than a time limit may be "
            "(1,000,000,000, some 31 years)")):
        project_mod.for_command_line({}, {"ALLIANCE_GRAPH_REMOTE_TIMEOUT": value}, None)
    settings = project_mod.for_command_line({}, {"ALLIANCE_GRAPH_REMOTE_TIMEOUT": "1e9"}, None)
    assert settings.remote_timeout == 1e9


@pytest.mark.parametrize("options, environ, who, said", [
    ({"root": Path(".")}, {}, {"--project": "option"}, "--project ."),
    ({"cache_dir": Path("c")}, {}, {"--cache": "option"}, "--cache c"),
    ({}, {"ALLIANCE_GRAPH_DATA": "d"}, {"--data": "ALLIANCE_GRAPH_DATA"},
     "ALLIANCE_GRAPH_DATA=d")])
def test_a_relative_folder_once_the_current_directory_is_removed_is_refused_saying_so(
        options, environ, who, said):
    # --project . there was "a file or folder could not be used: [Errno 2] No such file or
    # directory", naming nothing (os.getcwd failed); the command line finds no cwd (None).
    with pytest.raises(ValueError) as refused:
        project_mod.for_command_line(options, environ, None)
    assert wording.worded(refused.value, functools.partial(wording.command_line,
                                                           given=who)) == (
        f"{said}: the current directory no longer exists (it was removed), so a path "
        "relative to it names nothing: give the folder's whole path, or cd to a folder that "
        "exists")


@pytest.mark.parametrize("given, environ, who, said", [
    ({}, {"ALLIANCE_GRAPH_PROJECT": "{}\n"}, {"--project": "ALLIANCE_GRAPH_PROJECT"},
     "ALLIANCE_GRAPH_PROJECT='{}\n'"),
    ({"cache_dir": "{} "}, {}, {"--cache": "option"}, "--cache '{} '")])
def test_a_folder_named_with_spaces_around_it_is_refused_naming_the_one_meant(
        tmp_path, given, environ, who, said):
    # It was "no graph found in /x/proj" and a line break, naming a folder that looked like
    # the one that exists.
    here = project(tmp_path / "proj")
    given = {name: value.format(here) for name, value in given.items()}
    environ = {name: value.format(here) for name, value in environ.items()}
    with pytest.raises(ValueError) as refused:
        project_mod.for_command_line(given, environ, here)
    assert wording.worded(refused.value, functools.partial(wording.command_line,
                                                           given=who)) == (
        f"{said.format(here)}: no such folder, but {here} is one: leave out the spaces or line "
        "end around its path")


@pytest.mark.parametrize("folder", ["data", "ontology"])
def test_a_command_run_inside_a_projects_graph_folder_says_that_project_is_not_read(
        tmp_path, folder):
    # The real command, run in a project's data/ (gone into to edit a file): it answered from
    # the checkout's graph without a word, the project's own facts missing.
    mine = tmp_path / "my-graph"
    shutil.copytree(ROOT / "ontology", mine / "ontology")
    (mine / "data").mkdir()
    shutil.copy(ROOT / "data" / "aid.ttl", mine / "data")
    command = [str(Path(sys.executable).parent / "alliance-graph"), "stats", "--format", "json"]
    done = subprocess.run(command, cwd=mine / folder, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and json.loads(done.stdout)["claims"] > 0, done.stderr
    assert done.stderr == (
        f"note: {mine / folder} is the {folder}/ folder of the project {mine}, which is "
        f"not read: the graph is built from {ROOT / 'ontology'} and {ROOT / 'data'} (run from "
        f"{mine}, or give --project {mine})\n")
    # The project read, by its folder or by the one here: nothing to say.
    for given in (["--project", ".."], [f"--{folder}", "."]):
        read = subprocess.run([command[0], *given, *command[1:]], cwd=mine / folder,
                              capture_output=True, text=True, timeout=300)
        assert read.returncode in (0, 2) and "not read" not in read.stderr, read.stderr


@pytest.mark.parametrize("option", ["--data", "--ontology"])
def test_a_project_given_as_its_data_or_ontology_folder_is_told_to_be_given_as_one(
        tmp_path, option):
    # The real command: `--data ~/my-graph` built the graph of the ontology alone (an empty
    # data folder is one), 0 claims, without a word.
    mine = project(tmp_path / "my-graph")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), option,
                           str(mine), "stats"], capture_output=True, text=True, timeout=300)
    name = option.removeprefix("--")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"error: the {name} folder {mine} holds no *.ttl files: it is a "
                           f"project, holding ontology/ and data/; give it with --project "
                           f"{mine}\n"), done.stderr


@pytest.mark.parametrize("folder", ["data", "ontology"])
def test_a_projects_data_or_ontology_folder_given_as_the_project_names_the_project(
        tmp_path, folder):
    # The real command: `--project my-graph/data` was "no graph found in my-graph/data
    # (looked in my-graph/data/ontology and my-graph/data/data ...)", the project unnamed.
    mine = project(tmp_path / "my-graph")
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--project",
                           str(mine / folder), "stats"], capture_output=True, text=True,
                          timeout=300)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(f" for *.ttl files): {mine / folder} is the {folder}/ folder "
                                f"of the project {mine}; give --project {mine}\n"), done.stderr


@pytest.mark.parametrize("folder", ["data", "ontology"])
def test_a_cache_folder_that_is_the_data_or_ontology_folder_is_refused(tmp_path, folder):
    # --cache data wrote the build's N-Quads (two copies of the graph) and its RocksDB store
    # in among the files the graph is built from, without a word (17 MB for the shipped
    # graph), there for `git add data` to commit.
    here = project(tmp_path / "here")
    (tmp_path / "link").symlink_to(here / folder)
    said = (f"is the {folder} folder {here / folder}: the build cache would be written in "
            "among the files the graph is built from; give the cache a folder of its own, or "
            "leave --cache out for its default")
    for given in (here / folder, Path(f"{here / folder}/"), tmp_path / "link"):
        with pytest.raises(ValueError) as refused:
            project_mod.for_command_line({"cache_dir": given}, {}, here)
        assert wording.worded(refused.value, wording.command_line) == f"--cache {given} {said}"
    import alliance_graph as ag
    with pytest.raises(ValueError, match=f"Settings.cache_dir=.* is the {folder} folder"):
        ag.load(ag.Settings(root=here, cache_dir=here / folder))
    before = sorted(p.name for p in (here / folder).iterdir())
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--cache",
                           folder, "stats"], cwd=here, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stderr == f"error: --cache {folder} {said}\n"
    assert sorted(p.name for p in (here / folder).iterdir()) == before
    # A folder inside it is the user's to choose: the build reads the files of data/ alone.
    inside = project_mod.for_command_line({"cache_dir": here / folder / "cache"}, {}, here)
    assert inside.cache_dir == here / folder / "cache"


def test_a_data_folder_that_is_the_ontology_folder_is_refused(tmp_path):
    # --data ontology built a graph of the ontology alone, its files read twice (their
    # graphs named graph/ontology/... and as data): 0 claims, exit 0, without a word.
    here = project(tmp_path / "here")
    said = (f"is the ontology folder {here / 'ontology'}: the facts would be the ontology's "
            "own files, read twice; give the project's data/ folder, or leave --data out for it")
    for given in ("ontology", "./ontology/"):
        with pytest.raises(ValueError) as refused:
            project_mod.for_command_line({"data_dir": here / given}, {}, here)
        assert wording.worded(refused.value, wording.command_line).endswith(said)
    done = subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), "--data",
                           "ontology", "stats"], cwd=here, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stderr == f"error: --data ontology {said}\n"
