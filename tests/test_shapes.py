"""The shape fixture suite: every shape and check fires on its failing fixture, on the line the
fixture marks, and on nothing else; passing fixtures produce no finding at all.

The fixtures in tests/fixtures/shapes/ are their own manifest: ``# expect: <shape> ...`` at the
end of a line lists the shapes/checks that must report that line, ``# passes: ...`` lists what a
passing fixture exercises.  All fixtures are validated in one run (against the tiny base graph in
base/ and the real ontology and shapes), which keeps the suite to a couple of seconds; fixtures
use their own entity names, so one cannot hide or cause another's finding.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from alliance_graph.build import checks
from alliance_graph.proposals import quotes, validation
from helpers import expected, short

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
FILES = sorted(FIXTURES.glob("*.ttl"))
# Checks that read the source texts: their fixtures need the sources folder.
SOURCE_CHECKS = {f"check:{name}" for name in [*quotes.CHECKS, quotes.UNREADABLE]}
# Source texts the fixtures cite besides the shipped ones (an empty one, source-unreadable).
FIXTURE_SOURCES = FIXTURES / "sources"


def exercised(path: Path) -> set[str]:
    m = re.search(r"^# passes: (.*)$", path.read_text(encoding="utf-8"), re.M)
    return set(m.group(1).split()) if m else set()


@pytest.fixture(scope="module")
def fixture_report(settings, tmp_path_factory):
    """One validation run over every fixture, with base/ as the current data, and the shipped
    source texts with the fixtures' own (``FIXTURE_SOURCES``) as the sources folder."""
    sources = settings.sources_dir
    if sources.is_dir():  # (without the shipped texts no quote is checked: see test_fixture)
        sources = tmp_path_factory.mktemp("sources")
        for text in [*settings.sources_dir.glob("*.txt"), *FIXTURE_SOURCES.glob("*.txt")]:
            shutil.copy(text, sources / text.name)
    report = validation.validate(settings.with_(data_dir=FIXTURES / "base",
                                                sources_dir=sources), FILES)
    by_file: dict[str, set] = {}
    for f in report.findings:
        by_file.setdefault(f.file, set()).add((short(f.shape), f.line))
    return report, by_file


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_fixture(path, fixture_report, settings):
    want = expected(path)
    if ".fail" in path.name:
        assert want, f"{path.name} is a failing fixture without an '# expect:' line"
    else:
        assert not want and exercised(path), f"{path.name}: a passing fixture lists '# passes:'"
    if {name for name, _ in want} & SOURCE_CHECKS and not settings.sources_dir.is_dir():
        pytest.skip(f"source texts not found at {settings.sources_dir}: quote checks cannot run")
    _, by_file = fixture_report
    assert by_file.get(str(path), set()) == want


def test_base_graph_conforms(fixture_report):
    report, _ = fixture_report
    assert report.elsewhere == 0, "the fixtures' base graph itself has findings"


def shape_iris() -> set[str]:
    """Return every shape with constraints of its own: property shapes and closed lists."""
    g = Graph().parse(Path(__file__).parents[1] / "ontology" / "shapes.ttl")
    found = {short(str(s)) for s in g.subjects(RDF.type, SH.PropertyShape)}
    found |= {short(str(s)) for s in g.subjects(SH["in"], None) if (s, RDF.type, SH.NodeShape) in g}
    return found


def check_names() -> set[str]:
    names = [c.name for c in checks.all_checks(validation.CHECK_KINDS)]
    names += list(validation.EXTRA_CHECKS) + list(quotes.CHECKS) + [quotes.UNREADABLE]
    return {f"check:{n}" for n in names}


@pytest.mark.parametrize("kind", ["failing", "passing"])
def test_every_shape_and_check_has_fixtures(kind):
    rules = shape_iris() | check_names()
    if kind == "failing":
        covered = {name for p in FILES if ".fail" in p.name
                   for name, _ in expected(p) | expected(p, "build")}
    else:
        covered = set().union(*(exercised(p) for p in FILES if ".pass" in p.name))
    assert sorted(rules - covered) == [], f"shapes/checks without a {kind} fixture"


def test_each_finding_is_reported_once(fixture_report):
    # A value breaking several constraints of one shape (an oa:start that is no integer breaks
    # its datatype, minimum and order) was the same finding three times over.
    report, _ = fixture_report
    said = [(f.file, f.line, f.shape, f.focus, f.path, f.value, f.message)
            for f in report.findings]
    assert len(said) == len(set(said))
