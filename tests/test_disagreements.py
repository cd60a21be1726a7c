"""The knowledge layer as a reader checks it: disagreements, ranks and coverage of the shipped data.

Data-driven over the graph built from data/ (the session's ``kg``), so each test fails as soon
as the data does what docs/data-model.md ("Disagreements") says it must not:

- a contradiction (``ag:disputedBy``) joins two claims about the same subject in the same
  property family (one property, or properties the ontology links with ``ag:constrains``) that
  differ in value, and is ranked so that the plain graph asserts at most one side;
- a variant (``ag:variantOf``) joins two claims about the same subject;
- opposing assessments (``ag:opposedBy``) join a claim that affirms a proposition to one that
  denies or questions the same proposition;
- every linked claim says in one ``ag:disagreementNote`` what differs, and the catalogue's
  ``source-disagreements`` lists every pair with both quotes;
- pairs the sources state compatibly (reviewed below) stay unlinked;
- every sentence of the sources that states a checkable fact is cited: the uncited ones are
  exactly the reviewed list at the end of this file, each with its reason.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from alliance_graph.sources import citations
from alliance_graph.sources.coverage import coverage, evidence_spans, split_sentences

AG = "https://alliance-graph.example/ontology/"
CLAIM = "https://alliance-graph.example/id/claim/"
LINKS = ("disputedBy", "variantOf", "opposedBy")
FOR = AG + "affirmedBy"
AGAINST_OR_DOUBT = {AG + "deniedBy", AG + "questionedBy"}


def _value(term):
    return None if term is None else term.value


def _pairs(kg, relation: str) -> set[tuple[str, str]]:
    """Return the claim pairs linked by ``ag:<relation>``, each once (smaller IRI first)."""
    rows = kg.query(f"SELECT ?a ?b WHERE {{ ?a ag:{relation} ?b }}")
    return {tuple(sorted((r["a"].value, r["b"].value))) for r in rows}


def _claims(kg) -> dict[str, dict]:
    """Return every claim's subject, predicate, object (as terms), rank, disagreement notes and
    editor's notes (``ag:note``)."""
    out: dict[str, dict] = defaultdict(lambda: {"notes": [], "editor_notes": []})
    for r in kg.query("""
            SELECT ?c ?s ?p ?o ?rank WHERE {
              ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ag:rank ?rank }"""):
        out[r["c"].value].update(s=r["s"], p=r["p"].value, o=r["o"], rank=r["rank"].value)
    for r in kg.query("SELECT ?c ?n WHERE { ?c a ag:Claim ; ag:disagreementNote ?n }"):
        out[r["c"].value]["notes"].append(r["n"].value)
    for r in kg.query("SELECT ?c ?n WHERE { ?c a ag:Claim ; ag:note ?n }"):
        out[r["c"].value]["editor_notes"].append(r["n"].value)
    return out


def _families(kg) -> dict[str, set[str]]:
    """Return, per property, the properties of its family: itself, those it constrains or is
    constrained by (``ag:constrains``, either way), and those sharing an ag: super-property."""
    family: dict[str, set[str]] = defaultdict(set)
    for r in kg.query("SELECT ?a ?b WHERE { ?a ag:constrains ?b }"):
        family[r["a"].value].add(r["b"].value)
        family[r["b"].value].add(r["a"].value)
    for r in kg.query("""SELECT ?a ?b WHERE { ?a rdfs:subPropertyOf ?super . ?b rdfs:subPropertyOf ?super .
                                            FILTER (STRSTARTS(STR(?super), STR(ag:)) && ?a != ?b) }"""):
        family[r["a"].value].add(r["b"].value)
    return family


def _asserted(kg, claim: dict) -> bool:
    """Return True when the plain graph holds the claim's triple (terms print as N-Triples)."""
    return bool(kg.query(f"ASK {{ {claim['s']} <{claim['p']}> {claim['o']} }}"))


@pytest.fixture(scope="module")
def claims(kg):
    return _claims(kg)


# --- contradictions -----------------------------------------------------------------------------

def test_there_are_contradictions_to_check(kg):
    assert _pairs(kg, "disputedBy"), "the shipped data records contradictions"


def test_every_contradiction_is_one_subject_one_family_two_values(kg, claims):
    family = _families(kg)
    for a, b in _pairs(kg, "disputedBy"):
        ca, cb = claims[a], claims[b]
        assert ca["s"] == cb["s"], f"{a} and {b} are disputed but about different subjects"
        assert cb["p"] == ca["p"] or cb["p"] in family[ca["p"]], \
            f"{a} ({ca['p']}) and {b} ({cb['p']}) are disputed but not in one property family"
        assert (ca["p"], ca["o"]) != (cb["p"], cb["o"]), f"{a} and {b} state the same value"


def test_every_contradiction_is_ranked_and_the_plain_graph_asserts_one_side(kg, claims):
    preferred, deprecated = AG + "PreferredRank", AG + "DeprecatedRank"
    for a, b in _pairs(kg, "disputedBy"):
        ranks = {claims[a]["rank"], claims[b]["rank"]}
        assert preferred in ranks or deprecated in ranks, \
            f"{a} and {b} contradict each other but neither is ranked above the other"
        assert len(ranks) == 2, f"{a} and {b} contradict each other at the same rank"
        asserted = [c for c in (a, b) if _asserted(kg, claims[c])]
        assert len(asserted) <= 1, f"the plain graph asserts both sides of {a} / {b}"


def test_the_plain_graph_asserts_no_span_that_contradicts_itself(kg):
    """First year, last year and a duration in whole years must agree wherever all three are
    asserted (counted either way: 2019-2028 and 2018-2028 are both 'a decade')."""
    rows = kg.query("""SELECT ?s ?from ?to ?duration WHERE {
                         ?s ag:fromYear ?from ; ag:toYear ?to ; ag:duration ?duration }""")
    for r in rows:
        years = re.fullmatch(r"P(\d+)Y", r["duration"].value)
        assert years, f"{r['s'].value}: duration {r['duration'].value} is not in whole years"
        span = int(r["to"].value) - int(r["from"].value)
        assert span in (int(years.group(1)) - 1, int(years.group(1))), \
            f"{r['s'].value} runs {r['from'].value}-{r['to'].value} and {r['duration'].value} at once"


def test_the_mou_span_is_disputed_and_resolved_across_its_family(kg, claims):
    mou = CLAIM + "MemorandumOfUnderstanding2016-"
    assert (mou + "duration-P10Y", mou + "fromYear-2016") in _pairs(kg, "disputedBy")
    assert claims[mou + "fromYear-2016"]["rank"] == AG + "DeprecatedRank"
    assert claims[mou + "duration-P10Y"]["rank"] == AG + "PreferredRank"


# --- variants and opposing assessments ------------------------------------------------------------

def test_every_variant_is_about_the_same_subject(kg, claims):
    pairs = _pairs(kg, "variantOf")
    assert pairs
    for a, b in pairs:
        assert claims[a]["s"] == claims[b]["s"], f"{a} and {b} are variants of different subjects"
        assert (claims[a]["p"], claims[a]["o"]) != (claims[b]["p"], claims[b]["o"])


def test_no_variant_is_preferred_over_one_from_a_more_reliable_source(kg, claims):
    """Variants may both stay asserted; when one is preferred, it must not rest on less reliable
    sources than the claim it hides (reliability A best to F worst, a claim's best grade counts)."""
    best: dict[str, str] = {}
    for r in kg.query("""SELECT ?c (MIN(STR(?grade)) AS ?best) WHERE {
            ?c ag:variantOf ?other ; prov:wasDerivedFrom/oa:hasSource/ag:reliability ?grade } GROUP BY ?c"""):
        best[r["c"].value] = r["best"].value
    preferred = AG + "PreferredRank"
    for a, b in _pairs(kg, "variantOf"):
        for winner, loser in ((a, b), (b, a)):
            if claims[winner]["rank"] == preferred and claims[loser]["rank"] != preferred:
                assert best[winner] <= best[loser], \
                    f"{winner} (best source {best[winner]}) is preferred over {loser} (best source {best[loser]})"


def test_opposing_assessments_take_different_positions_on_one_proposition(kg, claims):
    pairs = _pairs(kg, "opposedBy")
    assert pairs
    propositions = {r["p"].value for r in kg.query("SELECT ?p WHERE { ?p a ag:Proposition }")}
    for a, b in pairs:
        ca, cb = claims[a], claims[b]
        assert ca["s"] == cb["s"] and ca["s"].value in propositions, \
            f"{a} and {b} are opposed but not about one proposition"
        assert {ca["p"], cb["p"]} & {FOR} and {ca["p"], cb["p"]} & AGAINST_OR_DOUBT, \
            f"{a} ({ca['p']}) and {b} ({cb['p']}) do not take a position for and one against or in doubt"


def test_every_assessor_is_an_actor_or_a_source_speaking_for_itself(kg):
    rows = kg.query("""SELECT ?c ?who WHERE {
        ?c a ag:Claim ; rdf:predicate ?p ; rdf:object ?who . ?p rdfs:subPropertyOf ag:assessedBy .
        FILTER NOT EXISTS { ?who a/rdfs:subClassOf* ag:Actor }
        FILTER NOT EXISTS { ?who a ag:SourceDocument } }""")
    assert [(r["c"].value, r["who"].value) for r in rows] == []


def test_every_link_runs_both_ways_and_every_linked_claim_says_what_differs(kg, claims):
    for relation in LINKS:
        written = {(r["a"].value, r["b"].value)
                   for r in kg.query(f"SELECT ?a ?b WHERE {{ ?a ag:{relation} ?b }}")}
        one_way = sorted((a, b) for a, b in written if (b, a) not in written)
        assert one_way == [], f"ag:{relation} written one way only"
        for a, _ in written:
            assert len(claims[a]["notes"]) == 1, f"{a} needs one ag:disagreementNote"


# Pairs the sources state compatibly: they can all be true at once and are not one fact at
# another precision, so they must not be linked (reviewed against the sources; see the notes
# on these claims).
COMPATIBLE = [
    ("UnitedStatesIsraelAlliance-jointExercise-BlueFlag", "UnitedStatesIsraelAlliance-jointExercise-JuniperOak"),
    ("UnitedStatesIsraelAlliance-jointExercise-BlueFlag", "UnitedStatesIsraelAlliance-jointExercise-JuniperFalcon"),
    ("UnitedStatesIsraelAlliance-jointExercise-JuniperCobra", "UnitedStatesIsraelAlliance-jointExercise-JuniperOak"),
    ("UnitedStatesIsraelAlliance-jointExercise-JuniperCobra", "UnitedStatesIsraelAlliance-jointExercise-JuniperFalcon"),
    ("UnitedStatesIsraelAlliance-jointExercise-NobleDina", "UnitedStatesIsraelAlliance-jointExercise-JuniperOak"),
    ("UnitedStatesIsraelAlliance-jointExercise-NobleDina", "UnitedStatesIsraelAlliance-jointExercise-JuniperFalcon"),
    ("IronDome-coFundedBy-UnitedStates", "IronDome-jointlyDevelopedWith-UnitedStates"),
    ("UnitedStatesIsraelAlliance-jointProgram-Arrow", "UnitedStatesIsraelAlliance-jointProgram-Arrow2"),
    ("UnitedStatesIsraelAlliance-jointProgram-Arrow", "UnitedStatesIsraelAlliance-jointProgram-Arrow3"),
    ("DefenseCooperationAct1952-characterization", "UnitedStatesNeutralArmsPolicy-adoptedBy-UnitedStates"),
    ("DefenseCooperationAct1952-characterization", "FormalizedMilitaryTies-statedPeriod-1980s1990s"),
    ("MemorandumOfUnderstanding2016-annualAssistance-MemorandumOfUnderstanding2016-AnnualForeignMilitaryFinancing",
     "MemorandumOfUnderstanding2016-missileDefenseFunding-MemorandumOfUnderstanding2016-MissileDefenseFunding"),
    ("ForeignMilitaryFinancing-characterization-2",
     "MemorandumOfUnderstanding2016-annualAssistance-MemorandumOfUnderstanding2016-AnnualForeignMilitaryFinancing"),
    ("UnitedStatesIsraelAlliance-basedOn-DemocraticValues", "UnitedStatesIsraelAlliance-basedOn-SharedValues"),
    ("DefenseCooperationAct1952-characterization", "UnitedStatesIsraelAlliance-characterization"),
    ("MajorNonNATOAlly-enables-IntelligenceSharing", "UnitedStatesIsraelAlliance-cooperationArea-IntelligenceSharing"),
    ("NegevRadarBase-characterization", "UnitedStatesMilitaryStockpilesInIsrael-operatedBy-UnitedStates"),
    ("UnitedStatesIsraelJointExercises-operationalDomain-LandDomain", "UnitedStatesIsraelJointExercises-purpose-4"),
    ("BlueFlag-participant-NATOAllies", "IsraelNATOPartnership-characterization-3"),
    ("IsraelNATOJointTrainingExercises-characterization", "IsraelNATOPartnership-characterization-3"),
    ("IsraelNATOPartnership-characterization-18", "IsraelNATOPartnership-challenge-IsraeliPalestinianConflict"),
    ("UnitedStatesIsraelAlliance-characterization-8",
     "UnitedStatesIsraelAlliance-challenge-UnitedStatesArmsSalesToSaudiArabiaAndUAE"),
    ("QualitativeMilitaryEdge-means", "UnitedStatesArmsSalesToSaudiArabiaAndUAE-tensionWith-Israel"),
    ("MemorandumOfUnderstanding2016-characterization", "MemorandumOfUnderstanding2016-MissileDefenseFunding-characterization"),
    ("ForeignMilitaryFinancing-characterization", "Proposition-AidAtUSExpense-affirmedBy-Source003"),
    ("Proposition-PartnershipEndures-affirmedBy-Source001", "Proposition-PartnershipEndures-affirmedBy-CrossedArrowsGlobalPartners"),
    ("UnitedStatesIsraelAlliance-counters-NorthKoreanMissileProgram", "IsraeliMissileDefenseProgram-purpose"),
    ("IsraeliMissileDefenseProgram-characterization-4", "IsraeliMissileDefenseProgram-characterization-3"),
    ("IsraeliMissileDefenseProgram-characterization-4", "Proposition-MissileDefenseLessonsTransfer-questionedBy-Source003"),
    ("UnitedStatesIsraelAlliance-counters-NorthKoreanMissileProgram",
     "Proposition-IsraelWidensMissileDefenseWork-affirmedBy-Source003"),
    ("MemorandumOfUnderstanding2016-acronym-MOU", "MemorandumOfUnderstanding2016-acronym-MoU"),
    ("UnitedStates-acronym", "UnitedStates-acronym-2"),
]


@pytest.mark.parametrize("a, b", COMPATIBLE, ids=[f"{a} / {b}" for a, b in COMPATIBLE])
def test_compatible_facts_are_not_linked(kg, claims, a, b):
    a, b = CLAIM + a, CLAIM + b
    assert a in claims and b in claims, "a reviewed claim is gone: review the list"
    for relation in LINKS:
        assert not kg.query(f"ASK {{ {{ <{a}> ag:{relation} <{b}> }} UNION {{ <{b}> ag:{relation} <{a}> }} }}")
    # docs/data-model.md: a compatible pair a reader might take for a disagreement says why it
    # is not linked. 000's exercises and 002's (Juniper Cobra beside Juniper Oak) said nothing,
    # so a reader of either claim could not tell a reviewed pair from an overlooked one.
    assert claims[a]["editor_notes"] or claims[b]["editor_notes"], "neither claim says why they are not linked"


# Properties whose values are a source's words about a thing: several stand side by side.
WORDED = {AG + p for p in ("characterization", "purpose", "means", "provision", "statementContent",
                           "quotedText")}


def test_two_values_of_one_property_are_linked_or_say_why_not(claims):
    """Two claims giving one subject two values of one property (two acronyms, two years, two
    sums) are where a reader looks for a disagreement: they are linked as one, or one of them
    says in its ag:note why they are not. 000 writes the MOU's acronym 'MOU', 003 'MoU': both
    stood asserted side by side, neither linked nor explained."""
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri, claim in claims.items():
        if claim["p"] not in WORDED and isinstance(claim["o"], ox.Literal):
            values[(str(claim["s"]), claim["p"])].append(iri)
    several = {key: group for key, group in values.items() if len(group) > 1}
    assert several, "no subject has two values of one property: review the test"
    silent = sorted(key for key, group in several.items()
                    if not any(claims[c]["editor_notes"] or claims[c]["notes"] for c in group))
    assert silent == []


def test_a_source_weighing_a_program_is_recorded_on_both_sides(kg):
    # 003 doubts that Israel's programs carry over to the US and its Asia-Pacific allies, and
    # says in its own voice 'Israel’s program provides the US with some clear strategic
    # benefits' (a tested battlefield, technology shared with the Pentagon): the graph held the
    # doubt, twice, and cited the benefits for no more than who develops the program.
    said = {r["c"].value for r in kg.query(
        "SELECT ?c WHERE { id:IsraeliMissileDefenseProgram ag:characterization ?c }")}
    assert any("unclear whether" in c for c in said)
    assert any("clear strategic benefits" in c for c in said)


def test_no_value_of_an_amount_is_stated_without_a_figure_in_its_quotes(kg):
    """An amount's value must be written in every passage that states it (no floor guessed
    from 'billions'): the quote holds the figure in billions or in full."""
    rows = kg.query("""SELECT ?value ?quote WHERE {
        ?c a ag:Claim ; rdf:predicate ag:amountValue ; rdf:object ?value ;
           prov:wasDerivedFrom/oa:hasSelector ?sel . ?sel a oa:TextQuoteSelector ; oa:exact ?quote }""")
    for r in rows:
        value = int(float(r["value"].value))
        billions = f"${value / 1e9:g} billion"
        assert billions in r["quote"].value or f"{value:,}" in r["quote"].value, \
            f"amount {value} is not stated in {r['quote'].value!r}"


# --- theses the sources disagree on --------------------------------------------------------------

# Characterizations citing a passage that a position on an opposed thesis cites, reviewed: each
# says what no source disputes, or says the doubt as a doubt, so the plain graph asserts no side.
BESIDE_A_THESIS = {
    "MissileDefense-characterization": "'threat-specific': the premise of 003's doubt, disputed by no source",
    "IsraeliMissileDefenseProgram-characterization-2": "the doubt said as one ('an open question')",
    "IsraeliMissileDefenseProgram-characterization-3": "the doubt said as one ('unclear whether')",
    "Israel-characterization-8": "the renown of Israel's defense industry, disputed by no source",
    "IranNorthKoreaMilitaryCooperation-characterization-2": "the doubt said as one ('still unseen')",
}


def test_a_thesis_the_sources_disagree_on_is_no_plain_characterization(kg):
    """A thesis the sources disagree on is a proposition with attributed positions and no plain
    fact beside it (docs/data-model.md). 003's subhead was also the plain 'comes at the expense
    of Washington's own missile defense research' of U.S. missile defense aid to Israel, though
    Rebeccah Heinrichs denies it, and 001's 'lessons learned from these systems inform U.S.
    missile defense programs' a plain characterization of the alliance, though 003 doubts it:
    the plain graph took one side of each."""
    rows = kg.query("""SELECT DISTINCT ?c WHERE {
        ?position ag:opposedBy ?other ; prov:wasDerivedFrom ?ev .
        ?c a ag:Claim ; rdf:predicate ag:characterization ; prov:wasDerivedFrom ?ev }""")
    beside = sorted(r["c"].value.rsplit("/", 1)[1] for r in rows)
    assert beside == sorted(BESIDE_A_THESIS)


# --- hedged passages ------------------------------------------------------------------------------

# Words by which a passage offers a possibility, a forecast, a view or hearsay rather than an
# account of what is done ("might include", "fertile ground for", "capable of countering",
# "was said to"): docs/data-model.md, "Hedged possibilities".
HEDGE = re.compile(r"\b(might|may|could|would|likely|potential(ly)?|possibl[ey]|expect(s|ed)?|"
                   r"fertile ground|capable of|said to|unclear|unproven|unseen)\b", re.IGNORECASE)
# Properties whose plain triple says partners do something together or work against something.
# ag:partner too: Iran and North Korea were partners of a military cooperation 003 reports only
# as 'said to have peaked', beside the proposition whose doubt ('still unseen') opposes it.
ACTIVITY = ("cooperationArea", "counters", "cooperatesWith", "jointExercise", "jointProgram", "partner")


def _quotes_by_claim(kg, properties) -> dict[str, list[str]]:
    """Return the quotes cited by each claim of the given ag: properties or their subproperties."""
    values = " ".join(f"ag:{p}" for p in properties)
    rows = kg.query(f"""SELECT ?c ?quote WHERE {{
        VALUES ?top {{ {values} }}
        ?c a ag:Claim ; rdf:predicate ?p ; prov:wasDerivedFrom/oa:hasSelector ?sel .
        ?p rdfs:subPropertyOf* ?top . ?sel a oa:TextQuoteSelector ; oa:exact ?quote }}""")
    quotes: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        quotes[r["c"].value].append(r["quote"].value)
    return quotes


def test_no_cooperation_or_countering_rests_only_on_hedged_passages(kg):
    """A cooperation area, a joint exercise or program, cooperation or countering that a source
    only offers as possible ('might include', 'fertile ground for'), expected, seen by someone
    ('capable of countering') or reported at second hand ('said to') is no plain fact: it is a
    characterization in the source's words or an attributed proposition."""
    quotes = _quotes_by_claim(kg, ACTIVITY)
    assert quotes
    hedged = sorted(c.rsplit("/", 1)[1] for c, qs in quotes.items() if all(HEDGE.search(q) for q in qs))
    assert hedged == [], "claims citing only hedged passages: record them as possibilities or positions"


# Words by which a passage forecasts ('will ensure', 'likely holds', 'we can expect').
FORECAST = re.compile(r"\b(will|likely|expect\w*|prospects?)\b", re.IGNORECASE)
# How a characterization says it is not what is, but what a source expects or deems possible.
SAID_AS_HEDGED = re.compile(r"^(expected|possible): ")


def test_a_characterization_of_a_forecast_says_it_is_one(kg):
    """docs/data-model.md: a source's forecast that no source disputes is a characterization
    that says what it is ('expected: ...'). 004's forecasts were; 002's 'Continued investment in
    innovation, interoperability, and cultural fluency will ensure that both nations ... are
    prepared for whatever challenges lie ahead' was the alliance's plain characterization, as if
    it were so."""
    quotes = _quotes_by_claim(kg, ("characterization",))
    rows = kg.query("SELECT ?c ?words WHERE { ?c a ag:Claim ; rdf:predicate ag:characterization ; "
                    "rdf:object ?words }")
    words = {r["c"].value: r["words"].value for r in rows}
    forecasts = [c for c, qs in quotes.items() if all(FORECAST.search(q) for q in qs)]
    assert forecasts, "no characterization cites a forecast: review the test"
    assert sorted(c.rsplit("/", 1)[1] for c in forecasts if not SAID_AS_HEDGED.match(words[c])) == []

# Words by which a passage says something is done against a threat or actor.
AGAINST = re.compile(r"counter|against|deter|mitigat|diminish|combat|disrupt|intercept|fight|"
                     r"neutraliz|prevent|protect|defen[cs]|stay ahead|tackl", re.IGNORECASE)
# The name of a field, read as no word of action: 001's 'this cooperation has adapted to
# changing threats, from conventional state conflict to terrorism, cyber warfare, and missile
# defense' names terrorism among the threats cooperation adapted to, and 'missile defense' (a
# field listed beside them) did not make it say anything is done against terrorism.
FIELD_NAMES = re.compile(r"missile[- ]defen[cs]es?", re.IGNORECASE)


def _says_against(quote: str) -> bool:
    """Return whether a quote says something is done against a threat, a field's name aside."""
    return bool(AGAINST.search(FIELD_NAMES.sub(" ", quote)))


def test_every_countering_cites_a_passage_saying_something_is_done_against_it(kg):
    """ag:counters (and deters, conducts operations against) says an actor or program works
    against something; a passage that only names it among the threats of the day ('the threat
    environment is changing rapidly, from hypersonic weapons to ...') does not say that."""
    quotes = _quotes_by_claim(kg, ("counters",))
    assert quotes
    unsaid = sorted(c.rsplit("/", 1)[1] for c, qs in quotes.items() if not any(_says_against(q) for q in qs))
    assert unsaid == [], "countering claims with no passage saying so"



def test_every_source_counted_for_a_countering_says_something_is_done_against_it(kg):
    """A source a countering cites is one more source for it (corroborated-facts counts them), so
    each source must say so in one of the passages cited from it: 002's 'The global threat
    environment is changing rapidly, from hypersonic weapons to cyber warfare and gray-zone
    tactics', which only names cyber warfare among the dangers of the day (docs/data-model.md),
    does not make 002 a source for the U.S.–Israel alliance countering it."""
    rows = kg.query("""SELECT ?c ?source ?quote WHERE {
        ?c a ag:Claim ; rdf:predicate ?p ; prov:wasDerivedFrom ?ev . ?p rdfs:subPropertyOf* ag:counters .
        ?ev oa:hasSource ?source ; oa:hasSelector ?sel . ?sel a oa:TextQuoteSelector ; oa:exact ?quote }""")
    quotes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        quotes[(r["c"].value.rsplit("/", 1)[1], r["source"].value.rsplit("/", 1)[1])].append(r["quote"].value)
    assert quotes
    unsaid = sorted(pair for pair, qs in quotes.items() if not any(_says_against(q) for q in qs))
    assert unsaid == [], "sources cited for a countering with no passage saying so"

# --- the catalogue's list of disagreements -----------------------------------------------------

def test_source_disagreements_lists_every_linked_pair_with_both_quotes(kg, settings, sources_dir):
    text = (settings.queries_dir / "source-disagreements.rq").read_text(encoding="utf-8")
    listed = defaultdict(list)
    for r in kg.query(text):
        listed[(r["relation"].value, r["claim"].value, r["otherClaim"].value)].append(r)
    expected = {(AG + rel, a, b) for rel in LINKS for a, b in _pairs(kg, rel)}
    assert set(listed) == expected
    texts = {p.name: citations.read_source(p) for p in sources_dir.glob("*.txt")}
    for rows in listed.values():
        for r in rows:
            for quote, source in (("quote", "source"), ("otherQuote", "otherSource")):
                name = r[source].value.rsplit("/", 1)[1]
                assert r[quote].value and r[quote].value in texts[name]
            assert _value(r["note"]) and _value(r["otherNote"])


# --- labels as the sources spell them ----------------------------------------------------------

# Named entities whose label is the editor's description because the sources give no name.
UNNAMED = {
    "GazaWar2014": "003 says only 'its war with Hamas in Gaza in 2014'",
    "IsraelNATOJointTrainingExercises": "004 speaks of 'joint training exercises' without a name",
    "IsraelNATOMaritimeSecurityExercises": "004 speaks of 'maritime security exercises in the Mediterranean'",
    "PrecedingUnitedStatesIsraelDefenseAgreement": "003: 'their preceding defense agreement with Israel'",
    "SeniorObamaAdministrationOfficial": "003 does not name 'one senior official'",
    "UnitedStatesIsraelJointExercises": "001: 'Regular joint military exercises', no name",
    "UnitedStatesNeutralArmsPolicy": "000: 'a neutral arms policy in the Arab-Israeli conflicts'",
}


def test_names_are_spelled_as_the_sources_spell_them(kg, sources_dir):
    text = "\n".join(citations.read_source(p) for p in sources_dir.glob("*.txt")).lower()
    rows = kg.query("""SELECT DISTINCT ?e ?label WHERE {
        VALUES ?top { ag:State ag:Organization ag:Person ag:WeaponSystem ag:Place ag:MilitaryExercise
                      ag:ArmedGroup ag:Designation ag:AidProgram ag:Policy ag:Agreement ag:War
                      ag:HistoricalPeriod }
        ?e a ?class ; rdfs:label ?label . ?class rdfs:subClassOf* ?top }""")
    unspelled = sorted(r["e"].value.rsplit("/", 1)[1] for r in rows
                       if r["label"].value.lower() not in text)
    assert unspelled == sorted(UNNAMED)


def test_a_label_a_source_spells_is_spelled_so_in_every_passage_its_claim_cites(kg, sources_dir):
    """A label found verbatim in the sources (case aside) is cited to passages that write it so,
    not to one spelling it otherwise ('intelligence-sharing') or not naming it at all."""
    text = "\n".join(citations.read_source(p) for p in sources_dir.glob("*.txt")).lower()
    rows = kg.query("""SELECT ?c ?label ?quote WHERE {
        ?c a ag:Claim ; rdf:predicate rdfs:label ; rdf:object ?label ; prov:wasDerivedFrom/oa:hasSelector ?sel .
        ?sel a oa:TextQuoteSelector ; oa:exact ?quote }""")
    wrong = sorted({(r["c"].value.rsplit("/", 1)[1], r["quote"].value) for r in rows
                    if r["label"].value.lower() in text
                    and r["label"].value.lower() not in r["quote"].value.lower()})
    assert wrong == [], "label claims citing a passage that does not spell the label"


# --- coverage --------------------------------------------------------------------------------------

# Words by which a passage ranks or compares what it speaks of ('one of the most advanced',
# 'few alliances ... are as enduring', 'unparalleled', 'the only', 'the first').
RANKING = re.compile(r"\b(one of the most|few \w+ in the modern era are as|among the (closest|first|most)|"
                     r"unparalleled|the only|the first|the largest)\b", re.IGNORECASE)
# Properties that say what a passage says of a thing in its words or its rank among others.
DESCRIBING = {AG + p for p in ("characterization", "precedence", "purpose", "means", "provision",
                                "statementContent", "affirmedBy", "deniedBy", "questionedBy")}


def test_a_passage_ranking_what_it_speaks_of_is_cited_for_it(kg):
    """A superlative or comparison is the checkable part of its passage (ag:characterization:
    'a superlative, a first or only, a comparison'). 002's 'Few alliances in the modern era are
    as enduring or strategically significant as that between the United States and Israel' was
    cited for the alliance's partners alone, and its 'one of the most advanced and resilient
    defense partnerships in the world' for the year of recognition: the rank was in no claim."""
    rows = kg.query("""SELECT ?ev ?quote ?p WHERE {
        ?c a ag:Claim ; rdf:predicate ?p ; prov:wasDerivedFrom ?ev .
        ?ev oa:hasSelector ?sel . ?sel a oa:TextQuoteSelector ; oa:exact ?quote }""")
    cited: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        cited[(r["ev"].value.rsplit("/", 1)[1], r["quote"].value)].add(r["p"].value)
    ranking = {key for key in cited if RANKING.search(key[1])}
    assert ranking, "no passage ranks anything: review the test"
    assert sorted(key[0] for key in ranking if not cited[key] & DESCRIBING) == []


HEADING = "a heading: it names a section, the section's sentences are cited"
FURNITURE = "page furniture, not part of the text's content"
TITLE = "the document's title (recorded on its source node)"
CHATTER = "the writer addressing the reader; no checkable fact"

# Every sentence of the sources that no evidence quote covers, with the reason it states no
# checkable fact.  Reviewed against the sources; the test fails when a sentence is uncited and
# not listed here, or listed here and cited (then drop it from the list).
UNCITED = {
    "000_06b6882714cf1880.txt": {
        "History and Strategic Context": HEADING,
        "Key Defense Agreements and Initiatives": HEADING,
        "Key Military Installations and Cooperation Areas": HEADING,
        "Strategic Significance": HEADING,
        "Links": HEADING,
    },
    "001_b9e5a7348fac2993.txt": {
        "U.S.–Israel Military Cooperation Explained: History, Strategy, and Global Impact": TITLE,
        "Understanding how and why the U.S. and Israel work so closely together offers insight into "
        "broader international security dynamics and the future of defense alliances.":
            "says what reading about the subject offers, not something about the subject",
        "Historical Foundations of the Alliance": HEADING,
        "Joint Training and Military Exercises": HEADING,
        "Defense Aid and Military Financing": HEADING,
        "Intelligence Sharing and Counterterrorism": HEADING,
        "Missile Defense and Technological Innovation": HEADING,
        "Strategic and Global Implications": HEADING,
        "Comments": FURNITURE,
        "Popular posts from this blog": FURNITURE,
        "ICC Leadership Summit: Shaping the Leaders of Tomorrow": "the title of another post on the blog",
        "Pro-Israel Activism: Championing a Strategic Ally and Democratic Values": "the title of another post on the blog",
        "Voices on Campus: The Growing Wave of Student Support for Israel": "the title of another post on the blog",
    },
    "002_25e8079df6f006ed.txt": {
        "top of page": FURNITURE,
        "Search": FURNITURE,
        "Building United States-Israel Partnerships in Defense": TITLE,
        "Eye-level view of military personnel engaged in a joint training exercise":
            "an image's description of its camera angle; the caption after it, which names the "
            "U.S. and Israel, is cited",
        "Foundations of a Defense Partnership": HEADING,
        "Key Milestones Include:": HEADING,
        "Evolving Areas of Defense Cooperation": HEADING,
        "Innovation as a Force Multiplier": HEADING,
        "Challenges and Strategic Opportunities": HEADING,
        "Crossed Arrows Insight: Bridging Strategy, Innovation, and Trust": HEADING,
        "Looking Ahead": HEADING,
        "Comments": FURNITURE,
        "bottom of page": FURNITURE,
    },
    "003_fe4a065aad1a80df.txt": {
        "(photo credit: KNS / KCNA / AFP)": "the credit line of the page's photo",
    },
    "004_584d350a9faa3132.txt": {
        "Israel-NATO News: Latest Updates & Analysis": TITLE,
        "B.Designwall 117 views": "byline and view counter (the publisher is recorded on the source node)",
        "Hey everyone, ever wondered about the ins and outs of Israel-NATO relations ?": CHATTER,
        "It’s a topic that often pops up in the global news cycle, and for good reason!":
            "about news coverage of the topic, not the topic",
        "So, grab your favorite drink, settle in, and let’s unpack the latest developments, "
        "historical ties, and what all of this means for the future.": CHATTER,
        "You guys might be thinking, “Wait, is Israel even in NATO?”": CHATTER,
        "This article is your ultimate guide to understanding the nuances of this crucial alliance, "
        "providing you with all the Israel NATO news you need to stay in the loop.": CHATTER,
        "We’ll dive into the historical background, explore the various avenues of cooperation, "
        "discuss recent events that have shaped their interactions, and even take a peek into what "
        "the future might hold for this dynamic duo.": CHATTER,
        "So, let’s get started on this exciting journey of discovery, folks!": CHATTER,
        "A Deep Dive into Israel-NATO Relations: The Foundation": HEADING,
        "Alright, guys, let’s kick things off by getting a solid grasp on the foundation of "
        "Israel-NATO relations .": CHATTER,
        "Understanding this historical context and the unique framework of the Mediterranean Dialogue "
        "is key to appreciating the current state and future trajectory of Israel-NATO news and "
        "cooperation.": CHATTER,
        "It’s a testament to how flexible and adaptive international relations can be, allowing for "
        "strong alliances without requiring full membership.":
            "a general remark on international relations; what it rests on (a close partnership "
            "without full membership) is cited from the sentences before",
        "Key Areas of Cooperation and Shared Interests": HEADING,
        "Let’s talk specifics, guys, about the key areas of cooperation that truly define the "
        "Israel-NATO relationship.": CHATTER,
        "This isn’t just talk; it’s about real, tangible efforts that benefit both sides.":
            "a lead-in; the efforts and what each side gains are cited in the sentences that follow",
        "It’s a win-win, folks, for tackling some of the toughest challenges our world faces.":
            "a slogan summing up the mutual benefits cited in the sentence before",
        "Recent Developments and Evolving Dynamics": HEADING,
        "What the Future Holds: Prospects and Challenges": HEADING,
        "Alright, let’s peer into the crystal ball, guys, and talk about what the future holds for "
        "Israel-NATO relations.": CHATTER,
        "So there you have it, folks!": CHATTER,
        "The Israel NATO news will continue to be a headline grabber, reflecting the evolving "
        "geopolitical landscape and the persistent need for strong international cooperation.":
            "about news coverage of the topic, not the topic",
        "So, next time you hear about Israel and NATO, you’ll have a much richer understanding of "
        "what’s really going on behind the scenes.": CHATTER,
        "It’s been great sharing this with you!": CHATTER,
    },
}


def test_every_uncited_sentence_is_reviewed_and_states_no_checkable_fact(kg, sources_dir):
    report = {c.source: c for c in coverage(kg, sources_dir)}
    assert sorted(report) == sorted(UNCITED)
    for source, reviewed in UNCITED.items():
        uncited = {s.text for s in report[source].uncited}
        assert sorted(uncited - set(reviewed)) == [], f"{source}: uncited and not reviewed"
        assert sorted(set(reviewed) - uncited) == [], f"{source}: reviewed as uncited but now cited"
        assert all(reason.strip() for reason in reviewed.values())


# What the quotes of a partly cited sentence leave out, six words or more, with the reason it
# states no fact the graph lacks.  Coverage counts a sentence cited when any quote touches it,
# so a fact in the rest of one went unseen: 001's 'Annual aid packages and long-term memoranda
# of understanding have helped Israel maintain a qualitative military edge' was cited, and its
# ', while giving the U.S. a reliable regional partner with advanced military capabilities and
# battlefield experience' was in the graph nowhere.
SUMS_UP = "sums up the facts cited from the same sentence"
PARTLY_CITED = {
    "001_b9e5a7348fac2993.txt": {
        "creating a mutually reinforcing cycle of innovation and economic benefit.": SUMS_UP,
        "that could have affected both American and Israeli interests.":
            "a hypothetical: attacks prevented, so no effect took place",
        "At the global level, this alliance reflects how modern military partnerships function":
            "a lead-in to the list cited after its colon",
    },
    "002_25e8079df6f006ed.txt": {
        "with lessons shared between military, government, and private-sector entities.":
            "how the cyber coordination cited before it is spread; no party or act named",
        "creating mutual benefits that extend beyond the region.": SUMS_UP,
        "we understand that the strength of this alliance lies not only in capability but in "
        "communication, culture, and continuity.": "the company's view of its own mission",
    },
    "003_fe4a065aad1a80df.txt": {
        "(photo credit: KNS / KCNA / AFP)": "the credit line of the page's photo",
        "might in the eyes of its advocates in Washington":
            "a hedge ('might'): who might see an aid increase justified, not a position taken",
    },
    "004_584d350a9faa3132.txt": {
        "This isn’t just about high-level politics; it’s about understanding": CHATTER,
        "that’s the famous “an attack on one is an attack on all” bit.":
            "a gloss on Article 5, whose lack for Israel is cited",
        "it’s certainly a highly valued and deeply integrated partner in many crucial operational "
        "and strategic discussions.": "praise restating the partnership's characterizations",
        "and its innovative approaches to security challenges, from border protection to cyber "
        "defense, are incredibly valuable to NATO.":
            "praise; border management and cyber defense are cited as cooperation areas",
        "In today’s digital age, cyber threats are borderless, and": "a truism leading in",
        "This makes it an ideal partner for": "praise; the cyber cooperation is cited",
        "Alright, team, let’s zoom in on the recent developments shaping the Israel-NATO "
        "relationship, because": CHATTER,
        "While formal NATO summits usually involve member states": "a lead-in; the meetings are cited",
        "So, while the headlines might focus on big political events":
            "about news coverage of the topic, not the topic",
        "ensuring Israel-NATO news remains a topic of significant global interest.":
            "about news coverage of the topic, not the topic",
        "it’s clear that this isn’t just any ordinary partnership.": CHATTER,
        "While there are certainly political nuances and ongoing challenges to navigate":
            "a lead-in; the challenges are cited",
    },
}


def _left_out(kg, sources_dir) -> dict[str, set[str]]:
    """Return, per source, the runs of six words or more of partly cited sentences no quote covers."""
    texts = {p.name: citations.read_source(p) for p in sorted(sources_dir.glob("*.txt"))}
    spans, _ = evidence_spans(kg, texts)
    left: dict[str, set[str]] = defaultdict(set)
    for name, text in texts.items():
        for sentence in split_sentences(text):
            covered = {i for a, b in spans[name] for i in range(max(a, sentence.start), min(b, sentence.end))}
            if not covered:
                continue  # wholly uncited: UNCITED's business
            runs = re.split("\x00+", "".join("\x00" if i in covered else text[i]
                                              for i in range(sentence.start, sentence.end)))
            left[name].update(r for r in (run.strip(" ,;:–-") for run in runs) if len(r.split()) >= 6)
    return left


def test_what_quotes_leave_out_of_a_sentence_is_reviewed_and_states_no_missing_fact(kg, sources_dir):
    left = _left_out(kg, sources_dir)
    for source in sorted(set(left) | set(PARTLY_CITED)):
        reviewed = PARTLY_CITED.get(source, {})
        assert sorted(left[source] - set(reviewed)) == [], f"{source}: left out of its quotes, not reviewed"
        assert sorted(set(reviewed) - left[source]) == [], f"{source}: reviewed as left out but now quoted"
