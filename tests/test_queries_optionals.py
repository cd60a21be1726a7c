"""No catalogue query joins an OPTIONAL on a variable that only an earlier OPTIONAL may bind.

aid-in-force-2020 read the agreement providing an amount in one OPTIONAL and its years in
OPTIONALs of their own: where the first left ``?agreement`` unbound, ``OPTIONAL { ?agreement
ag:toYear ?agreementTo }`` matched any node with a last year, and an amount no agreement
provides took the memorandum's 2028 (7b110a1).  The test reads every OPTIONAL of every query
from rdflib's algebra (query_reading.optional_joins) and fails on such a join.
"""

from __future__ import annotations

import pytest

from alliance_graph.settings import Settings
from query_reading import optional_joins

QUERIES = sorted(Settings().queries_dir.glob("*.rq"))

UNSAFE = """PREFIX ag: <https://alliance-graph.example/ontology/>
SELECT * WHERE {
  ?amount a ag:MonetaryAmount .
  OPTIONAL { ?agreement ag:annualAssistance ?amount }
  OPTIONAL { ?agreement ag:toYear ?to }
}"""
SAFE = """PREFIX ag: <https://alliance-graph.example/ontology/>
SELECT * WHERE {
  ?amount a ag:MonetaryAmount .
  OPTIONAL { ?agreement ag:annualAssistance ?amount OPTIONAL { ?agreement ag:toYear ?to } }
  OPTIONAL { ?amount ag:period ?period }
}"""


def test_the_reader_finds_an_optional_joined_on_an_optional_variable(tmp_path):
    (tmp_path / "unsafe.rq").write_text(UNSAFE, encoding="utf-8")
    (tmp_path / "safe.rq").write_text(SAFE, encoding="utf-8")
    assert optional_joins(tmp_path / "unsafe.rq") == ["agreement"]
    assert optional_joins(tmp_path / "safe.rq") == []


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_no_optional_joins_on_what_only_an_earlier_optional_binds(query):
    assert optional_joins(query) == [], \
        f"{query.name}: an OPTIONAL joins on {optional_joins(query)}, bound only optionally before it"
