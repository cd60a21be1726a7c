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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a literal is written: the command line's start needs none
    import pyoxigraph as ox

__all__ = ["SHOWN", "apart", "bracketed", "bracketed_apart", "clipped", "counted", "cut", "literal_parts", "literal_said",
           "words", "written"]

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
    where it was cut, else nothing, for a message showing the value its own way."""
    return f" ({len(text):,} characters)" if len(text) > most else ""


def bracketed(iri: str) -> str:
    """Return ``iri`` as a message writes it, between ``<`` and ``>``, ``clipped``."""
    return clipped(iri, show="<{}>".format)


def apart(text: str, other: str, show: Callable[[str], str] = str,
          most: int = SHOWN) -> tuple[str, str]:
    """Return ``text`` and ``other`` each ``clipped``, or, where the two would read the same so
    (alike in their first ``most`` characters), each by its first half of that, an ellipsis,
    and the rest from a little before the first character where they differ: a misspelt name
    of 300 characters and the one it meant, alike in their first 200, were both said as the
    same 200 and an ellipsis.  ``'aaa…aXb…' (300 characters)``."""
    if cut(text, most) != cut(other, most) or text == other:
        return clipped(text, most, show), clipped(other, most, show)
    at = next((i for i, (a, b) in enumerate(zip(text, other)) if a != b),
              min(len(text), len(other)))
    head = most // 2
    start = max(head, at - head // 4)  # a few characters before the difference, to read it by
    return tuple(show(t[:head] + "…" + cut(t[start:], most - head)) + counted(t, most)
                 for t in (text, other))


def bracketed_apart(iri: str, other: str) -> tuple[str, str]:
    """Return two IRIs as a message writes them, ``bracketed``, told ``apart``."""
    return apart(iri, other, show="<{}>".format)


def written(term: str) -> str:
    """Return a term as a query writes it (``<iri>``, ``ex:name``, ``?var``), ``clipped``: an
    IRI between its brackets, ``<https://x/aa…> (60,010 characters)``, its ``>`` kept."""
    if len(term) > 2 and term.startswith("<") and term.endswith(">"):
        return bracketed(term[1:-1])
    return clipped(term)


# What a literal is written with in place of its text, to tell the writer's quotes and tag
# from the text: a private-use character, which no writer escapes and no tag holds.
_TEXT = "\ue000"


def literal_parts(literal: ox.Literal, write: Callable[[ox.Literal], str] = str,
                  most: int = SHOWN) -> tuple[str, str, str]:
    """Return ``literal`` as ``write`` writes it (N-Triples by default), its text ``cut``, in
    three parts: what comes before its text (its quote), its text, and what comes after (its
    quote, its datatype or language tag, and its length where it was cut), for the validation
    page to isolate the text alone (``web/pages/terms.value_parts``) and a message to say it
    whole (``literal_said``): ``"0000…"^^xsd:integer (60,002 characters)``, the datatype a
    finding is about kept however long the text.  A literal ``write`` writes bare (an
    integer's digits in Turtle) is its text alone."""
    import pyoxigraph as ox

    def like(text: str) -> ox.Literal:
        return ox.Literal(text, datatype=literal.datatype) if literal.language is None else \
            ox.Literal(text, language=literal.language, direction=literal.direction)
    shown = write(like(cut(literal.value, most)))
    before, found, after = write(like(_TEXT)).partition(_TEXT)
    if not (found and shown.startswith(before) and shown.endswith(after)
            and len(shown) >= len(before) + len(after)):
        before, after = "", ""
    return (before, shown[len(before):len(shown) - len(after)],
            after + counted(literal.value, most))


def literal_said(literal: ox.Literal, write: Callable[[ox.Literal], str] = str) -> str:
    """Return ``literal`` as ``write`` writes it, its text clipped, its quotes and datatype or
    language tag kept (``literal_parts``, joined)."""
    return "".join(literal_parts(literal, write))


def words(text: str, most: int = SHOWN) -> str:
    """Return the first words of ``text`` that fit in ``most`` characters (its first ``most``
    characters if one word is longer), for a link to search for them: the ellipsis and count
    ``clipped`` adds would be searched for too."""
    if len(text) <= most:
        return text
    found = text[:most + 1].rpartition(" ")[0].rstrip()
    return found or text[:most]
