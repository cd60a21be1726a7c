"""Say where a query writes each name: in a class's place, a property's, or a graph's.

The absent-name notes (``absent_names``) looked for the name meant among every typed name of
its namespace, whatever the query used it as: ``?s a ag:Countrie`` was offered
``ag:counters``, a property where a class belongs.  A name's place is read from the tokens
around it, as far as that is plain without parsing the query: a class's place is the object of
``a``, ``rdf:type`` or ``rdfs:subClassOf`` (as a path's last step too,
``rdf:type/rdfs:subClassOf* ag:State``, and an object list's next, ``a ag:A, ag:B``); a
property's place is after ``;``, ``[``, an annotation's ``{|``, a path's ``/``, ``|`` or ``^``,
a negated property set's ``!`` or a group's ``(`` in a step's place (``!(ag:p|ag:q)``,
``(ag:p)*``), and after a triple's subject that follows ``{``, ``.``, ``}``, ``)`` (a FILTER's
or a BIND's end) or a triple term's ``<<(``.  A
VALUES block's names are data, in no place (``None``).  A name written in both kinds of
place is in BOTH, told from one in none: both were None, and ``?s a ag:attendees . ?s
ag:attendees ?o`` was offered neither kind's aligned name (``aligned_names``), where one in a
property's place alone was offered ``ag:participant``.  Either way every name of its
namespace is looked among.  ``graphs`` are the IRIs a ``GRAPH`` names, whose absence a note
says too (``absent_graphs``).
"""

from __future__ import annotations

from ..namespaces import PREFIX_IRIS

CLASS, PROPERTY, BOTH = "class", "property", "both"

_RDF, _RDFS = PREFIX_IRIS["rdf"], PREFIX_IRIS["rdfs"]
# Predicates whose object is a class.
_CLASS_OF = {_RDF + "type", _RDFS + "subClassOf"}
# What a property follows: a predicate-object list's ';', a blank node's '[', a path's steps.
_BEFORE_PROPERTY = {";", "[", "/", "|", "^", "{|"}
# What a triple begins after (a triple term's too), and the terms it may begin with.
_BEFORE_TRIPLE = {"{", ".", "}", "<<", "<<("}
_TERMS = {"VAR", "PNAME_LN", "IRIREF", "BLANK_NODE_LABEL", "ANON"}
_NAMES = {"PNAME_LN", "IRIREF"}


def places(tokens, iris: dict[int, str]) -> tuple[dict[str, str | None], list[str]]:
    """Return the place of each IRI of ``iris`` (a name token's index: the IRI it resolves
    to), CLASS, PROPERTY, BOTH or None (in neither), and the IRIs a ``GRAPH`` names, in the
    query's order."""
    data = blocks(tokens, "VALUES")
    found: dict[str, set[str | None]] = {}
    graphs: dict[str, None] = {}
    last_class = False  # whether the term before a ',' was in a class's place
    for i, iri in iris.items():
        before = tokens[i - 1] if i else None
        if before is not None and before.kind == "NAME" and before.text.upper() == "GRAPH":
            graphs[iri] = None
            continue
        place = None if i in data else _place(tokens, iris, i, last_class)
        last_class = place == CLASS
        found.setdefault(iri, set()).add(place)
    return {iri: _one(p - {None}) for iri, p in found.items()}, list(graphs)


def _one(kinds: set) -> str | None:
    """Return the place of a name written in ``kinds`` of place: None, the one, or BOTH."""
    return BOTH if len(kinds) > 1 else next(iter(kinds), None)


def _place(tokens, iris: dict[int, str], i: int, last_class: bool) -> str | None:
    """Return the place of the name at ``i``, from the tokens before it."""
    before = tokens[i - 1] if i else None
    if before is None:
        return None
    kind = before.kind
    if (kind == "NAME" and before.text == "a") or iris.get(i - 1) in _CLASS_OF:
        return CLASS
    if kind in ("*", "+") and iris.get(i - 2) in _CLASS_OF:  # rdfs:subClassOf* ag:State
        return CLASS
    if kind == "," and last_class and iris.get(i - 2) is not None:
        return CLASS
    if _path_starts(tokens, i, after_close=True):
        return PROPERTY
    return None


def _path_starts(tokens, i: int, after_close: bool = False) -> bool:
    """Return whether a path's step may begin at ``i``: after ``;``, ``[``, a path's ``/``,
    ``|`` or ``^``, after a triple's subject, or after the ``!`` of a negated property set or
    a group's ``(`` that is itself where a step begins (``?s !(ag:p|ag:q) ?o``, ``?s (ag:p)*
    ?o``, which were in no place: a class offered for them).  A triple begins after ``)``
    too (``FILTER(?x) ?s ag:p ?o``, ``BIND(... AS ?b) ?b ag:p ?o``: in no place before) for a
    name alone (``after_close``), not after a ``(``: a SELECT's ``(?x AS ?n) ?m (ag:f(?x) AS
    ?k)`` calls a function."""
    while i and tokens[i - 1].kind in ("!", "("):  # walked back, not recursed: ((((( ag:p
        i -= 1
        after_close = False
    before = tokens[i - 1] if i else None
    if before is None:
        return False
    if before.kind in _BEFORE_PROPERTY:
        return True
    return before.kind in _TERMS and i >= 2 and (
        tokens[i - 2].kind in _BEFORE_TRIPLE or (after_close and tokens[i - 2].kind == ")"))


def blocks(tokens, keyword: str) -> set[int]:
    """Return the places of the tokens in the braces after each ``keyword``: a VALUES block's
    data (``VALUES ?x { ag:A ag:B }``), where names are values, in no triple's place; a
    SERVICE's pattern (``absent_names``), which another store answers."""
    inside: set[int] = set()
    for i, token in enumerate(tokens):
        if token.kind == "NAME" and token.text.upper() == keyword:
            j = i + 1
            while j < len(tokens) and tokens[j].kind != "{":
                j += 1
            depth = 0
            for k in range(j, len(tokens)):
                depth += {"{": 1, "}": -1}.get(tokens[k].kind, 0)
                inside.add(k)
                if depth == 0:
                    break
    return inside
