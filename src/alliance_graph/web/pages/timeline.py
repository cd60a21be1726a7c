"""Every dated fact in date order, keeping each date's precision (a year is not a day).

A fact is dated when its claim's object is a date literal (``xsd:date``, ``xsd:gYearMonth``,
``xsd:gYear``, ``xsd:dateTime``) of a property the shapes type as a date (``ag:date``,
``ag:foundingDate``, ``ag:fromYear``, ...), or the claim carries ``ag:validFrom``,
``ag:validUntil`` or ``ag:asOf``.  Dates sort by their year's number, then, within a year, as
text, so "2016" comes before "2016-09" and "2016-09-14": a year-only date sorts at the start
of its year, which is where a reader looks for it.

A page shows ``PAGE`` facts, ordered and cut by the query itself: the page listed every dated
fact, which grows with the graph, and read every claim of the graph to find them (2.9 s at
100 k facts with none to show).  Facts of one date follow in their claim's IRI order, so that
a fact is on one page only, whatever page is asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

import pyoxigraph as ox

from ...namespaces import RDF
from ...store import numbers
from .terms import Labeller, Term

DATE_TYPES = ("xsd:date", "xsd:gYearMonth", "xsd:gYear", "xsd:dateTime")

PAGE = 500  # dated facts a page shows
_YEAR = re.compile(r"-?[0-9]+")
_FILTER = f"FILTER(isLiteral(?d) && DATATYPE(?d) IN ({', '.join(DATE_TYPES)}))"
# The properties whose values are dates, as the shapes type them (the data checks hold every
# value to its shape): their facts are looked up by predicate, where looking at every claim's
# value read the whole graph (0.5 s at 100 k facts on disk, for none).  A graph without the
# shapes has its claims' values all looked at.
_DATED_PROPERTIES = f"""
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT DISTINCT ?p WHERE {{
  ?shape sh:path ?p .
  {{ ?shape sh:datatype ?d }} UNION {{ ?shape sh:or/rdf:rest*/rdf:first/sh:datatype ?d }}
  FILTER(isIRI(?p) && ?d IN ({', '.join(DATE_TYPES)}))
}}"""
# The dated claims first, then their parts for one page (a join with every claim's parts
# was evaluated whole: 2.5 s at 100 k facts with no date to show).
_DATED = f"""
  {{ %s ?c rdf:object ?d {_FILTER} BIND(rdf:object AS ?which) }}
  UNION {{ VALUES ?which {{ ag:validFrom ag:validUntil ag:asOf }} ?c ?which ?d {_FILTER} }}
  FILTER EXISTS {{ ?c a ag:Claim }}
"""
_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ {_DATED} }}"
# By the year's number, then the date as text: as text, years before the common era
# ("-0586") would sort after "0001" and "-0586" before "-1000", and a year of five digits
# ("12016") before "2011".  Within one year the text is in date order.
_PAGE = f"""
SELECT ?c ?which ?d WHERE {{ {_DATED}
  BIND(xsd:integer(REPLACE(STR(?d), "^(-?[0-9]+).*$", "$1")) AS ?year) }}
ORDER BY ?year STR(?d) ?c ?which
LIMIT %d OFFSET %d
"""
_PARTS = """
SELECT ?c ?s ?p ?o ?rank WHERE {
  VALUES ?c { %s } ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?c ag:rank ?rank }
}"""


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
        """Return the year part of the date, for headings: its sign too ("-0586" was headed
        "0586", a year of the common era), and every digit (a year may have more than four)."""
        found = _YEAR.match(self.date.value)
        return found.group() if found else self.date.value[:4]

    @property
    def sort_key(self) -> tuple:
        # The page query's order: the year's number, then the date as text and the claim's
        # IRI (named by its subject, so one entity's facts of a date stay together).
        value = self.date.value
        year = _YEAR.match(value)
        return (int(year.group()) if year else 0, value, self.claim.value)


@dataclass
class Page:
    """One page of the timeline: its dated facts, which page it is, and how many there are."""

    events: list[Event]
    number: int
    total: int
    size: int = PAGE

    @property
    def pages(self) -> int:
        """Return how many pages the timeline has (one, when it is empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """Return the position of the page's first fact, from 1."""
        return (self.number - 1) * self.size + 1

    def by_year(self) -> list[tuple[str, list[Event]]]:
        """Return the page's facts grouped by year, in the page's order: Jinja's groupby
        sorts the groups as text, which put "-0586" before "-1000"."""
        return [(year, list(group)) for year, group in groupby(self.events, lambda e: e.year)]


def events(kg, number: int = 1, size: int = PAGE) -> Page:
    """Return page ``number`` (from 1) of the graph's dated facts, in date order."""
    dated = " ".join(f"<{r['p'].value}>" for r in kg.query(_DATED_PROPERTIES))
    by_predicate = f"VALUES ?p {{ {dated} }} ?c rdf:predicate ?p ." if dated else ""
    total = numbers.count(next(iter(kg.query(_COUNT % by_predicate)))["n"])
    # A page past the last is not asked of the engine: its OFFSET may be over what the
    # engine reads as a number (?page=99999999999999999999999 was a 500 and a traceback).
    offset = (number - 1) * size
    rows = list(kg.query(_PAGE % (by_predicate, size, offset))) if offset < total else []
    parts: dict[str, dict] = {}
    claims = sorted({r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)})
    if claims:
        for r in kg.query(_PARTS % " ".join(f"<{c}>" for c in claims)):
            parts.setdefault(r["c"].value, {"s": r["s"], "p": r["p"], "o": r["o"],
                                            "rank": r["rank"]})
    lab = Labeller(kg)
    lab.fetch({t.value for t in [*(r[v] for r in rows for v in ("c", "which")),
                                 *(t for one in parts.values() for t in one.values())]
               if isinstance(t, ox.NamedNode)})
    found = []
    for r in rows:
        one = parts.get(r["c"].value)
        if one is None:
            continue  # not a complete claim node: the build's checks report it
        which = lab.term(r["which"])
        found.append(Event(
            date=lab.term(r["d"]),
            role="" if which.value == str(RDF.object) else which.label,
            subject=lab.term(one["s"]), predicate=lab.term(one["p"]), object=lab.term(one["o"]),
            claim=lab.term(r["c"]), rank=lab.term(one["rank"]).label if one["rank"] else ""))
    return Page(found, number, total, size)
