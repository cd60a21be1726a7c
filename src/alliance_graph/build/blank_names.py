"""How a build names each file's blank nodes: by the file and the node's place in it, a
label the file wrote kept in the name (``blank_scope``), and that label read back
(``written_label``).  Out of ``loading.py``, which was at its 400 lines; it imports them from
here, for its callers."""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox


def blank_scope(name: str):
    """Return the function naming each blank node of file ``name`` in a build.

    RDF scopes a written label to its document: kept, `_:b1` of two files was one node of the
    graph.  A node is named here by its file and its place in the file, alike on both routes
    of a build and at each build of the same text (the parser names each `[ ]` at random; an
    engine's bulk load of the build names them again, so a store's labels still change).  A
    proposal's findings keep the labels it wrote: this is the graph built, not
    ``parse_turtle``.  A node the file writes ``_:label`` keeps its label in its name
    (``written_label``): named by its place alone, a data check's finding on it (a claim left
    ``_:loose``) named a node the file does not hold and had no line."""
    prefix = "f" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def scoped(term):
        if not isinstance(term, ox.BlankNode):
            return term
        named = names.get(term)
        if named is None:
            place = f"b{len(names)}" if _UNWRITTEN.fullmatch(term.value) else f"l{term.value}"
            named = names[term] = ox.BlankNode(prefix + place)
        return named
    return scoped


# The parser's name for a node it was not given one for (``[ ]``, a list's): 128 random bits
# in hex without leading zeros, the first digit a letter; shorter than 25 digits about once
# in four billion.  A label written so is taken for one, and not kept (``_:b0`` is kept).
_UNWRITTEN = re.compile(r"[a-f][0-9a-f]{24,31}")
_KEPT = re.compile(r"f[0-9a-f]{16}l(.+)")


def written_label(node: ox.BlankNode) -> str | None:
    """Return the label a file wrote a blank node of a build with (``loose`` of ``_:loose``),
    or None for a node it wrote without one."""
    kept = _KEPT.fullmatch(node.value)
    return kept.group(1) if kept else None
