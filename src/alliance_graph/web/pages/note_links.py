"""A claim's note with the project's prefixed names in it as links to their pages.

Notes point the reader elsewhere in the graph ("See id:Proposition-IranNorthKoreaCooperation",
"recorded as said, not as ag:counters"), and a reader had to copy the name, expand it and type
the path.  ``parts`` cuts a note into its text and the names a page links, each with its path
(``terms.link_for``); everything else stays text, escaped by the template like any value.
"""

from __future__ import annotations

import re

from .terms import DISPLAY_PREFIXES, link_for

# The prefixes whose IRIs have pages here (named graphs have none).
LINKED = ("ag", "agsh", "id", "claim", "ev", "src", "grade")
# A prefixed name as Turtle writes one, less the escapes no note uses: it does not end in a
# '.' (the end of the sentence), is not the tail of a longer word or IRI ('x.id:a'), and is
# no pattern ('claim:X-operationalDomain-*' stands for several claims, and no page is its).
_NAME = re.compile(r"(?<![\w.:/#-])(" + "|".join(LINKED) + r"):"
                   r"([A-Za-z0-9_](?:[\w.-]*[\w-])?)(?![\w.-]*\*)", re.ASCII)


def parts(note: str) -> list[tuple[str, str | None]]:
    """Return ``note`` as (text, href) pieces in order: href is the page of a prefixed name
    of the project, None for the text between."""
    out: list[tuple[str, str | None]] = []
    at = 0
    for found in _NAME.finditer(note):
        href = link_for(DISPLAY_PREFIXES[found[1]] + found[2])
        if href is None:
            continue
        if found.start() > at:
            out.append((note[at:found.start()], None))
        out.append((found[0], href))
        at = found.end()
    if at < len(note):
        out.append((note[at:], None))
    return out
