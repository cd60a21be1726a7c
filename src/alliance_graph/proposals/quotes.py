"""Check every quote against its source text: verbatim, with its context and offsets.

SHACL can say that an evidence node has a non-empty quote; only the source text can say that the
quote is really there.  Each evidence node's ``oa:exact`` (with ``oa:prefix``/``oa:suffix`` when
given) must occur in the source file, ``oa:start``/``oa:end`` must cut exactly the quote out of
it, and a source document's ``ag:sha256`` must match its file, so an edited source is noticed.

The text also says which passage a quote cites, so two evidence nodes for one passage are found
(``evidence-duplicate``): one passage cited twice would count as two pieces of support, and the
existing node is the one to cite.  A proposal is judged on what it does to the merged graph:
a new evidence node it cites, or an evidence node of the graph that no claim cited and that it
now cites, beside another node for the passage that a claim cites.  What data/ held before is
not its doing.
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

import pyoxigraph as ox

from ..clipping import clipped, cut
from ..namespaces import AG, OA, PROV, sparql_prologue
from ..project_files import by_role, shown_name
from ..rdf import term_text
from ..sources.citations import QuoteNotFound, locate, not_recorded, occurrences, sha256_of

# Said by cite too, whose library function (sources/) cannot import this layer: kept here
# for validation, which says it when the quote checks cannot run.
from ..sources.citations import missing_sources as missing_sources
from ..sources.departure import departure
from ..sources.folder_names import named_instead, source_names
from ..sources.reading import SourceNotText, read_source, unreadable
from ..sources.recorded import there
from ..wording import Said
from .report import CHECK, Finding

CHECKS = {
    "source-file-missing": "source file of the evidence is not in the sources folder",
    "quote-not-verbatim": "quote is not verbatim in its source",
    "quote-offsets-wrong": "quote offsets do not cut the quote out of its source",
    "source-hash-mismatch": "source document's SHA-256 does not match its file",
    "evidence-duplicate": "evidence node cited for a passage another evidence node quotes",
}
# A source file that cannot be read as a text, as ``check`` names it (``sources/recorded.py``):
# the sources folder's fault, not a rule a proposal can break (its shape fixture brings its
# own file, tests/fixtures/shapes/sources/).
UNREADABLE = "source-unreadable"
UNREADABLE_TITLE = "source file cannot be read as a text"

# A quote and the offsets said of it may be in two files: a proposal restating an evidence
# block of data/ with other offsets keeps only its position selector (``restated``).
_EVIDENCE = sparql_prologue() + """
SELECT ?graph ?ev ?source ?file ?exact ?prefix ?suffix ?positionGraph ?start ?end WHERE {
  GRAPH ?graph { ?ev a ag:Evidence ; oa:hasSource ?source ; oa:hasSelector ?sel .
                 ?sel a oa:TextQuoteSelector ; oa:exact ?exact .
                 OPTIONAL { ?sel oa:prefix ?prefix } OPTIONAL { ?sel oa:suffix ?suffix } }
  OPTIONAL { GRAPH ?g2 { ?source ag:fileName ?file } }
  OPTIONAL { GRAPH ?positionGraph { ?ev oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ;
                                    oa:start ?start ; oa:end ?end } }
}"""

# Which claims cite which evidence, in which file: whether a claim of data/ cites a node, or
# only a proposal's claim does, tells whose doing a passage cited twice is.
_CITATIONS = sparql_prologue() + """
SELECT ?graph ?claim ?ev WHERE { GRAPH ?graph { ?claim prov:wasDerivedFrom ?ev } }"""

# What writes an evidence block for a passage, as a library caller calls it (the command line
# names its command: ``wording.COMMANDS``).
CITE = "ag.cite(source, quote)"

# The path of a finding on a claim's citation of evidence (located on that line).
CITING = str(PROV.wasDerivedFrom)

_SOURCES = sparql_prologue() + """
SELECT ?graph ?source ?file ?sha WHERE {
  GRAPH ?graph { ?source a ag:SourceDocument ; ag:sha256 ?sha . OPTIONAL { ?source ag:fileName ?file } }
}"""


def _finding(name: str, graph: str, focus: str, message: str, path: str | None = None,
             value: str | None = None) -> Finding:
    """Return a check Finding; ``file`` holds the graph name until the caller locates it."""
    return Finding("Violation", message, str(CHECK[name]), CHECKS[name], focus=focus,
                   path=path, value=value, file=graph)


def _file_name(source: ox.NamedNode, file: ox.Literal | None) -> str:
    """Return the source's file name: its ag:fileName, else the last segment of its IRI."""
    return file.value if file is not None else source.value.rsplit("/", 1)[-1]


class Unread(str):
    """Why a source file cannot be read as a text (``reading.unreadable``), in its text's
    place: one (not UTF-8, a folder) stopped the whole validation, exit 2, every other finding
    unsaid, and ``POST /validate`` answered that the server's graph could not be read."""


def _text(sources_dir: Path, names: set[str], name: str, cache: dict) -> str | None:
    """Return the text of source file ``name``, None when ``names`` (the sources folder's
    files, ``source_names``) has no file of that very name, an ``Unread`` when it is no text."""
    if name not in cache:
        path = sources_dir / name
        try:
            # A name the folder holds no file of but something else of (a folder, a link to
            # nothing or round in a loop) is that, not a file missing: it stopped validate.
            cache[name] = read_source(path) if name in names else \
                Unread(unreadable(path)) if there(sources_dir, name) else None
        except (SourceNotText, OSError) as exc:  # why, as read: not read a second time
            cache[name] = Unread(getattr(exc, "why", None) or unreadable(path)
                                 or "a file that cannot be read")
    return cache[name]


def _unread(sources_dir: Path, name: str, why: str, graph: str, focus: str, source) -> Finding:
    """Return the finding of a source file that cannot be read as a text: named as its reader
    opens it (``shown_name``), or, to ``POST /validate``'s remote client, as the server's."""
    where = f"the server's source text {name}" if by_role() else \
        f"source file {shown_name(sources_dir / name, name)}"
    return Finding("Violation", f"{where} cannot be read as a text: it is {why}; no quote or "
                   "offset of it was checked", str(CHECK[UNREADABLE]), UNREADABLE_TITLE,
                   focus=focus, path=str(OA.hasSource), value=term_text(source), file=graph)


def _not_verbatim(name: str, why: QuoteNotFound, text: str, exact: str,
                  elsewhere: str = "") -> Said:
    """Say that a quote is not in its text, where it departs from it, and what copies it from
    the text: ``ag.cite`` to a library caller, ``alliance-graph cite`` to the command line's
    user (``wording.COMMANDS``); or, when another source holds it word for word
    (``elsewhere``, from ``_found_in``), that its source is the one to change."""
    # The text of ``why``, not the exception: a message keeping it kept its traceback, and the
    # frames there the validation's query result, in a reference cycle (query/answer.py).
    said = str(why)
    if elsewhere:
        return Said(lambda n: f"quote not found in {name}: {said}; {elsewhere}")
    where = departure(text, exact)
    return Said(lambda n: f"quote not found in {name}: {said}; {where}copy it from the text "
                          f"({n(CITE)})")


# The occurrences of a quote compared with its context, and the characters of the context
# compared: each comparison is quadratic in its length, and a one-letter quote with a long
# prefix took 5.6 s over a 16 KB text's 2,307 occurrences (a user's text may be megabytes).
_COMPARED, _CONTEXT = 100, 200


def _context_said(text: str, exact: str, prefix: str | None, suffix: str | None) -> str:
    """Return how the given ``prefix`` or ``suffix`` of a quote the text holds departs from
    the text around it: the text as long as it, just before (after) the occurrence it is
    likest, beside it.  ``locate`` found no occurrence with both."""
    starts = occurrences(text, exact)
    if prefix is not None and not any(text.endswith(prefix, 0, s) for s in starts):
        near = prefix[-_CONTEXT:]  # its end, next to the quote
        held = max((text[max(0, s - len(near)):s] for s in starts[:_COMPARED]),
                   key=lambda t: SequenceMatcher(None, t, near, autojunk=False).ratio())
        # Each said by its end near the quote (``clipping.cut``): a prefix may be long.
        return (f"the text just before it is {cut(held, -60)!r} where its oa:prefix is "
                f"{cut(prefix, -60)!r} (a prefix ends where the quote begins, white space "
                "and line breaks included)")
    near = (suffix or "")[:_CONTEXT]
    held = max((text[s + len(exact):s + len(exact) + len(near)] for s in starts[:_COMPARED]),
               key=lambda t: SequenceMatcher(None, t, near, autojunk=False).ratio())
    return (f"the text just after it is {cut(held, 60)!r} where its oa:suffix is "
            f"{cut(suffix or '', 60)!r} (a suffix begins where the quote ends, white space and "
            "line breaks included)")


def _found_in(sources_dir: Path, names: set[str], name: str, exact: str, cache: dict) -> str:
    """Return what to say of a quote its source does not hold when other source texts hold
    it word for word: its source named wrong (a claim citing a quote of another text), not
    the quote copied wrong, where the finding said where it departs from the wrong text."""
    holding = []
    for other in sorted(n for n in names - {name} if n.endswith(".txt")):
        text = _text(sources_dir, names, other, cache)
        if text and not isinstance(text, Unread) and exact in text:
            holding.append(other)  # (one that is no text is said of none here)
    if not holding:
        return ""
    if len(holding) > 1:
        return (f"it is word for word in {', '.join(holding)}: its oa:hasSource names "
                "another text than the one quoted")
    other = holding[0]
    text = _text(sources_dir, names, other, cache)
    start = text.find(exact)
    at = f", characters {start}-{start + len(exact)}" if text.count(exact) == 1 else ""
    return (f"it is word for word in {other}{at}: the evidence's oa:hasSource should be "
            f"src:{other}, the text quoted")


def check_quotes(store: ox.Store, sources_dir: Path, graph_of, new=frozenset(),
                 shown=None, recorded=None) -> list[Finding]:
    """Return a Finding for every quote, offset or hash that does not match the source texts,
    and for every evidence node of a graph named in ``new``, cited by a claim, that quotes a
    passage another evidence node quotes.

    ``graph_of`` turns a named graph IRI into the file name used in findings; ``shown`` turns
    that into the name a message gives the file (default: as it is).  ``recorded``: a store
    holding the source documents' ``ag:sha256`` where ``store`` may not (the build, when the
    proposals are judged against its neighbourhood), for ``_not_recorded``.
    """
    found: list[Finding] = []
    texts: dict[str, str | None] = {}
    # (file name, start, end) of a passage -> {(graph, evidence node)} quoting it.
    passages: dict[tuple, set] = defaultdict(set)
    # Named exactly, whatever the file system: one that ignores case found a src: name in
    # the wrong case, whose quotes were then checked against a text of another name.
    names = source_names(sources_dir)
    rows = list(store.query(_EVIDENCE))
    # An evidence node of two quotes (a proposal reusing the name of one of data/) has no
    # offsets of its own to check: each quote against each position was a finding, three
    # for one slip, beside the shape's saying it has two quotes.
    quoted: dict[ox.Node, set] = defaultdict(set)
    for row in rows:
        quoted[row["ev"]].add(row["exact"])
    # Each source file a proposal's evidence quotes -> (graph, evidence, source term): told
    # when the file is not the text the graph records (``_not_recorded``).
    proposed: dict[str, set] = defaultdict(set)
    for row in rows:
        graph, ev = graph_of(row["graph"]), row["ev"]
        focus = ev.value if isinstance(ev, ox.NamedNode) else f"_:{ev.value}"
        cited = (graph, focus)
        name = _file_name(row["source"], row["file"])
        text = _text(sources_dir, names, name, texts)
        if isinstance(text, Unread):
            found.append(_unread(sources_dir, name, text, graph, focus, row["source"]))
            continue
        if text is None:
            instead = named_instead(names, name)
            # The source as a term's text, as every finding's value is (a file name given as
            # a literal quoted, a blank node _:x): it is read back to place the finding.  The
            # name said clipped (``clipping.py``): one of 60,000 characters was said whole.
            found.append(_finding("source-file-missing", graph, focus,
                                  f"source file {clipped(name, show=repr)} is not in the "
                                  "sources folder" + (instead or ": check the src: name or add the text"),
                                  str(OA.hasSource), term_text(row["source"])))
            continue
        if graph in new:
            proposed[name].add((graph, focus, term_text(row["source"])))
        exact = row["exact"].value
        prefix = row["prefix"].value if row["prefix"] is not None else None
        suffix = row["suffix"].value if row["suffix"] is not None else None
        try:
            loc = locate(text, exact, prefix, suffix)
        except QuoteNotFound as exc:
            # The text holds the quote, not with its context: its context is what to mend, not
            # its source ("it is word for word in 000..., 001...: its oa:hasSource names
            # another text" was said of a prefix without the space before the quote).
            said = f"quote of {name}: {exc}" if exact.isspace() else \
                f"quote of {name}: {exc}; {_context_said(text, exact, prefix, suffix)}" \
                if exact in text else _not_verbatim(
                    name, exc, text, exact, _found_in(sources_dir, names, name, exact, texts))
            found.append(_finding("quote-not-verbatim", graph, focus, said, str(OA.exact),
                                  str(row["exact"])))
            continue
        if len(quoted[row["ev"]]) > 1:
            continue
        if row["start"] is None or row["end"] is None:
            # Without offsets the passage is known when the context (or the quote alone) is
            # unique; a quote that occurs twice and says nothing more cites neither for sure.
            if prefix is not None or suffix is not None or loc.prefix is None:
                passages[(name, loc.start, loc.end)].add(cited)
            continue
        try:
            start, end = int(row["start"].value), int(row["end"].value)
        except ValueError:
            continue  # not integers: the position selector's shape reports that
        if text[start:end] != exact:
            # The file that brings the offsets, or the quote, new is at fault: offsets 5-2222
            # a proposal gave an evidence node of data/ were said of data/'s file, and the
            # proposal conformed, and add wrote them there.
            said = graph_of(row["positionGraph"])
            found.append(_finding("quote-offsets-wrong", said if said in new else graph, focus,
                                  f"offsets {start}-{end} of {name} do not hold the quote "
                                  f"(it is at {loc.start}-{loc.end})", str(OA.start),
                                  str(row["start"])))
        elif start >= 0:
            passages[(name, start, end)].add(cited)
    citations: dict[str, set] = defaultdict(set)  # evidence node -> {(graph, claim)}
    for row in store.query(_CITATIONS):
        if isinstance(row["ev"], ox.NamedNode):
            citations[row["ev"].value].add((graph_of(row["graph"]), row["claim"]))
    found += _duplicates(passages, citations, new, shown or (lambda graph: graph))
    hashes: dict[str, str] = {}
    for row in store.query(_SOURCES):
        name = _file_name(row["source"], row["file"])
        if name not in names:
            continue  # a missing file is reported once, for the evidence citing it
        actual = _hashed(sources_dir, name, hashes)
        if actual is not None and row["sha"].value != actual:
            found.append(_finding("source-hash-mismatch", graph_of(row["graph"]),
                                  row["source"].value,
                                  f"ag:sha256 of {name} is not the file's ({actual}): the text "
                                  f"changed or the digest is mistyped", str(AG.sha256),
                                  str(row["sha"])))
            found += _not_recorded(sources_dir / name, row["sha"].value,
                                   proposed.pop(name, ()))
    for row in (recorded.query(_SOURCES) if recorded is not None and proposed else ()):
        name = _file_name(row["source"], row["file"])
        if name in proposed and row["sha"].value != (_hashed(sources_dir, name, hashes)
                                                     or row["sha"].value):
            found += _not_recorded(sources_dir / name, row["sha"].value, proposed.pop(name))
    return found


def _hashed(sources_dir: Path, name: str, hashes: dict) -> str | None:
    """Return the SHA-256 of source file ``name``, None when it cannot be read (said of the
    evidence quoting it, ``_unread``; it stopped the validation, exit 2)."""
    if name not in hashes:
        try:
            hashes[name] = sha256_of(sources_dir / name)
        except (OSError, SourceNotText):  # (a pipe since the folder was listed: refused)
            hashes[name] = None
    return hashes[name]


def _not_recorded(path: Path, recorded: str, citing) -> list[Finding]:
    """Return a Finding on each of a proposal's evidence nodes ``citing`` (graph, evidence,
    source term) a source file whose SHA-256 is not the one the graph records: its quotes
    and offsets were checked against another text than the graph's.  A checkout that wrote
    the sources with Windows line ends (git's core.autocrlf) shifted every offset past the
    first line: ``cite`` computed them from that text, validate found them right, and add
    wrote offsets the recorded text does not hold; the hash's finding was data/'s, not
    shown with the proposal's."""
    said = not_recorded(path, recorded) if citing else None
    if said is None:
        return []
    return [_finding("source-hash-mismatch", graph, focus,
                     f"{said}; this evidence's quote and offsets were checked against it, "
                     "and may not hold in the recorded text", str(OA.hasSource), source)
            for graph, focus, source in sorted(citing)]


def _duplicates(passages: dict[tuple, set], citations: dict[str, set], new,
                shown) -> list[Finding]:
    """Return an ``evidence-duplicate`` Finding for each passage quoted by several evidence
    nodes (named otherwise) that a proposal (a graph named in ``new``) cites twice:

    - an evidence node the proposal describes, cited by a claim, on its block;
    - an evidence node of the graph that no claim of the graph cited, on each proposal claim
      now citing it, when a claim cites another node for the passage (an uncited copy added
      once and cited later passed, judged by its own new nodes only).

    Each names one node to cite instead: one of the graph's before one of the proposals', a
    cited one first.  Evidence no claim cites supports nothing (the shape fixtures describe
    evidence alone, on the base graph's passage): it is compared only as the node to cite.
    """
    found = []
    for (name, start, end), quoting in passages.items():
        nodes: dict[str, set] = defaultdict(set)  # evidence node -> graphs describing it
        for graph, focus in quoting:
            if not focus.startswith("_:"):
                nodes[focus].add(graph)
        if len(nodes) < 2:
            continue  # one node, however many files restate it
        proposed = {n for n, graphs in nodes.items() if graphs <= new}
        cited_before = {n for n in nodes if any(g not in new for g, _ in citations.get(n, ()))}
        # The node to cite instead: the graph's before the proposals', cited ones first.
        ranked = sorted(nodes, key=lambda n: (n in proposed, n not in cited_before,
                                              n not in citations, n))
        for focus in sorted(nodes):
            other = next(n for n in ranked if n != focus)
            said = (name, start, end, other, shown(min(nodes[other])))
            cites = citations.get(focus, set())
            if focus in proposed:
                if cites:
                    found.append(_duplicate(min(nodes[focus]), focus, *said,
                                            str(OA.hasSelector), other))
                continue
            now = sorted((g, term_text(c)) for g, c in cites if g in new)
            if focus in cited_before or not now or not any(
                    citations.get(n) for n in nodes if n != focus):
                continue  # no new citation, or none beside it: not the proposal's doing
            for graph, claim in now:
                found.append(_duplicate(graph, claim, *said, CITING, focus, cited=focus))
    return found


def _duplicate(graph, focus, name, start, end, other, where, path, value,
               cited: str | None = None) -> Finding:
    """Return the Finding of a passage quoted twice: by a new evidence node ``focus`` (``cited``
    None), or by the node ``cited`` that claim ``focus`` now cites."""
    if cited is None:
        said = (f"characters {start}-{end} of {name} are already quoted by {other} ({where}): "
                f"cite {other} in prov:wasDerivedFrom instead of a new evidence node for the "
                f"same passage")
    else:
        said = (f"{cited} quotes characters {start}-{end} of {name}, a passage that {other} "
                f"({where}) quotes too and that another claim already cites: cite {other} in "
                f"prov:wasDerivedFrom instead of {cited}, so that one passage counts as one "
                f"piece of support")
    return _finding("evidence-duplicate", graph, focus, said, path, value)
