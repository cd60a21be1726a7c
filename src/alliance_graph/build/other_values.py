"""What a claim's finding of several values says of the others: each value and where it is.

``claim-multiple`` finds a claim giving two objects (or subjects, predicates, ranks), a finding
per value on that value's line.  Each named its own line alone: a user who had just added a
value read that it conflicted, and had to search the files for what with.  Each finding now
names the claim's other values and their places (``file:line``, ``line N`` in its own file),
the first few, then how many more.  A value on the finding's own line is not named again: the
line shows it (and two values written on one line stay one finding there).  ``validate``'s
finding of the shapes' ``sh:maxCount`` (a claim's second ``rdf:object`` in a proposal) named
none of the values, on the claim's first line: it names them here too (``note``), "value(s)"
where its line holds none of them.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..clipping import clipped, literal_said, written
from ..namespaces import shorten
from .blank_names import written_label

# The check whose findings are noted so.
CHECK = "claim-multiple-violation"
# How many other values a finding names; past them, how many more there are.
MOST_NAMED = 3


def notes(findings, shown=lambda name: name) -> list[str]:
    """Return, for each of ``findings`` (``checks._Finding``: check, file, line, focus, path,
    value), what to add to its message: ``other value(s): id:B (line 35), "x" (data/b.ttl:4)
    and 2 more`` for a ``claim-multiple`` finding, else nothing; another file named by
    ``shown`` (from its graph's name)."""
    places: dict[tuple, dict] = {}  # (claim, property) -> value -> [(file, line)]
    for f in findings:
        if f.check.name == CHECK:
            at = places.setdefault((f.focus, f.path), {}).setdefault(f.value, [])
            if (f.file, f.line) not in at:
                at.append((f.file, f.line))
    # Each claim's values are put in order once: sorted again for each of its findings, a
    # claim of 1,000 values took 3.3 s (a million values shortened and clipped to sort by).
    claims = {key: _Values(values, shown) for key, values in places.items()}
    return [claims[f.focus, f.path].note(f.file, f.line) if f.check.name == CHECK else ""
            for f in findings]


def note(values: dict, file: str, line: int | None) -> str:
    """Return what a finding on ``file``:``line`` says of a node's ``values`` of one property
    (value -> the (file, line) of each place writing it), as ``notes`` says them."""
    return _Values(values).note(file, line)


class _Values:
    """A claim's values of one property, in the order a finding names them (by their first
    place, then as written), and how many are written at each place."""

    def __init__(self, values: dict, shown=lambda name: name):
        self.shown = shown
        self.ordered = sorted(((sorted(at, key=_order), _term(value))
                               for value, at in values.items()),
                              key=lambda o: (_order(o[0][0]), o[1]))
        self.at: dict[tuple, int] = {}
        for at, _ in self.ordered:
            for place in at:
                self.at[place] = self.at.get(place, 0) + 1

    def note(self, file: str, line: int | None) -> str:
        """Return what a finding on ``file``:``line`` adds: the values of other lines, the same
        for each value of its own line (its findings stay one)."""
        here = (file, line)
        count = len(self.ordered) - self.at.get(here, 0)
        if not count:
            return ""
        said = []
        for at, term in self.ordered:
            if len(said) == MOST_NAMED:
                break
            if here not in at:
                said.append(f"{term} ({_places(at, file, self.shown)})")
        more = f" and {count - MOST_NAMED:,} more" if count > MOST_NAMED else ""
        other = "other " if here in self.at else ""  # (else its line holds none of them)
        return f"{other}value(s): {', '.join(said)}{more}"


def _order(place: tuple[str, int | None]) -> tuple[str, int]:
    return place[0], place[1] or 0


def _places(at: list, file: str, shown) -> str:
    """Return where a value is written, its first places and how many more there are."""
    more = f" and {len(at) - MOST_NAMED:,} more" if len(at) > MOST_NAMED else ""
    return ", ".join(_place(p, file, shown) for p in at[:MOST_NAMED]) + more


def _place(place: tuple[str, int | None], file: str, shown) -> str:
    name, line = place
    if line is None:
        return shown(name)
    return f"line {line}" if name == file else f"{shown(name)}:{line}"


def _term(term) -> str:
    """Return a value as a finding names it: a prefixed name, a blank node by its label (one
    written ``[ ... ]`` as ``[ ]``), a literal with its datatype, each clipped (``clipping.py``)."""
    if isinstance(term, ox.NamedNode):
        return written(shorten(term.value))
    if isinstance(term, ox.Literal):
        return literal_said(term)
    label = written_label(term) if isinstance(term, ox.BlankNode) else None
    if label is None and isinstance(term, ox.BlankNode):
        return "[ ]"  # written so, its place beside it: its name in the build is no file's
    return clipped(str(term) if label is None else f"_:{label}")
