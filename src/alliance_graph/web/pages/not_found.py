"""The answer for a name the graph says nothing about (``/id/irondome``), with the name
likely meant.

The page linked the search for the name's words and nothing more, and a name written in
the wrong case or with one letter off found nothing there: ``/id/irondome`` searched for
"irondome", which no label holds, and ``/id/IronDome/`` (a slash added) was told only that
the graph says nothing about it.  The name meant is found as a query's misspelt name is
(``absent_names.meant``: the closest of the namespace's typed names), for the HTML page and
the plain-text 404 an RDF client gets alike.
"""

from __future__ import annotations

from flask import Response, render_template

from ...clipping import bracketed
from ...query import absent_names
from . import terms


def page(kg, iri: str):
    """Return the HTML 404 of ``iri``, linking the search for its words and the name meant."""
    # Vary: a cache may keep a 404, and must not hand this page to an RDF client.
    return render_template("404.html", iri=iri, named=terms.name_words(iri),
                           meant=absent_names.meant(kg, iri)), 404, {"Vary": "Accept"}


def text(kg, iri: str) -> Response:
    """Return the plain-text 404 of ``iri`` for a client asking for RDF."""
    meant = absent_names.meant(kg, iri)
    also = f"; did you mean {bracketed(meant)}?" if meant else ""
    return Response(f"no statement about {bracketed(iri)} in this graph{also}\n", 404,
                    mimetype="text/plain", headers={"Vary": "Accept"})
