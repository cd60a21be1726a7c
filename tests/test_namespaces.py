"""namespaces: the project's prefixes, and IRIs shortened with them as a query reads them."""

import pyoxigraph as ox
import pytest

from alliance_graph import namespaces
from alliance_graph.namespaces import PREFIX_IRIS, shorten

ID = PREFIX_IRIS["id"]


@pytest.mark.parametrize("local, shown", [
    ("IronDome", "id:IronDome"), ("000-negev", "id:000-negev"), ("a.b", "id:a.b"),
    ("caf\u00e9", "id:caf\u00e9"), ("claim/IronDome-type", "claim:IronDome-type"),
    # A local part no query reads unescaped was shortened all the same (the query editor
    # offered ag:Foo(bar) to complete): the IRI whole.
    ("Foo(bar)", f"<{ID}Foo(bar)>"), ("x\u00bd", f"<{ID}x\u00bd>"), ("v1.", f"<{ID}v1.>"),
    ("-x", f"<{ID}-x>"), ("a,b", f"<{ID}a,b>"), ("", f"<{ID}>"), ("a/b", f"<{ID}a/b>"),
    # Oxigraph reads one run of dots in a local name (id:a.b.c is id:a.b, then ".c").
    ("a..b", "id:a..b"), ("1.5", "id:1.5"), ("a.b.c", f"<{ID}a.b.c>"),
    ("v1.2.3", f"<{ID}v1.2.3>")])
def test_an_iri_is_shortened_only_to_a_name_a_query_reads_as_it(local, shown):
    assert shorten(ID + local) == shown
    if not shown.startswith("<"):  # the name, in a query, is the IRI
        same = ox.Store().query(f"ASK {{ FILTER(sameTerm({shown}, <{ID}{local}>)) }}",
                                prefixes=PREFIX_IRIS)
        assert bool(same)


@pytest.mark.parametrize("written, meant", [
    ("rdsf", "rdfs"),   # its letters: difflib alone found rdf, closer by its count
    ("Ag", "ag"),       # case: prefixes are case-sensitive, a slip of case is still a slip
    ("xds", "xsd"), ("shema", "schema"), ("claims", "claim"), ("prv", "prov"),
    ("wd", None), ("foo", None), ("", None)])
def test_a_prefix_slip_is_named_with_the_prefix_meant(written, meant):
    # One rule for Turtle's undeclared prefix (build/hints.py) and a query's (sparql.py): the
    # query said "did you mean rdf: or rdfs:?" of rdsf:, Turtle "rdfs:", Ag: neither.
    assert namespaces.prefix_meant(written, namespaces.PREFIX_IRIS) == meant
