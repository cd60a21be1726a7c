"""Fill a remote store with a build: staged under temporary names, then swapped in at once.

The build's quads (every file graph and graph/inferred, from the N-Quads cache) and
graph/asserted (the union of the file graphs) are first written to staging graphs under
``https://alliance-graph.example/loading/<token>/``, which no query reads.  Only when all of
them are in, and hold as many triples as they should, does one SPARQL Update move them onto
the real names and drop the project's graphs the build no longer has.  A load that fails or is
killed halfway leaves the previous build in use; its leftovers are dropped by the next load
(before it starts, and again when it is done, for a request the store was still running when
its client died).  The swap writes a marker naming the load (``LOADED``), read back after it
with the graphs' triple counts: an update URL answering 200 without updating, or a swap that
did not take, fails the load rather than report success.

One load at a time: the store's load lock (``load_lock.py``) is held for the whole load.

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
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import BASE, PREFIX_IRIS
from . import numbers
from .errors import StoreError
from .layout import ASSERTED, INFERRED
from .load_lock import Lock, load_lock
from .remote import RemoteStore
from .remote_answers import XSD, duration_value
from .remote_messages import shown

STAGING = BASE + "loading/"
LOADED = ox.NamedNode(BASE + "loaded")    # which load swapped the build in use in
_LOAD = BASE + "load#"                    # its properties
# Datatypes whose constants Virtuoso changes in a template (see _insert_requests): an
# integral decimal, a duration, and the integers' derived datatypes ("5"^^xsd:long was kept
# as an xsd:integer, "5"^^xsd:nonNegativeInteger as an xsd:int).
_BOUND = {XSD + name for name in """decimal duration long int short byte nonNegativeInteger
    positiveInteger nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort
    unsignedByte""".split()}
BATCH_QUADS = 1000
# Datatypes whose values a store may keep otherwise than sent, read back before the swap
# (_check_values): Virtuoso keeps a duration's months or its seconds, not both ("P1Y2M3D"
# came back "P1Y2M", and load said it had loaded the build), and a year before year 1 as a
# form that is none ("-0044" came back "-044"), and a decimal rounded to 15 digits after its
# point ("0.000000000000000001" came back "0").
_READ_BACK = (XSD + "duration", XSD + "gYear", XSD + "gYearMonth", XSD + "date", XSD + "decimal")
# Datatypes with a NaN, which Virtuoso 7.2 cannot keep (_refuse_unkept).
_NAN_TYPES = (XSD + "double", XSD + "float")


def load(remote: RemoteStore, nquads: Path, batch: int = BATCH_QUADS) -> list[ox.NamedNode]:
    """Replace this project's graphs in ``remote`` with the build in ``nquads``; return the
    graphs it now holds (graph/asserted included)."""
    timeout = max(remote.timeout, remote.load_timeout)
    token = uuid.uuid4().hex[:12]
    try:
        expected, values, nans = _expected_counts(nquads)
        _refuse_unkept(remote, nans)
        with load_lock(remote, token) as lock:
            return _load_locked(remote, nquads, batch, token, lock, timeout, expected, values)
    finally:
        remote.forget()


def _load_locked(remote: RemoteStore, nquads: Path, batch: int, token: str, lock: Lock,
                 timeout: float, expected: dict[ox.NamedNode, int],
                 values: set[ox.Literal]) -> list[ox.NamedNode]:
    _drop_leftovers(remote, timeout)

    def staged(graph: ox.NamedNode) -> ox.NamedNode:
        return ox.NamedNode(f"{STAGING}{token}/{graph.value[len(PREFIX_IRIS['graph']):]}")

    try:
        if remote.graph_store_url:
            _post_document(remote, nquads, staged, timeout)
        else:
            for text in _insert_requests(_with_asserted(nquads), staged, batch):
                remote.update(text, timeout)
        _check_counts(remote, {staged(g): n for g, n in expected.items()})
        _check_values(remote, values, [staged(g) for g in expected])
        lock.check()
        stale = [g for g in remote.held_graphs() if g not in expected]
        _swap(remote, f"{STAGING}{token}/", stale, [(staged(g), g) for g in
                                                    sorted(expected, key=str)],
              _marker(token, nquads), timeout)
        # The swap is checked, not trusted: an update URL answering 200 without updating (a
        # login page in front of the store) reported success before, the old build in use.
        _check_marker(remote, token)
        _check_counts(remote, expected, after_swap=True)
        # Once more: a killed load's last request may have landed while this one ran.
        _drop_leftovers(remote, timeout)
    except BaseException:
        _drop_staging(remote, token, timeout)
        raise
    return sorted(expected, key=lambda g: g.value)


def _swap(remote: RemoteStore, staging: str, stale: list, moves: list[tuple],
          marker: list[str], timeout: float) -> None:
    """Drop the stale graphs, move each staging graph onto its name and write the marker, in
    one update.  Virtuoso 7.2 makes an update's operations one by one, and one failing leaves
    those before it made (a NaN failed a MOVE: the graphs moved before it were in use, beside
    the old build's others and marker); sent again whole, its MOVEs of the graphs already
    moved would empty them (Virtuoso moves a graph it does not hold as an empty one).  So a
    failed swap is sent once more with only the staging graphs still there, and the build in
    use is then one build, or the failure says how much of the new one it holds."""
    left = {s for s, _ in moves}
    for _ in range(2):
        try:
            remote.update(" ;\n".join([f"DROP SILENT GRAPH <{g.value}>" for g in stale] + [
                f"MOVE <{s.value}> TO <{g.value}>" for s, g in moves if s in left] + marker),
                timeout, tries=1)
            return
        except StoreError as exc:
            failed = str(exc)  # not the error itself: its traceback holds this frame
        try:
            left = set(remote.graphs_under(staging))
            held = set(remote.held_graphs())
        except StoreError:
            raise StoreError(f"{failed}; whether the store made part of the swap is not known: "
                             "run load again") from None
    if not left.symmetric_difference(s for s, _ in moves) and set(stale) <= held:
        raise StoreError(f"{failed}; the build in use is left as it was")
    raise StoreError(f"{failed}; the store made part of the swap ({len(moves) - len(left)} of "
                     f"{len(moves)} graphs moved): it serves part of this build until load is "
                     "run again")


def _marker(token: str, nquads: Path) -> list[str]:
    # Written by the swap's own request: read back, it shows the swap was made.
    return [f"DROP SILENT GRAPH <{LOADED.value}>",
            f"INSERT DATA {{ GRAPH <{LOADED.value}> {{ <{LOADED.value}> <{_LOAD}token> "
            f"{ox.Literal(token)} ; <{_LOAD}build> {ox.Literal(nquads.stem)} }} }}"]


def loaded_build(remote: RemoteStore) -> str | None:
    """Return the input hash of the build the last ``load`` swapped in (its marker), or None
    for a store no ``load`` of this version filled (a bulk loader's, or anyone's)."""
    rows = list(remote.select(f"SELECT ?build WHERE {{ GRAPH <{LOADED.value}> {{ "
                              f"<{LOADED.value}> <{_LOAD}build> ?build }} }}",
                              remote.dataset_params([], [LOADED])))
    names = sorted(r["build"].value for r in rows if r["build"] is not None)
    return names[0].removeprefix("build-") if len(names) == 1 else None


def _check_marker(remote: RemoteStore, token: str) -> None:
    held = remote.select(f"ASK {{ GRAPH <{LOADED.value}> {{ <{LOADED.value}> <{_LOAD}token> "
                         f"{ox.Literal(token)} }} }}", remote.dataset_params([], [LOADED]))
    if not bool(held):
        raise StoreError(f"the swap did not take: {shown(remote.update_url)} answered the "
                         "update without making it (a page in front of the store?); the build "
                         "in use is left as it was")


def _with_asserted(nquads: Path) -> Iterator[ox.Quad]:
    # Every quad of the build, and each asserted triple once more in graph/asserted.
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        yield q
        if q.graph_name != INFERRED:
            yield ox.Quad(q.subject, q.predicate, q.object, ASSERTED)


def _expected_counts(nquads: Path) -> tuple[dict[ox.NamedNode, int], set[ox.Literal],
                                            set[str]]:
    # Triples per graph once loaded; graph/asserted holds each distinct asserted triple once
    # (counted by digest, so memory stays small however big the build).  And the literals
    # of the datatypes read back (_READ_BACK), each once, and the NaNs (_refuse_unkept).
    counts: Counter = Counter()
    asserted: set[bytes] = set()
    values: set[ox.Literal] = set()
    nans: set[str] = set()
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        counts[q.graph_name] += 1
        if isinstance(q.object, ox.Literal) and q.object.datatype.value in _READ_BACK:
            values.add(q.object)
        elif (nan := nan_of(q)) is not None:
            nans.add(nan)
        if q.graph_name != INFERRED:
            triple = f"{q.subject} {q.predicate} {q.object}".encode()
            asserted.add(hashlib.blake2b(triple, digest_size=12).digest())
    if asserted:
        counts[ASSERTED] = len(asserted)
    return dict(counts), values, nans


def nan_of(q: ox.Quad) -> str | None:
    """Return how to name ``q``'s object if it is a NaN (which Virtuoso 7.2 cannot keep), with
    the graph that holds it; else None."""
    if isinstance(q.object, ox.Literal) and q.object.datatype.value in _NAN_TYPES \
            and _is_nan(q.object.value):
        return f"{_shown(q.object)} in {q.graph_name.value.removeprefix(PREFIX_IRIS['graph'])}"
    return None


def _is_nan(lexical: str) -> bool:
    try:
        return math.isnan(float(lexical))
    except ValueError:
        return False


def _refuse_unkept(remote: RemoteStore, nans: set[str]) -> None:
    # Virtuoso 7.2 breaks its indexes on a NaN as it inserts it ("Insert stopped because out
    # of seg data here or elsewhere host 0 key RDF_QUAD_POGS"): that load failed, and so did
    # every later insert into the store, anyone's, until Virtuoso was restarted, after which
    # its graphs had lost triples (domain.ttl 838 of 875).  So no NaN is sent to it at all.
    if nans and remote.is_virtuoso():
        raise StoreError(
            f"the build holds NaN ({'; '.join(sorted(nans)[:3])}), which Virtuoso 7.2 cannot "
            "keep: inserting one breaks its indexes (every later insert into the store fails, "
            "anyone's, and a restarted store had lost triples). "
            "Nothing was sent: leave the value out or write it otherwise, or use another store")


def _value(term) -> tuple:
    # A literal as its value, so a store writing it in another form (PT36H as P1DT12H) keeps it.
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "duration":
        return term.datatype.value, duration_value(term.value) or term.value
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "decimal":
        try:  # "3.0" kept as "3" is the same value (equal Decimals hash alike)
            return term.datatype.value, Decimal(term.value)
        except InvalidOperation:
            return term.datatype.value, term.value
    return (term.datatype.value, term.value) if isinstance(term, ox.Literal) else (None, str(term))


def _shown(term) -> str:
    return (f"{ox.Literal(term.value)}^^xsd:{term.datatype.value.removeprefix(XSD)}"
            if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD) else str(term))


def _check_values(remote: RemoteStore, values: set[ox.Literal], graphs: list) -> None:
    # Counts pass a store that changed a value as it kept it: read those it may change back.
    if not values:
        return
    listed = ", ".join(f"<{d}>" for d in _READ_BACK)
    held = [r["o"] for r in remote.select("SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                                          f"FILTER(isLiteral(?o) && DATATYPE(?o) IN ({listed}))"
                                          " }", remote.dataset_params([], graphs))]
    kept = {_value(o) for o in held}
    changed = sorted(_shown(v) for v in values if _value(v) not in kept)
    if changed:
        sent = {_value(v) for v in values}
        instead = sorted(_shown(o) for o in held if _value(o) not in sent)
        raise StoreError(
            f"the store changed {len(changed)} value(s) as it kept them: {', '.join(changed[:3])}"
            f" read back as {', '.join(instead[:3]) or 'nothing'} (Virtuoso keeps a duration's "
            "years and months or its days and time, not both, no year before 1, and 15 digits "
            "of a decimal after its point): write "
            "such a value otherwise, or use another store; the build in use is left as it was")


def write_document(nquads: Path, out, rename=lambda graph: graph,
                   nans: set[str] | None = None) -> None:
    """Write the N-Quads document a remote store is filled with to ``out`` (a path or a binary
    stream): the build in ``nquads`` and graph/asserted, each graph named by ``rename`` (for a
    store's own bulk loader as is).  ``nans``, if given, gets each NaN written (``nan_of``)."""
    def seen(q: ox.Quad) -> ox.Quad:
        # Named by the file holding it, not again by its copy in graph/asserted.
        if nans is not None and q.graph_name != ASSERTED and (nan := nan_of(q)) is not None:
            nans.add(nan)
        return ox.Quad(q.subject, q.predicate, q.object, rename(q.graph_name))

    ox.serialize((seen(q) for q in _with_asserted(nquads)),
                 output=str(out) if isinstance(out, Path) else out, format=ox.RdfFormat.N_QUADS)


# The N-Quads documents posted to a store, while they are written and sent.
STAGED_GLOB = ".staged-*.nq"


def _post_document(remote: RemoteStore, nquads: Path, staged, timeout: float) -> None:
    # One N-Quads document, written beside the build cache and removed once sent (or by the
    # next load, once stale, if this one is killed).
    handle, name = tempfile.mkstemp(prefix=".staged-", suffix=".nq", dir=nquads.parent)
    os.close(handle)
    path = Path(name)
    try:
        write_document(nquads, path, staged)
        remote.post_quads(path, timeout)
    finally:
        path.unlink(missing_ok=True)


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


def _insert_requests(quads: Iterable[ox.Quad], staged, size: int) -> Iterator[str]:
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


def _check_counts(remote: RemoteStore, expected: dict[ox.NamedNode, int],
                  after_swap: bool = False) -> None:
    # A store that took the request but kept less than was sent must not replace a good build.
    rows = remote.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                         [("named-graph-uri", g.value) for g in expected])
    held = {r["g"]: numbers.count(r["n"]) for r in rows}
    wrong = [f"{g.value}: {held.get(g, 0)}, not {n}" for g, n in expected.items()
             if held.get(g, 0) != n]
    if wrong and after_swap:
        raise StoreError(f"the store does not hold the build after the swap "
                         f"({'; '.join(wrong[:3])}): something else changed it meanwhile? "
                         "Run load again")
    if wrong:
        raise StoreError("the store holds other triple counts than were sent "
                         f"({'; '.join(wrong[:3])}): the build in use is left as it was")


def _drop_leftovers(remote: RemoteStore, timeout: float) -> None:
    # Staging graphs of a load that died: nothing reads them, so drop them before adding more.
    graphs = remote.graphs_under(STAGING)
    if graphs:
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in graphs), timeout)


def _drop_staging(remote: RemoteStore, token: str, timeout: float) -> None:
    try:
        graphs = remote.graphs_under(f"{STAGING}{token}/")
        if graphs:
            remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in graphs), timeout)
    except StoreError:
        pass  # the store itself failed: the next load drops what is left
