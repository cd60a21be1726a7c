"""Exports: every format parses back in pyoxigraph and rdflib; RDF 1.2 maps claims one to one."""

import pyoxigraph as ox
import pytest
import rdflib

from alliance_graph.query import export
from alliance_graph.query.results import GRAPH_FORMATS

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


def canonical(triples) -> set:
    """Return triples with blank nodes relabelled canonically (RDFC-1.0), as a set."""
    dataset = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


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


def test_trig_opens_each_graph_block_once(kg):
    text = export.export(kg, "trig").decode()
    openings = [line for line in text.splitlines() if line.rstrip().endswith("{")]
    assert len(openings) == len(set(openings)) == len(kg.asserted)
