"""Merge validated proposals into the topic files of data/, atomically and without duplicates.

Each subject block of a proposal goes to the topic file that already describes its entity: a
claim to the file with claims about its rdf:subject, an evidence node to the file of the first
claim citing it, a source document to the file of the other source documents; or all of them to
the file named with ``into``.  A block keeps only the facts not already in data/ (so re-adding is
a no-op) and is written in the project's layout (one subject block per entity, a blank line
between, the file's own prefixes).  What data/ already holds is looked up in a store: the
prebuilt graph the proposal was validated against, else the data files parsed by Oxigraph.
Every changed file is written to a temporary file, re-parsed, then renamed over the original;
if anything fails, every file keeps its old bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from ..build import checks, loading, reasoning
from ..build.lines import _PREFIX
from ..namespaces import AG, GRAPH, PREFIX_IRIS
from . import context

# Predicates in the order the data files write them; the rest follow alphabetically.
_ORDER = [str(p) for p in (RDF.type, RDF.subject, RDF.predicate, RDF.object, AG.validFrom,
                           AG.validUntil, AG.asOf, AG.rank, PROV.wasDerivedFrom)]
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[\w.\-]*[\w\-])?$")
_BARE = {str(XSD.integer): re.compile(r"^[+-]?\d+$"),
         str(XSD.decimal): re.compile(r"^[+-]?\d*\.\d+$"),
         str(XSD.boolean): re.compile(r"^(true|false)$")}


_DATA = str(GRAPH["data/"])
_TYPE = ox.NamedNode(str(RDF.type))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_SOURCE_DOCUMENT = ox.NamedNode(str(AG.SourceDocument))


class MergeError(Exception):
    """The proposal cannot be merged (no topic file for it, or a write failed)."""


@dataclass
class MergeResult:
    """What an add changed: subject blocks appended per data file (empty: nothing new)."""

    added: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Write RDF terms and subject blocks in Turtle with a file's prefixes."""

    def __init__(self, graph: Graph, prefixes: dict[str, str]):
        self.graph = graph
        self.prefixes = prefixes

    def iri(self, iri: str) -> str:
        if iri == str(RDF.type):
            return "a"
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"

    def term(self, term, depth: int = 1) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term)) if str(term) != str(RDF.type) else f"<{term}>"
        if isinstance(term, BNode):
            return self.inline(term, depth)
        if isinstance(term, Literal):
            lexical = str(term)
            dt = str(term.datatype) if term.datatype else None
            if dt in _BARE and _BARE[dt].match(lexical):
                return lexical
            quoted = '"' + (lexical.replace("\\", "\\\\").replace('"', '\\"')
                            .replace("\n", "\\n").replace("\r", "\\r")) + '"'
            if term.language:
                return f"{quoted}@{term.language}"
            if dt and dt != str(XSD.string):
                return f"{quoted}^^{self.iri(dt)}"
            return quoted
        raise MergeError(f"cannot write term {term!r}")

    def pairs(self, subject, skip=frozenset()) -> list[tuple[str, str]]:
        """Return (predicate, object) Turtle text pairs of ``subject``, in the project's order,
        leaving out those whose canonical form (project prefixes) is in ``skip``."""
        canon = _Writer(self.graph, PREFIX_IRIS) if skip else self
        out = []
        for p, o in self.graph.predicate_objects(subject):
            if skip and (canon.iri(str(p)), canon.term(o, 2)) in skip:
                continue
            out.append((_ORDER.index(str(p)) if str(p) in _ORDER else len(_ORDER), str(p),
                        self.iri(str(p)), self.term(o, 2)))
        return [(p, o) for _, _, p, o in sorted(out)]

    def inline(self, node: BNode, depth: int) -> str:
        pairs = self.pairs(node)
        return "[ " + " ; ".join(f"{p} {o}" for p, o in pairs) + " ]"

    def block(self, subject, pairs: list[tuple[str, str]]) -> str:
        lines = [f"{self.term(subject)} {pairs[0][0]} {pairs[0][1]}"]
        lines += [f"    {p} {o}" for p, o in pairs[1:]]
        return " ;\n".join(lines) + " .\n"


def _prefixes(text: str) -> dict[str, str]:
    return {p or "": ns for p, ns in _PREFIX.findall(text)}


def _ox(term) -> ox.NamedNode | None:
    return ox.NamedNode(str(term)) if isinstance(term, URIRef) else None


def _first_file(data: ox.Store, data_dir: Path, predicate, obj) -> Path | None:
    """Return the first data file (by name) holding a triple ``?s predicate obj``."""
    if obj is None:
        return None
    names = {checks.file_of(q.graph_name) for q in data.quads_for_pattern(None, predicate, obj)
             if q.graph_name.value.startswith(_DATA)}
    return data_dir / Path(min(names)).name if names else None


def _known(data: ox.Store, subject: URIRef) -> Graph:
    """Return what data/ states about ``subject`` (with the blank nodes it reaches)."""
    return reasoning.to_rdflib(context.describe(data, [ox.NamedNode(str(subject))]))


def _topic_of(subject: URIRef, proposal: Graph, data: ox.Store, data_dir: Path) -> Path | None:
    """Return the data file that describes the entity a proposal's subject block is about."""
    entities = []
    for s in proposal.objects(subject, RDF.subject):
        entities.append(s)
    for claim in proposal.subjects(PROV.wasDerivedFrom, subject):  # evidence: its claims
        entities.extend(proposal.objects(claim, RDF.subject))
    if (subject, RDF.type, AG.SourceDocument) in proposal:
        found = _first_file(data, data_dir, _TYPE, _SOURCE_DOCUMENT)
        if found:
            return found
    entities.append(subject)
    for claim_subject in list(entities):  # then what the claims link the entity to
        for claim in proposal.subjects(RDF.subject, claim_subject):
            entities.extend(o for o in proposal.objects(claim, RDF.object) if isinstance(o, URIRef))
    for entity in entities:
        found = _first_file(data, data_dir, _SUBJECT, _ox(entity))
        if found:
            return found
    return None


def _parsed(data_dir: Path) -> ox.Store:
    """Return a store of the data files, each in its named graph, as the build parses them."""
    store = ox.Store()
    for path in sorted(data_dir.glob("*.ttl")):
        name = f"data/{path.name}"
        store.extend(loading.parse_turtle(loading.read_text(path, name), name))
    return store


def plan(data_dir: Path, proposals: list[Path], into: Path | None = None,
         prebuilt: ox.Store | None = None):
    """Return the new text of each data file the proposals add facts to, and how many subject
    blocks each gets.

    What data/ already holds is looked up in ``prebuilt``, a store holding the build of
    data_dir (validation's prebuilt graph), or else in the data files parsed by Oxigraph.
    """
    data = prebuilt if prebuilt is not None else _parsed(data_dir)
    blocks: dict[Path, list[tuple]] = {}
    for proposal_path in proposals:
        proposal = Graph().parse(proposal_path, format="turtle")
        pwriter = _Writer(proposal, PREFIX_IRIS)
        # Blank nodes are written nested in the block that points at them; one that nothing
        # points at, or that two blocks share, would be lost or duplicated.
        for node in {s for s in proposal.subjects() if isinstance(s, BNode)}:
            if len(set(proposal.subject_predicates(node))) != 1:
                raise MergeError(f"{proposal_path}: a blank node ([ ... ]) must hang under exactly "
                                 "one subject; give a top-level node an IRI (claim:, ev:, id:)")
        for subject in sorted({s for s in proposal.subjects() if not isinstance(s, BNode)}):
            known = set(_Writer(_known(data, subject), PREFIX_IRIS).pairs(subject))
            if not set(pwriter.pairs(subject)) - known:
                continue  # every fact of this block is already in data/
            target = into or _topic_of(subject, proposal, data, data_dir)
            if target is None:
                raise MergeError(f"{proposal_path}: no topic file in {data_dir} describes "
                                 f"{subject} or what it links to; name one with --into FILE")
            target = data_dir / Path(target).name
            blocks.setdefault(target, []).append((proposal, subject, known,
                                                  _prefixes(proposal_path.read_text("utf-8"))))
    new_texts, counts = {}, {}
    for target, items in blocks.items():
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        prefixes = _prefixes(text)
        added_prefixes = {}
        rendered = []
        for proposal, subject, known, proposal_prefixes in items:
            for p, ns in proposal_prefixes.items():
                if p and p not in prefixes and ns not in prefixes.values():
                    added_prefixes[p] = prefixes[p] = ns
            writer = _Writer(proposal, prefixes)
            rendered.append(writer.block(subject, writer.pairs(subject, frozenset(known))))
        head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in added_prefixes.items())
        if head:
            last = max((m.end() for m in _PREFIX.finditer(text)), default=0)
            cut = text.find("\n", last) + 1 if last else 0
            text = text[:cut] + head + text[cut:]
        body = text.rstrip("\n")
        new_texts[target] = (body + "\n\n" if body else "") + "\n".join(rendered)
        counts[target] = len(rendered)
    return new_texts, counts


def write_atomically(new_texts: dict[Path, str]) -> None:
    """Replace each file with its new text; on any failure, leave every file as it was."""
    temps: dict[Path, str] = {}
    originals: dict[Path, bytes | None] = {}
    try:
        for path, text in new_texts.items():
            loading.parse_turtle(text, path.name)  # never write what does not parse back
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = tmp
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
        for path, tmp in temps.items():
            originals[path] = path.read_bytes() if path.exists() else None
            os.replace(tmp, path)
    except BaseException as exc:
        for path, old in originals.items():  # undo the renames already done
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old)
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, Exception):
            raise MergeError(f"could not write the data files, nothing changed: {exc}") from exc
        raise


def merge(data_dir: Path, proposals: list[Path], into: Path | None = None,
          prebuilt: ox.Store | None = None) -> MergeResult:
    """Append the proposals' new facts to the data files; return what was added where
    (``prebuilt``: as for ``plan``)."""
    new_texts, counts = plan(data_dir, proposals, into, prebuilt)
    write_atomically(new_texts)
    return MergeResult({str(p): n for p, n in counts.items()})
