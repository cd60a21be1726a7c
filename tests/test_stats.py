"""Statistics agree with direct counts."""

from alliance_graph.query import stats


def test_counts_match_the_graph(kg):
    figures = stats.compute(kg, "a-version")
    assert figures.version == "a-version"
    count = lambda q: int(next(iter(kg.query(q)))["n"].value)
    assert figures.claims == count("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a ag:Claim }") > 0
    assert figures.evidence == count("SELECT (COUNT(DISTINCT ?e) AS ?n) { ?e a ag:Evidence }") > 0
    assert figures.sources == 5
    assert figures.triples == count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert figures.inferred_triples > 0
    assert figures.entities_by_class  # every cited entity counted under its class
    assert sum(n for g, n in figures.graphs.items() if not g.endswith("/inferred")) >= figures.triples
