"""Time what a misspelt node is offered among many (build/spelling.py), and how often right.

N claims named as bench/generate.py names them (``claim:E0002077-4``), each typed twice (a
claim and an rdf:Statement) in one store; 40 slips of a claim's second character and its
second to last (``claim:Ex002077-q4``), each searched for by ``node_hints`` as ``check``
and ``validate`` do.  Prints the time to list and index the nodes and to search, the
process's peak memory, and how many slips were offered the claim they were made of (a
slip of a padding zero is as alike to other claims: difflib offers the later of them).

    python bench/spelling_scale.py 1000000
"""

from __future__ import annotations

import random
import resource
import sys
import time

import pyoxigraph as ox

from alliance_graph.build import spelling

CLAIM = "https://alliance-graph.example/id/claim/"
TYPES = [ox.NamedNode("https://alliance-graph.example/ontology/Claim"),
         ox.NamedNode(spelling.RDF_TYPE.replace("type", "Statement"))]


def main(count: int) -> None:
    rng = random.Random(1)
    names = [f"E{i // 4:07d}-{i % 4}" for i in range(count)]
    store = ox.Store()
    graph = ox.NamedNode("https://alliance-graph.example/graph/data/claims")
    store.bulk_extend(ox.Quad(ox.NamedNode(CLAIM + n), ox.NamedNode(spelling.RDF_TYPE), t,
                              graph) for n in names for t in TYPES)
    picks = rng.sample(names, 40)
    slips = {CLAIM + n[0] + rng.choice("xyzq") + n[2:-1] + "q" + n[-1]: CLAIM + n
             for n in picks}
    start = time.perf_counter()
    found = spelling.node_hints(slips, store, [])
    took = time.perf_counter() - start
    right = sum(found.get(slip) == meant for slip, meant in slips.items())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{count:,} claims: 40 slips in {took:.1f} s, {right} offered the claim they were "
          f"made of, {40 - len(found)} nothing; peak {peak:,} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]))
