"""The timeline: dated facts in order, each with the precision its source gives."""

from alliance_graph.web.pages import timeline
from alliance_graph.web.pages.entity import Term


def test_dated_facts_in_order_with_their_precision(pages_kg):
    found = [(e.date.value, e.date.precision, e.subject.label, e.predicate.label, e.role)
             for e in timeline.events(pages_kg)]
    assert found == [
        ("2011", "year", "Iron Dome", "date", ""),
        ("2016-09-14", "day", "2016 MOU", "date", ""),
        ("2018-10", "month", "2016 MOU", "party", "valid from"),
    ]


def test_a_year_sorts_before_the_days_within_it():
    def event(value):
        t = Term("literal", value, value)
        return timeline.Event(t, "", t, t, t, t, "")
    dates = ["2016-09-14", "2016", "2015-12", "2016-01"]
    assert [e.date.value for e in sorted(map(event, dates), key=lambda e: e.sort_key)] == [
        "2015-12", "2016", "2016-01", "2016-09-14"]
