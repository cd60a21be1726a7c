"""The quads a load sends a remote store, and how they travel (``remote_load.py`` stages them).

A remote store holds the build (every file graph and graph/inferred) and two copies made from
it, each one graph so that a query's default graph is one graph to the store, never a list:

- graph/asserted, the union of the file graphs: a query's default graph;
- graph/asserted-and-inferred (``WITH_INFERRED``), the union of every graph of the build: a
  query's default graph when it asks for the inferred triples too.  Virtuoso 7.2 evaluates
  several queries wrongly over a default graph of two graphs (``aid-in-force-2020``
  ``--inferred`` gave one row of its two, ``aid-amounts`` 3 of 6, ``exercises`` 13 of 11).

Blank nodes must stay one node across graphs (a selector, and what was inferred about it), so
each blank node's quads travel in one request document: the whole build as one N-Quads
document to a Graph Store endpoint, or, through SPARQL Update, in batches that never split a
group of quads linked by blank nodes.  Those batches are ``INSERT { } WHERE { }`` templates,
because Virtuoso refuses blank nodes in ``INSERT DATA``; their graph names are variables bound
with ``BIND`` (Virtuoso fails on a template naming several graphs as constants, or bound with
``VALUES``), and they stay small because Virtuoso compiles a request into at most 10 000 lines
of SQL (about 3 000 triples).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .. import atomic
from ..namespaces import PREFIX_IRIS
from .layout import ASSERTED, INFERRED, WITH_INFERRED
from .remote_answers import XSD

# Datatypes whose constants Virtuoso changes in a template (see insert_requests): an
# integral decimal, a duration, and the integers' derived datatypes ("5"^^xsd:long was kept
# as an xsd:integer, "5"^^xsd:nonNegativeInteger as an xsd:int).
_BOUND = {XSD + name for name in """decimal duration long int short byte nonNegativeInteger
    positiveInteger nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort
    unsignedByte""".split()}
BATCH_QUADS = 1000
# Datatypes whose values a store may keep otherwise than sent, read back before the swap
# (remote_load._check_values): Virtuoso keeps a duration's months or its seconds, not both
# ("P1Y2M3D" came back "P1Y2M", and load said it had loaded the build), and a year before
# year 1 as a form that is none ("-0044" came back "-044"), and a decimal rounded to 15 digits
# after its point ("0.000000000000000001" came back "0").
READ_BACK = (XSD + "duration", XSD + "gYear", XSD + "gYearMonth", XSD + "date", XSD + "decimal")
# Datatypes with a NaN, which Virtuoso 7.2 cannot keep (remote_load._refuse_unkept).
_NAN_TYPES = (XSD + "double", XSD + "float")
# The N-Quads document posted to a store, while it is written and sent: a temporary file of
# ``atomic.write_temp`` beside the build cache (``.staged.nq.<random>.tmp``), held by its load,
# so that the next load removes one a killed load left, and no other (``.staged-*.nq``, the
# cleanup of each, by its age, took a user's ``.staged-notes.nq`` in a shared cache folder, and
# a document still being sent past the age).
STAGED = "staged.nq"
# Earlier versions' documents (mkstemp's names, 8 of [a-z0-9_]), unheld: removed once stale.
EARLIER_STAGED_GLOB = ".staged-" + "[a-z0-9_]" * 8 + ".nq"


def with_copies(nquads: Path) -> Iterator[ox.Quad]:
    """Yield every quad of the build, each asserted triple once more in graph/asserted, and
    each triple (asserted or inferred) once more in graph/asserted-and-inferred, where the
    build infers something (else graph/asserted is that union already)."""
    inferred = any(True for _ in _inferred_quads(nquads))
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        yield q
        if q.graph_name != INFERRED:
            yield ox.Quad(q.subject, q.predicate, q.object, ASSERTED)
        if inferred:
            yield ox.Quad(q.subject, q.predicate, q.object, WITH_INFERRED)


def _inferred_quads(nquads: Path) -> Iterator[ox.Quad]:
    return (q for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
            if q.graph_name == INFERRED)


def expected_counts(nquads: Path) -> tuple[dict[ox.NamedNode, int], set[ox.Literal],
                                           set[str]]:
    """Return the triples per graph once loaded (each copy holding each distinct triple once,
    counted by digest, so memory stays small however big the build), the literals of the
    datatypes read back (``READ_BACK``), each once, and the NaNs (``nan_of``)."""
    counts: Counter = Counter()
    asserted: set[bytes] = set()
    every: set[bytes] = set()
    values: set[ox.Literal] = set()
    nans: set[str] = set()
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        counts[q.graph_name] += 1
        if isinstance(q.object, ox.Literal) and q.object.datatype.value in READ_BACK:
            values.add(q.object)
        elif (nan := nan_of(q)) is not None:
            nans.add(nan)
        triple = f"{q.subject} {q.predicate} {q.object}".encode()
        digest = hashlib.blake2b(triple, digest_size=12).digest()
        every.add(digest)
        if q.graph_name != INFERRED:
            asserted.add(digest)
    if asserted:
        counts[ASSERTED] = len(asserted)
    if counts[INFERRED]:
        counts[WITH_INFERRED] = len(every)
    return dict(counts), values, nans


def nan_of(q: ox.Quad) -> str | None:
    """Return how to name ``q``'s object if it is a NaN (which Virtuoso 7.2 cannot keep), with
    the graph that holds it; else None."""
    if isinstance(q.object, ox.Literal) and q.object.datatype.value in _NAN_TYPES \
            and _is_nan(q.object.value):
        return f"{term_shown(q.object)} in {q.graph_name.value.removeprefix(PREFIX_IRIS['graph'])}"
    return None


def _is_nan(lexical: str) -> bool:
    try:
        return math.isnan(float(lexical))
    except ValueError:
        return False


def term_shown(term) -> str:
    """Return a term as a message writes it (an XML Schema datatype as ``xsd:``)."""
    return (f"{ox.Literal(term.value)}^^xsd:{term.datatype.value.removeprefix(XSD)}"
            if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD) else str(term))


def write_document(nquads: Path, out, rename=lambda graph: graph,
                   nans: set[str] | None = None) -> None:
    """Write the N-Quads document a remote store is filled with to ``out`` (a path or a binary
    stream): the build in ``nquads`` and its copies (``with_copies``), each graph named by
    ``rename`` (for a store's own bulk loader as is).  ``nans``, if given, gets each NaN
    written (``nan_of``)."""
    def seen(q: ox.Quad) -> ox.Quad:
        # Named by the graph holding it, not again by its copies.
        if nans is not None and q.graph_name not in (ASSERTED, WITH_INFERRED) \
                and (nan := nan_of(q)) is not None:
            nans.add(nan)
        return ox.Quad(q.subject, q.predicate, q.object, rename(q.graph_name))

    ox.serialize((seen(q) for q in with_copies(nquads)),
                 output=str(out) if isinstance(out, Path) else out, format=ox.RdfFormat.N_QUADS)


def post_document(remote, nquads: Path, staged, timeout: float) -> None:
    """Send the document (``write_document``, its graphs named by ``staged``) to ``remote``'s
    Graph Store endpoint, written beside the build cache (``STAGED``) and removed once sent
    (or by the next load, if this one is killed)."""
    path = atomic.write_temp(nquads.parent / STAGED,
                             lambda out: write_document(nquads, out, staged), held=True)
    try:
        remote.post_quads(path, timeout)
    finally:
        path.unlink(missing_ok=True)
        atomic.release(path)


def batches(quads: Iterable[ox.Quad], size: int) -> list[list[ox.Quad]]:
    """Split quads into batches of about ``size`` that never part quads sharing a blank node."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    quads = list(quads)
    plain: list[ox.Quad] = []
    linked: list[tuple[ox.Quad, str]] = []
    for q in quads:
        nodes = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        if not nodes:
            plain.append(q)
            continue
        first = root(nodes[0])
        for other in nodes[1:]:
            parent[root(other)] = first
        linked.append((q, nodes[0]))
    groups: dict[str, list[ox.Quad]] = {}
    for q, node in linked:
        groups.setdefault(root(node), []).append(q)
    out: list[list[ox.Quad]] = []
    current: list[ox.Quad] = []
    for group in [*groups.values(), *([q] for q in plain)]:
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out


def insert_requests(quads: Iterable[ox.Quad], staged, size: int) -> Iterator[str]:
    """Yield the SPARQL Updates inserting ``quads`` into the graphs ``staged`` names, in
    ``batches`` of about ``size``."""
    for batch in batches(quads, size):
        by_graph: dict[ox.NamedNode, list[str]] = {}
        binds: list[str] = []
        for q in batch:
            obj = str(q.object)
            kind = q.object.datatype.value if isinstance(q.object, ox.Literal) else None
            long = kind == XSD + "integer" and len(q.object.value.lstrip("+-").lstrip("0")) == 19
            if kind in _BOUND or long:
                # Virtuoso reads these constants in a template as SQL numbers (an integral
                # decimal comes back an integer, a duration fails); built with STRDT they keep
                # their type.  An xsd:integer of 19 digits (10^18 to 2^63 - 1) it kept as an
                # xsd:decimal (written back without a fraction: no answer told it from one),
                # and made so by STRDT too; cast, it keeps an integer.
                obj, value = f"?v{len(binds)}", ox.Literal(q.object.value)
                made = f"<{kind}>({value})" if long else f"STRDT({value}, <{kind}>)"
                binds.append(f"BIND({made} AS {obj})")
            by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {obj} .")
        names = list(by_graph)
        template = "\n".join(f"GRAPH ?g{i} {{\n" + "\n".join(by_graph[g]) + "\n}"
                             for i, g in enumerate(names))
        binds += [f"BIND(<{staged(g).value}> AS ?g{i})" for i, g in enumerate(names)]
        yield f"INSERT {{\n{template}\n}} WHERE {{\n" + "\n".join(binds) + "\n}"
