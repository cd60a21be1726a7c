"""A claim's own words (labels, characterizations, purposes, statements) state no number its
quotes do not state, and spell every name as the sources spell it (docs/data-model.md:
'Nothing invented', 'Labels as the sources spell them')."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, XSD

from alliance_graph.sources import citations

ROOT = Path(__file__).resolve().parents[1]
AG = rdflib.Namespace("https://alliance-graph.example/ontology/")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

# Words a claim may write that no source does: a currency is its ISO 4217 code (data model,
# 'Values'), whatever the source's '$'.
CODES = {"USD"}


@pytest.fixture(scope="module")
def worded() -> list[tuple[str, str, str, str]]:
    """Return (claim, its property, its words, the quotes of its evidence) for each claim whose
    object is a plain string."""
    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    found = []
    for claim in graph.subjects(RDF.type, AG.Claim):
        words = graph.value(claim, RDF.object)
        if not isinstance(words, rdflib.Literal) or (words.datatype or XSD.string) != XSD.string:
            continue
        quotes = " ".join(str(exact) for evidence in graph.objects(claim, PROV.wasDerivedFrom)
                          for selector in graph.objects(evidence, OA.hasSelector)
                          for exact in graph.objects(selector, OA.exact))
        found.append((claim.rsplit("/", 1)[1], str(graph.value(claim, RDF.predicate)), str(words),
                      quotes))
    assert len(found) > 300, "few worded claims: did the data move?"
    return found


def test_every_number_a_claim_words_is_stated_by_its_quotes(worded):
    """003 says only that Nagel spoke 'during the signing ceremony in September', and the
    ceremony's note declines to date it; its label, 'signing ceremony of the 2016 memorandum of
    understanding', gave it the year 2016 all the same, from no passage it cites (and the year
    the graph deprecates as the MOU's first)."""
    unstated = sorted((claim, number) for claim, _, words, quotes in worded
                      for number in re.findall(r"\d+(?:[.,]\d+)*", words) if number not in quotes)
    assert unstated == []


def _spelt(word: str) -> str:
    """Return a word without the possessive ending a claim may add to a name ('Mattis’s')."""
    return re.sub(r"['’]s?$", "", word)


def test_every_name_a_claim_writes_is_spelled_as_a_source_spells_it(worded, sources_dir):
    """004 writes 'NATO Secretary Generals'; a characterization citing it wrote 'NATO Secretaries
    General', a spelling of the title no source uses, so a search for the source's words missed
    it and a reader took it for a quote."""
    text = "\n".join(citations.read_source(p) for p in sorted(sources_dir.glob("*.txt")))
    written = {_spelt(w).strip(".") for w in re.findall(r"[\w’'.-]+", text)}
    lowered = {w.lower() for w in written}
    unspelt = set()
    for claim, _, words, _ in worded:
        for match in re.finditer(r"\b[A-Z][\w’'.-]*", words):
            name = _spelt(match.group()).strip(".")
            if name in written or name in CODES:
                continue
            if match.start() == 0 and name.lower() in lowered:
                continue  # a capital that only opens the claim's words
            unspelt.add((claim, match.group()))
    assert sorted(unspelt) == []


def test_a_claims_words_write_the_apostrophe_the_sources_write(worded, sources_dir):
    """The sources write every apostrophe as '’' and never as "'": three statement labels had
    "'" ("Trump's intention ...", "Iran's missiles ..."), so a search or a FILTER for the words
    as the source spells them ("Trump’s") missed them, beside the graph's other names
    ("Israel’s", "Mattis’s")."""
    text = "\n".join(citations.read_source(p) for p in sorted(sources_dir.glob("*.txt")))
    assert "’" in text and "'" not in text, "the sources' apostrophes changed: review the test"
    assert sorted(claim for claim, _, words, _ in worded if "'" in words) == []


def test_a_speakers_quoted_words_are_verbatim_in_a_quote_and_end_as_the_speaker_ends(worded):
    """ag:quotedText is the speaker's own words, which an analyst quotes as they stand: each is
    in a passage its claim cites, and ends without the comma the reporting sentence puts before
    'said' (003: '... to the Pentagon,” said Jonathan Schanzer'). Schanzer's and Heinrichs'
    words ended in that comma; Mattis's, reported the same way, did not."""
    quoted = [(claim, words, quotes) for claim, p, words, quotes in worded if p == str(AG.quotedText)]
    assert quoted, "no quoted words: review the test"
    assert sorted(claim for claim, words, quotes in quoted if words not in quotes) == []
    assert sorted(claim for claim, words, _ in quoted if words.rstrip().endswith(",")) == []


def test_every_acronym_stands_in_a_passage_its_claim_cites(worded):
    """An acronym is an abbreviation a source writes for the name (data model, 'Labels as the
    sources spell them'): its claim cites a passage that writes it, as a word of its own."""
    acronyms = [(claim, words, quotes) for claim, prop, words, quotes in worded
                if prop == str(AG.acronym)]
    assert len(acronyms) >= 10, "few acronyms: did the data move?"
    unwritten = [(claim, words) for claim, words, quotes in acronyms
                 if not re.search(rf"(?<!\w){re.escape(words)}(?!\w)", quotes)]
    assert unwritten == []


# The sources name the United States 'U.S.' (000, 001, 002) and 'US' (003) far more often than in
# full, and 000's heading 'Cooperation in Cyber and AI Warfare' names artificial intelligence, yet
# neither had an acronym: an analyst reading skos:altLabel, or the search box, found 'U.S. F-35
# sales to Israel', 'US Secretary of Defense' and 'AI-enabled surveillance', not the things named.
ABBREVIATED = {"UnitedStates": {"U.S.", "US"}, "ArtificialIntelligence": {"AI"}}


@pytest.mark.parametrize("entity", sorted(ABBREVIATED))
def test_an_entity_is_named_by_the_abbreviations_the_sources_write_for_it(worded, entity):
    written = {words for claim, prop, words, _ in worded
               if prop == str(AG.acronym) and claim.startswith(entity + "-")}
    assert written == ABBREVIATED[entity]
