"""Plan how validated proposals merge into the topic files of data/, without duplicates.

Each subject block of a proposal goes to the topic file that already describes its entity: a
claim to the file with claims about its rdf:subject, an evidence node to the file of the first
claim citing it, a source document to the file of the other source documents; or, a node data/
lacks, to the file named with ``into``.  A block keeps only the facts not already in data/ (so re-adding is
a no-op) and is written in the project's layout (one subject block per entity, a blank line
between, the file's own prefixes), where a contributor would write it: new facts of a node the
file holds inside its block (``amend``), a new block in its section or its subject's group
(``placement``), else at the end.  What data/ already holds is looked up in a store: the
prebuilt graph the proposal was validated against, else the data files parsed by Oxigraph.
``plan`` returns the new texts (each block written by ``blocks``); ``transaction.commit``
writes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import PROV

from ..build import loading
from ..build.lines import prefix_block_end
from ..build.turtle_tokens import prefixes
from ..namespaces import PREFIX_IRIS, shorten
from ..project_files import folder_shown, shown_name, turtle_files
from ..rdf import DATA, PrefixMap, in_role
from ..wording import Metavar, Said
from . import amend, context, placement
from .blocks import Triples, Writer, in_order, predicate_lines
from .topic import Topics

FILE = Metavar("FILE")  # the file to give ``into``

_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))


class MergeError(Exception):
    """The proposal cannot be merged (no topic file for it, or a shape the files cannot hold)."""


@dataclass
class MergeResult:
    """What an add changed: subject blocks added or amended per data file (empty: nothing new)."""

    added: dict[str, int] = field(default_factory=dict)


@dataclass
class Proposal:
    """A proposal file's triples and prefixes."""

    path: Path
    triples: Triples
    prefixes: dict[str, str]

    @classmethod
    def read(cls, path: Path, text: str | None = None) -> Proposal:
        """Return the proposal of ``text`` (as validated), else of the file at ``path``."""
        if text is None:
            text = loading.read_text(path, str(path))
        return cls(path, Triples(loading.parse_turtle(text, str(path))), prefixes(text))

    def check_blank_nodes(self) -> None:
        """Refuse blank nodes that would be lost (nothing points at them) or written twice."""
        if unplaceable_blank_nodes((s, p, o) for s, pairs in self.triples.by_subject.items()
                                   for p, o in pairs):
            raise MergeError(f"{self.path}: {BLANK_NODE_RULE}")


BLANK_NODE_RULE = ("a blank node ([ ... ] or _:name) must hang under exactly one subject; give "
                   "a top-level node an IRI (claim:, ev:, id:)")


def unplaceable_blank_nodes(triples) -> list[tuple[ox.BlankNode, int]]:
    """Return the blank nodes described in ``triples`` (subject, predicate, object each) that
    a subject block cannot hold, each with how many subjects point at it: none (it would be
    lost) or several (written twice).  ``validate`` reports them, so a proposal it passes is
    one ``add`` can write.  Only the triples of blank nodes are kept: ``validate`` asks of
    every triple of a proposal, and indexing them all (``blocks.Triples``, a tuple of terms
    per triple, each an object Python's collector walks) was most of its cost, where
    only the few blank nodes matter."""
    parents: dict[ox.BlankNode, set] = defaultdict(set)
    described: dict[ox.BlankNode, None] = {}  # in the order first described
    for s, p, o in triples:
        if isinstance(s, ox.BlankNode):
            described[s] = None
        if isinstance(o, ox.BlankNode):
            parents[o].add((s, p))
    return [(node, len(parents[node])) for node in described if len(parents[node]) != 1]


def _parsed(data_dir: Path) -> ox.Store:
    """Return a store of the data files, each in its named graph, as the build parses them."""
    store = ox.Store()
    for path in turtle_files(data_dir):
        name = in_role(DATA, path.name)
        store.extend(loading.parse_turtle(loading.read_text(path, name), name))
    return store


def check_into(data_dir: Path, into: Path | str | None) -> None:
    """Raise MergeError unless ``into`` (None: no file named) names a Turtle file of
    ``data_dir``: by its name alone, or by a path in that folder."""
    if into is None:
        return
    into = Path(into)
    if into.parent != Path(".") and into.parent.resolve() != Path(data_dir).resolve():
        # Facts go to the file of that name in the data folder: one named elsewhere got a
        # new data/<name> (ag.add(into="/home/me/notes.ttl") wrote data/notes.ttl).
        # The folder named as every message names it (``shown_name``): it was as given.
        folder = shown_name(Path(data_dir), "data")
        raise MergeError(Said(lambda n: f"{n('into', str(into))} is outside the data folder "
                                        f"{folder}; give a topic file's name, such as "
                                        "aid.ttl"))
    if not into.name.endswith(".ttl") or into.name.startswith("."):
        # The topic's name alone (--into installations), or with another extension
        # (installations.txt, installations.TTL), is a slip for its file's.
        stems = {into.name.lower(), Path(into.name).stem.lower()}
        meant = next((path.name for path in turtle_files(data_dir)
                      if path.name[:-len(".ttl")].lower() in stems), None)
        slip = f"; did you mean {meant}?" if meant else ""
        raise MergeError(Said(lambda n: f"{n('into', str(into))}: facts go to a Turtle file of "
                                        "the data folder, named <topic>.ttl (other files are "
                                        f"not read by the build){slip}"))
    try:  # as the build's own check of data/ (Settings.data_files), before it is written
        into.name.encode("utf-8")
    except UnicodeEncodeError:
        # Written, it stopped every later command: the build refuses a data file so named.
        raise MergeError(Said(lambda n: f"{n('into', str(into))}: the file's name is not "
                                        "UTF-8 text, and the build names each data file's "
                                        "graph by it; give a UTF-8 name, such as aid.ttl")) \
            from None


def plan(data_dir: Path, proposals: list[Path], into: Path | None = None,
         prebuilt: ox.Store | None = None, texts: dict[Path, str] | None = None):
    """Return the new text of each data file the proposals add facts to, and how many subject
    blocks each gets.

    ``texts`` holds the proposals' texts as they were validated, by path; a proposal not in
    it is read from its file.

    What data/ already holds is looked up in ``prebuilt``, a store holding the build of
    data_dir (validation's prebuilt graph), or else in the data files parsed by Oxigraph.
    """
    return _written(*destinations(data_dir, proposals, into, prebuilt, texts))


def destinations(data_dir: Path, proposals: list[Path], into: Path | None = None,
                 prebuilt: ox.Store | None = None, texts: dict[Path, str] | None = None):
    """Return, per data file, the subject blocks of the proposals that add facts to it (as
    ``plan`` takes them), and the store of what data/ holds they were judged by (``plan``'s
    arguments); raise ``MergeError`` where ``plan`` would, for a block with no file to go to.
    The data files themselves are not read (with a ``prebuilt`` graph): ``validate`` asks
    this alone, where writing the merged text of a 14 MB file to drop it was 0.3 s."""
    check_into(data_dir, into)
    data = prebuilt if prebuilt is not None else _parsed(data_dir)
    blocks: dict[Path, list[tuple]] = {}
    planned: dict[ox.Node, set] = defaultdict(set)  # facts an earlier proposal adds
    read = [Proposal.read(Path(p), (texts or {}).get(Path(p))) for p in proposals]
    # Where a block goes and what kind it is are read from every proposal of the add: a
    # claim of one file may cite the new evidence of another (validated together, they
    # conform), and that evidence goes to the citing claim's file.  (A proposal alone is
    # its own: a copy of its 60,000 facts, for 10,000 new ones, was that many more objects
    # for Python's collector to walk, at each of its full passes to the end of the add.)
    together = read[0].triples if len(read) == 1 else Triples(
        ox.Triple(s, p, o) for proposal in read
        for s, pairs in proposal.triples.by_subject.items() for p, o in pairs)
    topics = Topics(together, data, data_dir)
    for proposal_path, proposal in zip(proposals, read):
        proposal.check_blank_nodes()
        canon = Writer(proposal.triples, PREFIX_IRIS)
        named = (s for s in proposal.triples.by_subject if not isinstance(s, ox.BlankNode))
        for subject in sorted(named, key=lambda s: s.value):
            stored = Triples(context.describe(data, [subject]))
            known = set(Writer(stored, PREFIX_IRIS).pairs(subject)) | planned[subject]
            stated = set(canon.pairs(subject))
            if not stated - known:
                continue  # every fact of this block is already in data/ (or being added)
            planned[subject] |= stated
            new = into is not None and not stored.by_subject  # --into: new nodes' blocks only
            target = into if new else topics.of(subject) or into
            if target is None:
                said = shorten(subject.value)  # as data/ writes it: the whole IRI was said
                raise MergeError(Said(lambda n, p=proposal_path, s=said: (
                    f"{p}: no topic file in {folder_shown(data_dir, 'data/')} describes {s} or what it links to; "
                    f"name one with {n('into', FILE)}")))
            target = data_dir / Path(target).name
            kind = placement.kind(subject, together, stored)
            blocks.setdefault(target, []).append((proposal, subject, known, kind))
    return blocks, data


def _written(blocks: dict[Path, list[tuple]], data: ox.Store):
    """Return ``plan``'s new texts and counts for the ``destinations`` of the blocks."""
    new_texts, counts = {}, {}
    for target, items in blocks.items():
        # As the loader reads it, its byte-order mark and line ends written back as they were.
        text, written = placement.read_file(target.read_bytes() if target.exists() else b"")
        if not target.exists():
            text = placement.new_file({item[3][0] for item in items})
        # The file's own declarations, not an "@prefix" line inside one of its strings.
        found = placement.declarations(text)
        declared = prefixes(text) if found is None else found[0]
        # Prefixes the proposals declare and the file lacks; only those the blocks use are added.
        offered: dict[str, str] = {}
        namespaces = set(declared.values())
        for proposal in {id(item[0]): item[0] for item in items}.values():
            for p, ns in proposal.prefixes.items():
                if p and p not in declared and p not in offered and ns not in namespaces:
                    offered[p] = ns
                    namespaces.add(ns)
        usable = PrefixMap({**declared, **offered})
        sources = placement.sources_in(data, target) if any(
            item[3][0] == placement.SOURCE for item in items) else []
        # An amendment or a placement the file did not take as planned: the new facts in
        # blocks of their own, then at the end of the file (as before either was written).
        for amending, placing in _ATTEMPTS:
            merged, blocks_written = _merged(text, items, usable, offered, amending, placing,
                                             sources)
            if merged is not None:
                break
        new_texts[target] = written(merged)
        counts[target] = blocks_written
    return new_texts, counts


_ATTEMPTS = [(True, True), (True, False), (False, True), (False, False)]


def _merged(text: str, items, usable: PrefixMap, offered: dict[str, str], amending: bool,
            placing: bool = False, sources=()):
    """Return a data file's ``text`` with the subject blocks of ``items`` added, and how many:
    the new facts of a node the file already has a block for inside that block (``amend``)
    when ``amending``, every other block in its section or group when ``placing``
    (``placement``; ``sources``: the file's source documents), else at the end.  None for the
    text when an amendment or a placement would not state exactly the old facts and the new
    ones."""
    before, rendered, amended, edits = text, [], [], []
    # One block per subject: facts of one node from several proposals (a new evidence node in
    # one, a note on it in another) were written as two blocks of one subject.
    subjects: dict[ox.Node, tuple] = {}
    # One writer per proposal, so that each IRI and value is written once (``Writer``
    # remembers them): a writer per block wrote ag:Claim, the evidence's IRI and each
    # predicate anew for each of 10,000 blocks.
    writers: dict[int, Writer] = {}
    for proposal, subject, known, kind in items:
        writer = writers.get(id(proposal))
        if writer is None:
            writer = writers[id(proposal)] = Writer(proposal.triples, usable)
        keyed = writer.keyed_pairs(subject, frozenset(known))
        if subject in subjects:
            subjects[subject][1].extend(keyed)
        else:  # the first proposal's writer and view of data/ (later ones know its facts)
            subjects[subject] = (writer, keyed, kind, bool(known))
    for subject, (writer, keyed, (kind, entity), held) in subjects.items():
        pairs = in_order(keyed)
        block = writer.block(subject, pairs)
        edits.append((writer.subject(subject), predicate_lines(pairs),
                       placement.Block(block, kind, writer.term(entity) if entity else ""),
                       held))
    cites = Writer(Triples([]), usable).predicate(_DERIVED_FROM)
    tried = [e for e in edits if amending and e[3]]  # a node data/ holds: its block, if here
    text, applied = amend.insert(text, [(s, lines) for s, lines, _, _ in tried], cites)
    inside = {id(e) for e, done in zip(tried, applied) if done}
    for edit in edits:
        (amended if id(edit) in inside else rendered).append(edit[2])
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in offered.items() if p in usable.used)
    if head:
        # After the line of the file's last declaration: a line inside a string that reads like
        # one took the new prefixes into the string.
        found = placement.declarations(text)
        cut = prefix_block_end(text) if found is None \
            else found[1] + (0 < found[1] < len(text))
        if 0 < cut == len(text) and not text.endswith("\n"):
            text, cut = text + "\n", cut + 1
        text = text[:cut] + head + text[cut:]
    left = rendered
    if placing:
        # Written with the file's prefixes, not counted as used: a name to look for is no reason
        # to declare a prefix.
        file_sources = Writer(Triples([]), PrefixMap(usable.prefixes))
        text, left = placement.place(text, rendered,
                                     frozenset(file_sources.subject(s) for s in sources))
    body = text.rstrip("\n")
    merged = (body + "\n\n" if body and left else body + "\n" if body else "") \
        + "\n".join(b.text for b in left)
    if (amended or len(left) < len(rendered)) and not amend.same_facts(
            before, merged, [b.text for b in amended + rendered]):
        return None, 0
    return merged, len(rendered) + len(amended)
