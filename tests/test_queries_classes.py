"""Named queries that list the classes they cover list each one the graph has entities of.

A catalogue query written ``VALUES ?class { ag:A ag:B }``, or ``{ ?x a ag:A } UNION { ?x a
ag:B }``, runs over the asserted graph, where an entity has only the class its claim gives
it: one of a subclass of ``ag:A`` the list leaves out is silently missing from the answer
(the Israeli Air Force, an ``ag:ArmedForce``, from the government agencies of
intelligence-cooperation; the F-35, an ``ag:CombatAircraft``, from the weapon systems of
system-funders-developers).  The test reads each query's lists and fails on a subclass, with
entities, of a class listed that its list leaves out.
"""

from __future__ import annotations

import re

import pytest

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.settings import Settings

QUERIES = sorted(Settings().queries_dir.glob("*.rq"))
CLASS_LIST = re.compile(r"VALUES\s+\?class\s*\{([^}]*)\}")
# A line of alternatives by type: { ?system a ag:WeaponSystem } UNION { ?system a ag:... }.
TYPE_UNION = re.compile(r"^\s*\{ *\?\w+ a [\w:]+ *\}(?: *UNION *\{ *\?\w+ a [\w:]+ *\})+ *$", re.MULTILINE)


def _lists(path) -> list[set[str]]:
    """Return each list of classes the query's text gives, as IRIs."""
    text = path.read_text(encoding="utf-8")
    lists = [m.group(1).split() for m in CLASS_LIST.finditer(text)]
    lists += [re.findall(r" a ([\w:]+)", m.group(0)) for m in TYPE_UNION.finditer(text)]
    return [{PREFIX_IRIS[n.split(":")[0]] + n.split(":", 1)[1] for n in names} for names in lists]


LISTING = [q for q in QUERIES if _lists(q)]


def test_queries_listing_classes_are_found():
    assert {"intelligence-cooperation.rq", "system-funders-developers.rq"} <= {q.name for q in LISTING}


@pytest.mark.parametrize("query", LISTING, ids=lambda q: q.stem)
def test_a_query_listing_classes_lists_every_subclass_the_graph_has_entities_of(kg, query):
    for listed in _lists(query):
        values = " ".join(f"<{c}>" for c in sorted(listed))
        rows = kg.query(f"""SELECT DISTINCT ?class WHERE {{
            VALUES ?top {{ {values} }} ?class rdfs:subClassOf+ ?top . ?entity a ?class }}""")
        left_out = sorted({r["class"].value for r in rows} - listed)
        assert left_out == [], f"{query.name} leaves out the entities of {left_out}"
