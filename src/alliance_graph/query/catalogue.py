"""The query catalogue: named SPARQL queries with their reviewed expected results.

Laid out as the W3C SPARQL test suites and Oxigraph's own tests are: ``queries/<name>.rq``
beside its expected answer ``<name>.srj`` (SPARQL JSON results, for SELECT and ASK) or
``<name>.ttl`` (for CONSTRUCT), all listed in ``queries/manifest.ttl`` with the ``mf:``/``qt:``
vocabulary.  A query file opens with ``# Title`` and a ``# what it answers`` comment; the
manifest's ``mf:name`` and ``rdfs:comment`` are taken from them by ``manifest_text``, so the
two cannot drift apart.

Every file the catalogue cannot use (missing, not UTF-8, not parsing, a query that fails)
is a CatalogueError whose one-line message names the file, and the line where one is known.

Results compare as multisets, or as sequences when the query has a top-level ``ORDER BY``
(``compare.py``).
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..atomic import PartlyReplaced, replace_all
from ..build.loading import syntax_problem
from ..namespaces import PREFIX_IRIS, bind_prefixes
from ..sparql import CLOSE, OPEN, tokenize
from ..store.errors import QueryError
from ..store.remote_messages import first_line as _one_line
from ..wording import Said
from . import catalogue_lock
from . import results as queries
from .catalogue_files import CatalogueError, read_text, regular
from .compare import differences, not_results

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
UPDATE = "alliance_graph.query.catalogue.update(kg, queries_dir)"  # writes the manifest
MANIFEST = "manifest.ttl"


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
        return read_text(self.query)

    def ordered(self) -> bool:
        """Return True when the query orders its results (then order is compared too)."""
        return has_order_by(self.text())


def has_order_by(sparql: str) -> bool:
    """Return True when the outermost query of ``sparql`` has an ORDER BY clause: read on its
    tokens, so not in a comment, a string or an IRI (a text pattern took "#" in ``<x#y>`` for
    a comment, and the ORDER BY after it went unseen), nor in a subquery's brackets."""
    tokens, depth = tokenize(sparql), 0
    for token, after in zip(tokens, tokens[1:]):
        depth += (token.kind in OPEN) - (token.kind in CLOSE)
        if depth == 0 and token.kind == "NAME" and (token.text + after.text).upper() == "ORDERBY":
            return True
    return False


def header(path: Path, text: str = "") -> tuple[str, str]:
    """Return a query file's title (first line) and comment (the lines after it), of ``text``."""
    lines = (text or read_text(path)).splitlines()
    if not lines or not lines[0].startswith("# "):
        raise CatalogueError(f"{path}:1: the first line must be a '# Title' comment")
    comment = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    if not comment or not comment[0]:
        raise CatalogueError(f"{path}:2: the second line must say what the query answers")
    return lines[0][2:].strip(), " ".join(c for c in comment if c)


def query_files(queries_dir: Path) -> list[Path]:
    """Return the catalogue's .rq files, by name."""
    return sorted(queries_dir.glob("*.rq"))


def result_path(query: Path, kind: str) -> Path:
    """Return where a query's expected result lives: .ttl for graphs, .srj otherwise."""
    return query.with_suffix(".ttl" if kind == "graph" else ".srj")


def read_manifest(queries_dir: Path) -> list[Entry]:
    """Return the entries of ``queries/manifest.ttl``, by name (the order the manifest lists).

    Raises CatalogueError when the folder or the manifest is missing or unreadable, and when
    the manifest lists no query: a catalogue that checks nothing must not pass as checked.
    """
    path = queries_dir / MANIFEST
    if not queries_dir.is_dir():
        raise CatalogueError(f"{queries_dir}: no query catalogue here (no such folder)")
    store = ox.Store()
    try:
        store.load(read_text(path), format=ox.RdfFormat.TURTLE,
                   base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        raise CatalogueError(_one_line(str(syntax_problem(exc, str(path))))) from None
    sparql = f"""
        PREFIX mf: <{MF}> PREFIX qt: <{QT}>
        SELECT ?entry ?name ?comment ?query ?result WHERE {{
          ?manifest mf:entries/rdf:rest*/rdf:first ?entry .
          ?entry mf:name ?name ; rdfs:comment ?comment ; mf:action ?action ; mf:result ?result .
          ?action qt:query ?query .
        }}"""
    entries = []
    for row in store.query(sparql, prefixes=PREFIX_IRIS):
        query = _local_path(path, row["query"].value)
        entries.append(Entry(query.stem, row["name"].value, row["comment"].value, query,
                             _local_path(path, row["result"].value)))
    if not entries:
        raise CatalogueError(Said(lambda n: f"{path}: lists no queries ({n(UPDATE)} writes it "
                                            "from the .rq files)"))
    return sorted(entries, key=lambda e: e.name)


def _local_path(manifest: Path, iri: str) -> Path:
    """Return the file a manifest's ``file:`` IRI names, its percent-escapes read back: the
    manifest is read with its folder's ``as_uri()`` as base, which writes a space ``%20``
    (and each byte not ASCII so), and the file of a catalogue in "My Documents" was looked
    for under "My%20Documents", not found."""
    if not iri.startswith("file://"):
        raise CatalogueError(f"{manifest}: refers to a non-file IRI: {iri}")
    return Path(os.fsdecode(urllib.parse.unquote_to_bytes(urllib.parse.urlsplit(iri).path)))


def manifest_text(queries_dir: Path, kinds: dict[str, str]) -> str:
    """Return ``manifest.ttl`` listing every .rq file; ``kinds`` maps a name to its result kind."""
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
    return (
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


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- results -----------------------------------------------------------------------------

def run(kg, entry_or_text, where: Path | None = None) -> tuple[str, object]:
    """Run a catalogue query; return its kind ("select", "ask", "graph") and a comparable value.

    SELECT gives the SPARQL JSON results document, ASK the JSON document with its boolean,
    CONSTRUCT an rdflib graph.  A query that does not parse or fails is a CatalogueError
    naming its file (the entry's, or ``where``) and the line the parser stopped at; so is an
    answer holding what the comparison cannot compare (RDF 1.2 terms: ``_uncompared``).
    """
    if isinstance(entry_or_text, Entry):
        text, where = entry_or_text.text(), entry_or_text.query
    else:
        text = entry_or_text
    try:
        result = queries.run(kg, text)
        kind = queries.kind_of(result)
        value, uncompared = _graph(result) if kind == "graph" else (
            json.loads(queries.serialize(result, "json")), "")
        # Dropped here, on this thread: a refusal below, kept in a reference cycle (a test's
        # pytest.raises), held it in its frame until the garbage collector ran, on whatever
        # thread ran it ("PyQueryTriples is unsendable, but is being dropped on another thread").
        result = None
    except QueryError as exc:
        message = _one_line(str(exc))  # the parser's list of what it expected said short
        if exc.position is None:
            raise CatalogueError(f"{where or 'query'}: the query failed: {message}") from None
        line, column = exc.position  # where in the text, as file:line:column
        message = re.sub(r"^error at \d+:\d+: ", "", message)
        raise CatalogueError(f"{where or 'query'}:{line}:{column}: the query does not parse: "
                             f"{message}") from None
    if kind == "select":
        uncompared = _uncompared(value)
    if uncompared:
        raise CatalogueError(f"{where or 'query'}: its answer cannot be kept as a reviewed "
                             f"{'graph' if kind == 'graph' else 'answer'}: {uncompared}")
    return kind, value


def _graph(result) -> tuple[object, str]:
    """Return a CONSTRUCT's answer as an rdflib graph and "", or None and why it cannot be
    one (RDF 1.2 terms, which rdflib has none for: ``results.to_rdflib``)."""
    try:
        return queries.to_rdflib(result), ""
    except ValueError as exc:
        return None, str(exc)


def _uncompared(document: dict) -> str:
    """Return what in a SELECT's SPARQL JSON answer the comparison of answers (``compare``)
    cannot compare, said for the user ("" if nothing): an RDF 1.2 triple term, whose value is
    an object (a reviewed answer holding one was written, then refused by every check as
    "not a SPARQL JSON results document"), or a literal's base direction, which it passed
    over (an answer turned from right-to-left to left-to-right agreed with its review)."""
    for number, row in enumerate(document["results"]["bindings"], 1):
        for name, term in row.items():
            if term.get("type") == "triple":
                what = "an RDF 1.2 triple term"
            elif "its:dir" in term:
                what = f"a literal with a base direction (--{term['its:dir']})"
            else:
                continue
            return (f"row {number} binds ?{name} to {what}, which the catalogue does not "
                    "compare: leave it out of the answer (STR() of a literal, SUBJECT(), "
                    "PREDICATE() and OBJECT() of a triple term)")
    return ""


def read_expected(path: Path):
    """Return an expected result file as run() returns results: JSON document or rdflib graph.

    A file that is missing, not UTF-8, not Turtle or not a SPARQL JSON results document is a
    CatalogueError naming it (and the line); comparing against it would only raise later.
    """
    text = read_text(path)
    if path.suffix == ".ttl":
        # Oxigraph's parser first, for its located message; rdflib's then builds the graph
        # compared with isomorphic(), as it always has.
        try:
            list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
        except SyntaxError as exc:
            raise CatalogueError(_one_line(str(syntax_problem(exc, str(path))))) from None
        try:
            return bind_prefixes(rdflib.Graph()).parse(data=text, format="turtle",
                                                       publicID=path.resolve().as_uri())
        except Exception as exc:  # Turtle that Oxigraph reads and rdflib does not
            raise CatalogueError(f"{path}: rdflib cannot read it: {_one_line(str(exc))}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    problem = not_results(document)
    if problem:
        raise CatalogueError(f"{path}: not a SPARQL JSON results document: {problem}")
    return document


def expected_text(kg, path: Path) -> tuple[str, str]:
    """Run the query in ``path``; return its kind and the text of its expected-result file.

    SELECT results of unordered queries are written in a canonical row order, so that a
    regenerated file differs from the reviewed one only where the answer changed.
    """
    text = read_text(path)
    kind, value = run(kg, text, where=path)
    if kind == "graph":
        return kind, bind_prefixes(value).serialize(format="turtle")
    if kind == "select" and not has_order_by(text):
        value["results"]["bindings"].sort(
            key=lambda row: json.dumps(row, sort_keys=True, ensure_ascii=False))
    return kind, json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def update(kg, queries_dir: Path, on_wait=None) -> list[Path]:
    """Regenerate every expected result and the manifest; return the files written: those
    whose text changed (each was written, and said written, whether or not it had).

    Every query is run before any file is written, so that one failing query (a CatalogueError
    naming it) leaves the reviewed answers and the manifest as they were; the files that
    changed are then replaced together (``atomic.replace_all``): a write that fails, a full
    disk, or a rename, leaves every one as it was (or says which are new, and which old).
    Another update writing the folder is waited for (``catalogue_lock``; ``on_wait`` is told).
    The results are what the graph answers now: review the diff against the sources.
    """
    if not queries_dir.is_dir():
        raise CatalogueError(f"{queries_dir}: no query catalogue here (no such folder)")
    paths = query_files(queries_dir)
    if not paths:
        raise CatalogueError(f"{queries_dir}: holds no .rq query files; a catalogue needs one")
    for path in paths:
        # The manifest writes :NAME and <NAME.rq> unescaped; manifest.rq's CONSTRUCT answer
        # would be written over the manifest itself.
        if path.stem == "manifest" or not re.fullmatch(r"\w(?:[\w.-]*[\w-])?", path.stem,
                                                        re.ASCII):
            raise CatalogueError(f"{path}: cannot be a catalogue name: use letters, digits, "
                                 "'_', '-' and '.', and not 'manifest'")
        header(path)
    answers = {path: expected_text(kg, path) for path in paths}
    texts = {result_path(path, kind): text for path, (kind, text) in answers.items()}
    texts[queries_dir / MANIFEST] = manifest_text(queries_dir, {p.stem: kind for p, (kind, _)
                                                                in answers.items()})
    # A query whose form changed: its old answer goes.
    others = [result_path(path, "select" if kind == "graph" else "graph")
              for path, (kind, _) in answers.items()]
    # Compared and replaced under the lock: two updates at once renamed their answers in
    # turn, one's manifest beside the other's answers (docs/catalogue.md).
    with catalogue_lock.writing(queries_dir, on_wait):
        return _replace(queries_dir, texts, others)


def _replace(queries_dir: Path, texts: dict[Path, str], others: list[Path]) -> list[Path]:
    """Replace the files of ``texts`` whose text differs, remove those of ``others``, all
    after every one is in; return them (``update``)."""
    # Each file to be replaced is looked at before any is: a named pipe there was waited on
    # for good, and a folder stopped the update once the answers before it were written.
    for out in texts:
        regular(out)
    changed = {out: text for out, text in texts.items() if _changed(out, text)}
    gone = [other for other in others if other.exists()]
    try:
        # All or none: written one by one, a write that failed part-way (a full disk) left
        # the answers before it rewritten and those after it, and the manifest, as they were.
        replace_all(changed)
    except PartlyReplaced as exc:  # a rename failed, and what it had replaced stayed so
        raise CatalogueError(exc.said()) from exc
    except OSError as exc:
        if exc.errno is None:
            raise
        raise CatalogueError(f"{exc.filename or queries_dir}: could not be written "
                             f"({exc.strerror}); no answer was changed, nor the manifest") from exc
    for other in gone:  # once the new answers are in: one left behind is listed nowhere
        other.unlink()
    return [out for out in texts if out in changed] + gone


def _changed(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except (OSError, UnicodeDecodeError):  # missing, or not text: written anew
        return True


def check(kg, queries_dir: Path, on_wait=None) -> list[tuple[str, list[str]]]:
    """Return (name, differences from its reviewed answer) for every manifest entry, and a
    problem for each .rq file it does not list.  Every reviewed answer is read before any query
    runs: a damaged file stops the check at once, naming it, not after minutes of queries.
    An update writing the folder is waited for (``catalogue_lock``; ``on_wait`` is told)."""
    # Read under the lock, shared: an update renames the answers one by one, and a check
    # reading between two renames compared the graph with answers of two updates.
    with catalogue_lock.reading(queries_dir, on_wait):
        entries = read_manifest(queries_dir)
        expected = {entry.name: read_expected(entry.result) for entry in entries}
    found = [(entry.name, differences(run(kg, entry)[1], expected[entry.name],
                                      ordered=entry.ordered())) for entry in entries]
    # A query beside the others but not in the manifest passed as checked, unrun (exit 0).
    listed = {entry.query.resolve() for entry in entries}
    return found + [(path.stem, [Said(lambda n, path=path: (
        f"{path.name} is not in {MANIFEST}, so no reviewed answer checks it: {n(UPDATE)} "
        "writes its answer and lists it, for you to review"))])
        for path in query_files(queries_dir) if path.resolve() not in listed]
