"""Say "not typed ag:Claim" once of a claim written without ``a ag:Claim``.

A claim block whose first line lost ``a ag:Claim`` (``claim:X rdf:subject id:Y ; ...``) is, to
the checks, a node of plain triples no claim states: the uncited-triple check gave a finding
per line (five for one claim), each saying to write the triple as a cited claim, which it
already was, and each with a "did you mean" naming a claim of the graph for the new claim's
own name.  ``untyped`` makes them one finding on the claim's first line, saying what to add.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..rdf import file_of, term_text
from .report import CHECK, Finding

_TYPE = ox.NamedNode(str(RDF.type))
# What makes a node read as a claim: the three parts of the fact it states.
_PARTS = {ox.NamedNode(str(RDF.subject)), ox.NamedNode(str(RDF.predicate)),
          ox.NamedNode(str(RDF.object))}
UNCITED = str(CHECK["uncited-triple-violation"])


def untyped_claims(quads: list[ox.Quad], proposed: set[str]) -> dict[tuple[str, str], ox.Node]:
    """Return, per (file, node as term text), each node of a proposal that has an rdf:subject,
    rdf:predicate and rdf:object there and no rdf:type at all."""
    parts: dict[tuple[str, ox.Node], set] = {}
    typed = set()
    for q in quads:
        name = file_of(q.graph_name)
        if name not in proposed:
            continue
        if q.predicate == _TYPE:
            typed.add(q.subject)
        elif q.predicate in _PARTS:
            parts.setdefault((name, q.subject), set()).add(q.predicate)
    return {(name, term_text(node)): node for (name, node), have in parts.items()
            if have == _PARTS and node not in typed}


def merged(findings: list[Finding], untyped: dict[tuple[str, str], ox.Node], shown,
           line_of) -> list[Finding]:
    """Return ``findings`` with the uncited-triple findings on each ``untyped`` claim made one,
    on its first line (``line_of(file, node)``); ``shown`` names a file as the report does."""
    if not untyped:
        return findings
    by_shown = {(shown(name), text): (name, node) for (name, text), node in untyped.items()}
    kept, first = [], {}
    for f in findings:
        key = (f.file, f.focus)
        if f.shape != UNCITED or key not in by_shown:
            kept.append(f)
        elif key not in first:
            name, node = by_shown[key]
            first[key] = dataclasses.replace(
                f, path=None, value=None, line=line_of(name, node) or f.line,
                message=f"{_named(node)} states a fact (rdf:subject, rdf:predicate, rdf:object) "
                        "but is not typed ag:Claim: write `a ag:Claim ;` after its name, as "
                        "a claim's first line does")
            kept.append(first[key])
    return kept


def _named(node: ox.Node) -> str:
    return f"<{node.value}>" if isinstance(node, ox.NamedNode) else term_text(node)
