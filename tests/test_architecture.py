"""The package's shape (docs/architecture.md): each folder imports only the layers below it,
only web/ reaches for the web stack, and modules stay small."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alliance_graph"
# The layers, lowest first: a part may import the parts before it in this list, and itself.
LAYERS = [{"settings", "setting_values", "project_files", "project", "namespaces", "rdf", "atomic", "sparql", "lexer",
           "brackets", "keywords", "terminals", "wording", "utf16", "clipping"},
          {"build"},
          {"store"}, {"query"}, {"sources"}, {"proposals"}, {"engine"}, {"web"}, {"facade"},
          {"cli", "__init__", "__main__"}]
RANK = {part: i for i, layer in enumerate(LAYERS) for part in layer}
# Parts held to less than their layer allows (docs/architecture.md's table).
ONLY = {"sources": {"settings", "project_files", "namespaces", "rdf", "sparql", "sources",
                    "wording", "utf16", "clipping"},
        "settings": {"settings", "setting_values", "project_files", "rdf"},
        "project_files": {"project_files", "settings", "wording"},
        "project": {"project", "settings", "wording"},
        # The notebook's functions: everything a query, an export or a proposal needs but the
        # web (a notebook starts no server).
        "facade": {path.relative_to(PACKAGE).parts[0].removesuffix(".py")
                   for path in PACKAGE.rglob("*.py")} - {"web", "cli", "__init__", "__main__"}}
WEB_STACK = {"flask", "werkzeug", "waitress", "jinja2"}
MODULES = sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported(path: Path) -> tuple[set[str], set[str]]:
    """Return the package parts and the third-party top-level names a module imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = dotted(path) if path.name == "__init__.py" else dotted(path)[:-1]
    parts, outside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            target = base + (node.module.split(".") if node.module else [])
            parts |= {target[0]} if target else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names = node.module.split(".")
            if names[0] == "alliance_graph":
                parts |= {names[1]} if len(names) > 1 else {a.name for a in node.names}
            else:
                outside.add(names[0])
        elif isinstance(node, ast.Import):
            outside |= {a.name.split(".")[0] for a in node.names}
    return parts, outside


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_the_layers_below_its_own(path):
    part = dotted(path)[0] if dotted(path) else "__init__"
    parts, _ = imported(path)
    above = sorted(p for p in parts if RANK.get(p, -1) > RANK[part])
    assert not above, f"{part} may not import {above} (a layer above it)"
    beyond = sorted(parts - ONLY.get(part, parts))
    assert not beyond, f"{part} may not import {beyond} (docs/architecture.md)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_web_imports_the_web_stack(path):
    part = dotted(path)[0] if dotted(path) else "__init__"
    stack = imported(path)[1] & WEB_STACK
    assert part in ("web", "cli") or not stack, f"{path.name} imports {stack}: only web/ may"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.name} has {lines} lines: split it by concern"


def test_the_query_engine_process_loads_no_rdflib_nor_the_build():
    # The engine holds the store; every library it loads is paid again in each engine.
    code = ("import sys, alliance_graph.engine.worker, alliance_graph.store.graph; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'owlrl', "
            "'pyshacl', 'flask') or m.startswith('alliance_graph.build.') "
            "and m != 'alliance_graph.build.pipeline'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
