"""Read the files a validation needs: the ontology, the proposals, and the data when asked.

Every file becomes quads in its own named graph plus its text (for file:line); a proposal's
leading byte order mark is dropped.  ``add`` merges the proposal texts read here, so what it
writes is what was validated, however the files change meanwhile.  A proposal that
cannot be validated at all (missing, not a regular file, too big, binary, not UTF-8, malformed,
empty, nested past the limits, or holding a term past ``MAX_TERM_CHARS``) is a ``LoadError``
naming the file and, where known, the line.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..build import hints, lists, loading
from ..build.lines import LineIndex, line_number
from ..build.loading import LoadError, Problem
from ..build.places import Places
from ..project_files import shown_name, turtle_files
from ..rdf import DATA, ONTOLOGY, in_role
from ..settings import Settings
from . import expansion

_FIRST = ox.NamedNode(str(RDF.first))
_REST = ox.NamedNode(str(RDF.rest))
# The longest literal or IRI a proposal may hold: fifty times the longest text the shapes
# allow (agsh:short-text, 2,000 characters), so a text over that limit is the shapes'
# finding, and one past this is refused before anything looks at it.  Finding a finding's
# line tokenizes the file, and one literal of 4.9 MB took 900 MB to tokenize (an IRI as
# long, 1.4 GB): refused here, it takes a pass over the parsed triples.
MAX_TERM_CHARS = 100_000


class _Shown(dict):
    """Each file's graph name -> its name shown (``Inputs.display``).  A data or ontology file
    not there now, deleted since the build the graph is read from, is named where its folder
    holds it (``shown_name``), not by the graph's name: ``data/x.ttl``, whatever --data
    named, was the project's own file run from the project."""

    def __init__(self, settings: Settings):
        super().__init__()
        self.folders = {DATA: settings.data_dir, ONTOLOGY: settings.ontology_dir}

    def get(self, name, default=None):
        role, _, file = str(name).partition("/")
        if name in self or role not in self.folders or not file or "/" in file:
            return super().get(name, default)
        return shown_name(self.folders[role] / file, name)


class Inputs:
    """The input files: their quads and texts, keyed by graph name, and which are proposals.

    Files are read on demand (``read``): the ontology and the proposals always, the data files
    only when the proposals are validated against the files rather than the prebuilt graph,
    whose neighbourhood of the proposals then stands in for them (``context``).
    """

    def __init__(self, settings: Settings, paths: list[Path]):
        self.settings = settings
        self.display = _Shown(settings)         # graph name -> file name shown to people
        self.proposals: list[str] = []          # graph names of the proposed files
        self.new: set[str] = set()              # proposals that are not already inputs
        # Each ill-typed literal's Problem and the triple stating it (its shape is asked
        # what datatype the property takes: ``datatyped.ill_typed``).
        self.ill_typed: list[tuple[Problem, ox.Quad]] = []
        self.context: list[ox.Quad] = []        # quads of the prebuilt graph standing in for data/
        self.shapes_name = in_role(ONTOLOGY, settings.shapes_file)
        self._quads: dict[str, list[ox.Quad]] = {}
        self._texts: dict[str, str] = {}
        self._problems: dict[str, list[Problem]] = {}
        self.ontology = [(p, in_role(ONTOLOGY, p.name), None)
                         for p in turtle_files(settings.ontology_dir)]
        self.data = [(p, in_role(DATA, p.name), None)
                     for p in turtle_files(settings.data_dir)]
        named = {p.resolve(): name for p, name, _ in self.ontology + self.data}
        self.proposed = []
        self.paths = [Path(p) for p in paths]
        for i, p in enumerate(paths):
            resolved = Path(p).resolve()
            if resolved in named:
                self.proposals.append(named[resolved])
                continue
            # Proposals live under graph/data/ so the data checks treat them as data files.
            name = in_role(DATA, f"proposal-{i}/{Path(p).name}")
            self.proposals.append(name)
            self.new.add(name)
            self.proposed.append((Path(p), name, str(p)))
        # A file of ontology/ or data/ as its reader opens it (``shown_name``); a proposal as
        # its path was given.
        for path, name, shown in self.ontology + self.data + self.proposed:
            self.display[name] = shown or shown_name(path, name)

    def read(self, files) -> None:
        """Read and parse ``files`` (path, graph name, name shown) not read yet, noting problems."""
        for path, name, shown in files:
            if name in self._texts or name in self._problems:
                continue
            try:
                self._load(path, name, shown)
            except LoadError as exc:
                self._problems[name] = [dataclasses.replace(
                    q, file=shown or self.display.get(name, name)) for q in exc.problems]

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

    def data_text(self, name: str) -> str | None:
        """Return the text of data file ``name`` (a graph name) when validation did not read it
        (against the prebuilt graph), for the lines of what it holds alone; None when there is
        no such file or it cannot be read now."""
        path = next((p for p, n, _ in self.data if n == name), None)
        if path is None or not path.is_file():  # a pipe put there since hung the validation
            return None
        try:
            return loading.read_text(path, name)
        except LoadError:  # (changed since the build: the line is left out, not the finding)
            return None

    def proposal_texts(self) -> dict[Path, str]:
        """Return the text of each proposal as it was read and validated, by its path."""
        return {path: self._texts[name] for path, name in zip(self.paths, self.proposals)
                if name in self._texts}

    def proposal_quads(self) -> list[ox.Quad]:
        """Return the quads of the new proposals."""
        return [q for _, name, _ in self.proposed for q in self._quads.get(name, ())]

    def drop(self, name: str, quads: set[ox.Quad]) -> None:
        """Forget ``quads`` of file ``name`` (what a proposal restates of the graph)."""
        self._quads[name] = [q for q in self._quads.get(name, ()) if q not in quads]

    def _load(self, path: Path, name: str, shown: str | None):
        settings = self.settings
        if shown is not None:
            if not path.is_file():
                raise LoadError([Problem(shown, None, _not_a_file(path))])
            size = path.stat().st_size
            if size > settings.max_proposal_bytes:
                raise LoadError([Problem(shown, None, f"is {size} bytes, over the "
                                         f"{settings.max_proposal_bytes}-byte limit for a "
                                         "proposal: split it into smaller files")])
        text = loading.read_text(path, shown or name)
        if shown is not None:  # a proposal: its names, written out whole, bounded first
            too_far = expansion.problem(text, shown)
            if too_far is not None:
                raise LoadError([too_far])
        try:
            quads = loading.parse_turtle(text, name)
        except LoadError as exc:
            other = hints.other_format(text) if shown is not None else ""
            if other:  # a whole file of another format: no line of it is the one to fix
                raise LoadError([Problem(shown, None, other)]) from exc
            raise
        if shown is not None:
            if not quads:
                raise LoadError([Problem(shown, None, "is empty: it states no triples to validate")])
            too_deep = nesting_problem(quads, text, name, settings)
            if too_deep is not None:
                raise LoadError([dataclasses.replace(too_deep, file=shown)])
            too_long = long_term_problem(quads, text, shown)
            if too_long is not None:
                raise LoadError([too_long])
            round_a_cycle = list_cycle_problem(quads, text, name)
            if round_a_cycle is not None:
                raise LoadError([dataclasses.replace(round_a_cycle, file=shown)])
        self._texts[name] = text
        self._quads[name] = quads
        bad = [q for q in quads
               if isinstance(q.object, ox.Literal) and loading.is_ill_typed(q.object)]
        if bad:
            problems = loading.ill_typed_report([q.object for q in bad], text, name)
            self.ill_typed.extend(zip(problems, bad))


def _not_a_file(path: Path) -> str:
    """Return why ``path``, which is no regular file, cannot be read as a proposal."""
    if path.is_dir():  # "is not a regular file" left a folder of proposals to guess at
        return (f"is a folder, not a proposal: name the Turtle files in it "
                f"({(path / '*.ttl').as_posix()})")
    if path.exists():
        return "is not a regular file"
    if path.is_symlink():
        return f"is a symbolic link to {os.readlink(path)}, which does not exist"
    if str(path) == "-":  # as `query -` reads standard input
        return ("standard input is not read as a proposal (a proposal needs a file for "
                "file:line and for add to merge what was validated): save it to a file, "
                "such as proposal.ttl, and name that")
    return "no such file"


def list_cycle_problem(quads: list[ox.Quad], text: str, name: str) -> Problem | None:
    """Return the Problem of the first list of the proposal (file ``name``) whose rdf:rest
    leads back into itself (``lists.cycles``, on the line that closes it); None if none.
    The shapes read such a list to its end: validate stopped on a traceback from pyshacl
    ("ValueError: List contains a recursive rdf:rest reference"), POST /validate on a 503."""
    if not any(q.predicate == _REST for q in quads):
        return None
    scoped = loading.blank_scope(name)  # its nodes named as a build names them, labels kept
    store = ox.Store()
    store.extend(ox.Quad(scoped(q.subject), q.predicate, scoped(q.object), q.graph_name)
                 for q in quads)
    found = lists.cycles(store, Places(store, LineIndex({name: text})))
    return found[0] if found else None


def long_term_problem(quads: list[ox.Quad], text: str, shown: str) -> Problem | None:
    """Return the Problem of the first literal or IRI longer than ``MAX_TERM_CHARS``, with the
    line its first characters are written on where they are found as written; None if none."""
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.BlankNode) or len(term.value) <= MAX_TERM_CHARS:
                continue
            kind = "literal" if isinstance(term, ox.Literal) else "IRI"
            a = "an" if kind == "IRI" else "a"
            # An IRI written as a prefixed name holds its end as written; a literal, its start.
            at = text.find(term.value[:100] if kind == "literal" else term.value[-100:])
            line = None if at < 0 else line_number(text, at)
            return Problem(shown, line, f"holds {a} {kind} of {len(term.value):,} characters, "
                           f"over the {MAX_TERM_CHARS:,} a proposal may hold (a text of the "
                           "graph is at most 2,000 characters, a name far less): shorten it")
    return None


def nesting_problem(quads: list[ox.Quad], text: str, name: str,
                    settings: Settings) -> Problem | None:
    """Return the Problem of blank nodes nested past ``settings.max_nesting`` levels (a list of
    more items than that, said as a list), or of lists nested in lists past
    ``settings.max_list_nesting``; None when the file stays within both.

    Depths are counted on the parsed triples, walking each chain once, so the check itself
    takes linear time however deep the input goes.
    """
    parent: dict[ox.BlankNode, ox.Quad] = {}
    for q in quads:
        if isinstance(q.object, ox.BlankNode):
            parent[q.object] = q
    # A list's rest is a blank node inside the one before it, so a flat list of 100,000 items
    # is as deep as 100,000 nested [ ... ], and is walked as deep; but it was said as
    # "blank nodes ... nested 100000 deep" to a user who wrote no nesting.  So each chain
    # also counts the longest list on it: the items of a list, one rdf:rest after another.
    # blank node -> (nesting, list nesting, rdf:rest links just above it, longest list above)
    depth: dict[ox.BlankNode, tuple[int, int, int, int]] = {}
    for start in parent:
        chain, on_chain, node = [], set(), start
        while isinstance(node, ox.BlankNode) and node in parent and node not in depth:
            if node in on_chain:
                break  # a cycle of blank nodes (only possible with _:labels)
            chain.append(node)
            on_chain.add(node)
            node = parent[node].subject
        nesting, lists, rests, longest = depth.get(node, (0, 0, 0, 0))
        for node in reversed(chain):
            nesting += 1
            lists += parent[node].predicate == _FIRST
            rests = rests + 1 if parent[node].predicate == _REST else 0
            longest = max(longest, rests + 1 if rests else 0)
            depth[node] = (nesting, lists, rests, longest)
    if not depth:
        return None
    deepest = max(depth, key=lambda n: depth[n][0])
    in_lists = max(depth, key=lambda n: depth[n][1])
    advice = ": give the inner nodes IRIs of their own"  # after the node they hang under
    if depth[in_lists][1] > settings.max_list_nesting:
        deepest = in_lists
        what = (f"lists nested {depth[in_lists][1]:,} deep, over the limit of "
                f"{settings.max_list_nesting:,} (no fact of this graph needs lists of lists)")
    elif depth[deepest][0] <= settings.max_nesting:
        return None
    elif depth[deepest][3] > settings.max_nesting:
        what = f"a list of {depth[deepest][3]:,} items"
        advice = (f", over the limit of {settings.max_nesting:,} a list may hold (its rest after "
                  "each item is a blank node inside the one before it): split it into "
                  "shorter lists")
    else:
        what = (f"blank nodes ([ ... ], or a list's items) nested {depth[deepest][0]:,} deep, "
                f"over the limit of {settings.max_nesting:,}")
    root = deepest
    for _ in range(depth[deepest][0]):  # up the chain to the node it hangs under
        if not isinstance(root, ox.BlankNode) or root not in parent:
            break
        root = parent[root].subject
    named = isinstance(root, ox.NamedNode)
    line = LineIndex({name: text}).line_of(name, root.value) if named else None
    under = f" under {root.value}" if named else ""
    return Problem(name, line, f"{what}{under}{advice}")
