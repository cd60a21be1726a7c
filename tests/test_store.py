"""The query store: asserted and inferred graphs apart, one named graph per file."""


def test_one_named_graph_per_input_file(kg, settings):
    names = {g.value.split("/graph/", 1)[1] for g in kg.asserted}
    assert names == {settings.graph_name(p) for p in settings.input_files()}


def test_inferred_triples_only_with_inferred(kg):
    # ag:Claim is a subclass of rdf:Statement: only the closure types claims as statements.
    query = "ASK { ?c a rdf:Statement }"
    assert not kg.query(query)
    assert kg.query(query, inferred=True)


def test_plain_triples_are_derived_from_claims(kg):
    plain = "SELECT (COUNT(*) AS ?n) { ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ag:rank ag:PreferredRank . ?s ?p ?o }"
    preferred = "SELECT (COUNT(*) AS ?n) { ?c a ag:Claim ; ag:rank ag:PreferredRank }"
    assert next(iter(kg.query(plain)))["n"] == next(iter(kg.query(preferred)))["n"]
    deprecated = "ASK { ?c ag:rank ag:DeprecatedRank ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s ?p ?o . FILTER NOT EXISTS { ?c2 rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ag:rank ?r FILTER(?r != ag:DeprecatedRank) } }"
    assert not kg.query(deprecated)
