"""Terms as pages show them: labels fetched in batches, and where a link may go.

``Labeller`` turns Oxigraph terms into ``Term`` values with the label to show; ``shorten``
writes an IRI as the pages do (``sh:message``, ``agsh:evidence-quote``); ``link_for`` says
where a link to an IRI goes (its page here, the IRI itself for http(s), nowhere else: no
``javascript:`` link ever reaches a reader); ``sparql_iri`` writes an IRI into a query only if
Oxigraph's own IRI parser accepts it, and ``iri_problem`` names what keeps a text from being one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox

from ... import namespaces
from ...clipping import SHOWN, counted, cut, literal_parts, words
from ...namespaces import BASE, PREFIX_IRIS, XSD
from ...rdf import from_text
from .addresses import rooted

# What pages write IRIs with: the project's prefixes, and those of the vocabularies that only
# the ontology's files use (the shapes', the alignments'). SHACL terms and shapes written whole
# (<http://www.w3.org/ns/shacl#message>) pushed a phone's page sideways. Queries are not given
# these (namespaces.PREFIX_IRIS is what a query, an export and the query page's results use):
# a query names SHACL terms as it would at any other endpoint.
DISPLAY_PREFIXES = {**PREFIX_IRIS, "sh": "http://www.w3.org/ns/shacl#",
                    "agsh": BASE + "shapes/", "dbo": "http://dbpedia.org/ontology/"}

PRECISION = {str(XSD.date): "day", str(XSD.gYearMonth): "month", str(XSD.gYear): "year",
             str(XSD.dateTime): "time"}


def shorten(iri: str) -> str:
    """Return ``iri`` as a page writes it: a prefixed name where one covers it, else ``<iri>``."""
    return namespaces.shorten(iri, DISPLAY_PREFIXES)


def by_text(label: str) -> tuple[str, str]:
    """Return the key a page orders labels by: A to Z whatever their case ('a deep
    relationship' beside 'An enduring...', not after every capital), then as written."""
    return label.casefold(), label


@dataclass(frozen=True)
class Term:
    """An RDF term ready to show: its text, and where a link to it goes."""

    kind: str                   # "iri", "literal" or "bnode"
    value: str                  # the IRI, the literal's lexical form, or the blank node id
    label: str                  # what a page shows
    href: str | None = None     # local path for project IRIs, the IRI for other http(s) IRIs
    datatype: str | None = None
    lang: str | None = None
    # What a blank node says, for a page to write inline (blank_nodes.py): its properties
    # with their values, or the members of the list it starts.
    parts: tuple[tuple[Term, tuple[Term, ...]], ...] = ()
    items: tuple[Term, ...] | None = None
    direction: str | None = None  # a literal's base direction (RDF 1.2): "ltr" or "rtl"

    @property
    def precision(self) -> str | None:
        """Return "year", "month", "day" or "time" for a date literal, else None."""
        return PRECISION.get(self.datatype or "")

    @property
    def short(self) -> str:
        """Return the IRI as a prefixed name, or the datatype of a literal as one."""
        if self.kind == "iri":
            return shorten(self.value)
        return shorten(self.datatype) if self.datatype else ""


def shared_labels(named) -> set[str]:
    """Return the labels of ``named`` ((label, IRI) pairs) that name more than one IRI: nine
    labels name a class and a property both ('cooperation area'), and a page listing both
    had two links of one name, each to another term."""
    iris: dict[str, set] = {}
    for label, iri in named:
        iris.setdefault(label, set()).add(iri)
    return {label for label, held in iris.items() if len(held) > 1}


def apart(label: str, iri: str) -> str:
    """Return ``label`` told apart from another IRI's by ``iri``'s prefixed name."""
    return f"{label} ({shorten(iri)})"


# Unicode's directional isolates: LRI, RLI and FSI open one, PDI closes the last one open.
_OPENS, _CLOSE = "\u2066\u2067\u2068", "\u2069"


def isolated(text: str) -> str:
    """Return ``text`` between FSI and PDI, for where no ``<bdi>`` can go (a ``<title>``): a
    right-to-left override in a label reversed the rest of the tab's title.  A PDI of the text
    closing no isolate of its own is left out (it would close this one), and every isolate
    it leaves open is closed (this PDI would close that one, not its own)."""
    kept, open_ = [], 0
    for char in text:
        if char in _OPENS:
            open_ += 1
        elif char == _CLOSE:
            if not open_:
                continue
            open_ -= 1
        kept.append(char)
    return "\u2068" + "".join(kept) + _CLOSE * (open_ + 1)


def value_parts(text: str) -> tuple[str, str, str]:
    """Return a finding's value (a term as N-Triples writes it) as what comes before its text,
    its text, and what comes after, for a page to isolate the text alone: a right-to-left
    override in a literal reversed its closing quote and tag ('"cba ne@"fed').  A text longer
    than ``clipping.SHOWN`` is cut as every message cuts one, the validate report's text too
    (``clipping.literal_parts``: a note of 50,000 characters filled a /validate report with
    pages of it), what comes after saying how long it is."""
    try:
        term = from_text(text)
    except (ValueError, SyntaxError):  # a value that is not a term (rare): as text
        term = None
    if isinstance(term, ox.Literal):
        return literal_parts(term)
    return "", cut(text, SHOWN), counted(text, SHOWN)


def local_path(iri: str) -> str | None:
    """Return the server path a project IRI is served at (``/id/X``, under the prefix the
    site is served at: ``addresses.rooted``), or None for others and for a project IRI no
    path can name (one with a ``.`` or ``..`` segment, or an empty first one)."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE):]
    # BASE + "/evil.example/x" would link to //evil.example/x, another site (a link with no
    # scheme keeps only the page's): no page here has a path beginning with two slashes.
    if rest.startswith("/"):
        return None
    # A browser resolves a "." or ".." segment away before asking (and reads %2e%2e as ".."
    # too), so /id/../timeline would lead to /timeline: no link rather than another page's.
    if any(segment in (".", "..") for segment in rest.split("/")):
        return None
    # "%" is quoted too: the server decodes the path once, so the IRI .../id/a%41 must be
    # linked as /id/a%2541 (as /id/a%41 its link led to .../id/aA).
    return rooted("/" + quote(rest, safe="/:@!$&'()*+,;=-._~"))


def name_words(iri: str) -> str:
    """Return the words an IRI's last segment is made of, to search for: "IronDom" is "Iron
    Dom", "f-35_sales" "f 35 sales" (a 404 page offers the search, for a link mistyped or
    one to an entity since renamed); of a long one, its first words (``clipping.words``: a
    search reads at most 1,000 characters, and a name of 60,000 was written in the link whole)."""
    last = unquote(iri.rstrip("/").rpartition("/")[2].rpartition("#")[2])
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", last)
    return words(" ".join(re.split(r"[\W_]+", spaced)).strip())


def link_for(iri: str) -> str | None:
    """Return where a link to ``iri`` goes: its page here, the IRI itself for http(s), else None.

    Only http(s) IRIs become links: a ``javascript:`` or ``data:`` IRI in the data (or in a
    query's answer) must never be a link a reader can click. A project IRI links to its page
    here or nowhere: its own host is not a real site.
    """
    if iri.startswith(BASE):
        return local_path(iri)
    return iri if iri.lower().startswith(("http://", "https://")) else None


def query_link(sparql: str) -> str:
    """Return the query page's link that opens ``sparql`` in its editor, for the reader to
    run (a permalink is not run as it loads): where a page shows part of a long list, the
    query listing it all."""
    return rooted("/?" + urlencode({"query": sparql}))


def sparql_iri(value: str) -> str:
    """Return ``value`` as a SPARQL IRI reference; raise ValueError if it is not a valid IRI.

    Oxigraph's own IRI parser (RFC 3987) decides, so a control character, a space, a broken
    percent-encoding or a ``>`` can neither break out of the reference nor reach the engine.
    """
    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        raise ValueError(f"not a valid IRI: {value!r}") from exc


def valid_iri(value: str) -> bool:
    """Return True if ``value`` is a valid IRI."""
    return iri_problem(value) is None


# The characters an IRI may hold anywhere (RFC 3987): ASCII letters, digits and the
# unreserved and reserved marks, and the non-ASCII ranges of ucschar and iprivate.
_IRI_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                       "-._~:/?#[]@!$&'()*+,;=%")
_IRI_RANGES = ((0xA0, 0xD7FF), (0xE000, 0xFDCF), (0xFDF0, 0xFFEF),
               *((plane, plane + 0xFFFD) for plane in range(0x10000, 0x110000, 0x10000)))


def _may_hold(char: str) -> bool:
    code = ord(char)
    return char in _IRI_ASCII or any(low <= code <= high for low, high in _IRI_RANGES)


def _named(char: str) -> str:
    """Return a character as a reader can tell it: ``'<' (U+003C LESS-THAN SIGN)``."""
    name = unicodedata.name(char, "")
    if char == "\ufffd":
        name += ", what a percent-encoding that is not UTF-8 decodes to"
    elif not name:
        name = {"Cc": "a control character", "Cs": "half of a surrogate pair, no character"
                }.get(unicodedata.category(char), "unnamed")
    return f"{char!r} (U+{ord(char):04X} {name})"


def character_problem(char: str) -> str:
    """Return that ``char`` may not be in an IRI, naming it."""
    return f"the character {_named(char)} may not be in an IRI"


def iri_problem(value: str) -> str | None:
    """Return what keeps ``value`` from being an IRI, naming the character at fault (the
    first an IRI may not hold, or a ``%`` not followed by two hex digits); None for an IRI.
    Oxigraph's parser decides; its own words are given when no single character is at fault
    (a second ``#``, no scheme)."""
    try:
        sparql_iri(value)
        return None
    except ValueError as exc:
        parser_says = f"Oxigraph's IRI parser says: {exc.__cause__}"
    for i, char in enumerate(value):
        if not _may_hold(char):
            return character_problem(char)
        hex_digits = value[i + 1:i + 3]
        if char == "%" and not (len(hex_digits) == 2 and all(
                c in "0123456789abcdefABCDEF" for c in hex_digits)):
            return f"{value[i:i + 3]!r}: a '%' must be followed by two hex digits"
    return parser_says


class Labeller:
    """Turn Oxigraph terms into Terms, fetching labels for IRIs in batches."""

    def __init__(self, kg):
        self.kg = kg
        self.labels: dict[str, str] = {}

    def fetch(self, iris) -> None:
        """Look up the rdfs:label (or skos:prefLabel) of every IRI not looked up yet, or else
        its dcterms:title: a source document has a title and no label, and a claim may point at
        one (a proposition affirmed by a source in its own voice)."""
        todo = sorted({i for i in iris if i not in self.labels and valid_iri(i)})
        for start in range(0, len(todo), 200):
            chunk = todo[start:start + 200]
            values = " ".join(sparql_iri(i) for i in chunk)
            found: dict[str, tuple[int, int, str]] = {}
            for row in self.kg.query(
                    f"SELECT ?x ?l ?title WHERE {{ VALUES ?x {{ {values} }} "
                    f"{{ ?x rdfs:label ?l }} UNION {{ ?x skos:prefLabel ?l }} "
                    f"UNION {{ ?x dcterms:title ?l BIND(true AS ?title) }} }}"):
                lit = row["l"]
                # A label wins over a title; English or untagged over other languages.
                score = (1 if row["title"] else 0, 0 if (lit.language in (None, "en")) else 1)
                x = row["x"].value
                if x not in found or (*score, lit.value) < found[x]:
                    found[x] = (*score, lit.value)
            for i in chunk:
                self.labels[i] = found[i][-1] if i in found else ""

    def term(self, node) -> Term:
        """Return a Term for an Oxigraph node (its label must have been fetched for IRIs)."""
        if isinstance(node, ox.NamedNode):
            iri = node.value
            if iri not in self.labels:
                self.fetch([iri])
            return Term("iri", iri, self.labels.get(iri) or shorten(iri), link_for(iri))
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype else None
            return Term("literal", node.value, node.value, None, datatype, node.language,
                        direction=getattr(node, "direction", None))
        return Term("bnode", str(node), "_:" + getattr(node, "value", str(node)))
