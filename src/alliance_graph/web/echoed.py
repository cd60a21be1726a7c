"""What an answer repeats of the text its request sent: a long value shown by its start, an
ellipsis and how long it was, so that no answer is more than a fixed size whatever was sent.

The 404 page of an IRI of 60,000 characters wrote it three times (its words, the search it
offers as a link and as the link's text), 181 KB answering a request of 60 KB: a client was
sent several times the bytes it sent.  Every page, refusal and plain-text error naming what a
request carried says it through ``clipped``; the body of every plain-text error (``said``, for
``protocol.error``) bounds its whole message so too, for a message quoting text said by
something else (a parser's error quoting the query).
"""

from __future__ import annotations

from collections.abc import Callable

from ..wording import printable

# Characters of a request's value an answer repeats: enough to tell an IRI, a parameter or a
# path by (the start of an IRI names its host and its kind of page), a small part of the 64 KiB
# a request's head may take.
ECHOED = 200
# Characters of a plain-text error's whole message: several values said whole and the
# message's own words, far past any message of this server's own.
MESSAGE = 2000


def clipped(text: str, most: int = ECHOED, show: Callable[[str], str] = str) -> str:
    """Return ``show(text)`` if ``text`` is at most ``most`` characters long, else ``show`` of
    its first ``most`` characters and an ellipsis, and how long it was: ``'aaaa…' (20,000
    characters)`` with ``show=repr``, ``<https://x/id/aa…> (60,041 characters)`` with
    ``show="<{}>".format``."""
    if len(text) <= most:
        return show(text)
    return f"{show(text[:most] + '…')} ({len(text):,} characters)"


def bracketed(iri: str) -> str:
    """Return ``iri`` as a message writes it, between ``<`` and ``>``, ``clipped``."""
    return clipped(iri, show="<{}>".format)


def words(text: str, most: int = ECHOED) -> str:
    """Return the first words of ``text`` that fit in ``most`` characters (its first ``most``
    characters if one word is longer), for a link to search for them: the ellipsis and count
    ``clipped`` adds would be searched for too."""
    if len(text) <= most:
        return text
    cut = text[:most + 1].rpartition(" ")[0].rstrip()
    return cut or text[:most]


def said(message: str) -> str:
    """Return a plain-text error's message as its body says it: bounded too (``MESSAGE``: a
    message may quote text no one bounded, a parser's error its query), its control
    characters escaped (``printable``), one line feed at its end."""
    return printable(clipped(message.rstrip(), MESSAGE)) + "\n"
