"""What an Oxigraph server's failures say: an error of the query's own making told from one of
the store's, and an error it wrote into an answer it had already begun.

Oxigraph's server (``oxigraph serve``) answers every error met evaluating a query with HTTP
500 and the error's message alone, whatever made it: a function it does not know, a SERVICE
call that failed (the service down, refusing, or answering badly), as well as its storage
failing or its own time limit (``--timeout-s``) running out.  So a query the local store
refuses as its own failure (exit 1, a 400) was "the store failed" (exit 2, a 502) over it.
And an error met once it has begun a SELECT's or CONSTRUCT's answer (HTTP 200 sent, the
rows streaming as they come) it writes into the body, where the next row would be: read as
a results document, that was "a malformed answer".

The wording is Oxigraph 0.5.13's, each error of the query's making provoked over a real
server by tests/test_oxigraph_errors.py; it says "The service <...> is not supported" of no
SERVICE (its HTTP client's words instead: "A URI scheme must be set, found urn:x"), a wording
kept for the versions that do.  Its ``--timeout-s`` cancels a query reading the store (a
COUNT over a product of its triples, the error written after HTTP 200).
"""

from __future__ import annotations

import json
import re
import urllib.parse

from ..sparql import tokenize
from .errors import StoreError
from .remote_answers import JSON, NTRIPLES
from .remote_messages import first_line

# Of the query's making, whatever it calls: a function Oxigraph does not know, or called
# with the wrong number of arguments; a SERVICE whose name is unbound, no IRI, or not served.
_THE_QUERYS = re.compile(r"The custom function <[^>]*> (is not supported|requires between)"
                         r"|The variable encoding the service name is unbound"
                         r"|The service <[^>]*> is not supported"
                         r"|.* is not a valid service name$")
# The store's, even in a query calling SERVICE: its time limit, and its storage (RocksDB's
# status words) or the data it read there.
_CANCELLED = "The SPARQL operation has been cancelled"
_THE_STORES = re.compile(rf"{_CANCELLED}|The SPARQL dataset "
                         r"|(IO error|Corruption|Invalid argument|Not implemented|Resource "
                         r"busy|Operation aborted|Operation timed out|Result incomplete|"
                         r"Shutdown in progress|No space|Operation failed)\b")
# What Oxigraph writes before a SELECT's first row.
_HEAD = re.compile(r'\{"head":\{"vars":\[[^\]]*\]\},"results":\{"bindings":\[')
_TRIPLE = re.compile(r"(<|_:).* \.")
_OWN = ("]", ",", "{", "<", "_:")


def from_oxigraph(headers, data: bytes) -> bool | None:
    """Return whether an answer is an Oxigraph server's (None: nothing in it tells): its
    ``Server`` header says so, or, behind a proxy writing its own (nginx's default), its JSON
    results as Oxigraph writes them, from their first byte without a space
    (``{"head":{"vars":[...``, ``{"head":{},"boolean":...``; Virtuoso spaces its own).  An
    error's plain text, an N-Triples answer tell nothing.  Told by the ``Server`` header
    alone, an Oxigraph behind nginx was any store: an error of the query's own making was
    the store's failing (exit 2), one written into a begun answer "malformed"."""
    server = headers.get("Server", "")
    if server.startswith("Oxigraph/"):
        return True
    if server.startswith("Virtuoso"):
        return False
    # Its first bytes alone: lstrip() of a whole answer copied it (up to a GiB).
    return data.startswith(b'{"head":{') if data[:80].lstrip().startswith(b"{") else None


def of_the_query(message: str, oxigraph: bool, sent) -> bool:
    """Return whether an Oxigraph server's error ``message`` (its first line) is of the
    query's own making, the query as ``sent`` (the request's form-encoded body): what it
    calls that Oxigraph does not know, and, for a query that calls a SERVICE, any error but
    its storage's or its time limit's (a service failing says so in words of its own:
    "Connection refused (os error 111)").  ``oxigraph``: whether the error is an Oxigraph
    server's (``StoreClient.from_oxigraph``)."""
    if not oxigraph or not isinstance(sent, bytes) or _THE_STORES.match(message):
        return False
    query = urllib.parse.parse_qs(sent.decode("utf-8", "replace")).get("query")
    if not query:  # an update's (``RemoteStore.update``): the store's to say
        return False
    return bool(_THE_QUERYS.match(message)) or any(
        t.kind == "NAME" and t.text.upper() == "SERVICE" for t in tokenize(query[0]))


def broken_off(said: str, oxigraph: bool, sent, rejected: type[Exception],
               store: str) -> Exception:
    """Return what to raise for an answer an Oxigraph server broke off with the error
    ``said`` (``streamed``): ``rejected`` (``QueryError`` for a query) if the error is the
    query's, as ``of_the_query`` tells, else a ``StoreError``."""
    if rejected is not StoreError and of_the_query(said, oxigraph, sent):
        return rejected(f"the store could not evaluate the query: {said} (written into its "
                        "answer after HTTP 200, as Oxigraph does)")
    return StoreError(f"{store} broke off its answer, begun with HTTP 200, with an error: {said}"
                      f"{the_stores(said, oxigraph)}")


def the_stores(message: str, oxigraph: bool) -> str:
    """Return what to add to an Oxigraph server's error ``message`` of its own: its time
    limit says nothing of whose it is ("The SPARQL operation has been cancelled")."""
    if oxigraph and message.startswith(_CANCELLED):
        return (" (the store's own time limit, oxigraph serve --timeout-s, stopped the query: "
                "narrow it, or raise the limit)")
    return ""


def streamed(headers, data: bytes, oxigraph: bool) -> str | None:
    """Return the error an Oxigraph server (``oxigraph``) wrote into an answer it had begun
    (its first line), or None if the answer holds none: after the rows it sent whole, where
    the next would be, its message as plain text."""
    if not oxigraph:
        return None
    text, media = data.decode("utf-8", "replace"), headers.get_content_type()
    if media == JSON:
        head = _HEAD.match(text)
        if head is None:
            return None
        at, decoder = head.end(), json.JSONDecoder()
        while True:
            start = at + 1 if at > head.end() and text.startswith(",", at) else at
            try:
                row, end = decoder.raw_decode(text, start)
            except json.JSONDecodeError:
                break
            if not isinstance(row, dict):  # the error's first word: '"x" is not a valid ...'
                break
            at = end
        rest = text[at:]
    elif media == NTRIPLES:
        lines = text.split("\n")
        rest = "\n".join(lines[next((n for n, line in enumerate(lines)
                                     if not _TRIPLE.fullmatch(line)), len(lines)):])
    else:
        return None
    # What follows the last whole row is no error if it is the document's own (its end, a
    # row or a triple cut short: the store's connection broke, said as such elsewhere).
    if not rest.strip() or rest.startswith(_OWN) and not _THE_QUERYS.match(rest):
        return None
    return first_line(rest)
