"""Blank node labels every RDF syntax carries, for a graph answer written by Oxigraph.

Oxigraph takes as a blank node's label what ``BNODE("...")`` is given, if it is made of
letters, digits, "_", "-", "." and ":" (and so may a SERVICE's answer): ``BNODE("1")``,
``BNODE(STR(?year))`` or ``BNODE("a:b")``.  Its writers then wrote labels no reader takes:
``rdf:nodeID="1"`` in RDF/XML (an XML name cannot start with a digit: rdflib and rapper
refuse the document), and ``_:a:b`` in Turtle, TriG, N-Triples and N-Quads (a label holds no
":": rdflib's Turtle reader and Oxigraph's own read a blank node ``_:a`` and a prefixed name
``:b``, and refuse the document).  ``carried`` writes each such label, and every label
starting with "x", as "x" and the hex of its UTF-8 bytes (as ``store.remote_answers`` writes a
remote store's labels), so two labels never become one; a label's meaning is only which
triples share it, which every label keeps.  The labels Oxigraph makes itself (hex starting
with a letter from a to f) are left as they are.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..terminals import SKIP

# What in a query's text can give its answer a label Oxigraph did not make: BNODE given an
# argument, or another store's answer (SERVICE).  Read on the raw text (a word in a string or
# a comment counts too, which costs only the relabelling); a data file's labels are Turtle's,
# which every syntax but RDF/XML carries (``xml_check`` tells that one).
_MADE = re.compile(rf"bnode{SKIP}\({SKIP}[^\s)#]|service", re.I)


def made_by(text: str) -> bool:
    """Return whether the answer of query ``text`` may hold a label ``carried`` rewrites."""
    return _MADE.search(text) is not None


class AsMade:
    """A graph answer whose query's text makes no label ``carried`` rewrites: ``carried``
    passes its triples on as they come (an answer of any kind but a SELECT's or an ASK's to
    ``results.kind_of``, so any writer of answers takes it)."""

    def __init__(self, triples):
        self.triples = triples

    def __iter__(self):
        return iter(self.triples)


def gated(triples, text: str):
    """Return the graph answer ``triples`` of query ``text`` to be written: as it is where
    the text may make a label ``carried`` rewrites (``made_by``), else ``AsMade``, which
    ``carried`` passes on untouched, as /sparql decides it (``answer``): relabelled always,
    the command line's 200,000-triple CONSTRUCT took 0.30 -> 0.45 s of CPU."""
    return triples if made_by(text) else AsMade(triples)


# A label every syntax reads as it is: an XML name (RDF/XML's rdf:nodeID) that is also a
# Turtle label, plain ASCII, not starting with "x".
_CARRIED = re.compile(r"[A-Za-wyz_][A-Za-z0-9_\-]*")


def label(value: str) -> str:
    """Return the label a blank node of label ``value`` is written with."""
    return value if _CARRIED.fullmatch(value) else "x" + value.encode().hex()


def _term(term):
    """Return ``term`` with its blank nodes (inside a triple term too) relabelled."""
    kind = type(term)
    if kind is ox.BlankNode:
        new = label(term.value)
        return term if new == term.value else ox.BlankNode(new)
    if kind is ox.Triple:
        return _triple(term)
    return term


def _triple(t):
    subject, value = t.subject, t.object
    s, o = _term(subject), _term(value)
    return t if s is subject and o is value else ox.Triple(s, t.predicate, o)


_PLAIN = (ox.NamedNode, ox.Literal)  # the terms a label can hide in are neither


class Carried(list):
    """A graph answer read whole (``ag.run``'s) whose every label every RDF syntax reads as it
    is: ``carried`` passes it on untouched, as it does ``AsMade``.  Relabelled again, a label
    it was given ("x" and hex) was given another (``label`` rewrites every "x..."), and what
    ``results.serialize`` wrote named other nodes than the list it was given."""

    __slots__ = ()


def carried_whole(triples, text: str) -> Carried:
    """Return the graph answer ``triples`` of query ``text`` as a ``Carried`` list, relabelled
    where the text may make a label (``gated``), as the command line and /sparql write it:
    ``ag.run``'s list held ``BNODE("a:b")``'s label as it was, which ``pyoxigraph.serialize``
    and rdflib's writers then wrote ``_:a:b``, a document no reader takes."""
    return Carried(carried(gated(triples, text)))


def carried(triples):
    """Return ``triples`` (or quads) as an iterator, each blank node written with a label
    every RDF syntax reads (``label``); an ``AsMade`` answer's, and a ``Carried`` one's, as
    they are (``gated``, ``carried_whole``)."""
    kind = type(triples)
    if kind is AsMade:
        return iter(triples.triples)
    return iter(triples) if kind is Carried else _relabelled(triples)


def _relabelled(triples):
    """Yield ``carried``'s triples.  A triple of a named node and a named node or literal is
    passed on at once: 200,000 such triples written as N-Triples took 0.57 s of CPU through
    this with every term checked, 0.45 s so, 0.30 s by Oxigraph's writer alone (the rest is
    Python handling each triple, the price of a document every reader takes)."""
    quad = ox.Quad
    for t in triples:
        subject, value = t.subject, t.object
        if type(value) in _PLAIN and type(subject) is ox.NamedNode:
            yield t
            continue
        s, o = _term(subject), _term(value)
        if s is subject and o is value:
            yield t
        elif type(t) is quad:
            yield quad(s, t.predicate, o, t.graph_name)
        else:
            yield ox.Triple(s, t.predicate, o)
