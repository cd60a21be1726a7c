"""``POST /query/notes``: the names of a query the graph holds nowhere, for the query page.

A class, property or entity misspelt in a query (``a ag:MissileDefenceSystem``, ``id:IronDom``)
matches nothing: the query page said "0 rows" and nothing more, where ``alliance-graph query``
notes each such name with the one likely meant and ``ag.run`` warns of it
(``query.absent_names``).  The page's script (``query.js``) asks here when an answer comes back
empty and shows the notes under it; ``/sparql``'s answers stay the protocol's.

The text is as open to anyone as a query, so it is read as ``/sparql`` reads a form's
``query`` field, within the same limits: a body over ``max_request_bytes`` is a 413, a query
over ``max_query_bytes`` or another of the query bounds a 400 saying which (``fields``,
``bounds``).  A text that does not parse as a query has no notes: ``/sparql`` says its error.
The text itself is never run (a SERVICE in it calls nowhere): the notes' own queries
(whether each name is in a triple; the typed names of its namespace, to find the one meant) go
to the engine as a page's reads do (``app.Service.kg``), within one of the client's query slots
and the request's time limit; a read the engine stops leaves the notes out.  The answer is JSON,
``{"notes": [...], "more": N}``: the first ``MOST_NOTES`` notes and how many more there are (a
query may name thousands: the page shows a few).  The name meant is looked for of those
``MOST_NOTES`` alone (``searched``): each search scans the namespace's names here, which no
time limit holds, and 6,384 made-up ``claim:`` names of a 100,000-byte text kept a 12,000-fact
server 3.9 s past its 2 s limit for notes it then left unsent.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, jsonify, request

from ...clipping import clipped
from ...namespaces import PREFIX_IRIS
from ...query import absent_names, dialect
from ...query.bounds import Bounds, tokens_within
from ...query.refused import Refused
from .. import fields, preconditions
from ..echoed import typed

FORM = "application/x-www-form-urlencoded"
# The notes an answer holds; the rest are counted.
MOST_NOTES = 20
_BOM = "\ufeff"


def register(bp: Blueprint, get_kg: Callable, get_settings: Callable) -> None:
    """Add ``POST /query/notes`` to the pages blueprint ``bp``, whose error handlers say its
    refusals (``errors.register``): the page and its notes go wherever the pages are mounted."""

    @bp.route("/query/notes", methods=["POST"])
    @preconditions.head_checked(lambda: _refused_by_head(request.environ))
    def query_notes():
        settings = get_settings()
        text = _text(request.environ, settings)
        # A 400 past /sparql's bounds; the tokens read once, for every check below (each
        # read them again: 0.17 s for a 95 KB text of made-up names, 3.5 times /sparql's).
        tokens = tokens_within(text, Bounds.from_settings(settings))
        # The client's query slot is taken here, at the graph's first use (Service.kg).
        said = absent_names.notes(get_kg(), text, searched=MOST_NOTES, tokens=tokens) \
            if _runs(text, tokens) else []
        return jsonify(notes=said[:MOST_NOTES], more=max(0, len(said) - MOST_NOTES))


def _text(environ, settings) -> str:
    """Return the form's ``query`` field, read as ``/sparql`` reads a form (``fields``):
    refused (415) in a content coding or another type, (413) past ``max_request_bytes``,
    (400) past ``max_query_bytes`` before it is decoded."""
    _check_head(environ)
    form = fields.parse_params(fields.read_body(environ, settings.max_request_bytes),
                               "form body", settings.max_query_bytes)
    texts = form.get("query", [])
    if len(texts) != 1:
        raise Refused(400, "the form has no field query=: send the query's text in it"
                      if not texts else f"the form has {len(texts)} fields query=: send one")
    return texts[0].removeprefix(_BOM)


def _check_head(environ) -> None:
    """Refuse what the request's head alone refuses: a content coding, a type or charset not
    read here."""
    fields.plain_body(environ)
    content_type = environ.get("CONTENT_TYPE") or ""
    fields.one_content_type(content_type)
    if content_type.split(";", 1)[0].strip().lower() != FORM:
        sent = f"as {clipped(typed(content_type))}" if content_type.strip() \
            else "with no content type"
        raise Refused(415, f"send the query as a form ({FORM}), its text in the field query=, "
                           f"not {sent}")
    fields.form_charset(content_type)


def _refused_by_head(environ) -> bool:
    """Return whether ``_check_head`` refuses the request: that refusal is its answer, not a
    412 (``preconditions.unperformed``)."""
    try:
        _check_head(environ)
    except Refused:
        return True
    return False


def _runs(text: str, tokens) -> bool:
    """Return whether Oxigraph reads ``text`` as a query, asked of a store holding nothing and
    calling no SERVICE (``dialect.read_as_oxigraph``), once its bounds are checked (a deep
    enough query crashes its parser)."""
    try:
        dialect.read_as_oxigraph(text, PREFIX_IRIS, tokens)
    except (SyntaxError, RuntimeError, OSError):
        return False
    return True
