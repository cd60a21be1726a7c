"""How much of each source text the graph cites: sentences overlapped by an evidence quote.

A source is split into sentences by ``split_sentences``, a small pure function with simple,
documented rules (see its docstring); a sentence is *cited* when the [start, end) span of at
least one evidence quote on that source overlaps it.  Spans are the evidence node's stored
``oa:start``/``oa:end`` when it has them, otherwise the quote is located in the text with
``citations.locate`` (honouring its prefix/suffix).  Offsets are code points, as everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..namespaces import SRC
from ..wording import Said, quoted
from . import citations, folder_names, reading

# Line breaks: real newlines, and the literal two characters backslash-n that source 004 has
# instead of newlines (it was scraped with its escapes left in).
_LINE_BREAK = re.compile(r"\r?\n|\\n")
# A sentence ends at . ! or ? (plus any closing quotes or brackets) followed by white space.
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s)")
# Markers that open a line without being part of its text: bullets and Markdown headings.
_LINE_MARKER = re.compile(r"[\s•#]*")
# A period after these does not end a sentence: initials and initialisms (U.S., W.) and a few
# abbreviations; a bare number opening a line is an enumerator ("1. Missile Defense ...").
_NOT_AN_END = re.compile(r"(?:\b(?:[A-Z]\.)*[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|vs|etc|e\.g|i\.e))\.$")
_ENUMERATOR = re.compile(r"\d+\.$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source text and where it sits: [start, end) in code points."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with their offsets.

    Rules, kept simple on purpose: a line break (a newline, or the literal ``\\n`` of source
    004) always ends a sentence, so bullets, headings and blank-line paragraphs are separate;
    within a line, a sentence ends at ``.``, ``!`` or ``?`` followed by white space, except
    after an initial or initialism (``U.S.``, ``George W. Bush``), a common abbreviation, or a
    number opening the line (an enumerator).  Leading bullets (``•``), heading marks (``#``)
    and white space are not part of a sentence.  Every non-empty fragment counts, headings
    included: a heading that no quote covers is reported as uncited like any other text.
    """
    sentences: list[Sentence] = []
    line_start = 0
    for brk in [*_LINE_BREAK.finditer(text), None]:
        line_end = brk.start() if brk else len(text)
        begin = line_start
        for end in _SENTENCE_END.finditer(text, line_start, line_end):
            piece = text[begin:end.end()].lstrip("\t •#")
            if _NOT_AN_END.search(piece) or _ENUMERATOR.fullmatch(piece):
                continue
            _add(sentences, text, begin, end.end())
            begin = end.end()
        _add(sentences, text, begin, line_end)
        line_start = brk.end() if brk else len(text)
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    """Append text[start:end] without its line markers and trailing space, unless empty."""
    start = _LINE_MARKER.match(text, start, end).end()
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))


@dataclass
class SourceCoverage:
    """One source's coverage: its sentence count, how many are cited, and the uncited ones."""

    source: str
    total: int
    cited: int
    uncited: list[Sentence] = field(default_factory=list)
    # Evidence quotes on this source that could not be placed in its text (should be none:
    # the build checks quotes are verbatim; listed rather than silently dropped).
    unplaced: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        """Return the share of sentences cited, 0-100 (100 for a text with no sentences)."""
        return 100.0 * self.cited / self.total if self.total else 100.0


_EVIDENCE = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX ag: <https://alliance-graph.example/ontology/>
SELECT ?source ?fileName ?exact ?prefix ?suffix ?start ?end WHERE {
  ?evidence oa:hasSource ?source ;
            oa:hasSelector ?quote .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?quote oa:prefix ?prefix }
  OPTIONAL { ?quote oa:suffix ?suffix }
  OPTIONAL { ?evidence oa:hasSelector ?position .
             ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
  OPTIONAL { ?source ag:fileName ?fileName }
}
"""


def _value(term) -> str | None:
    return None if term is None else term.value


def evidence_spans(kg, texts: dict[str, str]) -> tuple[dict[str, list[tuple[int, int]]],
                                                       dict[str, list[str]]]:
    """Return, per source file name, the [start, end) spans its evidence quotes cover.

    Also returns, per file, the quotes that could not be placed in its text.
    """
    spans: dict[str, list[tuple[int, int]]] = {name: [] for name in texts}
    unplaced: dict[str, list[str]] = {name: [] for name in texts}
    for row in kg.query(_EVIDENCE):
        name = _value(row["fileName"]) or row["source"].value.removeprefix(str(SRC))
        if name not in texts:
            continue
        offsets = citations.offsets(row["start"], row["end"])
        if offsets is not None:
            spans[name].append(offsets)
            continue
        try:
            loc = citations.locate(texts[name], row["exact"].value,
                                   _value(row["prefix"]), _value(row["suffix"]))
        except citations.QuoteNotFound:
            unplaced[name].append(row["exact"].value)
            continue
        spans[name].append((loc.start, loc.end))
    return spans, unplaced


def coverage(kg, sources_dir: Path, only: str | None = None) -> list[SourceCoverage]:
    """Return the coverage of every source text in ``sources_dir`` (or of the one named).

    Raises FileNotFoundError when the folder holds no source text or ``only`` names none
    there, and
    reading.SourceNotText when a source is no text: not UTF-8 (its offsets would mean nothing),
    empty or too big.
    """
    paths = sorted(sources_dir.glob("*.txt"))
    if not paths:  # a wrong folder: nothing to report would read as nothing to worry about
        raise FileNotFoundError(Said(lambda n: f"no source texts (*.txt) in {sources_dir}: give "
                                               "the folder of the texts the evidence quotes "
                                               f"({n('sources_dir')})"))
    if only is not None:
        instead = folder_names.named_instead({p.name for p in paths}, only)
        paths = [p for p in paths if p.name == only]
        if not paths and only in folder_names.source_names(sources_dir):  # the folder's README.md
            raise FileNotFoundError(f"{quoted(only)} is no source text of {sources_dir}: its "
                                    "source texts are its *.txt files")
        if not paths:
            raise FileNotFoundError(f"no source file {quoted(only)} in {sources_dir}"
                                    + instead)
    texts = {p.name: reading.read_source(p) for p in paths}
    spans, unplaced = evidence_spans(kg, texts)
    result = []
    for name, text in texts.items():
        sentences = split_sentences(text)
        uncited = [s for s in sentences
                   if not any(a < s.end and s.start < b for a, b in spans[name])]
        result.append(SourceCoverage(name, len(sentences), len(sentences) - len(uncited),
                                     uncited, unplaced[name]))
    return result
