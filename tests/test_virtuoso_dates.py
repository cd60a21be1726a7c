"""Dates and years over a real Virtuoso 7.2 and a real Oxigraph server, beside the local store:
each date row of docs/remote-stores.md's table of what Virtuoso answers otherwise, run as the
row says (the local answer, Virtuoso's, and the portable form every store answers alike), and
what the doc says answers alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance_graph.query import results
from alliance_graph.store.errors import QueryError
from helpers import normalized

DOC = Path(__file__).parents[1] / "docs" / "remote-stores.md"
ROWS = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
FAILS = "fails"  # Virtuoso's answer is a refusal of the whole query, said with these words


def short(lines: list[str]) -> list[str]:
    """Return answer lines with the XSD and id namespaces written as prefixes, as the doc does."""
    return [re.sub(r"<https://alliance-graph\.example/id/([^>]*)>", r"id:\1",
                   re.sub(r"<http://www\.w3\.org/2001/XMLSchema#(\w+)>", r"xsd:\1", line))
            for line in lines]


def answer(kg, query: str) -> list[str]:
    return short(normalized(kg.query(query)))


YEARS = "?c ag:validFrom ?y"  # the shipped data's three stored years: 1987, 1994, 2014
UNBOUND_3 = ["None", "None", "None"]

# (how the doc's row begins, a query the row names, the local store's answer, Virtuoso's (or
# the words of its refusal), the portable form as the row writes it, a query holding it).
CASES = [
    ('| `xsd:gYear("2016")`', f"SELECT ?x WHERE {{ {YEARS} BIND(xsd:gYear(?y) AS ?x) }}",
     ['"1987"^^xsd:gYear', '"1994"^^xsd:gYear', '"2014"^^xsd:gYear'],
     ['"1987-01-01"^^xsd:date', '"1994-01-01"^^xsd:date', '"2014-01-01"^^xsd:date'],
     "STRDT(SUBSTR(STR(?y), 1, 4), xsd:gYear)", f"SELECT ?x WHERE {{ {YEARS} BIND({{}} AS ?x) }}"),
    ('| `xsd:dateTime("2016-09-14")`',
     'SELECT ?x WHERE { BIND("2016-09-14" AS ?s) BIND(xsd:dateTime(?s) AS ?x) }',
     ["None"], ['"2016-09-14T00:00:00"^^xsd:dateTime'],
     "xsd:dateTime(xsd:date(?s))", 'SELECT ?x WHERE { BIND("2016-09-14" AS ?s) BIND({} AS ?x) }'),
    ('| `xsd:dateTime("2016-09-14")`', f"SELECT ?x WHERE {{ {YEARS} BIND(xsd:date(?y) AS ?x) }}",
     UNBOUND_3, ['"1987-01-01"^^xsd:date', '"1994-01-01"^^xsd:date', '"2014-01-01"^^xsd:date'],
     'xsd:date(CONCAT(STR(?y), "-01-01"))', f"SELECT ?x WHERE {{ {YEARS} BIND({{}} AS ?x) }}"),
    ("| `YEAR(?y)`, `MONTH(?y)` of a year or a month written",
     'SELECT ?x WHERE { BIND("2016"^^xsd:gYear AS ?y) BIND(YEAR(?y) AS ?x) }',
     ['"2016"^^xsd:integer'],
     (FAILS, "22007 Error DT001: Function year needs a datetime, date or time as argument 1"),
     'xsd:integer(REPLACE(STR(?y), "^(-?[0-9]+).*$", "$1"))',
     'SELECT ?x WHERE { BIND("2016"^^xsd:gYear AS ?y) BIND({} AS ?x) }'),
    ("| `YEAR(?y)`, `MONTH(?y)` of a year or a month written",
     'SELECT ?x WHERE { VALUES ?y { "2016-09"^^xsd:gYearMonth } BIND(MONTH(?y) AS ?x) }',
     ['"9"^^xsd:integer'], (FAILS, "needs a datetime, date or time as argument 1"),
     "xsd:integer(SUBSTR(STR(?y), 6, 2))",
     'SELECT ?x WHERE { VALUES ?y { "2016-09"^^xsd:gYearMonth } BIND({} AS ?x) }'),
    ("| `MONTH(?y)`, `DAY(?y)` of a year", f"SELECT ?x WHERE {{ {YEARS} BIND(DAY(?y) AS ?x) }}",
     UNBOUND_3, ['"1"^^xsd:integer'] * 3,
     "IF(DATATYPE(?y) IN (xsd:date, xsd:dateTime), DAY(?y), ?none)",
     f"SELECT ?x WHERE {{ {YEARS} BIND({{}} AS ?x) }}"),
    ("| `MONTH(?y)`, `DAY(?y)` of a year", f"SELECT ?x WHERE {{ {YEARS} BIND(MONTH(?y) AS ?x) }}",
     UNBOUND_3, ['"1"^^xsd:integer'] * 3,
     "IF(DATATYPE(?y) IN (xsd:date, xsd:dateTime, xsd:gYearMonth), MONTH(?y), ?none)",
     f"SELECT ?x WHERE {{ {YEARS} BIND({{}} AS ?x) }}"),
    ("| `MONTH(?y)`, `DAY(?y)` of a year",
     'SELECT ?x WHERE { BIND("2016-09-14"^^xsd:date AS ?d) BIND(HOURS(?d) AS ?x) }',
     ["None"], ['"0"^^xsd:integer'], "IF(DATATYPE(?d) = xsd:dateTime, HOURS(?d), ?none)",
     'SELECT ?x WHERE { BIND("2016-09-14"^^xsd:date AS ?d) BIND({} AS ?x) }'),
    ("| `SECONDS(",
     'SELECT ?x WHERE { BIND("2016-09-14T10:20:30.123456Z"^^xsd:dateTime AS ?t) '
     "BIND(SECONDS(?t) AS ?x) }", ['"30.123456"^^xsd:decimal'], ['"30.1235"^^xsd:double'],
     "xsd:decimal(SECONDS(?t))",
     'SELECT ?x WHERE { BIND("2016-09-14T10:20:30.123456Z"^^xsd:dateTime AS ?t) BIND({} AS ?x) }'),
    ('| `"2016"^^xsd:gYear = "2016-01-01"^^xsd:date`',
     'SELECT ?eq ?lt WHERE { BIND("2016"^^xsd:gYear AS ?a) BIND("2016-01-01"^^xsd:date AS ?b) '
     'BIND("2016-09"^^xsd:gYearMonth AS ?m) BIND(IF(?a = ?b, "eq", "not") AS ?eq) '
     'BIND(COALESCE(IF(?a < ?m, "lt", "not"), "error") AS ?lt) }',
     ['"not" "error"'], ['"eq" "lt"'], "STR(?a) < STR(?b)",
     'SELECT ?lt WHERE { BIND("2016"^^xsd:gYear AS ?a) BIND("2016-09"^^xsd:gYearMonth AS ?b) '
     'BIND(IF({}, "lt", "not") AS ?lt) }'),
    ('| `"2016"^^xsd:gYear = "2016-01-01"^^xsd:date`',
     f"SELECT ?y WHERE {{ {YEARS} FILTER(?y > 2000) }}",
     [], ['"1987"^^xsd:gYear', '"1994"^^xsd:gYear', '"2014"^^xsd:gYear'],
     "xsd:integer(STR(?y)) > 2000", f"SELECT ?y WHERE {{ {YEARS} FILTER({{}}) }}"),
    ('| `?c rdf:object "1948-01-01"^^xsd:date`',
     'SELECT ?c WHERE { ?c rdf:object "1948-01-01"^^xsd:date }', [],
     ["id:claim/Israel-foundingDate-1948", "id:claim/UnitedStatesRecognitionOfIsrael-date-1948"],
     '?c rdf:object ?d FILTER(DATATYPE(?d) = xsd:date && STR(?d) = "1948-01-01")',
     "SELECT ?c WHERE { {} }"),
    ('| `?c rdf:object "1948-01-01"^^xsd:date`',
     'SELECT ?c WHERE { VALUES ?d { "1948-01"^^xsd:gYearMonth } ?c rdf:object ?d }', [],
     ["id:claim/Israel-foundingDate-1948", "id:claim/UnitedStatesRecognitionOfIsrael-date-1948"],
     '?c rdf:object ?d FILTER(DATATYPE(?d) = xsd:date && STR(?d) = "1948-01-01")',
     "SELECT ?c WHERE { {} }"),
    ("| `STR(?d)` of a duration", "SELECT ?x WHERE { ?a ag:duration ?d BIND(STR(?d) AS ?x) }",
     ['"P10Y"'] * 2, ['"120"'] * 2, '?d = STRDT(CONCAT("P", STR(?years), "Y"), xsd:duration)',
     "SELECT ?years WHERE { ?a ag:duration ?d VALUES ?years { 9 10 11 } FILTER({}) }"),
    ('| `VALUES ?y { "2016"^^xsd:gYear "2016-01"^^xsd:gYearMonth }`',
     'SELECT ?y WHERE { VALUES ?y { "2016"^^xsd:gYear "2016-01"^^xsd:gYearMonth } }',
     ['"2016"^^xsd:gYear', '"2016-01"^^xsd:gYearMonth'], ['"2016"^^xsd:gYear'] * 2,
     'VALUES (?s ?t) { ("2016" xsd:gYear) ("2016-01" xsd:gYearMonth) } BIND(STRDT(?s, ?t) AS ?y)',
     "SELECT ?y WHERE { {} }"),
]


def row_of(begins: str) -> str:
    """Return the one table row of the doc that begins so."""
    row, = (row for row in ROWS if row.startswith(begins))
    return row.replace("\\|", "|")


IDS = [f"{n}-{case[1].split('BIND(')[-1][:20]}" for n, case in enumerate(CASES)]


@pytest.mark.parametrize("begins, query, local, virtuoso, portable, holding", CASES, ids=IDS)
def test_the_doc_s_row_names_the_answers_and_the_portable_form_tested(
        begins, query, local, virtuoso, portable, holding):
    row = row_of(begins)
    assert f"`{portable}`" in row, (portable, row)
    if virtuoso[0] == FAILS:
        assert virtuoso[1] in row and "exit 1, or a 400" in row, row


@pytest.mark.parametrize("begins, query, local, virtuoso, portable, holding", CASES, ids=IDS)
def test_virtuoso_answers_dates_otherwise_and_the_portable_form_alike(
        remote_kg, kg, request, begins, query, local, virtuoso, portable, holding):
    # The local store's answer is the row's, the Oxigraph server's the same; Virtuoso's is
    # the row's other, a refusal of the whole query its exit 1 (QueryError), not the store's
    # failure. The portable form answers the same on every store, and on the local one as
    # the query does where the query's answer is the one meant.
    assert answer(kg, query) == local
    if request.node.callspec.params["remote_kg"] != "virtuoso":
        assert answer(remote_kg, query) == local
    elif virtuoso[0] == FAILS:
        with pytest.raises(QueryError, match=re.escape(virtuoso[1])):
            remote_kg.query(query)
    else:
        assert answer(remote_kg, query) == sorted(virtuoso)
    portable_query = holding.replace("{}", portable)
    assert answer(remote_kg, portable_query) == answer(kg, portable_query)


# What the doc says answers alike over the stored years; a sorted answer compared row by row.
ALIKE = [
    'SELECT ?c WHERE { ?c rdf:object "1948"^^xsd:gYear }',
    f'SELECT ?y WHERE {{ {YEARS} FILTER(?y < "2000"^^xsd:gYear) }}',
    f"SELECT ?y ?x WHERE {{ {YEARS} BIND(YEAR(?y) AS ?x) }} ORDER BY ?x",
    "SELECT ?y WHERE { ?c rdf:object ?y FILTER(isLiteral(?y) && DATATYPE(?y) = xsd:gYear) } "
    "ORDER BY ?y ?c",
    "SELECT ?y WHERE { ?c rdf:object ?y FILTER(isLiteral(?y) && DATATYPE(?y) = xsd:gYear) } "
    "ORDER BY DESC(?y) ?c",
    "SELECT (MIN(?y) AS ?lo) (MAX(?y) AS ?hi) WHERE { ?c rdf:object ?y "
    "FILTER(isLiteral(?y) && DATATYPE(?y) = xsd:gYear) }",
]


@pytest.mark.parametrize("query", ALIKE)
def test_stored_years_are_matched_compared_and_sorted_alike(remote_kg, kg, query):
    def ordered(kg) -> list[str]:
        rows = results.rows(kg.query(query))
        lines = short([" ".join(str(row[name]) for name in sorted(row)) for row in rows])
        return lines if "ORDER BY" in query else sorted(lines)
    assert ordered(remote_kg) == ordered(kg)
    assert ordered(kg)  # a query answering nothing would pass on any store


AID_IN_FORCE = (Path(__file__).parents[1] / "queries" / "aid-in-force-2020.rq").read_text(
    encoding="utf-8")


@pytest.mark.parametrize("year, amounts", [(2018, 0), (2019, 2), (2028, 2), (2029, 0)])
def test_aid_in_force_counts_a_duration_s_years_alike_on_every_store(remote_kg, kg, year,
                                                                      amounts):
    # The 2016 memorandum runs to 2028 for ten years ("P10Y", no first year given). The
    # query read the years from the duration's text, which Virtuoso writes as its months
    # ("120"): it counted back 120 years, and listed the memorandum's amounts as in force in
    # 2018 (2020, the catalogue's year, was right by chance).
    query = AID_IN_FORCE.replace("2020", str(year))
    assert len(answer(kg, query)) == amounts
    assert answer(remote_kg, query) == answer(kg, query)
