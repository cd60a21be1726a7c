"""The build refuses what validate refuses: every constraint of every sh:Violation shape, slipped
once in a data file of its own, is refused by `validate` and by the build's checks (what
`alliance-graph check` and every build run), on a line `validate` gives.

The build ran hand-written queries and validate the shapes, and they drifted: `oa:start "983"`
(a string where the shape takes an integer) built, and `check` passed it with exit 0, as it did
a second `oa:exact`, an `ag:credibility` outside its grades, a 3,000-character note and 40-odd
other slips of the shapes' constraints, of `oa:`, `prov:` and `dcterms:` properties as of `ag:`
ones.  The slips are made here from the shapes themselves (their path, targets and constraint
parameters), so a constraint added to ontology/shapes.ttl is slipped too, or this suite fails
saying which it cannot slip.  All slips are checked in one validate run and one build check,
each slip with names of its own (as the shape fixtures are, tests/test_shapes.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from alliance_graph.build import checks, shape_checks
from alliance_graph.build import pipeline as build
from alliance_graph.proposals import validation

ROOT = Path(__file__).resolve().parents[1]
BASE = Path(__file__).parent / "fixtures" / "shapes" / "base" / "base.ttl"
PROLOGUE = "".join(line for line in BASE.read_text(encoding="utf-8").splitlines(keepends=True)
                   if line.startswith("@prefix")) + \
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
AGSH = "https://alliance-graph.example/shapes/"
QUOTE = '"Iron Dome (Short-range rocket defense system, co-funded by the U.S.)"'
SLIP = "  # slip"

# What a node of each kind needs to conform, one fact a line: the slips change one of them, or
# add one.  An entity's facts are claims (the data model's), each its own block.
NODES = {
    "Claim": [("rdf:subject", "id:FxState"), ("rdf:predicate", "rdfs:label"),
              ("rdf:object", '"Slip {n}"'), ("ag:rank", "ag:DeprecatedRank"),
              ("prov:wasDerivedFrom", "ev:fx-base")],
    "Evidence": [("oa:hasSource", "src:000_06b6882714cf1880.txt"),
                 ("oa:hasSelector", "quote"), ("oa:hasSelector", "position")],
    "TextQuoteSelector": [("oa:exact", QUOTE)],
    "TextPositionSelector": [("oa:start", "1765"), ("oa:end", "1833")],
    "SourceDocument": [("ag:fileName", '"fx-slip-{n}.txt"'), ("dcterms:title", '"A title"'),
                       ("ag:sourceKind", "ag:NewsArticle"), ("ag:sha256", '"' + "0" * 64 + '"'),
                       ("ag:reliability", "grade:C"), ("ag:reliabilityRationale", '"Why."')],
}
ENTITY = [("rdfs:label", '"Slip {n}"')]
EXTRA = {"MonetaryAmount": [("ag:amountValue", "5"), ("ag:currency", '"USD"'),
                            ("ag:period", "ag:PerYear")],
         "Share": [("ag:percentValue", "16.3"), ("ag:shareOf", "id:FxState")],
         "MilitaryExercise": [("ag:participant", "id:FxState")],
         "DiplomaticRecognition": [("ag:recognizedState", "id:FxState")],
         "Proposition": [("ag:affirmedBy", "id:FxState")],
         "AttributedStatement": [("ag:speaker", "id:FxState")]}
# Two values of a property, for a slip giving a second one where one is allowed.
VALUES = {
    "amountValue": ("5", "6"), "currency": ('"USD"', '"EUR"'), "period": ("ag:PerYear", "ag:Total"),
    "fromYear": ('"2019"^^xsd:gYear', '"2018"^^xsd:gYear'),
    "toYear": ('"2020"^^xsd:gYear', '"2021"^^xsd:gYear'),
    "duration": ('"P10Y"^^xsd:duration', '"P5Y"^^xsd:duration'),
    "approximate": ("true", "false"), "upperBound": ("true", "false"),
    "lowerBound": ("true", "false"), "acting": ("true", "false"),
    "percentValue": ("16.3", "20"), "shareOf": ("id:FxState", "id:FxState2"),
    "foundingDate": ('"1948"^^xsd:gYear', '"1949"^^xsd:gYear'),
    "date": ('"1948"^^xsd:gYear', '"1949"^^xsd:gYear'),
    "validFrom": ('"2011"^^xsd:gYear', '"2012"^^xsd:gYear'),
    "validUntil": ('"2019"^^xsd:gYear', '"2020"^^xsd:gYear'),
    "asOf": ('"2020"^^xsd:gYear', '"2021"^^xsd:gYear'),
    "disagreementNote": ('"One."', '"Two."'), "rangeCategory": ("ag:ShortRange", "ag:LongRange"),
    "stance": ("ag:SupportiveStance", "ag:OpposingStance"),
    "credibility": ("grade:1", "grade:2"), "reliability": ("grade:C", "grade:B"),
    "sourceKind": ("ag:NewsArticle", "ag:BlogArticle"), "rank": ("ag:DeprecatedRank", "ag:NormalRank"),
    "hasSource": ("src:000_06b6882714cf1880.txt", "src:fx-slip-other.txt"),
    "subject": ("id:FxState", "id:FxState2"), "predicate": ("rdfs:label", "ag:acronym"),
    "object": ('"Slip {n}"', '"Slip {n} again"'), "exact": (QUOTE, '"Iron Dome"'),
    "prefix": ('"Cooperation: "', '"n: "'), "suffix": ('" (Short"', '" ("'),
    "start": ("1765", "1766"), "end": ("1833", "1834"),
    "fileName": ('"fx-slip-{n}.txt"', '"fx-slip-{n}-b.txt"'),
    "title": ('"A title"', '"Another title"'), "sha256": ('"' + "0" * 64 + '"', '"' + "1" * 64 + '"'),
    "reliabilityRationale": ('"Why."', '"Why not."'),
    "statedDate": ('"May 2020"', '"June 2020"'), "statedPublisher": ('"A"', '"B"'),
}
# A node of no class the shapes name as a value's (an ag:Conference in base.ttl).
NO_CLASS = "id:FxEvent"
# One parse: a list's blank nodes are named anew by each.
SHAPES = Graph().parse(ROOT / "ontology" / "shapes.ttl")


PREFIXES = dict(re.findall(r"^@prefix (\w+): <([^>]+)> \.$", PROLOGUE, re.M))


def _turtle(term) -> str:
    """Return an IRI as the slips write it: with its prefix."""
    text = term.n3()
    for prefix, iri in PREFIXES.items():
        if text.startswith(f"<{iri}") and re.fullmatch(r"[\w.-]+", text[len(iri) + 1:-1]):
            return f"{prefix}:{text[len(iri) + 1:-1]}"
    return text


def _local(iri) -> str:
    return re.split(r"[/#]", str(iri))[-1]


def _bad(shapes: Graph, component: str, value) -> str:
    """Return a value breaking constraint ``component`` whose parameter is ``value``."""
    if component == "datatype":
        return "42" if _local(value) == "string" else '"983"'
    if component == "nodeKind":
        return '"text"' if _local(value) == "IRI" else "id:FxState"
    if component == "class":
        return NO_CLASS
    if component == "in":
        members = {_turtle(m) for m in Collection(shapes, value)}
        return "ag:NormalRank" if "ag:NormalRank" not in members else "grade:A"
    if component == "pattern":
        return '"a/b"'
    if component == "minLength":
        return '""'
    if component == "maxLength":
        return '"' + "x" * (int(value) + 1) + '"'
    if component == "node":  # the one node shape values point at: the free-text limit
        return '"' + "x" * 2001 + '"'
    if component == "or":
        kinds = {p for m in Collection(shapes, value) for p in shapes.predicates(m)}
        return NO_CLASS if SH["class"] in kinds else '"983"'
    bound = int(value)
    return str({"minInclusive": bound - 1, "minExclusive": bound, "maxInclusive": bound + 1,
                "maxExclusive": bound}[component])


def _facts(kind: str, cls: str) -> list[tuple[str, str]]:
    return list(NODES[kind]) if kind in NODES else ENTITY + EXTRA.get(cls, [])


def _slipped(shapes: Graph, shape, component: str, value, kind: str, cls: str):
    """Return the facts of a node of ``kind`` with the slip, each (property, value, slipped)."""
    path = shapes.value(shape, SH.path)
    if (path, SH.alternativePath, None) in shapes:
        path = next(iter(Collection(shapes, shapes.value(path, SH.alternativePath))))
    prop = _turtle(path)
    facts = [(p, v, False) for p, v in _facts(kind, cls)]
    own = [v for p, v, _ in facts if p == prop]
    if component == "minCount":
        return [f for f in facts if f[0] != prop]
    if component in ("qualifiedMinCount", "qualifiedMaxCount"):
        wanted = "quote" if "Quote" in str(shapes.value(shapes.value(
            shape, SH.qualifiedValueShape), SH["class"])) else "position"
        if component == "qualifiedMinCount":
            return [f for f in facts if f[1] != wanted]
        return facts + [(prop, wanted, True)]
    if component == "maxCount":
        good, alt = VALUES[_local(path)]
        return ([] if own else [(prop, good, False)]) + facts + [(prop, alt, True)]
    if component == "lessThan":
        return [(p, "1900" if p == prop else v, p == prop) for p, v, _ in facts]
    if component == "disjoint":
        return facts + [(_turtle(value), "id:FxState", False), (prop, "id:FxState", True)]
    bad = _bad(shapes, component, value)
    return [f for f in facts if f[0] != prop] + [(prop, bad, True)]


def _block(subject: str, facts, n: int) -> str:
    """Return a subject block, a fact a line, the slipped one's line marked."""
    lines = [f"{subject} a {facts[0][1]} ;"] if facts[0][0] == "a" else [subject]
    body = [(f"    {p} {v.format(n=n)}", slipped) for p, v, slipped in facts if p != "a"]
    for i, (text, slipped) in enumerate(body):
        lines.append(text + (" ." if i == len(body) - 1 else " ;") + (SLIP if slipped else ""))
    return "\n".join(lines) + "\n"


def _render(n: int, kind: str, cls: str, facts) -> str:
    selectors = {"quote": f"[ a oa:TextQuoteSelector ; oa:exact {QUOTE} ]",
                 "position": "[ a oa:TextPositionSelector ; oa:start 1765 ; oa:end 1833 ]"}
    if kind in ("TextQuoteSelector", "TextPositionSelector"):
        # A selector is a blank node of its evidence: its facts one a line inside the brackets.
        inner = [f"        {p} {v.format(n=n)}{' ;' if i < len(facts) - 1 else ''}"
                 f"{SLIP if slipped else ''}" for i, (p, v, slipped) in enumerate(facts)]
        selectors["quote" if kind == "TextQuoteSelector" else "position"] = \
            "\n".join([f"[ a oa:{kind} ;", *inner, "    ]"])
        kind, facts = "Evidence", [(p, v, False) for p, v in NODES["Evidence"]]
    if kind in NODES:
        node = {"Claim": "claim:FxSlip{n}", "Evidence": "ev:fx-slip-{n}",
                "SourceDocument": "src:fx-slip-{n}.txt"}[kind].format(n=n)
        facts = [(p, selectors.get(v, v), s) for p, v, s in facts]
        return _block(node, [("a", f"ag:{kind}", False), *facts], n)
    return "\n".join(_block(f"claim:FxSlip{n}-{i}", [
        ("a", "ag:Claim", False), ("rdf:subject", f"id:FxSlip{n}", False),
        ("rdf:predicate", p, False), ("rdf:object", v, slipped),
        ("ag:rank", "ag:NormalRank", False), ("prov:wasDerivedFrom", "ev:fx-base", False)], n)
        for i, (p, v, slipped) in enumerate([("rdf:type", f"ag:{cls}", False), *facts]))


def _kind(shapes: Graph, shape) -> tuple[str, str]:
    """Return the kind of node a shape is tried on, and its class: one of the classes its node
    shapes target (an entity's, the first by name, where it is shared by every entity's)."""
    owners = [shape] if (shape, SH.targetClass, None) in shapes else \
        list(shapes.subjects(SH.property, shape))
    classes = sorted(_local(c) for o in owners for c in shapes.objects(o, SH.targetClass))
    for cls in classes:
        if cls in NODES:
            return cls, cls
    return "entity", classes[0]


PARAMETERS = {"minCount", "maxCount", "datatype", "nodeKind", "class", "in", "pattern",
              "minLength", "maxLength", "node", "or", "minInclusive", "minExclusive",
              "maxInclusive", "maxExclusive", "lessThan", "disjoint", "qualifiedMinCount",
              "qualifiedMaxCount"}


# What a shape says besides its constraints, or says with another (sh:flags with sh:pattern,
# sh:qualifiedValueShape with its counts).
NOT_SLIPPED = {"path", "severity", "message", "name", "description", "targetClass", "property",
               "flags", "qualifiedValueShape", "deactivated", "order", "group"}


def test_every_parameter_of_the_shapes_is_slipped():
    # A constraint of a kind this suite does not slip would go untested: it fails here first.
    said = {_local(p) for s in SHAPES.subjects(SH.severity, SH.Violation)
            for p in SHAPES.predicates(s) if str(p).startswith(str(SH))}
    assert sorted(said - PARAMETERS - NOT_SLIPPED) == []


def constraints() -> list[tuple[str, str, object]]:
    """Return (shape, component, parameter) for each constraint of each sh:Violation shape."""
    shapes = SHAPES
    found = []
    for shape in sorted(set(shapes.subjects(SH.severity, SH.Violation)), key=str):
        if (shape, SH.targetClass, None) not in shapes and \
                (None, SH.property, shape) not in shapes:
            continue  # a shape values are held to (the free-text limit): its users' slips
        for p, o in shapes.predicate_objects(shape):
            name = _local(p)
            if str(p).startswith(str(SH)) and name in PARAMETERS:
                if name != "in" or (shape, RDF.type, SH.NodeShape) not in shapes:
                    found.append((shape, name, o))
                else:
                    found.append((shape, "member", o))
    return found


@pytest.fixture(scope="module")
def slips(tmp_path_factory, settings):
    """Write a file per constraint, validate them all and check them all as data."""
    shapes = SHAPES
    data = tmp_path_factory.mktemp("slips") / "data"
    data.mkdir()
    shutil.copy(BASE, data / BASE.name)
    written = {}
    for n, (shape, component, value) in enumerate(constraints()):
        kind, cls = _kind(shapes, shape)
        facts = [] if component == "member" else _slipped(shapes, shape, component, value,
                                                          kind, cls)
        if component == "member":  # a node of the closed list's class is the slip
            facts = [(p, v, False) for p, v in _facts(kind, cls)]
        name = f"slip-{n:03}-{_local(shape)}-{component}.ttl"
        text = PROLOGUE + "\n" + _render(n, kind, cls, facts)
        (data / name).write_text(text, encoding="utf-8")
        slipped = [i for i, line in enumerate(text.splitlines(), 1) if line.endswith(SLIP)]
        written[name] = (shape, component, slipped[0] if slipped else None)
    files = [data / name for name in written]
    report = validation.validate(settings.with_(data_dir=BASE.parent), files)
    parsed = build.asserted(settings.with_(data_dir=data))
    built = checks.problems(parsed.quads, parsed.texts, kinds=checks.BUILD)
    return written, report, built


def _ids():
    return [f"{_local(s)}-{c}" for s, c, _ in constraints()]


@pytest.mark.parametrize("index", range(len(_ids())), ids=_ids())
def test_validate_and_the_build_both_refuse_the_slip(slips, index):
    written, report, built = slips
    name = sorted(written)[index]
    refused = {f.line for f in report.findings
               if Path(f.file).name == name and f.severity == "Violation"}
    found = {p.line for p in built if Path(p.file).name == name}
    assert refused, f"{name}: validate passed it"
    assert found, f"{name}: the build passed what validate refuses (lines {sorted(refused)})"
    # On a line validate gives, or on the slip's own (a claim's second rdf:object is told on
    # its line by the build, on the claim's first by validate: docs/validation.md).
    assert found & (refused | {written[name][2]}), \
        f"{name}: the build's lines {sorted(found)}, validate's {sorted(refused)}"


def test_every_shape_is_compiled_for_the_build(settings):
    # A shape using a component shape_checks.py does not compile would be left to validate
    # alone, the gap this suite closes: none of the shipped shapes may.
    parsed = build.asserted(settings)
    assert shape_checks.unsupported(checks.store_of(parsed.quads)) == []


def test_check_refuses_a_string_offset_in_the_project_data(tmp_path):
    """The slip as met: `oa:start "983"` in data/aid.ttl built, and `check` said 0 violations
    with exit 0, while `validate` refused the file."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    aid = tmp_path / "data" / "aid.ttl"
    text = aid.read_text(encoding="utf-8")
    assert "oa:start 983 ;" in text
    aid.write_text(text.replace("oa:start 983 ;", 'oa:start "983" ;', 1), encoding="utf-8")
    line = text[:text.index("oa:start 983 ;")].count("\n") + 1
    command = [sys.executable, "-m", "alliance_graph", "--project", str(ROOT),
               "--data", str(tmp_path / "data"), "--cache", str(tmp_path / "cache")]
    checked = subprocess.run([*command, "check"], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert f"data/aid.ttl:{line}: oa:start is exactly one integer offset" in checked.stdout
    assert "[agsh:position-start]" in checked.stdout
    validated = subprocess.run([*command, "validate", str(aid)], capture_output=True, text=True,
                               timeout=300)
    assert validated.returncode == 1 and f"aid.ttl:{line}:" in validated.stdout, \
        validated.stdout + validated.stderr
