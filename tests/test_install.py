"""A real install: the wheel built from the sdist carries the shipped graph, and the installed
command serves it from any directory, with its build cache in the user's cache folder.

The wheel is built offline with the build backend of the test environment (PEP 517 hooks, as a
frontend calls them) and installed with ``--no-deps --no-index`` into a fresh venv; the
dependencies come from the test environment through a ``.pth`` file written after the install,
so pip never sees (or touches) the editable install beside them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest

from alliance_graph.query import results as queries
from alliance_graph.query import stats as stats_mod
from alliance_graph.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("ontology", "data", "queries")
README_QUERY = "iron-dome-cofunding-quotes"


def _hook(hook: str, source: Path, out: Path) -> Path:
    """Run a setuptools PEP 517 hook in ``source`` and return the file it wrote to ``out``."""
    done = subprocess.run([sys.executable, "-c", f"from setuptools import build_meta as b; "
                           f"print(b.{hook}({str(out)!r}))"],
                          cwd=source, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return out / done.stdout.strip().splitlines()[-1]


def _checkout_copy(target: Path) -> Path:
    """Copy the files git would commit (tracked and new, not ignored) to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Build the sdist from a copy of the checkout, then the wheel from the unpacked sdist."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the checkout's files")
    work = tmp_path_factory.mktemp("build")
    sdist = _hook("build_sdist", _checkout_copy(work / "checkout"), work / "dist")
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "unpacked", filter="data")
    (unpacked,) = (work / "unpacked").iterdir()
    return {"sdist": sdist, "wheel": _hook("build_wheel", unpacked, work / "dist")}


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """Install the wheel into a fresh venv; return the venv's bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", "--no-compile", str(built["wheel"])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> dict[str, str]:
    """The environment a user's shell has: no ALLIANCE_GRAPH_* variable, a cache folder."""
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
    env["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    env["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))  # no source texts there
    return env


@pytest.fixture
def run(installed, environment, tmp_path):
    """Run the installed command in an empty directory."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def invoke(*args, cwd=elsewhere, program="alliance-graph"):
        return subprocess.run([str(installed / program), *map(str, args)], cwd=cwd,
                              env=environment, capture_output=True, text=True, timeout=600)
    invoke.user_cache = Path(environment["XDG_CACHE_HOME"]) / "alliance-graph"
    invoke.user_data = Path(environment["XDG_DATA_HOME"]) / "alliance-graph"
    return invoke


@pytest.mark.parametrize("kind", ["sdist", "wheel"])
def test_the_distributions_carry_ontology_data_and_queries(built, kind):
    if kind == "wheel":
        names = zipfile.ZipFile(built["wheel"]).namelist()
        prefix = "alliance_graph/shipped/"
    else:
        names = tarfile.open(built["sdist"]).getnames()
        prefix = built["sdist"].name.removesuffix(".tar.gz") + "/"
    for folder in SHIPPED:
        # Hidden files are add's lock and journal, never part of the graph.
        want = {p.name for p in (ROOT / folder).iterdir()
                if p.is_file() and not p.name.startswith(".")}
        have = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"{prefix}{folder}/")}
        assert have == want, f"{kind}: {folder}/ differs from the checkout's"


def test_installed_package_runs_its_own_code_and_graph(run):
    done = run("-c", "import alliance_graph.settings as s; print(s.__file__); "
               "print(s.PROJECT_ROOT)", program="python")
    module, root = done.stdout.splitlines()
    assert not Path(module).is_relative_to(ROOT), "the test imported the checkout, not the wheel"
    assert root == str(Path(module).parent / "shipped")


def test_stats_and_a_query_from_another_directory_equal_the_checkouts(run, kg):
    stats = run("stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    assert figures == asdict(stats_mod.compute(kg, figures["version"])) and figures["version"]
    assert list(run.user_cache.glob("build-*.nq")), "the build cache is not in the user's cache"

    answer = run("query", README_QUERY, "--format", "json")
    assert answer.returncode == 0, answer.stderr
    text = (ROOT / "queries" / f"{README_QUERY}.rq").read_text(encoding="utf-8")
    expected = json.loads(queries.serialize(queries.run(kg, text), "json"))
    got = json.loads(answer.stdout)
    key = lambda doc: sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])
    assert got["results"]["bindings"] and key(got) == key(expected)


def test_a_project_without_turtle_files_is_an_error_not_an_empty_graph(run, tmp_path):
    empty = tmp_path / "empty"
    (empty / "ontology").mkdir(parents=True)
    (empty / "data").mkdir()
    for args, cwd in [(("--project", empty, "stats"), tmp_path), (("stats",), empty)]:
        done = run(*args, cwd=cwd)
        assert done.returncode == 2, done.stdout
        assert f"no graph found in {empty} (looked in {empty / 'ontology'}" in done.stderr
        assert "Traceback" not in done.stderr


def test_readmes_python_example_runs_on_the_installed_package(run):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    done = run("-c", example + "print(len(rows), len(turtle))", program="python")
    assert done.returncode == 0, done.stderr
    rows, turtle = map(int, done.stdout.split())
    assert rows and turtle


def test_the_python_it_needs_is_said_alike_everywhere():
    """README said Python 3.10 would do while the lexer's atomic groups (``(?>``) and the
    possessive patterns need 3.11: on 3.10 every command stopped at import with re.error."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    needed = re.fullmatch(r">=3\.(\d+)", project["project"]["requires-python"])
    assert needed, project["project"]["requires-python"]
    minor = int(needed.group(1))
    assert minor >= 11, "the package's patterns need Python 3.11 (atomic and possessive)"
    assert project["tool"]["ruff"]["target-version"] == f"py3{minor}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"Python ≥ (3\.\d+)", readme)) == {f"3.{minor}"}


def test_the_installed_commands_help_says_it_carries_no_source_texts(run):
    # --sources said "default: ../shared/sources beside the project", a folder inside
    # site-packages for the installed package, which carries no texts.
    shown = " ".join(run("--help").stdout.split())
    assert "--sources DIRECTORY Folder of the source texts (default: ../shared/sources beside " \
           "the project; the installed package carries none, and looks for a copy in the " \
           "user's data folder: alliance-graph/sources there, as errors name it)." in shown, shown


def test_the_installed_commands_missing_source_texts_are_looked_for_in_the_users_data(run):
    # They were "no source texts at .../site-packages/alliance_graph/shared/sources", a folder
    # no one makes, the message saying only to point --sources at a copy.
    done = run("cite", "000_06b6882714cf1880.txt", "Negev U.S. Radar Base")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == (
        f"error: no source texts at {run.user_data / 'sources'}: the installed package carries "
        "none, and looks for them in this folder of the user's data: copy the project's shared "
        "sources folder's texts (*.txt) here; point --sources or ALLIANCE_GRAPH_SOURCES at a "
        "copy of it\n")


def test_catalogue_update_leaves_the_catalogue_the_package_carries_alone(run, tmp_path):
    # It rewrote the reviewed answers in site-packages, answered from whatever --data was
    # given, where add refuses to write the data folder the package carries.
    root = Path(run("-c", "import alliance_graph.settings as s; print(s.SHIPPED)",
                    program="python").stdout.strip())
    before = {p.name: p.read_bytes() for p in (root / "queries").iterdir()}
    done = run("catalogue", "--update")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == (
        f"error: {root / 'queries'} is the catalogue the installed package carries, not a "
        "project's: answers rewritten there would be shared by everyone using the package and "
        "lost when it is installed again; update the catalogue of a project of your own "
        "(--project DIR: a folder holding ontology/, data/ and queries/, such as a checkout "
        "of the project), nothing was written\n"), done.stderr
    assert {p.name: p.read_bytes() for p in (root / "queries").iterdir()} == before
    assert run("catalogue").returncode == 0  # checking them is no change
