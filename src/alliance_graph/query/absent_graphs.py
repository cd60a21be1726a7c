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
from ..clipping import written
from ..namespaces import PREFIX_IRIS, shorten
from ..store.errors import QueryError, StoreError
from . import results as queries
from .refused import Refused

_GRAPHS = PREFIX_IRIS["graph"]
# Every graph a GRAPH pattern may see (the files' and graph/inferred).
LISTED = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"


def notes(kg, graphs: dict[str, str], meant: bool = True) -> list[str]:
    """Return a note for each graph of ``graphs`` (IRI: as the query writes it) that ``kg``
    holds not, naming the held graph closest to it (with ``meant``)."""
    if not graphs:
        return []
    try:
        held = {row["g"].value for row in queries.rows(queries.run(kg, LISTED, per_file=True))
                if row["g"] is not None}
    except (QueryError, StoreError, Refused):  # a store unable to list them: the names' stand
        return []
    absent = [iri for iri in graphs if iri not in held]
    if not absent:
        return []
    names = Names({_local(g): g for g in held})
    said = []
    for iri in absent:
        closest = names.best(_local(iri)) if meant else None
        said.append(f"GRAPH {written(graphs[iri])} names no graph the store holds" + (
            f": did you mean {shorten(closest)}?" if closest else
            f" (it matches nothing; {LISTED} lists the {len(held)} held)"))
    return said


def _local(iri: str) -> str:
    """Return a graph's IRI past the project's graph namespace (``data/aid.ttl``), where it
    is in it, else whole: the namespace alike in every one, each would look close."""
    return iri[len(_GRAPHS):] if iri.startswith(_GRAPHS) else iri
