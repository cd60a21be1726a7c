"""Recognise the blank nodes a proposal restates: ``[ ... ]`` the graph already holds.

A blank node has no name, so a proposal that repeats an evidence block already in data/ (its
``oa:hasSelector [ ... ]`` included) parses into new blank nodes beside the stored ones: the
evidence would seem to have two quote selectors.  A blank node hanging under the same subject
and property as one of the graph's, with the same description all the way down, is the same
fact said again, and is left out of the proposal (``add`` skips it likewise).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pyoxigraph as ox

from ..rdf import term_text


class Shapes:
    """The description of each blank node of some quads, as a digest of its whole subtree."""

    def __init__(self, quads):
        self.by_subject: dict[ox.Node, list[ox.Quad]] = defaultdict(list)
        for q in quads:
            self.by_subject[q.subject].append(q)
        self._digest: dict[ox.BlankNode, str] = {}

    def digest(self, node: ox.BlankNode) -> str:
        """Return a digest of everything said under ``node``, blank node ids left out."""
        stack, on_stack = [node], {node}
        while stack:  # post-order without recursion: nesting may be thousands deep
            top = stack[-1]
            pending = [q.object for q in self.by_subject.get(top, ())
                       if isinstance(q.object, ox.BlankNode) and q.object not in self._digest
                       and q.object not in on_stack]
            if pending:
                stack.extend(pending)
                on_stack.update(pending)
                continue
            stack.pop()
            on_stack.discard(top)
            parts = sorted(f"{q.predicate.value} {self._text(q.object)}"
                           for q in self.by_subject.get(top, ()))
            self._digest[top] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._digest[node]

    def _text(self, term) -> str:
        if isinstance(term, ox.BlankNode):
            return "_:" + self._digest.get(term, "cycle")
        return term_text(term)

    def subtree(self, node: ox.BlankNode) -> set[ox.Quad]:
        """Return the quads describing ``node`` and the blank nodes under it."""
        found, frontier, seen = set(), [node], {node}
        while frontier:
            for q in self.by_subject.get(frontier.pop(), ()):
                found.add(q)
                if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                    seen.add(q.object)
                    frontier.append(q.object)
        return found


def restated(proposal: list[ox.Quad], graph: list[ox.Quad]) -> set[ox.Quad]:
    """Return the quads of ``proposal`` that restate a blank node of ``graph``: the link to it
    and its whole description, when the graph has a blank node with the same description under
    the same subject and property."""
    stored: dict[tuple, list[ox.BlankNode]] = defaultdict(list)
    for q in graph:
        if isinstance(q.object, ox.BlankNode) and not isinstance(q.subject, ox.BlankNode):
            stored[(q.subject, q.predicate)].append(q.object)
    if not stored:
        return set()
    ours, theirs = Shapes(proposal), Shapes(graph)
    dropped: set[ox.Quad] = set()
    for q in proposal:
        if not isinstance(q.object, ox.BlankNode) or (q.subject, q.predicate) not in stored:
            continue
        digest = ours.digest(q.object)
        if any(theirs.digest(b) == digest for b in stored[(q.subject, q.predicate)]):
            dropped.add(q)
            dropped |= ours.subtree(q.object)
    return dropped
