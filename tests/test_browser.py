"""The pages in a real browser (headless Chromium via Playwright) against real server processes.

One server (conftest's ``endpoint``) serves the shipped data: pick an example query, edit it in
the editor (completion, Ctrl+Enter, error marks, permalinks), run it, sort and follow the
results, search labels and quotes, validate a proposal in the form, read a source page, look at
the timeline and the diagram.  A second server serves tests/fixtures/pages, whose labels and
quotes hold markup, to see that it stays text.  Screenshots for the README are written to docs/
only when ALLIANCE_GRAPH_SCREENSHOTS is set (a normal test run changes no tracked file).
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
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
SCREENSHOTS = bool(os.environ.get("ALLIANCE_GRAPH_SCREENSHOTS"))
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "pages" / "data"
STARTUP_SECONDS = 180  # a first start builds the graph (owlrl) before it can answer
SMALL_REQUESTS = 200_000  # the prefixed site's limit for a request's body (max_request_bytes)


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


def screenshot(target, name: str, **options) -> None:
    """Write docs/screenshot-NAME.png, only when asked (ALLIANCE_GRAPH_SCREENSHOTS=1)."""
    if SCREENSHOTS:
        target.screenshot(path=str(DOCS / f"screenshot-{name}.png"), **options)


def set_query(page, text: str) -> None:
    """Replace the editor's text as a user would (select all, then type it in one go)."""
    page.click(".cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def editor_text(page) -> str:
    return page.locator("#query").input_value()  # the hidden textarea follows the editor


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
    assert "rdf:subject id:IronDome" in editor_text(page)
    assert "rdf:subject id:IronDome" in page.text_content(".cm-content")
    page.click("#run")
    rows = page.locator("table.results tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 1
    assert "row" in page.text_content("#status")
    # Downloads carry the same query to the endpoint in the other formats.
    csv = page.get_attribute("#download-select a[data-format=csv]", "href")
    assert csv.startswith("/sparql?query=") and "format=csv" in csv
    screenshot(page, "query", full_page=True)

    page.click("table.results a[href='/id/claim/IronDome-coFundedBy-UnitedStates']")
    page.wait_for_url("**/id/claim/IronDome-coFundedBy-UnitedStates")
    quote = page.locator("blockquote.quote q").first
    assert "co-funded by the U.S." in quote.text_content()
    assert page.locator(".evidence .source-title").count() >= 1


# What covers what in the page's diagram, as drawn: two boxes or two edge labels that overlap,
# or an edge crossing a box (a few pixels in from its sides, where edges end).
DIAGRAM_OVERLAPS = """(selector) => {
  const svg = document.querySelector(selector);
  const boxes = [...svg.querySelectorAll('rect, text.edge-label')].map(e => {
    const b = e.getBBox();
    return {what: e.tagName === 'rect' ? e.nextElementSibling.textContent : e.textContent,
            x: b.x, y: b.y, r: b.x + b.width, b: b.y + b.height};
  });
  const out = [];
  boxes.forEach((p, i) => boxes.slice(i + 1).forEach(q => {
    if (p.x < q.r && q.x < p.r && p.y < q.b && q.y < p.b) out.push(p.what + ' / ' + q.what);
  }));
  for (const l of svg.querySelectorAll('line')) {
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map(a => +l.getAttribute(a));
    for (const box of boxes) {
      for (let t = 0; t <= 1; t += 0.01) {
        const x = x1 + (x2 - x1) * t, y = y1 + (y2 - y1) * t;
        if (x > box.x + 3 && x < box.r - 3 && y > box.y + 3 && y < box.b - 3) {
          out.push('an edge crosses ' + box.what); break;
        }
      }
    }
  }
  return out;
}"""


def test_entity_page_shows_quotes_grades_and_its_diagram(page, shipped_server):
    page.goto(shipped_server + "/id/IronDome")
    assert page.text_content("h1") == "Iron Dome"
    assert page.locator("blockquote.quote").count() >= 2
    assert "reliability" in page.text_content(".evidence .grade")
    assert_claim_links_say_which_claim(page, "article.claim header a.small")
    assert_claim_links_say_which_claim(page, "article.claim .evidence a.small", "evidence")
    assert ("evidence 3 of 3 for Iron Dome co-funded by United States, from Building United "
            "States-Israel Partnerships in Defense") in link_names(page, ".evidence a.small")
    # A group of the claims pointing at the entity was headed "← joint program (of)", read
    # "leftwards arrow joint program of" in a screen reader's list of headings: the arrow is
    # drawn only, and the heading says whose ("joint program (of Iron Dome)").
    assert page.get_by_role("heading", name="joint program (of Iron Dome)", exact=True
                            ).count() == 1
    assert "←" not in page.locator("section.facts").aria_snapshot()
    diagram = page.locator("svg.diagram.wide")
    assert page.locator("svg.diagram.narrow").is_hidden()  # drawn for a phone's screen
    assert diagram.locator("line").count() >= 1
    labels = diagram.locator("text.edge-label tspan").all_text_contents()
    assert "co-funded by" in labels
    # Its neighbours' links are links of a group named for the entity: in an img, whose
    # children are presentational, a screen reader was shown a picture that Tab went into.
    group = page.get_by_role("group", name="Links of Iron Dome")
    assert group.count() == 1  # the narrow drawing is not shown at this width
    assert group.get_by_role("link", name="United States", exact=True).count() == 1
    # The property labels under the boxes were read as one run of text, apart from the links
    # and glued together ("co-funded byco-produced with..."): each link is described by its
    # fact instead, and the labels drawn are not read.
    sync_api.expect(group.get_by_role("link", name="United States", exact=True)
                    ).to_have_accessible_description(
        "Iron Dome co-funded by, co-produced with, jointly developed with, supported by "
        "United States")
    assert "co-funded by" not in group.aria_snapshot()
    screenshot(page, "entity", full_page=True)
    screenshot(diagram, "diagram")
    # A neighbour in the diagram is a link to its own page.
    diagram.locator("a[href='/id/UnitedStates']").first.click()
    page.wait_for_url("**/id/UnitedStates")
    # The United States has 16 neighbours drawn: around a circle their boxes covered each
    # other and their edge labels piled up round the centre, unreadable.
    assert page.evaluate(DIAGRAM_OVERLAPS, "svg.diagram.wide") == []


def test_on_a_phone_the_diagram_is_drawn_for_its_width(page, shipped_server):
    # Two columns either side of the entity, 760 units wide, were scaled to the phone's width:
    # at 320 px their text was 5 px high. There the neighbours are drawn one under another.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(shipped_server + "/id/UnitedStates")
    assert page.locator("svg.diagram.wide").is_hidden()
    diagram = page.locator("svg.diagram.narrow")
    assert diagram.is_visible()
    scale = diagram.evaluate("s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
    sizes = diagram.evaluate("""s => [...s.querySelectorAll('text')].map(
        t => parseFloat(getComputedStyle(t).fontSize))""")
    assert min(sizes) * scale >= 10, f"text {min(sizes) * scale:.1f} px high"
    assert page.evaluate(DIAGRAM_OVERLAPS, "svg.diagram.narrow") == []
    screenshot(diagram, "diagram-phone")
    assert page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    # Every neighbour of the wide drawing is there, a link to its page.
    wide = page.locator("svg.diagram.wide a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(wide) >= 8
    assert diagram.locator("a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))") == wide
    diagram.locator("a").first.click()
    page.wait_for_url(shipped_server + wide[0])


def test_query_errors_are_shown_as_the_server_says(page, shipped_server):
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?x WHERE {\n  ?x foo:bar ?y }")
    page.click("#run")
    error = page.locator("#error")
    error.wait_for()
    assert error.text_content().startswith("400")
    assert "at line 2, column" in error.text_content()
    assert page.locator("table.results").count() == 0
    # The editor marks the place the server names, on line 2.
    mark = page.locator(".cm-lintRange-error")
    mark.wait_for()
    line = page.locator(".cm-line").nth(1)
    assert line.locator(".cm-lintRange-error").count() == 1


def test_search_box_suggests_entities_by_label(page, shipped_server):
    page.goto(shipped_server + "/timeline")
    page.fill("#search", "iron do")
    suggestion = page.locator("#search-results a", has_text="Iron Dome").first
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_url("**/id/IronDome")


def link_names(page, links: str) -> dict[str, set]:
    """Each accessible name of the links matched, with the addresses links of that name go to
    (checked against the page's accessibility tree for one of them)."""
    found = page.locator(links).evaluate_all(
        "els => els.map(a => [(a.hasAttribute('aria-labelledby')"
        " ? a.getAttribute('aria-labelledby').split(' ').map(i => document.getElementById(i)"
        ".textContent).join(' ') : a.textContent).replace(/\\s+/g, ' ').trim(),"
        " a.getAttribute('href')])")
    names: dict[str, set] = {}
    for name, href in found:
        names.setdefault(name, set()).add(href)
    if found:
        name, href = found[0]
        named = page.get_by_role("link", name=name, exact=True)
        assert {named.nth(i).get_attribute("href") for i in range(named.count())} == {href}
    return names


def assert_claim_links_say_which_claim(page, links: str, shown: str = "claim") -> None:
    # Every link to a claim read "claim" (to its evidence "evidence"): a screen reader's list
    # of the page's links was a column of identical entries (WCAG 2.4.4). Each now says which,
    # one name for one address, the visible word first (WCAG 2.5.3, label in name).
    names = link_names(page, links)
    assert len(names) > 1, names
    assert all(name.startswith(shown + " ") and len(hrefs) == 1 for name, hrefs in names.items()), \
        [(name, hrefs) for name, hrefs in names.items() if len(hrefs) > 1][:5]


def test_back_to_a_page_gives_the_search_box_its_text_again(page, shipped_server):
    # The box is autocomplete="off" (the browser's own list of past entries covered the
    # suggestions), which also kept Chromium from filling it again: typed, a suggestion
    # picked, Back showed the box empty, the text to retype.
    page.goto(shipped_server + "/timeline")
    page.fill("#search", "iron do")
    page.locator("#search-results a", has_text="Iron Dome").first.click()
    page.wait_for_url("**/id/IronDome")
    page.go_back()
    page.wait_for_url("**/timeline")
    poll(page, lambda: page.input_value("#search") == "iron do", "the text typed back")
    # Sent with Enter before any suggestion came, too; the search page's own words are
    # given back where they were changed there.
    page.fill("#search", "arrow")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=arrow")
    page.fill("#search", "iron dome")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=iron+dome")
    page.go_back()
    page.wait_for_url("**/search?q=arrow")
    poll(page, lambda: page.input_value("#search") == "iron dome", "the text typed back")
    assert page.locator("#search-results").is_hidden()


def test_timeline_shows_dates_in_order_with_precision(page, shipped_server):
    page.goto(shipped_server + "/timeline")
    dates = page.locator("ol.timeline time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and dates == sorted(dates)
    assert set(page.locator("ol.timeline .precision").all_text_contents()) <= {
        "year", "month", "day", "time"}
    assert_claim_links_say_which_claim(page, "ol.timeline a.small")
    assert "claim of Israel designated as Major Non-NATO Ally valid from 1987" in link_names(page, "ol.timeline a.small")
    screenshot(page, "timeline", full_page=False)
    # A page of the timeline that is none (a link cut short, a typed address) is told in a
    # page of the site, with its status, and a link back: it was a bare line of plain text.
    for asked, status, words in [("abc", 400, "page must be a whole number from 1"),
                                 ("99", 404, "the timeline has 1 page(s)")]:
        response = page.goto(shipped_server + "/timeline?page=" + asked)
        assert response.status == status
        assert page.text_content("main [role=alert]").strip() == words
        assert page.locator("header form.search input").is_visible()
    page.click("main .error-links a[href='/timeline']")
    page.wait_for_url("**/timeline")
    assert page.locator("ol.timeline time").count() == len(dates)


def test_markup_in_the_data_stays_text(page, markup_server):
    page.goto(markup_server + "/id/Atlantis")
    assert page.text_content("h1") == "<script>window.pwned=1</script>Atlantis"
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.goto(markup_server + "/id/IronDome")
    assert page.locator(".conflict .claim").count() == 2
    assert "<script>alert(1)</script>" in page.text_content(".conflict")
    # Results drawn by the query page's script are text too.
    page.goto(markup_server + "/")
    set_query(page, "SELECT ?label WHERE { id:Atlantis rdfs:label ?label }")
    page.click("#run")
    cell = page.locator("table.results td").first
    cell.wait_for()
    assert cell.text_content() == "<script>window.pwned=1</script>Atlantis"
    assert page.evaluate("typeof window.pwned") == "undefined"
    screenshot(page, "escaped")


def test_editor_completes_prefixes_and_ontology_terms(page, shipped_server):
    page.goto(shipped_server + "/")
    # The editor was named for a screen reader alone (aria-label): a sighted reader saw a box
    # with no label. Its label is shown, names it, and a click on it puts the focus in it.
    label = page.locator("label[for='query']")
    assert label.is_visible()
    page.locator(".cm-content").wait_for()
    assert page.get_by_role("textbox", name=label.text_content().strip()).count() == 1
    label.click()
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    set_query(page, "SELECT ?s WHERE { ?s ag:coFun")
    page.keyboard.press("Control+Space")
    option = page.locator(".cm-tooltip-autocomplete li", has_text="ag:coFundedBy").first
    option.wait_for()
    assert "co-funded by" in option.text_content()  # the label, from the server's vocabulary
    # CodeMirror ignores Enter for 75 ms after the list opens (so a fast typist's Enter is not
    # taken as a choice); a person takes longer than that to read the list.
    page.wait_for_timeout(150)
    page.keyboard.press("Enter")
    assert "?s ag:coFundedBy" in editor_text(page)
    # A class, after a prefix typed from nothing.
    page.keyboard.insert_text(" ?o . ?s a ag:MissileDef")
    page.keyboard.press("Control+Space")
    page.locator(".cm-tooltip-autocomplete li", has_text="ag:MissileDefenseSystem").first.wait_for()


def test_permalink_prefills_and_running_updates_the_address(page, shipped_server):
    page.goto(shipped_server + "/?query=" + urllib.parse.quote("ASK { id:IronDome ?p ?o }"))
    assert editor_text(page) == "ASK { id:IronDome ?p ?o }"
    set_query(page, "SELECT ?l WHERE { id:IronDome rdfs:label ?l }")
    page.keyboard.press("Control+Enter")  # runs, as the Run button does
    page.locator("table.results tbody tr").first.wait_for()
    address = urllib.parse.urlparse(page.url)
    assert address.path == "/" and urllib.parse.parse_qs(address.query)["query"] == [
        "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"]
    # The address opens the same query again.
    page.goto(page.url)
    assert editor_text(page) == "SELECT ?l WHERE { id:IronDome rdfs:label ?l }"


def test_results_sort_by_a_column(page, shipped_server):
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?n WHERE { VALUES ?n { 10 9 100 2 } }")
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    cells = lambda: page.locator("table.results tbody td").all_text_contents()  # noqa: E731
    page.click("table.results th button")
    assert [c.split()[0] for c in cells()] == ["2", "9", "10", "100"]  # as numbers
    page.click("table.results th button")
    assert [c.split()[0] for c in cells()] == ["100", "10", "9", "2"]
    assert page.get_attribute("table.results th", "aria-sort") == "descending"
    # Said in the status line, a live region: the table changed and nothing was said.
    assert page.text_content("#status") == "4 rows, sorted by n, descending"
    assert page.get_attribute("#status", "role") == "status"


def test_iris_of_other_schemes_are_not_links(page, shipped_server):
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <data:text/html,x> } }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    assert page.locator("table.results tbody a").count() == 0
    assert "javascript:alert(1)" in page.text_content("table.results tbody")


def test_a_triple_term_in_an_answer_is_written_as_sparql_writes_it(page, shipped_server):
    # Regression: an RDF 1.2 triple term (its value an object in SPARQL JSON) was shown as
    # "[object Object]".
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?t WHERE { BIND(<<( id:IronDome rdfs:label "Iron <b>Dome</b>"@en )>> '
                    'AS ?t) }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    assert page.text_content("table.results tbody td") == \
        '<<( id:IronDome rdfs:label "Iron <b>Dome</b>"@en )>>'


def test_a_literal_with_a_base_direction_is_shown_with_it(page, shipped_server):
    # The table dropped RDF 1.2's base direction ("its:dir" in SPARQL JSON): "שלום"@he--rtl
    # was shown as "שלום"@he, a term the answer does not hold, in a cell and in a triple term.
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?x ?t WHERE { BIND("שלום"@he--rtl AS ?x) '
                    'BIND(<<( id:IronDome rdfs:label "Iron Dome"@en--ltr )>> AS ?t) }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    cells = page.locator("table.results tbody td")
    assert cells.nth(0).text_content() == "שלום @he--rtl"
    assert cells.nth(0).locator("bdi").get_attribute("dir") == "rtl"
    assert cells.nth(1).text_content() == '<<( id:IronDome rdfs:label "Iron Dome"@en--ltr )>>'


def test_a_right_to_left_override_in_a_value_leaves_its_tag_in_place(page, shipped_server):
    # Regression: the override reversed the language tag after the value too ("cba @he"
    # drawn as "eh@ cba"): the value is isolated in a bdi of its own.
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?v WHERE { BIND("\\u202Eabc"@he AS ?v) }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    assert page.text_content("table.results tbody td bdi") == "\u202eabc"
    assert page.text_content("table.results tbody td bdi + .dtype") == " @he"


def test_project_iris_link_to_the_page_of_that_very_iri(page, shipped_server):
    # The server decodes the path once: "?", "#" and "%41" must reach it encoded.
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?x WHERE { VALUES ?x { <https://alliance-graph.example/id/a%41> "
                    "<https://alliance-graph.example/id/a?b#c> id:IronDome } } ORDER BY ?x")
    page.click("#run")
    page.locator("table.results tbody tr").nth(2).wait_for()
    links = [a.get_attribute("href") for a in page.locator("table.results tbody a").all()]
    assert sorted(links) == ["/id/IronDome", "/id/a%2541", "/id/a%3Fb%23c"]


def test_search_page_finds_quotes_and_links_their_claims(page, shipped_server):
    page.goto(shipped_server + "/search?q=" + urllib.parse.quote("proven effective in real combat"))
    hit = page.locator("li.match-quote").first
    hit.wait_for()
    assert "proven effective in real combat" in hit.locator("blockquote").text_content().lower()
    assert hit.locator("mark").count() >= 1
    screenshot(page, "search", full_page=False)
    assert_claim_links_say_which_claim(page, "ul.quote-claims a.small")
    page.goto(shipped_server + "/search?q=iron")
    names = link_names(page, "ul.quote-claims li.more a")
    assert len(names) > 1 and all(len(hrefs) == 1 for hrefs in names.values()), names
    assert all(name.startswith("all the facts this quote supports (“") for name in names), names
    page.go_back()
    claim = hit.locator("ul.quote-claims a", has_text="claim").first
    target = claim.get_attribute("href")
    assert target.startswith("/id/claim/")
    claim.click()
    page.wait_for_url("**" + target)
    assert page.locator("blockquote.quote").count() >= 1


def test_search_box_explains_a_description_hit(page, shipped_server):
    page.goto(shipped_server + "/timeline")
    page.fill("#search", "QME")
    item = page.locator("#search-results li", has_text="Qualitative Military Edge").first
    item.wait_for()
    assert "QME" in item.text_content()


def test_validation_form_reports_findings_and_parse_errors(page, shipped_server):
    page.goto(shipped_server + "/validate")
    # The text box was named for a screen reader alone (aria-label): a sighted reader saw a
    # box with no label, its purpose told only by the paragraph above it. Its label is shown,
    # and names it (a click on it puts the focus in the box).
    label = page.locator("label[for='turtle']")
    assert label.is_visible() and label.text_content().strip()
    assert page.get_by_role("textbox", name=label.text_content().strip()).get_attribute("id") == "turtle"
    label.click()
    assert page.evaluate("document.activeElement.id") == "turtle"
    page.fill("#turtle", PROPOSAL)
    page.click("#validate")
    report = page.locator("#report")
    report.wait_for()
    assert "does not conform" in report.text_content()
    rows = report.locator("tr.finding")
    assert rows.count() >= 1 and rows.first.locator("td.line").text_content().strip().isdigit()
    screenshot(page, "validate", full_page=True)
    # Broken Turtle: the parser's line, the proposal kept in the box to fix it.
    page.fill("#turtle", "@prefix ag: <https://alliance-graph.example/ontology/> .\nag:x ag:y .\n")
    page.click("#validate")
    page.locator("#report.error").wait_for()
    assert "line 2:" in page.text_content("#report")
    assert "ag:x ag:y" in page.input_value("#turtle")


def test_source_page_collapses_topics_and_highlights_its_text(page, shipped_server, sources_dir):
    page.goto(shipped_server + "/id/source/003_fe4a065aad1a80df.txt")
    assert page.text_content("h1") == "Korean crisis raises stakes of US-Israel missile cooperation"
    topic = page.locator("details.topic").first
    assert topic.get_attribute("open") is None
    assert not topic.locator("ul.facts-list").first.is_visible()
    topic.locator("summary").click()
    assert topic.locator("ul.facts-list").first.is_visible()
    assert page.locator(".source-text mark.cited").count() >= 10
    jump = topic.locator("a[href^='#q-']").first
    jump.click()
    assert page.url.endswith(jump.get_attribute("href"))
    screenshot(page, "source", full_page=False)
    # Each quote's "in the text" and "evidence" was named so on every quote (38 times each on
    # source 001's page), each to another place.
    page.goto(shipped_server + "/id/source/001_b9e5a7348fac2993.txt")
    page.locator("details.topic").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    for links, shown in [("details.topic a[href^='#q-']", "in the text"),
                         ("details.topic a[href*='/evidence/']", "evidence")]:
        names = link_names(page, links)
        assert len(names) > 1 and all(len(hrefs) == 1 for hrefs in names.values()), \
            [(name, hrefs) for name, hrefs in names.items() if len(hrefs) > 1][:5]
        assert all(name.startswith(shown) for name in names), names
    assert "evidence (quote 2)" in names
    # Each fact's link to its claim was named by its property alone ("party", "party", ...,
    # each to another claim): it is named by the fact, its subject, property and value.
    facts = link_names(page, "details.topic a.pred")
    assert len(facts) > 20 and all(len(hrefs) == 1 for hrefs in facts.values()), \
        [(name, hrefs) for name, hrefs in facts.items() if len(hrefs) > 1][:5]
    assert "Foreign Military Financing provider United States" in facts, list(facts)[:10]


def test_without_javascript_the_query_form_still_works(browser, shipped_server):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    try:
        tab = context.new_page()
        tab.goto(shipped_server + "/?query=" + urllib.parse.quote("ASK { id:IronDome ?p ?o }"))
        assert tab.locator("textarea#query").is_visible()
        assert tab.input_value("#query") == "ASK { id:IronDome ?p ?o }"
        # The form sends the query to the endpoint itself, whose answer (SPARQL XML, for a
        # browser's Accept header) the browser saves.
        with tab.expect_download() as download:
            tab.click("#run")
        answer = Path(download.value.path()).read_text()
        assert "<boolean>true</boolean>" in answer
        assert urllib.parse.urlparse(download.value.url).path == "/sparql"
        # The page says so, and how to pick the answer's format.
        note = tab.locator("#no-script")
        assert note.is_visible() and "/sparql" in note.text_content()
        assert "saves its answer as a file" in " ".join(note.text_content().split())
        tab.select_option("#no-script select", "csv")
        with tab.expect_download() as download:
            tab.click("#run")
        # ASK as CSV: one column and one row (csv_results.boolean)
        assert Path(download.value.path()).read_text().split() == ["_askResult", "true"]
        # The example list needs the script, and was there doing nothing: the examples are
        # links instead, each opening the page with its query (/?example=NAME).
        assert not tab.locator("#example").is_visible()
        tab.click("#no-script-examples summary")
        first = tab.locator("#no-script-examples a").first
        title = first.text_content()
        first.click()
        tab.wait_for_url("**/?example=*")
        assert tab.input_value("#query").startswith("# " + title)
    finally:
        context.close()


def poll(page, condition, what: str, seconds: float = 15) -> None:
    """Wait until ``condition()`` holds, checking from Python (the pages' Content-Security-Policy
    forbids page.wait_for_function); the page's events are handled while it waits."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(50)


def watch_queries(page) -> dict[str, list]:
    """Record the page's requests to /sparql as they start and as they end (answered, failed
    or cancelled by the page)."""
    seen = {"started": [], "ended": []}
    is_query = lambda r: urllib.parse.urlparse(r.url).path == "/sparql"  # noqa: E731
    page.on("request", lambda r: seen["started"].append(r) if is_query(r) else None)
    for event in ("requestfinished", "requestfailed"):
        page.on(event, lambda r: seen["ended"].append(r) if is_query(r) else None)
    return seen


def settle(page, seen: dict[str, list]) -> None:
    """Wait until every query the page sent has ended, then a moment for its script to show
    what it does with the answers."""
    poll(page, lambda: seen["started"] and len(seen["ended"]) == len(seen["started"]),
         "the page's queries to end")
    page.wait_for_timeout(300)


def shown(page) -> tuple:
    """What the query page shows: the editor's query, the result cells, status, error box."""
    return (editor_text(page), page.locator("#results td").all_text_contents(),
            page.text_content("#status"), page.is_visible("#error"))


def test_a_double_click_on_run_shows_one_table(page, shipped_server):
    page.goto(shipped_server + "/")
    seen = watch_queries(page)
    set_query(page, 'SELECT ?n WHERE { VALUES ?n { "a" "b" } }')
    page.dblclick("#run")  # two runs of the same query: the second supersedes the first
    settle(page, seen)
    assert page.locator("table.results").count() == 1
    assert shown(page)[1:] == (["a", "b"], "2 rows", False)


# Longer than the endpoint's 2 s time limit (conftest's `endpoint`): answered 503 at the limit.
SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_slow_querys_late_answer_leaves_a_newer_runs_results(page, shipped_server):
    page.goto(shipped_server + "/")
    seen = watch_queries(page)
    set_query(page, SLOW)
    page.click("#run")
    set_query(page, 'SELECT ?n WHERE { VALUES ?n { "fast" } }')
    page.click("#run")
    page.locator("table.results").wait_for()
    settle(page, seen)  # the slow query ended too: left by the page, or stopped at 2 s
    assert page.locator("table.results").count() == 1
    assert shown(page)[1:] == (["fast"], "1 row", False)
    assert page.locator(".cm-lintRange-error").count() == 0
    # The page says what became of the earlier run: the server could not stop it.
    note = page.locator("#left-running")
    assert note.is_visible()
    assert "until it ends or reaches its time limit" in " ".join(note.text_content().split())
    set_query(page, 'SELECT ?n WHERE { VALUES ?n { "alone" } }')
    page.click("#run")
    page.locator("#results td", has_text="alone").wait_for()
    assert note.is_hidden()  # a run that replaced none says nothing of the kind


def test_back_and_forward_restore_the_query_and_its_results(page, shipped_server):
    page.goto(shipped_server + "/")
    original = editor_text(page)
    queries = [f'SELECT ?n WHERE {{ VALUES ?n {{ "q{n}" }} }}' for n in (1, 2, 3)]
    ran = [(q, [f"q{n}"], "1 row", False) for n, q in enumerate(queries, 1)]
    for q, expected in zip(queries, ran):
        set_query(page, q)
        page.click("#run")
        poll(page, lambda e=expected: shown(page) == e, f"the results of {q}")
    # Each entry a run made shows its query with its results again, run anew.
    page.go_back()
    poll(page, lambda: shown(page) == ran[1], "Back to show the second query and its results")
    page.go_back()
    poll(page, lambda: shown(page) == ran[0], "Back to show the first query and its results")
    # The entry the page was loaded as: its own query, and no results, as when it was loaded.
    page.go_back()
    poll(page, lambda: shown(page) == (original, [], "", False), "the page as it was loaded")
    page.go_forward()
    poll(page, lambda: shown(page) == ran[0], "Forward to show the first query again")


def test_back_from_a_results_page_shows_the_query_and_its_results_again(page, shipped_server):
    # Following a result to its page and coming Back reloads the query page (the browser did
    # not keep it): the editor held the query and no results, as if it had never been run.
    page.goto(shipped_server + "/")
    query = "SELECT ?x WHERE { VALUES ?x { id:IronDome } }"
    set_query(page, query)
    page.click("#run")
    page.locator("table.results tbody a").first.click()
    page.wait_for_url("**/id/IronDome")
    page.go_back()
    poll(page, lambda: shown(page) == (query, ["id:IronDome"], "1 row", False),
         "Back to show the query and its results")
    # So does a reload of an entry a run made, even one whose address cannot hold its query.
    long = "SELECT ?x WHERE { VALUES ?x { id:IronDome } }" + " " * 70_000 + "# long"
    set_query(page, long)
    page.click("#run")
    page.locator("#no-link").wait_for()
    page.reload()
    poll(page, lambda: shown(page) == (long, ["id:IronDome"], "1 row", False),
         "a reload to show the long query and its results")


def test_running_a_permalink_unchanged_adds_no_history_entry(page, shipped_server):
    # quote() writes a space as %20 where the page writes +: the same query all the same.
    permalink = shipped_server + "/?query=" + urllib.parse.quote("ASK { id:IronDome ?p ?o }")
    page.goto(permalink)
    entries = page.evaluate("history.length")
    page.click("#run")
    page.locator("#results p.boolean").wait_for()
    assert page.evaluate("history.length") == entries
    assert page.url == permalink


def test_an_empty_graph_says_zero_triples(page, shipped_server):
    page.goto(shipped_server + "/")
    for query in ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(false) }",
                  "DESCRIBE <https://alliance-graph.example/id/NoSuchThing>"):
        set_query(page, query)
        page.click("#run")
        page.locator("#status", has_text="0 triples").wait_for(timeout=10_000)
        assert page.locator("#results pre.graph").count() == 0  # no empty box
        assert page.is_visible("#download-graph")


def test_every_control_on_the_query_page_shows_keyboard_focus(page, shipped_server):
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x" "y") } }')
    page.keyboard.press("Control+Enter")
    page.locator("table.results tbody tr").wait_for()
    # Tab from the top of the page through every control to the results' sort buttons.
    page.locator(".brand").focus()
    visited = []
    while len(visited) < 60:
        page.keyboard.press("Tab")
        # CodeMirror marks its editor focused a moment after the key: a moment a fixed 50 ms
        # guessed at, longer on a loaded machine.  Looked at until the ring shows (2 s).
        deadline = time.monotonic() + 2
        while True:
            page.wait_for_timeout(50)
            focused = page.evaluate("""() => {
                const e = document.activeElement;
                // CodeMirror draws its focus on the editor around the focused text.
                const ring = e.closest(".cm-editor") || e;
                const style = getComputedStyle(ring);
                return [e.tagName + "." + e.className + " " + e.textContent.slice(0, 20),
                        style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                        e.matches("table.results th button")];
            }""")
            if focused[1] or time.monotonic() > deadline:
                break
        visited.append(focused)
        if focused[2] and len([v for v in visited if v[2]]) == 2:
            break
    assert len([v for v in visited if v[2]]) == 2, f"the sort buttons were not reached: {visited}"
    assert [v[0] for v in visited if not v[1]] == []


def test_a_skip_link_takes_the_keyboard_past_the_header(page, shipped_server):
    # Without one, Tab went through the brand, four links and the search box on every page
    # before reaching the content.
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?a WHERE { VALUES ?a { "kept" } }')
    page.keyboard.press("Control+Enter")
    page.locator("table.results tbody tr").wait_for()
    for path in ["/", "/id/IronDome"]:
        if path == "/":
            page.locator(".brand").focus()  # back up to it from the header, past the editor
            page.keyboard.press("Shift+Tab")
        else:
            page.goto(shipped_server + path)  # a page as loaded: the first Tab reaches it
            page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("a => a === document.activeElement") and skip.is_visible()
        assert skip.text_content() == "Skip to content"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Enter")
        # The next Tab goes on inside the content, not at the header's first link.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('main') !== null"), path
        if path == "/":
            # On the query page the jump is no step of its history: the results stay.
            assert page.locator("table.results td").first.text_content() == "kept"
            assert editor_text(page) == 'SELECT ?a WHERE { VALUES ?a { "kept" } }'


# Text whose colour, blended by the opacity of it and its ancestors onto the background it
# stands on, is below WCAG's contrast for its size (AA: 4.5, 3 for large text).
LOW_CONTRAST = r"""() => {
  const rgb = c => c.match(/[\d.]+/g).map(Number);
  const lin = v => (v /= 255) <= .03928 ? v / 12.92 : Math.pow((v + .055) / 1.055, 2.4);
  const lum = c => .2126 * lin(c[0]) + .7152 * lin(c[1]) + .0722 * lin(c[2]);
  const ground = e => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > .5) return c;
    }
    return [255, 255, 255];
  };
  const opacity = e => { let o = 1; for (; e; e = e.parentElement) o *= +getComputedStyle(e).opacity; return o; };
  const out = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walk.nextNode(); t; t = walk.nextNode()) {
    const e = t.parentElement;
    if (!t.textContent.trim() || e.closest("svg, .cm-editor") || !e.getClientRects().length) continue;
    const style = getComputedStyle(e), back = ground(e), c = rgb(style.color);
    const o = opacity(e) * (c.length > 3 ? c[3] : 1);
    const shown = [0, 1, 2].map(i => c[i] * o + back[i] * (1 - o));
    const [hi, lo] = [lum(shown), lum(back)].sort((a, b) => b - a);
    const ratio = (hi + .05) / (lo + .05), size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) out.add(`${e.tagName}.${e.className} ${ratio.toFixed(2)}: ${t.textContent.trim().slice(0, 30)}`);
  }
  return [...out];
}"""


def test_text_on_the_pages_has_the_contrast_wcag_asks(page, shipped_server):
    # A deprecated claim's card was drawn at opacity .85: its notes, rank and claim link fell
    # to 3.9-4.1 against the 4.5 asked for text of their size.
    for path in ["/id/MemorandumOfUnderstanding2016", "/id/IronDome", "/timeline",
                 "/search?q=iron+dome"]:
        page.goto(shipped_server + path)
        assert page.evaluate(LOW_CONTRAST) == [], path
    # And what a failed run and a report that does not conform show.
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?x WHERE {\n  ?x foo:bar ?y }")
    page.click("#run")
    page.locator("#error").wait_for()
    assert page.evaluate(LOW_CONTRAST) == [], "a failed query"
    page.goto(shipped_server + "/validate")
    page.fill("#turtle", PROPOSAL)
    page.click("#validate")
    page.locator("#report table.findings").wait_for()
    assert page.evaluate(LOW_CONTRAST) == [], "a report"


NARROW_PAGES = ["/id/source/003_fe4a065aad1a80df.txt", "/ontology/", "/ontology/coFundedBy",
                "/id/IronDome", "/timeline", "/validate", "/search?q=iron",
                # Whole SHACL IRIs and shapes' IRIs, and long notes, pushed these sideways.
                "/shapes/evidence-quote", "/shapes/proposition-assessor", "/ontology/Actor",
                "/ontology/duration", "/ontology/characterization",
                # A long word searched for (nothing holds it) made the page 25,000 px wide.
                "/search?q=" + "z" * 300]


# 320 px: the narrowest phone screen WCAG asks a page to reflow to (1.4.10); 375: a common one.
@pytest.mark.parametrize("width", [320, 375])
def test_pages_fit_a_narrow_phone_screen(page, shipped_server, width):
    page.set_viewport_size({"width": width, "height": 740})
    wider = lambda: page.evaluate(  # noqa: E731
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    for path in NARROW_PAGES:
        page.goto(shipped_server + path)
        assert wider() <= 0, f"{path} scrolls sideways"
    # The query page with the default query's results: a wide table scrolls in its own box.
    page.goto(shipped_server + "/")
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    assert wider() <= 0, "the query page scrolls sideways"
    # The note of a long name the graph holds nowhere (a name of 600 letters) wraps.
    set_query(page, f"ASK {{ id:{'Long' * 150} ?p ?o }}")
    page.click("#run")
    page.locator("#absent-names p", has_text="is in no triple").wait_for()
    assert wider() <= 0, "the query page scrolls sideways with a long name's note"
    # A report's six columns, one holding a long value (127,000 px wide, whatever the screen),
    # are each finding's block of cells.
    page.goto(shipped_server + "/validate")
    page.fill("#turtle", "@prefix id: <https://alliance-graph.example/id/> .\n"
                         f'id:A id:note "{"a" * 3000}" .\n')
    page.click("#validate")
    page.locator("#report table.findings").wait_for()
    assert wider() <= 0, "the validation report scrolls sideways"


def test_on_a_phone_each_finding_of_a_report_is_read_without_scrolling(page, shipped_server):
    # Six columns at 320 px were 100 px wider than the screen: the report's box scrolled to
    # the property, value and rule by touch, and a keyboard could not reach them at all.
    page.set_viewport_size({"width": 320, "height": 740})
    page.goto(shipped_server + "/validate")
    page.fill("#turtle", PROPOSAL)
    page.click("#validate")
    report = page.locator("#report")
    report.locator("table.findings").wait_for()
    assert report.evaluate("r => r.scrollWidth - r.clientWidth") <= 0
    # Each cell is named by its column, as the table's heading (not drawn there) named it.
    finding = report.locator("tr.finding", has_text="must point at").first
    named = finding.locator("td").evaluate_all(
        "tds => tds.filter(td => td.getClientRects().length).map("
        "td => getComputedStyle(td, '::before').content)")
    assert named == ['"line: "', '"message: "', '"entity: "', '"property: "', '"value: "',
                     '"rule: "']


def test_a_label_of_one_long_word_wraps_on_the_timeline_and_in_search(page, shipped_server):
    # A label is data: one of 10,000 letters (no shipped label is, a contributor's may be)
    # made the timeline, the search page and the search box's list 158,000 px wide. The
    # label is put in the page as the server would write it, so the shared data stays as is.
    page.set_viewport_size({"width": 800, "height": 740})
    long = "W" * 10_000
    wider = lambda: page.evaluate(  # noqa: E731
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    for path, label in [("/timeline", "ol.timeline .what a"),
                        ("/search?q=iron+dome", "ol.search-list li.hit a")]:
        page.goto(shipped_server + path)
        page.locator(label).first.evaluate("(a, text) => { a.textContent = text; }", long)
        assert wider() <= 0, f"{path} scrolls sideways"
    page.locator("#search").fill("iron do")
    suggestion = page.locator("#search-results a").first
    suggestion.wait_for()
    suggestion.evaluate("(a, text) => { a.textContent = text; }", long)
    assert wider() <= 0, "the search box's suggestions scroll sideways"


def test_search_box_keys_and_closing(page, shipped_server):
    page.goto(shipped_server + "/timeline")
    box = page.locator("#search")
    box.fill("iron do")
    suggestions = page.locator("#search-results a")
    suggestions.nth(1).wait_for()
    # Arrow keys step through the suggestions' links and back up to the box.
    page.keyboard.press("ArrowDown")
    assert suggestions.nth(0).evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowDown")
    assert suggestions.nth(1).evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert box.evaluate("b => b === document.activeElement")
    # Escape closes the list and keeps what was typed (Chromium would empty a search box).
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.locator("#search-results").is_hidden()
    assert box.input_value() == "iron do"
    assert box.evaluate("b => b === document.activeElement")
    # ArrowDown opens it again; a click elsewhere closes it, and so does Tab away.
    page.keyboard.press("ArrowDown")
    page.locator("#search-results").wait_for()
    page.click("h1")
    assert page.locator("#search-results").is_hidden()
    box.fill("iron dom")
    page.locator("#search-results").wait_for()
    page.keyboard.press("Shift+Tab")
    assert page.locator("#search-results").is_hidden()


def test_a_first_visit_asks_for_no_favicon(browser, shipped_server):
    # A browser of its own: Chromium asks a server for its favicon once, not once per context.
    fresh = browser.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        tab = fresh.new_page()
        errors = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(shipped_server + "/timeline")
        tab.wait_for_timeout(500)  # the browser asks for /favicon.ico just after the load
        assert errors == []
        assert tab.locator("link[rel=icon]").count() == 1
    finally:
        fresh.close()


PROPOSAL = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

claim:BlueFlag-participant-Nowhere a ag:Claim ;
    rdf:subject id:BlueFlag ;
    rdf:predicate ag:participant ;
    rdf:object id:Nowhere ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:no-such-evidence .
"""


def test_a_large_answer_draws_its_first_rows_says_how_many_and_sorts_them_all(page,
                                                                             markup_server):
    # Every row was drawn: 13,224 rows froze the tab for seconds, 150,000 never came back.
    from alliance_graph.web.pages.views import SHOWN_ROWS
    digits = " ".join(str(n) for n in range(40))
    page.goto(markup_server + "/")
    set_query(page, f"SELECT ?n ?gap WHERE {{ VALUES ?a {{ {digits} }} VALUES ?b {{ {digits} }} "
                    "BIND(?a * 40 + ?b AS ?n) BIND(IF(?n = 7, 1, ?unbound) AS ?gap) } "
                    "ORDER BY ?n")
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    rows = page.locator("table.results tbody tr")
    assert rows.count() == SHOWN_ROWS
    assert page.text_content("#status") == f"1,600 rows, the first {SHOWN_ROWS:,} shown"
    said = page.text_content("#results .cut-short")
    assert "1,600 rows" in said and f"only the first {SHOWN_ROWS:,}" in said
    assert "downloads" in said and page.is_visible("#download-select")
    first = lambda: rows.first.locator("td").first.text_content().split()[0]  # noqa: E731
    # Sorting sorts the whole answer, numbers as numbers, and draws its first rows.
    page.click("table.results th button >> nth=0")
    page.click("table.results th button >> nth=0")
    assert first() == "1599" and rows.count() == SHOWN_ROWS
    # Unbound cells last: the one bound ?gap heads the column, whichever way it is sorted.
    page.click("table.results th button >> nth=1")
    assert first() == "7"


@pytest.mark.parametrize("query, line, column", [
    ("SELECT ?x WHERE {\n  ?x \u00a4 ?y }", 2, 6),   # the endpoint's own check: "at line 2, column 6"
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 1, 1),
])
def test_errors_the_endpoint_words_as_a_line_and_column_are_marked_too(page, shipped_server,
                                                                       query, line, column):
    page.goto(shipped_server + "/")
    set_query(page, query)
    page.click("#run")
    page.locator("#error").wait_for()
    assert f"at line {line}, column {column}" in page.text_content("#error")
    page.locator(".cm-lintRange-error").wait_for()
    assert page.locator(".cm-line").nth(line - 1).locator(".cm-lintRange-error").count() == 1


@pytest.mark.parametrize("before, column", [("😀😀", 19), ("𝔸", 18), ("ab", 19)])
def test_an_error_after_a_character_past_u_ffff_is_marked_where_the_server_says(
        page, shipped_server, before, column):
    # The server counts columns in characters, the editor in UTF-16 units: each emoji before
    # the place on its line moved the mark a character to the left, onto "?s".
    page.goto(shipped_server + "/")
    set_query(page, f'SELECT * WHERE {{\n  ?s ?p "{before}" . ?s foo:bar ?o }}')
    page.click("#run")
    page.locator("#error").wait_for()
    assert f"at line 2, column {column}" in page.text_content("#error")
    mark = page.locator(".cm-line").nth(1).locator(".cm-lintRange-error")
    mark.wait_for()
    assert mark.text_content() == "f"


def test_a_result_iri_is_shortened_only_to_a_name_a_query_reads(page, shipped_server):
    # The table wrote id:Foo(bar) and ag:v1., names no query parses (namespaces.shorten was
    # fixed, the page's own script was not): copied into a query, they were a syntax error.
    page.goto(shipped_server + "/")
    base = "https://alliance-graph.example/"
    set_query(page, f"SELECT ?x WHERE {{ VALUES ?x {{ <{base}id/Foo(bar)> <{base}ontology/v1.> "
                    f"<{base}id/x½> <{base}id/source/003.txt> id:IronDome ag:v1.2 id:Ω }} }}")
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    assert page.locator("table.results tbody td").all_text_contents() == [
        f"<{base}id/Foo(bar)>", f"<{base}ontology/v1.>", f"<{base}id/x½>", "src:003.txt",
        "id:IronDome", "ag:v1.2", "id:Ω"]


def test_a_query_too_long_for_a_link_runs_downloads_and_says_so(page, shipped_server):
    # ~70 KB: under the endpoint's 100,000 bytes, over the 64 KiB a request's head may hold.
    query = 'SELECT ?n WHERE { VALUES ?n { "long" } }\n#' + "x" * 70_000
    page.goto(shipped_server + "/")
    start = page.url
    set_query(page, query)
    page.click("#run")
    page.locator("#results td", has_text="long").wait_for()
    assert len(page.url) < 1000 and "query=" not in page.url  # no address it would refuse
    assert page.is_visible("#no-link")
    assert "too long for a link" in " ".join(page.text_content("#no-link").split())
    with page.expect_download() as download:
        page.click("#download-select a[data-format=csv]")
    assert Path(download.value.path()).read_text().splitlines() == ["n", "long"]
    # Back and Forward still hold the query; a short one gets its link again.
    page.go_back()
    poll(page, lambda: page.url == start and page.locator("#results td").count() == 0,
         "Back to the page as loaded")
    page.go_forward()
    poll(page, lambda: editor_text(page) == query, "Forward to the long query")
    page.locator("#results td", has_text="long").wait_for()
    set_query(page, 'SELECT ?n WHERE { VALUES ?n { "short" } }')
    page.click("#run")
    page.locator("#results td", has_text="short").wait_for()
    assert "query=" in page.url and page.is_hidden("#no-link")
    assert page.get_attribute("#download-select a[data-format=csv]", "href").startswith(
        "/sparql?query=")


def test_a_result_iri_with_a_dot_segment_is_not_a_link(page, shipped_server):
    # /id/../timeline was resolved by the browser to /timeline: another page.
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?x WHERE { VALUES ?x { <https://alliance-graph.example/id/../timeline> "
                    "<https://alliance-graph.example/id/a/./b> id:IronDome } } ORDER BY ?x")
    page.click("#run")
    page.locator("table.results tbody tr").nth(2).wait_for()
    links = [a.get_attribute("href") for a in page.locator("table.results tbody a").all()]
    assert links == ["/id/IronDome"]
    assert "/id/../timeline" in page.text_content("table.results tbody")


def test_the_example_picker_follows_the_query_back_and_forward(page, shipped_server):
    page.goto(shipped_server + "/")
    page.locator(".cm-content").wait_for()
    names = page.locator("#example option").evaluate_all("os => os.map(o => o.value)")[1:3]
    # The arrow keys go through the list and leave the editor's text: each step replaced it
    # (Chromium fires "change" at every step of a closed select). Enter puts the example in.
    written = editor_text(page)
    page.focus("#example")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#example") == names[1] and editor_text(page) == written
    page.keyboard.press("Tab")  # left unchosen: the picker names what the editor holds
    assert page.input_value("#example") == "" and editor_text(page) == written
    page.focus("#example")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")  # so does Escape
    assert page.input_value("#example") == "" and editor_text(page) == written
    page.focus("#example")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert editor_text(page) != written and page.input_value("#example") == names[0]
    assert page.text_content("#status") == ""  # Enter loads, it does not run
    # Edited, the query is no example's: the list said the example it was loaded from.
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type(" ")
    assert page.input_value("#example") == ""
    page.keyboard.press("Control+z")
    assert page.input_value("#example") == names[0]
    for name in names:
        page.select_option("#example", name)
        page.click("#run")
        poll(page, lambda: page.text_content("#status") != "running…", f"{name} to end")
    page.go_back()
    poll(page, lambda: page.input_value("#example") == names[0], "the picker to name the query")
    page.go_back()
    poll(page, lambda: page.input_value("#example") == "", "the picker to name no example")
    set_query(page, editor_text(page) + "\n# edited")
    page.go_forward()
    poll(page, lambda: page.input_value("#example") == names[0], "the picker to follow Forward")


def test_an_example_whose_text_the_page_does_not_carry_is_opened_by_its_name(page, tmp_path):
    # The page carries the texts of the first examples alone (a catalogue of 20,000 made it
    # 30 MB): one of the others, picked, opens the page with it (/?example=NAME).
    from alliance_graph.settings import Settings
    project = tmp_path / "project"
    for folder in ("ontology", "data"):
        shutil.copytree(Path(__file__).resolve().parents[1] / folder, project / folder)
    (project / "queries").mkdir()
    last = Settings().example_texts + 1
    for i in range(last + 1):
        (project / "queries" / f"q{i:03d}.rq").write_text(
            f"# Example {i}\n# Marker text-{i}.\nASK {{}}\n")
    process, url = serve(tmp_path, "--project", str(project), "--cache", str(tmp_path / "c"))
    try:
        page.goto(url + "/")
        page.locator(".cm-content").wait_for()
        page.select_option("#example", "q001")  # carried: put in the editor
        assert "Marker text-1." in editor_text(page) and "?example" not in page.url
        page.select_option("#example", f"q{last:03d}")
        page.wait_for_url(f"**/?example=q{last:03d}")
        page.locator(".cm-content").wait_for()
        assert f"Marker text-{last}." in editor_text(page)
        assert page.input_value("#example") == f"q{last:03d}"  # the picker names it
    finally:
        servers.stop(process)


def test_the_validation_form_refuses_a_proposal_over_the_limit_before_sending(page,
                                                                              shipped_server):
    # Over the server's limit for a body, the answer was a bare "413" page, the text lost.
    seen = []
    page.on("request", lambda r: seen.append(r.method) if r.url.endswith("/validate") else None)
    page.goto(shipped_server + "/validate")
    limit = int(page.get_attribute("#validate-form", "data-max-proposal-bytes"))
    page.fill("#turtle", PROPOSAL)
    page.set_input_files("#file", files=[{"name": "big.ttl", "mimeType": "text/turtle",
                                          "buffer": b"#" * (limit + 1)}])
    problem = page.locator("#too-big")
    assert problem.is_visible() and f"big.ttl is {limit + 1:,} bytes" in problem.text_content()
    page.click("#validate")
    assert seen == ["GET"] and page.input_value("#turtle") == PROPOSAL
    # Pasted text over the limit, no file: the same, said as it is pasted (it was said only on
    # pressing Validate, and stayed in view, its size stale, once the text was cut to fit).
    page.set_input_files("#file", files=[])
    page.fill("#turtle", "#" * limit + "\n")
    problem.wait_for(state="visible", timeout=5000)
    assert f"The pasted text is {limit + 2:,} bytes" in problem.text_content()
    page.click("#validate")
    assert "The pasted text is" in problem.text_content() and seen == ["GET"]
    # Cut to fit, the refusal goes; within the limit, the form is sent.
    page.fill("#turtle", PROPOSAL)
    problem.wait_for(state="hidden", timeout=5000)
    page.click("#validate")
    page.locator("#report").wait_for()
    assert seen == ["GET", "POST"] and problem.is_hidden()


def test_pasted_text_over_a_servers_request_limit_is_refused_before_sending(page,
                                                                           prefixed_server):
    # A site whose limit for a request is under a proposal's: pasted text was held to the
    # proposal's limit alone, so text between the two was sent, refused in a 413 page, and
    # lost.
    seen = []
    page.on("request", lambda r: seen.append(r.method) if r.url.endswith("/validate") else None)
    page.goto(prefixed_server + "/validate")
    text = "#" * SMALL_REQUESTS + "\n"
    page.fill("#turtle", text)
    page.click("#validate")
    problem = page.locator("#too-big")
    assert problem.is_visible() and seen == ["GET"] and page.input_value("#turtle") == text
    # The limit said, on the page and in the refusal, is what the request leaves of it.
    most = SMALL_REQUESTS - int(page.get_attribute("#validate-form", "data-form-overhead"))
    assert f"A proposal may be at most {most:,} bytes" in page.text_content("#validate-form")
    assert (f"The pasted text is {SMALL_REQUESTS + 2:,} bytes; a proposal may be at most "
            f"{most:,} bytes" in problem.text_content())
    # Within it, the form is sent and the text validated.
    page.fill("#turtle", PROPOSAL)
    problem.wait_for(state="hidden", timeout=5000)
    page.click("#validate")
    page.locator("#report").wait_for()
    assert seen == ["GET", "POST"]


def test_without_javascript_a_file_over_the_limit_keeps_the_text_pasted(browser, shipped_server):
    # Regression: with no script to stop it, a file over the limit sent with pasted text was
    # refused with the box empty: the text typed was lost.
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(shipped_server + "/validate")
        limit = int(tab.get_attribute("#validate-form", "data-max-proposal-bytes"))
        tab.fill("#turtle", PROPOSAL)
        tab.set_input_files("#file", files=[{"name": "big.ttl", "mimeType": "text/turtle",
                                             "buffer": b"#" * (limit + 1)}])
        with tab.expect_navigation() as answer:
            tab.click("#validate")
        assert answer.value.status == 413
        assert tab.input_value("#turtle") == PROPOSAL
        assert "the file big.ttl is over the limit" in tab.text_content("#report")
        # What no page can keep (a form over the server's limit) is said before sending.
        request_limit = int(tab.get_attribute("#validate-form", "data-max-request-bytes"))
        note = " ".join(tab.text_content("#no-script", timeout=1000).split())
        assert f"more than {request_limit:,} bytes in all is refused" in note
        assert "Back returns to this form" in note  # below
    finally:
        context.close()


def test_without_javascript_back_from_a_form_too_large_fills_it_again(browser, prefixed_server):
    # Sent anyway, a form over the server's limit is refused unread; Back returns to the form,
    # filled again with the text, as its note says: nothing the page sends may stop the
    # browser from keeping it (a form made not to be kept, a page not to be cached). On the
    # site with a small limit for a request (the shipped server's 5 MiB took seconds to type).
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(prefixed_server + "/validate")
        text = "#" * SMALL_REQUESTS + "\n"
        tab.fill("#turtle", text)
        with tab.expect_navigation() as answer:
            tab.click("#validate")
        assert answer.value.status == 413
        tab.go_back()
        assert tab.input_value("#turtle") == text
    finally:
        context.close()


def test_without_javascript_a_form_over_the_servers_limit_is_refused_in_a_page_of_the_site(
        browser, shipped_server):
    # The front refuses a body over its limit unread (waitress, before the app): its 413 was a
    # bare page, no header, no search box, no style, saying to go Back. It is the form's page,
    # saying the limits, what to do, and how to get the text back.
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(shipped_server + "/validate")
        limit = int(tab.get_attribute("#validate-form", "data-max-request-bytes"))
        tab.set_input_files("#file", files=[{"name": "big.ttl", "mimeType": "text/turtle",
                                             "buffer": b"#" * (limit + 1)}])
        with tab.expect_navigation() as answer:
            tab.click("#validate")
        assert answer.value.status == 413
        assert tab.locator("header #search").is_visible()  # the site's header, its search box
        assert tab.locator("label[for='turtle']").is_visible()  # the form, to start again
        report = " ".join(tab.text_content("#report").split())
        most = min(int(tab.get_attribute("#validate-form", "data-max-proposal-bytes")),
                   limit - int(tab.get_attribute("#validate-form", "data-form-overhead")))
        assert f"over this server's limit of {limit:,} bytes" in report, report
        assert f"A proposal may be at most {most:,} bytes" in report, report
        assert "Back button" in report and "alliance-graph validate FILE" in report, report
    finally:
        context.close()


def test_a_column_sorts_infinities_nan_long_integers_and_text_in_a_set_order(page,
                                                                             shipped_server):
    # "INF" and "NaN" doubles were read as NaN, and sorted in no set order; an unbound cell
    # came first once the column was reversed; integers past 2^53 were alike; a number stood
    # anywhere among text.
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?n WHERE { VALUES ?n { "NaN"^^xsd:double 2.5 "INF"^^xsd:double '
                    '"b" 9007199254740993 "-INF"^^xsd:double UNDEF "a" 9007199254740992 '
                    '"+INF"^^xsd:double -1 } }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    cells = lambda: [c.split(" ")[0] for c in  # noqa: E731
                     page.locator("table.results tbody td").all_text_contents()]
    page.click("table.results th button")
    order = ["-INF", "-1", "2.5", "9007199254740992", "9007199254740993", "INF", "INF",
             "NaN", "a", "b", ""]
    assert cells() == order
    page.click("table.results th button")
    assert cells() == ["b", "a", "NaN", "INF", "INF", *order[4::-1], ""]


def test_a_variable_named_as_an_objects_member_is_unbound_where_the_answer_says_so(
        page, shipped_server):
    # An unbound ?constructor was read as the row's Object.prototype.constructor: its cell
    # sorted as the text "undefined", between the letters, not last.
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?constructor ?__proto__ WHERE { VALUES (?constructor ?__proto__) '
                    '{ ("z" "z") (UNDEF UNDEF) ("a" "a") ("v" "v") } }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    column = lambda n: [  # noqa: E731
        c.strip() for c in page.locator(f"table.results tbody td:nth-child({n})").all_text_contents()]
    for n in (1, 2):
        page.click(f"table.results th:nth-child({n}) button")
        assert column(n) == ["a", "v", "z", ""], n


@pytest.mark.parametrize("query", [
    'SELECT * WHERE {\n  ?s ?p "😀😀" . ?s foo:bar ?o }',  # Oxigraph's words: "error at 2:19"
    'SELECT * WHERE {\n  ?s ?p "😀" . ?s \u00a4 ?o }',     # the endpoint's: "at line 2, column"
])
def test_an_error_marks_hover_says_the_servers_words_once(page, shipped_server, query):
    # The page handed the editor its place in Oxigraph's wording, before the server's words:
    # the hover said "error at 2:21: ... error at 2:19: ...", two places for one.
    page.goto(shipped_server + "/")
    set_query(page, query)
    page.click("#run")
    page.locator("#error").wait_for()
    said = page.text_content("#error bdi")
    page.locator(".cm-lintRange-error").hover()
    hover = page.locator(".cm-tooltip-lint .cm-diagnosticText")
    hover.wait_for()
    assert hover.text_content() == said.split("\n")[0]


def test_a_search_the_server_refuses_leaves_no_suggestions_of_the_text_before(page,
                                                                             shipped_server):
    # The list of the text before stayed open under the new text, when the server refused
    # its lookup (busy, 503) or it never arrived (an uncaught error besides).
    page.goto(shipped_server + "/timeline")
    page.route("**/search?q=iron%20dox", lambda route: route.fulfill(status=503, body="busy"))
    page.route("**/search?q=iron%20doy", lambda route: route.abort())
    box, listed = page.locator("#search"), page.locator("#search-results")
    said = page.locator("header [role=status]")
    for refused, outcome, why in (("iron dox", "requestfinished", "was refused (503)"),
                                  ("iron doy", "requestfailed", "got no answer")):
        box.fill("iron do")
        page.locator("#search-results a").first.wait_for()
        with page.expect_event(outcome):
            box.fill(refused)
        # A screen reader was told "no suggestions", as if nothing held the text.
        poll(page, lambda: said.text_content().startswith("no suggestions: "), "a refusal said")
        assert said.text_content() == f"no suggestions: the lookup {why}; Enter searches"
        assert listed.is_hidden(), refused


def test_a_column_of_dates_sorts_by_their_years_number(page, shipped_server):
    # Dates were sorted as text (with numbers read as numbers): "-1000" after "-0586".
    page.goto(shipped_server + "/")
    set_query(page, 'SELECT ?d WHERE { VALUES ?d { "2011"^^xsd:gYear "-0586"^^xsd:gYear '
                    '"12016-05"^^xsd:gYearMonth "-1000-01-02"^^xsd:date "2011-05"^^xsd:gYearMonth '
                    '"2011-04-30T10:00:00Z"^^xsd:dateTime "-0586-03"^^xsd:gYearMonth } }')
    page.click("#run")
    page.locator("table.results tbody tr").first.wait_for()
    page.click("table.results th button")
    assert [c.split(" ")[0] for c in page.locator("table.results tbody td").all_text_contents()] \
        == ["-1000-01-02", "-0586", "-0586-03", "2011", "2011-04-30T10:00:00Z", "2011-05",
            "12016-05"]


def test_a_vocabulary_the_server_refused_once_is_asked_for_again(page, shipped_server):
    # A refusal (busy, 503) was kept: the editor completed nothing of the ontology's until the
    # page was reloaded.
    asked = []

    def once_busy(route):
        asked.append(route.request.url)
        if len(asked) == 1:
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    page.route("**/vocabulary.json", once_busy)
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?s WHERE { ?s ag:coFun")
    with page.expect_response("**/vocabulary.json"):
        page.keyboard.press("Control+Space")

    def asked_again() -> bool:
        # Asked again once the editor has had its turn with the refusal, which a fixed 200 ms
        # was a guess at (a loaded machine's page takes longer): completion is asked for
        # until it is; kept, the refusal never asks.
        if len(asked) < 2:
            page.keyboard.press("Escape")
            page.keyboard.press("Control+Space")
        return len(asked) == 2

    poll(page, asked_again, "the vocabulary to be asked for again")
    page.locator(".cm-tooltip-autocomplete li", has_text="ag:coFundedBy").first.wait_for()
    assert len(asked) == 2


PREFIX = "/graph"


@pytest.fixture(scope="module")
def prefixed_server(tmp_path_factory):
    # The site under a prefix, as a reverse proxy at /graph/ or a WSGI host mounting it there
    # serves it: waitress's url_prefix sets SCRIPT_NAME and takes it off each path.
    # Its app is made with settings of its own, as a site embedding it may: a limit for a
    # request's body under a proposal's, which the validation form must then hold text to.
    tmp = tmp_path_factory.mktemp("prefixed")
    (tmp / "embedded.py").write_text(
        "from alliance_graph.settings import Settings\n"
        "from alliance_graph.web.app import create_app\n\n\n"
        "def app():\n"
        f"    return create_app(Settings(max_request_bytes={SMALL_REQUESTS}))\n")
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}{PREFIX}"
    path = os.pathsep.join(p for p in [str(tmp), os.environ.get("PYTHONPATH")] if p)
    process = servers.start(["env", f"PYTHONPATH={path}", str(servers.BIN / "waitress-serve"),
                             f"--listen=127.0.0.1:{port}", f"--url-prefix={PREFIX}",
                             "--call", "embedded:app"], url + "/timeline",
                            tmp / "waitress.log", timeout=STARTUP_SECONDS)
    yield url
    servers.stop(process)


def test_pages_served_under_a_prefix_link_load_and_send_under_it(page, prefixed_server):
    # Every address the pages ask for (a link followed, a form sent, a script's fetch, a style
    # sheet) is under the prefix: one at the server's root is off the site behind the proxy.
    origin = prefixed_server.removesuffix(PREFIX)
    asked, failed = [], []
    page.on("request", lambda r: asked.append(r.url) if r.url.startswith(origin) else None)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.goto(prefixed_server + "/")
    # The style sheet applied, the editor's script ran.
    assert page.locator(".cm-content").count() == 1
    set_query(page, "SELECT ?x WHERE { VALUES ?x { id:IronDome } }")
    page.keyboard.press("Control+Enter")
    link = page.locator("table.results tbody a").first
    link.wait_for()
    assert link.get_attribute("href") == PREFIX + "/id/IronDome"
    csv = page.get_attribute("#download-select a[data-format=csv]", "href")
    assert csv.startswith(PREFIX + "/sparql?query=")
    link.click()
    page.wait_for_url(prefixed_server + "/id/IronDome")
    page.locator("svg.diagram a").first.click()
    page.wait_for_url(prefixed_server + "/id/**")
    page.fill("#search", "iron do")
    suggestion = page.locator("#search-results a", has_text="Iron Dome").first
    suggestion.wait_for()
    assert suggestion.get_attribute("href") == PREFIX + "/id/IronDome"
    page.keyboard.press("Enter")
    page.wait_for_url(prefixed_server + "/search?q=iron+do")
    page.locator("main a[href$='/id/IronDome']").first.click()
    page.wait_for_url(prefixed_server + "/id/IronDome")
    page.locator("nav a", has_text="Validate").click()
    page.wait_for_url(prefixed_server + "/validate")
    assert page.locator("nav a[aria-current=page]").all_text_contents() == ["Validate"]
    page.fill("#turtle", PROPOSAL)
    page.click("#validate")
    page.locator("#report").wait_for()
    page.locator("nav a", has_text="Ontology").click()
    page.wait_for_url(prefixed_server + "/ontology/")
    page.locator("main a[href*='?query=']").first.click()
    page.wait_for_url(prefixed_server + "/?query=**")
    outside = [u for u in asked if not u.startswith(prefixed_server + "/")]
    assert outside == [], f"pages asked for addresses off the site's prefix: {outside}"
    assert failed == []


def in_view(locator) -> bool:
    """Whether any of ``locator``'s box is inside the window (not scrolled out of sight)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                            "return r.height > 0 && r.top < window.innerHeight && r.bottom > 0; }")


def test_on_a_phone_a_run_says_its_outcome_where_the_run_button_is(page, shipped_server):
    # Below the editor on a phone, the error box was out of sight and the status beside Run
    # was left empty: a failed run, or an ASK's bare "true", seemed to do nothing.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?x WHERE {\n  ?x foo:bar ?y }")
    page.keyboard.press("Control+Enter")
    page.locator("#error").wait_for()
    assert page.text_content("#status") == "failed (400 Bad Request): the error is below"
    poll(page, lambda: in_view(page.locator("#error")), "the error box scrolled into view")
    assert page.locator(".cm-content").evaluate("e => e.contains(document.activeElement)")
    set_query(page, "ASK { id:IronDome ?p ?o }")
    page.keyboard.press("Control+Enter")
    page.locator("#results p.boolean").wait_for()
    assert page.text_content("#status") == "answer: true"
    set_query(page, "DESCRIBE id:IronDome")
    page.keyboard.press("Control+Enter")
    page.locator("#results pre.graph").wait_for()
    assert page.text_content("#status") == "a graph, as Turtle below"


@pytest.mark.parametrize("proposal, verdict", [(PROPOSAL, "does not conform"),
                                               ("id:A id:b", "could not be validated")])
def test_on_a_phone_the_validation_report_opens_in_view(page, shipped_server, proposal,
                                                        verdict):
    # The answer opened at its top: the proposal sent back in its box filled the screen, and
    # the verdict (or the parse error) lay below it, out of sight.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(shipped_server + "/validate")
    page.fill("#turtle", proposal)
    page.locator("#validate").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert verdict in page.text_content("#report")
    assert page.locator("#turtle").input_value() == proposal
    poll(page, lambda: in_view(page.locator("#report .verdict")), "the verdict in view")


def test_text_typed_before_the_editor_arrives_keeps_its_focus_and_caret(page, shipped_server):
    # On a slow network the plain textarea is there first, and typed in; the editor took its
    # place with the focus lost: the keys typed next went nowhere.
    held = []
    page.route("**/editor.js", lambda route: held.append(route))  # let through below
    page.goto(shipped_server + "/?query=" + urllib.parse.quote("ASK {  }"),
              wait_until="commit")
    box = page.locator("#query")
    box.wait_for(state="visible")
    box.focus()
    box.evaluate("t => t.setSelectionRange(6, 6)")  # between the braces
    page.keyboard.type("?s")
    poll(page, lambda: held, "the page to ask for the editor")
    held[0].continue_()
    page.locator(".cm-content").wait_for()
    page.keyboard.type(" ?p ?o")
    assert editor_text(page) == "ASK { ?s ?p ?o }"


def test_the_search_boxs_suggestions_are_said_to_a_screen_reader(page, shipped_server):
    # The list opens beside the box and takes no focus: nothing told a screen reader that it
    # was there, how many it held, or how to reach it.
    page.goto(shipped_server + "/timeline")
    said = page.locator("header [role=status]")
    page.fill("#search", "iron do")
    page.locator("#search-results a").first.wait_for()
    count = page.locator("#search-results li").count()
    assert said.text_content() == (f"{count} suggestions: the down arrow goes through them, "
                                   "Enter searches")
    assert said.is_hidden() is False and said.bounding_box()["width"] <= 1  # read, not seen
    # Each suggestion's link is described by what is shown beside it: the suggestions for
    # "iron do" were read "Iron Dome" alike (its label and its quotes), nothing telling which.
    items = page.locator("#search-results li").all()
    described = [" ".join(li.locator(".type, .hint").all_text_contents()) for li in items]
    assert any(d.count("“") for d in described), described
    for li, description in zip(items, described):
        sync_api.expect(li.locator("a")).to_have_accessible_description(description)
    page.keyboard.press("Escape")
    assert said.text_content() == ""
    page.fill("#search", "nowhere-at-all")
    poll(page, lambda: said.text_content() == "no suggestions", "no suggestions said")


def test_under_a_prefix_a_graph_not_held_names_the_listing_under_it(prefixed_server):
    # A graph's address not held says where the graphs are listed: it named /sparql, off the
    # site behind a proxy at /graph/.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(prefixed_server + "/graph/nowhere.ttl", timeout=30)
    assert missing.value.code == 404
    said = missing.value.read().decode()
    assert f"GET {PREFIX}/sparql lists the graphs" in said, said


def test_an_empty_answer_notes_each_name_the_graph_holds_nowhere(page, shipped_server):
    # A class misspelt matched nothing, and the page said "0 rows" alone, where the command
    # line's query names it with the one meant: the page asks the server's notes and shows them.
    page.goto(shipped_server + "/")
    set_query(page, "SELECT ?s WHERE { ?s a ag:MissileDefenceSystem }")
    page.click("#run")
    notes = page.locator("#absent-names p")
    notes.first.wait_for()
    assert page.text_content("#status") == "0 rows"
    assert notes.all_text_contents() == ["ag:MissileDefenceSystem is in no triple of the "
                                         "graph: did you mean ag:MissileDefenseSystem?"]
    # No rows of the graph's own names: asked, and nothing said (the last run's note gone).
    with page.expect_response("**/query/notes") as asked:
        set_query(page, "SELECT ?s WHERE { ?s a ag:MissileDefenseSystem ; "
                        "ag:coFundedBy id:IronDome }")
        page.click("#run")
    assert asked.value.ok
    page.wait_for_timeout(300)  # for the script to show what it would
    assert page.text_content("#status") == "0 rows"
    assert notes.count() == 0 and page.is_hidden("#absent-names")
    # An ASK answered false, the same.
    set_query(page, "ASK { id:IronDom ?p ?o }")
    page.click("#run")
    page.locator("#absent-names p", has_text="did you mean id:IronDome?").wait_for()
    assert page.text_content("#status") == "answer: false"


def test_notes_come_as_text_after_their_own_run_and_never_break_its_answer(page,
                                                                          shipped_server):
    from playwright.sync_api import Error as PlaywrightError
    held = []
    page.route("**/query/notes", lambda route: held.append(route))
    page.goto(shipped_server + "/")
    set_query(page, "ASK { id:IronDom ?p ?o }")
    page.click("#run")
    poll(page, lambda: held, "the notes to be asked for")
    # A newer run before they come: the older run's notes are not shown under its answer.
    set_query(page, 'SELECT ?n WHERE { VALUES ?n { "fresh" } }')
    page.click("#run")
    page.locator("#results td", has_text="fresh").wait_for()
    try:
        held.pop().fulfill(json={"notes": ["stale"], "more": 0})
    except PlaywrightError:
        pass  # the page had cancelled the request
    page.wait_for_timeout(300)
    assert page.locator("#absent-names p").count() == 0 and page.is_hidden("#absent-names")
    # A request for notes that fails shows nothing: the answer stands.
    set_query(page, "ASK { id:IronDom ?p ?o }")
    page.click("#run")
    poll(page, lambda: held, "the notes to be asked for")
    held.pop().fulfill(status=503, body="busy")
    page.wait_for_timeout(300)
    assert page.text_content("#status") == "answer: false" and page.is_hidden("#error")
    assert page.is_hidden("#absent-names")
    # Notes are text, whatever they hold; more than are sent are counted.
    page.click("#run")
    poll(page, lambda: held, "the notes to be asked for")
    held.pop().fulfill(json={"notes": ['<img src="x" id="injected">'], "more": 1234})
    page.locator("#absent-names p").nth(1).wait_for()
    assert page.locator("#absent-names p").all_text_contents() == [
        '<img src="x" id="injected">', "… and 1,234 more names the graph holds nowhere"]
    assert page.locator("#injected").count() == 0


def test_runs_made_fast_show_the_last_ones_notes_alone_and_no_error(page, shipped_server):
    # Ten runs one after another, each aborting the last one's notes, then notes refused
    # (429, as to a client over its share): the page says the last run's answer, its own
    # notes or none, and no script error is written to the console.
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(shipped_server + "/")
    for n in range(10):
        set_query(page, f"ASK {{ id:IronDom{n} ?p ?o }}")
        page.click("#run")
    page.locator("#absent-names p").first.wait_for()
    page.wait_for_timeout(500)  # for any older run's notes to come late
    assert page.locator("#absent-names p").all_text_contents() == [
        "id:IronDom9 is in no triple of the graph: did you mean id:IronDome?"]
    page.route("**/query/notes", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "1"}, content_type="text/plain",
        body="too many requests"))
    set_query(page, "ASK { id:IronDom ?p ?o }")
    page.click("#run")
    page.wait_for_timeout(500)
    assert page.text_content("#status") == "answer: false" and page.is_hidden("#error")
    assert page.is_hidden("#absent-names")
    # The browser's own line for a refused request is not the page's error.
    assert [e for e in errors if "status of 429" not in e] == [], errors
