"""The shapes' violations as the build's checks: each shape of ``ontology/shapes.ttl`` compiled
to one SPARQL query over the asserted quads.

The build and ``alliance-graph check`` run the ``*-violation.rq`` checks, ``validate`` the
shapes (pyshacl), and the shapes' header says both refuse the same data; they did not: a value
of the wrong datatype (``oa:start "983"``), a second ``oa:exact``, an ``ag:credibility``
outside its grades, a currency of four letters, a text of 3,000 characters, each refused by
``validate``, built and passed ``check`` with exit 0 (129 of one slip of each of the shapes'
150 constraints, ``tests/test_shapes_built.py``).  Hand-written checks for each constraint
would drift from the shapes again; so the shapes themselves are read from the ontology's graphs
and each ``sh:Violation`` shape becomes a query (its constraints joined by UNION), which
Oxigraph runs in a few milliseconds where pyshacl over the whole graph takes seconds.  The
SHACL Core components the shapes use are compiled (``COMPONENTS``); a shape using another is
left to ``validate`` and named by ``unsupported`` (a test holds the shipped shapes to none).
Warnings (``sh:Warning``, ``sh:Info``) do not stop a build and are not compiled.
"""

from __future__ import annotations

import pyoxigraph as ox

# A shape's query is a violation query like the others (its rows carry no ?message: each
# finding says the shape's message); checks.py imports this module where it runs them.
from ..namespaces import BASE
from ..rdf import ONTOLOGY, is_role
from .checks import Check

SH = "http://www.w3.org/ns/shacl#"
_SHAPES = BASE + "shapes/"  # the shapes' IRIs, named agsh: as validate's findings name them
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NIL = _RDF + "nil"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_VIOLATION = SH + "Violation"

# What a value must be, one SPARQL test each of the value (``{v}``).
_NODE_KINDS = {"IRI": "isIRI({v})", "Literal": "isLiteral({v})", "BlankNode": "isBlank({v})",
               "BlankNodeOrIRI": "!isLiteral({v})", "BlankNodeOrLiteral": "!isIRI({v})",
               "IRIOrLiteral": "!isBlank({v})"}
_BOUNDS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_VALUE = {"datatype", "nodeKind", "class", "in", "pattern", "minLength", "maxLength", "node",
          "or", "and", "not", *_BOUNDS}
_COUNT = {"minCount", "maxCount", "qualifiedValueShape", "qualifiedMinCount",
          "qualifiedMaxCount"}
_PAIR = {"lessThan", "lessThanOrEquals", "disjoint", "equals"}
# The constraint components compiled, by their parameter's name.
COMPONENTS = _VALUE | _COUNT | _PAIR | {"flags"}
# What a shape may say besides its constraints.
_NOT_CONSTRAINTS = {"path", "severity", "message", "name", "description", "targetClass",
                    "property", "order", "group", "deactivated"}
# Targets other than a class's instances: a shape with one is left to validate.
_OTHER_TARGETS = {"targetNode", "targetSubjectsOf", "targetObjectsOf", "target"}


class Unsupported(Exception):
    """A shape uses a path or component not compiled here: ``validate`` alone checks it."""


class _Shapes:
    """The ontology graphs' triples about shapes, by subject."""

    def __init__(self, store: ox.Store):
        self.about: dict[object, list[tuple[str, object]]] = {}
        self._subclasses: dict | None = None
        for graph in store.named_graphs():  # the ontology's alone: the data is far bigger
            if isinstance(graph, ox.NamedNode) and is_role(graph, ONTOLOGY):
                for q in store.quads_for_pattern(None, None, None, graph):
                    self.about.setdefault(q.subject, []).append((q.predicate.value, q.object))

    def kinds(self, classes) -> str:
        """Return ``classes`` and their subclasses, as SPARQL terms: matching ``?node a ?type``
        against them is what ``a/rdfs:subClassOf*`` says, without walking the path per node
        and per shape (which took the shapes' queries from 0.18 s to 0.06 s)."""
        if self._subclasses is None:
            self._subclasses = {}
            for node, facts in self.about.items():
                for p, o in facts:
                    if p == _SUBCLASS:
                        self._subclasses.setdefault(o, set()).add(node)
        found, todo = set(), list(classes)
        while todo:
            c = todo.pop()
            if c not in found:
                found.add(c)
                todo += self._subclasses.get(c, ())
        return " ".join(sorted(str(c) for c in found))

    def values(self, node, predicate: str) -> list:
        return [o for p, o in self.about.get(node, ()) if p == predicate]

    def one(self, node, predicate: str):
        found = self.values(node, predicate)
        return found[0] if found else None

    def items(self, node) -> list:
        """Return the members of the RDF list at ``node``."""
        items, seen = [], set()
        while node is not None and node.value != _NIL and node not in seen:
            seen.add(node)
            items += self.values(node, _RDF + "first")
            node = self.one(node, _RDF + "rest")
        return items

    def parameters(self, node) -> dict[str, list]:
        """Return a shape's SHACL parameters by local name (``datatype``: [xsd:integer])."""
        found: dict[str, list] = {}
        for p, o in self.about.get(node, ()):
            if p.startswith(SH):
                found.setdefault(p[len(SH):], []).append(o)
        return found


def _test(shapes: _Shapes, node, v: str, top: bool = False) -> str:
    """Return a SPARQL expression true when the value ``v`` conforms to the value constraints of
    shape ``node``; never an error (an error filters a row out: it would pass the value).  A
    shape values are held to (``sh:node``, ``sh:or``) with property shapes of its own, or
    counts, is not compiled."""
    params = shapes.parameters(node)
    if set(params) - _VALUE - _COUNT - _PAIR - _NOT_CONSTRAINTS - {"flags"} or \
            set(params) & (_COUNT | _PAIR) and "path" not in params or \
            not top and "property" in params:
        raise Unsupported(", ".join(sorted(set(params) - _NOT_CONSTRAINTS)))
    tests = []
    for name, objects in params.items():
        for o in objects:
            tests.append(_one_test(shapes, node, name, o, v, params))
    tests = [t for t in tests if t is not None]
    return "(" + " && ".join(f"COALESCE({t}, false)" for t in tests) + ")" if tests else "true"


def _one_test(shapes: _Shapes, node, name: str, o, v: str, params: dict) -> str | None:
    if name == "datatype":
        return f"(isLiteral({v}) && DATATYPE({v}) = {o})"
    if name == "nodeKind":
        return _NODE_KINDS[o.value[len(SH):]].format(v=v)
    if name == "class":
        return f"EXISTS {{ VALUES ?kind {{ {shapes.kinds([o])} }} {v} a ?kind }}"
    if name == "in":
        return f"({v} IN ({', '.join(str(t) for t in shapes.items(o))}))"
    if name == "pattern":
        flags = params.get("flags", [ox.Literal("")])[0]
        return f"(!isBlank({v}) && REGEX(STR({v}), {ox.Literal(o.value)}, {ox.Literal(flags.value)}))"
    if name in ("minLength", "maxLength"):
        return f"(!isBlank({v}) && STRLEN(STR({v})) {'>=' if name == 'minLength' else '<='} " \
               f"{int(o.value)})"
    if name in _BOUNDS:
        return f"({v} {_BOUNDS[name]} {o})"
    if name == "node":
        return _test(shapes, o, v)
    if name in ("or", "and"):
        parts = [_test(shapes, member, v) for member in shapes.items(o)]
        return "(" + (" || " if name == "or" else " && ").join(parts or ["true"]) + ")"
    if name == "not":
        return f"!{_test(shapes, o, v)}"
    return None  # a count or a pair: the property shape's own branches


def _path(shapes: _Shapes, path) -> list[ox.NamedNode]:
    """Return the properties a path follows: a property, or the alternatives of one."""
    if isinstance(path, ox.NamedNode):
        return [path]
    alternatives = shapes.one(path, SH + "alternativePath")
    members = shapes.items(alternatives) if alternatives is not None else []
    if members and all(isinstance(m, ox.NamedNode) for m in members):
        return members
    raise Unsupported("a path other than a property or sh:alternativePath of properties")


def _targets(shapes: _Shapes, classes: list) -> str:
    return f"VALUES ?class {{ {shapes.kinds(classes)} }} ?focus a ?class ."


def _property_query(shapes: _Shapes, shape, classes: list) -> str:
    """Return the query finding the values and nodes breaking property shape ``shape``: rows of
    ``?graph ?focus ?path`` and, for a value's finding, ``?value``."""
    params = shapes.parameters(shape)
    paths = _path(shapes, params["path"][0])
    target = _targets(shapes, classes)
    along = "VALUES ?path { " + " ".join(map(str, paths)) + " }"
    alternatives = "|".join(map(str, paths))
    branches = []
    value_test = _test(shapes, shape, "?value", top=True)
    if value_test != "true":
        branches.append(f"{target} {along} GRAPH ?graph {{ ?focus ?path ?value }} "
                        f"FILTER(!{value_test})")
    for name, op in (("minCount", "<"), ("maxCount", ">")):
        for bound in params.get(name, []):
            branches.append(_count(target, alternatives, "true", f"?n {op} {int(bound.value)}",
                                   along, name == "maxCount"))
    for qualified in params.get("qualifiedValueShape", []):
        test = _test(shapes, qualified, "?v")
        for name, op in (("qualifiedMinCount", "<"), ("qualifiedMaxCount", ">")):
            for bound in params.get(name, []):
                branches.append(_count(target, alternatives, test,
                                       f"?n {op} {int(bound.value)}", along, op == ">"))
    for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
        for other in params.get(name, []):
            branches.append(f"{target} {along} GRAPH ?graph {{ ?focus ?path ?value }} "
                            f"?focus {other} ?other FILTER(!COALESCE(?value {op} ?other, false))")
    for other in params.get("disjoint", []):
        branches.append(f"{target} {along} GRAPH ?graph {{ ?focus ?path ?value }} "
                        f"?focus {other} ?value")
    for other in params.get("equals", []):
        branches.append(f"{target} {along} GRAPH ?graph {{ ?focus ?path ?value }} "
                        f"FILTER NOT EXISTS {{ ?focus {other} ?value }}")
    return _select(branches)


def _count(target: str, alternatives: str, test: str, broken: str, along: str,
           too_many: bool) -> str:
    """Return a branch finding nodes with too few or too many values (passing ``test``): on a
    value's graph for too many (its line is that of the property repeated), else on the graph
    typing the node."""
    counted = (f"{{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {target} "
               f"OPTIONAL {{ ?focus {alternatives} ?v FILTER(COALESCE({test}, false)) }} }} "
               f"GROUP BY ?focus }} FILTER({broken})")
    if too_many:
        return f"{counted} {along} GRAPH ?graph {{ ?focus ?path ?any }}"
    return f"{counted} {along} GRAPH ?graph {{ ?focus a ?type }}"


def _select(branches: list[str]) -> str:
    return ("SELECT DISTINCT ?graph ?focus ?path ?value WHERE { "
            + " UNION ".join(f"{{ {b} }}" for b in branches) + " }")


def _node_query(shapes: _Shapes, shape, classes: list) -> str | None:
    """Return the query finding nodes breaking node shape ``shape``'s own value constraints
    (a closed list, ``sh:in``): rows of ``?graph ?focus`` and the type triple making the node
    one to check, on whose line (the type claim's ``rdf:object``) the finding is."""
    test = _test(shapes, shape, "?focus", top=True)
    if test == "true":
        return None
    return (f"SELECT DISTINCT ?graph ?focus ?path ?value WHERE {{ {_targets(shapes, classes)} "
            f"BIND(<{_RDF}type> AS ?path) GRAPH ?graph {{ ?focus ?path ?class }} "
            f"BIND(?class AS ?value) FILTER(!{test}) }}")


def _short(iri: str) -> str:
    return "agsh:" + iri[len(_SHAPES):] if iri.startswith(_SHAPES) else iri


def _named(shapes: _Shapes, shape) -> str:
    """Return the name a shape's findings carry: a shape written as a blank node
    (``sh:property [ sh:path ag:x ; ... ]``) by its path."""
    if isinstance(shape, ox.NamedNode):
        return _short(shape.value)
    path = shapes.one(shape, SH + "path")
    return f"shape:{path.value.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}" \
        if isinstance(path, ox.NamedNode) else "shape"


def _said(shapes: _Shapes, shape) -> str:
    message = shapes.one(shape, SH + "message") or shapes.one(shape, SH + "name")
    return message.value if message is not None else f"the data breaks {_named(shapes, shape)}"


def _violations(shapes: _Shapes, shape) -> bool:
    severity = shapes.one(shape, SH + "severity")
    deactivated = shapes.one(shape, SH + "deactivated")
    return (severity is None or severity.value == _VIOLATION) and \
        not (deactivated is not None and deactivated.value == "true")


def _compiled(shapes: _Shapes) -> tuple[list[Check], list[str]]:
    targets: dict[object, list] = {}  # a shape -> the classes whose instances it checks
    for node in list(shapes.about):
        classes = shapes.values(node, SH + "targetClass")
        if classes:
            targets.setdefault(node, []).extend(classes)
            for prop in shapes.values(node, SH + "property"):
                targets.setdefault(prop, []).extend(classes)
    found = []
    refused = [f"{_short(node.value)}: a target other than sh:targetClass"
               for node in shapes.about if isinstance(node, ox.NamedNode)
               and set(shapes.parameters(node)) & _OTHER_TARGETS and _violations(shapes, node)]
    for shape, classes in sorted(targets.items(), key=lambda t: t[0].value):
        if not _violations(shapes, shape):
            continue
        try:
            if shapes.one(shape, SH + "path") is not None:
                sparql = _property_query(shapes, shape, list(set(classes)))
            else:
                sparql = _node_query(shapes, shape, list(set(classes)))
        except (Unsupported, KeyError, ValueError) as exc:
            refused.append(f"{_named(shapes, shape)}: {exc}")
            continue
        if sparql is not None:
            found.append(Check(_named(shapes, shape), _said(shapes, shape), sparql))
    return found, refused


def shape_checks(store: ox.Store) -> list[Check]:
    """Return a check per ``sh:Violation`` shape of the store's ontology graphs."""
    return _compiled(_Shapes(store))[0]


def unsupported(store: ox.Store) -> list[str]:
    """Return the shapes (with why) that use what is not compiled here: ``validate`` alone
    refuses what they say."""
    return _compiled(_Shapes(store))[1]
