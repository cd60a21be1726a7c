"""Leave out a check's finding that a shape's finding on the same node says too.

The build runs only the checks (``build/violations/*``); ``validate`` runs the shapes as well,
and some of each say one thing twice: a claim without ``ag:rank`` was "claim has no ag:rank"
and "A claim needs exactly one ag:rank: ...", a misspelt ``ev:`` name "cited node is not
described as ag:Evidence" beside the claim's "needs at least one prov:wasDerivedFrom link to an
ag:Evidence node", a misspelt ``src:`` name three findings, a participant that is no actor
"not typed as its range ag:Actor" beside "must point at an ag:Actor".  The shape's finding is
kept: it names the property, the value and what the value must be, on the line to change.
Where a claim writes a wrong rank, subject or predicate, the check's words are the ones
saying what to write (``ag:rank ag:Normal``: "none of the three ranks: write ..."; a subject
written as a literal: "a claim's rdf:subject is an entity of the graph, an IRI in id:"), and
the shape's finding on the same triple, "A claim needs exactly one ag:rank", is left out.
A finding is left out only where one at least as severe says the same of the same node, so a
proposal conforms exactly when it did.  A claim's unknown property was also
said twice by one check (as a claim's property and as the property of the plain triple the
claim derives): the claim's is kept.  A misspelt name of a node (``rdf:object id:Mediteranean``)
is one finding on its line, the first, with the name meant: the node nothing describes had no
cited type, no cited label and was outside its property's range, three findings of one slip
each saying "did you mean id:Mediterranean?".  A value no bound compares with (a string where
a number belongs) is told so by its datatype's finding alone, not also by each bound.
"""

from __future__ import annotations

from rdflib.namespace import XSD

from ..build.checks import missing
from ..build.spelling import NOT_IN_GRAPH
from ..namespaces import PROV
from .report import CHECK, SEVERITIES, Finding

_CITED = "cited node is not described as ag:Evidence"
# Checks about a value that a shape's sh:class on the same triple says as well.
_OF_A_VALUE = {str(CHECK["value-outside-range-violation"]), str(CHECK["source-file-missing"])}
# Checks on a claim's own triple whose words say more than the shape's on that triple.
_SAID_BETTER = {str(CHECK[f"claim-{part}-violation"]) for part in ("rank", "subject", "predicate")}
_ABSENT = {str(CHECK["claim-incomplete-violation"]), str(CHECK["evidence-incomplete-violation"])}
_UNKNOWN = str(CHECK["unknown-term-violation"])
_CLAIMS_PROPERTY = "claim uses a property the ontology does not declare"
_PLAIN_PROPERTY = "data file uses a property the ontology does not declare"


def said_once(findings: list[Finding]) -> list[Finding]:
    """Return ``findings`` without the check findings another finding says already."""
    said: dict[tuple, int] = {}  # what a shape's finding says -> its most severe severity
    better: dict[tuple, int] = {}  # the triple a check says more of -> its severity
    claimed = set()  # (file, line, property) of an unknown property a claim gives
    for f in findings:
        if f.shape == _UNKNOWN and f.message.startswith(_CLAIMS_PROPERTY):
            claimed.add((f.file, f.line, f.focus))
        if f.shape in _SAID_BETTER:
            key = (f.file, f.focus, f.path, f.value)
            better[key] = min(better.get(key, len(SEVERITIES)), _rank(f))
        if f.shape.startswith(str(CHECK)):
            continue
        for key in _keys_of_shape(f):
            said[key] = min(said.get(key, len(SEVERITIES)), _rank(f))
    kept = []
    for f in findings:
        key = _key_of_check(f)
        if key is not None and said.get(key, len(SEVERITIES)) <= _rank(f):
            continue
        if not f.shape.startswith(str(CHECK)) and \
                better.get((f.file, f.focus, f.path, f.value), len(SEVERITIES)) <= _rank(f):
            continue
        if f.shape == _UNKNOWN and f.message.startswith(_PLAIN_PROPERTY) \
                and (f.file, f.line, f.focus) in claimed:
            continue
        kept.append(f)
    return _one_per_misspelling(_compared_once(kept))


# The components comparing a value with a bound (sh:minInclusive 0) or with another
# property's values (sh:lessThan oa:end), and the datatypes whose values compare with a
# number's or a date's.
_RANGES = {f"http://www.w3.org/ns/shacl#{c}ConstraintComponent" for c in (
    "MinInclusive", "MinExclusive", "MaxInclusive", "MaxExclusive", "LessThan",
    "LessThanOrEquals")}
_ORDERED = tuple(f"^^<{XSD}{t}>" for t in (
    "decimal", "integer", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "date", "dateTime",
    "gYear", "gYearMonth", "time", "duration"))


def _compared_once(findings: list[Finding]) -> list[Finding]:
    """Return ``findings`` without a bound's finding on a value that no bound compares with
    (``oa:start "2605"``, a string: "at least 0" beside its datatype's finding; of an amount
    "5 billion", a warning that it is ten trillion or more), where another finding as severe
    on the same triple says what the value must be."""
    other: dict[tuple, int] = {}  # (file, node, property, value) -> its most severe finding
    for f in findings:
        if f.component not in _RANGES and f.value is not None:
            key = (f.file, f.focus, f.path, f.value)
            other[key] = min(other.get(key, len(SEVERITIES)), _rank(f))
    return [f for f in findings if f.component not in _RANGES or f.value is None
            or f.value.endswith(_ORDERED)
            or other.get((f.file, f.focus, f.path, f.value), len(SEVERITIES)) > _rank(f)]


def _one_per_misspelling(findings: list[Finding]) -> list[Finding]:
    """Return ``findings`` with one finding per line naming a node nothing describes, with the
    node meant: the first, and only beside one as severe."""
    first: dict[tuple, int] = {}  # (file, line, misspelt node) -> the kept finding's severity
    kept = []
    for f in findings:
        names = [part.rsplit("<", 1)[-1].rstrip(">")
                 for part in f.message.split(NOT_IN_GRAPH)[:-1]]
        keys = [(f.file, f.line, name) for name in names]
        if keys and all(k in first and first[k] <= _rank(f) for k in keys):
            continue
        for k in keys:
            first[k] = min(first.get(k, len(SEVERITIES)), _rank(f))
        kept.append(f)
    return kept


def _rank(f: Finding) -> int:
    return SEVERITIES.index(f.severity)


def _keys_of_shape(f: Finding) -> list[tuple]:
    keys = [("property", f.file, f.focus, f.path)]
    if f.value is not None:
        keys += [("triple", f.file, f.focus, f.path, f.value), ("cited", f.file, f.path, f.value)]
    return keys


def _key_of_check(f: Finding) -> tuple | None:
    """Return what a shape's finding saying the same as check finding ``f`` is keyed by."""
    if f.shape in _OF_A_VALUE and f.path is not None and f.value is not None:
        return ("triple", f.file, f.focus, f.path, f.value)
    if f.shape not in _ABSENT:
        return None
    if f.message.startswith(_CITED):  # the node a claim cites, the claim's finding's value
        return ("cited", f.file, str(PROV.wasDerivedFrom), f.focus)
    path = missing(f.message)
    return None if path is None else ("property", f.file, f.focus, path)
