"""An attributed statement's stance holds toward what it is about (the ontology: a stance is
'the position an attributed statement takes on what it is about'; supportive: 'the speaker
argues for, welcomes or proposes what the statement is about').

One statement has one stance, so what it is about is what that stance is toward: an analyst
asking who supports Iran's missile program, or who doubts U.S. missile defense aid to Israel,
reads ``?s ag:stance ag:SupportiveStance ; ag:about ?x`` and takes the answer at its word.
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
        UNION { ?about a ag:Threat } UNION { ?threat ag:posedBy ?about } }""")
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
