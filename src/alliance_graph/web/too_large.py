"""The front's refusal of a body over ``max_request_bytes`` (413) as a page, for a browser.

Waitress refuses such a request as soon as its head is read, before the app sees it, in one
line of plain text (``tasks.Refusal``).  A browser without JavaScript posting the validation
form showed that line bare, with no way back to the form and no word of what to do.  So a
413 to a request that asks for HTML by name (a browser's form post: ``text/html`` in its
``Accept``, never through ``*/*``) is a short page saying the limit and what to do; every
other client keeps the line of text.  And a refusal of a HEAD, the page or the line, carries
no body (RFC 9110, 9.3.2), where waitress's refusals wrote one after the head.
"""

from __future__ import annotations

from html import escape

from waitress.utilities import RequestEntityTooLarge

from . import negotiation
from .pages import safety
from .protocol import HEADERS
from .tasks import Refusal

# Plain text first: a client accepting anything (curl's */*) keeps the line of text.
_OFFERS = [("text", ["text/plain"]), ("html", ["text/html", "application/xhtml+xml"])]

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Too large to send</title></head>
<body>
<h1>Too large to send</h1>
<p>{sent} over this server's limit of {limit:,} bytes for a request, so none of it was read.</p>
{advice}
</body>
</html>
"""

# The server keeps none of the text, but the browser may: Back returns to the form filled
# again where the browser keeps a form's fields in its history (Chromium does:
# tests/test_browser.py), where a link to the form opened an empty one.
_PROPOSAL = """<p>Go back with your browser's Back button: it fills the form again with the text
you sent, in most browsers. Split the proposal into smaller parts and validate each in turn, or validate it on
your own machine, where no such limit applies:</p>
<pre><code>alliance-graph validate FILE</code></pre>
<p>Or start again with <a href="validate">an empty form</a>.</p>"""

_OTHER = "<p>Send less in one request.</p>"


class PageRefusal(Refusal):
    """Waitress's refusal of a request it could not read, with a 413 answered as a page to a
    request asking for HTML, and no body to a HEAD."""

    def execute(self):
        request = self.request
        if not isinstance(request.error, RequestEntityTooLarge) \
                or negotiation.choose(request.headers.get("ACCEPT"), _OFFERS) != "html":
            return super().execute()
        error = request.error
        self.status = f"{error.code} {error.reason}"
        # The headers of every answer, and the site's for a page (nosniff is in both).
        self.response_headers.extend([("Content-Type", "text/html; charset=utf-8"), *HEADERS,
                                      *((k, v) for k, v in safety.HEADERS.items()
                                        if k != "X-Content-Type-Options")])
        self.set_close_on_finish()
        body = page(request.path or "", request.content_length,
                    self.channel.adj.max_request_body_size).encode()
        self.content_length = len(body)
        self.write(body)
        return None


    def write(self, data):
        # The head's Content-Length stays the body's, as a HEAD's answer says (9.3.2).
        super().write(b"" if getattr(self.request, "command", None) == "HEAD" else data)


def page(path: str, length: int, limit: int) -> str:
    """Return the page refusing a body of ``length`` bytes (0: not known, a chunked one) sent
    to ``path`` over ``limit`` bytes."""
    sent = f"The request's body is {length:,} bytes," if length else "The request's body is"
    advice = _PROPOSAL if path.rstrip("/").endswith("/validate") else _OTHER
    return _PAGE.format(sent=escape(sent), limit=limit, advice=advice)
