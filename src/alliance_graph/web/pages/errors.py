"""A page's own error: said in a page of the site to a browser, in plain text to other clients.

A bad parameter (``/timeline?page=abc``, ``/search?limit=0``), a page past the last, a store
that failed or an engine at its limits under a page was plain text to every client: a browser
showed a bare line with no header, no search box and no link back into the site, where an
unknown entity was a page of its own (``404.html``).  A client asking for HTML above plain
text (a browser) now gets the same status and words in the site's page, with the links that
lead on; every other client (curl's ``*/*``, a script) the plain text it had.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ...query.refused import Refused
from ...store.errors import StoreError
from .. import negotiation, protocol

# Plain text first: a client taking anything (*/*) gets what it got before.
_OFFERS = [("text", ["text/plain"]), ("html", ["text/html", "application/xhtml+xml"])]
HEADINGS = {400: "Bad request", 404: "Not found", 413: "Too large",
            429: "Too many requests at once",
            502: "The store failed", 503: "The server is busy"}


def refusal(status: int, message: str, links: tuple[tuple[str, str], ...] = (),
            **known) -> Response:
    """Answer a page's request with ``status`` and ``message``: a page of the site, with
    ``links`` ((text, href) pairs) to go on from, for a browser; plain text for the others
    (``known``: a refusal's own ``retry`` and ``cause``, ``protocol.error``)."""
    plain = protocol.error(status, message, **known)  # the words as every client reads them
    plain.headers["Vary"] = "Accept"
    if negotiation.choose(request.headers.get("Accept"), _OFFERS) != "html":
        return plain
    heading = HEADINGS.get(status, f"Error {status}")
    page = Response(render_template("error.html", heading=heading, status=status,
                                    message=plain.get_data(as_text=True).rstrip("\n"),
                                    links=links), status)
    for name in ("Retry-After", "Vary"):  # a busy server's Retry-After holds for a page too
        if name in plain.headers:
            page.headers[name] = plain.headers[name]
    return page


def register(bp: Blueprint) -> None:
    """Answer the failures raised under ``bp``'s pages as their own errors: the app's handlers
    (``app.py``) said them in plain text to a browser too, and a blueprint mounted in another
    app had none."""

    @bp.errorhandler(StoreError)
    def store_failed(exc):
        # The store's fault, not the server's: the log gets the one line, as app.py logs it.
        current_app.logger.warning("the store failed: %s", exc)
        return refusal(502, f"the store behind this service failed: {exc}")

    @bp.errorhandler(Refused)
    def refused(exc):
        # The engine at its limits, a client over its share: its status and words.
        return refusal(exc.status, str(exc), **exc.known())
