"""Bound a query result's size: read at most the limit (plus one row to know it was exceeded)."""

from __future__ import annotations

import itertools
import json

import pyoxigraph as ox

from .results import json_term


class TooManyResults(Exception):
    """A result holds more rows or triples than the limit allows."""


def bounded_rows(result: ox.QuerySolutions, limit: int) -> tuple[list[str], list]:
    """Return a SELECT result's variable names and at most ``limit`` solutions, or raise
    TooManyResults.  Reading stops at ``limit + 1``, so an endless result costs no more than
    the limit; the caller writes the rows it gets (``protocol.sparql_json``) without a second
    serialization round trip."""
    items = list(itertools.islice(result, limit + 1))
    if len(items) > limit:
        raise TooManyResults(f"the result has more than {limit} rows; "
                             "add a LIMIT or narrow the query")
    return [v.value for v in result.variables], items


def bounded(result, limit: int):
    """Return the result with at most ``limit`` rows/triples, or raise TooManyResults.

    SELECT solutions come back as a new ``QuerySolutions`` (through SPARQL JSON) so the usual
    serializers apply; CONSTRUCT/DESCRIBE triples as a list.  Reading stops at ``limit + 1``,
    so an endless result costs no more than the limit.
    """
    if isinstance(result, ox.QueryBoolean):
        return result
    if isinstance(result, ox.QuerySolutions):
        names, items = bounded_rows(result, limit)
        body = {"head": {"vars": names}, "results": {"bindings": [
            {n: json_term(v) for n, v in zip(names, s) if v is not None} for s in items]}}
        return ox.parse_query_results(json.dumps(body).encode(),
                                      format=ox.QueryResultsFormat.JSON)
    items = list(itertools.islice(result, limit + 1))
    if len(items) > limit:
        raise TooManyResults(f"the result has more than {limit} triples; "
                             "add a LIMIT or narrow the query")
    return items
