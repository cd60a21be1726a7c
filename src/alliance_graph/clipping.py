"""A long value in a message, shown by its start, an ellipsis and how long it was.

A message repeating what its reader gave (an IRI a query writes, a value a proposal holds, a
path a request names) said it whole: a refusal naming a graph of 60,000 characters was 60 KB,
and a plain-text error bounded at 2,000 characters (``web/echoed.said``) lost the advice it
ends with.  Every message naming such a value says it through ``clipped``, the one wording of a
shortened value for the command line, the pages and the endpoint alike:
``'aaa…' (60,004 characters)``.  Here, at the package's lowest layer, for every part to use.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["SHOWN", "bracketed", "clipped", "counted", "cut", "words", "written"]

# Characters of a value a message repeats: enough to tell an IRI, a value or a path by (the
# start of an IRI names its host and its kind of page), a small part of the 64 KiB a
# request's head may take, and a few lines of a terminal.
SHOWN = 200


def cut(text: str, most: int = SHOWN) -> str:
    """Return ``text`` whole, or its first ``most`` characters (its last ``-most``, for a
    negative ``most``) with an ellipsis where it was cut, for a message that says how long it
    was itself."""
    if len(text) <= abs(most):
        return text
    return "…" + text[most:] if most < 0 else text[:most] + "…"


def clipped(text: str, most: int = SHOWN, show: Callable[[str], str] = str) -> str:
    """Return ``show(text)`` if ``text`` is at most ``most`` characters long, else ``show`` of
    its first ``most`` characters and an ellipsis, and how long it was: ``'aaaa…' (20,000
    characters)`` with ``show=repr``, ``<https://x/id/aa…> (60,041 characters)`` with
    ``show="<{}>".format``."""
    return show(cut(text, most)) + counted(text, most)


def counted(text: str, most: int = SHOWN) -> str:
    """Return what follows a value ``cut`` at ``most`` characters: `` (60,004 characters)``
    where it was cut, else nothing, for a message showing the value its own way (a page's
    literal, its text isolated between its quotes: ``web/pages/terms.value_parts``)."""
    return f" ({len(text):,} characters)" if len(text) > most else ""


def bracketed(iri: str) -> str:
    """Return ``iri`` as a message writes it, between ``<`` and ``>``, ``clipped``."""
    return clipped(iri, show="<{}>".format)


def written(term: str) -> str:
    """Return a term as a query writes it (``<iri>``, ``ex:name``, ``?var``), ``clipped``: an
    IRI between its brackets, ``<https://x/aa…> (60,010 characters)``, its ``>`` kept."""
    if len(term) > 2 and term.startswith("<") and term.endswith(">"):
        return bracketed(term[1:-1])
    return clipped(term)


def words(text: str, most: int = SHOWN) -> str:
    """Return the first words of ``text`` that fit in ``most`` characters (its first ``most``
    characters if one word is longer), for a link to search for them: the ellipsis and count
    ``clipped`` adds would be searched for too."""
    if len(text) <= most:
        return text
    found = text[:most + 1].rpartition(" ")[0].rstrip()
    return found or text[:most]
