"""Run pyshacl as the project does, and read its report back as plain rows.

pyshacl runs with ``inference="none"``: the ontology is mixed into the data graph, so
``sh:targetClass`` and ``sh:class`` already see ``rdfs:subClassOf``; RDFS inference added time
and no finding on the shipped data (docs/validation.md has the figures).  The shapes are checked
against SHACL-SHACL (``meta_shacl``) once per shapes file, remembered by a marker file.
The data reaches pyshacl with its blank nodes as blank nodes (``rdf.to_rdflib(...,
keep_ids=True)``), so that ``sh:nodeKind`` sees them as what they are: as skolem IRIs they
passed ``sh:nodeKind sh:IRI``, and a claim whose rdf:subject was ``[ ]`` conformed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ..atomic import write_atomically
from ..build.loading import LoadError, Problem
from ..rdf import ONTOLOGY, in_role, quiet_rdflib, to_rdflib
from ..settings import Settings


def run_shacl(data: Graph, ontology: Graph, shapes: Graph, meta_shacl: bool = True,
              shapes_name: str = in_role(ONTOLOGY, Settings.shapes_file)) -> Graph:
    """Run pyshacl over ``data`` (which it extends with the ontology) and return its report.

    Raises ``LoadError`` when ``meta_shacl`` finds the shapes themselves ill-formed.
    """
    try:
        # pyshacl copies each value it reports into its report, and rdflib logged a whole
        # traceback for an ill-typed one on validate's stderr (its finding says it).
        with quiet_rdflib():
            _conforms, report_graph, _text = pyshacl.validate(
                data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                meta_shacl=meta_shacl, allow_warnings=True, advanced=False,
                iterate_rules=False, inplace=True)  # the ontology mixed into ``data``
    except ReportableRuntimeError as exc:
        raise LoadError([Problem(shapes_name, None,
                                 f"the shapes are not valid SHACL: {exc.message}")]) from exc
    return report_graph


def meta_marker(settings: Settings, shapes_text: str) -> Path:
    """Return the marker file saying these exact shapes passed pyshacl's meta-SHACL check.

    Checking the shapes against SHACL-SHACL takes seconds, three quarters of a run; it is done
    with ``meta_shacl=True`` whenever the shapes file changes, and remembered by its hash.
    """
    digest = hashlib.sha256(f"{pyshacl.__version__}\0{shapes_text}".encode()).hexdigest()
    return settings.cache_dir / f"shapes-meta-ok-{digest[:32]}"


def validate_with_shapes(settings: Settings, data: Graph, ontology: Graph, shapes: Graph,
                         shapes_text: str) -> Graph:
    """Run the shapes over ``data``, meta-checking them first if this shapes text is new."""
    marker = meta_marker(settings, shapes_text)
    checked = marker.exists()
    report_graph = run_shacl(data, ontology, shapes, meta_shacl=not checked,
                             shapes_name=in_role(ONTOLOGY, settings.shapes_file))
    if not checked:
        marker.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(marker, b"")
    return report_graph


def shape_rows(settings: Settings, data_quads, ontology_quads, shapes: Graph,
               shapes_text: str) -> list[tuple]:
    """Return the ``shacl_rows`` of the shapes run over ``data_quads`` with ``ontology_quads``
    (``validate_with_shapes``, the rdflib graphs made here).

    The graphs live only while pyshacl reads them.  An rdflib graph is a web of objects that
    refer to each other, so only a full pass of Python's collector frees it, and each full pass
    walks every object still held: held by ``validation`` while its other checks ran, the
    graph of 10,000 new facts (a million objects) was walked by each pass to the end of the
    add, 0.15 to 0.3 s a pass."""
    data = to_rdflib(data_quads, keep_ids=True)
    ontology = to_rdflib(ontology_quads, skolem=True)
    return shacl_rows(validate_with_shapes(settings, data, ontology, shapes, shapes_text),
                      shapes)


def shacl_rows(report_graph: Graph, shapes: Graph) -> list[tuple]:
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
