"""Helpers the test files share (never a test module importing another)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from alliance_graph.proposals.report import AGSH, CHECK
from alliance_graph.query import results as queries


def normalized(result) -> list[str]:
    """Return a result as sorted lines with blank node labels erased (they differ by store)."""
    kind = queries.kind_of(result)
    if kind == "ask":
        return [str(bool(result))]
    if kind == "graph":
        lines = [str(t) for t in result]
    else:
        names = [v.value for v in result.variables]
        lines = [" ".join(str(s[n]) for n in names) for s in result]
    return sorted(re.sub(r"_:[A-Za-z0-9]+", "_:b", line) for line in lines)


def canonical(quads) -> set[str]:
    """Return quads (or triples) as N-Quads lines, blank nodes relabelled canonically
    (RDFC-1.0), so that two parses of the same graph compare equal."""
    dataset = ox.Dataset(q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate,
                                                                   q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


# Shape fixtures: the findings a fixture's "# expect:" comments ask for, named briefly.

def short(iri: str) -> str:
    return iri.replace(str(CHECK), "check:").replace(str(AGSH), "agsh:")


def expected(path: Path) -> set[tuple[str, int]]:
    """Return the (shape, line) pairs a fixture's ``# expect:`` comments ask for."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = re.search(r"# expect: (.*)$", line)
        if m:
            found.update((name, number) for name in m.group(1).split())
    return found
