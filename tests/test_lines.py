"""Finding the line a node is described on, as the files write its name."""

import time

import pytest

from alliance_graph.build.lines import LineIndex, StringLines

TEXT = """@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .

claim:IronDome-type a ag:Claim ;
    rdf:subject id:IronDome ;
    rdf:object ag:System .

<https://alliance-graph.example/id/Negev> a ag:Place .

claim:IronDome-typeOther a ag:Claim ;
    rdf:subject id:IronDomeBattery .
"""
ID = "https://alliance-graph.example/id/"


@pytest.mark.parametrize("iri, line", [
    (ID + "claim/IronDome-type", 4),         # subject block, prefixed name
    (ID + "Negev", 8),                       # subject block, full IRI
    (ID + "IronDome", 5),                    # no block of its own: first mention
    (ID + "claim/IronDome-typeOther", 10),   # not confused with a longer name's prefix
    (ID + "Atlantis", None),                 # not in the file
])
def test_line_of(iri, line):
    assert LineIndex({"data/x.ttl": TEXT}).line_of("data/x.ttl", iri) == line


@pytest.mark.parametrize("written, iri", [
    ("<http://example.org/a(b)>", "http://example.org/a(b)"),   # cut at "(", it had no line
    ("<http://example.org/a,b>", "http://example.org/a,b"),
    ("<javascript:alert(1)>", "javascript:alert(1)"),
    ("<http://example.org/\\u00e9t\\U000000e9>", "http://example.org/été"),  # escaped
])
def test_an_iri_holding_punctuation_or_escapes_is_found_where_it_is_written(written, iri):
    text = f"@prefix ag: <https://alliance-graph.example/ontology/> .\n\n{written} a ag:Place .\n"
    assert LineIndex({"data/x.ttl": text}).line_of("data/x.ttl", iri) == 3


def test_spellings_use_the_files_own_prefixes():
    index = LineIndex({"data/x.ttl": TEXT})
    assert index.spellings("data/x.ttl", ID + "claim/A") == [
        f"<{ID}claim/A>", "claim:A"]


def test_locate_prefers_the_named_file_then_searches_the_others():
    index = LineIndex({"data/a.ttl": "# nothing\n", "data/x.ttl": TEXT})
    assert index.locate(ID + "Negev", prefer="data/a.ttl") == ("data/x.ttl", 8)
    assert index.locate(ID + "Atlantis", prefer="data/a.ttl") == ("data/a.ttl", None)


def test_finding_every_node_of_a_big_file_is_a_lookup_each():
    """20,000 findings in a 10,000-claim proposal took 5 minutes: each name searched the file."""
    blocks = [f"claim:C{i} a ag:Claim ;\n    rdf:subject id:E{i} ." for i in range(20_000)]
    text = "@prefix claim: <https://alliance-graph.example/id/claim/> .\n" \
        "@prefix id: <https://alliance-graph.example/id/> .\n\n" + "\n\n".join(blocks) + "\n"
    index = LineIndex({"data/big.ttl": text})
    start = time.perf_counter()
    lines = [index.line_of("data/big.ttl", f"{ID}claim/C{i}") for i in range(20_000)]
    mentions = [index.line_of("data/big.ttl", f"{ID}E{i}") for i in range(0, 20_000, 97)]
    assert time.perf_counter() - start < 10
    assert lines == [4 + 3 * i for i in range(20_000)]
    assert mentions == [5 + 3 * i for i in range(0, 20_000, 97)]


def test_strings_are_found_on_their_lines_many_at_once():
    text = "".join(f'<urn:x{i}> <urn:p> "v{i}"^^<urn:t> .\n' for i in range(50_000))
    text += "<urn:y> <urn:p> '''long \"v-long\" one''' .\n"
    strings = StringLines(text)
    start = time.perf_counter()
    found = [strings.line(f'"v{i}"') for i in range(50_000)]
    assert time.perf_counter() - start < 10, "one index, not a search of the text per string"
    assert found == list(range(1, 50_001))
    assert strings.line('"v-long"') == 50_001, "what the index misses is searched for"
    assert strings.line('"absent"') is None
