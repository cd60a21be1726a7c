"""Exports: every format parses back in pyoxigraph and rdflib; RDF 1.2 maps claims one to one."""

import errno
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import servers
from alliance_graph.cli import main
from alliance_graph.query import export, export_files, network_read, rdf_xml
from alliance_graph.query.results import GRAPH_FORMATS, prefixes_for
from alliance_graph.settings import Settings
from alliance_graph.store import graph as store
from alliance_graph.wording import worded
from helpers import canonical, used_prefixes

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig",
                 "jsonld": "json-ld", "xml": "xml"}


def count_claims(kg):
    return int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) { ?c a ag:Claim }")))["n"].value)


# rdflib 7.6's own quad parsers call its deprecated Dataset API internally; the warnings are
# rdflib's, not ours, and the parse itself is what this test checks.
@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", export.FORMATS)
@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_export_parses_back_in_both_libraries(kg, fmt, inferred):
    data = export.export(kg, fmt, inferred=inferred)
    ox_quads = list(ox.parse(data, format=GRAPH_FORMATS[fmt].oxigraph))
    if fmt in export.QUAD_FORMATS:
        graph = rdflib.Dataset()
        graph.parse(data=data, format=RDFLIB_FORMAT[fmt])
        n_rdflib = len(list(graph.quads((None, None, None, None))))
        assert n_rdflib == len(ox_quads)
    else:
        graph = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert len(graph) == len(ox_quads)
    assert len(ox_quads) == len({(q.subject, q.predicate, q.object, q.graph_name) for q in ox_quads})
    assert len(ox_quads) > 0


def test_quad_export_keeps_one_graph_per_file(kg):
    quads = ox.parse(export.export(kg, "nq"), format=ox.RdfFormat.N_QUADS)
    assert {q.graph_name for q in quads} == set(kg.asserted)


def test_inferred_export_is_a_superset(kg):
    asserted = set(ox.parse(export.export(kg, "nt"), format=ox.RdfFormat.N_TRIPLES))
    inferred = set(ox.parse(export.export(kg, "nt", inferred=True), format=ox.RdfFormat.N_TRIPLES))
    assert asserted < inferred


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "xml"])
def test_rdf12_export_has_one_reifies_triple_per_claim(kg, fmt):
    quads = list(ox.parse(export.export(kg, fmt, rdf12=True), format=GRAPH_FORMATS[fmt].oxigraph))
    reifies = [q for q in quads if q.predicate.value.endswith("22-rdf-syntax-ns#reifies")]
    assert len(reifies) == count_claims(kg)
    assert all(isinstance(q.object, ox.Triple) for q in reifies)
    assert not [q for q in quads if q.predicate.value.endswith("22-rdf-syntax-ns#subject")]


@pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib's "does not look like a valid URI"
@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "xml"])
def test_rdf12_export_is_for_rdf12_readers_as_export_help_says(kg, fmt):
    # `export --help` and README: pyoxigraph 0.5 reads every --rdf12 format, rdflib 7 none
    # (an analyst's rdflib.Graph().parse(...) of it failed, and nothing had said so).
    data = export.export(kg, fmt, rdf12=True)
    assert list(ox.parse(data, format=GRAPH_FORMATS[fmt].oxigraph))
    rdflib_format = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "xml": "xml"}
    with pytest.raises(Exception):  # noqa: B017 (BadSyntax, ParserError, SAXParseException)
        rdflib.Dataset().parse(data=data, format=rdflib_format[fmt])


def test_rdf12_and_rdf11_exports_map_one_to_one(kg):
    """Reading the RDF 1.2 export back and undoing rdf:reifies gives the RDF 1.1 export."""
    rdf11 = ox.parse(export.export(kg, "nt"), format=ox.RdfFormat.N_TRIPLES)
    store = ox.Store()
    store.load(export.export(kg, "nt", rdf12=True), format=ox.RdfFormat.N_TRIPLES)
    back = store.query("""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        CONSTRUCT { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?x ?y ?z }
        WHERE { { ?c rdf:reifies <<( ?s ?p ?o )>> } UNION { ?x ?y ?z FILTER(?y != rdf:reifies) } }""")
    # Blank-node selectors get new labels on every parse, so compare canonical forms.
    assert canonical(back) == canonical(rdf11)


def test_jsonld_cannot_carry_rdf12(kg):
    with pytest.raises(export.ExportError, match="JSON-LD"):
        export.export(kg, "jsonld", rdf12=True)


def test_unknown_format(kg):
    with pytest.raises(export.ExportError, match="unknown export format"):
        export.export(kg, "csv")


@pytest.mark.parametrize("fmt", ["ttl", "xml"])
def test_turtle_and_rdf_xml_declare_the_prefixes_they_use_alone(kg, fmt):
    """Turtle declared graph:, which none of its triples uses, and RDF/XML id:, claim:, ev:,
    src:, grade:, graph:, xsd: and schema:, which it writes no property or class in."""
    data = export.export(kg, fmt)
    target = GRAPH_FORMATS[fmt].oxigraph
    triples = list(ox.parse(data, format=target))
    head = data.decode().split(">", 2)[1] if fmt == "xml" else data.decode()  # the root's
    declared = set(re.findall(r"^@prefix (\w+):" if fmt == "ttl" else r' xmlns:(\w+)="', head,
                              re.M))
    used = set(used_prefixes(triples, target)) | ({"rdf", "its"} if fmt == "xml" else set())
    assert declared == used
    assert "graph" not in declared
    if fmt == "xml":
        assert not {"id", "claim", "ev", "src"} & declared


def test_trig_opens_each_graph_block_once(kg):
    text = export.export(kg, "trig").decode()
    openings = [line for line in text.splitlines() if line.rstrip().endswith("{")]
    assert len(openings) == len(set(openings)) == len(kg.asserted)



# -- the format of `export -o FILE`: its extension names it, as riot and rapper read it --------

@pytest.mark.parametrize("name, asked, chosen", [
    ("graph.nt", None, "nt"), ("graph.nq", None, "nq"), ("graph.jsonld", None, "jsonld"),
    ("graph.rdf", None, "xml"), ("graph.owl", None, "xml"), ("graph.xml", None, "xml"),
    ("graph.trig", None, "trig"), ("graph.ttl", None, "ttl"), ("GRAPH.NT", None, "nt"),
    ("graph.graphml", None, "graphml"), ("out/graph.v2.nt", None, "nt"),
    ("graph.json", None, "jsonld"), ("graph.n3", None, "ttl"),  # Turtle is N3
    ("graph.txt", None, "ttl"), ("graph", None, "ttl"), ("-", None, "ttl"),
    ("graph.nt", "nt", "nt"), ("graph.txt", "nq", "nq"), ("-", "jsonld", "jsonld"),
    ("graph.csv", "nodes-csv", "nodes-csv"), ("graph.csv", "edges-csv", "edges-csv"),
    ("graph.xml", "graphml", "graphml"),  # GraphML is XML too
    ("graph.nquads", None, "nq"), ("graph.json-ld", None, "jsonld"),  # rdflib's names
    ("schema.rdfs", None, "xml"),  # rdflib's too: it was Turtle, which rdflib read as RDF/XML
    ("graph.ntriples", "nt", "nt"), ("graph.foo", "ttl", "ttl"),  # a name the user chose
])
def test_export_file_extension_names_the_format(name, asked, chosen):
    """`export -o graph.nt` wrote Turtle into it: the default ignored the file's name."""
    assert export.format_for(name, asked) == chosen


@pytest.mark.parametrize("name, asked, says", [
    ("graph.csv", None, "graph.csv may hold nodes-csv or edges-csv: give fmt='nodes-csv' or "
                        "fmt='edges-csv'"),
    ("graph.nt", "ttl", "graph.nt is a name for fmt='nt', but fmt='ttl' was asked: leave "
                        "fmt out, or end the file name in .ttl"),
    ("graph.graphml", "edges-csv", "graph.graphml is a name for fmt='graphml', but "
                                   "fmt='edges-csv' was asked: leave fmt out, or end the file "
                                   "name in .csv"),
    ("graph.csv", "xml", "graph.csv is a name for fmt='nodes-csv' or fmt='edges-csv', but "
                         "fmt='xml' was asked: give fmt='nodes-csv' or fmt='edges-csv', or end "
                         "the file name in .rdf"),
])
def test_export_file_extension_and_format_that_disagree_are_refused(name, asked, says):
    # Said with the command line's --format to a library caller, who has no such option.
    with pytest.raises(export.ExportError) as refused:
        export.format_for(name, asked)
    assert str(refused.value) == says


@pytest.mark.parametrize("name, asked, says", [
    ("graph.nt.gz", None, "graph.nt.gz names a file compressed by gzip, but export writes "
                          "plain text: export to graph.nt, then compress it (gzip graph.nt)"),
    ("out/g.NQ.BZ2", "nq", "out/g.NQ.BZ2 names a file compressed by bzip2, but export writes "
                           "plain text: export to g.NQ, then compress it (bzip2 g.NQ)"),
    ("graph.xz", "ttl", "graph.xz names a file compressed by xz, but export writes plain text: "
                        "export to graph, then compress it (xz graph)"),
    ("graph.rj", None, "graph.rj names a file of RDF/JSON, which export does not write: end "
                       "its name in the extension of a format it writes (.ttl, .nt, .nq, "
                       ".trig, .jsonld, .rdf, .graphml, .csv)"),
    ("onto.owx", "xml", "onto.owx names a file of OWL/XML, which export does not write: end "
                        "its name in the extension of a format it writes (.ttl, .nt, .nq, "
                        ".trig, .jsonld, .rdf, .graphml, .csv)"),    # A query's answers, no graph: each got Turtle.
    ("answers.srj", None, "answers.srj names a file of SPARQL JSON results, which export does "
                          "not write: end its name in the extension of a format it writes "
                          "(.ttl, .nt, .nq, .trig, .jsonld, .rdf, .graphml, .csv)"),
    ("answers.SRX", None, "answers.SRX names a file of SPARQL XML results, which export does "
                          "not write: end its name in the extension of a format it writes "
                          "(.ttl, .nt, .nq, .trig, .jsonld, .rdf, .graphml, .csv)"),
    ("edges.tsv", "edges-csv", "edges.tsv names a file of tab-separated values, which export "
                               "does not write: end its name in the extension of a format it "
                               "writes (.ttl, .nt, .nq, .trig, .jsonld, .rdf, .graphml, .csv)"),
])
def test_export_refuses_a_compressed_file_or_a_syntax_it_does_not_write(name, asked, says):
    """`export -o graph.nt.gz` wrote plain Turtle into it (an unknown extension keeps the
    default), which zcat and every loader reading .gz refused; `-o graph.rj`, Turtle."""
    with pytest.raises(export.ExportError) as refused:
        export.format_for(name, asked)
    assert str(refused.value) == says


_EXTENSIONS = ("(the extensions: ttl .ttl or .n3, nt .nt, nq .nq or .nquads, trig .trig, jsonld "
               ".jsonld, .json-ld or .json, xml .rdf, .xml, .owl or .rdfs, graphml .graphml, "
               "nodes-csv or edges-csv .csv)")


@pytest.mark.parametrize("name, meant, says", [
    ("graph.ntriples", "nt", "graph.ntriples ends in .ntriples, which names no format export "
                             "writes: did you mean nt? end the name in .nt, or give --format nt "
                             "to write that format into graph.ntriples "),
    ("g.RDFXML", "xml", "g.RDFXML ends in .RDFXML, which names no format export writes: did "
                        "you mean xml? end the name in .rdf, .xml, .owl or .rdfs, or give "
                        "--format xml to write that format into g.RDFXML "),
    ("graph.turtle", "ttl", "graph.turtle ends in .turtle, which names no format export writes: "
                            "did you mean ttl? end the name in .ttl or .n3, or give --format ttl "
                            "to write that format into graph.turtle "),
    ("graph.jsonl", None, "graph.jsonl ends in .jsonl, which names no format export writes: end "
                          "the name in the extension of the format meant, or give --format to "
                          "write that format into graph.jsonl ")])
def test_an_extension_no_format_owns_is_refused_naming_the_one_meant(tmp_path, name, meant,
                                                                     says):
    """`export -o graph.ntriples` wrote Turtle into it without a word (an extension no format
    owns kept the default): exit 2 before the graph is read, the format meant said as
    ``format_names`` says it; with --format, the name is the user's choice."""
    done = CliRunner().invoke(main, ["export", "-o", str(tmp_path / name)])
    assert done.exit_code == 2 and not list(tmp_path.rglob("*"))
    assert done.output == f"error: {says.replace(name, str(tmp_path / name))}{_EXTENSIONS}\n"
    assert export.format_for(name, meant or "ttl", meant=lambda *_: 1 / 0) == (meant or "ttl")


@pytest.mark.parametrize("call", [
    lambda kg: export.export(kg, "graphml", inferred=True, rdf12=True),
    lambda kg: export.export(kg, "edges-csv", rdf12=True),
    lambda kg: export.export(kg, "jsonld", rdf12=True),
    lambda kg: export.format_for("graph.csv", None), lambda kg: export.format_for("g.nt", "nq")])
def test_refusals_name_the_parameters_or_a_callers_own_words_for_them(kg, call):
    # "--inferred and --rdf12 apply to the RDF formats" was said to ag.export's caller.
    with pytest.raises(export.ExportError) as refused:
        call(kg)
    said = str(refused.value)
    assert "--" not in said and re.search(r"\b(fmt|inferred|rdf12)\b", said), said
    other = worded(refused.value, lambda name, *values: f"<{name}:{'|'.join(map(str, values))}>")
    assert "=True" not in other and "='" not in other and "<" in other, other
    assert other != said


def test_a_refusal_naming_no_parameter_is_worded_alike(kg):
    with pytest.raises(export.ExportError) as refused:
        export.export(kg, "csv")
    assert worded(refused.value, lambda *_: "x") == str(refused.value)


# -- hostile data: tests/fixtures/hostile (markup, quotes, line ends, non-ASCII, formulas) ------

FIXTURE = Path(__file__).parent / "fixtures" / "hostile"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def hostile_graph(root: Path, core: Path, *, leave_out=(), extra: str = "", ontology: str = ""):
    """Build the hostile fixture project in ``root``, without the data files ``leave_out`` and
    with one more data file holding ``extra`` Turtle, one more ontology file ``ontology``, if
    given."""
    shutil.copytree(FIXTURE, root)
    shutil.copy(core, root / "ontology" / "core.ttl")
    for name in leave_out:
        (root / "data" / name).unlink()
    if extra:
        (root / "data" / "extra.ttl").write_text(extra, encoding="utf-8")
    if ontology:
        (root / "ontology" / "extra.ttl").write_text(ontology, encoding="utf-8")
    return store.load(Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                               cache_dir=root / "cache", sources_dir=root / "sources",
                               queries_dir=root / "queries"))


@pytest.fixture(scope="module")
def hostile_kg(tmp_path_factory, settings):
    """The hostile graph that every RDF syntax can carry (no property IRI ending in / or #)."""
    return hostile_graph(tmp_path_factory.mktemp("hostile") / "project",
                         settings.ontology_dir / "core.ttl", leave_out=["xml-unsafe.ttl"])


def as_ox(term):
    """Return an rdflib term as the pyoxigraph term it names."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=term.datatype and ox.NamedNode(str(term.datatype)))


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", export.FORMATS)
def test_hostile_values_read_back_as_the_same_graph_in_both_libraries(hostile_kg, fmt):
    """A label with markup, quotes, a CR LF, tabs and non-ASCII comes back unchanged: the
    RDF/XML export wrote its carriage return raw, and XML parsers read it as a line feed."""
    quads = hostile_kg.quads()
    data = export.export(hostile_kg, fmt)
    if fmt in export.QUAD_FORMATS:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
        by_rdflib = [ox.Quad(*map(as_ox, (s, p, o)), ox.NamedNode(str(g)))
                     for s, p, o, g in dataset.quads((None, None, None, None))]
    else:
        quads = [q.triple for q in quads]
        by_rdflib = [ox.Triple(*map(as_ox, t))
                     for t in rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])]
    by_oxigraph = ox.parse(data, format=GRAPH_FORMATS[fmt].oxigraph)
    assert canonical(by_rdflib) == canonical(by_oxigraph) == canonical(quads)
    assert any("\r\nCRLF" in q.object.value for q in quads if isinstance(q.object, ox.Literal))


def test_rdf_xml_refuses_a_property_no_xml_name_ends(tmp_path, settings):
    """RDF/XML has no element for a property IRI ending in "/" or "#": Oxigraph wrote
    `<oxprefix:>`, which no XML parser reads, and the export said it wrote the file."""
    kg = hostile_graph(tmp_path / "project", settings.ontology_dir / "core.ttl")
    for rdf12 in (False, True):
        with pytest.raises(export.ExportError, match="ontology/hash#> does not end in an XML"):
            export.export(kg, "xml", rdf12=rdf12)
    rdflib.Graph().parse(data=export.export(kg, "ttl"), format="turtle")  # other syntaxes can
    out = tmp_path / "graph.rdf"
    out.write_bytes(b"the previous export")
    result = CliRunner().invoke(main, ["--project", str(tmp_path / "project"), "export",
                                       "--format", "xml", "-o", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.count("\n") == 1 and "does not end in an XML name" in result.output
    assert out.read_bytes() == b"the previous export"


def test_rdf_xml_names_a_long_iri_it_cannot_write_by_its_start(tmp_path, settings):
    # Named whole, a property of 60,000 characters made the refusal 60 KB, its advice (the
    # formats that can) at its very end.
    long = "https://alliance-graph.example/ontology/" + "a" * 60_000 + "/"
    kg = hostile_graph(tmp_path / "project", settings.ontology_dir / "core.ttl",
                       leave_out=["xml-unsafe.ttl"], ontology=(
                           "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
                           f"ag:System <{long}> ag:State .\n"))
    with pytest.raises(export.ExportError) as refused:
        export.export(kg, "xml")
    said = str(refused.value)
    assert said.endswith("; use ttl, nt, nq, trig or jsonld") and len(said) < 2_000, said[:300]
    assert "a…> (60,041 characters) does not end in an XML name" in said


@pytest.mark.parametrize("stated, says", [
    ("ag:System rdf:li ag:State .", "#li> is one of RDF/XML's own syntax names, so RDF/XML "
                                    "cannot write it as a property"),
    ("ag:System a rdf:aboutEach .", "#aboutEach> is one of RDF/XML's own syntax names, so "
                                    "RDF/XML cannot write it as a class")])
def test_rdf_xml_refuses_a_name_rdf_xml_keeps_for_its_syntax(tmp_path, settings, stated, says):
    """An ontology stating rdf:ID or rdf:li: Oxigraph's writer refused it with an OSError,
    which ag.export raised as it was and the command line called "a file or folder could not
    be used"; rdf:bagID or rdf:aboutEach (RDF/XML's old terms) it wrote as elements no RDF/XML
    parser reads, and the export said it wrote the file."""
    kg = hostile_graph(tmp_path / "project", settings.ontology_dir / "core.ttl",
                       leave_out=["xml-unsafe.ttl"], ontology=(
                           "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
                           f"@prefix rdf: <{RDF}> .\n{stated}\n"))
    with pytest.raises(export.ExportError, match=re.escape(says)):
        export.export(kg, "xml")
    out = tmp_path / "graph.rdf"
    result = CliRunner().invoke(main, ["--project", str(tmp_path / "project"), "export",
                                       "--format", "xml", "-o", str(out)])
    assert result.exit_code == 2 and "cannot export as RDF/XML: the IRI <" in result.output
    assert not out.exists()


@pytest.mark.parametrize("name", ["RDF", "ID", "about", "parseType", "resource", "nodeID",
                                  "datatype", "Description", "li", "aboutEach",
                                  "aboutEachPrefix", "bagID"])
def test_each_of_rdf_xmls_own_names_is_refused_as_a_property_and_said(name):
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode(RDF + name), ox.Literal("x"))
    try:  # Oxigraph's writer refuses it, or writes what its own RDF/XML parser refuses
        list(ox.parse(ox.serialize([triple], format=ox.RdfFormat.RDF_XML),
                      format=ox.RdfFormat.RDF_XML))
        pytest.fail(f"RDF/XML carries rdf:{name} as a property now: it need not be refused")
    except (OSError, SyntaxError):
        pass
    assert rdf_xml.not_written([triple]) == (f"the IRI <{RDF}{name}> is one of RDF/XML's own "
                                             "syntax names, so RDF/XML cannot write it as a "
                                             "property")


# A label holding U+0007 (BEL): Turtle and N-Triples carry it, XML 1.0 cannot.
BELL = """
@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

claim:Bell-type a ag:Claim ;
    rdf:subject id:Bell ; rdf:predicate rdf:type ; rdf:object ag:State ;
    ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:test .

claim:Bell-label a ag:Claim ;
    rdf:subject id:Bell ; rdf:predicate rdfs:label ; rdf:object "bell\\u0007 ring" ;
    ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:test .
"""


def test_rdf_xml_refuses_a_character_xml_cannot_carry(tmp_path, settings):
    kg = hostile_graph(tmp_path / "project", settings.ontology_dir / "core.ttl",
                       leave_out=["xml-unsafe.ttl"], extra=BELL)
    with pytest.raises(export.ExportError, match="id/Bell> holds the character U\\+0007"):
        export.export(kg, "xml")
    nt = ox.parse(export.export(kg, "nt"), format=ox.RdfFormat.N_TRIPLES)
    assert "bell\x07 ring" in {t.object.value for t in nt}


def test_rdf12_keeps_reification_of_what_is_no_claim(hostile_kg):
    """Only claims become rdf:reifies; the old export dropped the rdf:subject/predicate/object
    of a plain rdf:Statement (ontology/hostile.ttl) and wrote nothing in their place."""
    rdf12 = ox.Dataset(ox.parse(export.export(hostile_kg, "nq", rdf12=True),
                                format=ox.RdfFormat.N_QUADS))
    note = ox.NamedNode("https://alliance-graph.example/ontology/purpose-note")
    assert {q.predicate.value.rsplit("#")[-1] for q in rdf12.quads_for_subject(note)} >= {
        "subject", "predicate", "object"}
    claims = {q.subject for q in hostile_kg.quads() if q.object.value.endswith("/Claim")}
    assert claims and not [q for q in rdf12 if q.subject in claims
                           and q.predicate.value.endswith("#subject")]


# -- a generated project's export, written as it is read ---------------------------------------

GENERATOR = Path(__file__).parent.parent / "bench" / "generate.py"
AG = str(servers.BIN / "alliance-graph")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """(command line, graph) of 4,000 facts generated by bench/generate.py, built into a
    directory store (the big graph's store) by `alliance-graph load`."""
    project = tmp_path_factory.mktemp("generated") / "project"
    subprocess.run([sys.executable, str(GENERATOR), "4000", str(project)], check=True,
                   capture_output=True)
    cli = [AG, "--project", str(project), "--cache", str(project / "cache"), "--store",
           str(project / "store")]
    subprocess.run([*cli, "load"], check=True, capture_output=True)
    kg = store.load(Settings(root=project, ontology_dir=project / "ontology",
                             data_dir=project / "data", sources_dir=project / "sources",
                             cache_dir=project / "cache", queries_dir=project / "queries",
                             store=str(project / "store")))
    return cli, kg


def _previous_rdf12(kg, quads):
    """The RDF 1.2 rewrite as it was done on the quads held whole (``previous_export``)."""
    claim_graph = {q.subject: q.graph_name for q in quads if q.predicate in export._REIFICATION}
    reifies = [ox.Quad(t.subject, t.predicate, t.object, claim_graph[t.subject])
               for t in kg.query("CONSTRUCT { ?c rdf:reifies <<( ?s ?p ?o )>> } WHERE { ?c a "
                                 "ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }")
               if t.subject in claim_graph]
    rewritten = {q.subject for q in reifies}
    return [q for q in quads
            if not (q.predicate in export._REIFICATION and q.subject in rewritten)] + reifies


def previous_export(kg, fmt: str, inferred: bool = False, rdf12: bool = False) -> bytes:
    """The export as it was made before it was written as it is read: every quad read as a
    Python object, sorted in Python by the terms' text (graph first), written whole."""
    quads = kg.quads(inferred=inferred)
    if rdf12:
        quads = _previous_rdf12(kg, quads)
    target = GRAPH_FORMATS[fmt].oxigraph
    if fmt in export.QUAD_FORMATS:
        items = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject),
                                             str(q.predicate), str(q.object)))
    else:
        items = sorted({q.triple for q in quads}, key=str)
    prefixes = prefixes_for(target)
    if fmt in ("ttl", "xml"):  # the prefixes the triples use, declared alone
        prefixes = used_prefixes(items, target)
    data = ox.serialize(items, format=target, prefixes=prefixes)
    return data.replace(b"\r", b"&#13;") if fmt == "xml" else data


@pytest.mark.parametrize("args", [
    ["--format", "nq"], ["--format", "nt"], ["--format", "ttl"], ["--format", "trig"],
    ["--format", "jsonld"], ["--format", "xml"], ["--format", "nq", "--inferred"],
    ["--format", "ttl", "--rdf12"], ["--format", "trig", "--rdf12", "--inferred"],
    ["--format", "nt", "-o", "-"]], ids=" ".join)
def test_the_command_writes_the_bytes_the_export_held_whole_wrote(generated, tmp_path, args):
    """The export is sorted as it was (by an external merge sort now, not held whole), so the
    same graph gives the same bytes, to a file and to standard output alike."""
    cli, kg = generated
    out = tmp_path / "graph.out"
    to_file = [] if "-o" in args else ["-o", str(out)]
    done = subprocess.run([*cli, "export", *args, *to_file], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = done.stdout if "-o" in args else out.read_bytes()
    fmt = args[1]
    assert written == previous_export(kg, fmt, "--inferred" in args, "--rdf12" in args)
    if to_file:
        assert done.stderr.decode() == f"wrote {len(written)} bytes to {out}\n"


class Recorder:
    """A binary file that keeps nothing of what is written to it: it counts the writes, their
    bytes and the largest, and hashes them."""

    def __init__(self):
        self.writes = self.size = self.largest = 0
        self.sha256 = hashlib.sha256()

    def write(self, data) -> int:
        self.sha256.update(data)
        self.writes += 1
        self.size += len(data)
        self.largest = max(self.largest, len(data))
        return len(data)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("fmt, asked", [
    ("nq", {}), ("nt", {}), ("ttl", {}), ("trig", {}), ("jsonld", {}), ("xml", {}),
    ("nq", {"inferred": True}), ("ttl", {"rdf12": True})],
    ids=lambda v: v if isinstance(v, str) else "-".join(v) or "asserted")
def test_export_to_writes_as_it_reads_holding_no_quad_of_its_own(generated, fmt, asked,
                                                                 monkeypatch):
    """`export` read every quad as a Python object, sorted them and wrote the answer whole
    into memory before writing it out: at 4,000 facts 22 to 38 MiB of Python objects; at 1 M
    facts many GB.  Written as it is read, the Python memory it takes at any time (traced:
    not a timing, nor the process's size) is about one run of the sort: with runs of 1 MiB
    (this graph's lines are several), under 4 MiB, the same bytes as the export's own runs
    give, in many writes, none of them the answer whole."""
    _, kg = generated
    whole = export.export(kg, fmt, **asked)
    monkeypatch.setattr(export, "_RUN_BYTES", 1 << 20)
    out = Recorder()
    tracemalloc.start()
    try:
        written = export.export_to(kg, fmt, out, **asked)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == out.size == len(whole) > 1_000_000
    assert out.sha256.digest() == hashlib.sha256(whole).digest()
    assert peak < 4 << 20, f"{peak:,} bytes traced while writing {written:,}"
    assert out.writes > 10 and out.largest < min(written // 2, 1 << 20)


def test_a_reader_that_stops_early_ends_the_export_quietly(generated, tmp_path):
    """Standard output gets the bytes as they are written: `| head` takes the first lines,
    and the command ends without a traceback, its sorted runs removed with it."""
    cli, _ = generated
    command = " ".join(map(shlex.quote, [*cli, "export", "--format", "nq"])) + " | head -n 3"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          timeout=300, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert len(done.stdout.splitlines()) == 3 and b"Traceback" not in done.stderr, done.stderr
    assert not list(tmp_path.iterdir())


def test_the_export_needs_no_program_on_the_path(generated, tmp_path):
    """The export was sorted by the sort program, found on PATH: without it the command
    failed ('the sort program could not be run').  It sorts in Python now."""
    cli, kg = generated
    out = tmp_path / "graph.nt"
    done = subprocess.run([*cli, "export", "-o", str(out)], capture_output=True, timeout=300,
                          env={**os.environ, "PATH": str(tmp_path / "nothing")})
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == export.export(kg, "nt")


# -- the temporary folder full: said of it, not of the output file -----------------------------

def _full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


class _FullFile:
    """A temporary file on a full disk: every write fails, as the kernel says."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    write = _full


@pytest.mark.parametrize("fmt, where", [("ttl", "runs"), ("nt", "runs"), ("nq", "runs"),
                                        ("trig", "runs"), ("xml", "runs"), ("xml", "held"),
                                        ("graphml", "runs"), ("nodes-csv", "runs")])
def test_a_full_temporary_folder_is_said_not_taken_for_the_output_file(
        kg, tmp_path, monkeypatch, fmt, where):
    """The sort's runs, or the RDF/XML held before it is written, failing in a full TMPDIR
    said 'cannot write OUT: No space left on device' (to standard output, 'a file or folder
    could not be used: [Errno 28] ...'): the user was sent to free a disk that had room."""
    import tempfile

    from alliance_graph.store.sorted_lines import LineSorter
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    if where == "runs":
        monkeypatch.setattr(export, "_RUN_BYTES", 4096)  # the shipped graph spills runs
        monkeypatch.setattr(network_read, "_RUN_BYTES", 4096)  # as do its network's
        monkeypatch.setattr(LineSorter, "_write_run", _full)
    else:
        monkeypatch.setattr(tempfile, "TemporaryFile", _FullFile)
    said = (f"cannot export: the temporary folder {tmp_path / 'tmp'} could not hold the "
            "export's temporary files (No space left on device): free space there, or point "
            "TMPDIR at a folder with room (an export holds about the graph's N-Triples size "
            "there)")
    out = tmp_path / f"graph.{export_files._extension(fmt)}"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(out)])
    assert (result.exit_code, result.output) == (2, f"error: {said}\n")
    assert not out.exists()
    result = CliRunner().invoke(main, ["export", "--format", fmt])
    assert (result.exit_code, result.output) == (2, f"error: {said}\n")
    with pytest.raises(export.ExportError) as refused:
        export.export(kg, fmt)
    assert str(refused.value) == said
    assert isinstance(refused.value.__cause__, OSError)


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_an_entity_whose_iri_ends_in_a_dot_exports_turtle_and_trig_rdflib_reads(tmp_path,
                                                                                settings):
    """Oxigraph shortened <.../id/Corp.> to id:Corp\\. and rdflib refused the whole export
    ("objectList expected"): the name is written whole (query/turtle_names.py)."""
    claims = "".join(
        f"claim:Corp-{name} a ag:Claim ; rdf:subject <{CORP}> ; rdf:predicate {p} ; "
        f"rdf:object {o} ; ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:test .\n"
        f"<{CORP}> {p} {o} .\n" for name, p, o in (("type", "rdf:type", "ag:State"),
                                                   ("label", "rdfs:label", '"Corp."')))
    kg = hostile_graph(tmp_path / "project", settings.ontology_dir / "core.ttl",
                       leave_out=["xml-unsafe.ttl"], extra=HOSTILE_PREFIXES + claims)
    for fmt in ("ttl", "trig"):
        data = export.export(kg, fmt)
        read = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
        read.parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert (rdflib.URIRef(CORP), rdflib.RDFS.label, rdflib.Literal("Corp.")) in (
            read.triples((None, None, None)) if fmt == "ttl" else
            (q[:3] for q in read.quads((None, None, None, None))))
        assert len(list(ox.parse(data, format=GRAPH_FORMATS[fmt].oxigraph))) == len(
            kg.quads())


CORP = "https://alliance-graph.example/id/Corp."
HOSTILE_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in (
    ("ag", "https://alliance-graph.example/ontology/"),
    ("claim", "https://alliance-graph.example/id/claim/"),
    ("ev", "https://alliance-graph.example/id/evidence/"),
    ("prov", "http://www.w3.org/ns/prov#"), ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#")))


@pytest.mark.parametrize("name, asked", [("a" * 100_000 + ".gz", None), ("a" * 100_000 + ".srj", None),
                                         ("a" * 100_000 + ".ntriples", None),
                                         ("g." + "b" * 100_000, None),
                                         ("a" * 100_000 + ".csv", None),
                                         ("a" * 100_000 + ".nt", "nq")])
def test_a_long_file_name_is_said_clipped_in_a_refusal(name, asked):
    # Said whole, up to three times (300 KB), where export --format clips a long value.
    with pytest.raises(export.ExportError) as refused:
        export.format_for(name, asked, meant=lambda *_: [])
    said = str(refused.value)
    assert len(said) < 1500 and "characters)" in said
