"""A node's triples written as a subject block in the project's layout (``docs/data-model.md``):
the file's own prefixes, predicates in the order the data files write them, the objects of one
predicate listed together, a blank node inline as ``[ ... ]`` with all it holds.  ``merge``
writes with it a proposal's new blocks, and the new lines ``amend`` puts in a block data/
holds.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF

from ..namespaces import AG, OA, PREFIX_IRIS
from ..rdf import PrefixMap, turtle_iri, turtle_predicate, turtle_term

# Predicates in the order the data files write them (a claim's links and notes after its rank,
# an evidence node's source, selectors, grade and note; a quote before its context, a start
# before its end; a source document's name and title first, its grade last, as sources.ttl
# writes them); the rest follow alphabetically, and the citations close a claim's block.
_ORDER = [str(p) for p in (RDF.type, RDF.subject, RDF.predicate, RDF.object, AG.validFrom,
                           AG.validUntil, AG.asOf, AG.rank, AG.disputedBy, AG.variantOf,
                           AG.opposedBy, AG.disagreementNote, OA.hasSource, OA.hasSelector,
                           OA.exact, OA.prefix, OA.suffix, OA.start, OA.end,
                           AG.fileName, DCTERMS.title, AG.sourceKind, AG.statedDate,
                           AG.statedPublisher, AG.sha256, AG.reliability,
                           AG.reliabilityRationale, AG.credibility, AG.note)]
_LAST = str(PROV.wasDerivedFrom)
_QUOTE_SELECTOR = ox.NamedNode(str(OA.TextQuoteSelector))
_TYPE = ox.NamedNode(str(RDF.type))


def _rank(p: str) -> tuple:
    """Return where predicate ``p`` goes in a block (see ``_ORDER``)."""
    if p == _LAST:
        return (len(_ORDER) + 1, p)
    return (_ORDER.index(p) if p in _ORDER else len(_ORDER), p)


class Triples:
    """Triples indexed by subject and, once asked (``subjects``), by (predicate, object), as a
    block writer reads them (the subjects of a (predicate, object) in the order first met)."""

    def __init__(self, quads):
        self.by_subject: dict[ox.Node, list[tuple]] = defaultdict(list)
        self._by_object: dict[tuple, list[ox.Node]] | None = None
        seen = set()
        for q in quads:
            triple = (q.subject, q.predicate, q.object)
            if triple in seen:
                continue  # stated twice (or in two files): one fact
            seen.add(triple)
            self.by_subject[q.subject].append((q.predicate, q.object))

    def objects(self, subject, predicate) -> list:
        return [o for p, o in self.by_subject.get(subject, ()) if p == predicate]

    def subjects(self, predicate, obj) -> list:
        # Indexed when first asked: most Triples (a node's stored facts, each proposal's own)
        # are never asked, and a tuple per fact, of terms Python's collector walks (each
        # Oxigraph term is one), made it walk everything an add holds again and again.
        if self._by_object is None:
            self._by_object = defaultdict(list)
            for s, pairs in self.by_subject.items():
                for pair in pairs:
                    self._by_object[pair].append(s)
        return self._by_object.get((predicate, obj), [])


class Writer:
    """Write subject blocks of ``triples`` in Turtle with a file's prefixes."""

    def __init__(self, triples: Triples, file_prefixes: dict[str, str] | PrefixMap):
        self.triples = triples
        self.prefixes = file_prefixes if isinstance(file_prefixes, PrefixMap) \
            else PrefixMap(file_prefixes)
        self._written: dict[ox.Term, str] = {}  # the same IRIs and values recur per block
        self._canon: Writer | None = None

    def predicate(self, p: ox.NamedNode) -> str:
        if p == _TYPE:
            return "a"  # not kept with the terms: as an object rdf:type is written rdf:type
        if p not in self._written:
            self._written[p] = turtle_predicate(p.value, self.prefixes)
        return self._written[p]

    def pairs(self, subject, skip=frozenset()) -> list[tuple[str, str]]:
        """Return (predicate, object) Turtle text pairs of ``subject``, in the project's order,
        leaving out those whose canonical form (project prefixes) is in ``skip``."""
        return in_order(self.keyed_pairs(subject, skip))

    def keyed_pairs(self, subject, skip=frozenset()) -> list[tuple]:
        """Return ``pairs`` each with what orders it (``in_order`` sorts them), so that pairs
        of one subject written by several writers can be put in one block."""
        if skip and self._canon is None:
            self._canon = Writer(self.triples, PREFIX_IRIS)
        canon = self._canon
        out = []
        for p, o in self.triples.by_subject.get(subject, ()):
            if skip and (canon.predicate(p), canon.term(o)) in skip:
                continue
            text = self.term(o)
            # A quote selector before its position selector, as the files write them.
            first = not (isinstance(o, ox.BlankNode) and text.startswith("[ a oa:TextQuote"))
            out.append((_rank(p.value), first, text, self.predicate(p)))
        return out

    def term(self, term) -> str:
        """Return a term in Turtle: a blank node inline as ``[ ... ]`` with all it holds."""
        if isinstance(term, ox.BlankNode):
            return self._inline(term)
        if term not in self._written:
            self._written[term] = turtle_term(term, self.prefixes)
        return self._written[term]

    def _inline(self, node: ox.BlankNode) -> str:
        # Innermost first, without recursion: a proposal may nest blank nodes deeply.
        order, frontier, seen = [], [node], {node}
        while frontier:
            current = frontier.pop()
            order.append(current)
            for _, o in self.triples.by_subject.get(current, ()):
                if isinstance(o, ox.BlankNode) and o not in seen:
                    seen.add(o)
                    frontier.append(o)
        texts: dict[ox.BlankNode, str] = {}
        for current in reversed(order):
            described = self.triples.by_subject.get(current, ())
            pairs = sorted((_rank(p.value), self.predicate(p),
                            texts.get(o, "[]") if isinstance(o, ox.BlankNode) else self.term(o))
                           for p, o in described)
            # A quote selector's quote and context on lines of their own, as the files do.
            joint = " ;\n            " if (_TYPE, _QUOTE_SELECTOR) in described else " ; "
            texts[current] = "[ " + joint.join(f"{p} {o}" for _, p, o in pairs) + " ]"
        return texts[node]

    def subject(self, subject) -> str:
        return turtle_iri(subject.value, self.prefixes)

    def block(self, subject, pairs: list[tuple[str, str]]) -> str:
        lines = [f"{self.subject(subject)} {p} {o}" if i == 0 else f"    {p} {o}"
                 for i, (p, o) in enumerate(predicate_lines(pairs))]
        return " ;\n".join(lines) + " .\n"


def in_order(keyed: list[tuple]) -> list[tuple[str, str]]:
    """Return the (predicate, object) pairs of ``Writer.keyed_pairs`` in the project's order."""
    return [(p, o) for _, _, o, p in sorted(keyed)]


def predicate_lines(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return ``pairs`` (in block order) with the objects of one predicate listed together,
    as the files write them: ``prov:wasDerivedFrom ev:a, ev:b``, selectors one per line."""
    lines: list[tuple[str, list[str]]] = []
    for p, o in pairs:
        if lines and lines[-1][0] == p:
            lines[-1][1].append(o)
        else:
            lines.append((p, [o]))
    return [(p, (" ,\n        " if objects[0].startswith("[") else ", ").join(objects))
            for p, objects in lines]
