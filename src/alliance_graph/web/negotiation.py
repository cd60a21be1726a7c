"""Choose a response format from an HTTP ``Accept`` header (RFC 9110 section 12.5.1).

``choose`` is a pure function over plain strings, so its behaviour is pinned by a table of cases
in ``tests/test_negotiation.py``; every part of the app negotiates through it (``pick_format``
for RDF and results, and the pages).  The format tables themselves are ``queries.RESULT_FORMATS``
and ``queries.GRAPH_FORMATS``; only the media types other tools send for the same formats
(``application/json``, ``text/plain``, ...) are listed here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..clipping import clipped
from ..query.refused import Refused
from ..query.results import GRAPH_FORMATS, RESULT_FORMATS, Format
from .echoed import typed

# Media types clients send that mean one of our formats, as (media type, format) pairs; the
# canonical type is in queries.py.  A type may stand for a results format and a graph one.
ALIASES = [
    ("application/json", "json"),
    ("application/json", "jsonld"),  # JSON-LD is JSON: a JSON client asking for a graph
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("application/x-turtle", "turtle"),
    ("text/n3", "turtle"),           # Turtle is a subset of N3, so an N3 reader can read it
    ("text/plain", "nt"),            # the N-Triples media type before RFC registration
    ("application/json-ld", "jsonld"),
    ("application/x-trig", "trig"),
    ("text/x-nquads", "nq"),
    # Older or unregistered names Oxigraph's server answers to as well.
    ("text/tsv", "tsv"),
    ("application/x-sparql-results+json", "json"),
    ("application/x-sparql-results+xml", "xml"),
    ("text/json", "json"),
    ("text/json", "jsonld"),
    ("application/n3", "turtle"),
    ("application/turtle", "turtle"),
]

# Answers in these media types are text, sent with their charset.
_TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples",
               "application/trig", "application/n-quads"}

# Formats in order of preference: the first one is the documented default.
RESULT_ORDER = ["json", "xml", "csv", "tsv"]
GRAPH_ORDER = ["turtle", "nt", "jsonld", "xml", "trig", "nq"]
DATASET_ORDER = ["trig", "nq"]


# A list element or a parameter: what lies between commas (semicolons), a quoted string (RFC
# 9110, 5.6.4) holding either whole.  Split at every comma, JSON-LD's
# 'application/ld+json;profile="a, b";q=0.1' gave its q to a range 'b"', and JSON-LD q=1.
_ELEMENT = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*"?)+')
_PARAMETER = re.compile(r'(?:[^;"]|"(?:[^"\\]|\\.)*"?)+')


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Return ``(media range, q)`` pairs from an Accept header; a missing header means */*."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = [(media, 1.0 if q is None else _weight_of(q)) for media, q, _ in _elements(header)]
    # Empty list elements are to be ignored (RFC 9110, 5.6.1): "Accept: ," names no range at
    # all, as an empty header does, rather than refusing every one.
    return ranges or [("*/*", 1.0)]


def _elements(header: str) -> list[tuple[str, str | None, str]]:
    """Return each media range of an Accept header with its ``q`` parameter's value (None for
    none; "" for a ``q`` with no "=") and the list element as sent (``Text/Turtle; q``)."""
    elements = []
    for part in _ELEMENT.findall(header):
        fields = [f.strip() for f in _PARAMETER.findall(part)]
        media = fields[0].lower() if fields else ""
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media  # "*" alone is a common slip for */*
        q = None
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                q = value
        elements.append((media, q, part.strip()))
    return elements


# A weight as RFC 9110 writes one (12.4.2), read leniently: any digits, a point, digits
# (``q=7`` is clamped to 1, not refused).  Python's float() reads more: "nan" (which every
# comparison then took as false, so "application/sparql-results+json;q=nan,
# application/json;q=0.5" was a 406 where "q=junk" gave JSON), "inf", "1e400", "1_0".
_QVALUE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def _weight_of(value: str) -> float:
    """Return the weight a ``q`` parameter's value gives, between 0 and 1; an unreadable
    one is 0, so that it never wins over readable ones."""
    value = value.strip().strip('"')  # a weight sent quoted ("0.5") is the number it quotes
    if not _QVALUE.fullmatch(value):
        return 0.0
    return min(float(value), 1.0)


def _specificity(media_range: str, media_type: str) -> int:
    """Return how specifically ``media_range`` matches ``media_type`` (-1: no match)."""
    if media_range == media_type:
        return 2
    kind, _, sub = media_range.partition("/")
    if sub == "*" and kind != "*" and media_type.startswith(kind + "/"):
        return 1
    if media_range == "*/*":
        return 0
    return -1


def choose(accept: str | None, offered: list[tuple[str, list[str]]]) -> str | None:
    """Return the name of the best offered format, or None if the header accepts none.

    ``offered`` lists ``(name, media types)`` in the server's order of preference; for each
    of a format's media types the most specific matching range gives its q (RFC 9110), the
    format takes the best of them, and ties keep that order.  Wildcards match a format's own
    media type only, aliases (``ALIASES``) by exact name.
    """
    ranked = acceptable(accept, offered)
    return ranked[0] if ranked else None


# The longest Accept header whose ranking is kept (``_ranked``'s cache): a browser's is a few
# hundred characters.  Longer ones are ranked each time: kept, 512 headers of 60 KB each,
# which any client may send, held 36 MB of the front's memory for good.
CACHED_ACCEPT = 2048


def acceptable(accept: str | None, offered: list[tuple[str, list[str]]]) -> list[str]:
    """Return the names of the offered formats the header accepts, best first (as ``choose``
    ranks them)."""
    accept, offers = accept or "", tuple((name, tuple(types)) for name, types in offered)
    rank = _ranked if len(accept) <= CACHED_ACCEPT else _ranked.__wrapped__
    return list(rank(accept, offers))


@lru_cache(maxsize=512)
def _ranked(accept: str, offered: tuple) -> tuple[str, ...]:
    ranges = parse_accept(accept)
    weighed = []
    for position, (name, types) in enumerate(offered):
        # Each of the format's names is weighed on its own (the most specific range naming it
        # sets its q), and the format takes its best name's q: weighed together, whichever
        # name the header listed first set the format's q, so "application/json;q=0.2, ...,
        # application/sparql-results+json" gave JSON 0.2, and "application/json;q=0, */*"
        # refused the JSON results that */* accepts.
        q = max((_weight(ranges, media_type, alias=i > 0) for i, media_type in enumerate(types)),
                default=0.0)
        if q > 0:
            weighed.append((-q, position, name))
    return tuple(name for _, _, name in sorted(weighed))


def _weight(ranges, media_type: str, alias: bool) -> float:
    """Return the q the most specific of ``ranges`` gives ``media_type`` (0 if none matches);
    an alias answers only to its exact name: text/* is not a request for text/xml."""
    q, spec = 0.0, -1
    for media_range, weight in ranges:
        s = _specificity(media_range, media_type)
        if s > spec and (not alias or s == 2):
            q, spec = weight, s
    return q


def offers(table: dict[str, Format], order: list[str]) -> list[tuple[str, list[str]]]:
    """Return ``(name, media types)`` for the formats in ``order``, aliases included."""
    return [(name, [table[name].media_type] + [a for a, n in ALIASES if n == name])
            for name in order]


RESULT_OFFERS = offers(RESULT_FORMATS, RESULT_ORDER)
GRAPH_OFFERS = offers(GRAPH_FORMATS, GRAPH_ORDER)
DATASET_OFFERS = offers(GRAPH_FORMATS, DATASET_ORDER)


# Short names clients put in a ``format`` parameter, for the formats they mean, in the order
# to try them: SPARQLWrapper sends ``n3``, ``rdf+xml`` and ``json`` (for a graph too) as they
# stand, Fuseki and Virtuoso users ``ttl`` or ``ntriples``.  Each stands for what its media
# type does, no more: ``rdf+xml`` is RDF/XML, never SPARQL's results XML.
_SHORT_NAMES = {"ttl": ("turtle",), "n3": ("turtle",), "n-triples": ("nt",), "ntriples": ("nt",),
                "json-ld": ("jsonld",), "json": ("json", "jsonld"),
                "rdfxml": ("application/rdf+xml",), "rdf+xml": ("application/rdf+xml",),
                "rdf": ("application/rdf+xml",), "nquads": ("nq",), "n-quads": ("nq",)}


def by_parameter(value: str, offered: list[tuple[str, list[str]]]) -> str | None:
    """Return the offered format a ``format`` parameter names (short name or media type)."""
    # A media type's parameters ("text/csv;charset=utf-8") choose nothing more: UTF-8 it is.
    # No name holds a space, so one is a "+" written into a URL unescaped, which a query
    # string decodes as a space: "?format=application/sparql-results+json" and
    # "?format=rdf+xml" typed into a browser were 406s naming "application/sparql-results json".
    value = value.split(";", 1)[0].strip().lower().replace(" ", "+")
    for candidate in _SHORT_NAMES.get(value, (value,)):
        for name, types in offered:
            if candidate == name or candidate in types:
                return name
    return None


def pick_format(requested, offered, table, accept: str | None) -> Format:
    """Return the format named by the ``format`` parameter, else by the Accept header's value
    ``accept``; refuse (406) when neither can be produced."""
    return pick_formats(requested, offered, table, accept)[0]


def pick_formats(requested, offered, table, accept: str | None) -> list[Format]:
    """Return the formats to answer in, best first: the one the ``format`` parameter names,
    else those the Accept header accepts, up to the first that carries every answer (an
    answer RDF/XML cannot carry is written in the client's next choice); refuse (406) when
    none can be produced.

    ``requested`` is the parameter's value, or its values when it was sent more than once
    (SPARQLWrapper sends ``format=rdf+xml&format=application/rdf+xml``): the first one that
    names a format here is used.
    """
    values = [v for v in ([requested] if isinstance(requested, str) else requested or []) if v]
    if values:
        for value in values:
            name = by_parameter(value, offered)
            if name is not None:
                return [table[name]]
        named = " / ".join(clipped(v, show=repr) for v in values)
        raise Refused(406, f"format {named} cannot be produced here; "
                           f"choose one of: {', '.join(n for n, _ in offered)}")
    names = acceptable(accept, offered)
    if not names:
        raise Refused(406, _unweighed(accept, offered) or
                      "none of the formats in the Accept header can be produced; "
                      "available: " + ", ".join(t[0] for _, t in offered))
    formats = []
    for name in names:
        formats.append(table[name])
        if table[name].carries_all:
            break
    return formats


def _unweighed(accept: str | None, offered) -> str | None:
    """Return why nothing ``accept`` names is produced where a range naming a format here
    has a weight no qvalue spells (``text/turtle;q=abc``, read as 0 so that it never wins
    over readable ones): the 406 said none of its formats can be produced, Turtle among them.
    None where no such range names one.  The weight is quoted as sent: ``text/turtle;q``
    was quoted ``q=``, and ``q=1e0`` was called no number, which it is, though no qvalue."""
    types = [t for _, ts in offered for t in ts]
    unread = [clipped(typed(sent)) for media, q, sent in _elements(accept or "")
              if q is not None and not _QVALUE.fullmatch(q.strip().strip('"'))
              and any(_specificity(media, t) >= 0 for t in types)]
    if not unread:
        return None
    return (f"the Accept header's weight in {', '.join(unread[:3])} is no qvalue (a qvalue "
            "is 0 or 1, or a decimal between them of at most three digits after the point, as "
            "q=0.5: RFC 9110, 12.4.2; no exponent as in 1e0, no sign, never empty), so it is "
            "read as 0, not acceptable, and nothing else the header accepts can be produced "
            "here; available: " + ", ".join(t[0] for _, t in offered))


def media_type(fmt: Format) -> str:
    """Return the Content-Type header value for a format."""
    text = fmt.media_type in _TEXT_TYPES
    return f"{fmt.media_type}; charset=utf-8" if text else fmt.media_type
