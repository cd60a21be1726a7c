"""Headers every response of the site carries, so a browser treats what it gets as what it is.

``X-Content-Type-Options: nosniff`` stops a browser from running a plain-text or JSON answer
as a script or page.  No other site may frame a page (``frame-ancestors 'none'``, and
``X-Frame-Options: DENY`` for browsers that predate it), so none can overlay the forms.  The content security policy lets a page load scripts, styles, pictures
and data only from this server, and run no inline script: should a label ever slip past the
templates' escaping, the browser still refuses to execute it.  Inline styles stay allowed
because the editor (CodeMirror) positions its widgets with ``style`` attributes.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def protect(response):
    """Add the site's security headers to ``response`` and return it."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
