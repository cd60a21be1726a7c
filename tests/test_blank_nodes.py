"""What a page shows of a blank node: what it says (lists as lists), read to a bounded depth,
cycles ended; seen through an entity's page, which shows the values of its statements."""

import pyoxigraph as ox

from alliance_graph.namespaces import ID
from alliance_graph.rdf import graph_iri
from alliance_graph.store.graph import KnowledgeGraph
from alliance_graph.web.pages import entity


def test_blank_values_are_described_inline_lists_as_lists_and_cycles_end():
    # A blank node was an opaque _:id; read through, a cycle of blank nodes must still end.
    store = ox.Store()
    store.load(b"""@prefix ex: <http://example.org/> .
        <https://alliance-graph.example/id/X> ex:shape [ ex:class ex:Thing ] ;
            ex:in ( ex:a [ ex:b ex:c ] ) ; ex:loop _:a .
        _:a ex:next _:b . _:b ex:next _:a .""", format=ox.RdfFormat.TURTLE,
               to_graph=graph_iri("data/x.ttl"))
    e = entity.describe(KnowledgeGraph.from_store(store), str(ID.X))
    values = {p.value.rsplit("/", 1)[-1]: v for p, v in e.statements}
    (shape,) = values["shape"]
    assert [(p.label, [v.label for v in vs]) for p, vs in shape.parts] == [
        ("<http://example.org/class>", ["<http://example.org/Thing>"])]
    (members,) = values["in"]
    assert members.items[0].label == "<http://example.org/a>"
    assert members.items[1].parts[0][1][0].label == "<http://example.org/c>"
    (loop,) = values["loop"]
    inner = loop.parts[0][1][0]
    assert inner.parts[0][1][0].kind == "bnode" and not inner.parts[0][1][0].parts
