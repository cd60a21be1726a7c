"""What a page shows of a blank node: what it says, not an opaque ``_:id``.

A shape's ``sh:qualifiedValueShape [ sh:class oa:TextQuoteSelector ]``, ``sh:in ( ... )`` and
``sh:or ( [ ... ] [ ... ] )``, an evidence node's selector: the values are blank nodes, and a
page showed them as ids that lead nowhere.  ``values`` reads the triples of the blank nodes an
IRI points at, and of the blank nodes those point at, down to ``MAX_DEPTH`` links, so that a
page writes them inline (lists as lists); ``holders`` names, for a blank node pointing at an
IRI, the IRI it hangs from (the shape whose ``sh:in`` list holds a term).  Each is one query:
a blank node's id holds only within one answer on a remote store, so the links between blank
nodes are read with their triples.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pyoxigraph as ox

from ...namespaces import RDF
from .terms import Labeller, Term, sparql_iri

# Links from an IRI through blank nodes that a page follows: a list is one node per member,
# and the shapes' longest, sh:or ( [ ... ] [ ... ] [ ... ] ), reaches four.
MAX_DEPTH = 8
_FIRST, _REST, _NIL = str(RDF.first), str(RDF.rest), str(RDF.nil)


def _chains(start: str, end: str, reverse: bool = False, then: str = "") -> list[str]:
    """Return the graph patterns linking ``start`` to ``end`` through 0 to MAX_DEPTH - 1 blank
    nodes, each an alternative of a UNION (``reverse``: written from ``end`` back), with
    ``then`` inside each.

    Each node is said to be blank right after the link that reaches it, and what follows the
    chain is inside each alternative: with one FILTER at the end of a chain, and ``?s ?p ?o``
    joined to the UNION from outside, Oxigraph started chains of five links or more from an
    unbound link, a walk over the whole graph (16 s for an evidence node at 100 k facts, 31 s
    for a shape)."""
    out = []
    for depth in range(MAX_DEPTH):
        nodes = [start, *(f"?b{i}" for i in range(depth)), end]
        links = list(zip(nodes, nodes[1:]))
        if reverse:
            steps = [f"{a} ?l{i} {b} ." + (f" FILTER(isBlank({a}))" if i else "")
                     for i, (a, b) in reversed(list(enumerate(links)))]
        else:
            steps = [f"{a} ?l{i} {b} ." + (f" FILTER(isBlank({b}))" if b != end else "")
                     for i, (a, b) in enumerate(links)]
        out.append("{ " + " ".join(steps) + (f" {then}" if then else "") + " }")
    return out


def _key(node) -> tuple[str, str]:
    return ("bnode" if isinstance(node, ox.BlankNode) else "other", str(node))


def values(kg, iri: str, lab: Labeller) -> dict[str, list[Term]]:
    """Return the blank nodes ``iri`` points at, by property IRI, each a Term holding what it
    says (``parts``, or ``items`` for a list)."""
    ref = sparql_iri(iri)
    reached = " UNION ".join(_chains(ref, "?s", then="FILTER(isBlank(?s)) ?s ?p ?o ."))
    query = (f"SELECT DISTINCT ?s ?p ?o WHERE {{ {{ BIND({ref} AS ?s) ?s ?p ?o "
             f"FILTER(isBlank(?o)) }} UNION {reached} }}")
    said: dict[tuple, list] = defaultdict(list)
    for row in kg.query(query):
        said[_key(row["s"])].append((row["p"], row["o"]))
    lab.fetch(n.value for pairs in said.values() for pair in pairs for n in pair
              if isinstance(n, ox.NamedNode))
    out: dict[str, list[Term]] = defaultdict(list)
    for p, o in said[_key(ox.NamedNode(iri))]:
        if isinstance(o, ox.BlankNode):
            out[p.value].append(_term(o, said, lab, frozenset()))
    return out


def _term(node, said: dict, lab: Labeller, path: frozenset) -> Term:
    """Return ``node`` as a Term; a blank node with the triples it has in ``said`` (none past
    MAX_DEPTH, nor for a node it is itself inside: blank nodes may form a cycle)."""
    term = lab.term(node)
    key = _key(node)
    if term.kind != "bnode" or key in path or key not in said:
        return term
    path = path | {key}
    items = _items(node, said, lab, path)
    if items is not None:
        return dataclasses.replace(term, items=items)
    grouped: dict[str, list] = defaultdict(list)
    for p, o in said[key]:
        grouped[p.value].append(_term(o, said, lab, path))
    parts = tuple((lab.term(ox.NamedNode(p)), tuple(vs)) for p, vs in grouped.items())
    return dataclasses.replace(term, parts=tuple(sorted(
        parts, key=lambda part: (part[0].value != str(RDF.type), part[0].label))))


def _items(node, said: dict, lab: Labeller, path: frozenset) -> tuple[Term, ...] | None:
    """Return the members of the RDF list ``node`` starts, or None if it is no whole list."""
    items, visited = [], set()
    while not (isinstance(node, ox.NamedNode) and node.value == _NIL):
        key = _key(node)
        pairs = said.get(key, [])
        links = {p.value: o for p, o in pairs}
        if key[0] != "bnode" or key in visited or len(pairs) != 2 \
                or set(links) != {_FIRST, _REST}:
            return None
        visited.add(key)
        items.append(_term(links[_FIRST], said, lab, path | visited))
        node = links[_REST]
    return tuple(items)


def holders(kg, iri: str, lab: Labeller) -> dict[str, tuple[list[Term], int]]:
    """Return, by property, the IRIs that reach ``iri`` through the blank nodes pointing at it
    by that property (each Term labelled with the link it starts from: "agsh:x › sh:in"), and
    how many such blank nodes there are."""
    ref = sparql_iri(iri)
    chains = " UNION ".join(_chains("?holder", "?b", reverse=True))
    query = (f"SELECT DISTINCT ?p ?b ?holder ?l0 WHERE {{ ?b ?p {ref} FILTER(isBlank(?b)) "
             f"{{ {chains} }} FILTER(isIRI(?holder)) }}")
    found: dict[str, dict] = defaultdict(dict)
    blanks: dict[str, set] = defaultdict(set)
    rows = list(kg.query(query))
    lab.fetch(r[n].value for r in rows for n in ("holder", "l0"))
    for r in rows:
        p = r["p"].value
        blanks[p].add(str(r["b"]))
        holder, link = lab.term(r["holder"]), lab.term(r["l0"])
        found[p].setdefault((holder.value, link.value), dataclasses.replace(
            holder, label=f"{holder.label} › {link.label}"))
    return {p: (sorted(found[p].values(), key=lambda t: t.label), len(blanks[p]))
            for p in found}
