"""Refuse a ``/sparql`` request that carries no query but a parameter the endpoint does not read.

A misspelt parameter (``GET /sparql?qeury=SELECT ...``) left the request without a query, and a
GET without one is the service description: a 200 in Turtle, which a script then failed to read
as results with no word of why; a form's ``qeury=`` was "the request carries no query".  Either
is now a 400 naming the parameters not read, each with the one it most likely meant, chosen as a
proposal's misspelt name is (``build.spelling.Names``).  A GET of no parameter, or of only those
the description reads (its format) and a cache breaker (``_``), is the description still.

Beside a query, a parameter the endpoint does not read is ignored, as Oxigraph's server ignores
it: the protocol says nothing of them, and clients send their own (YASGUI, a cache breaker).
Beside an empty query (a form's blank field), the 400 of it names them too: the query sent is
likeliest in one of them.
"""

from __future__ import annotations

from ..build.spelling import Names
from ..clipping import clipped
from ..query.refused import Refused

# The parameters /sparql reads: the protocol's, ``inferred``, a format's two names
# (``fields.format_values``) and ``bom`` (``answer_mark``); ``update`` is read to be refused
# (403).
READ = ("query", "default-graph-uri", "named-graph-uri", "inferred", "format", "output", "bom",
        "update")
# Passed over where no query came: jQuery's cache breaker (``cache: false`` adds ``_=<time>``
# to every GET), which a page fetching the service description that way sends; refused, it
# turned a working fetch into a 400.
PASSED_OVER = ("_",)
# How many of the parameters not read are named (a request may send a thousand).
_NAMED = 5


def unread(params, in_url=(), read=READ) -> str:
    """Return the parameters of ``params`` (names to values) that /sparql (or the path reading
    ``read``) does not read, as a message names them, each with the name it most likely meant,
    and "(in the URL)" after those of ``in_url`` (a POST's URL parameters); "" for none."""
    names = [name for name in params if name not in read and name not in PASSED_OVER]
    if not names:
        return ""
    # An index of its own each time (20 microseconds): one shared by every request kept each
    # name it was asked of (``Names`` caches its answers), 210 MB of 400 forms of five
    # 99,000-character names, and spent its budget of comparisons for every later one.
    meant_by = Names({name: name for name in read})
    said = []
    for name in names[:_NAMED]:
        meant = meant_by.best(name)
        said.append(clipped(name, 60, repr) + (f" (did you mean {meant}?)" if meant else "")
                    + (" (in the URL)" if name in in_url else ""))
    more = f" and {len(names) - _NAMED} more" if len(names) > _NAMED else ""
    return ", ".join(said) + more


def _also(method: str, params, url) -> str:
    """Return "; it sends a parameter (or form field) /sparql does not read: ..." for the
    parameters of ``params`` not read, "" for none; a POST's ``url`` parameters said so."""
    in_url = url if method == "POST" else ()
    named = unread(params, in_url)
    if not named:
        return ""
    # A POST's URL parameters were called form fields, and an application/sparql-query
    # POST's, which has no form: said "parameter ... (in the URL)" now.
    form = method == "POST" and any(n not in in_url and n not in READ and n not in PASSED_OVER
                                    for n in params)
    return f"; it sends a {'form field' if form else 'parameter'} /sparql does not read: {named}"


def no_query(method: str, params, url=()) -> None:
    """Refuse (400) a request whose ``params`` carry no query: a POST always, naming any
    parameter not read; a GET or HEAD that sends a parameter not read.  Return None for a
    GET or HEAD the service description answers.  ``url``: the URL's parameters, which a
    POST's ``params`` include (a form's fields first)."""
    also = _also(method, params, url)
    if method == "POST":
        raise Refused(400, f"the request carries no query{also}")
    if also:
        raise Refused(400, f"the request carries no query{also}; send the query in query=, "
                           "or no parameter for the service description")


def empty_query(method: str, params, url=()) -> Refused:
    """Return the 400 of a request whose query parameter is empty, naming the parameters not
    read: ``?query=&qeury=SELECT ...`` (a form's empty field beside a misspelt one) was told
    of the empty query alone, where the query sent was in the misspelt one."""
    return Refused(400, "the query parameter is empty: send a SPARQL query in it, or no query "
                        f"parameter at all for the service description{_also(method, params, url)}")


# The parameters the Graph Store reads take (``graph_store.py``); ``bom`` and ``inferred`` are
# read where they are refused with the reason.  A parameter either does not read was ignored:
# ``/dataset?fromat=graphml`` was the whole TriG dump (266 MB at 100 k facts) for a GraphML
# asked for, ``/dataset?graph=IRI`` every graph for one, ``/rdf-graphs?default&infered=true``
# the default graph without the inferred triples, each a 200 with no word of it.
GRAPH_READ = ("default", "graph", "inferred", "format", "output", "bom")
DATASET_READ = ("format", "output", "bom", "inferred")


def refuse_unread(params, path: str, read: tuple[str, ...], reads: str) -> None:
    """Refuse (400) a request of ``path`` sending a parameter it does not read (``read``;
    ``reads`` says them to the client), each named with the one it most likely meant."""
    named = unread(params, read=read)
    if named:
        raise Refused(400, f"{path} does not read {named}: it reads {reads}")
