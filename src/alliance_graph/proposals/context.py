"""Fetch from the prebuilt graph what validating a proposal needs to know of the rest of it.

The built graph (the N-Quads cache, or a directory store) was parsed, type-checked and passed
the data checks when it was built, so a proposal need not re-read every data file: its
*neighbourhood* is enough, looked up in the store's indexes.  ``neighbourhood`` returns the
quads of the data graphs that the shapes and checks can see from the proposal:

- the full description (blank nodes included) of every node the proposal describes and of every
  entity its claims are about, with every claim about those entities (so the plain triples can
  be derived again with the proposal's claims ranked among them);
- the claims typing or labelling the entities its claims point at (``entity-unlabelled``);
- the evidence nodes the proposal cites, and those quoting what they or the proposal's quote
  selectors quote, with the claims citing them (``evidence-duplicate``: a new evidence node
  for a passage already cited, or a second node for it that the proposal now cites);
- a few facts of every other node those descriptions point at: its type (``sh:class``, the
  ``rdfs:range`` check, cited evidence), label (the report's entity label), file name (the
  quote checks) and quote selector fields.

The quads come back as stored, plain triples derived by the build included; the caller derives
them again (``truthy``) over the neighbourhood plus the proposal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from ..build import pipeline as build
from ..namespaces import PREFIX_IRIS
from ..rdf import DATA, is_role
from ..settings import Settings
from ..store import directory

# A directory store kept in the cache folder, for validating against a large graph that is
# otherwise served from memory: opening it takes well under a second, loading the N-Quads
# build into memory about a second per 10 k facts.
CACHE_STORE = "validate-store"



def _named(name: str) -> ox.NamedNode:
    """Return the IRI of the prefixed ``name`` (``rdf:type``): from the plain prefixes, not
    namespaces' rdflib objects, which imported rdflib (50 ms) for cite's notes."""
    prefix, _, local = name.partition(":")
    return ox.NamedNode(PREFIX_IRIS[prefix] + local)


_SUBJECT = _named("rdf:subject")
_PREDICATE = _named("rdf:predicate")
_NAMING = {_named("rdf:type"), _named("rdfs:label")}
_EXACT = _named("oa:exact")
_SELECTOR = _named("oa:hasSelector")
_CITES = _named("prov:wasDerivedFrom")
# What the checks read of a node the proposal only points at (a claim's rdf:subject too:
# claim-link compares the subjects of the claims a link joins).
_POINTED = [_named(name) for name in (
    "rdf:type", "rdf:subject", "rdfs:label", "ag:fileName", "oa:exact", "oa:prefix",
    "oa:suffix", "oa:start", "oa:end")]


def prebuilt(settings: Settings) -> ox.Store | None:
    """Return a store holding the current build to validate proposals against, or None when
    validating against the files is the better route (a remote store, or a graph under
    ``settings.prebuilt_threshold`` whose build is not cached yet: building it would take
    longer than reading the files).

    A directory store, or a graph over the threshold, is built first when needed (N-Quads
    cache, then a directory store); a graph that cannot be built gives None, so the files are
    validated and their problems reported.
    """
    # The default store told apart without the stores' module, nor the loader's for its
    # LoadError (``_load_errors``): cite reads the build here, and they were 0.1 s of its start
    # (the remote store's client, the lexer, rdflib).
    if settings.store == "memory":
        kind = "memory"
    else:
        from ..store import backends
        kind = backends.kind(settings.store)
    if kind == "remote":
        return None
    try:
        if kind == "directory":
            return directory.open_directory(settings, Path(settings.store))
        if build.input_bytes(settings) > settings.prebuilt_threshold:
            return directory.open_directory(settings, settings.cache_dir / CACHE_STORE)
    except _load_errors():
        return None
    path = build.cache_path(settings)
    # A cache cut short (a copy interrupted, a disk full) or damaged is no build, as the build
    # reads it (``pipeline.whole``), nor one removed meanwhile: validate, add and cite stopped
    # on a traceback ("SyntaxError: ... Unexpected end of file"); the files are read instead.
    if not build.whole(path):
        return None
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError):
        return None
    return store


def _load_errors() -> tuple[type, ...]:
    """Return the build's ``LoadError``, to be caught, if the loader is imported: if it is not,
    nothing raised one (the build that fails imports it), and it need not be imported."""
    loading = sys.modules.get("alliance_graph.build.loading")
    return (loading.LoadError,) if loading is not None else ()


def _data(quads) -> list[ox.Quad]:
    """Return the quads in data graphs (not the ontology's, not the inferred graph)."""
    return [q for q in quads if is_role(q.graph_name, DATA)]


def describe(store, nodes) -> list[ox.Quad]:
    """Return every data quad whose subject is one of ``nodes`` or a blank node they reach."""
    found, seen, frontier = [], set(), list(nodes)
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in _data(store.quads_for_pattern(node, None, None, None)):
            found.append(q)
            if isinstance(q.object, ox.BlankNode):
                frontier.append(q.object)
    return found


def _claims_about(store, entities, naming_only: bool) -> set:
    """Return the claim nodes whose rdf:subject is one of ``entities`` (only the rdf:type and
    rdfs:label claims when ``naming_only``)."""
    claims = set()
    for entity in entities:
        for q in _data(store.quads_for_pattern(None, _SUBJECT, entity, None)):
            if not naming_only or any(p.object in _NAMING for p in _data(
                    store.quads_for_pattern(q.subject, _PREDICATE, None, None))):
                claims.add(q.subject)
    return claims


def _quoting_alike(store, quads: list[ox.Quad]) -> set:
    """Return the evidence nodes of ``store`` whose quote selector quotes what one of the
    quote selectors of ``quads`` quotes (the same passage is cited with the same words)."""
    found = set()
    for exact in {q.object for q in quads if q.predicate == _EXACT}:
        for selected in _data(store.quads_for_pattern(None, _EXACT, exact, None)):
            for q in _data(store.quads_for_pattern(None, _SELECTOR, selected.subject, None)):
                if isinstance(q.subject, ox.NamedNode):
                    found.add(q.subject)
    return found


def neighbourhood(store, proposal: list[ox.Quad]) -> list[ox.Quad]:
    """Return the data quads of ``store`` that validating the ``proposal`` quads can see."""
    described = {q.subject for q in proposal if isinstance(q.subject, ox.NamedNode)}
    described |= {q.object for q in proposal
                  if q.predicate == _SUBJECT and isinstance(q.object, ox.NamedNode)}
    linked = {q.object for q in proposal if isinstance(q.object, ox.NamedNode)} - described
    claims = _claims_about(store, described, False) | _claims_about(store, linked, True)
    # Evidence the proposal cites and evidence quoting the same words, with what cites them:
    # whether a passage is cited twice is judged on the merged graph.
    cited = {q.object for q in proposal if q.predicate == _CITES
             and isinstance(q.object, ox.NamedNode)}
    evidence = cited | _quoting_alike(store, proposal + describe(store, cited - described))
    claims |= {q.subject for node in evidence
               for q in _data(store.quads_for_pattern(None, _CITES, node, None))}
    descriptions = describe(store, described | evidence)
    quads = set(descriptions) | set(describe(store, claims - described))
    # Only what the proposal and its described nodes point at is seen by the shapes and checks.
    pointed = {q.object for q in [*proposal, *descriptions]
               if isinstance(q.object, ox.NamedNode)} - described
    for node in pointed:
        for predicate in _POINTED:
            quads.update(_data(store.quads_for_pattern(node, predicate, None, None)))
    return sorted(quads, key=str)
