"""Read a remote store's answers into pyoxigraph results, in the standard's terms.

Stores stray from the SPARQL results formats in known ways, and Virtuoso most: it writes blank
nodes as ``nodeID://b10000`` (no blank node label), literals with the 2005 draft's
``typed-literal`` and ``lang`` keys, an ASK answer as a one-column table (``__ASK_RETVAL``),
booleans as ``1``/``0``, and durations as a bare number of months (year-month durations) or
seconds (day-time durations), because it stores them as SQL numbers, doubles and floats as
C's ``%g`` (``1.0``, ``1.5e+10``), a decimal rounded to zero from below as ``-0``, and a
time's seconds with zeros after their last digit (``10:00:00.500Z``).  Each is
rewritten here into the standard form of the same value, so an answer from a remote store
reads like one from the local store; for booleans and durations that is the canonical lexical
form, for numbers Oxigraph's.
"""

from __future__ import annotations

import json
import math
import re
import struct
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..namespaces import PREFIX_IRIS

XSD = PREFIX_IRIS["xsd"]
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_MARKS = (b'"bnode"', b'"typed-literal"', b'"lang"', b'"__ASK_RETVAL"')


class MalformedAnswer(ValueError):
    """A store's answer could not be read as the format it claimed."""


def from_virtuoso(headers, data: bytes) -> bool | None:
    """Return whether an answer is Virtuoso's (None: nothing in it tells): its ``Server``
    header says so, or, behind a proxy writing its own (nginx's default), the headers Virtuoso
    alone sends (``X-SPARQL-default-graph``, ``X-SQL-State``), or its JSON results' head, as it
    writes it; an N-Triples answer through a proxy that keeps none of them tells nothing.  Told
    by the ``Server`` header alone, a Virtuoso behind nginx was read as any store: its GROUP_
    CONCAT without a separator failed, its graph answers cut at its row limit passed as whole."""
    if headers.get("Server", "").startswith("Virtuoso") or any(
            name.lower().startswith(("x-sparql-", "x-sql-")) for name in headers.keys()):
        return True
    start = data[:80].lstrip()
    return start.startswith(_VIRTUOSO_HEAD) if start.startswith(b"{") else None


_VIRTUOSO_HEAD = b'{ "head": { "link": [], "vars": ['


def parse(media_type: str | None, data: bytes, virtuoso: bool):
    """Return a store's answer as pyoxigraph solutions, a boolean, or a list of triples
    (``media_type`` None: the answer named none).  Asked for SPARQL JSON or N-Triples, a store
    may answer in another format that keeps every term (a proxy's or an older store's choice:
    SPARQL XML, JSON as ``application/json``, Turtle, RDF/XML), read as that; CSV, which
    drops the terms' kinds and datatypes, is not an answer to read."""
    if media_type is None:
        raise MalformedAnswer("no media type (no Content-Type header)")
    try:
        if media_type in _RESULTS:
            fmt = _RESULTS[media_type]
            if fmt == ox.QueryResultsFormat.JSON:
                data = _standard_json(data, virtuoso)
            # pyoxigraph reads rows lazily: read them all once here, so a broken document
            # fails now as the store's fault, not later in whoever iterates the rows.  An
            # ill-formed number ("x"^^xsd:integer) is an answer, given as the store wrote
            # it, as the local store gives it: the project's own readers of a count read
            # it through store/numbers.py, which refuses one that is none.  The solutions
            # read are named by no local: the failure's traceback keeps this frame's locals,
            # and pyoxigraph's solutions, freed in a cycle with it by whichever thread
            # collects (a server's other request), raised "unsendable ... dropped on
            # another thread" there.
            if isinstance(ox.parse_query_results(data, format=fmt), ox.QuerySolutions):
                for _ in ox.parse_query_results(data, format=fmt):
                    pass
            return ox.parse_query_results(data, format=fmt)
        if media_type in _GRAPHS:
            triples = ox.parse(data, format=_GRAPHS[media_type])
            if not virtuoso:
                return list(triples)
            return [ox.Triple(t.subject, t.predicate, _literal(t.object))
                    if isinstance(t.object, ox.Literal) else t for t in triples]
    except (SyntaxError, ValueError) as exc:
        raise MalformedAnswer(f"a malformed {media_type} document: {exc}") from None
    if media_type in _PAGES:  # a web server's page, a store's own home page: not its SPARQL
        raise MalformedAnswer(f"an unexpected media type, {media_type}, a web page: is the URL "
                              "the store's SPARQL endpoint? An Oxigraph server's ends in "
                              "/query, a Virtuoso's in /sparql")
    raise MalformedAnswer(f"an unexpected media type, {media_type}")


_RESULTS = {JSON: ox.QueryResultsFormat.JSON, "application/json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML}
_GRAPHS = {NTRIPLES: ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
           "text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
_PAGES = frozenset(("text/html", "application/xhtml+xml"))


def _standard_json(data: bytes, virtuoso: bool) -> bytes:
    if not any(mark in data for mark in _MARKS) and not virtuoso:
        return data
    document = json.loads(data)
    # Read below as a results document: anything else (a list, a string) is malformed here,
    # not an AttributeError further on.
    if not isinstance(document, dict) or not isinstance(document.get("head", {}), dict) \
            or not isinstance(document.get("results", {}), dict) \
            or not isinstance(document.get("results", {}).get("bindings", []), list) \
            or not all(isinstance(r, dict) and all(isinstance(t, dict) for t in r.values())
                       for r in document.get("results", {}).get("bindings", [])):
        raise ValueError("not a SPARQL results document")
    rows = document.get("results", {}).get("bindings", [])
    if document.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        answer = any(r.get("__ASK_RETVAL", {}).get("value") not in (None, "0") for r in rows)
        return json.dumps({"head": {}, "boolean": answer}).encode()
    for row in rows:
        for term in row.values():
            kind = term.get("type")
            if kind == "typed-literal":
                term["type"] = kind = "literal"
            if "lang" in term:
                term["xml:lang"] = term.pop("lang")
            if kind == "bnode":
                term["value"] = _label(term.get("value", ""))
            elif kind == "literal" and virtuoso and "datatype" in term:
                term["value"] = _lexical(term["value"], term["datatype"])
    return json.dumps(document).encode()


def _label(label: str) -> str:
    # A label that is none in N-Triples ("nodeID://b10000", "b.") is written in hex after an
    # "x"; so is every label starting with "x", so that no two labels become one (a store's
    # "x622e" and "b." were one blank node, two rows' different nodes joined).
    if _LABEL.fullmatch(label) and not label.startswith("x"):
        return label
    return "x" + label.encode().hex()


def _literal(term: ox.Literal) -> ox.Literal:
    value = _lexical(term.value, term.datatype.value)
    return term if value == term.value else ox.Literal(value, datatype=term.datatype)


def _lexical(value: str, datatype: str) -> str:
    # Virtuoso's lexical forms for the values it keeps as SQL numbers, read back.
    if datatype == XSD + "boolean":
        return {"1": "true", "0": "false"}.get(value, value)
    if datatype == XSD + "duration":
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value  # already a duration's own lexical form
        return _months(int(number)) if re.fullmatch(r"-?\d+", value) else _seconds(number)
    if datatype in (XSD + "double", XSD + "float"):
        return _shortest(value, datatype == XSD + "float")
    if datatype in (XSD + "dateTime", XSD + "time"):
        # Its seconds' fraction to the microsecond, zeros and all ("10:00:00.500Z"), where
        # Oxigraph writes none past the last digit ("10:00:00.5Z").
        return _FRACTION_ZEROS.sub(lambda m: f".{m[1]}" if m[1] else "", value)
    if datatype == XSD + "decimal" and re.fullmatch(r"-0*(\.0*)?", value):
        # CEIL(-0.5), ROUND(-0.4): a decimal has no negative zero, and Oxigraph writes 0.
        return "0"
    return value


_FRACTION_ZEROS = re.compile(r"\.(\d*?)0+(?=(?:Z|[+-]\d\d:\d\d)?$)")


def _shortest(value: str, single: bool) -> str:
    """Return a double's (``single``: a float's) value as Oxigraph writes it: the fewest digits
    that read back as the same number, never an exponent ("1000", "0.0000001", "-0").
    Virtuoso writes C's ``%g``, and a ".0" after a whole number: 1e0 came back "1.0",
    1.5e10 "1.5e+10" and 1e-7 "1e-07", where every other store answered "1", "15000000000"
    and "0.0000001"; its six significant digits are all it sends of any double, so a value
    needing more is still its rounding ("1.23457"), said in docs/remote-stores.md."""
    try:
        number = float(value)
    except ValueError:
        return value
    if math.isnan(number) or math.isinf(number):
        return "NaN" if math.isnan(number) else "INF" if number > 0 else "-INF"

    def narrowed(x: float) -> float:
        return struct.unpack("f", struct.pack("f", x))[0] if single else x

    try:
        number = narrowed(number)
        digits = next(f"{number:.{p}g}" for p in range(1, 18)
                      if narrowed(float(f"{number:.{p}g}")) == number)
    except (OverflowError, StopIteration):  # a float past a float's range: as it came
        return value
    text = format(Decimal(digits), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_DURATION = re.compile(r"(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?|\.\d+)S)?)?")


def duration_value(lexical: str) -> tuple[int, Decimal] | None:
    """Return a duration's value as (months, seconds), the same for every form of it ("P1Y"
    and "P12M", "PT36H" and "P1DT12H"), or None for a form that is none."""
    form = _DURATION.fullmatch(lexical)
    if form is None or lexical.endswith(("P", "T")):
        return None
    sign = -1 if form[1] else 1
    years, months, days, hours, minutes = (int(n or 0) for n in form.group(2, 3, 4, 5, 6))
    seconds = ((days * 24 + hours) * 60 + minutes) * 60 + Decimal(form[7] or 0)
    return sign * (years * 12 + months), sign * seconds


def _months(months: int) -> str:
    sign, months = ("-" if months < 0 else ""), abs(months)
    years, months = divmod(months, 12)
    parts = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
    return f"{sign}P{parts}"


def _seconds(seconds: Decimal) -> str:
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    day = f"{int(days)}D" if days else ""
    time = "".join(f"{int(n)}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    time += f"{format(rest.normalize(), 'f')}S" if rest else ""
    if not day and not time:
        return "PT0S"
    return f"{sign}P{day}" + (f"T{time}" if time else "")
