"""A source document's page: what it is first, then its facts by topic, then its text.

``describe`` gathers the title, kind, reliability grade, SHA-256 and coverage of one source,
the quotes taken from it with the facts each supports, grouped by topic (the ``data/`` file the
claim is written in: aid, exercises, missile defense, ...), and, when the source texts are
present, the text cut into pieces so that a page can highlight every cited span.  Each fact is
one line (subject, property, value, rank): the full cards, with every other source's quotes,
are on the fact's own page, which kept the page of the largest source at 582 KB.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ...namespaces import GRAPH
from ...sources import citations, reading
from ...sources.coverage import split_sentences
from .terms import Labeller, Term, by_text, sparql_iri

_META = """
SELECT ?title ?file ?kind ?grade ?gradeLabel ?rationale ?sha ?date ?publisher WHERE {
  OPTIONAL { %(s)s dcterms:title ?title }
  OPTIONAL { %(s)s ag:fileName ?file }
  OPTIONAL { %(s)s ag:sourceKind/rdfs:label ?kind }
  OPTIONAL { %(s)s ag:reliability ?g . ?g skos:notation ?grade OPTIONAL { ?g skos:prefLabel ?gradeLabel } }
  OPTIONAL { %(s)s ag:reliabilityRationale ?rationale }
  OPTIONAL { %(s)s ag:sha256 ?sha }
  OPTIONAL { %(s)s ag:statedDate ?date }
  OPTIONAL { %(s)s ag:statedPublisher ?publisher }
} LIMIT 1
"""
# Every quote from the source and where it sits, and the claims each supports with their file.
# Four plain joins, each starting from the source, rather than one query of OPTIONAL groups:
# Oxigraph began such a group at its own least bound pattern, so the page of a source of a
# hundred quotes read every claim of the graph (19 s at 100 k facts).
_EVIDENCE = "SELECT ?e WHERE { ?e oa:hasSource %(s)s }"
_EXACT = """
SELECT ?e ?exact ?prefix ?suffix WHERE {
  ?e oa:hasSource %(s)s . ?e oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
}
"""
_POSITION = """
SELECT ?e ?start ?end WHERE {
  ?e oa:hasSource %(s)s . ?e oa:hasSelector ?pos .
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end
}
"""
_FACTS = """
SELECT ?e ?c ?s ?p ?o ?rank ?g WHERE {
  ?e oa:hasSource %(s)s . ?c prov:wasDerivedFrom ?e ; rdf:subject ?s ; rdf:predicate ?p ;
     rdf:object ?o .
  OPTIONAL { ?c ag:rank ?rank }
  OPTIONAL { GRAPH ?g { ?c a ag:Claim } FILTER(STRSTARTS(STR(?g), %(data)s)) }
}
"""


@dataclass
class Fact:
    """One claim a quote supports, in one line."""

    claim: Term
    subject: Term
    predicate: Term
    object: Term
    rank: str


@dataclass
class Quote:
    """A quote from the source, its place in the text, and the facts it supports."""

    number: int                 # its anchor on the page: #q-<number>
    evidence: Term
    exact: str
    span: tuple[int, int] | None = None
    prefix: str | None = None
    suffix: str | None = None
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Topic:
    """The quotes whose facts are written in one data file, with those facts."""

    name: str
    quotes: list[tuple[Quote, list[Fact]]]

    @property
    def fact_count(self) -> int:
        """Return how many facts the topic lists."""
        return sum(len(facts) for _, facts in self.quotes)


@dataclass
class Source:
    """What a source page shows."""

    iri: Term
    title: str
    file: str
    kind: str = ""
    grade: str = ""
    grade_label: str = ""
    rationale: str = ""
    sha256: str = ""
    stated_date: str = ""
    stated_publisher: str = ""
    quotes: list[Quote] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    text_found: bool = False
    # Why the file on this server is no text to show (empty, too big, not UTF-8, a pipe).
    text_unread: str = ""
    hash_matches: bool | None = None
    sentences: int = 0
    cited_sentences: int = 0
    # The text in pieces: (offset, text, the quotes covering it); empty without the text.
    pieces: list[tuple[int, str, list[Quote]]] = field(default_factory=list)
    unplaced: list[Quote] = field(default_factory=list)

    @property
    def fact_count(self) -> int:
        """Return how many distinct facts the source supports."""
        return len({f.claim.value for q in self.quotes for f in q.facts})

    @property
    def percent(self) -> float:
        """Return the share of the text's sentences cited, 0-100."""
        return 100.0 * self.cited_sentences / self.sentences if self.sentences else 0.0


def is_source(kg, iri: str) -> bool:
    """Return True if the graph says ``iri`` is a source document."""
    return bool(kg.query(f"ASK {{ {sparql_iri(iri)} a ag:SourceDocument }}"))


def topic_name(graph: str | None) -> str:
    """Return a topic's name from its graph IRI: ``graph/data/missile-defense.ttl`` -> "missile defense"."""
    if not graph:
        return "other"
    name = urllib.parse.unquote(graph.rsplit("/", 1)[-1]).removesuffix(".ttl")
    return name.replace("-", " ")


def describe(kg, iri: str, sources_dir: Path | None) -> Source:
    """Return what the page of source document ``iri`` shows (its text read from ``sources_dir``)."""
    ref = sparql_iri(iri)
    lab = Labeller(kg)
    meta = next(iter(kg.query(_META % {"s": ref})))
    val = lambda name: meta[name].value if meta[name] is not None else ""  # noqa: E731
    file = val("file") or iri.rsplit("/", 1)[-1]
    source = Source(lab.term(ox.NamedNode(iri)), val("title") or file, file, val("kind"),
                    val("grade"), val("gradeLabel"), val("rationale"), val("sha"), val("date"),
                    val("publisher"))
    args = {"s": ref, "data": ox.Literal(str(GRAPH) + "data/")}
    evidence = [r["e"] for r in kg.query(_EVIDENCE % args)]
    exact = {}
    for r in kg.query(_EXACT % args):
        exact.setdefault(r["e"].value, r)  # a second quote selector: the first is shown
    spans = {}
    for r in kg.query(_POSITION % args):
        offsets = citations.offsets(r["start"], r["end"])
        if offsets is not None:
            spans.setdefault(r["e"].value, offsets)
    facts = list(kg.query(_FACTS % args))
    lab.fetch({n.value for n in evidence if isinstance(n, ox.NamedNode)}
              | {r[v].value for r in facts for v in ("c", "s", "p", "o", "rank")
                 if isinstance(r[v], ox.NamedNode)})
    quotes: dict[str, Quote] = {}
    for e in evidence:
        if e.value in quotes:
            continue
        text = exact.get(e.value)
        quotes[e.value] = Quote(0, lab.term(e), text["exact"].value if text else "",
                                spans.get(e.value),
                                text["prefix"].value if text and text["prefix"] else None,
                                text["suffix"].value if text and text["suffix"] else None)
    topic_of: dict[tuple[str, str], str] = {}
    for r in facts:
        e = r["e"].value
        quote = quotes.get(e)
        if quote is None:
            continue
        if all(f.claim.value != r["c"].value for f in quote.facts):
            quote.facts.append(Fact(lab.term(r["c"]), lab.term(r["s"]), lab.term(r["p"]),
                                    lab.term(r["o"]),
                                    lab.term(r["rank"]).label if r["rank"] else ""))
        topic = topic_name(r["g"].value if r["g"] else None)
        # A claim typed in several files: the first by name, on every backend alike.
        if (e, r["c"].value) not in topic_of or topic < topic_of[(e, r["c"].value)]:
            topic_of[(e, r["c"].value)] = topic
    _read_text(source, list(quotes.values()), sources_dir)
    ordered = sorted(quotes.values(), key=lambda q: (q.span or (10**12, 0), q.exact))
    for number, quote in enumerate(ordered, 1):
        quote.number = number
        quote.facts.sort(key=lambda f: (by_text(f.subject.label), f.predicate.label,
                                         by_text(f.object.label)))
    source.quotes = ordered
    by_topic: dict[str, list[tuple[Quote, list[Fact]]]] = defaultdict(list)
    for quote in ordered:
        per_topic: dict[str, list[Fact]] = defaultdict(list)
        for fact in quote.facts:
            per_topic[topic_of.get((quote.evidence.value, fact.claim.value), "other")].append(fact)
        for name, facts in per_topic.items():
            by_topic[name].append((quote, facts))
    source.topics = [Topic(name, items) for name, items in sorted(by_topic.items())]
    return source


def _read_text(source: Source, quotes: list[Quote], sources_dir: Path | None) -> None:
    """Place the quotes in the source's text and cut it into pieces, if the text is there."""
    path = sources_dir / source.file if sources_dir is not None else None
    if path is None or "/" in source.file or not path.exists():
        return
    # Read as every command reads a source (``sources/reading.py``): bounded, and a pipe put
    # in its place refused unread; read whole, a 100 MB file was held at each request, and a
    # FIFO held the request's thread until a writer came.  Why is said without the path (a
    # page may be read from anywhere, the server's folders are not its readers' business).
    try:
        text = reading.read_source(path)
    except reading.SourceNotText as exc:
        source.text_unread = exc.why or reading.unreadable(path) or "not a text file"
        return
    except OSError as exc:
        source.text_unread = f"a file that cannot be read ({exc.strerror or type(exc).__name__})"
        return
    source.text_found = True
    # A strict UTF-8 decoding gives the file's bytes back whole.
    source.hash_matches = (hashlib.sha256(text.encode("utf-8")).hexdigest() == source.sha256) \
        if source.sha256 else None
    for quote in quotes:
        # Stored offsets are trusted only where they hold the quote; else it is looked for.
        if quote.span is None or not quote.exact or text[quote.span[0]:quote.span[1]] != quote.exact:
            try:
                loc = citations.locate(text, quote.exact, quote.prefix, quote.suffix)
                quote.span = (loc.start, loc.end) if quote.exact else None
            except citations.QuoteNotFound:
                quote.span = None
    placed = [q for q in quotes if q.span is not None]
    source.unplaced = [q for q in quotes if q.span is None]
    sentences = split_sentences(text)
    source.sentences = len(sentences)
    source.cited_sentences = sum(1 for s in sentences if any(
        q.span[0] < s.end and s.start < q.span[1] for q in placed))
    cuts = sorted({0, len(text), *(b for q in placed for b in q.span)})
    for start, end in zip(cuts, cuts[1:]):
        covering = [q for q in placed if q.span[0] <= start and end <= q.span[1]]
        source.pieces.append((start, text[start:end], covering))
