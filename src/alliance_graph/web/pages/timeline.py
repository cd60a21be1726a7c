"""Every dated fact in date order, keeping each date's precision (a year is not a day).

A fact is dated when its claim's object is a date literal (``xsd:date``, ``xsd:gYearMonth``,
``xsd:gYear``, ``xsd:dateTime``) or the claim carries ``ag:validFrom``, ``ag:validUntil`` or
``ag:asOf``.  ISO 8601 forms sort as text, so "2016" comes before "2016-09" and "2016-09-14":
a year-only date sorts at the start of its year, which is where a reader looks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ...namespaces import RDF
from .terms import Labeller, Term

DATE_TYPES = ("xsd:date", "xsd:gYearMonth", "xsd:gYear", "xsd:dateTime")

_QUERY = f"""
SELECT ?c ?s ?p ?o ?rank ?which ?d WHERE {{
  ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?c ag:rank ?rank }}
  {{ ?c rdf:object ?d BIND(rdf:object AS ?which) }}
  UNION {{ VALUES ?which {{ ag:validFrom ag:validUntil ag:asOf }} ?c ?which ?d }}
  FILTER(isLiteral(?d) && DATATYPE(?d) IN ({", ".join(DATE_TYPES)}))
}}
"""


@dataclass
class Event:
    """One dated fact: the date (with its precision), what is dated, and its claim."""

    date: Term
    role: str           # "" when the fact's value is the date, else "valid from", "as of", ...
    subject: Term
    predicate: Term
    object: Term
    claim: Term
    rank: str

    @property
    def year(self) -> str:
        """Return the year part of the date, for headings."""
        return self.date.value.lstrip("-")[:4]

    @property
    def sort_key(self) -> tuple:
        # Negative years ("-0586") would sort wrongly as text; none are expected, but keep
        # them first rather than scattered.
        return (not self.date.value.startswith("-"), self.date.value, self.subject.label)


def events(kg) -> list[Event]:
    """Return every dated fact in the graph, in date order."""
    rows = list(kg.query(_QUERY))
    lab = Labeller(kg)
    lab.fetch({r[v].value for r in rows for v in ("c", "s", "p", "o", "rank", "which")
               if isinstance(r[v], ox.NamedNode)})
    found = []
    for r in rows:
        which = lab.term(r["which"])
        found.append(Event(
            date=lab.term(r["d"]),
            role="" if which.value == str(RDF.object) else which.label,
            subject=lab.term(r["s"]), predicate=lab.term(r["p"]), object=lab.term(r["o"]),
            claim=lab.term(r["c"]), rank=lab.term(r["rank"]).label if r["rank"] else ""))
    return sorted(found, key=lambda e: e.sort_key)
