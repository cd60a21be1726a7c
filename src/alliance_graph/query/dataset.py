"""The graphs a query runs over, as plain strings (they cross the engine's process boundary).

``Dataset.resolve`` reads them off a request and its query, the same way for the endpoint
(``web/protocol.py``) and the library (``results.run``): the protocol's
``default-graph-uri``/``named-graph-uri``, else the query's FROM and FROM NAMED, else the
graph's own default; a graph the graph does not hold is refused, never fetched.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

import pyoxigraph as ox

from ..clipping import bracketed
from .refused import Refused


@dataclass(frozen=True)
class Dataset:
    """The graphs a query runs over: the graph's own default (asserted, or with the inferred
    triples), possibly per file (the query writes GRAPH/FROM/SERVICE), or explicit IRIs."""

    inferred: bool = False
    per_file: bool | None = None             # None: decided from the query's text
    default: tuple[str, ...] | None = None   # default-graph-uri / FROM, as IRIs
    named: tuple[str, ...] | None = None     # named-graph-uri / FROM NAMED, as IRIs

    def arguments(self) -> dict:
        """Return the ``KnowledgeGraph.query`` keyword arguments choosing these graphs."""
        if self.default is None and self.named is None:
            return {"inferred": self.inferred, "per_file": self.per_file}
        return {"default_graph": [ox.NamedNode(i) for i in self.default or ()],
                "named_graphs": [ox.NamedNode(i) for i in self.named or ()]}

    def to_json(self) -> dict:
        return {"inferred": self.inferred, "per_file": self.per_file,
                "default": None if self.default is None else list(self.default),
                "named": None if self.named is None else list(self.named)}

    @classmethod
    def from_json(cls, data: dict) -> Dataset:
        tupled = {k: tuple(v) for k, v in data.items() if k in ("default", "named") and v is not None}
        return cls(bool(data.get("inferred")), data.get("per_file"),
                   tupled.get("default"), tupled.get("named"))

    @classmethod
    def resolve(cls, held: Container[str], inferred_graph: str, plan, inferred: bool = False,
                default_iris=(), named_iris=()) -> Dataset:
        """Return the graphs a query runs over; Refused (400) for a graph not ``held``.

        ``plan`` is the query's ``guard.QueryPlan`` (its FROM and FROM NAMED, whether it names
        graphs).  The request's ``default_iris``/``named_iris`` replace the query's FROM and
        FROM NAMED whole, not one of the two (SPARQL 1.1 Protocol, 2.1.4): named graphs alone
        leave the default graph empty.  Without either, the graph's own default is used (the
        asserted union, plus the inferred graph with ``inferred``), per file when the query
        writes GRAPH or SERVICE.
        """
        if default_iris or named_iris:
            pass
        elif plan.from_graphs or plan.from_named:
            default_iris, named_iris = plan.from_graphs, plan.from_named
        else:
            return cls(inferred, plan.uses_dataset)
        # A graph named twice is in the dataset once: the default graph is the RDF merge of
        # the graphs named (SPARQL 1.1 Query, 13.2.2), and Oxigraph counted each triple twice.
        default_iris, named_iris = list(dict.fromkeys(default_iris)), list(dict.fromkeys(named_iris))
        for iri in default_iris + named_iris:
            if iri not in held:
                raise Refused(400, f"graph {bracketed(iri)} is not held here, and nothing is ever "
                                   "fetched; the service description (GET /sparql) and "
                                   "SELECT DISTINCT ?g WHERE { GRAPH ?g {} } list the graphs held")
        if inferred and inferred_graph not in default_iris:
            default_iris = [*default_iris, inferred_graph]
        return cls(default=tuple(default_iris), named=tuple(named_iris))
