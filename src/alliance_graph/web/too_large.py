"""The front's refusal of a body over ``max_request_bytes`` (413) as a page of the site, for a
browser.

Waitress refuses such a request as soon as its head is read, before the app sees it, in one
line of plain text (``tasks.Refusal``).  A browser without JavaScript posting the validation
form showed that line bare; then a bare page of its own, with no header, search box or style,
saying to go Back.  So a 413 to a request that asks for HTML by name (a browser's form post:
``text/html`` in its ``Accept``, never through ``*/*``) is answered by the app itself: asked
for the same path with nothing sent (a ``GET``, no body, no query string, so no view reads a
body or runs a query) and the refusal in the environ under ``ASKED``, which no client can set
(headers become ``HTTP_*``), the app answers with its own page (``dry_run.refused_unread``):
the form with the limits and what to do, or the site's error page.  Every other client keeps
the line of text.  A refusal of a HEAD, the page or the line, carries no body (``tasks.py``).
"""

from __future__ import annotations

import io

from waitress.utilities import RequestEntityTooLarge

from . import negotiation
from .tasks import Refusal, Task

# The environ's key saying a request was refused unread: (its body's length, 0 when not
# known (a chunked one), and the limit it is over).
ASKED = "alliance_graph.too_large"

# Plain text first: a client accepting anything (curl's */*) keeps the line of text.
_OFFERS = [("text", ["text/plain"]), ("html", ["text/html", "application/xhtml+xml"])]


class PageRefusal(Refusal):
    """Waitress's refusal of a request it could not read, with a 413 answered by the app's
    page to a request asking for HTML, and no body to a HEAD."""

    def service(self):
        if isinstance(self.request.error, RequestEntityTooLarge) and negotiation.choose(
                self.request.headers.get("ACCEPT"), _OFFERS) == "html":
            page = _SitePage(self.channel, self.request)
            try:
                page.service()
            except Exception:
                if page.wrote_header:
                    raise
                # The app could not say it: the line of text, as other clients get.
                self.channel.logger.exception("the page refusing %s failed", self.request.path)
            else:
                self.wrote_header, self.close_on_finish = page.wrote_header, True
                return
        super().service()


class _SitePage(Task):
    """The app's answer to a request refused unread, through every wrapper of the app (the
    prefix a proxy names, the Host check, the shares), so it is the site's page where the
    site is."""

    def get_environment(self):
        if self.environ is None:
            environ = super().get_environment()
            for name in ("CONTENT_TYPE", "HTTP_TRANSFER_ENCODING"):
                environ.pop(name, None)
            environ.update({
                "REQUEST_METHOD": "HEAD" if self.request.command == "HEAD" else "GET",
                "QUERY_STRING": "", "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO(),
                ASKED: (self.request.content_length or 0,
                        self.channel.adj.max_request_body_size)})
        return self.environ

    def build_response_header(self):
        # The body was never read: the connection cannot carry another request, and the
        # answer says so (Connection: close).
        self.set_close_on_finish()
        return super().build_response_header()
