"""Validate proposed Turtle files together with the current graph: SHACL plus the extra checks.

``validate(settings, paths)`` parses the ontology, the data and the proposals (each in its own
named graph), derives the plain triples from the claims, runs pyshacl over the data graph (files
plus derived triples) with the ontology as ``ont_graph``, runs the global checks SHACL cannot
express, and returns one ``Report`` whose findings all carry a file and line.  Files that cannot
be validated at all (unreadable, binary, too big, empty, malformed) raise ``loading.LoadError``.

New proposals are judged against the prebuilt graph when there is one: instead of the data
files, the proposals' neighbourhood in the store (``context.py``) stands in for the rest of the
graph, which was parsed, type-checked and passed the data checks when it was built; the steps
above then run as they do over the files, so the findings in the proposals are the same.

pyshacl runs with ``inference="none"``: the ontology is mixed into the data graph, so
``sh:targetClass`` and ``sh:class`` already see ``rdfs:subClassOf``; RDFS inference added time
and no finding on the shipped data (docs/validation.md has the figures).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..build import checks, loading, truthy
from ..build.lines import LineIndex
from ..build.loading import LoadError, Problem
from ..namespaces import AG, GRAPH
from ..settings import Settings
from . import context, quotes
from .report import CHECK, SH, Finding, Report

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SKOLEM = "urn:bnode:"
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))
# The extra checks run by validate: the build's data checks plus those in violations/validation.
CHECK_KINDS = ("data", "validation")
EXTRA_CHECKS = {
    "ill-typed-literal": "literal is not valid for its datatype",
    "proposal-redefines-ontology": "proposal declares or alters ontology terms",
}
_ONTOLOGY_PREDICATES = {str(p) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain,
                                         RDFS.range, OWL.equivalentClass, OWL.inverseOf)}
_ONTOLOGY_TYPES = {str(t) for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                    OWL.AnnotationProperty, RDF.Property, OWL.Ontology, RDFS.Class)}


def _rdflib_term(term):
    """Return the rdflib term for an Oxigraph term.

    Blank nodes become ``urn:bnode:<id>`` IRIs (skolemized) so that findings on selectors keep
    the id the files were parsed with; ``_ox`` turns them back into blank nodes."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return URIRef(SKOLEM + term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # as rdflib's own parsers write a plain string
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _ox_to_rdflib(quads) -> Graph:
    """Return an rdflib graph of the quads' triples."""
    graph = Graph()
    # rdflib logs a traceback for each ill-typed literal; those are reported as findings.
    logger = logging.getLogger("rdflib.term")
    level, logger.level = logger.level, logging.CRITICAL
    try:
        for q in quads:
            graph.add((_rdflib_term(q.subject), _rdflib_term(q.predicate),
                       _rdflib_term(q.object)))
    finally:
        logger.setLevel(level)
    return graph


def _term_text(term) -> str:
    """Return a term as Finding text: an IRI bare, a blank node as _:id, a literal as N-Triples."""
    if isinstance(term, (URIRef, ox.NamedNode)):
        return str(term) if isinstance(term, URIRef) else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


class _Inputs:
    """The input files: their quads and texts, keyed by graph name, and which are proposals.

    Files are read on demand (``read``): the ontology and the proposals always, the data files
    only when the proposals are validated against the files rather than the prebuilt graph,
    whose neighbourhood of the proposals then stands in for them (``context``).
    """

    def __init__(self, settings: Settings, paths: list[Path]):
        self.display: dict[str, str] = {}      # graph name -> file name shown to people
        self.proposals: list[str] = []          # graph names of the proposed files
        self.new: set[str] = set()              # proposals that are not already inputs
        self.ill_typed: list[Problem] = []
        self.context: list[ox.Quad] = []        # quads of the prebuilt graph standing in for data/
        self.shapes_name = f"ontology/{settings.shapes_file}"
        self._quads: dict[str, list[ox.Quad]] = {}
        self._texts: dict[str, str] = {}
        self._problems: dict[str, list[Problem]] = {}
        self.ontology = [(p, f"ontology/{p.name}", None)
                         for p in sorted(settings.ontology_dir.glob("*.ttl"))]
        self.data = [(p, f"data/{p.name}", None) for p in sorted(settings.data_dir.glob("*.ttl"))]
        named = {p.resolve(): name for p, name, _ in self.ontology + self.data}
        self.proposed = []
        for i, p in enumerate(paths):
            resolved = Path(p).resolve()
            if resolved in named:
                self.proposals.append(named[resolved])
                continue
            # Proposals live under graph/data/ so the data checks treat them as data files.
            name = f"data/proposal-{i}/{Path(p).name}"
            self.proposals.append(name)
            self.new.add(name)
            self.proposed.append((Path(p), name, str(p)))
        for _, name, shown in self.ontology + self.data + self.proposed:
            self.display[name] = shown or name

    def read(self, settings: Settings, files) -> None:
        """Read and parse ``files`` (path, graph name, name shown) not read yet, noting problems."""
        for path, name, shown in files:
            if name in self._texts or name in self._problems:
                continue
            try:
                self._load(path, name, shown, settings)
            except LoadError as exc:
                self._problems[name] = [dataclasses.replace(q, file=shown or name)
                                        for q in exc.problems]

    def fail_on_problems(self) -> None:
        """Raise LoadError listing every problem of the files read, in file order."""
        order = [name for _, name, _ in self.ontology + self.data + self.proposed]
        problems = [p for name in order for p in self._problems.get(name, ())]
        if problems:
            raise LoadError(problems)

    @property
    def texts(self) -> dict[str, str]:
        """Return the texts read, in file order: ontology, data, proposals."""
        return {name: self._texts[name] for _, name, _ in self.ontology + self.data + self.proposed
                if name in self._texts}

    @property
    def quads(self) -> list[ox.Quad]:
        """Return the quads read, in file order, with the prebuilt graph's in place of data/."""
        ordered = lambda files: [q for _, n, _ in files for q in self._quads.get(n, ())]  # noqa: E731
        return ordered(self.ontology) + ordered(self.data) + self.context + ordered(self.proposed)

    def proposal_quads(self) -> list[ox.Quad]:
        """Return the quads of the new proposals."""
        return [q for _, name, _ in self.proposed for q in self._quads.get(name, ())]

    def _load(self, path: Path, name: str, shown: str | None, settings: Settings):
        if shown is not None:
            if not path.is_file():
                raise LoadError([Problem(shown, None, "no such file" if not path.exists()
                                         else "is not a regular file")])
            size = path.stat().st_size
            if size > settings.max_proposal_bytes:
                raise LoadError([Problem(shown, None, f"is {size} bytes, over the "
                                         f"{settings.max_proposal_bytes}-byte limit for a "
                                         "proposal: split it into smaller files")])
        text = loading.read_text(path, shown or name)
        quads = loading.parse_turtle(text, name)
        if shown is not None and not quads:
            raise LoadError([Problem(shown, None, "is empty: it states no triples to validate")])
        self._texts[name] = text
        self._quads[name] = quads
        self.ill_typed.extend(loading.ill_typed_problems(quads, text, name))


def run_shacl(data: Graph, ontology: Graph, shapes: Graph, meta_shacl: bool = True):
    """Run pyshacl as the project does; return its report graph.

    Raises ``ShapesError`` when ``meta_shacl`` finds the shapes themselves ill-formed.
    """
    try:
        _conforms, report_graph, _text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none",
            meta_shacl=meta_shacl, allow_warnings=True, advanced=False, iterate_rules=False)
    except ReportableRuntimeError as exc:
        raise LoadError([Problem("ontology/shapes.ttl", None,
                                 f"the shapes are not valid SHACL: {exc.message}")]) from exc
    return report_graph


def _meta_checked(settings: Settings, shapes_text: str) -> Path:
    """Return the marker file saying these exact shapes passed pyshacl's meta-SHACL check.

    Checking the shapes against SHACL-SHACL takes seconds, three quarters of a run; it is done
    with ``meta_shacl=True`` whenever the shapes file changes, and remembered by its hash.
    """
    digest = hashlib.sha256(f"{pyshacl.__version__}\0{shapes_text}".encode()).hexdigest()
    return settings.cache_dir / f"shapes-meta-ok-{digest[:32]}"


class _Locator:
    """Find the file and line of a triple, a node or a derived plain triple."""

    def __init__(self, inputs: _Inputs, derived: list[ox.Quad]):
        self.inputs = inputs
        self.lines = LineIndex(inputs.texts)
        self.graphs_of: dict[tuple, list[str]] = defaultdict(list)
        self.parent: dict[ox.BlankNode, tuple] = {}
        for q in inputs.quads:
            g = checks.file_of(q.graph_name)
            self.graphs_of[(q.subject, q.predicate, q.object)].append(g)
            if isinstance(q.object, ox.BlankNode):
                self.parent[q.object] = (q.subject, q.predicate, g)
        self.claims: dict[tuple, list[tuple[str, ox.Node]]] = defaultdict(list)
        for node, c in truthy.claims_of(inputs.quads).items():
            if {"s", "p", "o"} <= c.keys():
                self.claims[(c["s"], c["p"], c["o"])].append((checks.file_of(c["graph"]), node))

    def _prefer(self, names: list[str]) -> str:
        for name in names:
            if name in self.inputs.proposals:
                return name
        return names[0]

    def node_line(self, name: str, node) -> int | None:
        """Return the line where ``node`` is described in file ``name`` (blank nodes too)."""
        if isinstance(node, ox.NamedNode):
            return self.lines.line_of(name, node.value)
        if isinstance(node, ox.BlankNode) and node in self.parent:
            s, p, g = self.parent[node]
            return self.triple_line(g, s, p, None)
        return None

    def triple_line(self, name: str, s, p, o) -> int | None:
        """Return the line of ``s p o`` in file ``name``: the property's line in s's block."""
        start = self.node_line(name, s)
        text = self.inputs.texts.get(name)
        if start is None or text is None:
            return start
        lines = text.splitlines()
        forms = ["a"] if p.value == str(RDF.type) else self.lines.spellings(name, p.value)
        line = start
        for i in range(start - 1, len(lines)):
            if i > start - 1 and lines[i][:1] not in ("", " ", "\t"):
                break  # the next subject block
            if any(re.search(rf"(^|[\s;\[]){re.escape(f)}(?=[\s;,.\]])", lines[i]) for f in forms):
                line = i + 1
                break
        if isinstance(o, ox.Literal):
            needle = o.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            for i in range(line - 1, min(len(lines), line + 20)):
                if needle in lines[i]:
                    return i + 1
        return line

    def locate(self, focus, path, value, prefer: str | None = None):
        """Return (graph name, line) of a finding's triple, or of its focus node."""
        if prefer is not None:  # a check names the file: stay in it
            about = sorted((p.value != str(RDF.type), n.value) for (s, p, o), cs in
                           self.claims.items() if s == focus for g, n in cs if g == prefer)
            if about:
                return prefer, self.lines.line_of(prefer, about[0][1])
            return prefer, self.node_line(prefer, focus)
        if path is not None and value is not None:
            names = self.graphs_of.get((focus, path, value))
            if names:
                name = self._prefer(names)
                return name, self.triple_line(name, focus, path, value)
            claims = self.claims.get((focus, path, value))
            if claims:  # a derived plain triple: point at the claim that asserts it
                name = self._prefer([c[0] for c in claims])
                node = next(n for g, n in claims if g == name)
                return name, self.node_line(name, node)
        if isinstance(focus, ox.BlankNode) and focus in self.parent:
            _, _, g = self.parent[focus]
            return g, self.node_line(g, focus)
        # An entity described only through claims: point at its type claim, else any claim
        # about it, else any mention.
        about = [(p.value != str(RDF.type), g, n) for (s, p, o), cs in self.claims.items()
                 if s == focus for g, n in cs]
        typed = [(g, n) for _, g, n in sorted(about, key=lambda a: (a[0], a[1], str(a[2])))]
        if typed:
            name = self._prefer([g for g, _ in typed])
            node = next(n for g, n in typed if g == name)
            return name, self.node_line(name, node)
        if isinstance(focus, ox.NamedNode):
            for name in [*self.inputs.proposals, *self.inputs.texts]:
                line = self.lines.line_of(name, focus.value)
                if line is not None:
                    return name, line
        return None, None


def _ox(term):
    """Return the Oxigraph term for an rdflib term."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        if str(term).startswith(SKOLEM):
            return ox.BlankNode(str(term)[len(SKOLEM):])
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype
                      else None)


def _shacl_findings(report_graph: Graph, shapes: Graph) -> list[tuple]:
    """Return (severity, message, shape, name, focus, path, value, component) per result."""
    rows = []
    for r in report_graph.objects(None, SH.result):
        def get(p, r=r):
            return report_graph.value(r, p)
        shape = get(SH.sourceShape)
        name = shapes.value(shape, SH.name)
        path = get(SH.resultPath)
        rows.append((str(get(SH.resultSeverity)).rsplit("#", 1)[-1], str(get(SH.resultMessage)),
                     shape, str(name) if name is not None else str(shape), get(SH.focusNode),
                     path if isinstance(path, URIRef) else None, get(SH.value),
                     str(get(SH.sourceConstraintComponent))))
    return rows


# ``validate``'s default: look for the prebuilt graph (``context.prebuilt``).
FIND = "find"


def validate(settings: Settings, paths: list[Path], prebuilt=FIND) -> Report:
    """Validate ``paths`` together with the current graph and return the report.

    New proposals are validated against the prebuilt graph when there is one: ``prebuilt`` is
    a store holding the current build, None to read every input file instead, or ``FIND`` to
    use ``context.prebuilt(settings)``.  Against the store, only the proposals are read and
    checked, and what the shapes and checks need of the rest of the graph is looked up in it.
    Files that are already inputs (``validate data/*.ttl``) are always validated with every
    input file read and checked anew.

    Raises ``LoadError`` when a file cannot be validated at all.
    """
    inputs = _Inputs(settings, list(paths))
    if prebuilt is None or inputs.new != set(inputs.proposals):
        return _validate(settings, inputs, None)
    # The proposals are read first: one that cannot be read stops here, before the graph is
    # opened (or built).
    inputs.read(settings, inputs.ontology + inputs.proposed)
    inputs.fail_on_problems()
    if prebuilt is FIND:
        prebuilt = context.prebuilt(settings)
    return _validate(settings, inputs, prebuilt)


def _validate(settings: Settings, inputs: _Inputs, prebuilt) -> Report:
    """Validate the proposals of ``inputs`` against the data files (``prebuilt`` None) or
    against the neighbourhood of the proposals in ``prebuilt``, a store holding the build."""
    inputs.read(settings, inputs.ontology + inputs.proposed)
    if prebuilt is None:
        inputs.read(settings, inputs.data)
    inputs.fail_on_problems()
    if inputs.shapes_name not in inputs.texts:
        raise LoadError([Problem(inputs.shapes_name, None, "the shapes file is missing")])
    if prebuilt is not None:
        # The store holds the plain triples the build derived; they are derived again below
        # with the proposals' claims ranked among the stored ones.
        neighbours = context.neighbourhood(prebuilt, inputs.proposal_quads())
        stored = set(truthy.truthy_quads(neighbours))
        inputs.context = [q for q in neighbours if q not in stored]
    skip = {f"ontology/{n}" for n in settings.unreasoned_files}
    file_quads = [q for q in inputs.quads if checks.file_of(q.graph_name) not in skip]
    derived = truthy.truthy_quads(file_quads)
    ontology_prefix = str(GRAPH["ontology/"])
    is_ontology = lambda q: q.graph_name.value.startswith(ontology_prefix)  # noqa: E731
    # The shapes keep their blank nodes (sh:or lists, qualified value shapes) as blank nodes.
    shapes = Graph().parse(data=inputs.texts[inputs.shapes_name], format="turtle")
    ontology = _ox_to_rdflib([q for q in file_quads if is_ontology(q)])
    data_quads = [q for q in file_quads + derived if not is_ontology(q)]
    labels = {q.subject: q.object.value for q in data_quads if q.predicate == _LABEL}
    locator = _Locator(inputs, derived)
    findings: list[Finding] = []

    def add(finding: Finding, focus=None, path=None, value=None, name=None, line=None):
        if name is None:
            name, line = locator.locate(focus, path, value)
        findings.append(dataclasses.replace(
            finding, file=inputs.display.get(name, name), line=line,
            focus_label=labels.get(focus)))

    marker = _meta_checked(settings, inputs.texts[inputs.shapes_name])
    # A proposal's findings can only be about the nodes it describes (and the entities its
    # claims are about): SHACL sees just those, with their full description from every file
    # and the types of what they point at, which keeps a proposal's check to a second or two
    # however big the graph grows.  Validating data files themselves checks every node.
    # (pyshacl's focus_nodes option cannot do this: it also filters nested shapes' values.)
    focus = focus_set = _proposal_focus(inputs, file_quads, derived)
    data = _ox_to_rdflib(data_quads if focus is None else _described(focus, data_quads))
    report_graph = run_shacl(data, ontology, shapes, meta_shacl=not marker.exists())
    if not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    for sev, msg, shape, sname, focus, path, value, comp in _shacl_findings(report_graph, shapes):
        f, p, v = _ox(focus), _ox(path), _ox(value)
        if focus_set is not None and f not in focus_set:
            continue  # a node SHACL saw only by its type, for sh:class
        add(Finding(sev, msg, str(shape), sname, focus=_term_text(f),
                    path=str(path) if path is not None else None,
                    value=_term_text(v) if v is not None else None, component=comp), f, p, v)

    store = checks.store_of(file_quads + derived)
    for check in checks.all_checks(CHECK_KINDS):
        for row in store.query(check.sparql, use_default_graph_as_union=True):
            name, focus = checks.file_of(row["graph"]), row["focus"]
            path = row["path"] if "path" in check.sparql.split("WHERE")[0] else None
            value = row["value"] if path is not None else None
            if path is None:
                name, line = locator.locate(focus, None, None, prefer=name)
            else:
                name, line = locator.locate(focus, path, value)
            add(Finding("Violation", row["message"].value, str(CHECK[check.name]), check.title,
                        focus=_term_text(focus), path=path.value if path is not None else None,
                        value=_term_text(value) if value is not None else None),
                focus, name=name, line=line)

    for problem in inputs.ill_typed:
        add(Finding("Violation", problem.message, str(CHECK["ill-typed-literal"]),
                    EXTRA_CHECKS["ill-typed-literal"]), name=problem.file, line=problem.line)

    for name, subject in _redefinitions(inputs):
        add(Finding("Violation", f"a proposal may not declare or alter ontology terms "
                    f"({subject.value}): ontology changes go to ontology/*.ttl by review",
                    str(CHECK["proposal-redefines-ontology"]),
                    EXTRA_CHECKS["proposal-redefines-ontology"], focus=_term_text(subject)),
            subject, name=name, line=locator.node_line(name, subject))

    if settings.sources_dir.is_dir():
        for f in quotes.check_quotes(store, settings.sources_dir, checks.file_of):
            add(f, _ox_focus(f.focus), name=f.file,
                line=locator.node_line(f.file, _ox_focus(f.focus)))

    # A proposal is judged on the findings in its own files; the rest of the graph's problems
    # are counted, not blamed on it (validate data/*.ttl to see them).
    # Against the prebuilt graph only the proposals' neighbourhood was looked at (the rest of
    # the graph was checked when it was built): count the findings on the nodes they describe.
    shown = {inputs.display[n] for n in inputs.proposals}
    unique = sorted(set(findings), key=lambda f: (f.file or "", f.line or 0, f.shape, f.focus or ""))
    seen = None if prebuilt is None else {_term_text(n) for n in focus_set}
    return Report([f for f in unique if f.file in shown], sorted(shown),
                  elsewhere=sum(1 for f in unique if f.file not in shown
                                and (seen is None or f.focus in seen)))


def _proposal_focus(inputs: _Inputs, file_quads, derived) -> set | None:
    """Return the nodes new proposals describe or make claims about, with their blank nodes;
    None when every proposed file is already part of the graph (validate everything)."""
    if not inputs.new:
        return None
    focus = {q.subject for q in file_quads + derived if checks.file_of(q.graph_name) in inputs.new}
    return focus


def _described(focus: set, quads) -> list[ox.Quad]:
    """Return the quads describing ``focus`` (grown with the blank nodes they reach) plus the
    rdf:type quads of every node they point at; ``focus`` is grown in place."""
    by_subject = defaultdict(list)
    for q in quads:
        by_subject[q.subject].append(q)
    frontier = list(focus)
    while frontier:
        node = frontier.pop()
        for q in by_subject.get(node, ()):
            if isinstance(q.object, ox.BlankNode) and q.object not in focus:
                focus.add(q.object)
                frontier.append(q.object)
    kept = [q for node in focus for q in by_subject.get(node, ())]
    pointed = {q.object for q in kept if not isinstance(q.object, ox.Literal)} - focus
    kept += [q for node in pointed for q in by_subject.get(node, ()) if q.predicate == _TYPE]
    return kept


def _ox_focus(text: str | None):
    if text is None:
        return None
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _redefinitions(inputs: _Inputs) -> list[tuple[str, ox.Node]]:
    """Return (file, subject) for each subject of a proposal that declares an ontology term."""
    found = set()
    ag = str(AG)
    for q in inputs.quads:
        name = checks.file_of(q.graph_name)
        if name not in inputs.new:
            continue
        s, p, o = q.subject, q.predicate.value, q.object
        if (isinstance(s, ox.NamedNode) and s.value.startswith(ag)) \
                or p in _ONTOLOGY_PREDICATES or p.startswith(str(OWL)) \
                or (p == str(RDF.type) and isinstance(o, ox.NamedNode)
                    and (o.value in _ONTOLOGY_TYPES or o.value.startswith(str(SH)))):
            found.add((name, s))
    return sorted(found, key=str)
