"""Write an amendment to a node of data/ inside the node's own block, as a contributor would.

A proposal that adds a note, a link or a citation to a claim (or an evidence node) of data/
used to get a block of its own at the end of the file, ``claim:X ag:note "..." .``, far from
the claim it amends.  ``insert`` puts the new lines at the end of the claim's block instead,
before its citations when the block ends with them (as the files write a note) and with new
citations listed on that line, so the diff shows the claim's block growing by a line or two.

The block is found in the text (its subject written at the start of a line, exactly once) and
its end by a scan that knows Turtle's strings, IRIs, comments and brackets.  Whatever the scan
gets wrong is caught: ``same_facts`` compares what the amended text states with what the old
text and the new lines state, and the caller writes a block of its own when they differ.
"""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox

from ..build.turtle_tokens import prefixes

_BLANK = "_"  # a blank node, as a fact counts it: each parse names them anew


# What the scan for a statement's end steps over at once: a run of characters none of which
# opens a string, an IRI, a comment or a bracket, or may be the final dot.  Stepping one
# character at a time, the scan cost 2.9 s of placing one fact in a 14 MB file (63,000
# statements), most of `validate` and `add` of it.
_ORDINARY = re.compile(r"""[^#"'<\[\]().]*+""")
# A string, from its opening quotes to its closing ones: runs between escapes,
# taken whole (possessive); a backslash escapes any character, a line end too.
_STRING = {quotes: re.compile(rf"{quotes}(?:[^{q}\\]++|\\.{more})*+{quotes}", re.S)
                for q in "\"'" for quotes, more in ((q, ""), (q * 3, f"|{q}(?!{q * 2})"))}


def statement_end(text: str, start: int) -> int | None:
    """Return the offset of the ``.`` ending the Turtle statement that starts at ``start``:
    the first one outside strings, IRIs, comments and brackets, followed by white space, a
    comment or the end of the text; None when there is none."""
    depth, i, size = 0, start, len(text)
    while True:
        i = _ORDINARY.match(text, i).end()
        if i >= size:
            return None
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            if i < 0:
                return None
        elif c in "\"'":
            closed = _STRING[c * 3 if text.startswith(c * 3, i) else c].match(text, i)
            if closed is None:
                return None
            i = closed.end() - 1
        elif c == "<" and not text.startswith("<<", i):
            i = text.find(">", i)
            if i < 0:
                return None
        elif c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "." and depth == 0 and (i + 1 == size or text[i + 1].isspace()
                                          or text[i + 1] == "#"):
            # A comment right after the dot ("... .# note") ends the statement too: no
            # name nor number ends in a dot, and the next statement was read as this one's.
            return i
        i += 1


def insert(text: str, edits: list[tuple[str, list[tuple[str, str]]]],
           cites: str) -> tuple[str, list[bool]]:
    """Return ``text`` with each edit's lines (predicate, objects as written) added to the block
    of its subject (as the file writes it), and which edits were: not one whose subject has
    no single block in the file, nor a second edit of one block.

    ``cites`` is how the file writes prov:wasDerivedFrom: the new lines go before a block's
    final citation line, and new citations join it.  The file is scanned once for every edit
    (an add amending thousands of claims of a large file would otherwise copy it per claim).
    """
    if not edits:
        return text, []
    wanted = {subject for subject, _ in edits}
    starts: dict[str, list[int]] = {}
    for m in re.finditer(r"^(\S+)(?=[ \t\n])", text, re.M):
        if m.group(1) in wanted:
            starts.setdefault(m.group(1), []).append(m.start())
    done: dict[int, tuple[int, str]] = {}  # block start -> (its end, its new text)
    applied = []
    for subject, lines in edits:
        found = starts.get(subject, [])
        end = statement_end(text, found[0]) if len(found) == 1 and found[0] not in done \
            else None
        if end is not None:
            done[found[0]] = (end, _amended(text[found[0]:end], lines, cites))
        applied.append(end is not None)
    pieces, at = [], 0
    for begin in sorted(done):
        end, block = done[begin]
        pieces += [text[at:begin], block, " "]
        at = end
    return "".join(pieces) + text[at:], applied


def _amended(block: str, lines: list[tuple[str, str]], cites: str) -> str:
    """Return the text of a block (without its final dot) with ``lines`` added."""
    block = block.rstrip()
    head, _, last = block.rpartition("\n")
    citing = re.fullmatch(rf"    {re.escape(cites)} ([^\[\]\"'#;]+)", last)
    if citing and head:
        added = "".join(f"    {p} {o} ;\n" for p, o in lines if p != cites)
        return f"{head}\n{added}{last}" + "".join(f", {o}" for p, o in lines if p == cites)
    return block + "".join(f" ;\n    {p} {o}" for p, o in lines)


def _facts(text: str) -> Counter:
    """Return what ``text`` states, each fact as N-Triples text, blank nodes unnamed (each
    parse names them anew).

    Text, not a tuple of terms, for each fact: strings are no work for the garbage collector,
    where a tuple per fact, a hundred thousand for 3,500 new blocks, set it walking every
    object the add holds, time and again; the check that a placed text states the right facts
    was then most of what placing cost over appending (0.3 of 0.35 s)."""
    return Counter(map(_fact, ox.parse(text, format=ox.RdfFormat.TURTLE)))


def _fact(t: ox.Triple) -> str:
    """Return a fact as ``_facts`` counts it."""
    if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode):
        return str(t)
    blank = lambda term: _BLANK if isinstance(term, ox.BlankNode) else str(term)  # noqa: E731
    return f"{blank(t.subject)} {t.predicate} {blank(t.object)}"


def _added(before: str, after: str) -> Counter | None:
    """Return the facts of ``after`` (as ``_facts`` counts them) that are not ``before``'s,
    when ``after`` states every fact of ``before`` in ``before``'s order with others among
    them (as a text with blocks put in it does), else None.

    The two parses are read side by side, a fact made text only where they differ: counting
    every fact of both texts was 2 s of placing one fact in a 14 MB data file."""
    old = ox.parse(before, format=ox.RdfFormat.TURTLE)
    added: Counter = Counter()
    expected = next(old, None)
    for t in ox.parse(after, format=ox.RdfFormat.TURTLE):
        if expected is not None and (t == expected or _fact(t) == _fact(expected)):
            expected = next(old, None)
        else:
            added[_fact(t)] += 1
    return added if expected is None else None


def same_facts(before: str, after: str, blocks: list[str]) -> bool:
    """Return whether ``after`` states exactly what ``before`` and ``blocks`` (Turtle written
    with ``after``'s prefixes) state together."""
    # The prefixes as the blocks were written with them (a prefix declared twice: its last
    # namespace), and nothing else: the text up to the last declaration held a file's
    # statements too when one was declared below them, and no text then passed.
    # Those declared at the top level: a line in a string reading like a declaration is not.
    from .placement import declarations  # placement reads statements with statement_end

    found = declarations(after)
    declared = prefixes(after) if found is None else found[0]
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in declared.items())
    try:
        stated = _facts(head + "\n".join(blocks))
        # In order, the facts put in are all that differ: what they are is the whole answer
        # (the one below, in fewer steps); else every fact of both texts is counted.
        added = _added(before, after)
        if added is not None:
            return added == stated
        return _facts(after) == _facts(before) + stated
    except (SyntaxError, ValueError):
        return False
