"""The Israel-NATO query lists every plain fact about what NATO takes part in.

nato-partnership ('every plain fact about ... a partnership, initiative, group, meeting or
exercise it runs or takes part in') read NATO's partnerships and what it runs, not the meetings
and exercises it is a participant of: it listed 'the high-level meetings of Israeli officials
with NATO' as having NATO for a participant, and not Israel, the other participant, nor where
they met and what they discussed (004).
"""

from __future__ import annotations


def test_nato_partnership_lists_the_facts_of_what_nato_takes_part_in(kg, settings):
    listed = {(r["subject"].value, r["predicate"].value, r["object"].value)
              for r in kg.query((settings.queries_dir / "nato-partnership.rq").read_text(encoding="utf-8"))}
    rows = kg.query("""SELECT ?s ?p ?o WHERE {
        ?nato a ag:MilitaryAlliance . { ?s ag:participant|ag:performedBy|ag:partner ?nato }
        ?s ?p ?o . FILTER (?p NOT IN (rdf:type, rdfs:label)) }""")
    facts = {(r["s"].value, r["p"].value, r["o"].value) for r in rows}
    assert any(p.endswith("/participant") and o.endswith("/Israel") for _, p, o in facts)
    assert sorted(facts - listed) == [], "facts of what NATO takes part in that nato-partnership leaves out"
