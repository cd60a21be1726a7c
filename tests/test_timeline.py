"""The timeline: dated facts in order, each with the precision its source gives."""

import re

import pyoxigraph as ox
from flask import Flask, render_template

from alliance_graph.store.graph import KnowledgeGraph
from alliance_graph.web.pages import timeline, views
from alliance_graph.web.pages.entity import Term


def test_dated_facts_in_order_with_their_precision(pages_kg):
    found = [(e.date.value, e.date.precision, e.subject.label, e.predicate.label, e.role)
             for e in timeline.events(pages_kg).events]
    assert found == [
        ("2011", "year", "Iron Dome", "date", ""),
        ("2016-09-14", "day", "2016 MOU", "date", ""),
        ("2018-10", "month", "2016 MOU", "party", "valid from"),
    ]


def test_a_year_sorts_before_the_days_within_it():
    def event(value):
        t = Term("literal", value, value)
        return timeline.Event(t, "", t, t, t, t, "")
    dates = ["2016-09-14", "2016", "2015-12", "2016-01", "-0586", "-1000", "-0586-03"]
    assert [e.date.value for e in sorted(map(event, dates), key=lambda e: e.sort_key)] == [
        "-1000", "-0586", "-0586-03", "2015-12", "2016", "2016-01", "2016-09-14"]


def test_the_timeline_is_paged_by_its_query_each_fact_on_one_page(pages_kg):
    # It listed every dated fact, whatever their number (and read every claim to find them).
    whole = timeline.events(pages_kg)
    assert (whole.number, whole.total, whole.pages) == (1, 3, 1)
    pages = [timeline.events(pages_kg, n, size=2) for n in (1, 2)]
    assert [len(p.events) for p in pages] == [2, 1] and pages[0].pages == 2
    assert [e.claim.value for p in pages for e in p.events] == \
        [e.claim.value for e in whole.events]
    assert pages[1].first == 3 and timeline.events(pages_kg, 3, size=2).events == []


def test_a_timeline_pages_title_says_which_page_it_is(pages_kg, pages_settings):
    # Every page was titled "Timeline": the tabs, Back's list and bookmarks of pages 1 and 2
    # could not be told apart.
    app = Flask(__name__)
    app.register_blueprint(views.create_blueprint(lambda: None, pages_settings))
    titles = []
    for page in (timeline.events(pages_kg, n, size=2) for n in (1, 2)):
        with app.test_request_context("/timeline"):
            text = render_template("timeline.html", page=page, events=page.events)
        titles.append(re.search(r"<title>(.*?)</title>", text).group(1))
    assert titles == ["Timeline, page 1 of 2 · alliance-graph",
                      "Timeline, page 2 of 2 · alliance-graph"]
    whole = timeline.events(pages_kg)
    with app.test_request_context("/timeline"):
        text = render_template("timeline.html", page=whole, events=whole.events)
    assert "<title>Timeline · alliance-graph</title>" in text


def test_on_the_shipped_data_the_dated_properties_of_the_shapes_miss_no_dated_fact(kg):
    # The facts are looked up by the properties the shapes type as dates: every dated value
    # of the shipped data, looked for in every claim, is among them.
    every = {(r["c"].value, r["d"].value) for r in kg.query(f"""
        SELECT ?c ?d WHERE {{ ?c a ag:Claim ; rdf:object ?d
                             FILTER(isLiteral(?d) && DATATYPE(?d) IN ({", ".join(timeline.DATE_TYPES)})) }}""")}
    page = timeline.events(kg, 1, size=10_000)
    shown = {(e.claim.value, e.date.value) for e in page.events if not e.role}
    assert every and shown == every
    assert page.total == len(page.events) > len(every)  # and the qualifiers' dates besides


def _dated_graph(turtle: str) -> KnowledgeGraph:
    store = ox.Store()
    store.load(("@prefix ag: <https://alliance-graph.example/ontology/> . "
                "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . "
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . " + turtle).encode(),
               format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://alliance-graph.example/graph/data/a.ttl"))
    return KnowledgeGraph.from_store(store)


def _claims(dates) -> str:
    return "".join(f"""
<urn:x:{n}> a ag:Claim ; rdf:subject <https://alliance-graph.example/id/T{n}> ;
    rdf:predicate ag:date ; rdf:object "{date}"^^xsd:{kind} .""" for n, (date, kind) in
        enumerate(dates))


def test_a_year_of_five_digits_comes_after_the_years_of_four():
    # The page's query sorted the dates of the common era as text: "10000-01-02" and "12016"
    # came before "2011".
    kg = _dated_graph(_claims([("12016", "gYear"), ("2011", "gYear"),
                               ("10000-01-02", "date"), ("9999-12", "gYearMonth"),
                               ("-10000", "gYear"), ("-0586", "gYear"),
                               ("2011-05", "gYearMonth")]))
    order = ["-10000", "-0586", "2011", "2011-05", "9999-12", "10000-01-02", "12016"]
    page = timeline.events(kg)
    assert [e.date.value for e in page.events] == order
    assert [year for year, _ in page.by_year()] == ["-10000", "-0586", "2011", "9999",
                                                    "10000", "12016"]
    # Cut into pages by the query, each fact once, in the same order.
    assert [e.date.value for n in (1, 2, 3) for e in timeline.events(kg, n, size=3).events] \
        == order
    shuffled = page.events[3:] + page.events[:3]
    assert [e.date.value for e in sorted(shuffled, key=lambda e: e.sort_key)] == order


# Claims dated before the common era, in a graph of their own.
_ANCIENT = _claims([("-0586", "gYear"), ("2011", "gYear"), ("-1000", "gYear"),
                    ("-0586-03", "gYearMonth"), ("-0050-01-02", "date")])


def test_years_before_the_common_era_come_earliest_first_under_their_own_heading(
        pages_settings):
    # "-0586" sorted before "-1000" as text, in the query and in the template's groupby
    # (which sorts its groups), and was headed "0586", a year of the common era.
    page = timeline.events(_dated_graph(_ANCIENT))
    assert [e.date.value for e in page.events] == [
        "-1000", "-0586", "-0586-03", "-0050-01-02", "2011"]
    app = Flask(__name__)
    app.register_blueprint(views.create_blueprint(lambda: None, pages_settings))
    with app.test_request_context("/timeline"):
        text = render_template("timeline.html", page=page, events=page.events)
    assert re.findall(r"<h2>(.*?)</h2>", text) == ["-1000", "-0586", "-0050", "2011"]
    # A year of five digits was headed by its first four.
    t = Term("literal", "12016-05", "12016-05")
    assert timeline.Event(t, "", t, t, t, t, "").year == "12016"
