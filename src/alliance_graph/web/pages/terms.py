"""Terms as pages show them: labels fetched in batches, and where a link may go.

``Labeller`` turns Oxigraph terms into ``Term`` values with the label to show; ``link_for`` says
where a link to an IRI goes (its page here, the IRI itself for http(s), nowhere else: no
``javascript:`` link ever reaches a reader); ``sparql_iri`` writes an IRI into a query only if
Oxigraph's own IRI parser accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from ...namespaces import BASE, XSD, shorten

PRECISION = {str(XSD.date): "day", str(XSD.gYearMonth): "month", str(XSD.gYear): "year",
             str(XSD.dateTime): "time"}


@dataclass(frozen=True)
class Term:
    """An RDF term ready to show: its text, and where a link to it goes."""

    kind: str                   # "iri", "literal" or "bnode"
    value: str                  # the IRI, the literal's lexical form, or the blank node id
    label: str                  # what a page shows
    href: str | None = None     # local path for project IRIs, the IRI for other http(s) IRIs
    datatype: str | None = None
    lang: str | None = None

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


def local_path(iri: str) -> str | None:
    """Return the server path a project IRI is served at (``/id/X``), or None for others."""
    if not iri.startswith(BASE):
        return None
    # "%" is quoted too: the server decodes the path once, so the IRI .../id/a%41 must be
    # linked as /id/a%2541 (as /id/a%41 its link led to .../id/aA).
    return "/" + quote(iri[len(BASE):], safe="/:@!$&'()*+,;=-._~")


def link_for(iri: str) -> str | None:
    """Return where a link to ``iri`` goes: its page here, the IRI itself for http(s), else None.

    Only http(s) IRIs become links: a ``javascript:`` or ``data:`` IRI in the data (or in a
    query's answer) must never be a link a reader can click.
    """
    local = local_path(iri)
    if local is not None:
        return local
    return iri if iri.lower().startswith(("http://", "https://")) else None


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
    try:
        sparql_iri(value)
        return True
    except ValueError:
        return False


class Labeller:
    """Turn Oxigraph terms into Terms, fetching labels for IRIs in batches."""

    def __init__(self, kg):
        self.kg = kg
        self.labels: dict[str, str] = {}

    def fetch(self, iris) -> None:
        """Look up the rdfs:label (or skos:prefLabel) of every IRI not looked up yet."""
        todo = sorted({i for i in iris if i not in self.labels and valid_iri(i)})
        for start in range(0, len(todo), 200):
            chunk = todo[start:start + 200]
            values = " ".join(sparql_iri(i) for i in chunk)
            found: dict[str, tuple[int, str]] = {}
            for row in self.kg.query(
                    f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
                    f"{{ ?x rdfs:label ?l }} UNION {{ ?x skos:prefLabel ?l }} }}"):
                lit = row["l"]
                # English or untagged labels win over other languages.
                score = 0 if (lit.language in (None, "en")) else 1
                x = row["x"].value
                if x not in found or (score, lit.value) < found[x]:
                    found[x] = (score, lit.value)
            for i in chunk:
                self.labels[i] = found[i][1] if i in found else ""

    def term(self, node) -> Term:
        """Return a Term for an Oxigraph node (its label must have been fetched for IRIs)."""
        if isinstance(node, ox.NamedNode):
            iri = node.value
            if iri not in self.labels:
                self.fetch([iri])
            return Term("iri", iri, self.labels.get(iri) or shorten(iri), link_for(iri))
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype else None
            return Term("literal", node.value, node.value, None, datatype, node.language)
        return Term("bnode", str(node), "_:" + getattr(node, "value", str(node)))
