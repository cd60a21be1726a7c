"""``XmlCheck``: the XML Oxigraph writes, read by a scan of its bytes, says what expat says of
it (the verdict, and the words with their line and column), whole or cut into pieces."""

from xml.parsers import expat

import pyoxigraph as ox
import pytest

from alliance_graph.query.answer import readable_xml, xml_kept, xml_reader
from alliance_graph.query.results import prefixes_for
from alliance_graph.query.xml_check import XmlCheck

RDF_XML = ox.RdfFormat.RDF_XML
PREFIXES = prefixes_for(RDF_XML)
S, OTHER = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/t")
X = ox.Literal("x")


def expat_says(data: bytes) -> str | None:
    try:
        xml_reader().Parse(data, True)
    except expat.ExpatError as exc:
        return str(exc)
    return None


def check_says(data: bytes, names: bool, size: int) -> str | None:
    check = XmlCheck(names)
    try:
        for start in range(0, len(data), size):
            check.feed(data[start:start + size])
        check.feed(b"", True)
    except expat.ExpatError as exc:
        return str(exc)
    return None


def results_xml(text: str) -> bytes:
    return xml_kept(ox.Store().query(text).serialize(format=ox.QueryResultsFormat.XML))


def rdf_xml(predicate: str, value: ox.Literal | ox.NamedNode = X) -> bytes:
    """RDF/XML of a few lines, ``predicate`` on two subjects (its end tags read again)."""
    p = ox.NamedNode(predicate)
    return xml_kept(ox.serialize([ox.Triple(S, ox.NamedNode("http://e/q"), ox.Literal("a\nb")),
                                  ox.Triple(S, p, value), ox.Triple(OTHER, p, value)],
                                 format=RDF_XML, prefixes=PREFIXES))


CASES = [
    # SPARQL results XML: a character XML 1.0 has no place for, after lines and characters
    # of several bytes (expat counts columns in characters), or none.
    (results_xml('SELECT ("a\\u0001b" AS ?x) {}'), False),
    (results_xml('SELECT ("\\u00e9\\n\\u00e0\\n\\U0001F600\\u0000b" AS ?x) {}'), False),
    (results_xml('SELECT ("\\uFFFE" AS ?x) {}'), False),
    (results_xml('SELECT ("\\u00e9\\u00e9" AS ?x) ("\\uFFFF" AS ?y) {}'), False),
    (results_xml('SELECT ("a\\r\\nb\\u001F" AS ?x) {}'), False),
    (results_xml('SELECT ("\\uFFFD\\uFFBF\\uFFBE\\u000B" AS ?x) {}'), False),
    (results_xml('SELECT ?x ("\\u00e9\\uFFFD" AS ?y) { VALUES ?x { 1 2 } }'), False),
    (results_xml("SELECT ?x {}"), False),
    (results_xml("SELECT (\"a]]>b<&\\\"'\" AS ?x) {}"), False),  # escaped, as in RDF/XML
    # RDF/XML: a predicate leaving no local name (its own prefix or a declared one), in the
    # namespace of xmlns (a prefix nothing binds), with a name character expat's tables
    # refuse or accept; a character in a literal; the reserved namespaces as objects.
    (rdf_xml("http://e/"), True),
    (rdf_xml("http://e/x#"), True),
    (rdf_xml("https://alliance-graph.example/ontology/"), True),
    (rdf_xml("http://www.w3.org/2000/xmlns/foo"), True),
    (rdf_xml("http://www.w3.org/2000/xmlns/"), True),
    (rdf_xml("http://www.w3.org/XML/1998/namespace"), True),
    (rdf_xml("http://www.w3.org/XML/1998/namespacefoo"), True),
    (rdf_xml("http://e/a\u2070"), True),
    (rdf_xml("http://e/\U00020000"), True),
    (rdf_xml("http://e/\u00e9\u2070"), True),
    (rdf_xml("http://e/\u00e9"), True),
    (rdf_xml("http://e/a\u0300"), True),
    (rdf_xml("http://e/p", ox.Literal("a\u0001")), True),
    (rdf_xml("http://e/\u00e9", ox.Literal("\u00e9\n\n\u00ea\uffff")), True),
    (rdf_xml("http://e/p", ox.NamedNode("http://www.w3.org/2000/xmlns/")), True),
    (rdf_xml("http://e/p", ox.Literal("")), True),
    (rdf_xml("http://e/p", ox.Literal("a]]>b<&\"'")), True),
]


@pytest.mark.parametrize("data, names", CASES)
def test_the_check_says_what_expat_says_whole_or_in_pieces_of_any_size(data, names):
    said = expat_says(data)
    for size in sorted({1, 2, 3, 5, 8, 64, len(data)}):
        assert check_says(data, names, size) == said, size


def test_both_kinds_of_problem_are_among_the_cases():
    said = [expat_says(data) for data, _ in CASES]
    assert any(s and s.startswith("not well-formed (invalid token)") for s in said)
    assert any(s and s.startswith("unbound prefix") for s in said)
    assert None in said


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.mark.parametrize("name", ["aboutEach", "aboutEachPrefix", "bagID"])
def test_an_old_term_rdf_xml_parsers_refuse_is_refused_whole_or_in_pieces(name):
    # XML expat reads, so the check passed it, and no RDF/XML parser reads: Oxigraph's own
    # refuses "Invalid property element tag name", as a property and as a class.
    typed = xml_kept(ox.serialize([ox.Triple(S, ox.NamedNode(RDF + "type"),
                                             ox.NamedNode(RDF + name))],
                                  format=RDF_XML, prefixes=PREFIXES))
    for data in (rdf_xml(RDF + name), typed):
        assert expat_says(data) is None
        with pytest.raises(SyntaxError):
            list(ox.parse(data, format=RDF_XML))
        before = data[:data.index(f"<rdf:{name}".encode())]
        line, column = before.count(b"\n") + 1, len(before) - before.rfind(b"\n") - 1
        said = (f"the element rdf:{name} is one of RDF/XML's old syntax names, which no RDF/XML "
                f"parser reads: line {line}, column {column}")
        for size in sorted({1, 2, 3, 5, 8, 64, len(data)}):
            assert check_says(data, True, size) == said, size
    assert check_says(results_xml(f'SELECT ("<rdf:{name} " AS ?x) {{}}'), False, 64) is None


@pytest.mark.parametrize("label", ["1", "a:b", "2016x", "\u2070a", "a\u203f", "\u3001",
                                   "\u00c0\u00b7\u200c"])
def test_a_blank_node_label_no_xml_name_is_refused_whole_or_in_pieces(label):
    """BNODE("1") gave rdf:nodeID="1", which expat reads and rdflib and rapper refuse ("not a
    valid NCName"): the endpoint sent it as a 200 RDF/XML answer no RDF/XML reader took."""
    import rdflib

    data = xml_kept(ox.serialize([ox.Triple(S, ox.NamedNode("http://e/p"), X),
                                  ox.Triple(ox.BlankNode(label), ox.NamedNode("http://e/p"),
                                            ox.BlankNode("a0f3"))],
                                 format=RDF_XML, prefixes=PREFIXES))
    assert expat_says(data) is None
    with pytest.raises(Exception, match="NCName"):
        rdflib.Graph().parse(data=data, format="xml")
    at = data.index(f'rdf:nodeID="{label}"'.encode()) + len('rdf:nodeID="')
    line, column = data[:at].count(b"\n") + 1, at - data[:at].rfind(b"\n") - 1
    said = (f"the blank node label {label!r} is no XML name, which rdf:nodeID must be (no "
            f"RDF/XML parser reads it): line {line}, column {column}")
    for size in sorted({1, 2, 7, 64, len(data)}):
        assert check_says(data, True, size) == said, size
    assert readable_xml(data)[1] == said
    # Oxigraph's own labels, and the same text in a literal or in SPARQL results, pass.
    own = xml_kept(ox.serialize([ox.Triple(ox.BlankNode("a0f3"), ox.NamedNode("http://e/p"),
                                           ox.Literal(f' rdf:nodeID="{label}"'))],
                                format=RDF_XML, prefixes=PREFIXES))
    assert check_says(own, True, 64) is None
    assert check_says(results_xml(f'SELECT (BNODE("{label}") AS ?b) {{}}'), False, 64) is None


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_label_past_ascii_that_is_an_xml_name_passes():
    """A label of letters past ASCII is an XML name rdflib reads (the check that a label
    past ASCII is none passes it), as is Oxigraph's own."""
    import rdflib

    for label in ["\u00c0", "a\u00b7", "\u16a0", "\U00010000", "_\u00e9"]:
        data = xml_kept(ox.serialize([ox.Triple(ox.BlankNode(label), ox.NamedNode("http://e/p"),
                                                ox.BlankNode("a0f3"))],
                                     format=RDF_XML, prefixes=PREFIXES))
        assert len(rdflib.Graph().parse(data=data, format="xml")) == 1
        assert check_says(data, True, 7) is None, label


def test_nothing_written_is_no_document():
    with pytest.raises(expat.ExpatError, match=r"^no element found: line 1, column 0$"):
        XmlCheck().feed(b"", True)


def code_points():
    """Every code point to U+07FF, then a sample, and the edges XML 1.0 draws."""
    points = [*range(0x800), *range(0x800, 0x3100, 7), *range(0x3100, 0x110000, 499),
              0xD7FF, 0xE000, 0xFDD0, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1FFFE, 0x10FFFF]
    return [c for c in points if not 0xD800 <= c <= 0xDFFF]


def test_the_check_agrees_with_expat_on_each_character_in_a_literal_and_a_name():
    # Run over every code point (1.25 million documents, cut in two sizes) when written.
    wrong = []
    for point in code_points():
        c = chr(point)
        documents = [(results_xml(f'SELECT ("a\\U{point:08X}b" AS ?x) {{}}'), False),
                     (rdf_xml("http://e/p", ox.Literal(f"a{c}b")), True)]
        for predicate in (f"http://e/a{c}", f"http://e/{c}", f"http://e/{c}a"):
            try:
                documents.append((rdf_xml(predicate), True))
            except ValueError:  # no IRI holds it
                pass
        wrong += [(hex(point), data) for data, names in documents
                  if check_says(data, names, len(data)) != expat_says(data)]
    assert not wrong


def test_a_tag_or_a_character_cut_between_pieces_is_read_whole():
    data = results_xml('SELECT ("ab\\uFFFE" AS ?x) {}')
    at = data.index(b"\xef\xbf\xbe")
    for cut in (at + 1, at + 2):
        check = XmlCheck(False)
        check.feed(data[:cut])
        with pytest.raises(expat.ExpatError) as raised:
            check.feed(data[cut:], True)
        assert str(raised.value) == expat_says(data)
    data = rdf_xml("http://www.w3.org/2000/xmlns/foo")
    at = data.index(b"<xmlns:foo")
    for cut in range(at + 1, at + len(b"<xmlns:foo") + 1):  # the '>' in the next piece
        check = XmlCheck()
        check.feed(data[:cut])
        with pytest.raises(expat.ExpatError) as raised:
            check.feed(data[cut:], True)
        assert str(raised.value) == expat_says(data)
    assert expat_says(data).startswith("unbound prefix: ")
