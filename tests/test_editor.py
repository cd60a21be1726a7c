"""The editor bundle: built from editor/ as committed, with the licences of what it holds."""

import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EDITOR = ROOT / "editor"
STATIC = ROOT / "src" / "alliance_graph" / "web" / "pages" / "static"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_bundle_was_built_from_the_committed_sources():
    banner = (STATIC / "editor.js").read_text(encoding="utf-8").split("\n", 1)[0]
    recorded = dict(re.findall(r"(\S+) sha256 ([0-9a-f]{64})", banner))
    assert recorded == {"package-lock.json": sha256(EDITOR / "package-lock.json"),
                        "src/editor.js": sha256(EDITOR / "src" / "editor.js")}, \
        "editor.js is older than editor/: run `cd editor && npm ci && npm run build`"


def test_every_bundled_dependency_is_pinned_and_its_licence_shipped():
    package = json.loads((EDITOR / "package.json").read_text())
    lock = json.loads((EDITOR / "package-lock.json").read_text())["packages"]
    licences = (STATIC / "editor.js.LICENSE.txt").read_text(encoding="utf-8")
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
        assert lock[f"node_modules/{name}"]["version"] == version
    for name, licence in re.findall(r"^(\S+) \d+\.\d+\.\d+ \((\S+)\)$", licences, re.M):
        entry = lock[f"node_modules/{name}"]
        assert entry["license"] == licence and not entry.get("dev")
    assert "codemirror 6.0.2 (MIT)" in licences and "@codemirror/legacy-modes" in licences


def test_the_query_page_loads_the_bundle_from_this_server(client_app):
    page = client_app.get("/", headers={"Accept": "text/html"}).text
    assert '<script src="/static/pages/editor.js" defer></script>' in page
    with client_app.get("/static/pages/editor.js") as response:
        assert response.status_code == 200 and "javascript" in response.mimetype


def test_vocabulary_lists_prefixes_and_the_ontologys_terms_with_labels(client_app):
    vocabulary = client_app.get("/vocabulary.json").get_json()
    assert vocabulary["prefixes"]["ag"] == "https://alliance-graph.example/ontology/"
    terms = {t["name"]: t for t in vocabulary["terms"]}
    assert terms["ag:coFundedBy"] == {
        "name": "ag:coFundedBy", "kind": "property", "label": "co-funded by",
        "definition": "A state that pays part of a system's cost."}
    assert terms["ag:MissileDefenseSystem"]["kind"] == "class"


@pytest.fixture(scope="module")
def client_app(pages_kg, pages_settings):
    from flask import Flask

    from alliance_graph.web.pages import views
    app = Flask(__name__)
    app.register_blueprint(views.create_blueprint(lambda: pages_kg, pages_settings))
    return app.test_client()


@pytest.mark.parametrize("backend_kg", ["virtuoso"], indirect=True)
def test_vocabulary_lists_terms_in_one_order_whatever_the_store(backend_kg, kg):
    # Sorted on the folded name alone, names told apart by case alone (ag:Headquarters, the
    # class, and ag:headquarters, the property) came in the store's order: Virtuoso's put the
    # property first, the local store the class, and /vocabulary.json changed with the store.
    from alliance_graph.web.pages import completions
    local = completions.vocabulary(kg)["terms"]
    names = [t["name"] for t in local]
    assert names.index("ag:Headquarters") + 1 == names.index("ag:headquarters")
    assert completions.vocabulary(backend_kg)["terms"] == local
