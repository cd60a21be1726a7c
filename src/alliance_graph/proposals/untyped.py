"""Say "not typed ag:Claim" once of a claim written without ``a ag:Claim``.

A claim block whose first line lost ``a ag:Claim`` (``claim:X rdf:subject id:Y ; ...``) is, to
the checks, a node of plain triples no claim states: the uncited-triple check gave a finding
per line (five for one claim), each saying to write the triple as a cited claim, which it
already was, and each with a "did you mean" naming a claim of the graph for the new claim's
own name.  ``untyped`` makes them one finding on the claim's first line, saying what to add,
with the spelling hints the findings it replaces gave (``rdf:predicate ag:toYr``: did you mean
ag:toYear?): the one finding had dropped them, so a slip in an untyped claim was told only once
the claim was typed.  A node missing one part but writing a misspelling of it
(``rdf:predicat``) is as plainly a claim.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..build import spelling
from ..clipping import bracketed, clipped
from ..rdf import file_of, term_text
from .report import CHECK, Finding

_TYPE = ox.NamedNode(str(RDF.type))
# What makes a node read as a claim: the three parts of the fact it states.
_PARTS = {ox.NamedNode(str(RDF.subject)), ox.NamedNode(str(RDF.predicate)),
          ox.NamedNode(str(RDF.object))}
UNCITED = str(CHECK["uncited-triple-violation"])


def untyped_claims(quads: list[ox.Quad], proposed: set[str],
                   meant: dict[str, str] | None = None) -> dict[tuple[str, str], ox.Node]:
    """Return, per (file, node as term text), each node of a proposal that has an rdf:subject,
    rdf:predicate and rdf:object there and no rdf:type at all; a property ``meant`` (a
    misspelt term and the term it most likely meant, ``spelling.hints``) takes for one of the
    three counts as it."""
    parts: dict[tuple[str, ox.Node], set] = {}
    typed = set()
    meant = meant or {}
    for q in quads:
        name = file_of(q.graph_name)
        if name not in proposed:
            continue
        if q.predicate == _TYPE:
            typed.add(q.subject)
            continue
        part = ox.NamedNode(meant[q.predicate.value]) if q.predicate.value in meant \
            else q.predicate
        if part in _PARTS:
            parts.setdefault((name, q.subject), set()).add(part)
    return {(name, term_text(node)): node for (name, node), have in parts.items()
            if have == _PARTS and node not in typed}


def merged(findings: list[Finding], untyped: dict[tuple[str, str], ox.Node], shown,
           line_of, said: dict[str, str] | None = None) -> list[Finding]:
    """Return ``findings`` with the uncited-triple findings on each ``untyped`` claim made one,
    on its first line (``line_of(file, node)``); ``shown`` names a file as the report does.
    The one finding says what ``said`` (``spelling.said``) says of a misspelt property or
    value of the claim, unless another finding names that term already (an unknown
    term's); not of the claim's own name, which is new, not misspelt."""
    if not untyped:
        return findings
    by_shown = {(shown(name), text): (name, node) for (name, text), node in untyped.items()}
    kept, first, terms = [], {}, {}
    for f in findings:
        key = (f.file, f.focus)
        if f.shape != UNCITED or key not in by_shown:
            kept.append(f)
            continue
        terms.setdefault(key, []).append((f.line or 0, f.path, f.value))
        if key not in first:
            name, node = by_shown[key]
            first[key] = dataclasses.replace(
                f, path=None, value=None, line=line_of(name, node) or f.line,
                message=f"{_named(node)} states a fact (rdf:subject, rdf:predicate, rdf:object) "
                        "but is not typed ag:Claim: write `a ag:Claim ;` after its name, as "
                        "a claim's first line does")
            kept.append(first[key])
    named = {f.focus for f in kept}
    for key, one in first.items():
        written = [t for _, *pair in sorted(terms[key], key=lambda r: r[0]) for t in pair]
        hints = spelling.said_of([t for t in written if t not in named], said or {})
        if hints:
            kept[kept.index(one)] = dataclasses.replace(
                one, message=f"{one.message} ({'; '.join(hints)})")
    return kept


def _named(node: ox.Node) -> str:
    # Clipped (clipping.py): a claim named by 60,000 characters made a message of 60 KB, the
    # advice after it.
    return bracketed(node.value) if isinstance(node, ox.NamedNode) else clipped(term_text(node))
