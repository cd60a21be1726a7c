"""locate: findings point at the line of their triple, of their blank node's parent triple, or
of the claim behind a derived plain triple."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from alliance_graph.build import truthy
from alliance_graph.build.lines import LineIndex
from alliance_graph.build.loading import LoadError
from alliance_graph.build.places import Places
from alliance_graph.proposals import validation
from alliance_graph.proposals.inputs import Inputs
from alliance_graph.proposals.locate import Locator
from alliance_graph.rdf import graph_iri
from alliance_graph.settings import Settings

AG = "https://alliance-graph.example/ontology/"
ID = "https://alliance-graph.example/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TEXT = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

id:Thing ag:note "one" ;
    ag:part [ ag:note "two" ;
        ag:part [ ag:note "three" ] ] .

claim:Thing-acronym a ag:Claim ;
    rdf:subject id:Thing ;
    rdf:predicate ag:acronym ;
    rdf:object "TH" ;
    ag:rank ag:NormalRank .
"""


def locator(tmp_path: Path, text: str = TEXT) -> tuple[Locator, Inputs]:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    path = tmp_path / "proposal.ttl"
    path.write_text(text, encoding="utf-8")
    inputs = Inputs(Settings(root=tmp_path, ontology_dir=tmp_path / "ontology",
                             data_dir=tmp_path / "data"), [path])
    inputs.read(inputs.proposed)
    return Locator(inputs), inputs


def built(text: str) -> tuple[ox.Store, Places]:
    """``text`` as the build holds it, as data/x.ttl: its store and where the build places
    findings on it (``build/places.py``), the route beside ``validate``'s ``Locator``."""
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph_iri("data/x.ttl"))
    return store, Places(store, LineIndex({"data/x.ttl": text}))


def test_triples_blank_nodes_and_derived_triples_have_lines(tmp_path):
    loc, inputs = locator(tmp_path)
    [name] = inputs.proposals
    by = {(q.predicate.value, q.object.value): q for q in inputs.quads}
    note = ox.NamedNode(AG + "note")
    thing = ox.NamedNode(ID + "Thing")
    assert loc.locate(thing, note, ox.Literal("one")) == (name, 6)
    inner = by[(AG + "note", "three")].subject
    assert loc.node_line(name, inner) == 8, "a blank node sits where its \"[\" is written"
    assert loc.locate(inner, note, ox.Literal("three")) == (name, 8)
    [derived] = truthy.truthy_quads(inputs.quads)
    # On the claim's rdf:object line, the one to change (it was the claim's first line).
    assert loc.locate(derived.subject, derived.predicate, derived.object) == (name, 13), \
        "a derived plain triple points at the value of the claim that asserts it"


def test_a_chain_thousands_deep_is_placed_without_recursion(tmp_path):
    depth = 5000
    # Line 6 opens the chain; the k-th blank node's "[" is on line 6 + k - 1, where it is
    # placed (it was placed at its parent's predicate, line 6 + k - 2).
    text = TEXT.split("\n\n")[0] + "\n\nid:Deep ag:part " + "[ ag:part\n    " * depth + "1" \
        + " ]" * depth + " .\n"
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    innermost = next(q.subject for q in inputs.quads if isinstance(q.object, ox.Literal))
    assert loc.node_line(name, innermost) == 6 + depth - 1


def test_terms_a_list_writes_and_escaped_names_are_placed(tmp_path):
    text = TEXT.split("\n\n")[0] + "\n\nid:No\\~Sea ag:part (\n    id:Thing ) .\n"
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    # Checks about a term (unknown-term) name the file and ask for the term's own line.
    assert loc.locate(ox.NamedNode(rdf + "first"), None, None, prefer=name) == (name, 6)
    assert loc.locate(ox.NamedNode(rdf + "rest"), None, None, prefer=name) == (name, 6)
    assert loc.locate(ox.NamedNode(ID + "No~Sea"), None, None) == (name, 6)


HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "proposals"
BASE = Path(__file__).parent / "fixtures" / "shapes" / "base"
NAMES = {"claim:": ID + "claim/", "id:": ID, "rdf:": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def written_here(path: Path) -> dict[str, int]:
    """Return the IRIs a fixture's "# written here: A, B" comments name, each with the line
    after the comment, where it is first written."""
    found = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.lstrip().startswith("# written here:"):
            for name in line.split(":", 1)[1].split(", "):
                prefix, local = name.strip().split(":", 1)
                found[NAMES.get(prefix + ":", prefix) + local] = number + 1
    return found


@pytest.mark.parametrize("fixture", ["escaped-names.ttl", "list-object.ttl"])
def test_every_finding_on_what_a_proposal_writes_has_its_line(settings, fixture):
    # Findings on id:No\~Sea, on claim:Jc\,weird\.name-x and on the rdf:first and rdf:rest a
    # list writes had no line.
    path = HOSTILE / fixture
    report = validation.validate(settings.with_(data_dir=BASE), [path], prebuilt=None)
    found = [f for f in report.findings if f.file == str(path)]
    assert found and all(f.line for f in found), \
        [f"{f.where()}: {f.message} ({f.focus})" for f in found if not f.line]
    written = written_here(path)
    # On the node, or on a property it lacks (the claim's missing evidence: the shape's
    # finding, which says which property, where the check's said "claim cites no evidence").
    on_them = {(f.focus, f.line) for f in found if f.focus in written and f.value is None}
    assert {focus for focus, _ in on_them} == set(written), "each named node has a finding"
    assert on_them == set(written.items())


def test_an_annotation_is_refused_on_its_line(settings):
    path = HOSTILE / "annotation.ttl"
    with pytest.raises(LoadError) as refused:
        validation.validate(settings.with_(data_dir=BASE), [path], prebuilt=None)
    [problem] = refused.value.problems
    assert "RDF 1.2 triple terms" in problem.message
    lines = path.read_text("utf-8").splitlines()
    # The line the annotation opens on (after its "# written here: {|"), not the comment
    # above that mentions "<<".
    assert problem.line == 2 + lines.index("# written here: {|")


def test_a_shape_s_finding_on_a_labelled_blank_node_is_on_its_line(settings, tmp_path):
    # A claim left _:loose: the checks' findings on it were on its line, the shapes' (a
    # claim with no evidence, its rdf:predicate) and those on the entity it is about on none.
    path = tmp_path / "loose.ttl"
    path.write_text(TEXT.split("\n\n")[0] + '\n\nid:FxState ag:note "x" .\n\n'
                    '_:loose a ag:Claim ;\n    rdf:subject id:FxState ;\n'
                    '    rdf:predicate ag:note ;\n    rdf:object "x" ;\n'
                    '    ag:rank ag:NormalRank .\n', encoding="utf-8")
    report = validation.validate(settings.with_(data_dir=BASE), [path], prebuilt=None)
    found = [f for f in report.findings if f.file == str(path)]
    assert found and all(f.line for f in found), \
        [f"{f.where()}: {f.message} ({f.focus})" for f in found if not f.line]
    on_loose = {(f.path, f.line) for f in found if f.focus == "_:loose"}
    assert ("http://www.w3.org/ns/prov#wasDerivedFrom", 8) in on_loose, on_loose
    assert ("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate", 10) in on_loose, on_loose


def test_a_blank_node_opening_a_statement_is_placed_by_what_it_writes(tmp_path):
    # A top-level [ a ag:Claim ; ... ] . is pointed at by nothing and its name is the
    # parser's: every finding on it had no line.  Two such claims, told apart by their objects,
    # and a node nested in the second, found from its "[".
    text = TEXT.split("\n\n")[0] + (
        "\n\n[ a ag:Claim ;\n    rdf:subject id:Thing ;\n    rdf:object id:One ] .\n"
        "\nPREFIX ex: <https://alliance-graph.example/id/>\n"
        "[ a ag:Claim ;\n    rdf:subject id:Thing ;\n    rdf:object ex:Two ;\n"
        "    ag:part [ ag:note \"inner\" ] ] .\n")
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    by_object = {q.object.value: q.subject for q in inputs.quads}
    assert loc.locate(by_object[ID + "One"], None, None) == (name, 6)
    assert loc.locate(by_object[ID + "Two"], None, None) == (name, 11)
    inner = by_object["inner"]
    assert loc.locate(inner, ox.NamedNode(AG + "note"), ox.Literal("inner")) == (name, 14)


def test_thousands_of_blank_nodes_are_placed_by_lookups_not_by_passes(tmp_path, monkeypatch):
    # Each [ ... ] opening a statement was matched against every other one (a file's
    # spellings of each name worked out anew for each), and each _:label searched for in the
    # whole text: 3,000 blank claims took 11 minutes to validate.
    from alliance_graph.build import lines
    n = 2000
    text = TEXT.split("\n\n")[0] + "\n\n" + "".join(
        f"[ a ag:Claim ;\n    rdf:subject id:Thing ;\n    rdf:object id:T{i} ] .\n"
        f"_:n{i} ag:note \"{i}\" .\n" for i in range(n))
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    asked = []
    spellings = LineIndex.spellings
    monkeypatch.setattr(LineIndex, "spellings",
                        lambda self, *a: asked.append(a) or spellings(self, *a))
    by_object = {q.object.value: q.subject for q in inputs.quads}
    passes = []
    statement_lines = lines.statement_lines
    monkeypatch.setattr(lines, "statement_lines",
                        lambda text: passes.append(1) or statement_lines(text))
    for i in (0, n // 2, n - 1):
        assert loc.node_line(name, by_object[f"{ID}T{i}"]) == 6 + 4 * i
        assert loc.label_line(name, f"n{i}") == 9 + 4 * i
    for i in range(n):
        loc.node_line(name, by_object[f"{ID}T{i}"])
        loc.label_line(name, f"n{i}")
    assert len(asked) <= n + 10, "each name's spellings once (n + 5 names), not once per statement"
    assert len(passes) == 1, "one pass per text"


class _Text(str):
    """A file text a weak reference can follow (a str cannot be referred to weakly)."""


def test_a_placed_text_is_not_kept_once_its_validation_is_done(tmp_path):
    # A cache of the module's, keyed by the text, kept the last 8 texts placed (and the
    # lines of their labels) alive for as long as the process: a notebook calling
    # ag.validate held every large proposal it had validated.
    import gc
    import weakref
    loc, inputs = locator(tmp_path, TEXT + '_:loose ag:note "x" .\n')
    [name] = inputs.proposals
    loose = next(q.subject for q in inputs.quads if q.object == ox.Literal("x"))
    text = _Text(loc.lines.texts()[name])
    loc.lines.texts()[name] = text
    assert loc.node_line(name, loose) == 15
    kept = weakref.ref(text)
    del loc, inputs, text
    gc.collect()
    assert kept() is None, "the text outlived the validation that placed its blank nodes"


PROPOSAL = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

claim:{name} a ag:Claim ;
    rdf:subject id:BlueFlag ;
    rdf:predicate {predicate} ;
    rdf:object {value} ;
    ag:rank ag:NormalRank .
"""


def test_a_finding_on_one_property_is_on_the_proposal_giving_it(tmp_path):
    # Two proposals about id:BlueFlag, the second adding a label: "more than one asserted
    # label" (a count of rdfs:label, no value) was placed on the first proposal, whichever
    # claim it made, as a finding about the node alone is.
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text(PROPOSAL.format(name="BlueFlag-participant", predicate="ag:participant",
                                     value="id:Israel"), encoding="utf-8")
    second.write_text("# a second label\n" + PROPOSAL.format(
        name="BlueFlag-label", predicate="rdfs:label", value='"Blue Flag exercise"'),
        encoding="utf-8")
    inputs = Inputs(Settings(root=tmp_path, ontology_dir=tmp_path / "ontology",
                             data_dir=tmp_path / "data"), [first, second])
    inputs.read(inputs.proposed)
    loc = Locator(inputs)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    name, line = loc.locate(ox.NamedNode(ID + "BlueFlag"), label, None)
    assert (Path(name).name, line) == ("b.ttl", 8)
    assert Path(loc.locate(ox.NamedNode(ID + "BlueFlag"), None, None)[0]).name == "a.ttl", \
        "a finding on the node alone is still on the first proposal's claim"


def test_a_triple_of_a_subjects_second_block_is_on_its_line(tmp_path):
    # A node written in two statements (its block, and a line added below): a finding on a
    # triple of the second was on the first's opening line, which does not write it.
    text = TEXT + ('\nid:Other ag:note "x" .\n\nclaim:Thing-acronym ag:note "added" ;\n'
                   "    a ag:Statement .\n")
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    claim = ox.NamedNode(ID + "claim/Thing-acronym")
    lines = text.splitlines()
    assert loc.locate(claim, ox.NamedNode(AG + "note"), ox.Literal("added")) == (
        name, lines.index('claim:Thing-acronym ag:note "added" ;') + 1)
    # Of a property both write, the block writing the value.
    assert loc.locate(claim, ox.NamedNode(RDF + "type"), ox.NamedNode(AG + "Statement")) == (
        name, lines.index("    a ag:Statement .") + 1)
    assert loc.locate(claim, ox.NamedNode(RDF + "type"), ox.NamedNode(AG + "Claim")) == (
        name, lines.index("claim:Thing-acronym a ag:Claim ;") + 1)


XSD = "http://www.w3.org/2001/XMLSchema#"
# (what a careless hand writes, the triple a finding is on, the line of the snippet a person
# goes to).  Placed by searching for the value's text from its property's line, those marked
# "was" went to the line given there, in validate and the build alike.
WRITTEN = [
    # A value the text of another holds, on an earlier line.
    ('id:A ag:note "3.8 billion" ;\n    ag:note "3.8" .', "id:A ag:note '3.8'", 2),  # was 1
    ('id:A ag:note "3.8 billion" ,\n    "3.8" .', "id:A ag:note '3.8'", 2),  # was 1
    ("id:A ag:amount 3.85 ;\n    ag:amount 3.8 .", "id:A ag:amount 3.8", 2),  # was 1
    ('id:A ag:note "say \\"x\\" now" ;\n    ag:note "say \\"x\\"" .',
     "id:A ag:note 'say \"x\"'", 2),  # was 1
    ('claim:X2 ag:note "a" .\nclaim:X ag:note "b" .', "claim:X ag:note 'b'", 2),
    ('@prefix ex: <http://e/> .\nex:ab ag:note "x" .\nex:a ag:note "y" .',
     "http://e/a ag:note 'y'", 3),
    # An IRI value after a "," or on a later line of its property's block.
    ("id:A ag:part id:X,\n    id:Y,\n    id:Z .", "id:A ag:part id:Y", 2),  # was 1
    ("id:A ag:other id:Y ;\n    ag:part id:X ;\n    ag:part id:Y .", "id:A ag:part id:Y",
     3),  # was 1
    ('id:A ag:part id:X ;\n    ag:note "id:Y" ;\n    ag:part id:Y .', "id:A ag:part id:Y",
     3),  # was 1
    # An inner [ ... ]'s value is not its parent's.
    ('id:A ag:note "z" ; ag:part [\n    ag:note "y" ;\n    ag:kind id:K\n] ;\n'
     '    ag:note "y" .', "id:A ag:note 'y'", 5),  # was 2
    ('id:A ag:part [\n    ag:note "x" ] ;\n    ag:note "y" .', "id:A ag:note 'y'", 3),
    ("id:A ag:list ( id:X\n    id:Y ) ;\n    ag:part id:Y .", "id:A ag:part id:Y", 3),
    # Escapes undone, on either side.
    ('id:A ag:note "x" ;\n    ag:note "\\u00e9t\\u00e9" .', "id:A ag:note 'été'", 2),  # was 1
    ('id:A ag:note "x" .\n<https://alliance-graph.example/id/\\u0042> ag:note "y" .',
     "id:B ag:note 'y'", 2),
    # One node, written in other ways.
    ('id:A ag:note "x" .\n<https://alliance-graph.example/id/B> ag:note "y" .',
     "id:B ag:note 'y'", 2),
    ('@prefix e2: <https://alliance-graph.example/id/> .\nid:A ag:note "x" .\n'
     'e2:B ag:note "y" .', "id:B ag:note 'y'", 3),
    ('@base <https://alliance-graph.example/id/> .\nid:A ag:note "x" .\n<B> ag:note "y" .',
     "id:B ag:note 'y'", 3),
    # Its name or value first in a comment, a string, a long string, a prefix line.
    ('# id:B ag:note "y"\nid:A ag:note "x" .\nid:B ag:note "y" .', "id:B ag:note 'y'", 3),
    ('id:A ag:note "see id:B" .\nid:B ag:note "y" .', "id:B ag:note 'y'", 2),
    ('id:A ag:note """see\nid:B ag:note "y"\n""" .\nid:B ag:note "y" .', "id:B ag:note 'y'", 4),
    ('@prefix y: <https://alliance-graph.example/id/Y> .\nid:A ag:part id:Y .',
     "id:A ag:part id:Y", 2),
    # A statement over several lines; tabs; names and values in Hebrew and emoji before it.
    ('id:A\n    ag:note\n        "y" .', "id:A ag:note 'y'", 3),
    ('id:A\tag:note "x" ;\n\tag:note\t"y" .', "id:A ag:note 'y'", 2),
    ('id:A rdfs:label "כיפת ברזל" ; ag:note "🚀🚀" ;\n    ag:note "y" .', "id:A ag:note 'y'", 2),
    ('id:Bé ag:note "x" ;\n    ag:note "y" .', "id:Bé ag:note 'y'", 2),
    ('id:A ag:note "x"@en ;\n    ag:note "3.8"^^xsd:decimal, "y" .', "id:A ag:note 'y'", 2),
]


def _term(written: str):
    if written.startswith("'"):
        return ox.Literal(written[1:-1])
    prefix, _, local = written.partition(":")
    namespaces = {"id": ID, "ag": AG, "claim": ID + "claim/"}
    return ox.NamedNode(namespaces[prefix] + local if prefix in namespaces else written)


def assert_on_line(tmp_path: Path, text: str, triple: tuple, want: int) -> None:
    """Both routes, validate's Locator and the build's Places, put ``triple`` on line ``want``
    of ``text`` (which must state it)."""
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    assert loc.locate(*triple) == (name, want), "validate"
    store, places = built(text)
    assert triple in {(q.subject, q.predicate, q.object) for q in store}
    assert places.line("data/x.ttl", *triple) == want, "the build"


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("snippet, triple, line", WRITTEN)
def test_a_triple_is_on_the_line_writing_its_value(tmp_path, snippet, triple, line, line_end):
    prologue = TEXT.split("\n\n")[0] + "\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ." \
        "\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    text = (prologue + snippet).replace("\n", line_end)  # no final line end
    s, p, o = triple.split(" ", 2)
    if o == "3.8":
        o = ox.Literal("3.8", datatype=ox.NamedNode(XSD + "decimal"))
    s, p, o = _term(s), _term(p), o if isinstance(o, ox.Literal) else _term(o)
    assert_on_line(tmp_path, text, (s, p, o), len(prologue.splitlines()) + line)


# A [ ... ]'s triples, the node told by its "ag:kind id:M": each was searched for as text
# from its predicate's line, those marked "was" going to the line given there.
BLANK = [
    ('id:A ag:part [ ag:kind id:M ; ag:note "3.8 billion" ;\n    ag:note "3.8" ] .',
     "ag:note '3.8'", 2),  # was 1
    ("id:A ag:part [ ag:kind id:M ; ag:part id:X,\n    id:Y ] .", "ag:part id:Y", 2),  # was 1
    ('id:A ag:part [ ag:kind id:M ; ag:part id:X ;\n    ag:note "q" ;\n    ag:part id:Y ] .',
     "ag:part id:Y", 3),  # was 1
    ('[ ag:kind id:M ; ag:note "3.8 billion" ;\n    ag:note "3.8" ] .', "ag:note '3.8'", 2),  # was 1
    ('id:A ag:part [ ag:kind id:M ; ag:note "y" ; ag:part [\n    ag:note "z" ] ;\n'
     '    ag:note "z" ] .', "ag:note 'z'", 3),  # was 2
    ('id:A ag:part id:X, [\n    ag:kind id:M ;\n    ag:note "y" ] .', "ag:note 'y'", 3),
    ('id:A ag:list ( [ ag:kind id:M ;\n    ag:note "y" ] ) .', "ag:note 'y'", 2),
    # The second of the [ ... ] one predicate opens, writing what the first writes too.
    ('id:A ag:part [ ag:note "a" ] ,\n    [ ag:kind id:M ; ag:note "a" ] .', "ag:note 'a'",
     2),  # was 1
    ('id:A ag:part [ ag:note "a" ] ;\n    ag:part [ ag:kind id:M ;\n    ag:note "a" ] .',
     "ag:note 'a'", 3),  # was 1
]


@pytest.mark.parametrize("snippet, triple, line", BLANK)
def test_a_blank_node_s_triple_is_on_the_line_writing_its_value(tmp_path, snippet, triple,
                                                                 line):
    prologue = TEXT.split("\n\n")[0] + "\n"
    text = prologue + snippet + "\n"
    p, o = (_term(t) for t in triple.split(" ", 1))
    want = len(prologue.splitlines()) + line
    marker = (ox.NamedNode(AG + "kind"), ox.NamedNode(ID + "M"))
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    [node] = [q.subject for q in inputs.quads if (q.predicate, q.object) == marker]
    assert loc.locate(node, p, o) == (name, want), "validate"
    store, places = built(text)
    [node] = [q.subject for q in store if (q.predicate, q.object) == marker]
    assert places.line("data/x.ttl", node, p, o) == want, "the build"


def test_an_evidence_node_s_second_selector_is_placed_at_its_own_bracket(tmp_path):
    # Both selectors were placed after oa:hasSelector, on its line: a finding on the
    # position selector alone (a missing oa:end) named the quote's line.
    text = TEXT.split("\n\n")[0] + (
        "\n@prefix oa: <http://www.w3.org/ns/oa#> .\n\n"
        "ev:x oa:hasSelector [ a oa:TextQuoteSelector ;\n"
        '        oa:exact "Israel" ] ,\n'
        "    [ a oa:TextPositionSelector ; oa:start 983 ] .\n").replace(
        "ev:x", "<https://alliance-graph.example/id/evidence/x>")
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    lines = text.splitlines()
    start = ox.NamedNode("http://www.w3.org/ns/oa#start")
    [position] = [q.subject for q in inputs.quads if q.predicate == start]
    assert loc.node_line(name, position) == len(lines)
    assert loc.locate(position, None, None) == (name, len(lines))


# Several [ ... ] one predicate opens, some writing the same triples: each node by what it
# writes (a note of its own, or of its own [ ... ]) -> the lines of those nodes' "[".  Those
# alike were each on the first's line, and so were their findings.
ALIKE = [
    ('id:A ag:part [ ag:kind id:K ; ag:note "a" ] ,\n    [ ag:kind id:K ; ag:note "a" ] .',
     {("a",): [1, 2]}),
    ('id:A ag:part [ ag:kind id:K ; ag:note "a" ; ag:note "b" ] ,\n'
     '    [ ag:kind id:K ; ag:note "a" ] ,\n    [ ag:kind id:K ; ag:note "a" ] .',
     {("a", "b"): [1], ("a",): [2, 3]}),
    ('id:A ag:part [ ag:kind id:K ; ag:part [ ag:note "x" ] ] ,\n'
     '    [ ag:kind id:K ; ag:part [ ag:note "y" ] ] .',
     {("x",): [1], ("y",): [2]}),
    ('id:A ag:part [ ag:kind id:K ] ,\n    [ ag:kind id:K ] ,\n    [ ag:kind id:K ] .',
     {(): [1, 2, 3]}),
]


@pytest.mark.parametrize("snippet, want", ALIKE, ids=["two-alike", "a-superset-first",
                                                     "told-by-their-own", "three-alike"])
@pytest.mark.parametrize("order", [1, -1], ids=["asked-in-order", "asked-reversed"])
def test_brackets_writing_the_same_are_each_placed_on_their_own(tmp_path, snippet, want, order):
    prologue = TEXT.split("\n\n")[0] + "\n"
    text = prologue + snippet + "\n"
    kind, note = (ox.NamedNode(AG + "kind"), ox.NamedNode(ID + "K")), ox.NamedNode(AG + "note")
    offset = len(prologue.splitlines())

    def placed(quads, node_line) -> dict:
        notes = {}
        for q in quads:
            if q.predicate == note:
                notes.setdefault(q.subject, []).append(q.object.value)
        part = [(q.subject, q.object) for q in quads if q.predicate.value == AG + "part"]
        nodes = sorted((q.subject for q in quads if (q.predicate, q.object) == kind),
                       key=lambda n: n.value)[::order]
        lines = {}
        for node in nodes:  # each by its notes, or its own [ ... ]'s
            told = notes.get(node) or [v for s, o in part if s == node for v in notes.get(o, [])]
            lines.setdefault(tuple(sorted(told)), []).append(node_line(node) - offset)
        return {told: sorted(found) for told, found in lines.items()}

    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    assert placed(inputs.quads, lambda n: loc.node_line(name, n)) == want, "validate"
    store, places = built(text)
    assert placed(list(store), lambda n: places.node_line("data/x.ttl", n)) == want, "the build"
    # A finding on a triple of each is on its own [ ... ]'s line too.
    lines = sorted(places.line("data/x.ttl", q.subject, q.predicate, q.object) - offset
                   for q in store if (q.predicate, q.object) == kind)
    assert lines == sorted(line for found in want.values() for line in found)


def test_thousands_of_brackets_one_predicate_opens_are_each_placed_on_their_line(tmp_path):
    # Each found by lookups of what it writes: compared with every other, 4,000 took 10 s.
    import time
    n = 5000
    text = TEXT.split("\n\n")[0] + "\n\nid:A ag:part " + " ,\n    ".join(
        f'[ ag:kind id:K ; ag:note "n{i}" ]' for i in range(n)) + " .\n"
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    note = ox.NamedNode(AG + "note")
    nodes = {q.object.value: q.subject for q in inputs.quads if q.predicate == note}
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    lines = [loc.locate(nodes[f"n{i}"], note, ox.Literal(f"n{i}"))[1] for i in range(n)]
    assert time.thread_time() - start < 5
    assert lines == list(range(6, 6 + n))


def _lit(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(XSD + (datatype or "string")))


# Two literals of one value and property, of other datatypes or languages: each was the
# first's (line 1).
TYPED = [
    ('id:A ag:acronym "BF" ;\n    ag:acronym "BF"^^xsd:token .', _lit("BF", "token"), 2),
    ('id:A ag:acronym "BF"^^xsd:token ;\n    ag:acronym "BF" .', _lit("BF"), 2),
    ('id:A ag:note "x" ;\n    ag:note "x"@EN .', _lit("x", language="en"), 2),
    ('id:A ag:n "1" ;\n    ag:n "1" ^^ <http://www.w3.org/2001/XMLSchema#integer> .',
     _lit("1", "integer"), 2),
    ('id:A ag:n "1" ;\n    ag:n 1 .', _lit("1", "integer"), 2),
    ('id:A ag:n "3.8" ;\n    ag:n 3.8 .', _lit("3.8", "decimal"), 2),
    ('id:A ag:n "1"^^xsd:integer ;\n    ag:n "1" .', _lit("1"), 2),
]


@pytest.mark.parametrize("snippet, value, line", TYPED)
def test_a_literal_is_on_the_line_writing_it_with_its_datatype(tmp_path, snippet, value, line):
    prologue = TEXT.split("\n\n")[0] + "\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    text = prologue + snippet  # no final line end
    s = ox.NamedNode(ID + "A")
    p = ox.NamedNode(AG + snippet.split()[1].removeprefix("ag:"))
    assert_on_line(tmp_path, text, (s, p, value), len(prologue.splitlines()) + line)


# A blank node's label where its statement opens, whatever the line holds before it: each was
# found at a line's start, so the first below was on line 2 (in the string) and the second on
# none.
LABELLED = [
    ('id:A ag:note """\n_:b ag:kind id:M\n""" .\n_:b ag:kind id:M .', 4),
    ('id:A ag:note "x" . _:b ag:kind id:M .', 1),
    ('# _:b ag:kind id:M\n_:b ag:kind id:M .', 2),
    ("id:A ag:part _:b .\n\n\t_:b ag:kind id:M .", 3),
]


@pytest.mark.parametrize("snippet, line", LABELLED)
def test_a_labelled_blank_node_is_on_its_first_statement(tmp_path, snippet, line):
    prologue = TEXT.split("\n\n")[0] + "\n"
    loc, inputs = locator(tmp_path, prologue + snippet + "\n")
    [name] = inputs.proposals
    [node] = [q.subject for q in inputs.quads if q.object == ox.NamedNode(ID + "M")]
    assert loc.locate(node, None, None) == (name, len(prologue.splitlines()) + line)


# A number or boolean as a store gives it back ("+7" as "7", 1e3 as "1000"; rdflib's own
# forms "1000.0"): below its subject's first line, each finding on it was on that line.
CANONICAL = [
    ('id:A ag:n 1 ;\n    ag:n +7 .', _lit("7", "integer")),
    ('id:A ag:n 1 ;\n    ag:n 1e3 .', _lit("1000", "double")),
    ('id:A ag:n 1 ;\n    ag:n 1e3 .', _lit("1000.0", "double")),
    ('id:A ag:n 1 ;\n    ag:n 1.E-3 .', _lit("0.001", "double")),
    ('id:A ag:n 1 ;\n    ag:n .5 .', _lit("0.5", "decimal")),
    ('id:A ag:n 1 ;\n    ag:n -0.0 .', _lit("0", "decimal")),
    ('id:A ag:n 1 ;\n    ag:n "0007"^^xsd:integer .', _lit("7", "integer")),
    ('id:A ag:n 1 ;\n    ag:n "1"^^xsd:boolean .', _lit("true", "boolean")),
]


@pytest.mark.parametrize("snippet, value", CANONICAL)
def test_a_number_is_on_its_line_in_the_form_a_store_gives_it(tmp_path, snippet, value):
    prologue = TEXT.split("\n\n")[0] + "\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    text = prologue + snippet
    s, p = ox.NamedNode(ID + "A"), ox.NamedNode(AG + "n")
    want = len(prologue.splitlines()) + 2
    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    assert loc.locate(s, p, value) == (name, want), "validate (its checks' store, its shapes)"
    _, places = built(text)
    assert places.line("data/x.ttl", s, p, value) == want


def test_a_name_written_again_and_again_is_read_into_one_key():
    # Each writing of a name made its key anew (a 14.6 MB file's: ~250 MB, 4 s to read); one
    # key a name while the prefixes stay, another once one is declared anew.
    from alliance_graph.build.statements import statement_lines
    text = TEXT.split("\n\n")[0] + "\n" + "".join(f'id:A ag:note "{i}" .\n' for i in range(3)) \
        + "@prefix id: <https://other.example/> .\nid:A ag:note \"3\" .\n"
    keys = [k for k in statement_lines(text).objects if len(k[2]) == 2]
    assert [k[0][1] for k in keys] == [ID + "A"] * 3 + ["https://other.example/A"]
    assert keys[0][0] is keys[1][0] is keys[2][0] and keys[0][1] is keys[2][1]


# Several [ ... ] one predicate opens, told apart only three levels down, by a literal's
# language or datatype, by a number not written as the store gives it back, or by the
# _:label they point at -> the line of each top [ ... ] (from the first statement's), by the
# values its subtree writes.  Each was placed at the first [ of those alike by one level's
# lookups, or the other, as the findings were asked for: both on one line, or swapped.
TOLD_APART = [
    ('id:A ag:part [ ag:part [ ag:part [ ag:note "x" ] ] ] ,\n'
     '    [ ag:part [ ag:part [ ag:note "y" ] ] ] .', {("x",): 1, ("y",): 2}),
    ('id:A ag:part [ ag:note "a" ] ,\n    [ ag:note "a"@en ] .', {("a",): 1, ("a@en",): 2}),
    ('id:A ag:part [ ag:note "1"^^ag:code ] ,\n    [ ag:note "1" ] .',
     {("1^^code",): 1, ("1",): 2}),
    ('id:A ag:part [ ag:n 8 ] ,\n    [ ag:n +7 ] .', {("8^^integer",): 1, ("7^^integer",): 2}),
    ('id:A ag:part [ ag:p _:x ] ,\n    [ ag:p _:y ] .\n_:y ag:note "y" .\n_:x ag:note "x" .',
     {("x",): 1, ("y",): 2}),
]


@pytest.mark.parametrize("snippet, want", TOLD_APART, ids=["three-levels-down", "language",
                                                          "datatype", "number", "label"])
@pytest.mark.parametrize("order", [1, -1], ids=["asked-in-order", "asked-reversed"])
def test_brackets_told_apart_below_or_by_their_literals_form_are_each_on_their_own(
        tmp_path, snippet, want, order):
    from alliance_graph.build.loading import blank_scope, parse_turtle
    prologue = TEXT.split("\n\n")[0] + "\n"
    text = prologue + snippet + "\n"
    offset = len(prologue.splitlines())
    top = (ox.NamedNode(ID + "A"), ox.NamedNode(AG + "part"))

    def told(quads, node) -> tuple:  # the values written below the node, with their forms
        below, seen = [node], []
        while below:
            n = below.pop()
            for q in quads:
                if q.subject == n and isinstance(q.object, ox.BlankNode):
                    below.append(q.object)
                elif q.subject == n and isinstance(q.object, ox.Literal):
                    o = q.object
                    form = "@" + o.language if o.language else \
                        "" if o.datatype.value == XSD + "string" else \
                        "^^" + o.datatype.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                    seen.append(o.value.lstrip("+") + form)  # validate's parse keeps "+7"
        return tuple(sorted(seen))

    def placed(quads, node_line) -> dict:
        nodes = sorted((q.object for q in quads if (q.subject, q.predicate) == top),
                       key=lambda n: n.value)[::order]
        return {told(quads, n): node_line(n) - offset for n in nodes}

    loc, inputs = locator(tmp_path, text)
    [name] = inputs.proposals
    assert placed(inputs.quads, lambda n: loc.node_line(name, n)) == want, "validate"
    # The build's, its blank nodes named as a build names them (their labels kept).
    scoped = blank_scope("data/x.ttl")
    quads = [ox.Quad(scoped(q.subject), q.predicate, scoped(q.object), q.graph_name)
             for q in parse_turtle(text, "data/x.ttl")]
    store = ox.Store()
    store.extend(quads)
    places = Places(store, LineIndex({"data/x.ttl": text}))
    assert placed(quads, lambda n: places.node_line("data/x.ttl", n)) == want, "the build"


@pytest.mark.parametrize("bracket", [
    '[ ag:kind id:K ; ag:note "a" ]', '[ ag:part [ ag:part [ ag:note "n{i}" ] ] ]',
    '[ ag:kind id:K ; ag:n +{i} ]'], ids=["alike", "told-three-levels-down", "signed-numbers"])
def test_ten_thousand_brackets_are_each_placed_on_their_own_line_in_linear_time(bracket):
    # Each node's choice was made anew, against every [ ... ] alike (4,000 took 10 s, 10,000
    # about a minute), and so against every [ ... ] where no lookup told them apart: one
    # told three levels down (2,000: 11 s), a number written otherwise than the store gives
    # it back (2,000: 6 s).
    import time
    n = 10_000
    text = TEXT.split("\n\n")[0] + "\n\nid:A ag:part " + " ,\n    ".join(
        bracket.format(i=i) for i in range(n)) + " .\n"
    store, places = built(text)
    start = time.thread_time()  # CPU time: wall time counts the machine's load
    lines = [places.node_line("data/x.ttl", q.object) for q in store.quads_for_pattern(
        ox.NamedNode(ID + "A"), ox.NamedNode(AG + "part"), None, None)]
    assert time.thread_time() - start < 5
    assert sorted(lines) == list(range(6, 6 + n))
