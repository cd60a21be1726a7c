"""Search the graph's text: labels, alternative labels, descriptions and evidence quotes, ranked.

One SPARQL query finds every literal of those kinds that holds each word of the search text
where a word of it starts (case-insensitive: "aid" finds "aid" and "aided", not "said"), so
any backend answers it.  Which properties count is read from the
ontology, not listed here: labels are ``rdfs:label``, ``skos:prefLabel`` and ``dcterms:title``;
alternative labels ``skos:altLabel`` and its subproperties (``ag:acronym``); descriptions
``skos:definition``, ``dcterms:description``, ``rdfs:comment`` and every property whose range
is a string, tagged or not (the ontology's prose: purposes, characterizations, statements); quotes
are the evidence nodes' ``oa:exact``.  Hits rank by kind (a label above an alternative label
above a description above a quote; first of all a label or alternative label that is the whole
text), then by how well the text matches (the whole text, its
start, the phrase, the words apart; whole words above the starts of words), then shorter texts
first.  A quote hit carries the claims
the quote supports, so a page can link the quote to its claims and their entities.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field, replace

import pyoxigraph as ox

from ...sources.citations import occurrences
from .terms import Labeller, Term, apart, by_text, shared_labels, shorten, sparql_iri

KINDS = ("label", "alternative label", "description", "quote")
# Different words of the search text that must all occur: each is one more CONTAINS per text
# that held the words before it (the first alone reads every text), so a pasted sentence costs
# little more than a word.  Words past them are named on the page as not searched for.
MAX_WORDS = 32
MAX_LIMIT = 100        # hits one request may ask for
# The characters of a search text: its phrase is one regular expression each text is matched
# against, and past a few thousand characters the engine matched it slowly (16,000 of
# "a-a-...", a GET of 16 KB: 41 s for one page, over the query time limit; 60,000 stopped at
# it, the engine killed).  1,000 is a long paragraph, three times 32 words (0.1 s at worst).
MAX_CHARACTERS = 1000
CLAIMS_PER_QUOTE = 5   # claims listed under one quote

# Rows of one kind ranked in full (to the IRI, or a quote's text, among texts that match as
# well and are as long): the others are cut by the cheap keys alone (how the text matches, its
# length), whichever of a tie the store lists first.  Oxigraph sorts every row before it cuts,
# and comparing two IRIs or quotes reads both from the store: a single letter (28,000 quotes
# at 100 k facts) took 1.8 s to rank, and as many small numbers take milliseconds.
RANKED = 1000

_BRANCHES = [
    # (kind, the pattern binding ?x, ?p and ?text; {match} is where the text filter goes: right
    # after ?text is bound, so that the joins after it only see the literals that match).
    # The texts are read inside each branch of a UNION: Virtuoso joined "{ ... } UNION { ... }
    # ?x ?p ?text" to nothing, and a Virtuoso store's search found no alternative label and no
    # description (Oxigraph's the same rows either way).
    (0, "VALUES ?p { rdfs:label skos:prefLabel dcterms:title } ?x ?p ?text . {match}"),
    (1, "{ VALUES ?p { skos:altLabel } ?x ?p ?text . {match} } "
        "UNION { ?p rdfs:subPropertyOf+ skos:altLabel . ?x ?p ?text . {match} }"),
    (2, "{ VALUES ?p { skos:definition dcterms:description rdfs:comment } ?x ?p ?text . {match} } "
        "UNION { VALUES ?range { xsd:string rdf:langString } ?p rdfs:range ?range . "
        "?x ?p ?text . {match} }"),
]
# Quotes: the best matching quotes are picked first, and only those are joined to their
# evidence node.  At 100 k facts joining every quote to its evidence before filtering took
# 1.4 s, filtering first 0.1 s, and a word in every quote ("a") still 2.9 s until the join was
# limited to the quotes shown.
_QUOTES = ("{{ SELECT ?selector ?text ?quality ?len WHERE {{ ?selector oa:exact ?text . {match} "
           "{quality} }} ORDER BY ?quality ?len LIMIT {ranked} }}")
_QUOTE_ROWS = ("{{ SELECT ?selector ?text ?quality ?len WHERE {{ {best} }} "
               "ORDER BY ?quality ?len STR(?text) LIMIT {limit} }} "
               "?x oa:hasSelector ?selector . BIND(oa:exact AS ?p) FILTER(isIRI(?x))")


@dataclass
class Hit:
    """One thing found: the entity (or, for a quote, the evidence node) and the text matched."""

    iri: str
    label: str
    href: str | None
    type: str | None
    match: str                  # one of KINDS
    property: str               # label of the property whose value matched
    text: str
    claims: list[dict] = field(default_factory=list)   # quotes: the claims they support
    source: dict | None = None                          # quotes: the source document
    more: int = 0               # quotes: the claims supported past those listed
    evidence: str | None = None  # quotes: the evidence node's page, which lists them all

    def as_json(self) -> dict:
        """Return the hit as plain JSON values."""
        out = asdict(self)
        if self.match != "quote":
            del out["claims"], out["source"], out["more"], out["evidence"]
        return out


# Quotation marks around a search text or its words: typed to ask for a phrase, as a web
# search engine takes them, they were searched for as characters ('"iron dome"' found nothing).
QUOTATION_MARKS = "\"'\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a"


def _distinct_words(text: str) -> list[str]:
    # A word typed twice asks for nothing more: it took one of the words searched for. A word
    # is searched for without the quotation marks at its ends: what holds "axis" holds axis.
    bare = (word.strip(QUOTATION_MARKS) for word in text.lower().split())
    return list(dict.fromkeys(word for word in bare if word))


def words(text: str) -> list[str]:
    """Return the different lower-cased words of a search text searched for (the first
    MAX_WORDS): every one must occur in a text found."""
    return _distinct_words(text)[:MAX_WORDS]


def left_out(text: str) -> list[str]:
    """Return the different words of a search text past MAX_WORDS, not searched for: a page
    says so (only the first 8 were read, and nothing said the rest were not)."""
    return _distinct_words(text)[MAX_WORDS:]


def phrase(text: str) -> str:
    """Return the search text as one phrase to rank by (lower-cased, one space between its
    words, without quotation marks around it): a text holding it whole matches better than one
    holding its words apart."""
    # Only around the whole: a sentence pasted with a quotation inside keeps it, as its
    # source text does.
    return " ".join(text.lower().split()).strip(QUOTATION_MARKS).strip()


# What a word is made of: letters, marks and digits (Unicode's categories L, M and N), for the
# query's regular expressions and for is_word_character alike, so that the marks say where the
# query matched.  Written as categories, which XPath's regular expressions (SPARQL's), Rust's
# (Oxigraph's) and PCRE read alike: XPath's \w holds symbols ("$", "+") where Rust's does not.
WORD_CLASS = r"\p{L}\p{M}\p{N}"
_BOUNDARY = f"[^{WORD_CLASS}]"
# The characters XPath's regular expressions read as syntax, escaped to stand for themselves
# (escaping others, as Python's re.escape does "#" and "&", is an error there).
_SYNTAX = set("\\.?*+{}()[]|^$-")


def is_word_character(ch: str) -> bool:
    """Say whether ``ch`` is part of a word (a letter, mark or digit), as the query reads it."""
    return unicodedata.category(ch)[0] in "LMN"


# Characters typed one way and written another: a keyboard types "'" and "-", the sources
# write "Israel’s" (39 hits for "israel’s", 4 for "israel's") and "2016–2028" (none for
# "2016-2028"); a phrase is typed with spaces, and a quote holds a no-break space or a line
# break between its words ("Support:\xa0Under the 2016–2028 Memorandum"), where it did not
# rank as the phrase.  Each is matched by any of its kind, in the query and in the marks.
FOLDED = {"'": "'\u2019\u2018\u02bc", "-": "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
          " ": " \t\n\r\u00a0\u2009\u202f"}
_FOLD = {ch: kind for kind, chars in FOLDED.items() for ch in chars}


def fold(text: str) -> str:
    """Return ``text`` with each apostrophe written "'", each hyphen or dash "-" and each
    space between words " " (one character for one, so that offsets hold)."""
    return "".join(_FOLD.get(ch, ch) for ch in text)


def _regex(needle: str, start: str = "word", end: str = "") -> ox.Literal:
    """Return a regular expression finding ``needle`` where a word starts (``start="text"``:
    where the text starts), and, ``end`` "word" or "text", where a word or the text ends.  A
    needle starting (ending) with no letter needs no word to start (end) there: "$3" and "<b>"
    are found anywhere.  An apostrophe or a dash in it matches any of its kind."""
    escaped = "".join(
        "[" + "".join("\\" + c if c in _SYNTAX else c for c in FOLDED[_FOLD[ch]]) + "]"
        if ch in _FOLD else "\\" + ch if ch in _SYNTAX else ch for ch in needle)
    before = "^" if start == "text" else \
        f"(^|{_BOUNDARY})" if is_word_character(needle[0]) else ""
    after = "$" if end == "text" else \
        f"($|{_BOUNDARY})" if end == "word" and is_word_character(needle[-1]) else ""
    return ox.Literal(before + escaped + after)


def _word_found(word: str) -> str:
    # CONTAINS first, which is cheap, so that the regular expression only reads the texts
    # holding the word's longest piece without an apostrophe or a dash; a word starting with
    # no letter and holding neither is found anywhere, by CONTAINS alone.
    piece = max("".join(" " if ch in _FOLD else ch for ch in word).split(" "), key=len)
    found = [f"CONTAINS(LCASE(STR(?text)), {ox.Literal(piece)})"] if piece else []
    if is_word_character(word[0]) or piece != word:
        found.append(f"REGEX(LCASE(STR(?text)), {_regex(word)})")
    return " && ".join(found)


def query(text: str, limit: int, kind: int) -> str:
    """Return the SPARQL query finding the ``limit`` best rows of one kind for ``text``, best
    first: by how the text matches, its length, then the IRI (a quote's evidence node)."""
    said = phrase(text)
    # Each word where a word of the text starts: CONTAINS alone found "aid" in "said" and
    # "war" in "forward", every text holding the letters ranked as if it held the word.
    match = f"FILTER(isLiteral(?text) && {' && '.join(_word_found(w) for w in words(text))})"
    # 0: the whole text; the phrase at its start, 1: as whole words, 2: as the start of a
    # word; the phrase where a word starts, 3: as whole words, 4: as the start of one; 5: the
    # words apart.  The length bound once per row, where ORDER BY STRLEN(?text) read the text
    # at every comparison.
    # (Compared as text where no character folds, a single word: a regular expression for
    # each took "aid" from 0.2 to 0.3 s at 100 k facts.)
    plain = not any(ch in _FOLD for ch in said)
    equal, starts = (f"?lower = {ox.Literal(said)}", f"STRSTARTS(?lower, {ox.Literal(said)})") \
        if plain else (f"REGEX(?lower, {_regex(said, 'text', 'text')})",
                       f"REGEX(?lower, {_regex(said, 'text')})")
    quality = (f"BIND(LCASE(STR(?text)) AS ?lower) BIND(IF({equal}, 0, "
               f"IF(REGEX(?lower, {_regex(said, 'text', 'word')}), 1, IF({starts}, 2, "
               f"IF(REGEX(?lower, {_regex(said, end='word')}), 3, "
               f"IF(REGEX(?lower, {_regex(said)}), 4, 5))))) AS ?quality) "
               "BIND(STRLEN(?text) AS ?len)")
    if kind == 3:
        best = _QUOTES.format(match=match, quality=quality, ranked=RANKED)
        rows = _QUOTE_ROWS.format(best=best, limit=limit)
    else:
        pattern = dict(_BRANCHES)[kind].replace("{match}", match)
        rows = (f"{{ SELECT ?x ?p ?text ?quality ?len WHERE {{ {pattern} FILTER(isIRI(?x)) "
                f"{quality} }} ORDER BY ?quality ?len LIMIT {RANKED} }}")
    return (f"SELECT ?x ?p ?text ?quality WHERE {{ {rows} }} "
            f"ORDER BY ?quality ?len ?x LIMIT {limit}")


_QUOTE_CLAIMS = """
SELECT ?e ?c ?s ?p ?o ?source ?title WHERE {
  VALUES ?e { %s }
  ?c prov:wasDerivedFrom ?e ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?e oa:hasSource ?source OPTIONAL { ?source dcterms:title ?title } }
} ORDER BY ?e ?c
"""
_TYPES = "SELECT ?x ?t WHERE { VALUES ?x { %s } ?x a ?t FILTER(isIRI(?t)) } ORDER BY ?x ?t"


def search(kg, text: str, limit: int = 20) -> list[Hit]:
    """Return at most ``limit`` hits for ``text``, best first; one per entity, one per quote."""
    return _search(kg, text, max(1, min(limit, MAX_LIMIT)))


def search_more(kg, text: str, limit: int) -> tuple[list[Hit], bool]:
    """Return what ``search`` does, and whether more than ``limit`` hits hold the text: a page
    of the first 50 said nothing of the others, as if those were all there is."""
    hits = _search(kg, text, max(1, min(limit, MAX_LIMIT)) + 1)
    return hits[:limit], len(hits) > limit


def told_apart(hits: list[Hit]) -> list[Hit]:
    """Return ``hits`` with each entity whose label another hit's entity shares labelled with
    its prefixed name too, for a page's links ('cooperation area (ag:CooperationArea)'; the
    type shown beside it is no part of the link's name). A quote's hit links no entity."""
    shared = shared_labels((h.label, h.iri) for h in hits if h.match != "quote")
    return [replace(h, label=apart(h.label, h.iri)) if h.match != "quote" and h.label in shared
            else h for h in hits]


def _search(kg, text: str, limit: int) -> list[Hit]:
    if not words(text):
        return []
    # Several rows may fall on one entity (a label and a description): fetch more than shown.
    # Kinds rank first, so they are asked for in order, and no further once the rows so far
    # hold enough entities: a single letter is in enough labels that its descriptions and
    # quotes (most of the graph's text) are not looked at.
    wanted = limit * 4
    rows: list[tuple] = []
    for kind in range(len(KINDS)):
        # All ``wanted`` asked for, then cut: a quote's rows are its evidence nodes in IRI
        # order, and the best quotes by text hold the first of them only when all are read.
        found = [(r, kind) for r in kg.query(query(text, wanted, kind))]
        rows += [row for n, row in enumerate(found) if n < wanted - len(rows) or _named(row)]
        # The alternative labels are read even when labels are enough: one may be the whole
        # search text (the United States' "U.S." ranked 19th, below every label holding it).
        if kind >= 1 and (len(rows) >= wanted or len(_distinct(rows)) >= limit):
            break
    rows.sort(key=lambda row: not _named(row))  # stable: the rest keep their rank
    lab = Labeller(kg)
    lab.fetch({r["x"].value for r, _ in rows} | {r["p"].value for r, _ in rows})
    chosen = _distinct(rows)[:limit]
    quotes = _quote_claims(kg, [r["x"].value for r, kind in chosen if kind == 3], lab)
    types = _types(kg, [r["x"].value for r, kind in chosen if kind != 3], lab)
    hits = []
    for r, kind in chosen:
        x, prop = r["x"].value, lab.term(r["p"])
        if kind == 3:
            claims, source, total = quotes.get(x, ([], None, 0))
            subject = claims[0]["subject"] if claims else {"iri": x, "label": shorten(x),
                                                           "href": lab.term(r["x"]).href}
            hits.append(Hit(subject["iri"], subject["label"], subject["href"],
                            subject.get("type"), KINDS[3], "quote", r["text"].value,
                            claims, source, total - len(claims), lab.term(r["x"]).href))
        else:
            term = lab.term(r["x"])
            hits.append(Hit(x, term.label, term.href, types.get(x), KINDS[kind], prop.label,
                            r["text"].value))
    return hits


def _named(row: tuple) -> bool:
    """Say whether a row is a label or an alternative label that is the whole search text:
    the entity so named ranks first, whatever the rank of its text's kind."""
    r, kind = row
    return kind <= 1 and r["quality"].value == "0"


def _distinct(rows: list[tuple]) -> list[tuple]:
    """Return ``rows`` less those of an entity already listed (a quote is listed per text)."""
    chosen, seen = [], set()
    for r, kind in rows:
        key = (r["x"].value, kind == 3 and r["text"].value)
        if key not in seen:
            seen.add(key)
            chosen.append((r, kind))
    return chosen


def _types(kg, iris: list[str], lab: Labeller) -> dict[str, str]:
    """Return the label of one class of each IRI (the first by label), for showing beside it."""
    if not iris:
        return {}
    found: dict[str, list[Term]] = {}
    rows = list(kg.query(_TYPES % " ".join(sparql_iri(i) for i in sorted(set(iris)))))
    lab.fetch({r["t"].value for r in rows})
    for r in rows:
        found.setdefault(r["x"].value, []).append(lab.term(r["t"]))
    return {x: min(t.label for t in ts) for x, ts in found.items()}


def _quote_claims(kg, evidence: list[str], lab: Labeller
                  ) -> dict[str, tuple[list[dict], dict, int]]:
    """Return, per evidence node, the first CLAIMS_PER_QUOTE claims it supports (subject,
    property, value) in the order shown, its source, and how many claims it supports."""
    if not evidence:
        return {}
    rows = list(kg.query(_QUOTE_CLAIMS % " ".join(sparql_iri(e) for e in sorted(set(evidence)))))
    lab.fetch({r[v].value for r in rows for v in ("c", "s", "p", "o", "source")
               if isinstance(r[v], ox.NamedNode)})
    types = _types(kg, [r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode)], lab)
    claims: dict[str, list[dict]] = {}
    sources: dict[str, dict] = {}
    for r in rows:
        if r["e"].value not in sources and r["source"] is not None:
            term = lab.term(r["source"])
            sources[r["e"].value] = {"iri": term.value, "href": term.href,
                                     "title": r["title"].value if r["title"] else term.label}
        s, p, o, c = (lab.term(r[v]) for v in ("s", "p", "o", "c"))
        claims.setdefault(r["e"].value, []).append({
            "iri": c.value, "href": c.href, "property": p.label, "value": o.label,
            "subject": {"iri": s.value, "label": s.label, "href": s.href,
                        "type": types.get(s.value)}})
    # Cut after ordering: the first five claim IRIs (9/11's, cyber warfare's, missile
    # threats') stood for a quote whose period and alliance facts went unlisted, unsaid.
    for listed in claims.values():
        listed.sort(key=lambda c: (by_text(c["subject"]["label"]), c["property"],
                                   by_text(c["value"])))
    # One more is listed rather than a line saying there is one more.
    return {e: (listed if len(listed) <= CLAIMS_PER_QUOTE + 1 else listed[:CLAIMS_PER_QUOTE],
                sources.get(e), len(listed)) for e, listed in claims.items()}


def segments(text: str, search_text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, matched) pairs, marking what the search matched: the phrase
    and each word where they are whole words of ``text``, else where words start with them."""
    # Lower-cased whole, as the query's LCASE does: a capital sigma ending a word lowers to "ς"
    # there, and lowered one character at a time it was "σ", so a Greek word in capitals that
    # the search found was not marked. Whole, no character lowers to fewer, so an unchanged
    # length keeps the offsets those of ``text``; else (an "İ" lowers to two) one at a time.
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    marks = [False] * len(text)
    searched = words(search_text)
    # The phrase first: a text holding it whole ranks first, and is marked as one ("Iron Dome",
    # not "Iron" and "Dome" apart); found only apart, its words are marked as they are.
    lower = fold(lower)  # an apostrophe or a dash matched any of its kind
    for needle in ([phrase(search_text)] if len(searched) > 1 else []) + searched:
        needle = fold(needle)
        found = occurrences(lower, needle)
        # Where the search matches: whole words first, then the starts of words. Inside a
        # word ("aid" in "said", "in" in "intercept") it matches nothing, and is not marked.
        starts = [at for at in found if _starts_a_word(lower, at, needle)]
        whole = [at for at in starts if _ends_a_word(lower, at, needle)]
        for at in whole or starts:
            marks[at:at + len(needle)] = [True] * len(needle)
    out: list[tuple[str, bool]] = []
    for ch, mark in zip(text, marks):
        if out and out[-1][1] == mark:
            out[-1] = (out[-1][0] + ch, mark)
        else:
            out.append((ch, mark))
    return out


def _starts_a_word(text: str, at: int, needle: str) -> bool:
    """Say whether ``needle`` at ``at`` starts a word of ``text`` (or starts with no letter)."""
    return at == 0 or not is_word_character(text[at - 1]) or not is_word_character(needle[0])


def _ends_a_word(text: str, at: int, needle: str) -> bool:
    """Say whether ``needle`` at ``at`` ends a word of ``text`` (or ends with no letter)."""
    end = at + len(needle)
    return (end == len(text) or not is_word_character(text[end])
            or not is_word_character(needle[-1]))
