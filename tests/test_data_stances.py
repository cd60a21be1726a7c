"""An attributed statement's stance holds toward what it is about (the ontology: a stance is
'the position an attributed statement takes on what it is about'; supportive: 'the speaker
argues for, welcomes or proposes what the statement is about').

One statement has one stance, so what it is about is what that stance is toward: an analyst
asking who supports Iran's missile program, or who doubts U.S. missile defense aid to Israel,
reads ``?s ag:stance ag:SupportiveStance ; ag:about ?x`` and takes the answer at its word.
What else its words name, toward which it takes no stance, it ``ag:mentions``.
"""

from __future__ import annotations


def _rows(kg, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(term.value.rsplit("/", 1)[1] for term in row) for row in kg.query(sparql))


def test_no_statement_supports_what_the_graph_has_countered_or_posing_a_threat(kg):
    """Trump's intention to fund missile defense 'to counter threats from Iran and North Korea'
    (003) was supportive and about the Iranian and North Korean missile programs, so the graph
    had him argue for them; so Mattis's Gulf missile defense 'to deter Iran’s increasingly
    sophisticated program', the Trump administration's Israeli-Arab cooperation 'against Iran'
    and Schanzer's advice that the Israelis raise North Korea 'as part of their threat
    matrix'."""
    supported = _rows(kg, """SELECT ?statement ?about WHERE {
        ?statement ag:stance ag:SupportiveStance ; ag:about ?about .
        { ?actor ag:counters|ag:deters|ag:conductsOperationsAgainst ?about }
        UNION { ?about a/rdfs:subClassOf* ag:Threat } UNION { ?threat ag:posedBy ?about } }""")
    assert kg.query("ASK { ?s ag:stance ag:SupportiveStance ; ag:about ?x }"), "no supportive statement"
    assert sorted(set(supported)) == []


def test_no_speaker_both_supports_and_doubts_or_opposes_one_thing(kg):
    """Heinrichs defends U.S. missile defense aid to Israel (supportive, 'pretty rich') and
    questions whether U.S. programs were 'actually affected by funding to Israel': her doubt is
    of the argument (id:Proposition-AidAtUSExpense, as the statement's own note says), yet the
    skeptical statement was about the aid too, so she both supported and doubted it."""
    both = _rows(kg, """SELECT DISTINCT ?speaker ?about WHERE {
        ?for ag:speaker ?speaker ; ag:stance ag:SupportiveStance ; ag:about ?about .
        ?against ag:speaker ?speaker ; ag:stance ?stance ; ag:about ?about .
        VALUES ?stance { ag:OpposingStance ag:SkepticalStance } }""")
    assert both == []


def test_a_supportive_statement_is_about_what_it_argues_for_not_what_it_would_exceed(kg):
    """Some Republican leaders 'are prepared to write in more funding for Israel’s missile
    defense than the MoU allows – and believe that President Donald Trump would sign off on
    it' (003): supportive of that funding, and about the MoU and Trump too, so the graph had
    them argue for the MoU whose limit they would pass, and for Trump, whose signature they
    only expect."""
    about = {row[0] for row in _rows(kg, """SELECT ?about WHERE {
        id:Statement-RepublicanLeaders-MoreFunding ag:stance ag:SupportiveStance ; ag:about ?about }""")}
    assert about == {"IsraeliMissileDefenseProgram"}


def test_what_a_statements_words_name_beside_what_its_stance_is_toward_it_mentions(kg):
    """A statement whose words name something its stance is not toward lost it (e39791f,
    6b4e17d): Trump's intention to fund missile defense 'to counter threats from Iran and North
    Korea' (003) was about missile defense and nothing linked it to Iran or North Korea, so
    'which statements name Iran' missed it. What the stance is not toward, it mentions."""
    mentions = _rows(kg, """SELECT ?statement ?named WHERE {
        ?statement a ag:AttributedStatement ; ag:mentions ?named }""")
    assert mentions == sorted([
        ("Statement-AmericanIsraelPublicAffairsCommittee-ConsideringLobbying",
         "AmericanIsraelPublicAffairsCommitteePolicyConference"),
        ("Statement-AmericanIsraelPublicAffairsCommittee-ConsideringLobbying", "Washington"),
        ("Statement-DefenseMinistry-BeyondMiddleEast", "MiddleEast"),
        ("Statement-Heinrichs-PrettyRich", "ObamaAdministration"),
        ("Statement-Heinrichs-QuestionsCompetition", "UnitedStatesMissileDefenseAidToIsrael"),
        ("Statement-Mattis-GulfMissileDefense", "IranianMissileProgram"),
        ("Statement-Mattis-InternationalEffort", "KoreanPeninsula"),
        ("Statement-Nagel-EmergencyFunding", "Israel"),
        ("Statement-ObamaOfficial-GrowingShare", "Israel"),
        ("Statement-ObamaOfficials-MDARunningDry", "UnitedStates"),
        ("Statement-RepublicanLeaders-MoreFunding", "DonaldTrump"),
        ("Statement-RepublicanLeaders-MoreFunding", "MemorandumOfUnderstanding2016"),
        ("Statement-Schanzer-RaiseNorthKorea", "NorthKorea"),
        ("Statement-Schanzer-RaiseNorthKorea", "UnitedStates"),
        ("Statement-SeniorOfficial-MissileDefenseFunding", "ObamaAdministration"),
        ("Statement-Trump-StateOfTheArtMissileDefense", "Iran"),
        ("Statement-Trump-StateOfTheArtMissileDefense", "NorthKorea"),
        ("Statement-TrumpAdministration-IsraeliArabCooperation", "Iran"),
    ])


def test_a_statement_mentions_nothing_it_is_about(kg):
    """Its stance holds toward what it is about and not toward what it mentions: one thing
    both would say the stance both holds and does not."""
    both = _rows(kg, "SELECT ?statement ?x WHERE { ?statement ag:about ?x ; ag:mentions ?x }")
    assert kg.query("ASK { ?s a ag:AttributedStatement ; ag:mentions ?x }"), "no mention"
    assert both == []


def test_a_mention_is_cited_by_the_passage_of_the_statements_words(kg):
    """What a statement names is read in its words: the mention's claim cites a passage its
    stance's claim cites (a quote elsewhere naming the thing is not the statement naming it)."""
    elsewhere = _rows(kg, """SELECT ?mention WHERE {
        ?mention rdf:subject ?statement ; rdf:predicate ag:mentions .
        ?stance rdf:subject ?statement ; rdf:predicate ag:stance .
        FILTER NOT EXISTS { ?mention prov:wasDerivedFrom ?passage .
                            ?stance prov:wasDerivedFrom ?passage } }""")
    assert kg.query("ASK { ?m rdf:predicate ag:mentions ; prov:wasDerivedFrom ?e }"), "no cited mention"
    assert elsewhere == []


def test_who_said_what_lists_what_a_statement_is_about_and_what_it_mentions(kg, settings):
    """The named query 'Who said what' gave speaker, stance and words, and nothing of what a
    statement is about or names: its reader saw Trump supportive with no object at all."""
    text = (settings.queries_dir / "attributed-statements.rq").read_text(encoding="utf-8")
    rows = {(row["relation"].value.rsplit("/", 1)[1], row["subject"].value.rsplit("/", 1)[1])
            for row in kg.query(text)
            if row["statement"].value.endswith("/Statement-Trump-StateOfTheArtMissileDefense")}
    assert rows == {("about", "MissileDefense"), ("mentions", "Iran"), ("mentions", "NorthKorea")}


def test_the_ontology_says_the_rule_where_about_and_mentions_are_defined(kg):
    """An analyst reading ag:about's definition ('what it concerns') took what a statement's
    words name for what it is about, stance and all: each term's definition now points to
    the other."""
    definitions = {row[0]: row[1] for row in (
        (r["term"].value.rsplit("/", 1)[1], r["definition"].value) for r in kg.query(
            """SELECT ?term ?definition WHERE {
                VALUES ?term { ag:about ag:mentions } ?term skos:definition ?definition }"""))}
    assert "stance" in definitions["about"] and "ag:mentions" in definitions["about"]
    assert "stance" in definitions["mentions"] and "ag:about" in definitions["mentions"]


def test_a_mention_names_what_it_mentions_in_its_passage_or_says_how(kg):
    """A mention is read in the words: its passage holds the thing's label or acronym, or the
    claim's note says which words name it ('the US', 'Iran’s increasingly sophisticated
    program'), so a mention cannot stand on a reading nobody wrote down."""
    unnamed = _rows(kg, """SELECT ?mention WHERE {
        ?mention rdf:predicate ag:mentions ; rdf:object ?named .
        FILTER NOT EXISTS { ?mention ag:note ?note }
        FILTER NOT EXISTS { ?mention prov:wasDerivedFrom/oa:hasSelector/oa:exact ?passage .
                            ?named rdfs:label|ag:acronym ?name
                            FILTER(CONTAINS(?passage, ?name)) } }""")
    assert unnamed == []
    assert kg.query("ASK { ?m rdf:predicate ag:mentions ; ag:note ?note }"), "no noted mention"


def test_a_statement_is_not_about_the_event_it_names_as_its_time(kg):
    """AIPAC 'is considering whether or not to lobby for more aid ahead of its annual policy
    conference' (003): the statement was about that conference as much as the aid, so asking
    what was said about the conference returned it; the conference only dates it."""
    about = {row[0] for row in _rows(kg, """SELECT ?about WHERE {
        id:Statement-AmericanIsraelPublicAffairsCommittee-ConsideringLobbying ag:about ?about }""")}
    assert about == {"MemorandumOfUnderstanding2016"}


def test_no_statement_argues_for_or_against_a_place(kg):
    """Mattis, asked how to 'improve its strategy on the Korean Peninsula', said 'It is going
    to take an international effort' (003): supportive, and about the Korean Peninsula, so the
    graph had him argue for a region. For or against a place says nothing; what a statement
    argues for or against is a program, policy, proposal or actor, and the place it names, it
    mentions."""
    places = _rows(kg, """SELECT ?statement ?place WHERE {
        ?statement ag:stance ?stance ; ag:about ?place . ?place a/rdfs:subClassOf* ag:Place .
        VALUES ?stance { ag:SupportiveStance ag:OpposingStance } }""")
    assert kg.query("ASK { ?s ag:stance ag:SupportiveStance ; ag:about ?x }"), "no supportive statement"
    assert places == []
