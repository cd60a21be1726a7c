"""Catalogue queries run over the inferred graph (query NAME --inferred) list each row once.

The reviewed answers are the asserted graph's, where an entity has only the class its claim
gives it, so a query lists classes side by side (a military exercise or a joint exercise; an
agreement or a memorandum).  Over the inferred graph a joint exercise is a military exercise
too, and matched by both classes, each pair of exercise-participants came twice (34 rows for 17),
each link of system-funders-developers, each amount of aid-in-force-2020: counts of rows were
doubled for anyone running the catalogue with --inferred, as the command line offers.
"""

from __future__ import annotations

import json

import pytest

from alliance_graph.query import catalogue, compare
from alliance_graph.query import results as queries
from alliance_graph.settings import Settings

ENTRIES = [e for e in catalogue.read_manifest(Settings().queries_dir)
           if e.result.suffix == ".srj" and "results" in catalogue.read_expected(e.result)]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_a_query_over_the_inferred_graph_lists_each_row_once(kg, entry):
    answer = queries.serialize(queries.run(kg, entry.text(), inferred=True), "json")
    rows = compare.solutions(json.loads(answer))
    repeated = {row for row in rows if rows.count(row) > 1}
    assert not repeated, f"{entry.name} repeats {len(repeated)} row(s) over the inferred graph"
