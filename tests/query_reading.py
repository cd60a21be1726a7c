"""What a catalogue query reads, from rdflib's algebra of it: the properties and the classes.

Shared by the tests holding the catalogue's queries to the ontology (test_queries_properties,
test_queries_classes), and, with ``nodes``, by those reading the checks' and the catalogue's
queries for a cost that grows with the square of the graph (test_checks_scale,
test_queries_scale): a query runs over the asserted graph, where a fact holds only the
property and the class its claim gives it, so what it reads must name each one it means; and
with ``outer_tests_in_exists``, by both for a cost Oxigraph pays at random (a test of the
outer row's values written inside a NOT EXISTS group).
"""

from __future__ import annotations

from rdflib import RDF, RDFS, URIRef, Variable
from rdflib.paths import InvPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue


def nodes(node):
    """Yield every algebra node under ``node``, itself first."""
    if isinstance(node, CompValue):
        yield node
        for key, child in node.items():
            if key != "_vars":
                yield from nodes(child)
    elif isinstance(node, (list, tuple)):
        for child in node:
            yield from nodes(child)


def _path_iris(path) -> set[URIRef]:
    """Return the IRIs a property path is made of."""
    if isinstance(path, URIRef):
        return {path}
    parts = getattr(path, "args", None) or [getattr(path, "path", None) or path.arg]
    return set().union(*(_path_iris(p) for p in parts))


def _walk(node, triples: list, values: list) -> None:
    """Gather the triple patterns and VALUES rows anywhere in an algebra expression."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            triples.extend(node.triples)
        if node.name == "values":
            values.extend(node.res)
        for child in node.values():
            _walk(child, triples, values)
    elif isinstance(node, (list, tuple)):
        for child in node:
            _walk(child, triples, values)


def patterns(path) -> tuple[list, list]:
    """Return a query's triple patterns and VALUES rows."""
    triples: list = []
    values: list = []
    _walk(prepareQuery(path.read_text(encoding="utf-8")).algebra, triples, values)
    return triples, values


def reads(path) -> tuple[set[str], bool]:
    """Return the properties a query reads, and whether it reads rdfs:subPropertyOf."""
    triples, values = patterns(path)

    def named(term) -> set[URIRef]:
        if isinstance(term, Variable):
            return {row[term] for row in values if isinstance(row.get(term), URIRef)}
        if isinstance(term, Path):
            return _path_iris(term)
        return {term} if isinstance(term, URIRef) else set()

    properties: set[URIRef] = set()
    for _, predicate, obj in triples:
        properties |= named(predicate)
        if predicate == RDF.predicate:  # a claim of that property
            properties |= named(obj)
    return {str(p) for p in properties}, RDFS.subPropertyOf in properties


def _inverted(path) -> set[URIRef]:
    """Return the IRIs a property path reads backwards (under ^)."""
    if isinstance(path, InvPath):
        return _path_iris(path.arg)
    if isinstance(path, URIRef):
        return set()
    parts = getattr(path, "args", None) or [getattr(path, "path", None)]
    return set().union(*(_inverted(p) for p in parts))


def reads_backwards(path) -> set[str]:
    """Return the properties a query reads from object to subject too: under ^ in a path, or
    in two patterns of one property with subject and object swapped."""
    triples, _ = patterns(path)
    backwards = set().union(*(_inverted(p) for _, p, _ in triples if isinstance(p, Path)))
    backwards |= {p for s, p, o in triples if isinstance(p, URIRef) and (o, p, s) in triples}
    return {str(p) for p in backwards}


def classes(path) -> tuple[set[str], bool]:
    """Return the classes a query asks its nodes to be of (``?x a ag:A``, or ``?x a ?class``
    with ``?class`` in VALUES), and whether it reads rdfs:subClassOf."""
    triples, values = patterns(path)
    found: set[URIRef] = set()
    hierarchy = False
    for _, predicate, obj in triples:
        if isinstance(predicate, Path):
            hierarchy |= RDFS.subClassOf in _path_iris(predicate)
        hierarchy |= predicate == RDFS.subClassOf
        if predicate == RDF.type:
            found |= ({row[obj] for row in values if isinstance(row.get(obj), URIRef)}
                      if isinstance(obj, Variable) else {obj} if isinstance(obj, URIRef) else set())
    return {str(c) for c in found}, hierarchy


def _variables(node) -> set[Variable]:
    """Return the variables anywhere in an algebra expression."""
    if isinstance(node, Variable):
        return {node}
    if isinstance(node, CompValue):
        return set().union(*(_variables(c) for k, c in node.items() if k != "_vars"))
    if isinstance(node, (list, tuple)):
        return set().union(*(_variables(c) for c in node))
    return set()


def _bound(node) -> set[Variable]:
    """Return the variables every solution of an algebra expression binds (a safe guess)."""
    if not isinstance(node, CompValue):
        return set()
    if node.name == "LeftJoin":
        return _bound(node.p1)
    if node.name == "Union":
        return _bound(node.p1) & _bound(node.p2)
    if node.name == "Join":
        return _bound(node.p1) | _bound(node.p2)
    if node.name == "BGP":
        return _variables(node.triples)
    if node.name == "Extend":
        return _bound(node.p) | {node.var}
    return _bound(node.p) if "p" in node else set()


def optional_joins(path) -> list[str]:
    """Return the variables an OPTIONAL joins on that only an earlier OPTIONAL may bind.

    ``OPTIONAL { ?agreement ag:toYear ?to }`` after an OPTIONAL that may leave ``?agreement``
    unbound matches any node that has a last year where it did."""
    found: list[str] = []

    def visit(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "LeftJoin":
                maybe = _variables(node.p1) - _bound(node.p1)
                joined = _variables(node.p2) | _variables(node.get("expr"))
                found.extend(sorted(str(v) for v in maybe & joined))
            for key, child in node.items():
                if key != "_vars":
                    visit(child)
        elif isinstance(node, (list, tuple)):
            for child in node:
                visit(child)

    visit(prepareQuery(path.read_text(encoding="utf-8")).algebra)
    return found


def outer_tests_in_exists(sparql: str) -> int:
    """Return how many (NOT) EXISTS groups hold a FILTER that reads only variables bound
    outside the group: Oxigraph may match the group's pattern first and test it after
    (test_checks_scale, test_queries_scale)."""
    return sum(1 for n in nodes(prepareQuery(sparql).algebra)
               if n.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS")
               and n.graph.name == "Filter"
               and not _variables(n.graph.expr) & _variables(n.graph.p))
