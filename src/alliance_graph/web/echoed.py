"""What a plain-text error's body says: its whole message bounded, so that no answer is more
than a fixed size whatever was sent.

A value an answer repeats is said by its start, an ellipsis and its length wherever a message
is written (``clipping.clipped``, the package's one home of that cut, which the query's
refusals below web/ use too).  The body of every plain-text error (``said``, for
``protocol.error``) bounds its whole message so as well, for a message quoting text said by
something else (a parser's error quoting the query): the one part of this that is the web's.
A header's text is quoted as its client typed it (``typed``), wherever a refusal quotes one.
"""

from __future__ import annotations

from ..clipping import clipped
from ..wording import printable

# Characters of a plain-text error's whole message: several values said whole and the
# message's own words, far past any message of this server's own.
MESSAGE = 2000


def typed(sent: str) -> str:
    """Return a header's text as its client typed it, to be quoted: WSGI holds a header's
    bytes as latin-1 (PEP 3333), so a UTF-8 ``ä`` was quoted ``Ã¤`` (an Accept's weight, a
    Content-Type); a byte not UTF-8 is written ``\\xe4``.  Lower-cased after, not before: a
    latin-1 letter lower-cased is another byte."""
    return sent.encode("latin-1", "replace").decode("utf-8", "backslashreplace")


def said(message: str) -> str:
    """Return a plain-text error's message as its body says it: bounded too (``MESSAGE``: a
    message may quote text no one bounded, a parser's error its query), its control
    characters escaped (``printable``), one line feed at its end."""
    return printable(clipped(message.rstrip(), MESSAGE)) + "\n"
