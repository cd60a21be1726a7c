"""Helpers the test files share (never a test module importing another)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from alliance_graph.proposals.report import AGSH, CHECK
from alliance_graph.query import results as queries


def fetch(url, data=None, headers=None, method=None):
    """Return (status, headers, body) of one HTTP request; error statuses are returned too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def count(endpoint, query: str, **params) -> int:
    """Return the ?n of a COUNT query sent to a running endpoint (with protocol ``params``)."""
    url = f"{endpoint}/sparql?{urllib.parse.urlencode({'query': query, **params})}"
    status, _, body = fetch(url)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


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
