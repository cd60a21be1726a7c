"""Named queries that ask for nodes of a class list each subclass the graph has entities of.

A catalogue query written ``VALUES ?class { ag:A ag:B }``, ``{ ?x a ag:A } UNION { ?x a ag:B
}`` or ``?x a ag:A`` runs over the asserted graph, where an entity has only the class its claim
gives it: one of a subclass of ``ag:A`` the query leaves out is silently missing from the answer
(the Israeli Air Force, an ``ag:ArmedForce``, from the government agencies of
intelligence-cooperation; the F-35, an ``ag:CombatAircraft``, from the weapon systems of
system-funders-developers).  The test reads the classes each query asks for from rdflib's
algebra of it (query_reading.classes) and fails on a subclass, with entities, of one of them
that the query leaves out, unless the query reads rdfs:subClassOf itself.
"""

from __future__ import annotations

import pytest

from alliance_graph.settings import Settings
from query_reading import classes

QUERIES = sorted(Settings().queries_dir.glob("*.rq"))
LISTING = [q for q in QUERIES if classes(q)[0]]


def test_queries_listing_classes_are_found():
    assert {"intelligence-cooperation.rq", "system-funders-developers.rq",
            "threats.rq"} <= {q.name for q in LISTING}
    # VALUES ?class, a line of alternatives by type, and one class alone.
    ag = "https://alliance-graph.example/ontology/"
    assert ag + "ArmedForce" in classes(Settings().queries_dir / "intelligence-cooperation.rq")[0]
    assert ag + "CombatAircraft" in classes(Settings().queries_dir
                                            / "system-funders-developers.rq")[0]
    assert classes(Settings().queries_dir / "threats.rq")[0] == {ag + "Threat"}


@pytest.mark.parametrize("query", LISTING, ids=lambda q: q.stem)
def test_a_query_listing_classes_lists_every_subclass_the_graph_has_entities_of(kg, query):
    listed, reads_hierarchy = classes(query)
    if reads_hierarchy:
        return
    values = " ".join(f"<{c}>" for c in sorted(listed))
    # The result is not kept in this frame: rdflib's parser (above) keeps its exceptions, whose
    # frames lead back here, so the frame is in a reference cycle until a collection.
    left_out = sorted({r["class"].value for r in kg.query(f"""SELECT DISTINCT ?class WHERE {{
        VALUES ?top {{ {values} }} ?class rdfs:subClassOf+ ?top . ?entity a ?class }}""")}
                      - listed)
    assert left_out == [], f"{query.name} leaves out the entities of {left_out}"
