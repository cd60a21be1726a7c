"""The query catalogue: named SPARQL queries with their reviewed expected results.

Laid out as the W3C SPARQL test suites and Oxigraph's own tests are: ``queries/<name>.rq``
beside its expected answer ``<name>.srj`` (SPARQL JSON results, for SELECT and ASK) or
``<name>.ttl`` (for CONSTRUCT), all listed in ``queries/manifest.ttl`` with the ``mf:``/``qt:``
vocabulary.  A query file opens with ``# Title`` and a ``# what it answers`` comment; the
manifest's ``mf:name`` and ``rdfs:comment`` are taken from them by ``write_manifest``, so the
two cannot drift apart.

Results compare as multisets, or as sequences when the query has a top-level ``ORDER BY``;
literals compare by value where the datatype is numeric (so another store writing
``3.8E9`` for ``3800000000`` still agrees), and plain strings with or without ``xsd:string``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from ..namespaces import PREFIX_IRIS, bind_prefixes
from . import results as queries

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
XSD = PREFIX_IRIS["xsd"]
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int",
                              "nonNegativeInteger", "positiveInteger")}
MANIFEST = "manifest.ttl"


class CatalogueError(ValueError):
    """The catalogue is malformed: a query without a title, a manifest entry without a file."""


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: its name, title, comment, query file and expected-result file."""

    name: str
    title: str
    comment: str
    query: Path
    result: Path

    def text(self) -> str:
        """Return the query text."""
        return self.query.read_text(encoding="utf-8")

    def ordered(self) -> bool:
        """Return True when the query orders its results (then order is compared too)."""
        return has_order_by(self.text())


def has_order_by(sparql: str) -> bool:
    """Return True when ``sparql`` ends with an ORDER BY clause (outside comments and strings).

    Only the outermost query's ordering counts: an ORDER BY inside a subquery is followed by
    at least one closing brace, the outer one is not.
    """
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', sparql)
    code = re.sub(r"#[^\n]*", "", code)
    found = list(re.finditer(r"\bORDER\s+BY\b", code, re.IGNORECASE))
    return bool(found) and "}" not in code[found[-1].end():]


def header(path: Path) -> tuple[str, str]:
    """Return a query file's title (first line) and comment (the comment lines after it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# "):
        raise CatalogueError(f"{path.name}: the first line must be a '# Title' comment")
    comment = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    if not comment or not comment[0]:
        raise CatalogueError(f"{path.name}: the second line must say what the query answers")
    return lines[0][2:].strip(), " ".join(c for c in comment if c)


def query_files(queries_dir: Path) -> list[Path]:
    """Return the catalogue's .rq files, by name."""
    return sorted(queries_dir.glob("*.rq"))


def result_path(query: Path, kind: str) -> Path:
    """Return where a query's expected result lives: .ttl for graphs, .srj otherwise."""
    return query.with_suffix(".ttl" if kind == "graph" else ".srj")


def read_manifest(queries_dir: Path) -> list[Entry]:
    """Return the entries of ``queries/manifest.ttl``, by name (the order the manifest lists)."""
    path = queries_dir / MANIFEST
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    sparql = f"""
        PREFIX mf: <{MF}> PREFIX qt: <{QT}>
        SELECT ?entry ?name ?comment ?query ?result WHERE {{
          ?manifest mf:entries/rdf:rest*/rdf:first ?entry .
          ?entry mf:name ?name ; rdfs:comment ?comment ; mf:action ?action ; mf:result ?result .
          ?action qt:query ?query .
        }}"""
    entries = []
    for row in store.query(sparql, prefixes=PREFIX_IRIS):
        query = _local_path(row["query"].value)
        entries.append(Entry(query.stem, row["name"].value, row["comment"].value, query,
                             _local_path(row["result"].value)))
    return sorted(entries, key=lambda e: e.name)


def _local_path(iri: str) -> Path:
    if not iri.startswith("file://"):
        raise CatalogueError(f"manifest refers to a non-file IRI: {iri}")
    return Path(iri[len("file://"):])


def write_manifest(queries_dir: Path, kinds: dict[str, str]) -> Path:
    """Write ``manifest.ttl`` listing every .rq file; ``kinds`` maps a name to its result kind."""
    blocks, names = [], []
    for path in query_files(queries_dir):
        title, comment = header(path)
        result = result_path(path, kinds[path.stem]).name
        names.append(f":{path.stem}")
        blocks.append(
            f":{path.stem} rdf:type mf:QueryEvaluationTest ;\n"
            f"    mf:name {_string(title)} ;\n"
            f"    rdfs:comment {_string(comment)} ;\n"
            f"    mf:action [ qt:query <{path.name}> ] ;\n"
            f"    mf:result <{result}> .\n")
    text = (
        "# The alliance-graph query catalogue, in the W3C SPARQL test-suite manifest vocabulary.\n"
        "# Written by `alliance-graph catalogue --update` from the .rq headers; edit those.\n"
        "@prefix : <manifest#> .\n"
        f"@prefix rdf: <{PREFIX_IRIS['rdf']}> .\n"
        f"@prefix rdfs: <{PREFIX_IRIS['rdfs']}> .\n"
        f"@prefix mf: <{MF}> .\n"
        f"@prefix qt: <{QT}> .\n\n"
        "<> rdf:type mf:Manifest ;\n"
        '    rdfs:label "alliance-graph query catalogue" ;\n'
        "    mf:entries (\n" + "".join(f"        {n}\n" for n in names) + "    ) .\n\n"
        + "\n".join(blocks))
    path = queries_dir / MANIFEST
    path.write_text(text, encoding="utf-8")
    return path


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- results -----------------------------------------------------------------------------

def run(kg, entry_or_text) -> tuple[str, object]:
    """Run a catalogue query; return its kind ("select", "ask", "graph") and a comparable value.

    SELECT gives the SPARQL JSON results document, ASK the JSON document with its boolean,
    CONSTRUCT an rdflib graph.
    """
    text = entry_or_text.text() if isinstance(entry_or_text, Entry) else entry_or_text
    result = queries.run(kg, text)
    kind = queries.kind_of(result)
    if kind == "graph":
        return kind, queries.to_rdflib(result)
    return kind, json.loads(queries.serialize(result, "json"))


def read_expected(path: Path):
    """Return an expected result file as run() returns results: JSON document or rdflib graph."""
    if path.suffix == ".ttl":
        return bind_prefixes(rdflib.Graph()).parse(path, format="turtle")
    return json.loads(path.read_text(encoding="utf-8"))


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


def _sort_key(row: dict) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def write_expected(kg, path: Path) -> tuple[str, Path]:
    """Run the query in ``path`` and write its result beside it; return its kind and the file.

    SELECT results of unordered queries are written in a canonical row order, so that a
    regenerated file differs from the reviewed one only where the answer changed.
    """
    text = path.read_text(encoding="utf-8")
    kind, value = run(kg, text)
    out = result_path(path, kind)
    if kind == "graph":
        out.write_text(bind_prefixes(value).serialize(format="turtle"), encoding="utf-8")
    else:
        if kind == "select" and not has_order_by(text):
            value["results"]["bindings"].sort(key=_sort_key)
        out.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    stale = result_path(path, "select" if kind == "graph" else "graph")
    stale.unlink(missing_ok=True)
    return kind, out


def update(kg, queries_dir: Path) -> list[Path]:
    """Regenerate every expected result and the manifest; return the files written.

    The results are what the graph answers now: review the diff against the sources before
    committing it.
    """
    kinds, written = {}, []
    for path in query_files(queries_dir):
        header(path)  # fail before writing anything if a header is missing
    for path in query_files(queries_dir):
        kinds[path.stem], out = write_expected(kg, path)
        written.append(out)
    written.append(write_manifest(queries_dir, kinds))
    return written


def check(kg, queries_dir: Path) -> list[tuple[str, list[str]]]:
    """Return (entry name, differences from its reviewed answer) for every manifest entry."""
    return [(entry.name, differences(run(kg, entry)[1], read_expected(entry.result),
                                     ordered=entry.ordered()))
            for entry in read_manifest(queries_dir)]
