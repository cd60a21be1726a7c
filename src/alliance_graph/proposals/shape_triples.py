"""Find the triple a shape's finding with no one property is about, so it is placed on it.

pyshacl reports no ``sh:resultPath`` where a shape does not name one property, and such a
finding was placed on its node's first type claim, whatever caused it:

- a closed list's node shape (``agsh:StanceShape``: ``sh:in`` the ontology's five stances)
  fires on a node typed as a member it does not list, a thing the contributor wrote in a
  type claim, the one whose ``rdf:object`` names that class: its line is the one to change (a
  node given two types had it on the first type claim written, of another class);
- a property shape on an alternative path (``agsh:proposition-assessor``: ``ag:affirmedBy``,
  ``ag:deniedBy`` or ``ag:questionedBy``, each an actor or a source) fires on a value one of
  those properties gives: the claim giving it is the one to change, where the finding was on
  the proposition's type claim, lines away.

A finding with nothing of the kind to point at (no assessor at all: a claim to add) stays on
its node's type claim, where the node is typed as what needs one.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ..rdf import to_ox

_TYPE = ox.NamedNode(str(RDF.type))


def about(shapes: Graph, shape, focus, value, held: Callable[[object, object, object], bool]):
    """Return (property, value) of the triple a finding of ``shape`` on ``focus`` (with its
    offending ``value``, or None) is about, when pyshacl named no property; (None, value) when
    there is no one triple to name.  ``held(s, p, o)``: whether the inputs state the triple,
    or derive it from a claim."""
    path = shapes.value(shape, SH.path)
    if path is not None and value is not None:
        for p in _alternatives(shapes, path):
            if held(focus, p, value):
                return p, value
        return None, value
    if path is None and value is not None and value == focus:
        # A node shape judging the node itself (sh:in): the type claim naming its class.
        for cls in shapes.objects(shape, SH.targetClass):
            target = to_ox(cls)
            if held(focus, _TYPE, target):
                return _TYPE, target
    return None, value


def _alternatives(shapes: Graph, path) -> list[ox.NamedNode]:
    """Return the properties of an ``sh:alternativePath`` of properties (none for a path of
    another kind, which names no one triple)."""
    head = shapes.value(path, SH.alternativePath)
    if head is None:
        return []
    members = list(Collection(shapes, head))
    return [to_ox(m) for m in members] if all(isinstance(m, URIRef) for m in members) else []
