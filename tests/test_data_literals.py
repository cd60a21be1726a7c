"""The data's literals follow docs/data-model.md: no language tags, and each value of the
datatype its property's declared range names."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from alliance_graph.query import results as queries

ROOT = Path(__file__).resolve().parents[1]
DATA = sorted((ROOT / "data").glob("*.ttl"))


@pytest.fixture(scope="module")
def ranges() -> dict:
    """Return each ontology property's declared datatype range."""
    ontology = rdflib.Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        ontology.parse(path)
    return {p: r for p, r in ontology.subject_objects(RDFS.range) if str(r).startswith(str(XSD))}


def values(graph: rdflib.Graph):
    """Yield (property, literal) for each plain triple and each claim with a literal value."""
    for _, p, o in graph:
        if isinstance(o, rdflib.Literal):
            yield p, o
    for claim, o in graph.subject_objects(RDF.object):
        if isinstance(o, rdflib.Literal):
            yield graph.value(claim, RDF.predicate), o


def datatype(literal: rdflib.Literal) -> rdflib.URIRef:
    """Return a literal's datatype as RDF 1.1 has it (rdflib leaves it None for two kinds)."""
    return literal.datatype or (RDF.langString if literal.language else XSD.string)


@pytest.mark.parametrize("path", DATA, ids=[p.name for p in DATA])
def test_no_literal_has_a_language_tag(path):
    tagged = sorted({f"{o!s}@{o.language}" for o in rdflib.Graph().parse(path).objects()
                     if isinstance(o, rdflib.Literal) and o.language})
    assert not tagged, f"{path.name}: write these as plain strings: {tagged[:5]}"


@pytest.mark.parametrize("path", DATA, ids=[p.name for p in DATA])
def test_every_value_has_its_propertys_declared_datatype(path, ranges):
    wrong = sorted({f"{p.n3()} {o.n3()}" for p, o in values(rdflib.Graph().parse(path))
                    if p in ranges and datatype(o) != ranges[p]})
    assert not wrong, f"{path.name}: values outside their property's range: {wrong[:5]}"


def test_a_quoted_phrase_matches_as_a_query_writes_it(kg):
    """Issue 15 item 6: ``ag:quotedText "axis of evil"`` matched nothing (it was ``@en``)."""
    found = queries.rows(queries.run(kg, 'SELECT ?s WHERE { ?s ag:quotedText "axis of evil" }'))
    assert found


@pytest.mark.parametrize("path", DATA, ids=[p.name for p in DATA])
def test_every_typed_value_is_written_as_the_store_writes_it(path):
    # The store keeps a typed value by its value: "007.50"^^xsd:decimal would come back as
    # "7.5" in every answer and export, another spelling than the file's.
    text = path.read_text(encoding="utf-8")
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.TURTLE)
    written = {str(t.object) for t in ox.parse(text, format=ox.RdfFormat.TURTLE)
               if isinstance(t.object, ox.Literal)}
    stored = {str(q.object) for q in store if isinstance(q.object, ox.Literal)}
    assert written == stored, f"{path.name}: write {sorted(stored - written)[:5]}, not " \
                              f"{sorted(written - stored)[:5]}"
