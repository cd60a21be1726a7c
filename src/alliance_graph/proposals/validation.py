"""Validate proposed Turtle files together with the current graph: SHACL plus the extra checks.

``validate(settings, paths)`` reads the ontology, the proposals and the rest of the graph
(``inputs``), derives the plain triples from the claims, runs the shapes over what the proposals
describe (``focus``, ``shacl``), runs the global checks SHACL cannot express (the violation
queries, ill-typed literals, ``redefinition``, ``quotes``), and returns one ``Report`` whose
findings all carry a file and line (``locate``).  Files that cannot be validated at all
(unreadable, binary, too big, too deeply nested, empty, malformed, their prefixed names
expanding too far: ``expansion``) raise ``LoadError``.

New proposals are judged against the prebuilt graph when there is one: instead of the data
files, the proposals' neighbourhood in the store (``context``) stands in for the rest of the
graph, which was parsed, type-checked and passed the data checks when it was built; the steps
above then run as they do over the files, so the findings in the proposals are the same.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from ..build import checks, prefix_slips, spelling, truthy
from ..build.loading import LoadError, Problem, is_ill_typed
from ..clipping import bracketed
from ..project_files import by_role
from ..rdf import ONTOLOGY, file_of, from_text, in_role, is_role, term_text, to_ox
from ..settings import Settings
from ..wording import Said, worded
from . import (
    context,
    datatyped,
    focus,
    labelled,
    line_ends,
    merge,
    one_fact,
    quotes,
    redefinition,
    restated,
    said_once,
    second_value,
    shacl,
    shape_triples,
    unlinked,
    untyped,
)
from .inputs import Inputs
from .locate import Locator, data_lines
from .report import CHECK, Finding, Report, validate_data

_LABEL = ox.NamedNode(str(RDFS.label))
_TYPE = str(RDF.type)
# A copy of another evidence node: the finding is on its whole block, not on a line of it.
_DUPLICATE = str(CHECK["evidence-duplicate"])
# The extra checks run by validate: the build's data checks plus those in violations/validation.
CHECK_KINDS = ("data", "validation")
EXTRA_CHECKS = {
    "ill-typed-literal": "literal is not valid for its datatype",
    "proposal-redefines-ontology": "proposal declares or alters ontology terms",
    "proposal-blank-node": "blank node that add cannot write under one subject",
    "prefix-namespace": prefix_slips.TITLE,
    "text-line-ends": line_ends.TITLE,
}
# ``validate``'s default: look for the prebuilt graph (``context.prebuilt``).
FIND = "find"


def sources_missing(settings: Settings) -> Said:
    """Return the warning given when the source texts are not there to check quotes against
    (naming the setting as ``worded``'s caller gives it: ``report.render``'s ``name``)."""
    if by_role():  # POST /validate: its remote client is not told the server's folders
        return "the quote checks did NOT run: this server has no copy of the source texts"
    missing = quotes.missing_sources(settings.sources_dir)
    return Said(lambda n: "the quote checks did NOT run, so no quote, offset or source hash "
                          f"was compared with its text: {worded(missing, n)}, and validate again")


def validate(settings: Settings, paths: list[Path], prebuilt=FIND,
             inputs: Inputs | None = None, placement: bool = True) -> Report:
    """Validate ``paths`` together with the current graph and return the report.

    New proposals are validated against the prebuilt graph when there is one: ``prebuilt`` is
    a store holding the current build, None to read every input file instead, or ``FIND`` to
    use ``context.prebuilt(settings)``.  Against the store, only the proposals are read and
    checked, and what the shapes and checks need of the rest of the graph is looked up in it.
    Files that are already inputs (``validate data/*.ttl``) are always validated with every
    input file read and checked anew.

    ``inputs``, an ``Inputs`` of ``paths`` the caller made, is filled with what was read (``add``
    merges the proposal texts validated, not the files read again).

    ``placement`` warns when ``add`` could not place a conforming proposal's facts (no data
    file describes what it is about); ``add`` itself, which places them (``--into`` too),
    says False.

    Raises ``LoadError`` when a file cannot be validated at all.
    """
    if inputs is None:
        inputs = Inputs(settings, list(paths))
    if inputs.new != set(inputs.proposals):  # data files themselves: nothing to add
        return _validate(settings, inputs, None)
    if prebuilt is not None:
        # The proposals are read first: one that cannot be read stops here, before the graph
        # is opened (or built).
        inputs.read(inputs.ontology + inputs.proposed)
        inputs.fail_on_problems()
        if prebuilt is FIND:
            prebuilt = context.prebuilt(settings)
    report = _validate(settings, inputs, prebuilt)
    report.validate_data = validate_data(settings)  # its note's `validate data/*.ttl`
    if report.conforms and placement:
        report.warnings.extend(_placement(settings, inputs, prebuilt))
    return report


def _placement(settings: Settings, inputs: Inputs, prebuilt) -> list[str]:
    """Return why ``add`` could not place a conforming proposal's facts in data/ as it stands
    (no topic file describes an entity it is about): said now, not first by ``add``."""
    try:
        merge.destinations(settings.data_dir, inputs.paths, None, prebuilt,
                           texts=inputs.proposal_texts())
    except merge.MergeError as exc:
        return [Said(lambda n, why=exc: f"add would refuse this as it stands: {worded(why, n)}")]
    except OSError:  # a data file unreadable now: add will say so itself
        return []
    return []


def _validate(settings: Settings, inputs: Inputs, prebuilt) -> Report:
    """Validate the proposals of ``inputs`` against the data files (``prebuilt`` None) or
    against the neighbourhood of the proposals in ``prebuilt``, a store holding the build."""
    inputs.read(inputs.ontology + inputs.proposed)
    if prebuilt is None:
        inputs.read(inputs.data)
    inputs.fail_on_problems()
    if inputs.shapes_name not in inputs.texts:
        raise LoadError([Problem(inputs.shapes_name, None, "the shapes file is missing")])
    if prebuilt is not None:
        # The store holds the plain triples the build derived; they are derived again below
        # with the proposals' claims ranked among the stored ones.
        neighbours = context.neighbourhood(prebuilt, inputs.proposal_quads())
        stored = set(truthy.truthy_quads(neighbours))
        inputs.context = [q for q in neighbours if q not in stored]
    _leave_out_restated(inputs)
    skip = {in_role(ONTOLOGY, n) for n in settings.unreasoned_files}
    file_quads = [q for q in inputs.quads if file_of(q.graph_name) not in skip]
    derived = truthy.truthy_quads(file_quads)
    is_ontology = lambda q: is_role(q.graph_name, ONTOLOGY)  # noqa: E731
    # The shapes keep their blank nodes (sh:or lists, qualified value shapes) as blank nodes.
    shapes = Graph().parse(data=inputs.texts[inputs.shapes_name], format="turtle")
    data_quads = [q for q in file_quads + derived if not is_ontology(q)]
    labels = {q.subject: q.object.value for q in data_quads if q.predicate == _LABEL}
    literals = defaultdict(list)  # (node, property) -> the literals stated of it
    for q in data_quads:
        if isinstance(q.object, ox.Literal):
            literals[(q.subject, q.predicate)].append(q.object)
    locator = Locator(inputs)
    findings: list[Finding] = []

    def add(finding: Finding, node=None, path=None, value=None, name=None, line=None):
        if name is None:
            name, line = locator.locate(node, path, value)
        findings.append(dataclasses.replace(
            finding, file=inputs.display.get(name, name), line=line,
            focus_label=labels.get(node)))

    refused: dict = {}  # (file, line, ill-typed literal) -> (shape, node, property) refusing it
    focus_set = focus.proposal_focus(inputs.new, file_quads + derived)
    rows = shacl.shape_rows(
        settings, data_quads if focus_set is None else focus.described(focus_set, data_quads),
        [q for q in file_quads if is_ontology(q)], shapes, inputs.texts[inputs.shapes_name])
    for sev, msg, shape, sname, node, path, value, comp in rows:
        f, p, v = to_ox(node), to_ox(path), to_ox(value)
        if focus_set is not None and f not in focus_set:
            continue  # a node SHACL saw only by its type, for sh:class
        if isinstance(v, ox.Literal) and (is_ill_typed(v) or _rewritten(v, literals[(f, p)])):
            # "2019-13-01"^^xsd:date: the ill-typed-literal finding says what is wrong, on its
            # line; the shape said it must be an xsd:date, of a value typed so.  What the
            # shape takes is kept for that finding to say ("2021-05-01"^^xsd:dateTime of
            # ag:asOf, a date: it said how to write an xsd:dateTime).
            for stated in [v] if is_ill_typed(v) else literals[(f, p)]:
                refused[(*locator.locate(f, p, stated), stated)] = (str(shape), f, p)
            continue
        # A shape naming no one property (a closed list's, an alternative path's): the
        # triple at fault, which pyshacl does not name, is where the finding goes.
        at = (p, v) if p is not None else shape_triples.about(shapes, shape, f, v, locator.holds)
        if at[0] is not None and at[0].value != _TYPE:
            p = at[0]  # the property of an alternative path giving the value
        add(Finding(sev, msg, str(shape), sname, focus=term_text(f),
                    path=p.value if p is not None else None,
                    value=term_text(v) if v is not None else None, component=comp), f, *at)

    # The shapes go in too, as they are in the build's store: value-datatype leaves a
    # property whose shape gives its datatype to that shape.
    shapes_graph = in_role(ONTOLOGY, settings.shapes_file)
    store = checks.store_of(file_quads + derived + [
        q for q in inputs.quads if file_of(q.graph_name) == shapes_graph])
    for check in checks.all_checks(CHECK_KINDS):
        solutions = store.query(check.sparql, use_default_graph_as_union=True)
        # Checks about one property of a node project ?path and ?value; the others do not.
        has_path = any(v.value == "path" for v in solutions.variables)
        for row in solutions:
            name, node = file_of(row["graph"]), row["focus"]
            path = row["path"] if has_path else None
            value = row["value"] if path is not None else None
            if path is None:
                name, line = locator.locate(node, None, None, prefer=name)
            else:
                name, line = locator.locate(node, path, value)
            if path is None and isinstance(node, ox.BlankNode) and name in inputs.texts:
                # A blank node written as _:x (a claim or evidence node named so): where it is
                # described, not where a triple points at it (nothing may).
                line = locator.label_line(name, node.value) or line
            message = check.message_of(row)
            if check.name == "uncited-triple-violation" and value is not None:
                message += _stated_elsewhere(locator.claims_stating(node, path, value), name,
                                             inputs.display)
            add(Finding("Violation", message, str(CHECK[check.name]), check.title,
                        focus=term_text(node), path=path.value if path is not None else None,
                        value=term_text(value) if value is not None else None),
                node, name=name, line=line)

    for problem, quad in inputs.ill_typed:
        shape, node, path = refused.get((problem.file, problem.line, quad.object),
                                        (None, None, None))
        if path is None:  # no shape's finding, or one on a path of no one property
            node, path = quad.subject, quad.predicate
        message = datatyped.ill_typed(problem.message, quad.object, path.value, shapes, shape)
        add(Finding("Violation", message, str(CHECK["ill-typed-literal"]),
                    EXTRA_CHECKS["ill-typed-literal"], focus=term_text(node), path=path.value,
                    value=term_text(quad.object)),
            node, name=problem.file, line=problem.line)

    for q in line_ends.windows_breaks(inputs.quads, set(inputs.proposals)):
        add(Finding("Warning", line_ends.MESSAGE, str(CHECK["text-line-ends"]),
                    EXTRA_CHECKS["text-line-ends"], focus=term_text(q.subject),
                    path=q.predicate.value, value=term_text(q.object)),
            q.subject, q.predicate, q.object)

    for name, subject in redefinition.redefinitions(inputs.quads, inputs.new):
        # The term clipped (clipping.py): one of 60,000 characters was a finding of 60 KB.
        add(Finding("Violation", f"a proposal may not declare or alter ontology terms "
                    f"({bracketed(subject.value)}): ontology changes go to ontology/*.ttl by "
                    "review",
                    str(CHECK["proposal-redefines-ontology"]),
                    EXTRA_CHECKS["proposal-redefines-ontology"], focus=term_text(subject)),
            subject, name=name, line=locator.node_line(name, subject))

    for name in sorted(inputs.new):
        own = ((q.subject, q.predicate, q.object) for q in inputs.quads
               if file_of(q.graph_name) == name)
        for node, parents in merge.unplaceable_blank_nodes(own):
            where = "nothing points at it" if not parents else f"{parents} subjects point at it"
            # Where its _:label describes it, or where its [ opens a statement.
            line = locator.node_line(name, node)
            add(Finding("Violation", f"{merge.BLANK_NODE_RULE} ({where})",
                        str(CHECK["proposal-blank-node"]), EXTRA_CHECKS["proposal-blank-node"],
                        focus=term_text(node)), node, name=name, line=line)

    # A claim giving a property of one value another value than a claim of the graph, the
    # two unlinked: a disagreement of the sources recorded nowhere (``unlinked``).
    warnings: list = unlinked.unlinked(inputs.quads, set(inputs.proposals),
                                       unlinked.single_valued(shapes, inputs.quads),
                                       lambda name: inputs.display.get(name, name))
    if settings.sources_dir.is_dir():
        shown_as = lambda name: inputs.display.get(name, name)  # noqa: E731
        for f in quotes.check_quotes(store, settings.sources_dir, file_of, inputs.new, shown_as,
                                     prebuilt):
            node = from_text(f.focus)
            if f.path == quotes.CITING or (f.value is not None and f.shape != _DUPLICATE):
                # The line to change: a claim's citation naming the evidence, the quote, its
                # offset, its source, a hash (they were on the evidence node's first line);
                # a copy of another node is its whole block.
                line = locator.triple_line(f.file, node, ox.NamedNode(f.path), from_text(f.value))
            else:
                line = locator.node_line(f.file, node)
            add(f, node, name=f.file, line=line)
    else:
        warnings.append(sources_missing(settings))

    # A misspelt class or property (ag:rnk, a ag:Clam) is named with the term it most likely
    # meant, in each finding it causes: the checks said only what the slip broke.
    # A misspelt node (id:BlueFlg, ev:000-blue-flg) likewise, with the node it most likely
    # meant, looked for only when a finding names a node nothing describes.
    proposed = set(inputs.proposals)
    own = [q for q in inputs.quads if file_of(q.graph_name) in proposed]
    ontology_terms = [q for q in inputs.quads if is_ontology(q)]
    terms = spelling.hints(ontology_terms, own)
    named = {t for f in findings for t in (f.focus, f.value)
             if t is not None and t.startswith(("http://", "https://", "urn:", "file:"))}
    nodes = spelling.node_hints(named - set(terms) - spelling.named(ontology_terms),
                                store if prebuilt is None else prebuilt, own)
    meant = spelling.said(terms, nodes, spelling.datatype_hints(own))
    if meant:
        findings = [dataclasses.replace(f, message=spelling.hinted(
            f.message, f.focus, f.path, f.value, meant)) for f in findings]
    # A second rank (or any value of one) given to a node of data/ names the one held there,
    # and its line (a data file is read for it, once, where validation read none).
    # (``inputs.quads`` makes its list anew each time: once, not once per finding.)
    quads = inputs.quads
    second = second_value.SecondValues(quads, proposed, lambda name: inputs.display.get(
        name, name), data_lines(inputs, locator))
    findings = [dataclasses.replace(f, message=second.said(f)) for f in findings]
    # A value of another datatype than the shape's ("1948" for a founding date): how to write it.
    findings = [dataclasses.replace(f, message=datatyped.datatyped(f, shapes)) for f in findings]
    # A label where an entity's IRI belongs (rdf:subject "Blue Flag") names the entity.
    graph = store if prebuilt is None else prebuilt
    findings = [dataclasses.replace(f, message=labelled.labelled(f, graph)) for f in findings]
    # A claim written without `a ag:Claim`: one finding saying so, not one per line of it.
    findings = untyped.merged(findings, untyped.untyped_claims(quads, proposed, terms),
                              lambda name: inputs.display.get(name, name), locator.node_line,
                              meant)
    # A check's finding that a shape's says too (a missing rank, a misspelt ev: or src:).
    findings = said_once.said_once(findings)
    # A project prefix declared with another namespace: one finding on its line, not one on
    # each name it misread (after said_once: those it leaves out for a shape's are misread too).
    for name in inputs.proposals:
        own_quads = [q for q in own if file_of(q.graph_name) == name]
        slipped = prefix_slips.slips(inputs.texts[name], own_quads)
        if not slipped:
            continue
        shown_name, stated = inputs.display.get(name, name), prefix_slips.written(own_quads, slipped)
        findings = [f for f in findings if f.file != shown_name
                    or not prefix_slips.misread(f.focus, f.path, f.value, slipped,
                                                checks.missing(f.message), stated)]
        findings += [Finding("Violation", slip.message(), str(CHECK[prefix_slips.CHECK]),
                             EXTRA_CHECKS[prefix_slips.CHECK], file=shown_name, line=slip.line)
                     for slip in slipped]
    # Claims of one fact: one finding naming them all, where each claim had one.
    findings = one_fact.merged(findings, locator.fact_of, locator.claims_stating,
                               inputs.proposals, lambda name: inputs.display.get(name, name),
                               locator.node_line)

    # A proposal is judged on the findings in its own files; the rest of the graph's problems
    # are counted, not blamed on it (validate data/*.ttl to see them).
    # Against the prebuilt graph only the proposals' neighbourhood was looked at (the rest of
    # the graph was checked when it was built): count the findings on the nodes they describe.
    shown = {inputs.display[n] for n in inputs.proposals}
    # One finding per thing said: a shape whose constraints each fail on one value (a start
    # offset that is no integer breaks its datatype, minimum and order) said it three times.
    said: dict = {}
    for f in findings:
        said.setdefault(dataclasses.replace(f, component=None), f)
    unique = sorted(said.values(), key=lambda f: (f.file or "", f.line or 0, f.shape, f.focus or ""))
    seen = None if prebuilt is None else {term_text(n) for n in focus_set}
    # A claim of data/ that a proposal restates is reported as the proposal's claim is; it is
    # the proposal's doing, not a problem of data/ to look for there (a build refuses two
    # claims of one fact).
    restated = str(CHECK["claim-duplicate-violation"])
    return Report([f for f in unique if f.file in shown], sorted(shown),
                  elsewhere=sum(1 for f in unique if f.file not in shown
                                and f.shape != restated
                                and (seen is None or f.focus in seen)),
                  warnings=warnings)


def _rewritten(value: ox.Literal, stated: list) -> bool:
    """Return whether ``value``, a literal of a shape's finding, is rdflib's rewriting of an
    ill-typed literal the data states ("2016-05-31"^^xsd:dateTime came back as
    "2016-05-31T00:00:00": a second finding of one slip, on no line of its own)."""
    return value not in stated and any(
        s.datatype == value.datatype and is_ill_typed(s) for s in stated)


def _leave_out_restated(inputs: Inputs) -> None:
    """Drop from each new proposal the blank nodes the rest of the graph, or a proposal before
    it, already states."""
    if not inputs.new:
        return
    others = [q for q in inputs.quads if file_of(q.graph_name) not in inputs.new]
    for name in [n for n in inputs.proposals if n in inputs.new]:
        own = [q for q in inputs.quads if file_of(q.graph_name) == name]
        dropped = restated.restated(own, others)
        if dropped:
            inputs.drop(name, dropped)
        others += [q for q in own if q not in dropped]


def _stated_elsewhere(claims: list[tuple[str, ox.Node]], name: str, display: dict) -> str:
    """Return what to add to an uncited triple's finding when a claim of another file states
    it: the fact is in the graph already.  The finding alone said to write it as a cited
    claim, which would then be refused as a second claim of one fact."""
    held = [(display.get(g, g), node) for g, node in claims if g != name]
    if not held:
        return ""
    file, node = min(held, key=lambda h: (h[0], str(h[1])))
    # Named clipped (``clipping.py``): a claim of 60,000 characters was said whole, 60 KB before
    # the advice.
    claim = bracketed(node.value) if isinstance(node, ox.NamedNode) else "a blank-node claim"
    return (f" (claim {claim} in {file} states it already: leave the triple out, the fact is "
            "in the graph; to cite more evidence for it, add a prov:wasDerivedFrom to that "
            "claim)")
