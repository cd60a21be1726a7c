"""Which data file a proposal's subject block goes to: the topic file that already describes
its entity.  A claim, evidence node or source of data/ amended goes to the file holding it; new
evidence to the file of a claim of data/ citing it, else of its claims' subjects; a source
document to the file of the other source documents; a claim to the file with claims about its
rdf:subject, else about what it links to.  (``merge.plan`` asks; ``add --into`` overrides.)
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF

from ..namespaces import AG
from ..rdf import DATA, file_of, is_role

_TYPE = ox.NamedNode(str(RDF.type))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_OBJECT = ox.NamedNode(str(RDF.object))
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
_SOURCE_DOCUMENT = ox.NamedNode(str(AG.SourceDocument))
# The citation layer's nodes, each written in one block of one file.
_CITATION_KINDS = {ox.NamedNode(str(k)) for k in (AG.Claim, AG.Evidence, AG.SourceDocument)}


def _first_file(data, data_dir: Path, predicate, obj) -> Path | None:
    """Return the first data file (by name) holding a triple ``?s predicate obj``."""
    if not isinstance(obj, ox.NamedNode):
        return None
    names = {file_of(q.graph_name) for q in data.quads_for_pattern(None, predicate, obj)
             if is_role(q.graph_name, DATA)}
    return data_dir / Path(min(names)).name if names else None


def _holder(data, data_dir: Path, node) -> Path | None:
    """Return the data file holding ``node`` as a claim, evidence node or source, if one does."""
    held = {file_of(q.graph_name) for q in data.quads_for_pattern(node, _TYPE, None)
            if q.object in _CITATION_KINDS and is_role(q.graph_name, DATA)}
    return data_dir / Path(min(held)).name if held else None


def topic_of(subject, proposal, data, data_dir: Path) -> Path | None:
    """Return the data file that describes the entity a proposal's subject block is about."""
    # A claim, evidence node or source of data/ amended (a link, a note, a qualifier): the
    # file that holds it.
    held = _holder(data, data_dir, subject)
    if held:
        return held
    entities = list(proposal.objects(subject, _SUBJECT))
    citing = proposal.subjects(_DERIVED_FROM, subject)
    for claim in citing:  # new evidence newly cited by a claim of data/: that claim's file
        held = _holder(data, data_dir, claim)
        if held:
            return held
    for claim in citing:  # evidence: its claims
        entities.extend(proposal.objects(claim, _SUBJECT))
    if _SOURCE_DOCUMENT in proposal.objects(subject, _TYPE):
        found = _first_file(data, data_dir, _TYPE, _SOURCE_DOCUMENT)
        if found:
            return found
    entities.append(subject)
    for claim_subject in list(entities):  # then what the claims link the entity to
        for claim in proposal.subjects(_SUBJECT, claim_subject):
            entities.extend(o for o in proposal.objects(claim, _OBJECT)
                            if isinstance(o, ox.NamedNode))
    for entity in entities:
        found = _first_file(data, data_dir, _SUBJECT, entity)
        if found:
            return found
    return None
