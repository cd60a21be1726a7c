"""A graph answer (CONSTRUCT, DESCRIBE) as ``query`` writes it: declaring only the prefixes it
uses, as /sparql and export declare them, without holding the whole of it."""

from __future__ import annotations

import re
from itertools import chain, islice

import pyoxigraph as ox

from ..query import blank_labels
from ..query import results as queries
from ..query.used_prefixes import declaring_used

# Triples of a graph answer held at a time, to declare only the prefixes its Turtle or RDF/XML
# uses, as /sparql and export declare them: Oxigraph's writers declare every prefix given
# before the first triple (a CONSTRUCT of two triples came under sixteen @prefix lines).
HELD_TRIPLES = 10_000
_PREFIX_LINES = re.compile(rb"(?:@prefix [^\n]*\n)*")


def pieces(triples, fmt: str, text: str):
    """Return ``(pieces, None)``, the pieces of a graph answer's document in ``fmt``
    declaring only the prefixes it uses (``used_prefixes.declaring_used``), or ``(None,
    triples)`` to write as they come: in a format declaring none, or in RDF/XML past
    ``HELD_TRIPLES``, whose namespaces are all declared on its first element.  Turtle past
    ``HELD_TRIPLES`` is written that many triples at a time, a prefix declared before the
    first that uses it (Turtle declares prefixes anywhere).  The blank nodes are relabelled
    where the query's ``text`` may make a label (``blank_labels.gated``), as /sparql's."""
    rdf_format = queries.GRAPH_FORMATS[fmt].oxigraph
    if queries.prefixes_for(rdf_format) is None:
        return None, blank_labels.gated(triples, text)
    triples = iter(queries.unwrap(triples))
    with queries.evaluating():
        head = list(islice(triples, HELD_TRIPLES + 1))
    if len(head) <= HELD_TRIPLES:
        return [declaring_used(queries.serialize(blank_labels.gated(head, text), fmt),
                               rdf_format)], None
    if fmt != "turtle":
        return None, blank_labels.gated(chain(head, triples), text)
    return _turtle_pieces(chain(head, triples), text), None


def _turtle_pieces(triples, text: str):
    """Yield a graph answer's Turtle ``HELD_TRIPLES`` triples at a time, each piece with the
    @prefix lines it uses that no piece before declared."""
    declared: set[bytes] = set()
    while True:
        with queries.evaluating():
            chunk = list(islice(triples, HELD_TRIPLES))
        if not chunk:
            return
        data = declaring_used(queries.serialize(blank_labels.gated(chunk, text), "turtle"),
                              ox.RdfFormat.TURTLE)
        prefixes = _PREFIX_LINES.match(data).end()
        lines = [line for line in data[:prefixes].splitlines(keepends=True)
                 if line not in declared]
        declared.update(lines)
        yield b"".join(lines) + data[prefixes:]
