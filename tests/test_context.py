"""context: which prebuilt graph a proposal is judged against, and what of it is read back."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from alliance_graph.build import pipeline as build
from alliance_graph.namespaces import RDF
from alliance_graph.proposals import context, validation
from helpers import expected, short

ROOT = Path(__file__).parents[1]
BASE = ROOT / "tests" / "fixtures" / "shapes" / "base"
CONFLICTS = ROOT / "tests" / "fixtures" / "conflicts"
ID = "https://alliance-graph.example/id/"


def test_which_prebuilt_graph(settings, tmp_path):
    base = settings.with_(data_dir=BASE, cache_dir=tmp_path / "cache")
    assert context.prebuilt(base.with_(store="http://127.0.0.1:9/query")) is None, \
        "a remote store is not asked for neighbourhoods"
    assert context.prebuilt(base) is None, "a small graph not built yet is read from its files"
    build.cached_build(base)
    assert context.prebuilt(base) is not None, "a small graph's build cache is used"
    cache = build.cache_path(base)
    whole = cache.read_bytes()
    # A cache cut short, or whole but damaged, was read all the same: a traceback in
    # validate, add and cite ("SyntaxError: ... Unexpected end of file").
    for damaged in (whole[:-30], b"garbage <<\n"):
        cache.write_bytes(damaged)
        assert context.prebuilt(base) is None, "a damaged cache is no build: the files are read"
    cache.write_bytes(whole)
    large = base.with_(prebuilt_threshold=0)
    store = context.prebuilt(large)
    assert (tmp_path / "cache" / context.CACHE_STORE / "CURRENT").is_file()
    fixture = CONFLICTS / "second-label.fail.ttl"
    # (the default cache, where the shapes' meta-SHACL check is already remembered)
    report = validation.validate(settings.with_(data_dir=BASE), [fixture], prebuilt=store)
    assert {(short(f.shape), f.line) for f in report.findings} == expected(fixture)


def test_the_neighbourhood_holds_the_claims_about_a_proposals_entities(settings):
    base = settings.with_(data_dir=BASE)
    store = ox.Store()
    store.extend(build.build_quads(base))
    proposal = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode("urn:proposal"))
                for t in ox.parse(path=str(CONFLICTS / "second-label.fail.ttl"),
                                  format=ox.RdfFormat.TURTLE)]
    about = {q.object for q in proposal if q.predicate.value == str(RDF.subject)}
    quads = context.neighbourhood(store, proposal)
    claims = {q.subject for q in quads if q.predicate.value == str(RDF.subject)
              and q.object in about}
    assert about and claims, "the entity's stored claims should be read back"
    # Every stored claim about those entities, and none of the graph's other claims.
    stored = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.subject)),
                                                         None, None) if q.object in about}
    assert claims == stored
    assert len(quads) < len(list(store)) / 2, "the neighbourhood should be a small part"
