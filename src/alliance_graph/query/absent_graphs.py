"""Note the graphs a query's ``GRAPH`` names that the store does not hold, and the one meant.

``GRAPH <https://alliance-graph.example/graph/data/aid.tt> { ... }``, a file's graph misspelt,
matches nothing: the answer is empty and nothing said why, where FROM and FROM NAMED naming a
graph not held are refused (``dataset.Dataset.resolve``: they choose the dataset, and a GRAPH
names one of it).  ``absent_names.notes`` says each such graph with the notes of the names in
no triple, the held graph closest to it where one is close (as ``spelling.Names`` tells a
name's slip), else how to list those held.
"""

from __future__ import annotations

from ..build.spelling import Names
from ..clipping import clipped, written
from ..namespaces import PREFIX_IRIS, shorten
from ..settings import MOST_GRAPH_BYTES_LISTED, MOST_GRAPHS_LISTED
from ..store.errors import QueryError, StoreError
from . import results as queries
from .refused import Refused

_GRAPHS = PREFIX_IRIS["graph"]
# Every graph a GRAPH pattern may see (the files' and graph/inferred).
LISTED = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"
_FAILED = (QueryError, StoreError, Refused)
# The characters of graph names asked of at once, well within a query's size limit.
_ASKED_BYTES = 40_000


def notes(kg, graphs: dict[str, str], meant: bool = True,
          searched: int | None = None) -> list[str]:
    """Return a note for each graph of ``graphs`` (IRI: as the query writes it) that ``kg``
    holds not, naming the held graph closest to it (with ``meant``), found among the first
    ``MOST_GRAPHS_LISTED`` graphs the store lists, within ``MOST_GRAPH_BYTES_LISTED`` bytes
    of their names: the note says so where the list was cut (every graph of a remote store
    was listed, each name kept and searched, bounded by the query's time limit alone).
    Whether a graph is held is asked of it alone; none is noted where that cannot be told
    (a store unable to answer), and a graph not held is noted without the one meant where
    the store cannot list its graphs.  The one meant is looked for of the first ``searched``
    alone where given (``absent_names.notes``: 3,000 graphs of a query, each searched among
    1,000 listed, took 1.5 s), the others noted without it."""
    if not graphs:
        return []
    try:
        held = _held(kg, list(graphs))
    except _FAILED:  # the store unable to say: the names' notes stand
        return []
    absent = [iri for iri in graphs if iri not in held]
    if not absent:
        return []
    try:
        held, cut = _listed(kg) if meant else ([], False)
    except _FAILED as exc:
        unlisted = f" (its graphs could not be listed to find the one meant: {clipped(str(exc))})"
        return [f"GRAPH {written(graphs[iri])} names no graph the store holds{unlisted}"
                for iri in absent]
    names = Names({_local(g): g for g in held})
    first = f"the first {len(held):,} graphs it lists" if cut else ""
    said = []
    for n, iri in enumerate(absent):
        if searched is not None and n >= searched:
            said.append(f"GRAPH {written(graphs[iri])} names no graph the store holds")
            continue
        closest = names.best(_local(iri)) if meant else None
        said.append(f"GRAPH {written(graphs[iri])} names no graph the store holds" + (
            f": did you mean {shorten(closest)}?" + (f" (of {first})" if cut else "")
            if closest else
            f" (it matches nothing, and none of {first} is close; {LISTED} lists them all)"
            if cut else f" (it matches nothing; {LISTED} lists the {len(held)} held)"
            if meant else f" (it matches nothing; {LISTED} lists those held)"))
    return said


def _held(kg, graphs: list[str]) -> set[str]:
    """Return those of ``graphs`` a GRAPH pattern of ``kg`` sees, asked of them alone, a few
    at a time: their names written whole may be longer than one query may be."""
    held: set[str] = set()
    while graphs:
        values, size = [], 0
        while graphs and (not values or size + len(graphs[0]) < _ASKED_BYTES):
            size += len(graphs[0]) + 3
            values.append(f"<{graphs.pop(0)}>")
        found = queries.run(kg, f"SELECT ?g WHERE {{ VALUES ?g {{ {' '.join(values)} }} "
                                "GRAPH ?g {} }", per_file=True)
        held |= {row["g"].value for row in queries.rows(found) if row["g"] is not None}
    return held


def _listed(kg) -> tuple[list[str], bool]:
    """Return the graphs ``kg`` lists, at most ``MOST_GRAPHS_LISTED`` of them and
    ``MOST_GRAPH_BYTES_LISTED`` bytes of names, and whether more were left out."""
    rows = queries.rows(queries.run(kg, f"{LISTED} LIMIT {MOST_GRAPHS_LISTED + 1}",
                                    per_file=True))
    held, size = [], 0
    for row in rows[:MOST_GRAPHS_LISTED]:
        if row["g"] is None:
            continue
        size += len(row["g"].value.encode())
        if size > MOST_GRAPH_BYTES_LISTED:
            return held, True
        held.append(row["g"].value)
    return held, len(rows) > MOST_GRAPHS_LISTED


def _local(iri: str) -> str:
    """Return a graph's IRI past the project's graph namespace (``data/aid.ttl``), where it
    is in it, else whole: the namespace alike in every one, each would look close."""
    return iri[len(_GRAPHS):] if iri.startswith(_GRAPHS) else iri
