"""What RDF/XML cannot write, said for the user (``query/rdf_xml.py``): which IRIs end in an
XML name (the rest of its reasons are tested through ``export``, in test_export.py)."""

import time

import pytest

from alliance_graph.query.rdf_xml import ends_in_xml_name


@pytest.mark.parametrize("iri, ends", [
    ("https://alliance-graph.example/ontology/fundedBy", True),
    ("https://alliance-graph.example/ontology/", False),
    ("https://alliance-graph.example/ontology#", False),
    ("https://alliance-graph.example/q?x=1", False),
    ("https://alliance-graph.example/2024", False),        # digits cannot begin a name
    ("https://alliance-graph.example/x2024", True),
    ("https://alliance-graph.example/-.-", False),
    ("https://alliance-graph.example/_-.-", True),
    ("https://alliance-graph.example/\u00b7a", True),
    ("https://alliance-graph.example/Ж", True),
    ("https://alliance-graph.example/\U00010000", True),
    ("", False),
])
def test_an_iri_ends_in_an_xml_name_only_where_a_name_character_may_begin_it(iri, ends):
    assert ends_in_xml_name(iri) is ends


def test_a_long_iri_is_read_from_its_end():
    # A search for a name ending the text ran from every position to the end: a property of
    # 60,000 characters took 19 to 55 s of CPU.  Bounded against a hang, not timed for speed.
    started = time.process_time()
    assert not ends_in_xml_name("https://alliance-graph.example/" + "a" * 100_000 + "/")
    assert ends_in_xml_name("https://alliance-graph.example/" + "a/" * 100_000 + "a")
    assert time.process_time() - started < 5
