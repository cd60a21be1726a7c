"""Refuse a ``/sparql`` request that carries no query but a parameter the endpoint does not read.

A misspelt parameter (``GET /sparql?qeury=SELECT ...``) left the request without a query, and a
GET without one is the service description: a 200 in Turtle, which a script then failed to read
as results with no word of why; a form's ``qeury=`` was "the request carries no query".  Either
is now a 400 naming the parameters not read, each with the one it most likely meant, chosen as a
proposal's misspelt name is (``build.spelling.Names``).  A GET of no parameter, or of only those
the description reads (its format), is the description still.

Beside a query, a parameter the endpoint does not read is ignored, as Oxigraph's server ignores
it: the protocol says nothing of them, and clients send their own (YASGUI, a cache breaker).
"""

from __future__ import annotations

from ..build.spelling import Names
from ..clipping import clipped
from ..query.refused import Refused

# The parameters /sparql reads: the protocol's, ``inferred``, and a format's two names
# (``fields.format_values``); ``update`` is read to be refused (403).
READ = ("query", "default-graph-uri", "named-graph-uri", "inferred", "format", "output", "update")
# How many of the parameters not read are named (a request may send a thousand).
_NAMED = 5
_MEANT = Names({name: name for name in READ})


def unread(params) -> str:
    """Return the parameters of ``params`` (names to values) that /sparql does not read, as a
    message names them, each with the name it most likely meant; "" for none."""
    names = [name for name in params if name not in READ]
    said = []
    for name in names[:_NAMED]:
        meant = _MEANT.best(name)
        said.append(clipped(name, 60, repr) + (f" (did you mean {meant}?)" if meant else ""))
    more = f" and {len(names) - _NAMED} more" if len(names) > _NAMED else ""
    return ", ".join(said) + more


def no_query(method: str, params) -> None:
    """Refuse (400) a request whose ``params`` carry no query: a POST always, naming any
    parameter not read; a GET or HEAD that sends a parameter not read.  Return None for a
    GET or HEAD the service description answers."""
    named = unread(params)
    where = "form field" if method == "POST" else "parameter"
    also = f"; it sends a {where} /sparql does not read: {named}" if named else ""
    if method == "POST":
        raise Refused(400, f"the request carries no query{also}")
    if named:
        raise Refused(400, f"the request carries no query{also}; send the query in query=, "
                           "or no parameter for the service description")
