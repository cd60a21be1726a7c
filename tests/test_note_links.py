"""note_links.parts: a note's prefixed names of the project as links to their pages."""

import pytest

from alliance_graph.web.pages import note_links


@pytest.mark.parametrize("note, expected", [
    ("See id:Proposition-AidAtUSExpense.", [
        ("See ", None), ("id:Proposition-AidAtUSExpense", "/id/Proposition-AidAtUSExpense"),
        (".", None)]),
    ("not as ag:counters (nor ag:challenge)", [
        ("not as ", None), ("ag:counters", "/ontology/counters"), (" (nor ", None),
        ("ag:challenge", "/ontology/challenge"), (")", None)]),
    ("003 is src:003_fe4a065aad1a80df.txt, graded grade:B", [
        ("003 is ", None),
        ("src:003_fe4a065aad1a80df.txt", "/id/source/003_fe4a065aad1a80df.txt"),
        (", graded ", None), ("grade:B", "/id/grade/B")]),
    # Not a name of the project's (another prefix, a named graph), the tail of a longer one,
    # or a pattern standing for several names.
    ("rdf:type, graph:inferred, e.g.id:X, <x/id:Y>, foo:bar", [
        ("rdf:type, graph:inferred, e.g.id:X, <x/id:Y>, foo:bar", None)]),
    ("(claim:X-operationalDomain-*), not id:Y*", [
        ("(claim:X-operationalDomain-*), not id:Y*", None)]),
    ("no names at all", [("no names at all", None)]),
])
def test_a_note_is_cut_into_text_and_links(note, expected):
    assert note_links.parts(note) == expected


def test_every_name_a_shipped_note_links_is_in_the_graph(kg):
    # A link in a note must lead to a page, not to a 404 for a name misspelt in the data.
    notes = [r["n"].value for r in kg.query(
        "SELECT DISTINCT ?n WHERE { { ?c ag:note ?n } UNION { ?c ag:disagreementNote ?n } }")]
    linked = {piece for note in notes for piece, href in note_links.parts(note) if href}
    assert linked, "no shipped note names an IRI of the project: the test reads nothing"
    missing = []
    for name in sorted(linked):
        prefix, local = name.split(":", 1)
        iri = note_links.DISPLAY_PREFIXES[prefix] + local
        if not kg.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"):
            missing.append(name)
    assert missing == []
