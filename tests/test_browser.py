"""The pages in a real browser (headless Chromium via Playwright) against real server processes.

One server (conftest's ``endpoint``) serves the shipped data: pick an example query, run it, follow a result to an
entity page with its quotes, search, look at the timeline and the diagram.  A second server
serves tests/fixtures/pages, whose labels and quotes hold markup, to see that it stays text.
Screenshots go to docs/ for the README.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright import sync_api  # in the test extra: a missing browser driver fails, never skips

import servers

CHROMIUM = Path(os.environ.get("ALLIANCE_GRAPH_CHROMIUM", "/usr/bin/chromium"))
# Everything that would make Chromium reach out to the network or need a desktop is off.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
DOCS = Path(__file__).resolve().parents[1] / "docs"
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "pages" / "data"
STARTUP_SECONDS = 180  # a first start builds the graph (owlrl) before it can answer


def serve(tmp_path: Path, *options: str):
    """Start ``alliance-graph [options] serve`` in its own process; return it and its URL."""
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(servers.BIN / "alliance-graph"), *options, "serve", "--host",
                             "127.0.0.1", "--port", str(port)], url + "/timeline",
                            tmp_path / f"server-{port}.log", timeout=STARTUP_SECONDS)
    return process, url


@pytest.fixture(scope="module")
def shipped_server(endpoint):
    # The session's `alliance-graph serve` on the shipped data (conftest.py), shared with the
    # endpoint tests.
    return endpoint


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory):
    # The shipped ontology with only the fixture's facts: its terms are the shipped ones, and
    # the ontology's files keep their ontology/ graph names, which the build's checks rely on.
    tmp = tmp_path_factory.mktemp("markup")
    shutil.copytree(FIXTURE_DATA, tmp / "data")
    process, url = serve(tmp, "--data", str(tmp / "data"), "--cache", str(tmp / "cache"))
    yield url
    servers.stop(process)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: its absence there is a broken run, not a skip
        pytest.skip(message)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    # Pages must not reach any other site: fail the test on any request off the server.
    outside = []
    tab.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(("http://127.0.0.1:", "data:")) else None)
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert outside == [], f"pages fetched from other sites: {outside}"
    assert errors == [], f"script errors: {errors}"


def test_pick_an_example_run_it_and_follow_a_result_to_its_quotes(page, shipped_server):
    page.goto(shipped_server + "/")
    page.select_option("#example", "iron-dome-cofunding-quotes")
    assert "rdf:subject id:IronDome" in page.input_value("#query")
    page.click("#run")
    rows = page.locator("table.results tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 1
    assert "row" in page.text_content("#status")
    # Downloads carry the same query to the endpoint in the other formats.
    csv = page.get_attribute("#download-select a[data-format=csv]", "href")
    assert csv.startswith("/sparql?query=") and "format=csv" in csv
    page.screenshot(path=str(DOCS / "screenshot-query.png"), full_page=True)

    page.click("table.results a[href='/id/claim/IronDome-coFundedBy-UnitedStates']")
    page.wait_for_url("**/id/claim/IronDome-coFundedBy-UnitedStates")
    quote = page.locator("blockquote.quote q").first
    assert "co-funded by the U.S." in quote.text_content()
    assert page.locator(".evidence .source-title").count() >= 1


def test_entity_page_shows_quotes_grades_and_its_diagram(page, shipped_server):
    page.goto(shipped_server + "/id/IronDome")
    assert page.text_content("h1") == "Iron Dome"
    assert page.locator("blockquote.quote").count() >= 2
    assert "reliability" in page.text_content(".evidence .grade")
    diagram = page.locator("svg.diagram")
    assert diagram.locator("line").count() >= 1
    labels = diagram.locator("text.edge-label tspan").all_text_contents()
    assert "co-funded by" in labels
    page.screenshot(path=str(DOCS / "screenshot-entity.png"), full_page=True)
    diagram.screenshot(path=str(DOCS / "screenshot-diagram.png"))
    # A neighbour in the diagram is a link to its own page.
    diagram.locator("a[href='/id/UnitedStates']").first.click()
    page.wait_for_url("**/id/UnitedStates")


def test_query_errors_are_shown_as_the_server_says(page, shipped_server):
    page.goto(shipped_server + "/")
    page.fill("#query", "SELECT ?x WHERE { ?x ")
    page.click("#run")
    error = page.locator("#error")
    error.wait_for()
    assert error.text_content().startswith("400")
    assert page.locator("table.results").count() == 0


def test_search_box_suggests_entities_by_label(page, shipped_server):
    page.goto(shipped_server + "/timeline")
    page.fill("#search", "iron do")
    suggestion = page.locator("#search-results a", has_text="Iron Dome").first
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_url("**/id/IronDome")


def test_timeline_shows_dates_in_order_with_precision(page, shipped_server):
    page.goto(shipped_server + "/timeline")
    dates = page.locator("ol.timeline time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and dates == sorted(dates)
    assert set(page.locator("ol.timeline .precision").all_text_contents()) <= {
        "year", "month", "day", "time"}
    page.screenshot(path=str(DOCS / "screenshot-timeline.png"), full_page=False)


def test_markup_in_the_data_stays_text(page, markup_server):
    page.goto(markup_server + "/id/Atlantis")
    assert page.text_content("h1") == "<script>window.pwned=1</script>Atlantis"
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.goto(markup_server + "/id/IronDome")
    assert page.locator(".conflict .claim").count() == 2
    assert "<script>alert(1)</script>" in page.text_content(".conflict")
    # Results drawn by the query page's script are text too.
    page.goto(markup_server + "/")
    page.fill("#query", "SELECT ?label WHERE { id:Atlantis rdfs:label ?label }")
    page.click("#run")
    cell = page.locator("table.results td").first
    cell.wait_for()
    assert cell.text_content() == "<script>window.pwned=1</script>Atlantis"
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.screenshot(path=str(DOCS / "screenshot-escaped.png"))
