"""How much text a proposal holds once its prefixed names are written out whole, bounded.

A prefix is written once and repeated in every name that uses it, so 100 KB of Turtle (a
prefix naming an IRI of 99,000 characters, then "p: p: p:, p:, p:, ...") parsed to 600 million
characters and took the validating process 1.2 GB; the 5 MB a proposal may be, to hundreds of
GB.  A proposal as people write it holds about four times its size (a generated 5 MB one, 19
million characters): ``MAX_EXPANDED_CHARS`` is fifty times the largest.

``problem`` reads the triples one at a time and drops each, so the check holds one triple at a
time (a 5 MB proposal takes it about 0.2 s); it runs on a proposal's text as read, before it
is parsed whole (``inputs.Inputs``), so in the server it runs in the validating process, never
in the front that serves the other requests.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..build.lines import line_number
from ..build.loading import Problem
from ..clipping import counted, cut

# The characters a proposal's IRIs and literals may hold in all, each prefixed name written out
# whole.
MAX_EXPANDED_CHARS = 256 * 2**20


def problem(text: str, shown: str) -> Problem | None:
    """Return the Problem of a proposal (the Turtle ``text`` of file ``shown``) whose terms,
    prefixes expanded, hold more than ``MAX_EXPANDED_CHARS`` characters; None when they do not,
    or when it does not parse (reading it says what is wrong)."""
    parser = ox.parse(text.removeprefix("\ufeff"), format=ox.RdfFormat.TURTLE, base_iri=None)
    total = 0
    try:
        for count, triple in enumerate(parser, 1):
            total += _chars(triple.subject) + _chars(triple.predicate) + _chars(triple.object)
            if total > MAX_EXPANDED_CHARS:
                return _too_far(parser, text, count, shown)
    except (SyntaxError, ValueError):
        return None
    return None


def _chars(term) -> int:
    if isinstance(term, ox.Triple):  # RDF 1.2 (refused by the validation, which says where)
        return _chars(term.subject) + _chars(term.predicate) + _chars(term.object)
    return 0 if isinstance(term, ox.BlankNode) else len(term.value)


def _too_far(parser, text: str, count: int, shown: str) -> Problem:
    """Say that a proposal expands too far, naming its longest prefix (or base) and its line."""
    named: dict[str | None, str] = dict(parser.prefixes)
    if parser.base_iri:
        named[None] = parser.base_iri
    name, iri = max(named.items(), key=lambda item: len(item[1]), default=("", ""))
    # The prefix said by its start and length (``clipping.py``), as a query's undeclared one is:
    # a name of 60,000 characters was said whole, before the advice to shorten its IRI.
    what = "the base" if name is None else f"the prefix {cut(name)}:{counted(name)}"
    said = (f"IRIs and literals, each prefixed name written out whole, come to more than "
            f"{MAX_EXPANDED_CHARS:,} characters by its triple number {count:,}")
    if len(iri) < 1000:
        return Problem(shown, None, f"expands too far: its {said}: split it into smaller files")
    declared = "@?base" if name is None else rf"@?prefix\s+{re.escape(name)}:"
    where = re.search(rf"(?i){declared}\s*<", text)
    named_iri = (f"{what} names an IRI of {len(iri):,} characters, and the proposal's {said}: "
                 "an IRI of the graph is a few dozen characters long; shorten it")
    if where is None:
        return Problem(shown, None, f"expands too far: {named_iri}")
    return Problem(shown, line_number(text, where.start()), named_iri)
