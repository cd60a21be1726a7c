"""The two layouts of a build: per file (as built) and ``main`` (asserted triples in one graph).

The build writes every file's triples to its own named graph and the inferred ones to
``graph/inferred`` (the N-Quads cache).  The ``main`` layout copies the asserted triples into
one graph, ``graph/asserted``, where the engine reads them as one graph (``graph.py`` says
why); a triple two files state is kept once there.  A named graph rather than the store's
default graph: it reads as fast, and a store holding both layouts still names every quad.  Blank nodes
are scoped to one document when Oxigraph loads a file, so each layout is made from one document
(or copied inside one store), never pieced together from two loads.

Each build also records what its terms hold that a writer must know before it writes them
(``Terms``, the file ``terms.json`` in its directory store's folder): whether an IRI of it
holds a comma, or it holds an RDF 1.2 triple term, which Oxigraph's CSV writer leaves
unquoted (``query/csv_results.py``).  It is noted as the build's quads pass through Python
for the asserted copy, so no reader of the build has to scan it.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ASSERTED_GRAPH_IRI, INFERRED_GRAPH_IRI
from .sorted_lines import sorted_lines

ASSERTED = ox.NamedNode(ASSERTED_GRAPH_IRI)
INFERRED = ox.NamedNode(INFERRED_GRAPH_IRI)
# A remote store's third copy, the asserted and the inferred triples in one graph, which a
# query over the inferred triples reads there (``remote_quads.py`` says why); never local.
WITH_INFERRED = ox.NamedNode(ASSERTED_GRAPH_IRI + "-and-inferred")
_INFERRED_TAIL = f" <{INFERRED_GRAPH_IRI}> .\n".encode()
_ASSERTED_TAIL = f" <{ASSERTED_GRAPH_IRI}> .\n".encode()
# The main layout's runs: some 1.4 M lines of the generated graph's 210 bytes (a run was 2 M
# lines when it was counted in lines, some 460 MiB held), so a build holds no more than before.
MAIN_RUN_BYTES = 320 << 20


def file_graphs(store) -> list[ox.NamedNode]:
    """Return the files' named graphs of a store (every named graph but the two of ``main``)."""
    return sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)
                   and g not in (INFERRED, ASSERTED)), key=lambda g: g.value)


def asserted_copy(store, graphs: Iterable[ox.NamedNode]) -> Iterator[ox.Quad]:
    """Yield every triple of ``graphs`` as a quad of ``graph/asserted`` (same blank nodes)."""
    for graph in graphs:
        for q in store.quads_for_pattern(None, None, None, graph):
            yield ox.Quad(q.subject, q.predicate, q.object, ASSERTED)


def main_quads(store, graphs: Iterable[ox.NamedNode]) -> Iterator[ox.Quad]:
    """Yield the ``main`` layout of a per-file store: the files' triples in ``graph/asserted``,
    the inferred ones in ``graph/inferred``."""
    yield from asserted_copy(store, graphs)
    yield from store.quads_for_pattern(None, None, None, INFERRED)


class Terms:
    """What a build's terms hold, noted as its quads pass by (``noted``): an IRI holding a
    comma (a subject, predicate, object, literal's datatype or graph name), an RDF 1.2 triple
    term (both routes of the build refuse them: noted all the same, should one get in)."""

    FILE = "terms.json"  # the record's name in a build's folder

    def __init__(self, iri_with_comma: bool = False, triple_term: bool = False):
        self.iri_with_comma, self.triple_term = iri_with_comma, triple_term

    def noted(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """Yield ``quads``, noting their terms (their graph names: ``names``)."""
        named, literal, triple = ox.NamedNode, ox.Literal, ox.Triple
        for quad in quads:
            s, o = quad.subject, quad.object
            kind = type(o)  # a literal or an IRI most often: tested first
            iri = o.datatype.value if kind is literal else o.value if kind is named else ""
            if "," in iri or "," in quad.predicate.value or type(s) is named and "," in s.value:
                self.iri_with_comma = True
            if kind is triple or type(s) is triple:
                self.triple_term = True
            yield quad

    def read(self, quads: Iterable[ox.Quad]) -> None:
        """Note the terms of ``quads``, which are read for nothing else."""
        deque(self.noted(quads), maxlen=0)

    def names(self, graphs: Iterable) -> None:
        """Note graph names."""
        if any(type(g) is ox.NamedNode and "," in g.value for g in graphs):
            self.iri_with_comma = True

    def write(self, folder: Path) -> None:
        """Write the record into a build's folder."""
        (folder / self.FILE).write_text(json.dumps(
            {"iri_with_comma": self.iri_with_comma, "triple_term": self.triple_term}) + "\n")

    @classmethod
    def recorded(cls, folder: Path) -> Terms | None:
        """Return the record of the build in ``folder``; None when it has none (a build made
        before builds recorded their terms) or one that does not read as one."""
        try:
            record = json.loads((folder / cls.FILE).read_bytes())
            held = record["iri_with_comma"], record["triple_term"]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return cls(*held) if all(type(h) is bool for h in held) else None


def copy_noting(store, graphs: list[ox.NamedNode], terms: Terms) -> None:
    """Add the asserted copy of ``graphs`` to ``store`` (``asserted_copy``, through the bulk
    loader), noting in ``terms`` the terms of every quad of the store and its graph names: the
    files' as they are copied, the others' (graph/inferred) read for it."""
    others = [g for g in store.named_graphs() if g not in graphs] + [ox.DefaultGraph()]
    terms.names(graphs + others)
    for graph in others:  # graph/inferred, and none else in a build: all noted all the same
        terms.read(store.quads_for_pattern(None, None, None, graph))
    store.bulk_extend(terms.noted(asserted_copy(store, graphs)))


def write_main(nquads: Path, out, run_bytes: int = MAIN_RUN_BYTES) -> None:
    """Write the ``main`` layout of the build's N-Quads file to the binary stream ``out``.

    A text transform of each line, not a parse: the build's lines come from Oxigraph's N-Quads
    serializer, one quad a line, ending in `` <graph> .``; an asserted line gets
    ``graph/asserted`` for its graph term (the last `` <`` of the line: an IRI holds no space),
    an inferred line stays.  Blank node labels are kept, so the result is one document with the
    build's blank nodes.

    The lines are written sorted, so each subject's quads arrive together: Oxigraph's in-memory
    store, loaded in that order, answers the benchmark's mix with 12-17 % less CPU per request
    than loaded in the build's order (hash order for a large build; ``bench/breakdown.py``
    part 3 measures both).  ``sorted_lines`` sorts them in runs of ``run_bytes``, spilled
    beside ``nquads`` and merged, so a build of any size sorts in bounded memory.
    """
    with open(nquads, "rb") as lines:
        out.writelines(sorted_lines(map(main_line, lines), run_bytes=run_bytes,
                                    folder=nquads.parent))


def main_line(line: bytes) -> bytes:
    """Return a build line as the ``main`` layout writes it (``write_main``)."""
    if not line.endswith(b"\n"):  # a last line without its newline would join the next one
        line += b"\n"
    if line.endswith(_INFERRED_TAIL) or not line.strip():
        return line
    return line[:line.rindex(b" <")] + _ASSERTED_TAIL
