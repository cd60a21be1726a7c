"""A validation report: findings from SHACL and from the extra checks, as text, JSON or Turtle.

SHACL results and the checks SHACL cannot express (quotes, uncited triples, ...) become the same
``Finding``, so a contributor reads one list, grouped by severity, each with the file and line to
fix.  The Turtle form is the W3C SHACL validation report graph, with the file and line added as
``agsh:file`` / ``agsh:line`` on each result.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..clipping import bracketed, clipped, literal_said, written
from ..namespaces import bind_prefixes, shorten
from ..rdf import from_text, term_text, to_rdflib_term, turtle_string
from ..wording import Said, parameter, worded

AGSH = Namespace("https://alliance-graph.example/shapes/")
# The IRI a non-SHACL check is reported under, as sh:sourceShape: shapes/check/<name>.
CHECK = Namespace(str(AGSH) + "check/")

SEVERITIES = ("Violation", "Warning", "Info")
# ``capped``'s limit, as its notes name it (``wording.parameter``): the server's setting for
# the reports it renders (``Settings.validate_max_findings``), the command line's
# ``--max-findings``.
LIMIT = "settings.validate_max_findings"


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or suspicious) in the data, with where it is and which rule says so."""

    severity: str            # Violation, Warning or Info
    message: str
    shape: str               # IRI of the SHACL shape or of the check (CHECK[name])
    shape_name: str
    focus: str | None = None         # IRI of the entity (or "_:..." for a blank node)
    focus_label: str | None = None
    path: str | None = None          # IRI of the property
    value: str | None = None         # the offending value, as N-Triples/Turtle term text
    file: str | None = None
    line: int | None = None
    component: str | None = None     # sh:sourceConstraintComponent, or None for a check

    def where(self) -> str:
        """Return ``file:line`` (or what is known of it)."""
        if self.file is None:
            return "(no file)"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Report:
    """All findings of one validation run; conforms when there is no Violation."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Findings in files that were not proposed (the current graph's own problems).
    elsewhere: int = 0
    # Checks that could not run, said loudly (the quote checks without the source texts).
    warnings: list[str] = field(default_factory=list)
    # Findings left out past a limit (``capped``), the least severe first.
    omitted: int = 0
    # Findings of each severity before that limit: empty when none was left out. A verdict
    # counts them, not the findings kept ("1000 violations" of 200,000 misled).
    totals: dict[str, int] = field(default_factory=dict)
    # The command, after ``alliance-graph``, that the note on findings elsewhere tells its
    # reader to run to list them (``validate_data``): the data folder as it opens from here;
    # data/*.ttl said a folder not there, or the project's own, for a --data elsewhere.
    validate_data: str = "validate data/*.ttl"

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def __str__(self) -> str:
        # print(report) in a notebook: the text report, in the library's words (``to_text``),
        # where it printed the dataclass's fields, every finding in one line.
        return to_text(self)

    def by_severity(self) -> dict[str, list[Finding]]:
        """Return the findings per severity, most severe first, each sorted by file and line."""
        groups: dict[str, list[Finding]] = {s: [] for s in SEVERITIES}
        for f in self.findings:
            groups.setdefault(f.severity, []).append(f)
        for group in groups.values():
            group.sort(key=lambda f: (f.file or "", f.line or 0, f.shape, f.focus or ""))
        return {s: g for s, g in groups.items() if g}

    def counts(self) -> dict[str, int]:
        """Return how many findings of each severity there are, most severe first: those a
        limit left out (``capped``) counted too."""
        whole = {s: len(g) for s, g in self.by_severity().items()} | self.totals
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        return {s: whole[s] for s in sorted(whole, key=lambda s: rank.get(s, len(rank)))
                if whole[s]}


def capped(report: Report, limit: int | None) -> Report:
    """Return ``report`` with at most ``limit`` findings, the most severe kept (so it conforms
    exactly when the whole report does), the number left out in ``omitted`` and the whole
    report's count of each severity in ``totals``."""
    if limit is None or len(report.findings) <= limit:
        return report
    kept = [f for group in report.by_severity().values() for f in group][:limit]
    return Report(kept, report.files, report.elsewhere, report.warnings,
                  report.omitted + len(report.findings) - limit, report.counts())


def verdict(report: Report) -> str:
    """Return the report's verdict with its count of every finding, and how many are shown
    when a limit left some out: "does not conform (200000 violation(s); 1000 shown, the most
    severe)"."""
    summary = ", ".join(f"{n} {s.lower()}(s)" for s, n in report.counts().items())
    shown = f"; {len(report.findings)} shown, the most severe" if report.omitted else ""
    return (f"{'conforms' if report.conforms else 'does not conform'} "
            f"({summary or 'no findings'}{shown})")


def _omitted(report: Report, name=parameter) -> str:
    """Say how many findings ``capped`` left out, naming its limit as ``name``'s caller gives it
    (``wording``: the command line's --max-findings)."""
    return Said(lambda n: f"{report.omitted} more finding(s) not shown ({n(LIMIT)})").worded(name)


def _warnings(report: Report, name) -> list[str]:
    return [worded(w, name) for w in report.warnings]


def _short(term: str | None) -> str:
    """Return a finding's node or property as a column writes it: a prefixed name where one
    covers it, clipped (``clipping.py``): an entity or property of 60,000 characters made a
    line of the report 60-120 KB long."""
    if term is None:
        return "-"
    if term.startswith(("http://", "https://", "urn:")):
        return written(shorten(term))
    return clipped(term)


def term_said(term, prefixed: bool = True) -> str:
    """Return a term as a finding's message names it, clipped (``clipping.py``): an IRI by
    its prefixed name (``id:X``) or, not ``prefixed``, whole between brackets (where the
    message gives a node to look for); a literal with its quotes and its datatype (prefixed
    as well) or language tag; a blank node as written.  The one wording of the checks that
    name a claim, a node or a value (one_fact, unlinked, second_value each had their own)."""
    if isinstance(term, ox.NamedNode):
        return written(shorten(term.value)) if prefixed else bracketed(term.value)
    if isinstance(term, ox.Literal):
        if prefixed and not term.language and term.datatype.value != str(XSD.string):
            return literal_said(
                term, lambda t: f"{turtle_string(t.value)}^^{shorten(t.datatype.value)}")
        return literal_said(term)  # a string as Turtle writes one, bare
    return clipped(term_text(term))


def _value(text: str | None) -> str:
    """Return a finding's value as its column writes it: an IRI as a node is (``_short``), a
    literal with its text clipped and its datatype or language kept (``clipping.literal_said``:
    cut as one text, a long value lost its closing quote and its datatype), in the validation
    page's words (``clipping.literal_parts``)."""
    if text is None:
        return "-"
    try:
        term = from_text(text)
    except (ValueError, SyntaxError):  # a value that is not a term (rare): as text
        return clipped(text)
    if isinstance(term, ox.Literal):
        return _compact(literal_said(term))
    return _short(text)


# An IRI in a finding's text, bracketed or bare (the checks' messages write STR(?p)); a bare
# one ends before the punctuation that closes a phrase.
_IRI_IN_TEXT = re.compile(r"<(https?://[^\s<>\"]+)>|(https?://[^\s<>\"',;)]+?)(?=[.:]?(?:\s|$|[,;)]))")


def _compact(text: str) -> str:
    """Return a message or value with its IRIs written as the project's prefixed names
    (``ag:validFrom``, ``xsd:gYear``) where one covers them, as the report's other fields."""
    def short(match: re.Match) -> str:
        iri = match.group(1) or match.group(2)
        written = shorten(iri)
        return written if not written.startswith("<") else match.group(0)
    return _IRI_IN_TEXT.sub(short, text)


# The options naming the folders validate reads, each with the variable it is else read from.
_FOLDER_OPTIONS = (("--ontology", "ontology_dir", "ALLIANCE_GRAPH_ONTOLOGY"),
                   ("--data", "data_dir", "ALLIANCE_GRAPH_DATA"),
                   ("--sources", "sources_dir", "ALLIANCE_GRAPH_SOURCES"))


def validate_data(settings) -> str:
    """Return the command (after ``alliance-graph``) that validates the data files of
    ``settings`` as run from here: a folder other than the one the command finds here by
    itself given as its option, each quoted where a shell would split or expand it
    (``--data 'my data' validate 'my data'/*.ttl``).  It was ``validate 'my data'/*.ttl``
    alone, which validated those files as proposals against the project's own data."""
    from ..project import current_directory, found_from
    from ..project_files import by_role, shown_name
    if by_role():  # POST /validate: the folders are the server's, named by their role
        return "validate data/*.ttl"
    found = found_from(current_directory())
    words = []
    for option, name, variable in _FOLDER_OPTIONS:
        folder = getattr(settings, name)
        if "ALLIANCE_GRAPH_PROJECT" in os.environ or variable in os.environ or \
                os.path.abspath(folder) != os.path.abspath(getattr(found, name)):
            words += [option, shlex.quote(shown_name(folder, name))]
    data = shlex.quote(shown_name(settings.data_dir, "data"))
    return " ".join([*words, "validate", f"{data}/*.ttl"])


def to_text(report: Report, name=parameter) -> str:
    """Return a report a contributor reads top to bottom: severity groups, then file:line.
    ``name`` names the parameters its notes name (``wording``; the library's by default)."""
    warnings = [f"WARNING: {w}" for w in _warnings(report, name)]
    lines = list(warnings)
    counts = report.counts()
    for severity, group in report.by_severity().items():
        shown = f" of {counts[severity]} shown" if counts[severity] > len(group) else ""
        lines.append(f"{severity}s ({len(group)}{shown})")
        for f in group:
            entity = _short(f.focus)
            if f.focus_label:
                entity = clipped(f.focus_label, show='"{}"'.format) + " " + entity
            lines.append(f"  {f.where()}: {_compact(worded(f.message, name))}")
            lines.append(f"      entity: {entity}   property: {_short(f.path)}   "
                         f"value: {_value(f.value)}")
            lines.append(f"      shape: {f.shape_name} ({_short(f.shape)})")
    lines.append(f"{', '.join(report.files) or 'the graph'}: {verdict(report)}")
    if report.omitted:
        lines.append(f"({_omitted(report, name)})")
    if report.elsewhere:
        lines.append(f"({report.elsewhere} finding(s) in files not proposed: what the proposal "
                     "does to them, or their own problems, which `alliance-graph "
                     f"{report.validate_data}` lists)")
    lines += warnings
    return "\n".join(lines)


def to_json(report: Report, name=parameter) -> str:
    """Return the report as JSON: conforms, files, the count of findings of each severity
    (``counts``, those left out past a limit too), and the findings with every field."""
    return json.dumps({"conforms": report.conforms, "files": report.files,
                       "elsewhere": report.elsewhere, "warnings": _warnings(report, name),
                       "omitted": report.omitted, "counts": report.counts(),
                       "findings": [asdict(f) | {"message": worded(f.message, name)}
                                    for f in report.findings]}, indent=2)


def from_json(text: str) -> Report:
    """Return the report ``to_json`` wrote."""
    data = json.loads(text)
    report = Report([Finding(**f) for f in data["findings"]], data["files"], data["elsewhere"],
                    data.get("warnings", []), data.get("omitted", 0))
    # The counts are totals only where they say more than the findings listed.
    counts = data.get("counts")
    if counts and counts != report.counts():
        report.totals = counts
    return report


def _term(text: str):
    """Turn a Finding's term text back into an rdflib term (IRI, blank node or literal)."""
    return to_rdflib_term(from_text(text))


def to_graph(report: Report, name=parameter) -> Graph:
    """Return the W3C SHACL validation report graph (sh:ValidationReport) of the report."""
    g = bind_prefixes(Graph())
    g.bind("sh", SH)
    g.bind("agsh", AGSH)
    node = BNode()
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(report.conforms)))
    for warning in _warnings(report, name):
        g.add((node, RDFS.comment, Literal(f"WARNING: {warning}")))
    if report.omitted:
        g.add((node, RDFS.comment, Literal(_omitted(report, name))))
    for f in report.findings:
        r = BNode()
        g.add((node, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, SH[f.severity]))
        g.add((r, SH.resultMessage, Literal(worded(f.message, name))))
        g.add((r, SH.sourceShape, URIRef(f.shape)))
        if f.focus:
            g.add((r, SH.focusNode, _term(f.focus)))
        if f.path:
            g.add((r, SH.resultPath, URIRef(f.path)))
        if f.value is not None:
            try:
                g.add((r, SH.value, _term(f.value)))
            except Exception:  # a value that is not a term (rare): keep it as text
                g.add((r, SH.value, Literal(f.value)))
        if f.component:
            g.add((r, SH.sourceConstraintComponent, URIRef(f.component)))
        if f.file:
            g.add((r, AGSH.file, Literal(f.file)))
        if f.line:
            g.add((r, AGSH.line, Literal(f.line, datatype=XSD.integer)))
    return g


def to_turtle(report: Report, name=parameter) -> str:
    """Return the SHACL validation report graph as Turtle."""
    return to_graph(report, name).serialize(format="turtle")


def render(report: Report, fmt: str, name=parameter) -> str:
    """Return the report in ``fmt``: text, json or turtle, naming the parameters its notes name
    as ``name`` does (``wording``: the library's, or the command line's options)."""
    return {"text": to_text, "json": to_json, "turtle": to_turtle}[fmt](report, name)
