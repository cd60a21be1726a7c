"""What a catalogue query's header says its rows hold, held against the rows the shipped data gives.

A reader picks a query by its header (`alliance-graph catalogue`, the manifest's comment) and
reads its columns by it: 'the systems or agreements that counter it' sends them looking for
agreements in a column that holds none, and tells them nothing of the alliances, partnerships
and states it does hold; 'Military installations' lists NATO's headquarters in Brussels, which
the ontology does not count one. For each column reviewed here, every value is of a kind the header
names (a state is an actor, so 'actor' covers it), and every kind the header names is the kind
of some value, so the header neither leaves out nor invents what the column holds.
"""

from __future__ import annotations

import re

import pytest

from alliance_graph.query import catalogue

# The kinds of node a header names, each with the class its nodes are (or a subclass of it).
# A node is of every kind whose class it has: Israel is a state and an actor.
KINDS = {
    "system": "ag:WeaponSystem",
    "program": "ag:MilitaryProgram",
    "state": "ag:State",
    "armed group": "ag:ArmedGroup",
    "alliance": "ag:Alliance",
    "partnership": "ag:Partnership",
    "agreement": "ag:Agreement",
    "agency": "ag:GovernmentAgency",
    "installation": "ag:MilitaryInstallation",
    "headquarters": "ag:Headquarters",
    "actor": "ag:Actor",
}

# Columns whose header wording is reviewed, by query.
COLUMNS = {
    "threats": ("posedBy", "counteredBy"),
    "adversaries": ("actor", "adversary"),
    "installations": ("installation",),
    "intelligence-cooperation": ("agency", "agencyOf", "cooperatesWith"),
}


def _kinds(kg, node: str) -> set[str]:
    """Return the kinds of ``node``: military alliances (NATO) are alliances too."""
    kinds = {kind for kind, cls in KINDS.items()
             if kg.query(f"ASK {{ <{node}> a/rdfs:subClassOf* {cls} }}", inferred=True)}
    if kg.query(f"ASK {{ <{node}> a/rdfs:subClassOf* ag:MilitaryAlliance }}", inferred=True):
        kinds.add("alliance")
    return kinds


def _named(header: str) -> set[str]:
    """Return the kinds the header names, singular or plural ('systems', 'agencies'), leaving
    out the 'States' of 'United States'."""
    text = header.replace("United States", "")
    plural = {kind: kind[:-1] + "ies" if kind.endswith("y") else kind.removesuffix("s") + "s"
              for kind in KINDS}
    return {kind for kind in KINDS
            if re.search(rf"\b({re.escape(kind)}|{re.escape(plural[kind])})\b", text, re.IGNORECASE)}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_a_query_header_names_the_kinds_its_columns_hold(kg, settings, name):
    path = settings.queries_dir / f"{name}.rq"
    _, comment = catalogue.header(path)
    named = _named(comment)
    values = {r[column].value for r in kg.query(path.read_text(encoding="utf-8"))
              for column in COLUMNS[name] if r[column] is not None}
    assert values, f"{name} returns no values to check its header against"
    kinds = {value: _kinds(kg, value) for value in sorted(values)}
    unnamed = sorted(f"{value.rsplit('/', 1)[1]} ({', '.join(sorted(k)) or 'no kind'})"
                     for value, k in kinds.items() if not k & named)
    assert unnamed == [], f"{name}: the header {comment!r} names no kind of these values"
    held = set().union(*kinds.values())
    assert sorted(named - held) == [], f"{name}: the header {comment!r} names kinds no value is"
