"""blocks: a node's triples written as a subject block in the project's layout."""

from __future__ import annotations

import pyoxigraph as ox

from alliance_graph.proposals import blocks

ID, AG = "https://alliance-graph.example/id/", "https://alliance-graph.example/ontology/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def test_a_claim_block_is_written_in_the_files_order_its_citations_last_and_together():
    claim, n = ox.NamedNode(ID + "claim/X-p-Y"), ox.NamedNode
    triples = blocks.Triples([
        ox.Triple(claim, n(PROV + "wasDerivedFrom"), n(ID + "evidence/b")),
        ox.Triple(claim, n(AG + "rank"), n(AG + "NormalRank")),
        ox.Triple(claim, n(PROV + "wasDerivedFrom"), n(ID + "evidence/a")),
        ox.Triple(claim, n(RDF + "type"), n(AG + "Claim")),
        ox.Triple(claim, n(RDF + "subject"), n(ID + "X")),
        ox.Triple(claim, n(RDF + "type"), n(AG + "Claim")),   # stated twice: one fact
    ])
    writer = blocks.Writer(triples, {"ag": AG, "claim": ID + "claim/", "ev": ID + "evidence/",
                                     "id": ID, "prov": PROV, "rdf": RDF})
    assert writer.block(claim, writer.pairs(claim)) == (
        "claim:X-p-Y a ag:Claim ;\n"
        "    rdf:subject id:X ;\n"
        "    ag:rank ag:NormalRank ;\n"
        "    prov:wasDerivedFrom ev:a, ev:b .\n")


def test_a_blank_node_is_written_inline_with_all_it_holds():
    node, inner, n = ox.NamedNode(ID + "evidence/e"), ox.BlankNode("s"), ox.NamedNode
    triples = blocks.Triples([ox.Triple(node, n("http://www.w3.org/ns/oa#hasSelector"), inner),
                              ox.Triple(inner, n("http://www.w3.org/ns/oa#start"),
                                        ox.Literal("7", datatype=n(
                                            "http://www.w3.org/2001/XMLSchema#integer")))])
    writer = blocks.Writer(triples, {"oa": "http://www.w3.org/ns/oa#", "ev": ID + "evidence/"})
    assert writer.term(inner) == "[ oa:start 7 ]"
