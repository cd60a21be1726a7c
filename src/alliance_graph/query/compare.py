"""Compare a query's answer with its reviewed answer, for the catalogue (``catalogue.py``).

SPARQL JSON documents compare as multisets of rows, or as sequences when the query orders its
answers; literals compare by value where the datatype is numeric (so another store writing
``3.8E9`` for ``3800000000`` still agrees), and plain strings with or without ``xsd:string``.
Graphs compare by isomorphism.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation

import rdflib
from rdflib.compare import isomorphic

from ..namespaces import PREFIX_IRIS

XSD = PREFIX_IRIS["xsd"]
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int",
                              "nonNegativeInteger", "positiveInteger")}


def _is_term(term) -> bool:
    return (isinstance(term, dict) and isinstance(term.get("type"), str)
            and isinstance(term.get("value"), str)
            and all(isinstance(term.get(k, ""), str) for k in ("datatype", "xml:lang")))


def not_results(document) -> str | None:
    """Return what keeps ``document`` from being a SPARQL JSON results document, or None."""
    if not isinstance(document, dict):
        return "not a JSON object"
    if "boolean" in document:
        return None if isinstance(document["boolean"], bool) else '"boolean" is not a boolean'
    head, results = document.get("head"), document.get("results")
    if not isinstance(head, dict) or not isinstance(head.get("vars", []), list) \
            or not all(isinstance(v, str) for v in head.get("vars", [])):
        return 'no "head" object with a "vars" list of names'
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        return 'no "results" object with a "bindings" list'
    for i, row in enumerate(results["bindings"]):
        if not isinstance(row, dict) or not all(_is_term(t) for t in row.values()):
            return f"binding {i + 1} is not an object of terms with a type and a value"
    return None


def _form(value) -> str:
    if isinstance(value, rdflib.Graph):
        return "CONSTRUCT"
    return "ASK" if "boolean" in value else "SELECT"


def _term(binding: dict | None):
    """Return a SPARQL JSON term as a hashable key that ignores meaningless differences."""
    if binding is None:
        return None
    kind = "literal" if binding["type"] == "typed-literal" else binding["type"]
    datatype = binding.get("datatype")
    value = binding["value"]
    if datatype == XSD + "string":
        datatype = None
    if datatype in _NUMERIC:
        try:
            value, datatype = format(Decimal(value).normalize(), "f"), "number"
        except InvalidOperation:
            pass
    return kind, value, datatype, binding.get("xml:lang", "").lower() or None


def solutions(document: dict) -> list[tuple]:
    """Return a SPARQL JSON SELECT document's rows as comparable tuples (variables sorted)."""
    names = sorted(document["head"].get("vars", []))
    return [tuple((n, _term(row.get(n))) for n in names)
            for row in document["results"]["bindings"]]


def differences(actual, expected, *, ordered: bool) -> list[str]:
    """Return what differs between an actual and an expected result (empty when they agree)."""
    if _form(actual) != _form(expected):  # the query changed form: nothing else compares
        return [f"expected {_form(expected)} results, got {_form(actual)} results"]
    if isinstance(expected, rdflib.Graph):
        if isomorphic(actual, expected):
            return []
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        return ([f"missing triple {t}" for t in sorted(missing)][:20]
                + [f"unexpected triple {t}" for t in sorted(extra)][:20])
    if "boolean" in expected:
        return [] if actual.get("boolean") == expected["boolean"] else [
            f"expected {expected['boolean']}, got {actual.get('boolean')}"]
    if sorted(actual["head"]["vars"]) != sorted(expected["head"]["vars"]):
        return [f"variables differ: expected {expected['head']['vars']}, "
                f"got {actual['head']['vars']}"]
    got, want = solutions(actual), solutions(expected)
    if ordered:
        if got == want:
            return []
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                return [f"row {i} differs: expected {dict(w)}, got {dict(g)}"]
        return [f"expected {len(want)} rows, got {len(got)}"]
    missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
    return ([f"missing row {dict(r)}" for r in missing.elements()][:20]
            + [f"unexpected row {dict(r)}" for r in extra.elements()][:20])
