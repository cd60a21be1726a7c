"""aligned_names: a misspelt class or property is offered the project term aligned with another
vocabulary's term spelt near it, over a tiny ontology of the test's own."""

import pyoxigraph as ox

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.query.aligned_names import meant, offered
from alliance_graph.query.name_places import BOTH, CLASS, PROPERTY
from alliance_graph.rdf import ONTOLOGY, graph_iri, in_role
from alliance_graph.store.graph import KnowledgeGraph

AG, RDFS, OWL = PREFIX_IRIS["ag"], PREFIX_IRIS["rdfs"], PREFIX_IRIS["owl"]


def _graph(*triples) -> KnowledgeGraph:
    store, g = ox.Store(), graph_iri(in_role(ONTOLOGY, "alignments.ttl"))
    store.extend(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), g)
                 for s, p, o in triples)
    return KnowledgeGraph.from_store(store)


def test_a_target_ending_in_a_slash_or_hash_is_offered_for_no_name():
    # A vocabulary's own IRI (<http://example.org/vocab/>) has no local name: it was the empty
    # one, and a bare `a ag:` was offered ag:Thing "(a subclass of <http://example.org/vocab/>)".
    kg = _graph((AG + "Thing", RDFS + "subClassOf", "http://example.org/vocab/"),
                (AG + "Other", RDFS + "subClassOf", "http://example.org/terms#"),
                (AG + "State", RDFS + "subClassOf", "http://example.org/vocab#Country"))
    read: dict = {}
    assert meant(kg, AG, read) is None
    assert meant(kg, AG + "Vocab", read) is None and meant(kg, AG + "Terms", read) is None
    assert meant(kg, AG + "Countrie", read) == (
        AG + "State", " (a subclass of <http://example.org/vocab#Country>)")


def test_a_property_is_offered_among_the_properties_aligned_never_a_class():
    kg = _graph((AG + "participant", RDFS + "subPropertyOf", "http://example.org/v#attendee"),
                (AG + "Person", OWL + "equivalentClass", "http://example.org/v#Person"),
                (AG + "Attendee", RDFS + "subClassOf", "http://example.org/v#Attendant"))
    read: dict = {}
    assert meant(kg, AG + "attendees", read, PROPERTY) == (
        AG + "participant", " (a subproperty of <http://example.org/v#attendee>)")
    assert meant(kg, AG + "Persn", read, PROPERTY) is None, "a class, in a property's place"
    assert meant(kg, AG + "Persons", read, CLASS) == (
        AG + "Person", " (the same as <http://example.org/v#Person>)")


def test_an_equivalence_written_from_the_other_vocabulary_is_read_too():
    # owl:equivalentClass and owl:equivalentProperty are symmetric, and the alignments are not
    # reasoned over: `v:Person owl:equivalentClass ag:Person` was not read, and ag:Persons
    # offered nothing.
    kg = _graph(("http://example.org/v#Person", OWL + "equivalentClass", AG + "Person"),
                ("http://example.org/v#attendee", OWL + "equivalentProperty",
                 AG + "participant"),
                ("http://example.org/v#Thing", RDFS + "subClassOf", AG + "Entity"))
    read: dict = {}
    assert meant(kg, AG + "Persons", read, CLASS) == (
        AG + "Person", " (the same as <http://example.org/v#Person>)")
    assert meant(kg, AG + "attendees", read, PROPERTY) == (
        AG + "participant", " (the same as <http://example.org/v#attendee>)")
    assert meant(kg, AG + "Things", read, CLASS) is None, "a superclass of ag:Entity"


def test_a_name_in_both_places_or_in_neither_is_offered_each_kinds_aligned_term():
    # name_places gave None for a name in both places and for one in neither, and neither
    # was offered any aligned term: `?s a ag:attendees . ?s ag:attendees ?o` "matches nothing".
    kg = _graph((AG + "participant", RDFS + "subPropertyOf", "http://example.org/v#attendee"),
                (AG + "Attendee", RDFS + "subClassOf", "http://example.org/v#Attendees"))
    read: dict = {}
    both = (" (a subclass of <http://example.org/v#Attendees>) or ag:participant (a "
            "subproperty of <http://example.org/v#attendee>)")
    assert offered(kg, AG + "attendees", read, BOTH) == "ag:Attendee" + both
    assert offered(kg, AG + "attendees", read, None) == "ag:Attendee" + both
    assert offered(kg, AG + "attendees", read, PROPERTY) == (
        "ag:participant (a subproperty of <http://example.org/v#attendee>)")
    assert offered(kg, AG + "zzzzqqq", read, BOTH) is None
