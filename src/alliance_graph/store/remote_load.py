"""Fill a remote store with a build: staged under temporary names, then swapped in at once.

The build's quads (every file graph and graph/inferred, from the N-Quads cache) and their
copies (graph/asserted, graph/asserted-and-inferred: ``remote_quads.py``) are first written
to staging graphs under ``https://alliance-graph.example/loading/<token>/``, which no query
reads.  Only when all of
them are in, and hold as many triples as they should, does one SPARQL Update move them onto
the real names and drop the project's graphs the build no longer has.  A load that fails or is
killed halfway leaves the previous build in use; its leftovers are dropped by the next load
(before it starts, and again when it is done, for a request the store was still running when
its client died).  The swap writes a marker naming the load (``LOADED``), read back after it
with the graphs' triple counts: an update URL answering 200 without updating, or a swap that
did not take, fails the load rather than report success.

One load at a time: the store's load lock (``load_lock.py``) is held for the whole load.

What is sent, and how it travels, is ``remote_quads.py``'s.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import BASE, PREFIX_IRIS
from . import numbers
from .errors import StoreError
from .load_lock import Lock, load_lock
from .remote import RemoteStore
from .remote_answers import XSD, duration_value
from .remote_messages import shown
from .remote_quads import (
    BATCH_QUADS,
    READ_BACK,
    expected_counts,
    insert_requests,
    post_document,
    term_shown,
    with_copies,
)

STAGING = BASE + "loading/"
LOADED = ox.NamedNode(BASE + "loaded")    # which load swapped the build in use in
_LOAD = BASE + "load#"                    # its properties


def load(remote: RemoteStore, nquads: Path, batch: int = BATCH_QUADS) -> list[ox.NamedNode]:
    """Replace this project's graphs in ``remote`` with the build in ``nquads``; return the
    graphs it now holds (graph/asserted included)."""
    timeout = max(remote.timeout, remote.load_timeout)
    token = uuid.uuid4().hex[:12]
    try:
        expected, values, nans = expected_counts(nquads)
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
            post_document(remote, nquads, staged, timeout)
        else:
            for text in insert_requests(with_copies(nquads), staged, batch):
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


def _check_values(remote: RemoteStore, values: set[ox.Literal], graphs: list) -> None:
    # Counts pass a store that changed a value as it kept it: read those it may change back.
    if not values:
        return
    listed = ", ".join(f"<{d}>" for d in READ_BACK)
    held = [r["o"] for r in remote.select("SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                                          f"FILTER(isLiteral(?o) && DATATYPE(?o) IN ({listed}))"
                                          " }", remote.dataset_params([], graphs))]
    kept = {_value(o) for o in held}
    changed = sorted(term_shown(v) for v in values if _value(v) not in kept)
    if changed:
        sent = {_value(v) for v in values}
        instead = sorted(term_shown(o) for o in held if _value(o) not in sent)
        raise StoreError(
            f"the store changed {len(changed)} value(s) as it kept them: {', '.join(changed[:3])}"
            f" read back as {', '.join(instead[:3]) or 'nothing'} (Virtuoso keeps a duration's "
            "years and months or its days and time, not both, no year before 1, and 15 digits "
            "of a decimal after its point): write "
            "such a value otherwise, or use another store; the build in use is left as it was")


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
