"""Well-formedness checks that SHACL cannot express well, as SPARQL ``*-violation.rq`` queries.

Each query in ``violations/<kind>/`` returns ``?graph ?focus ?message`` rows and must return
none; its first comment line says what it looks for.  ``data`` checks (claims complete, evidence
quoted, no unknown term, no uncited triple, each node named in its namespace and each position
of a claim holding the kind of node the data model fixes) run in every build and stop it, and
``validate`` runs them on proposals, so the two refuse the same data; ``ontology`` checks
(labels, definitions, unused terms, in the style of ROBOT's report) are run by
``alliance-graph check`` and the tests.  ``build`` checks run in every build and in ``check``,
not in ``validate``, whose shapes find the same (a claim of two objects), and so do lists
that never end (``lists.py``, in every file), which no query says well.  Both run over the asserted quads (files plus the triples
their claims assert), and every row becomes a Problem with the file and line of the node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import pyoxigraph as ox

from ..clipping import SHOWN, bracketed, clipped
from ..namespaces import PREFIX_IRIS, sparql_prologue
from ..rdf import DATA, ONTOLOGY, file_of, graph_iri, is_role, term_text
from . import lists, other_values, prefix_slips, spelling
from .lines import LineIndex
from .loading import Problem, written_label
from .places import Places
from .problem_list import renamed


@dataclass(frozen=True)
class Check:
    """One violation query: its name, what it looks for, and its SPARQL text."""

    name: str
    title: str
    sparql: str

    def message_of(self, row) -> str:
        """Return what a row of the query says it found, each long term of the file it names
        ``clipped`` (``_clipped``); the check's title where the query made no message (one
        built with STR() of a blank node is unbound, an error in SPARQL: a row with no
        message was an AttributeError, in the build and in validate)."""
        message = row["message"]
        return _clipped(message.value, row) if message is not None else self.title


# A term a query's message writes between < > or bare, past what a message shows of one: each
# run begins where no other of its characters is before it, so that a search tries it once.
_LONG = re.compile(rf"<([^<>\s\0]{{{SHOWN + 1},}})>|(?<![^\s<>\"\0])[^\s<>\"\0]{{{SHOWN + 1},}}")


def _clipped(message: str, row) -> str:
    """Return a query's ``message`` with each term over ``SHOWN`` characters it names (an IRI
    between < > or bare, a literal's text between quotes or bare) ``clipped``: a message
    is SPARQL's CONCAT of the file's terms, and one naming an IRI of 60,000 characters was
    said whole, its advice at the end of it.  The row's own terms (its node, value, ...)
    first, a text of many words among them; then any other (a claim's twin, a datatype).
    Each term clipped is held out of the message (NULs the message does not hold, around its
    number: a literal may write one, as \\u0000) until the others are, so that none is
    clipped twice."""
    if len(message) <= SHOWN:
        return message
    mark = "\0"
    while mark in message:
        mark += "\0"
    said: list[str] = []
    long = sorted({t.value for t in row if isinstance(t, (ox.NamedNode, ox.Literal))
                   and len(t.value) > SHOWN} - {message}, key=len, reverse=True)
    for value in long:
        for written, shown in ((f"<{value}>", bracketed(value)),
                               (f'"{value}"', clipped(value, show='"{}"'.format)),
                               (value, clipped(value))):
            if written in message:
                said.append(shown)
                message = message.replace(written, f"{mark}{len(said) - 1}{mark}")
    message = _LONG.sub(lambda m: bracketed(m[1]) if m[1] else clipped(m[0]), message)
    if not said:
        return message
    held = re.compile(rf"{mark}(\d+){mark}")
    return held.sub(lambda m: said[int(m[1])] if int(m[1]) < len(said) else m[0], message)


# Where a query's first comment line ends its first sentence (the style's two spaces).
_SENTENCE_END = re.compile(r"(?<=\.)\s{2,}")

# What `check` runs: the validation checks too (dates in order, values in their range), which
# the build does not stop on, so that data/ with an end before its start is not passed.
KINDS = ("data", "build", "ontology", "validation")
# The checks every build runs, and stops on.
BUILD = ("data", "build")


_RDF, _AG, _OA = PREFIX_IRIS["rdf"], PREFIX_IRIS["ag"], PREFIX_IRIS["oa"]
# What an absence check's finding says its node does not have, by its message's first words.
_MISSING = {
    "claim has no rdf:subject": _RDF + "subject",
    "claim has no rdf:predicate": _RDF + "predicate",
    "claim has no rdf:object": _RDF + "object",
    "claim has no ag:rank": _AG + "rank",
    "claim cites no evidence": PREFIX_IRIS["prov"] + "wasDerivedFrom",
    "evidence has no oa:hasSource": _OA + "hasSource",
    "evidence has no oa:TextQuoteSelector": _OA + "hasSelector",
}


def missing(message: str) -> str | None:
    """Return the IRI of the property a finding's ``message`` says its node does not have
    (``claim cites no evidence (prov:wasDerivedFrom)``), if it says one: what a shape's
    finding on that property says too (``said_once``), and what a prefix slip explains only
    where the node wrote it misread (its words' advice naming a term under the prefix is no
    such finding)."""
    return next((iri for words, iri in _MISSING.items() if message.startswith(words)), None)


def all_checks(kinds=KINDS) -> list[Check]:
    """Return the violation queries of the given kinds shipped with the package, by name."""
    return [check for kind in kinds for check in _checks_in(kind)]


def _checks_in(kind: str) -> list[Check]:
    folder = resources.files(__package__) / "violations" / kind
    checks = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith("-violation.rq"):
            text = entry.read_text(encoding="utf-8")
            title = _title(text.splitlines()[0])
            checks.append(Check(entry.name.removesuffix(".rq"), title, sparql_prologue() + text))
    return checks


def _title(line: str) -> str:
    """Return what a query's first comment line says it looks for: its first sentence.  A
    line going on with a second one, cut at the line's end, named the check in every report
    ("A claim's rank is none of the three ranks.  The truthy step asserts the fact of a
    claim")."""
    return _SENTENCE_END.split(line.lstrip("# ").strip(), maxsplit=1)[0]


def store_of(quads) -> ox.Store:
    """Return an in-memory Oxigraph store holding ``quads``."""
    store = ox.Store()
    store.extend(quads)
    return store


def run_check(store: ox.Store, check: Check, lines: LineIndex,
              places: Places | None = None) -> list[Problem]:
    """Run one violation query and return a Problem per row, with file and line: the line
    ``validate`` gives the same finding (``places.py``)."""
    return [_problem(finding) for finding in _found(store, check, places or Places(store, lines))]


class _Finding(NamedTuple):
    """A row of a check, placed: the node, property and value it is about."""

    check: Check
    row: ox.QuerySolution
    file: str
    line: int | None
    focus: object
    path: object
    value: object


def _found(store: ox.Store, check: Check, places: Places) -> list[_Finding]:
    solutions = store.query(check.sparql, use_default_graph_as_union=True)
    # Checks about one property of a node project ?path and ?value; the others do not.
    has_path = any(v.value == "path" for v in solutions.variables)
    found = []
    for row in solutions:
        name = file_of(row["graph"])
        path, value = (row["path"], row["value"]) if has_path else (None, None)
        found.append(_Finding(check, row, name, places.line(name, row["focus"], path, value),
                              row["focus"], path, value))
    return found


def _problem(finding: _Finding, meant: dict[str, str] | None = None, note: str = "",
             shown=lambda name: name) -> Problem:
    message = finding.check.message_of(finding.row)
    if meant:
        value = term_text(finding.value) if isinstance(finding.value, ox.Literal) else \
            _iri(finding.value)  # a literal's datatype is looked at
        message = spelling.hinted(message, _iri(finding.focus), _iri(finding.path), value, meant)
    # A message naming its node already (an unknown term's) is not followed by it again.
    node, named = _shown(finding.focus), shown
    said = "" if bracketed(node) in message else f": {clipped(node)}"
    note = f"; {note}" if note else ""  # a claim's other values (``other_values``)
    return Problem(named(finding.file), finding.line,
                   f"{message}{said}{note} [{finding.check.name}]")


def _slips(store: ox.Store, lines: LineIndex,
           findings: list[_Finding]) -> tuple[list[_Finding], list[Problem]]:
    """Return the findings a project prefix declared with another namespace did not cause,
    and a Problem on the line of each such declaration (``prefix_slips``), as ``validate``
    says of a proposal: the build said one finding on each name it misread, none on the
    ``@prefix`` line to change."""
    said = []
    for name in sorted({f.file for f in findings}):
        text = lines.texts().get(name)
        quads = list(store.quads_for_pattern(None, None, None, graph_iri(name))) if text else []
        slipped = prefix_slips.slips(text, quads, lines.declarations(name)) if text else []
        if not slipped:
            continue
        stated = prefix_slips.written(quads, slipped)
        findings = [f for f in findings if f.file != name or not prefix_slips.misread(
            term_text(f.focus), None if f.path is None else f.path.value,
            None if f.value is None else term_text(f.value), slipped,
            missing(f.check.message_of(f.row)), stated)]
        said += [Problem(name, slip.line, f"{slip.message()} [{prefix_slips.CHECK}]")
                 for slip in slipped]
    return findings, said


def _not_said(said: list[_Finding], shaped: list[_Finding]) -> list[_Finding]:
    """Return the shapes' findings on a line no check's finding is on: a claim with no rank is
    "claim has no ag:rank" there already, which says more than "A claim needs exactly one
    ag:rank" beside it (``validate`` keeps one of two such findings too, ``said_once``).  One
    on another line stays: a source that is no source document is "evidence has no
    oa:hasSource naming a described source document" on the evidence's first line, and the
    shape's finding is on the ``oa:hasSource`` line to change, where ``validate`` gives it."""
    lines = {(f.file, f.line) for f in said}
    return [f for f in shaped if (f.file, f.line) not in lines]


def _iri(term) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _meant(store: ox.Store, findings: list[_Finding]) -> dict[str, str]:
    """Return what to say of each misspelt term the findings name (``spelling.said``): a
    class or property the ontology does not declare, a node no file types, each with the
    name most likely meant, as ``validate`` says of a proposal's, the data files standing
    for the proposal."""
    if not findings:
        return {}
    ontology, data = ([q for q in store if isinstance(q.graph_name, ox.NamedNode)
                       and is_role(q.graph_name, role)] for role in (ONTOLOGY, DATA))
    terms = spelling.hints(ontology, data)
    named = {_iri(t) for f in findings for t in (f.focus, f.value)} - {None}
    nodes = spelling.node_hints(named - set(terms) - spelling.named(ontology), store, data)
    return spelling.said(terms, nodes, spelling.datatype_hints(data))


def _shown(node) -> str:
    """Return a node as a finding names it: a blank node by the label its file wrote."""
    label = written_label(node) if isinstance(node, ox.BlankNode) else None
    return node.value if label is None else f"_:{label}"


def problems(quads, texts: dict[str, str], kinds=KINDS, shown=lambda name: name) -> list[Problem]:
    """Run the violation queries of ``kinds`` over the asserted quads; return what they find,
    each file named by ``shown`` (from its graph's name: ``pipeline.shown_names``)."""
    return run_checks(store_of(quads), LineIndex(texts), kinds, shown)


def shapes_run(quads) -> int:
    """Return how many shapes the data checks run compiled (``shape_checks``), from the
    ontology's quads alone: what `check` says it ran beside its queries."""
    from . import shape_checks  # it builds on Check, defined here
    ontology = [q for q in quads if isinstance(q.graph_name, ox.NamedNode)
                and is_role(q.graph_name, ONTOLOGY)]
    return len(shape_checks.shape_checks(store_of(ontology)))


def run_checks(store: ox.Store, lines: LineIndex, kinds=KINDS,
               shown=lambda name: name) -> list[Problem]:
    """Run the violation queries of ``kinds`` over a store of asserted quads, sorted by place.

    The streaming build passes a ``LineIndex`` that reads the files only if a check finds
    something.
    """
    from . import shape_checks  # it builds on Check, defined here
    places = Places(store, lines)
    findings = [f for check in all_checks(kinds) for f in _found(store, check, places)]
    if "data" in kinds:  # the shapes say what data must be too: validate's, compiled
        findings += _not_said(findings, [f for check in shape_checks.shape_checks(store)
                                         for f in _found(store, check, places)])
    findings, slipped = _slips(store, lines, findings)
    meant = _meant(store, findings)
    found = [_problem(f, meant, note, shown)
             for f, note in zip(findings, other_values.notes(findings, shown))]
    found += renamed(slipped, shown)
    if "build" in kinds:  # over every file: reasoning reads the ontology's
        found += renamed(lists.cycles(store, places), shown)
    return sorted(set(found), key=lambda p: (p.file, p.line or 0, p.message))
