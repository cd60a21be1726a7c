"""format_names: the format a name written otherwise plainly means, among those offered."""

import pytest

from alliance_graph.facade import format_names

EXPORT = ("ttl", "turtle", "nt", "nq", "trig", "jsonld", "xml", "graphml", "nodes-csv",
          "edges-csv")
QUERY = ("table", "json", "xml", "csv", "tsv", "turtle", "ttl", "nt", "jsonld")


@pytest.mark.parametrize("name, offered, meant", [
    ("json", EXPORT, ["jsonld"]), ("JSON-LD", EXPORT, ["jsonld"]), ("json_ld", QUERY, ["jsonld"]),
    ("RDF/XML", EXPORT, ["xml"]), ("owl", EXPORT, ["xml"]), ("N-Triples", QUERY, ["nt"]),
    ("n-quads", EXPORT, ["nq"]), ("n3", EXPORT, ["ttl"]), ("n3", ("turtle",), ["turtle"]),
    ("csv", EXPORT, ["nodes-csv", "edges-csv"]), ("srj", QUERY, ["json"]),
    # Nothing plain, or nothing offered that it names: nothing.
    ("bogus", EXPORT, []), ("nquads", QUERY, []), ("jsonld", ("text", "json"), []), ("", EXPORT, []),
    # A results format's name where none is offered: export's xml is RDF/XML, stats' json
    # its figures ("did you mean xml?" of export --format srx).
    ("srx", QUERY, ["xml"]), ("srx", EXPORT, []), ("sparql-xml", EXPORT, []),
    ("srj", ("text", "json"), []),
    # The query's table is plain text, stats' plain text a table.
    ("text", QUERY, ["table"]), ("plain", QUERY, ["table"]), ("table", ("text", "json"), ["text"]),
    ("text", EXPORT, [])])
def test_a_name_written_otherwise_means_the_format_offered(name, offered, meant):
    assert format_names.meant(name, offered) == meant


def test_the_names_are_said_as_a_question():
    assert format_names.said(["nodes-csv", "edges-csv"]) == "did you mean nodes-csv or edges-csv?"
