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


class Topics:
    """The data file each subject block of a ``proposal`` goes to (``of``), what each entity
    is found in, and reaches by its claims' links, looked up once for all the blocks: a block
    of each of 6,000 label claims about one entity went over the entity's 6,000 claims again
    (and each looked its links up in the graph), and ``validate`` of them took 52 s."""

    def __init__(self, proposal, data, data_dir: Path):
        self.proposal, self.data, self.data_dir = proposal, data, data_dir
        self._files: dict = {}
        self._linked: dict = {}

    def of(self, subject) -> Path | None:
        """Return the data file that describes the entity a subject block is about."""
        # A claim, evidence node or source of data/ amended (a link, a note, a qualifier):
        # the file that holds it.
        proposal, data, data_dir = self.proposal, self.data, self.data_dir
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
        # The file of the first entity with claims in one, else of the first one that the
        # claims of an entity (in the same order) link it to.
        return next((f for f in map(self._file, entities) if f), None) or \
            next((f for f in map(self._by_links, entities) if f), None)

    def _file(self, entity) -> Path | None:
        if entity not in self._files:
            self._files[entity] = _first_file(self.data, self.data_dir, _SUBJECT, entity)
        return self._files[entity]

    def _by_links(self, entity) -> Path | None:
        if entity not in self._linked:
            linked = (o for claim in self.proposal.subjects(_SUBJECT, entity)
                      for o in self.proposal.objects(claim, _OBJECT) if isinstance(o, ox.NamedNode))
            self._linked[entity] = next((f for f in map(self._file, linked) if f), None)
        return self._linked[entity]
