"""The network export for graph viewers: networkx reads every entity and every plain fact."""

import csv
import io
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from alliance_graph.cli import main
from alliance_graph.query import export, network, network_read
from alliance_graph.query.refused import Refused
from alliance_graph.settings import Settings
from alliance_graph.store import graph as store
from helpers import fetch

# Every asserted triple between two project entities, found without the export's own query:
# subjects and objects under id/ that are neither claims, evidence, sources nor grades.
_ENTITY_FACTS = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o) && STRSTARTS(STR(?s), STR(id:)) && STRSTARTS(STR(?o), STR(id:))
         && STRSTARTS(STR(?p), STR(ag:)) && ?p NOT IN (ag:rank, ag:reliability, ag:credibility)
         && !REGEX(STR(?s), "/id/(claim|evidence|source|grade)/"))
}
"""
_LITERAL_FACTS = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o . ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(isLiteral(?o) && ?p != rdfs:label)
}
"""
_CLAIMED_ENTITIES = "SELECT DISTINCT ?x WHERE { ?c a ag:Claim ; rdf:subject ?x }"


def read_graphml(data: bytes) -> nx.MultiDiGraph:
    """Return the GraphML's network, its nodes keyed by IRI (their ``iri``), as
    network.py's docstring tells a networkx user to."""
    graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    return nx.relabel_nodes(graph, {n: d["iri"] for n, d in graph.nodes(data=True)})


@pytest.fixture(scope="module")
def graph(kg):
    return read_graphml(export.export(kg, "graphml"))


def test_networkx_reads_every_entity_with_its_label_and_class(kg, graph):
    entities = {r["x"].value for r in kg.query(_CLAIMED_ENTITIES)}
    entities |= {r[v].value for r in kg.query(_ENTITY_FACTS) for v in ("s", "o")}
    assert entities <= set(graph.nodes)
    assert graph.nodes["https://alliance-graph.example/id/IronDome"]["label"] == "Iron Dome"
    assert "missile defense system" in graph.nodes["https://alliance-graph.example/id/IronDome"]["class"]
    assert all(data["label"] and data["class"] for _, data in graph.nodes(data=True)
               if _.startswith("https://alliance-graph.example/id/"))


def test_every_plain_fact_between_entities_is_an_edge(kg, graph):
    expected = {(r["s"].value, r["p"].value, r["o"].value) for r in kg.query(_ENTITY_FACTS)}
    edges = {(s, d["property"], o) for s, o, d in graph.edges(data=True)}
    assert expected and expected <= edges
    iron = [d for s, o, d in graph.edges(data=True)
            if (s, o) == ("https://alliance-graph.example/id/IronDome",
                          "https://alliance-graph.example/id/UnitedStates")]
    assert {d["label"] for d in iron} >= {"co-funded by"}
    assert all(d["sources"] >= 1 and d["rank"] in ("preferred", "normal") for d in iron)


def test_literal_facts_are_node_attributes(kg, graph):
    for r in kg.query(_LITERAL_FACTS):
        node = graph.nodes[r["s"].value]
        assert any(r["o"].value in network.split_values(str(v)) for v in node.values()), r


def test_sources_count_distinct_documents(kg, graph):
    # A fact quoted from two documents counts two.
    row = next(iter(kg.query("""
        SELECT ?c (COUNT(DISTINCT ?src) AS ?n) WHERE {
          ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
             prov:wasDerivedFrom/oa:hasSource ?src . ?s ?p ?o FILTER(isIRI(?o) && ?p != rdf:type)
        } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1""")))
    edge = next(d for _, _, d in graph.edges(data=True) if d["claim"] == row["c"].value)
    assert edge["sources"] == int(row["n"].value) > 1


def test_csv_files_hold_the_same_network(kg, graph):
    nodes = list(csv.DictReader(io.StringIO(export.export(kg, "nodes-csv").decode())))
    edges = list(csv.DictReader(io.StringIO(export.export(kg, "edges-csv").decode())))
    assert {n["Id"] for n in nodes} == set(graph.nodes)
    assert len(edges) == graph.number_of_edges()
    assert {(e["Source"], e["Property"], e["Target"]) for e in edges} == {
        (s, d["property"], o) for s, o, d in graph.edges(data=True)}
    assert {e["Type"] for e in edges} == {"Directed"}


def test_markup_and_characters_xml_cannot_hold(pages_kg):
    graph = read_graphml(export.export(pages_kg, "graphml"))
    assert graph.nodes["https://alliance-graph.example/id/Atlantis"]["label"] == \
        "<script>window.pwned=1</script>Atlantis"
    net = network.Network({"urn:x": network.Node("urn:x", "bell\x07 and form\x0c feed")}, [])
    assert read_graphml(network.to_graphml(net)).nodes["urn:x"]["label"] == \
        "bell\ufffd and form\ufffd feed"


# Values of one attribute, and class labels, holding the separator and the escape character.
JOINED = ["=1|2", "a | b", "back\\slash | \\|", "plain", " spaced ", ""]
CLASSES = ["missile | defense", "system\\"]


def test_several_values_holding_the_separator_come_back_split_as_they_were():
    """Values were joined by " | " unescaped: "a | b" and "plain" read back as three values."""
    net = network.Network({"urn:x": network.Node("urn:x", "x", CLASSES,
                                                 {"note": JOINED, "one": ["a | b"]})}, [])
    assert network.join_values(["a | b", "c\\d"]) == "a \\| b | c\\\\d"  # as documented
    node = read_graphml(network.to_graphml(net)).nodes["urn:x"]
    assert network.split_values(node["note"]) == JOINED
    assert network.split_values(node["one"]) == ["a | b"]
    assert network.split_values(node["class"]) == sorted(CLASSES)
    row = next(csv.DictReader(io.StringIO(network.to_nodes_csv(net).decode(), newline="")))
    # A spreadsheet's apostrophe first (a cell starting "=" has one), then the values.
    assert network.split_values(row["note"].removeprefix("'")) == JOINED
    assert network.split_values(row["Class"]) == sorted(CLASSES)
    assert network.split_values("") == []

def test_network_formats_refuse_inferred_and_rdf12(kg):
    with pytest.raises(export.ExportError, match="asserted"):
        export.export(kg, "graphml", inferred=True)


def test_cli_writes_graphml_and_exits_2_on_inferred(tmp_path):
    out = tmp_path / "graph.graphml"
    result = CliRunner().invoke(main, ["export", "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert read_graphml(out.read_bytes()).number_of_nodes() > 100
    refused = CliRunner().invoke(main, ["export", "--format", "edges-csv", "--inferred"])
    assert refused.exit_code == 2 and "asserted" in refused.output


@pytest.mark.parametrize("fmt", network.FORMATS)
def test_the_endpoint_gives_a_network_within_the_answers_size_and_refuses_a_larger_one(
        endpoint, kg, fmt):
    """The network was written whole in the front, whatever --max-result-bytes said (the
    session's server gives 50,000 bytes): now it is bounded as every answer is."""
    written = network.write(kg, fmt)
    status, headers, body = fetch(endpoint + f"/dataset?format={fmt}")
    if len(written) <= 50_000:
        assert (status, body) == (200, written)
        assert headers["Content-Type"] == network.MEDIA_TYPES[fmt] + (
            "; charset=utf-8" if fmt.endswith("csv") else "")
        assert headers["X-Content-Type-Options"] == "nosniff"
    else:
        assert status == 422, body[:200]
        assert b"larger than 50,000 bytes" in body and b"alliance-graph export" in body


def test_a_network_past_the_size_given_is_refused_and_one_within_it_written_whole(kg):
    whole = network.write(kg, "edges-csv")
    out = io.BytesIO()
    assert network.write_to(kg, "edges-csv", out, len(whole)) == len(whole)
    assert out.getvalue() == whole
    with pytest.raises(Refused, match="larger than") as refused:
        network.write_to(kg, "edges-csv", io.BytesIO(), len(whole) - 1)
    assert refused.value.status == 422


def test_types_and_labels_are_node_fields_not_edges(graph):
    assert not [d for _, _, d in graph.edges(data=True)
                if d["property"].endswith(("#type", "#label"))]


# -- hostile data: tests/fixtures/hostile (markup, quotes, line ends, formulas, label clashes) --

MARKUP = "https://alliance-graph.example/id/Markup"


@pytest.fixture(scope="module")
def hostile_kg(tmp_path_factory, settings):
    root = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "hostile", root)
    shutil.copy(settings.ontology_dir / "core.ttl", root / "ontology" / "core.ttl")
    return store.load(Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                               cache_dir=root / "cache", sources_dir=root / "sources",
                               queries_dir=root / "queries"))


def test_graphml_keeps_labels_whole(hostile_kg):
    """Markup, quotes, tabs, non-ASCII and a CR LF come back as written: ElementTree wrote the
    carriage return raw, and every XML parser reads a raw CR LF as a line feed."""
    label = next(t.object.value for t in hostile_kg.quads() if t.subject.value == MARKUP
                 and t.predicate.value.endswith("#label"))
    assert "\r\n" in label and "\u2028" in label
    node = read_graphml(export.export(hostile_kg, "graphml")).nodes[MARKUP]
    assert node["label"] == label


def test_attribute_names_never_clash(hostile_kg):
    """A property labelled "class" overwrote the node's class in networkx, and two properties
    labelled "purpose" were merged into one attribute."""
    node = read_graphml(export.export(hostile_kg, "graphml")).nodes[MARKUP]
    assert node["class"] == "system"
    assert node["class (ag:vesselClass)"] == "test class"
    assert node["purpose (ag:statedPurpose)"] == "a stated purpose"
    assert node["purpose (ag:purpose)"].startswith("=HYPERLINK(")
    assert node["slash"] == "slash value"  # a label naming one property stays as it is
    header = next(csv.reader(io.StringIO(export.export(hostile_kg, "nodes-csv").decode())))
    assert len(header) == len(set(header)) and "class (ag:vesselClass)" in header


def test_csv_is_rfc_4180_and_no_cell_runs_as_a_formula(hostile_kg):
    """Records end in CRLF (RFC 4180); a cell starting with =, +, - or @ gets an apostrophe in
    front, so a spreadsheet shows it as text, and dropping that apostrophe gives it back."""
    data = export.export(hostile_kg, "nodes-csv").decode()
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    # Outside quoted cells, every line break is a CRLF, the last line's too.
    between = re.sub(r'"(?:[^"]|"")*"', "", data)
    assert between.endswith("\r\n") and "\n" not in between.replace("\r\n", "")
    label = {r["Id"].rsplit("/", 1)[-1]: r["Label"] for r in rows}
    assert label == {"At": "'@SUM(1)", "Formula": "'=1+2", "Minus": "'-2+3",
                     "Plus": "'+972 (a dialling code)", "Markup": label["Markup"]}
    markup = next(r for r in rows if r["Id"] == MARKUP)
    assert markup["purpose (ag:purpose)"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert "\r\nCRLF\n" in markup["Label"] and markup["Label"].startswith("<b>")
    edges = list(csv.DictReader(io.StringIO(export.export(hostile_kg, "edges-csv").decode(),
                                            newline="")))
    assert {e["Sources"] for e in edges} == {"1"}
    assert [network._cell(v) for v in ("-5", "+3.25", "1e3", "'quoted'", "-")] == [
        "-5", "+3.25", "1e3", "''quoted'", "'-"]


# -- written as it is read: the whole tree's bytes, one node at a time --------------------------

def whole_tree_graphml(net: network.Network) -> bytes:
    """Return the GraphML ElementTree writes of the network's whole tree, indented: how the
    network was written before it was written one node at a time."""
    import xml.etree.ElementTree as ET
    ns = network.GRAPHML_NS
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    names = sorted({name for n in net.nodes.values() for name in n.values})
    node_keys = [("label", "label"), ("class", "class"), ("iri", "iri")]
    node_keys += [(f"v{i}", network._xml(name)) for i, name in enumerate(names)]
    edge_keys = [("e_label", "label"), ("e_property", "property"), ("e_rank", "rank"),
                 ("e_sources", "sources"), ("e_claim", "claim")]
    for key, name in node_keys:
        ET.SubElement(root, f"{{{ns}}}key", {"id": key, "for": "node", "attr.name": name,
                                             "attr.type": "string"})
    for key, name in edge_keys:
        ET.SubElement(root, f"{{{ns}}}key", {"id": key, "for": "edge", "attr.name": name,
                                             "attr.type": "int" if name == "sources" else "string"})
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "alliance-graph",
                                                   "edgedefault": "directed"})

    def data(parent, key, value):
        ET.SubElement(parent, f"{{{ns}}}data", {"key": key}).text = network._xml(str(value))

    for node in net.nodes.values():
        element = ET.SubElement(graph, f"{{{ns}}}node", {"id": network.graphml_id(node.iri)})
        for key, value in (("label", node.label), ("class", network._classes(node)),
                           ("iri", node.iri)):
            data(element, key, value)
        for name, values in sorted(node.values.items()):
            data(element, f"v{names.index(name)}", network.join_values(values))
    for e in net.edges:
        element = ET.SubElement(graph, f"{{{ns}}}edge", {
            "id": network.graphml_id(e.claim), "source": network.graphml_id(e.source),
            "target": network.graphml_id(e.target)})
        for (key, _), value in zip(edge_keys, (e.label, e.property, e.rank, e.sources, e.claim)):
            data(element, key, value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True).replace(
        b"\r", b"&#13;") + b"\n"


def held(kg) -> network.Network:
    read = network_read.Read(kg)
    return network.Network({n.iri: n for n in read.nodes()}, list(read.edges()))


@pytest.mark.parametrize("which", ["shipped", "hostile", "empty", "one node"])
def test_graphml_written_a_node_at_a_time_is_what_the_whole_tree_writes(kg, hostile_kg, which):
    if which in ("shipped", "hostile"):
        graph = kg if which == "shipped" else hostile_kg
        net = held(graph)
        assert network.write(graph, "graphml") == whole_tree_graphml(net)
        assert len(net.nodes) + len(net.edges) > network._ELEMENTS or which == "hostile"  # runs
    else:
        nodes = {} if which == "empty" else {"urn:x": network_read.Node("urn:x", " ", [], {})}
        net = network.Network(nodes, [])
    assert network.to_graphml(net) == whole_tree_graphml(net)


class _Answers:
    """A graph whose answers come in another order (reversed, then every other row first),
    and whose queries are counted; ``kept``: queries whose answers keep the store's order."""

    def __init__(self, kg, kept=()):
        self.kg, self.kept, self.asked = kg, kept, []

    def query(self, text, **options):
        self.asked.append(text)
        rows = list(self.kg.query(text, **options))
        if text in self.kept:
            return rows
        rows.reverse()
        return rows[::2] + rows[1::2]


def test_nodes_come_in_the_order_of_their_iris_whatever_order_the_store_answers_in(kg):
    # The store ordered the entities (ORDER BY: 0.6 of the 1.3 s they took at 100 k facts)
    # and a store answering otherwise was an error; the labels were one query a batch.
    scrambled = _Answers(kg)
    assert network.write(scrambled, "nodes-csv") == network.write(kg, "nodes-csv")
    assert not [q for q in scrambled.asked if "ORDER BY" in q]
    entities = len(network.write(kg, "nodes-csv").splitlines()) - 1
    assert len(scrambled.asked) <= 4 + -(-entities // network_read._BATCH)  # the classes'
    assert len([q for q in scrambled.asked if "rdfs:label ?label" in q
                and "?class" not in q]) == 2  # every entity's labels, the properties'


def test_sorts_past_their_memory_write_runs_and_give_the_same_network(kg, monkeypatch):
    nodes, graphml = network.write(kg, "nodes-csv"), network.write(kg, "graphml")
    monkeypatch.setattr(network_read, "_RUN_BYTES", 2000)  # dozens of runs, in files
    assert network.write(_Answers(kg), "nodes-csv") == nodes
    assert network.write(kg, "graphml") == graphml


def test_edges_the_store_gives_out_of_order_are_a_store_error_not_a_scrambled_network(kg):
    from alliance_graph.store.errors import StoreError
    with pytest.raises(StoreError, match="ordered"):
        network.write(_Answers(kg), "edges-csv")
    assert network.write(_Answers(kg, kept=[network_read._EDGES]), "edges-csv") == \
        network.write(kg, "edges-csv")
    runs = network_read._runs(network_read._line(f"urn:{c}", "v\t\n|\\") for c in "abbd")
    beside = network_read._Beside(runs)
    assert [beside.rows_of(f"urn:{c}") for c in "bcd"] == [[["v\t\n|\\"]] * 2, [],
                                                           [["v\t\n|\\"]]]


@pytest.mark.parametrize("fmt", network.FORMATS)
def test_the_network_is_the_same_from_every_store(backend_kg, kg, fmt):
    # Virtuoso answered the facts' GROUP BY of columns it did not select with 34 to 76 of
    # 649 rows, at random: the viewers' formats lost attributes.
    assert network.write(backend_kg, fmt) == network.write(kg, fmt)


# GraphML's schema (graphml.xsd) makes node.id.type and edge.id.type an xs:NMTOKEN: XML 1.0's
# name characters, written out here from the XML specification rather than taken from
# network.py.
NMTOKEN = re.compile("[-.0-9:A-Z_a-z\xb7\xc0-\xd6\xd8-\xf6\xf8-\u037d\u037f-\u1fff\u200c\u200d"
                     "\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf"
                     "\ufdf0-\ufffd\U00010000-\U000effff]+")


@pytest.mark.parametrize("which", ["shipped", "hostile"])
def test_graphml_ids_are_the_xml_name_tokens_its_schema_asks_for(kg, hostile_kg, which):
    """Node and edge ids were IRIs, whose "/" no NMTOKEN holds: a validating reader (JGraphT's
    importer, by default) refused the file.  They are prefixed names now, the IRI each node's
    iri attribute."""
    import xml.etree.ElementTree as ET
    root = ET.fromstring(export.export(kg if which == "shipped" else hostile_kg, "graphml"))
    ns = {"g": network.GRAPHML_NS}
    nodes, edges = root.findall(".//g:node", ns), root.findall(".//g:edge", ns)
    ids = [n.get("id") for n in nodes]
    edge_ids = [e.get("id") for e in edges]
    assert nodes and edges
    assert [i for i in ids + edge_ids if not NMTOKEN.fullmatch(i)] == []
    assert len(set(ids)) == len(ids) and len(set(edge_ids)) == len(edge_ids)
    assert {e.get(end) for e in edges for end in ("source", "target")} <= set(ids)
    iri = {n.get("id"): n.find("g:data[@key='iri']", ns).text for n in nodes}
    assert all(network.graphml_id(i) == node for node, i in iri.items())
    if which == "shipped":
        assert iri["id:IronDome"] == "https://alliance-graph.example/id/IronDome"
        assert "claim:IronDome-coFundedBy-UnitedStates" in edge_ids


def test_an_iri_no_prefix_shortens_has_an_id_of_its_own():
    """Encoded, an IRI holds no ":", so it is never a prefixed name, and its "_" is encoded
    too, so no two IRIs share one; decoding gives the IRI back."""
    iris = ["urn:x", "ag:x", "https://alliance-graph.example/ontology/x",
            "http://dbpedia.org/resource/Washington,_D.C.", "urn:a_x003A_b", "urn:a:b",
            "https://alliance-graph.example/id/Foo(bar)", "https://alliance-graph.example/id/",
            "urn:\U000f0000 \u00e9"]
    ids = [network.graphml_id(i) for i in iris]
    assert ids[:3] == ["urn_x003A_x", "ag_x003A_x", "ag:x"]
    assert all(NMTOKEN.fullmatch(i) for i in ids) and len(set(ids)) == len(ids)
    encoded = [(iri, i) for iri, i in zip(iris, ids) if ":" not in i]
    assert len(encoded) == len(iris) - 1
    assert all(re.sub("_x([0-9A-F]+)_", lambda c: chr(int(c.group(1), 16)), i) == iri
               for iri, i in encoded)
